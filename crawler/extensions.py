"""CrawlRecorder: write each agency's crawl outcome to the store's `crawls` table at the end.

The monitor reads crawl health from there (consecutive failures, a column that suddenly lists
nothing). The counts live in `spider.state`, which Scrapy's SpiderState extension saves in the
JOBDIR, so a crawl stopped and resumed reports the totals of the whole run under one run id.
"""

from __future__ import annotations

from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from nianbao.store import Store, now_iso


class CrawlRecorder:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRecorder:
        return cls(crawler)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        outcomes = getattr(spider, "outcomes", None)
        if outcomes is None:
            return
        store = Store(Path(self.crawler.settings.get("NIANBAO_DB")))
        finished = now_iso()
        try:
            for agency_id, outcome in outcomes().items():
                errors = list(outcome["errors"])
                if reason != "finished":
                    errors.append(f"crawl stopped before the end ({reason})")
                store.record_crawl(
                    spider.state["run_id"], agency_id, started_at=spider.state["started_at"],
                    finished_at=finished, ok=not errors, listed=len(outcome["listed"]),
                    reports=len(outcome["reports"]), error="; ".join(errors[:5]) or None,
                )
        finally:
            store.db.close()
