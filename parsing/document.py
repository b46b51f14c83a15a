"""Assemble one `Report` from a document's lines and tables — shared by the HTML and text parsers.

A document is a list of *blocks* in reading order: a ``str`` is a line of text, a
``list[list[str]]`` is a table's logical rows. Headings cut the lines into the six sections; the
tables go to `parsing.tables.fill_tables`; the head (before the first heading) and the tail give
the title, agency, year and publication date.
"""

from __future__ import annotations

import re

from parsing import meta
from parsing.model import SECTIONS, ParseError, Report
from parsing.sections import is_footer, split_sections
from parsing.tables import fill_tables, rows_from_lines
from parsing.values import value_kind

Block = str | list[list[str]]
_TABLE_SECTIONS = ("proactive", "requests", "reviews")
_PROSE_END = re.compile(r"[。；;:：!！?？]$")


def build_report(
    source: str,
    blocks: list[Block],
    *,
    titles: list[str] | None = None,
    dates: list[str] | None = None,
    tables_in_text: bool = False,
) -> Report:
    """``titles``: title candidates from the page (meta tags, <h1>, <title>) tried before the
    head lines; ``dates``: dates from meta tags, tried before dates printed on the page;
    ``tables_in_text``: the tables are flattened into the lines (text files), so the lines of the
    table sections are read as table rows and only prose stays in those sections."""
    lines = [b for b in blocks if isinstance(b, str)]
    if not any(line.strip() for line in lines) and not any(isinstance(b, list) for b in blocks):
        raise ParseError("empty document: no text")
    headings, spans = split_sections(lines)
    report = Report(source=source)

    # tables
    if tables_in_text:
        table_lines: list[str] = []
        for key in _TABLE_SECTIONS:
            if key in spans:
                start, end, _ = spans[key]
                table_lines.extend(lines[start:end])
        if not table_lines:
            table_lines = lines
        rows = rows_from_lines(table_lines)
    else:
        rows = [r for b in blocks if isinstance(b, list) for r in b]
    fill_tables(report, rows)

    # sections
    tail_lines = lines[-8:]
    for key in SECTIONS:
        if key not in spans:
            continue
        start, end, first = spans[key]
        end = _cut_footer(lines, start, end)
        if key == list(spans)[-1]:
            tail_lines = lines[start:end][-8:]
        body = [first] if first else []
        for line in lines[start:end]:
            text = line.strip()
            if not text:
                continue
            if tables_in_text and key in _TABLE_SECTIONS and not _is_prose(text):
                continue
            body.append(text)
        if key == list(spans)[-1]:
            while body and meta.is_signature_line(body[-1]):
                body.pop()
        report.sections[key] = "\n".join(body)
    missing = [k for k in SECTIONS if k not in report.sections]
    if len(report.sections) < 2 and not report.table3 and not report.table4:
        raise ParseError(
            "no recognisable annual report: "
            f"{len(report.sections)} of the six section headings (一、总体情况 … "
            "六、其他需要报告的事项) and no Table 3 or Table 4 rows found"
        )
    # The parse warnings of the tables read better after the document-level ones.
    table_warnings, report.warnings = report.warnings, []
    if missing:
        report.warnings.append(f"sections: missing {', '.join(missing)}")

    # metadata
    head = [h for h in (lines[: headings[0]] if headings else lines[:12]) if h.strip()]
    title, agency, year = meta.pick_title((titles or []) + head[:30])
    report.title, report.agency = title, agency
    report.year = year or meta.year_line(head)
    if report.year is None:
        text = "\n".join(head + [report.sections.get("overview", "")])
        guess = meta.narrative_year(text)
        if guess is not None:
            report.year = guess
            report.warnings.append(f"year: {guess} taken from the narrative (no title year)")
        else:
            report.warnings.append("year: not found")
    published = next((d for d in (meta.iso_date(x) for x in dates or []) if d), None)
    published = published or meta.labeled_date(head)
    if published is None:
        published = meta.signature_date(tail_lines)
    report.published = published
    report.warnings.extend(table_warnings)
    return report


def _cut_footer(lines: list[str], start: int, end: int) -> int:
    for i in range(start, end):
        if is_footer(lines[i]):
            return i
    return end


def _is_prose(text: str) -> bool:
    """A narrative line among flattened table cells: a sentence, not a label or a number."""
    if "|" in text or value_kind(text) is not None or "勾稽关系" in text:
        return False
    return len(text) >= 10 and ("。" in text or bool(_PROSE_END.search(text)))
