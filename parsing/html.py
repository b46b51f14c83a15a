"""Reports as HTML pages: lines of the article, tables as rows with rowspan/colspan expanded.

lxml's plain etree HTML parser (not BeautifulSoup, nor lxml.html's element classes) for speed:
a crawl parses tens of thousands of pages. The page is read as blocks in reading order — a line
per block element or <br>, a list of rows per data table — and handed to
`parsing.document.build_report`. Title candidates come from the standard CMS meta tags
(ArticleTitle), <h1> and <title>; the publication date from PubDate-like meta tags first.
"""

from __future__ import annotations

import re

from lxml import etree

from parsing.document import Block, build_report
from parsing.encoding import decode
from parsing.meta import META_DATE_NAMES
from parsing.model import ParseError, Report

_BLOCK = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
    "header", "footer", "center", "blockquote", "pre", "dd", "dt", "dl", "tr", "td", "th",
    "form", "hr", "main", "aside", "nav", "caption", "tbody", "thead",
})
_SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "select", "button", "svg"})
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_MAX_SPAN = 60
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)


def parse_html(body: bytes, url: str = "", content_type: str | None = None) -> Report:
    text = _XML_DECL.sub("", decode(body, content_type))
    if not text.strip():
        raise ParseError("empty document: no text")
    try:
        root = etree.fromstring(text, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ParseError(f"not readable as HTML: {exc}") from exc
    if root is None:
        raise ParseError("not readable as HTML: no document element")
    titles, dates = _head_meta(root)
    body_el = root.find("body")
    blocks: list[Block] = []
    _walk(body_el if body_el is not None else root, blocks, [])
    # No data table at all: the tables were flattened to text lines (a page pasted from a
    # document), so read them from the lines as the text parser does.
    flat = not any(isinstance(b, list) for b in blocks)
    return build_report(url, blocks, titles=titles, dates=dates, tables_in_text=flat)


def _head_meta(root) -> tuple[list[str], list[str]]:
    titles: list[str] = []
    dates: list[str] = []
    for el in root.iter("meta"):
        name = (el.get("name") or el.get("property") or "").strip().lower()
        content = (el.get("content") or "").strip()
        if not content:
            continue
        if name in ("articletitle", "title", "og:title"):
            titles.append(content)
        elif name in META_DATE_NAMES:
            dates.append(content)
    for tag in ("h1", "title"):
        for el in root.iter(tag):
            text = " ".join("".join(el.itertext()).split())
            if tag == "title":
                text = re.split(r"\s*[_|｜]\s*|\s+-\s+", text)[0]
            if text:
                titles.append(text)
    return titles, dates


def _walk(el, out: list[Block], buf: list[str]) -> None:
    """Depth-first: inline text gathers in ``buf``; block elements and <br> end a line."""
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _SKIP or not tag:
            pass
        elif (tag == "table" and child.find(".//table") is None
              and _is_data(rows := table_rows(child))):
            _flush(out, buf)
            out.append(rows)
        elif tag == "br":
            _flush(out, buf)
        elif tag in _BLOCK or tag == "table":
            _flush(out, buf)
            if child.text:
                buf.append(child.text)
            _walk(child, out, buf)
            _flush(out, buf)
        else:
            if child.text:
                buf.append(child.text)
            _walk(child, out, buf)
        if child.tail:
            buf.append(child.tail)
    if el.tag == "body" or el.getparent() is None:
        _flush(out, buf)


def _is_data(rows: list[list[str]]) -> bool:
    """A table of two or more columns; one column is layout (a page typed into one cell)."""
    return any(len(row) > 1 for row in rows)


def _flush(out: list[Block], buf: list[str]) -> None:
    if buf:
        line = "".join(buf).strip()
        buf.clear()
        if line:
            out.append(line)


def table_rows(table) -> list[list[str]]:
    """The logical rows of an HTML table: a spanning cell repeated in every slot it covers."""
    rows: list[list[str]] = []
    carry: dict[int, tuple[int, str]] = {}  # column → (rows still covered, text)
    for tr in table.iter("tr"):
        row: list[str] = []
        col = 0
        for cell in tr:
            if cell.tag != "td" and cell.tag != "th":
                continue
            while carry and col in carry:
                col = _carry(carry, col, row)
            text = (cell.text or "") if len(cell) == 0 else "".join(cell.itertext())
            text = text.strip()
            rs, cs = cell.get("rowspan"), cell.get("colspan")
            if rs is None and cs is None:
                row.append(text)
                col += 1
                continue
            rowspan = _span(rs)
            for _ in range(_span(cs)):
                row.append(text)
                if rowspan > 1:
                    carry[col] = (rowspan - 1, text)
                col += 1
        while carry and col in carry:
            col = _carry(carry, col, row)
        rows.append(row)
    return rows


def _carry(carry: dict[int, tuple[int, str]], col: int, row: list[str]) -> int:
    """Fill ``col`` from a rowspan cell above; return the next column."""
    left, text = carry[col]
    row.append(text)
    if left <= 1:
        del carry[col]
    else:
        carry[col] = (left - 1, text)
    return col + 1


def _span(value: str | None) -> int:
    if value is None or value == "1":
        return 1
    try:
        return max(1, min(int(str(value).strip()), _MAX_SPAN))
    except (TypeError, ValueError):
        return 1
