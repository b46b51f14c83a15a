"""The discovery spider: from a portal's home or 政府信息公开 page, find its annual-report columns.

A column link says what it is (政府信息公开年报, 信息公开年报, 年度报告 …) without a year; a link
with a year is one report, not the column. When the page has no such link, the spider follows the
site's 政府信息公开 / 政务公开 links once and looks there. Each column found is fetched, its CMS
family detected and its items counted, and becomes a proposed registry row (`proposals`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse

from crawler.adapters import adapter_for, detect_family
from crawler.adapters.base import link_title
from crawler.middlewares import netloc
from crawler.titles import is_report_title, report_year

COLUMN_WORDS = re.compile(r"(政府信息公开|政务公开|信息公开)?(工作)?(年度报告|年报)(专栏)?")
OPEN_WORDS = ("政府信息公开", "信息公开", "政务公开")


def site_label(response: TextResponse) -> str:
    """A short name for the site: its SiteDomain (www.tieling.gov.cn → tieling), else its host."""
    domain = response.css('meta[name="SiteDomain"]::attr(content)').get() or ""
    labels = [p for p in domain.split(".") if p not in ("www", "gov", "cn", "com", "org", "")]
    return labels[0] if labels else netloc(response.url).replace(".", "-").replace(":", "-")


class DiscoverSpider(Spider):
    name = "discover"

    def __init__(self, start_urls: list[str] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.portal_urls = list(start_urls or [])
        self.allowed_netlocs = {netloc(url) for url in self.portal_urls}
        self.proposals: list[dict] = []

    async def start(self) -> AsyncIterator[Request]:
        for url in self.portal_urls:
            yield Request(url, callback=self.parse_portal, meta={"portal": url, "hops": 0})

    def parse_portal(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, TextResponse):
            return
        site_name = response.css('meta[name="SiteName"]::attr(content)').get()
        columns, open_pages = [], []
        for link in response.css("a[href]"):
            text = link_title(link)
            url = response.urljoin(link.attrib["href"])
            if netloc(url) != netloc(response.url):
                continue
            if COLUMN_WORDS.search(text) and report_year(text) is None:
                columns.append((url, COLUMN_WORDS.sub("", text).strip(" -—_|") or site_name))
            elif any(word in text for word in OPEN_WORDS) and "指南" not in text:
                open_pages.append(url)
        for url, name in columns:
            yield Request(url, callback=self.parse_column,
                          meta={**response.meta, "name": name, "label": site_label(response)})
        if not columns and response.meta["hops"] == 0:
            for url in open_pages:
                yield Request(url, callback=self.parse_portal,
                              meta={**response.meta, "hops": 1})

    def parse_column(self, response: Response) -> None:
        family = detect_family(response) if isinstance(response, TextResponse) else None
        items = adapter_for(family).items(response) if family else []
        digest = hashlib.sha1(response.url.encode()).hexdigest()[:6]
        self.proposals.append({
            "id": f"{response.meta['label']}-{digest}", "name": response.meta["name"],
            "portal_url": response.urljoin("/"),
            "column_urls": response.url, "cms": family or "",
            "listed": len(items), "reports": sum(is_report_title(i.title) for i in items),
        })
