"""Turn a fetched document (bytes + URL + content type) into one canonical `Report`.

A library of pure functions: no Scrapy, no SQL. `nianbao parse`, `nianbao reparse` and the crawl
pipeline all come through `parse_document`.
"""

from __future__ import annotations

from parsing.model import ParseError, Report

# Bump when a parser change can alter stored records, so `nianbao reparse` results are traceable.
PARSER_VERSION = "1"

__all__ = ["PARSER_VERSION", "ParseError", "Report", "detect_kind", "parse_document"]


def detect_kind(body: bytes, url: str = "", content_type: str | None = None) -> str:
    """Say what a document is (pdf, docx, doc, text, html): its bytes first, then its name."""
    ctype = (content_type or "").split(";")[0].strip().lower()
    name = url.lower().split("?")[0]
    if body[:5] == b"%PDF-":
        return "pdf"
    if body[:4] == b"PK\x03\x04":
        return "docx"
    if body[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "doc"
    if ctype == "text/plain" or name.endswith(".txt"):
        return "text"
    return "html"


def parse_document(body: bytes, url: str = "", content_type: str | None = None) -> Report:
    """Parse any supported document. Raises `ParseError` with a clear reason when nothing fits."""
    kind = detect_kind(body, url, content_type)
    if kind == "pdf":
        from parsing.pdf import parse_pdf

        return parse_pdf(body, url)
    if kind == "docx":
        from parsing.docx import parse_docx

        return parse_docx(body, url)
    if kind == "doc":
        from parsing.doc import parse_doc

        return parse_doc(body, url)
    if kind == "text":
        from parsing.text import parse_text

        return parse_text(body, url)
    from parsing.html import parse_html

    return parse_html(body, url, content_type)
