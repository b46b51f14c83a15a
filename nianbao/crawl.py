"""`nianbao crawl` and `nianbao discover`: run the spiders in this process with CrawlerProcess.

The Twisted reactor runs once per process, so each command is one crawl; the monitor and the
tests start `python -m nianbao.cli crawl …` as a subprocess.

Crawl state. A JOBDIR lets a crawl that was stopped (Ctrl-C, SIGTERM, a CLOSESPIDER_* limit)
resume where it stopped. Scrapy keeps it forever, but its duplicate filter would then drop every
request of tomorrow's crawl, so a finished crawl's JOBDIR is removed here. A crawl killed with
SIGKILL leaves a JOBDIR without its queue (Scrapy writes the queue's index only on a clean stop):
resuming it would drop requests that were seen but never made, so it is discarded and the crawl
starts afresh — cheaply, because the HTTP cache turns every page already fetched into a 304.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from nianbao.store import AGENCY_FIELDS, DEFAULT_DB, Store

DEFAULT_REGISTRY = Path(__file__).resolve().parent.parent / "data" / "agencies.csv"


@dataclass
class CrawlResult:
    reason: str = "not started"
    stats: dict[str, Any] = field(default_factory=dict)
    proposals: list[dict] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.reason == "finished"


def crawl_settings(
    db: Path, *, jobdir: Path | None = None, httpcache: Path | None = None,
    overrides: dict[str, str] | None = None,
) -> Settings:
    """crawler.settings, with the database, the HTTP cache beside it and the crawl state."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("NIANBAO_DB", str(db.resolve()), priority="cmdline")
    cache = httpcache or db.resolve().parent / "httpcache"
    settings.set("HTTPCACHE_DIR", str(cache.resolve()), priority="cmdline")
    if jobdir is not None:
        settings.set("JOBDIR", str(jobdir.resolve()), priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def prepare_jobdir(jobdir: Path) -> str:
    """Keep a cleanly stopped crawl's state; discard one that was killed. Says which."""
    if not (jobdir / "requests.seen").exists():
        return "new"
    if (jobdir / "requests.queue" / "active.json").exists():
        return "resumed"
    shutil.rmtree(jobdir)
    return "discarded (the previous crawl was killed mid-write)"


def run_spider(spidercls: type, settings: Settings, **spider_args: Any) -> CrawlResult:
    """Run one spider to the end in this process and return why it closed and its stats."""
    result = CrawlResult()
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spidercls)

    def closed(spider, reason: str) -> None:
        result.reason = reason
        result.stats = dict(crawler.stats.get_stats())
        result.proposals = list(getattr(spider, "proposals", []))

    crawler.signals.connect(closed, signal=signals.spider_closed)
    process.crawl(crawler, **spider_args)
    process.start()
    return result


def run_crawl(
    agencies: list[dict], *, db: Path = DEFAULT_DB, jobdir: Path | None = None,
    httpcache: Path | None = None, overrides: dict[str, str] | None = None,
) -> CrawlResult:
    """Crawl these registry agencies into the store at `db`; the JOBDIR goes once finished."""
    from crawler.spiders.reports import ReportsSpider

    Store(db).upsert_agencies(agencies)
    if jobdir is not None:
        print(f"crawl state {jobdir}: {prepare_jobdir(jobdir)}", file=sys.stderr)
    settings = crawl_settings(db, jobdir=jobdir, httpcache=httpcache, overrides=overrides)
    result = run_spider(ReportsSpider, settings, agencies=agencies)
    if result.finished and jobdir is not None and jobdir.exists():
        shutil.rmtree(jobdir)
    return result


def format_result(result: CrawlResult, agencies: int) -> str:
    """One line: how the crawl ended, what it asked and what came of it."""
    stats = result.stats
    count = lambda key: stats.get(f"nianbao/{key}", 0)  # noqa: E731
    return (
        f"crawl {result.reason}: {agencies} agencies · "
        f"{stats.get('downloader/request_count', 0)} requests "
        f"({stats.get('httpcache/revalidate', 0)} unchanged, 304) · pages: "
        f"{count('pages_ok') + count('pages_warning') + count('pages_error')} parsed "
        f"({count('pages_error')} failed), {count('pages_raw')} kept raw, "
        f"{count('pages_unchanged')} unchanged · {count('items_skipped')} non-report items skipped"
    )


def format_store(db: Path) -> str:
    s = Store(db).summary()
    return (f"{s['agencies']} agencies · {s['reports']} reports · {s['parse_failures']} parse "
            f"failures · {s['warnings']} with warnings · database: {db}")


# -- command line ----------------------------------------------------------------------------
def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("crawl", help="crawl the registry's annual-report columns into the store")
    p.add_argument("--registry", type=Path, default=DEFAULT_REGISTRY, help="CSV or YAML")
    p.add_argument("--db", type=Path, default=None)
    p.add_argument("--jobdir", type=Path, default=None,
                   help="crawl state: a stopped crawl resumes from here, removed when finished "
                        "(default: crawl-state/ beside the database)")
    p.add_argument("--httpcache", type=Path, default=None,
                   help="HTTP cache for conditional requests (default: beside the database)")
    p.add_argument("--agency", nargs="+", default=None, metavar="ID",
                   help="crawl only these agencies")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="override a Scrapy setting (e.g. DOWNLOAD_DELAY=0)")
    p.set_defaults(func=cmd_crawl)

    p = sub.add_parser("discover", help="find annual-report columns on portals; print CSV rows")
    p.add_argument("urls", nargs="+", metavar="URL", help="a portal home or 政府信息公开 page")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    p.set_defaults(func=cmd_discover)


def _overrides(pairs: list[str]) -> dict[str, str]:
    try:
        return dict(pair.split("=", 1) for pair in pairs)
    except ValueError:
        raise SystemExit(f"--set expects NAME=VALUE, got {pairs}") from None


def cmd_crawl(args: argparse.Namespace) -> int:
    from nianbao.registry import load_registry

    agencies, errors = load_registry(args.registry)
    for error in errors:
        print(f"{args.registry}: {error}", file=sys.stderr)
    if args.agency:
        unknown = set(args.agency) - {a["id"] for a in agencies}
        if unknown:
            raise SystemExit(f"unknown agency id(s): {', '.join(sorted(unknown))}")
        agencies = [a for a in agencies if a["id"] in args.agency]
    db = args.db or DEFAULT_DB
    jobdir = args.jobdir or db.resolve().parent / "crawl-state"
    result = run_crawl(agencies, db=db, jobdir=jobdir, httpcache=args.httpcache,
                       overrides=_overrides(args.set))
    print(format_result(result, len(agencies)))
    print(format_store(db))
    return 0 if result.finished else 3


def cmd_discover(args: argparse.Namespace) -> int:
    import tempfile

    from crawler.spiders.discover import DiscoverSpider

    with tempfile.TemporaryDirectory() as tmp:  # discovery stores nothing
        overrides = {"HTTPCACHE_ENABLED": "False", "ITEM_PIPELINES": {}, "EXTENSIONS": {},
                     **_overrides(args.set)}
        settings = crawl_settings(Path(tmp) / "discover.db", overrides=overrides)
        result = run_spider(DiscoverSpider, settings, start_urls=args.urls)
    writer = csv.DictWriter(sys.stdout, fieldnames=AGENCY_FIELDS, extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    for proposal in result.proposals:
        writer.writerow(proposal)
        print(f"{proposal['column_urls']}: {proposal['cms'] or 'unknown family'}, "
              f"{proposal['listed']} items listed, {proposal['reports']} reports",
              file=sys.stderr)
    return 0 if result.proposals else 1
