"""DOCX attachments → `Report`, with python-docx.

The body is read in order (paragraphs, tables, and paragraphs inside content controls), so each
table stays under the section heading that precedes it. python-docx hands a merged cell back once
per layout-grid position it covers; the cell's identity (``cell._tc``) tells a merge from two
cells that merely hold the same text. Rows follow the PDF convention: a cell merged down repeats
its text in every row, a cell merged across gives its text once then empty strings.
"""

from __future__ import annotations

import io

from parsing.attachments import Extracted, Grid, build_report, tidy
from parsing.model import ParseError, Report

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def parse_docx(body: bytes, url: str = "") -> Report:
    """Parse a DOCX annual report. Raises `ParseError` for a damaged or non-Word file."""
    return build_report(extract_docx(body), url)


def extract_docx(body: bytes) -> Extracted:
    """Paragraphs and table rows of a DOCX body, in document order."""
    import docx

    try:
        document = docx.Document(io.BytesIO(body))
    except Exception as exc:  # zipfile, lxml and python-docx each raise their own types
        reason = str(exc).strip() or "damaged file"
        raise ParseError(f"unreadable DOCX: {type(exc).__name__}: {reason}"[:200]) from exc
    out = Extracted()
    _walk(document.element.body, document, out)
    if not out.blocks:
        raise ParseError("DOCX holds no text")
    return out


def _walk(element, document, out: Extracted) -> None:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in element.iterchildren():
        if child.tag == f"{_W}p":
            text = " ".join(Paragraph(child, document).text.split())  # typed spaces are kept
            if text:
                out.blocks.append(text)
        elif child.tag == f"{_W}tbl":
            rows = _rows(Table(child, document))
            if rows:
                out.blocks.append(rows)
        elif child.tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"):
            _walk(child, document, out)


def _rows(table) -> Grid:
    grid: Grid = []
    for row in table.rows:
        cells: list[tuple[str, object]] = [("", object()) for _ in range(row.grid_cols_before)]
        cells += [(tidy(cell.text), cell._tc) for cell in row.cells]
        cells += [("", object()) for _ in range(row.grid_cols_after)]
        grid.append(cells)
    return grid
