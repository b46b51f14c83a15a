"""What PDF, DOCX and DOC extraction share: tidying text that page layout broke apart.

Attachments lose what HTML keeps: a cell's words wrap ("商业企\\n业", "三\\n、\\n本\\n年"), the PDF
text layer puts spaces between glyphs ("总 计", "2023 年") and page numbers ("- 3 -") sit between
the rows of a table. The extractors tidy that here, then hand paragraphs and logical table rows
(cell strings, document order) to the same table core as the HTML parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parsing import document
from parsing.model import Report
from parsing.values import value_kind

# CJK ideographs, full-width forms and CJK punctuation: text in which a space or a line break
# is only layout, never a word boundary.
_CJK = r"\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u3000-\u303f“”‘’"
_ANNEX = re.compile(r"^附件\s*\d*\s*[:：]?$")
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－_·•]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[\s\-—–－_·•]*$"
)


def tidy(text: str | None) -> str:
    """Join a wrapped cell or line: drop layout spaces and breaks next to CJK text, keep others."""
    if not text:
        return ""
    text = text.replace("\u00a0", " ")
    text = _SPACE_NEAR_CJK.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def is_page_number(line: str) -> bool:
    """A running page number such as "- 3 -", "3", "第 3 页", "3/6" (never a report line)."""
    return bool(_PAGE_NUMBER.match(line))


# One table as laid out: per grid position, the cell's text and the cell's identity. A merged
# cell occupies several positions with the same identity object.
Grid = list[list[tuple[str, object]]]


def table_rows(grid: Grid) -> list[list[str]]:
    """Logical rows for the table core (`parsing.tables.fill_tables`), which reads a stream of
    labels and values and counts values (7 per Table 3 row): so a cell merged across columns
    is given once, a cell merged down repeats its text in each row (each row keeps its label
    context), and the empty cells of label columns, which would read as blank values, are left
    out. Label columns are those left of the first column holding a number; empty cells from
    there on stay (a blank is not a zero, and a column may be all blank)."""
    numeric = [
        c for row in grid for c, (text, _) in enumerate(row) if value_kind(text) == "number"
    ]
    first_value = min(numeric, default=0)
    rows: list[list[str]] = []
    for grid_row in grid:
        row: list[str] = []
        previous: object = None
        for c, (text, identity) in enumerate(grid_row):
            merged_across = identity is previous
            previous = identity
            if merged_across or (not text and c < first_value):
                continue
            row.append(text)
        if any(row):
            rows.append(row)
    return rows


@dataclass
class Extracted:
    """A document reduced to what the report parser reads: ``blocks`` in document order, a
    ``str`` for a paragraph and a `Grid` for a table."""

    blocks: list[str | Grid] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return [b for b in self.blocks if isinstance(b, str)]

    @property
    def rows(self) -> list[list[str]]:
        """The logical rows of every table, in document order."""
        return [row for b in self.blocks if isinstance(b, list) for row in table_rows(b)]

    def text(self) -> str:
        """Paragraphs one per line and table rows as ``a | b | c`` lines, in document order."""
        out: list[str] = []
        for block in self.blocks:
            if isinstance(block, str):
                out.append(block)
            else:
                out.extend(" | ".join(row) for row in table_rows(block))
        return "\n".join(out)


def build_report(extracted: Extracted, url: str) -> Report:
    """The canonical record, assembled by the same code as HTML and text reports."""
    blocks = [b if isinstance(b, str) else table_rows(b) for b in extracted.blocks]
    return document.build_report(url, blocks, titles=title_candidates(extracted.paragraphs))


def title_candidates(paragraphs: list[str]) -> list[str]:
    """A title set over two or three short lines ("洪泽区人民政府" / "2023年…年度报告") read as one.

    Web pages carry the title in a tag; a document only prints it, often with the agency on a
    line of its own above the words "…年度报告"."""
    while paragraphs and _ANNEX.match(paragraphs[0]):
        paragraphs = paragraphs[1:]  # "附件2" above the title of an attached report
    for i, line in enumerate(paragraphs[:3]):
        if any(word in line for word in ("报告", "年报")):
            head = paragraphs[: i + 1]
            if all(len(part) <= 40 for part in head):
                return ["".join(head)] if i else []
            return []
    return []
