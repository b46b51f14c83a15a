"""PDF attachments → `Report`, with pdfplumber.

Real reports are Word/WPS files printed to PDF. What this module undoes:

- invisible rectangles (white paragraph shading) that pdfplumber would take for table rulings,
  turning narrative text into one-column "tables";
- tables cut by page breaks, with the page number between the halves: the halves are joined, a
  label cell cut in two ("（四）无" | "法提供") is joined back, and empty continuation cells of
  a merged label take the label;
- merged cells: a cell spanning several rows gives its text to each row it spans;
- text wrapped inside cells ("商业企\\n业", a label set one character per line);
- narrative lines wrapped at the page width, joined back into paragraphs.
"""

from __future__ import annotations

import io
import re
import statistics
from dataclasses import dataclass

from parsing.attachments import Extracted, Grid, build_report, is_page_number, tidy
from parsing.model import ParseError, Report

_WHITE = {(1,), (1.0,), (1, 1, 1), (1.0, 1.0, 1.0), (0, 0, 0, 0), (0.0, 0.0, 0.0, 0.0)}
_LABEL_START = re.compile(r"^[（(]?[一二三四五六七八九十\d]+[）)、.．，,]")
_NUMERIC = re.compile(r"^[\d０-９.,，]+$")
_CID = re.compile(r"\(cid:\d+\)")


def parse_pdf(body: bytes, url: str = "") -> Report:
    """Parse a PDF annual report. Raises `ParseError` for a broken or image-only PDF."""
    return build_report(extract_pdf(body), url)


def extract_pdf(body: bytes) -> Extracted:
    """Paragraphs and table rows of a PDF, in reading order."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(body))
    except Exception as exc:  # pdfminer raises many unrelated types for a damaged file
        raise ParseError(f"unreadable PDF: {_reason(exc)}") from exc
    try:
        with pdf:
            pages = [_read_page(page) for page in pdf.pages]
    except ParseError:
        raise
    except Exception as exc:
        raise ParseError(f"unreadable PDF: {_reason(exc)}") from exc
    if not any(p.lines or p.tables for p in pages):
        raise ParseError("no text layer (scanned PDF?)")
    extracted = _assemble(pages)
    text = extracted.text()
    unmapped = len(_CID.findall(text))  # "(cid:4162)": a glyph with no Unicode mapping
    if unmapped > len("".join(_CID.sub("", text).split())):
        raise ParseError("no usable text layer: its fonts map glyphs to no characters ((cid:…))")
    return extracted


def _reason(exc: Exception) -> str:
    """The pdfminer error inside pdfplumber's wrapper, named plainly."""
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    name = type(inner).__name__
    if name == "PDFPasswordIncorrect":
        return "encrypted, a password is required"
    if name in ("PSEOF", "PDFSyntaxError"):
        return f"damaged or truncated ({name}: {inner})"[:200]
    return f"{name}: {str(inner).strip() or 'no detail'}"[:200]


# ---- one page -----------------------------------------------------------------------------


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float


@dataclass
class _Anchor:
    """One cell of the printed table; grid positions it spans share the object."""

    text: str


@dataclass
class _PageTable:
    top: float
    grid: list[list[_Anchor | None]]  # None: a column this row has no cell in


@dataclass
class _Page:
    lines: list[_Line]
    tables: list[_PageTable]
    size: float  # typical font size, for indents and margins
    height: float


def _visible(obj: dict) -> bool:
    """Drop filled white rectangles without a stroke: shading that draws no line on paper."""
    if obj.get("object_type") != "rect" or obj.get("stroke"):
        return True
    color = obj.get("non_stroking_color")
    if isinstance(color, list | tuple):
        color = tuple(color)
    elif isinstance(color, int | float):
        color = (color,)
    return not (obj.get("fill") and color in _WHITE)


def _read_page(page) -> _Page:
    page = page.filter(_visible)
    tables = []
    text_page = page
    for found in page.find_tables(_close_cut_rows(page)):
        table = _read_table(page, found)
        if table is None:
            continue
        tables.append(table)
        text_page = text_page.outside_bbox(found.bbox)
    lines = [
        _Line(tidy(raw["text"]), raw["x0"], raw["x1"], raw["top"])
        for raw in text_page.extract_text_lines(strip=True, return_chars=False)
    ]
    lines = [line for line in lines if line.text]
    # a running page number is the page's first or last line ("- 3 -"); a lone number elsewhere
    # is content
    while lines and is_page_number(lines[-1].text):
        lines.pop()
    while lines and is_page_number(lines[0].text):
        lines.pop(0)
    sizes = [c["size"] for c in text_page.chars if c.get("text", "").strip()]
    size = statistics.median(sizes) if sizes else 12.0
    return _Page(lines, tables, size, float(page.height))


def _close_cut_rows(page) -> dict:
    """Rule lines where the vertical rulings start and stop: a row cut by a page break may have
    no ruling of its own at the page's bottom (or top), and pdfplumber would drop it with its
    numbers."""
    verticals = [e for e in page.edges if e["orientation"] == "v"]
    if not verticals:
        return {}
    top = min(e["top"] for e in verticals)
    bottom = max(e["bottom"] for e in verticals)
    return {"explicit_horizontal_lines": [top, bottom]}


