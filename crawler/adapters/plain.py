"""Plain HTML lists: a table or list of dated links, and a 下一页 (next page) link to follow.

No script, no API: the items are the links whose row carries a date, and pagination is whatever
link says 下一页 (or 下页 / next). Also the fallback when no other family recognises a page.
"""

from __future__ import annotations

from collections.abc import Iterable

from scrapy import Request
from scrapy.http import TextResponse

from crawler.adapters.base import Adapter, ListItem, row_date, row_items

NEXT_WORDS = ("下一页", "下页", "后一页", "next")


class Plain(Adapter):
    name = "plain"

    def detect(self, response: TextResponse) -> bool:
        return bool(self.more_pages(response)) or bool(self.items(response))

    def items(self, response: TextResponse) -> list[ListItem]:
        links = [a for a in response.css("a[href]") if row_date(a)]
        return row_items(response, links)

    def more_pages(self, response: TextResponse) -> Iterable[Request]:
        return [
            Request(response.urljoin(a.attrib["href"]))
            for a in response.css("a[href]")
            if " ".join(a.css("::text").getall()).strip().lower() in NEXT_WORDS
            and not a.attrib["href"].startswith(("javascript:", "#"))
        ]
