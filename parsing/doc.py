"""Legacy binary Word (.doc) attachments → `Report`, through Debian's ``antiword``.

No maintained pure-Python reader of Word 97-2003 files exists; antiword (packaged by Debian,
small, no daemon) prints a .doc as UTF-8 text with each table row as ``|cell|cell|``. With
``-w 0`` it does not wrap cells, so one printed line is one logical row. Without antiword the
document is refused with a clear reason; the store keeps the raw page either way.
"""

from __future__ import annotations

import shutil
import subprocess

from parsing.attachments import Extracted, Grid, build_report, tidy
from parsing.model import ParseError, Report

ANTIWORD_TIMEOUT = 60  # seconds; a .doc report is a few hundred KB


def parse_doc(body: bytes, url: str = "") -> Report:
    """Parse a .doc annual report. Raises `ParseError` when antiword is missing or fails."""
    return build_report(extract_doc(body), url)


def extract_doc(body: bytes) -> Extracted:
    """Paragraphs and table rows of a .doc, in document order."""
    return split_antiword_text(_antiword(body))


def _antiword(body: bytes) -> str:
    exe = shutil.which("antiword")
    if exe is None:
        raise ParseError("legacy .doc: antiword is not installed; convert to .docx or PDF")
    try:
        done = subprocess.run(
            [exe, "-w", "0", "-m", "UTF-8.txt", "-"],
            input=body, capture_output=True, timeout=ANTIWORD_TIMEOUT, check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ParseError("legacy .doc: antiword timed out") from exc
    text = done.stdout.decode("utf-8", errors="replace")
    if done.returncode != 0 or not text.strip():
        reason = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        detail = reason[-1] if reason else f"exit status {done.returncode}"
        raise ParseError(f"unreadable .doc ({detail}); convert to .docx or PDF")
    return text


def split_antiword_text(text: str) -> Extracted:
    """antiword's text: ``|a|b|`` lines are table rows, a run of them one table, the rest prose."""
    out = Extracted()
    table: Grid = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            table.append([(tidy(cell), object()) for cell in stripped[1:-1].split("|")])
            continue
        if table:
            out.blocks.append(table)
            table = []
        if tidy(stripped):
            out.blocks.append(tidy(stripped))
    if table:
        out.blocks.append(table)
    if not out.blocks:
        raise ParseError("legacy .doc holds no text")
    return out
