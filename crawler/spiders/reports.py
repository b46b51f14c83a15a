"""The registry-driven spider: walk each agency's column(s), fetch the reports and their files.

Per agency: the column URL(s) → list pages (the CMS family's adapter finds items and further
pages) → the items whose title is a report (crawler.titles) → the article page → its PDF / DOC /
DOCX attachments. Every fetched document goes to the pipeline as a `FetchedPage`, raw.

An article whose text is the report (it carries the report's own section headings) is the report;
its attachments are kept raw as copies. An article that is only a link to a file is a landing
page: it is kept raw without a report row (parsing it would only add an empty "error" report),
and the file it links to is the report. This keeps one report per listed item.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.adapters import adapter_for, detect_family
from crawler.items import FetchedPage, Role
from crawler.middlewares import netloc
from crawler.titles import is_report_title, report_year
from nianbao.store import now_iso

ATTACHMENT = re.compile(r"\.(pdf|docx?)$", re.I)
# Words only the report itself prints: two of them mean the page's text is the report.
REPORT_MARKERS = (
    "总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议", "存在的主要问题", "其他需要报告的事项", "本年新收政府信息公开申请数量",
)


def is_attachment(url: str) -> bool:
    """A PDF/DOC/DOCX link: by its path, or by a file name in its query (downfile.jsp?filename=)."""
    parts = urlsplit(url)
    return bool(ATTACHMENT.search(parts.path)) or any(
        ATTACHMENT.search(value) for _, value in parse_qsl(parts.query)
    )


def carries_report(response: TextResponse) -> bool:
    text = "".join("".join(response.xpath("//body//text()").getall()).split())
    return sum(marker in text for marker in REPORT_MARKERS) >= 2


class ReportsSpider(Spider):
    name = "reports"

    def __init__(self, agencies: list[dict] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.agencies = {a["id"]: a for a in agencies or []}
        self.allowed_netlocs = {
            netloc(url)
            for a in self.agencies.values()
            for url in [*a.get("column_urls", []), a.get("portal_url") or ""] if url
        }
        self.state: dict = {}  # replaced by the saved state when a JOBDIR is in use

    # -- the per-agency record the CrawlRecorder writes out -----------------------------------
    def outcomes(self) -> dict[str, dict]:
        return self.state.setdefault("agencies", {})

    def _outcome(self, agency_id: str) -> dict:
        return self.outcomes().setdefault(
            agency_id, {"listed": set(), "reports": set(), "errors": []}
        )

    # -- start: one request per column URL ----------------------------------------------------
    async def start(self) -> AsyncIterator[Request]:
        self.state.setdefault("run_id", uuid.uuid4().hex[:12])
        self.state.setdefault("started_at", now_iso())
        for agency_id, agency in self.agencies.items():
            self._outcome(agency_id)
            for url in agency.get("column_urls", []):
                yield Request(
                    url, callback=self.parse_list, errback=self.list_failed,
                    meta={"agency": agency_id, "family": agency.get("cms") or None},
                )

    def parse_list(self, response: Response) -> Iterator[Request]:
        agency_id = response.meta["agency"]
        outcome = self._outcome(agency_id)
        if not isinstance(response, TextResponse):
            outcome["errors"].append(f"not a list page: {response.url}")
            return
        family = response.meta.get("family") or detect_family(response)
        if family is None:
            outcome["errors"].append(f"no CMS family recognises {response.url}")
            return
        adapter = adapter_for(family)
        for item in adapter.items(response):
            outcome["listed"].add(item.url)
            if not is_report_title(item.title):
                self.crawler.stats.inc_value("nianbao/items_skipped")
                continue
            outcome["reports"].add(item.url)
            meta = {"agency": agency_id, "title": item.title, "year": report_year(item.title),
                    "listed_date": item.date, "list_url": response.url}
            if is_attachment(item.url):  # a column that links the file itself
                yield Request(item.url, callback=self.parse_file, errback=self.page_failed,
                              meta={**meta, "role": "report", "referer": response.url})
            else:
                yield Request(item.url, callback=self.parse_article, errback=self.page_failed,
                              meta=meta)
        for request in adapter.more_pages(response):
            yield request.replace(
                callback=self.parse_list, errback=self.list_failed,
                meta={**request.meta, "agency": agency_id, "family": family},
            )

    def parse_article(self, response: Response) -> Iterator[FetchedPage | Request]:
        if not isinstance(response, TextResponse):  # the listed link served the file itself
            yield self._page(response, "report")
            return
        files = [
            url for url in dict.fromkeys(
                response.urljoin(href) for href in response.css("a::attr(href)").getall()
            )
            if is_attachment(url)
        ]
        landing = bool(files) and not carries_report(response)
        yield self._page(response, "landing" if landing else "report")
        for url in files:
            yield Request(url, callback=self.parse_file, errback=self.page_failed,
                          meta={**_listing(response.meta), "referer": response.url,
                                "role": "attachment" if landing else "copy"})

    def parse_file(self, response: Response) -> Iterator[FetchedPage]:
        yield self._page(response, response.meta["role"])

    def _page(self, response: Response, role: Role) -> FetchedPage:
        headers = {
            k.decode("latin-1"): b", ".join(v).decode("latin-1")
            for k, v in response.headers.items()
        }
        meta = response.meta
        return FetchedPage(
            url=response.url, body=response.body, status=response.status, headers=headers,
            content_type=headers.get("Content-Type"), agency_id=meta["agency"],
            referer=meta.get("referer") or meta.get("list_url"), role=role,
            title=meta.get("title"), year=meta.get("year"),
            listed_date=meta.get("listed_date"), list_url=meta.get("list_url"),
        )

    # -- failures -----------------------------------------------------------------------------
    def list_failed(self, failure: Failure) -> None:
        self._failed(failure, "list page")

    def page_failed(self, failure: Failure) -> None:
        self._failed(failure, "report")

    def _failed(self, failure: Failure, what: str) -> None:
        request = failure.request
        if failure.check(HttpError):
            reason = f"HTTP {failure.value.response.status}"
        elif failure.check(IgnoreRequest):  # robots.txt or an off-registry host: not a failure
            self.crawler.stats.inc_value("nianbao/ignored")
            return
        else:
            reason = failure.getErrorMessage() or failure.type.__name__
        self._outcome(request.meta["agency"])["errors"].append(
            f"{what} {request.url}: {reason}"
        )
        self.logger.warning("%s %s failed: %s", what, request.url, reason)


def _listing(meta: dict) -> dict:
    keys = ("agency", "title", "year", "listed_date", "list_url")
    return {k: meta.get(k) for k in keys}