def _read_table(page, found) -> _PageTable | None:
    """A pdfplumber table as a grid of shared anchors, or None when it is not a real table.

    pdfplumber only knows closed rectangles; a merged label cut by the page bottom has no lower
    ruling, so its positions have no cell. Each vertical run of such positions becomes one cell
    holding the characters printed there ("三、本年度办理结果" set one character per line).
    """
    texts = found.extract()
    rows = found.rows
    xs = sorted({cell[0] for cell in found.cells})
    if len(xs) < 2:
        return None  # one column: ruled-off narrative, read as text
    edges = xs + [found.bbox[2]]
    tops = [next(c[1] for c in row.cells if c is not None) for row in rows]
    bottoms = tops[1:] + [found.bbox[3]]
    grid: list[list[_Anchor | None]] = [[None] * len(xs) for _ in rows]
    owners: dict[tuple, _Anchor] = {}
    for r, row in enumerate(rows):
        for c, bbox in enumerate(row.cells):
            if bbox is not None:
                owners[bbox] = grid[r][c] = _Anchor(tidy(texts[r][c]))
    for r in range(len(rows)):
        y = (tops[r] + bottoms[r]) / 2
        for c in range(len(xs)):
            if grid[r][c] is None:
                x = (edges[c] + edges[c + 1]) / 2
                owner = next((b for b in owners if b[0] <= x <= b[2] and b[1] <= y <= b[3]), None)
                grid[r][c] = owners[owner] if owner else None
    for c in range(len(xs)):
        r = 0
        while r < len(rows):
            if grid[r][c] is not None:
                r += 1
                continue
            end = r
            while end + 1 < len(rows) and grid[end + 1][c] is None:
                end += 1
            anchor = _Anchor(_text_in(page, (edges[c], tops[r], edges[c + 1], bottoms[end])))
            for k in range(r, end + 1):
                grid[k][c] = anchor
            r = end + 1
    if not any(len({id(a) for a in row if a and a.text}) >= 2 for row in grid):
        return None
    return _PageTable(found.bbox[1], grid)


def _text_in(page, bbox: tuple[float, float, float, float]) -> str:
    """The characters whose centre lies in ``bbox``, as pdfplumber would read a cell."""
    from pdfplumber.utils import extract_text

    x0, top, x1, bottom = bbox
    chars = [
        ch for ch in page.chars
        if x0 <= (ch["x0"] + ch["x1"]) / 2 < x1 and top <= (ch["top"] + ch["bottom"]) / 2 < bottom
    ]
    return tidy(extract_text(chars)) if chars else ""


# ---- the whole document -------------------------------------------------------------------


def _assemble(pages: list[_Page]) -> Extracted:
    """Reading order over pages: paragraphs joined across lines, tables joined across pages."""
    left = min((ln.x0 for p in pages for ln in p.lines), default=0.0)
    right = max((ln.x1 for p in pages for ln in p.lines), default=0.0)
    out = Extracted()
    paragraph: list[str] = []
    last_full = False  # did the previous narrative line run to the right margin?
    open_table: _PageTable | None = None  # a table that ended its page: the next may continue it
    open_index = -1

    def flush() -> None:
        if paragraph:
            out.blocks.append(_join_lines(paragraph))
            paragraph.clear()

    for page in pages:
        items: list[tuple[float, _Line | _PageTable]] = [(ln.top, ln) for ln in page.lines]
        items += [(t.top, t) for t in page.tables]
        items.sort(key=lambda item: item[0])
        for index, (_, item) in enumerate(items):
            if isinstance(item, _Line):
                open_table = None
                indent = item.x0 > left + 0.9 * page.size
                if paragraph and (indent or not last_full):
                    flush()
                paragraph.append(item.text)
                last_full = item.x1 >= right - 1.6 * page.size
                continue
            flush()
            last_full = False
            if open_table is not None and index == 0 and _continues(open_table, item):
                _join(open_table, item)
                out.blocks[open_index] = _rows(open_table)
            else:
                out.blocks.append(_rows(item))
                open_table, open_index = item, len(out.blocks) - 1
        if items and isinstance(items[-1][1], _Line):
            open_table = None
    flush()
    return out


def _join_lines(lines: list[str]) -> str:
    """Join wrapped lines: no space inside CJK text, one space between Latin words."""
    text = lines[0]
    for line in lines[1:]:
        text += line if tidy(text[-1] + " " + line[0]) == text[-1] + line[0] else " " + line
    return text


def _continues(previous: _PageTable, current: _PageTable) -> bool:
    """Same column count at the top of the next page: the same table, cut by the page."""
    return len(previous.grid[0]) == len(current.grid[0])


def _join(previous: _PageTable, current: _PageTable) -> None:
    """Append ``current``'s rows to ``previous``, healing the cells the page break cut.

    Only when the new page starts with a body row (one with numbers): a header row repeated
    on each page must not be glued to the label above it."""
    last = previous.grid[-1]
    first = current.grid[0]
    if not any(a is not None and _NUMERIC.match(a.text) for a in first):
        previous.grid.extend(current.grid)
        return
    for c, anchor in enumerate(first):
        above = last[c]
        if anchor is None or above is None or not above.text or _NUMERIC.match(above.text):
            continue
        if not anchor.text:
            _replace(current, anchor, above)  # the merged label runs on over the break
        elif _LABEL_START.match(above.text) and not (
            _LABEL_START.match(anchor.text) or _NUMERIC.match(anchor.text)
        ):
            above.text += anchor.text  # "（四）无" + "法提供"
            _replace(current, anchor, above)
    previous.grid.extend(current.grid)


def _replace(table: _PageTable, old: _Anchor, new: _Anchor) -> None:
    for row in table.grid:
        for i, anchor in enumerate(row):
            if anchor is old:
                row[i] = new


def _rows(table: _PageTable) -> Grid:
    """The table as a `Grid`; a position no cell covers is an empty cell of its own."""
    return [
        [(a.text, a) if a is not None else ("", object()) for a in grid_row]
        for grid_row in table.grid
    ]
