"""Read one table cell as the report printed it: ``15098件`` → 15098 件, ``减3`` → −3, ``/`` → null.

Also the one label normaliser every parser shares, so that "（三）", "(三)" and "( 三 )" compare
equal. Kept tiny and regex-only: it runs for every cell of every report.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from parsing.model import Cell

# Cells that mean "nothing here": a blank is not a zero, so these become null with the raw kept.
DASHES = frozenset({"/", "\\", "-", "--", "—", "——", "–", "―", "─", "无", "空", "…", "...", "×"})
_NUMBER = re.compile(
    r"^(?P<sign>增加|减少|增|减|\+|-|−)?(?P<num>\d+(?:\.\d+)?)"
    r"(?P<unit>件|个|项|条|次|家|元|万元|亿元)?$"
)
_DROP = re.compile(r"[\s,，'\"“”‘’「」『』]")


@lru_cache(maxsize=16384)
def norm(text: str) -> str:
    """Compare-form of a label: NFKC (full-width → half-width), no spaces, no quotes, no commas."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=16384)
def value_kind(text: str) -> str | None:
    """'number', 'blank' (empty or a dash) or None when the text is a label, not a value."""
    t = _squash(text)
    if not t or t in DASHES:
        return "blank"
    return "number" if _NUMBER.match(t) else None


def parse_value(raw: str) -> Cell:
    """The number with its unit taken off; ``None`` for blanks, dashes and unreadable text."""
    value, unit = _number(raw)
    return Cell(value, raw, unit)


@lru_cache(maxsize=16384)
def _number(raw: str) -> tuple[int | float | None, str | None]:
    m = _NUMBER.match(_squash(raw))
    if not m:
        return None, None
    num = m["num"]
    value: int | float = float(num) if "." in num else int(num)
    if m["sign"] in ("减", "减少", "-", "−"):
        value = -value
    return value, m["unit"]


def _squash(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).replace("\u200b", "").replace("&nbsp;", "")
    t = "".join(t.split())
    # 1,234 is a thousands separator; only strip commas between digits.
    return re.sub(r"(?<=\d),(?=\d{3})", "", t) if "," in t else t
