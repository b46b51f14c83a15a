"""Reports as plain text: extracted page text where the tables became lines.

The seeds show the layouts: pipe-separated rows ("规章 | 5 | 5 | 5 |"), rows whose blank cells
became bare "|" lines, one cell per line between empty lines, cells ending with " |" on their
own lines. `parsing.tables.rows_from_lines` turns all of them into rows.
"""

from __future__ import annotations

from parsing.document import build_report
from parsing.encoding import decode
from parsing.model import Report


def parse_text(body: bytes, url: str = "") -> Report:
    text = decode(body)
    return build_report(url, text.splitlines(), tables_in_text=True)
