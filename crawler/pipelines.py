"""The one pipeline: hand every fetched page to the store. Parsing happens there, not here.

The store parses what it stores (pdfplumber on a long PDF takes a while), so the work runs on one
worker thread that owns the SQLite connection: the reactor keeps downloading meanwhile, and one
writer means no lock contention. A page whose exact bytes are already stored (a 304 revalidated
from the HTTP cache, or a resumed crawl) is not parsed again — unless its report row is missing
(a crawl killed between saving the page and parsing it), which is then completed.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from scrapy.crawler import Crawler

from crawler.items import FetchedPage
from nianbao.store import Store

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler: Crawler, db_path: Path):
        self.crawler = crawler
        self.db_path = db_path
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nianbao-store")
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler, Path(crawler.settings.get("NIANBAO_DB")))

    async def process_item(self, item: FetchedPage) -> FetchedPage:
        future = self.executor.submit(self._store, item)
        outcome = await asyncio.wrap_future(future)
        self.crawler.stats.inc_value(f"nianbao/pages_{outcome}")
        return item

    def close_spider(self) -> None:
        if self.store is not None:
            self.executor.submit(self.store.db.close).result()
        self.executor.shutdown(wait=True)

    def _store(self, item: FetchedPage) -> str:
        """Runs on the worker thread. Returns what happened: unchanged, raw, ok, warning, error."""
        if self.store is None:
            self.store = Store(self.db_path)
        store = self.store
        if item.role in ("report", "landing"):
            store.record_listing(item.url, agency_id=item.agency_id, title=item.title,
                                 year=item.year, listed_date=item.listed_date,
                                 list_url=item.list_url)
        stored = store.stored_status(item.url, item.body)
        if stored is not None and (stored != "raw" or not item.parsed):
            return "unchanged"
        fields = dict(content_type=item.content_type, http_status=item.status,
                      agency_id=item.agency_id, headers=item.headers, referer=item.referer)
        if not item.parsed:
            store.save_page(item.url, item.body, **fields)
            return "raw"
        try:
            return store.store_document(item.url, item.body, **fields).status
        except Exception:  # a parser bug or a bad row: log it and keep crawling
            logger.exception("storing %s failed", item.url)
            return "store_failed"
