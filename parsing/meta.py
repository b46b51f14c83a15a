"""Title, agency, year and publication date of a report, from its title line and its page.

Never invented: an agency comes only from a title that names one; a year from the title, a
"(2020年度)" line under it, or — with a warning — the one year the narrative speaks of.
"""

from __future__ import annotations

import re
import unicodedata

_TITLE_WORDS = ("报告", "年报")
_AGENCY_FIRST = re.compile(
    r"^(?P<agency>.*?)(?:关于)?(?P<year>(?:19|20)\d{2})\s*年?度?\s*(?:本级|本机关)?"
    r"(?:(?:政府|政务)?(?:信息公开|公开)|年报|年度报告|工作报告)"
)
_YEAR_FIRST = re.compile(
    r"^(?:关于)?(?P<year>(?:19|20)\d{2})年度?(?P<agency>.+?)(?:政府|政务)?信息公开"
)
_YEAR_LINE = re.compile(r"^[(（]?\s*((?:19|20)\d{2})\s*年度?\s*[)）]?$")
_NOT_AGENCY = {"", "政府", "本级", "本机关", "机关", "我局", "我单位"}
_DATE = re.compile(
    r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?"
)
_LABELED_DATE = re.compile(
    r"(?:发布日期|发布时间|发文日期|成文日期|公开日期|更新时间|日期|时间|发布于)\s*[:：]?\s*"
    r"((?:19|20)\d{2}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2})"
)
_YEAR_IN_TEXT = re.compile(r"((?:19|20)\d{2})\s*年")
META_DATE_NAMES = (
    "pubdate", "firstpublishedtime", "publishdate", "publishtime", "releasedate",
    "dc.date.issued", "dc.date", "article:published_time",
)


def title_parts(title: str) -> tuple[str | None, int | None]:
    """(agency, year) named by a report title, either when it names nothing."""
    t = "".join(unicodedata.normalize("NFKC", title).split())
    if not any(w in t for w in _TITLE_WORDS) and "年度" not in t:
        return None, None
    for pattern in (_AGENCY_FIRST, _YEAR_FIRST):
        m = pattern.search(t)
        if m:
            agency = m["agency"].strip("-_—:|()《》【】[] ")
            agency = re.sub(r"^关于|(?:关于|的)$", "", agency)
            return (None if agency in _NOT_AGENCY else agency), int(m["year"])
    return None, None


def pick_title(candidates: list[str]) -> tuple[str | None, str | None, int | None]:
    """The first candidate naming an agency or a year; else the first that reads like a title."""
    fallback = None
    for raw in candidates:
        line = raw.strip()
        if not line or len(line) > 80:
            continue
        agency, year = title_parts(line)
        if agency or year:
            return line, agency, year
        if fallback is None and any(w in line for w in _TITLE_WORDS):
            fallback = line
    return fallback, None, None


def year_line(lines: list[str]) -> int | None:
    """A "(2020年度)" line under the title."""
    for line in lines:
        m = _YEAR_LINE.match(unicodedata.normalize("NFKC", line).strip())
        if m:
            return int(m[1])
    return None


def narrative_year(text: str) -> int | None:
    """The year the narrative speaks of, when it speaks of exactly one."""
    years = {int(y) for y in _YEAR_IN_TEXT.findall(text)}
    return years.pop() if len(years) == 1 else None


def iso_date(text: str) -> str | None:
    m = _DATE.search(unicodedata.normalize("NFKC", text))
    if not m:
        return None
    y, mo, d = int(m[1]), int(m[2]), int(m[3])
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def labeled_date(lines: list[str]) -> str | None:
    """"发布日期：2020-01-31", "时间:2020年01月31日" on the page's head lines."""
    for line in lines:
        m = _LABELED_DATE.search(unicodedata.normalize("NFKC", line))
        if m:
            date = iso_date(m[1])
            if date:
                return date
    return None


def signature_date(lines: list[str]) -> str | None:
    """The date under the signature: a line that is only a date, among the last few lines."""
    tail = [ln.strip() for ln in lines if ln.strip()][-6:]
    for line in reversed(tail):
        n = "".join(unicodedata.normalize("NFKC", line).split())
        m = _DATE.fullmatch(n)
        if m:
            return iso_date(n)
    return None


def is_signature_line(line: str) -> bool:
    """A date-only line, or a short organ name line, as signed at the end of a report."""
    n = "".join(unicodedata.normalize("NFKC", line).split())
    if not n:
        return True
    if _DATE.fullmatch(n):
        return True
    return len(n) <= 30 and not re.search(r"[,。;:!?，；：]", n) and bool(
        re.search(r"(局|办公室|政府|委员会|中心|院|所|站|办|厅|部|署|会)$", n)
    )
