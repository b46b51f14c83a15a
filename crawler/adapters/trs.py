"""TRS WCM (拓尔思): static pages index.html, index_1.html, … announced by createPageHTML().

The list page ends with a script such as ``createPageHTML(5, 0, "index", "html");`` — five pages in
all, this is page 0 — or its newer form ``createPageHTML('page_div', 5, 1, 'index', 'html', 88)``.
Articles are relative links like ``./202301/t20230131_123.html``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from scrapy import Request
from scrapy.http import TextResponse

from crawler.adapters.base import Adapter, ListItem, row_items

CREATE_PAGE = re.compile(r"createPageHTML\s*\(([^)]*)\)")
VAR = r"var\s+{}\s*=\s*(\d+)"
# A TRS document: t + publication date + _ + document id, or a file the list links directly
# (P0 + date + serial, TRS's attachment names).
ARTICLE = re.compile(r"(^|/)(t\d{8}_\d+\.s?html?|P0\d{8,}\.(pdf|docx?))$", re.I)


def article_links(response: TextResponse) -> list[ListItem]:
    """Items are the links that look like TRS documents or files; navigation never does."""
    links = [a for a in response.css("a[href]") if ARTICLE.search(a.attrib["href"].split("?")[0])]
    return row_items(response, links)


def page_call(text: str) -> tuple[int, str, str] | None:
    """(page count, file prefix, extension) from the first createPageHTML call that resolves.

    The function's own definition (``function createPageHTML(_nPageCount, …)``) never resolves.
    """
    for match in CREATE_PAGE.finditer(text):
        args = [a.strip().strip("'\"") for a in match.group(1).split(",")]
        if len(args) >= 5 and _resolve(args[0], text) is None:
            args = args[1:]  # newer form: the pager's element id comes first
        if len(args) < 4:
            continue
        count = _resolve(args[0], text)
        if count is not None and _resolve(args[1], text) is not None:
            return count, args[2] or "index", args[3] or "html"
    return None


def _resolve(arg: str, text: str) -> int | None:
    """An argument is a number, or a variable assigned a number earlier in the script."""
    if arg.isdigit():
        return int(arg)
    match = re.search(VAR.format(re.escape(arg)), text)
    return int(match.group(1)) if match else None


class TRS(Adapter):
    name = "trs"

    def detect(self, response: TextResponse) -> bool:
        return page_call(response.text) is not None

    def items(self, response: TextResponse) -> list[ListItem]:
        return article_links(response)

    def more_pages(self, response: TextResponse) -> Iterable[Request]:
        call = page_call(response.text)
        if call is None:
            return []
        count, prefix, ext = call
        # Every page announces all pages; the scheduler's duplicate filter drops the repeats.
        return [Request(response.urljoin(f"{prefix}_{n}.{ext}")) for n in range(1, count)]
