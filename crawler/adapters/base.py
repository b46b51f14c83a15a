"""What a CMS family adapter does: find a list page's items, and the requests for its other pages.

An adapter knows markup, not reports: it returns every item of the column (the spider decides by
title which ones are reports) and the further list pages, as plain `scrapy.Request`s that the
spider gives its own callback. Adding a family is one module in this package plus one fixture test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from parsel import Selector
from scrapy import Request
from scrapy.http import TextResponse

from crawler.titles import normalize

DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


@dataclass(frozen=True)
class ListItem:
    """One entry of a column: absolute URL, title as listed, and the listed date (ISO) if any."""

    url: str
    title: str
    date: str | None = None


class Adapter:
    """Base of the CMS families. Subclasses set `name` and override the three methods."""

    name: ClassVar[str] = ""

    def detect(self, response: TextResponse) -> bool:
        """True when this page is a list page of this family."""
        raise NotImplementedError

    def items(self, response: TextResponse) -> list[ListItem]:
        """Every item listed on this page (reports and everything else)."""
        raise NotImplementedError

    def more_pages(self, response: TextResponse) -> Iterable[Request]:
        """Requests for the column's other list pages that this page reveals."""
        raise NotImplementedError


def json_object(response: TextResponse) -> dict | None:
    """The response as a JSON object, or None for an HTML page or anything else that is not one."""
    if not response.text.lstrip().startswith("{"):
        return None
    try:
        data = json.loads(response.text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def iso_date(text: str | None) -> str | None:
    """The first date written in the text (2024-03-08, 2024/3/8, 2024年3月8日) as ISO."""
    match = DATE.search(normalize(text or ""))
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def link_title(link: Selector) -> str:
    """A link's title attribute, else its text (list pages often cut the text short with …).

    Text pieces join without a space: in Chinese a tag boundary (政府信息<br>公开年报) is no word
    boundary; whitespace inside the pieces still separates words.
    """
    title = link.attrib.get("title") or "".join(link.css("::text").getall())
    return " ".join(normalize(title).split())


def row_items(response: TextResponse, links: Iterable[Selector]) -> list[ListItem]:
    """List items from links (first of each URL), each dated by the row around it."""
    seen: set[str] = set()
    items = []
    for link in links:
        href = (link.attrib.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        url = response.urljoin(href)
        if url in seen:
            continue
        seen.add(url)
        items.append(ListItem(url, link_title(link), row_date(link)))
    return items


def row_date(link: Selector) -> str | None:
    """The date in the link's row: its own text, or the closest li/tr/dl/p/div around it."""
    for row in link.xpath("ancestor-or-self::*[self::li or self::tr or self::dl or self::p "
                          "or self::div][1]"):
        date = iso_date(" ".join(row.css("::text").getall()))
        if date:
            return date
    parent = link.xpath("..")
    return iso_date(" ".join(parent.css("::text").getall())) if parent else None

