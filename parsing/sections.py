"""Find the six section headings of a report and cut its lines into sections.

Headings vary: "一、总体情况", "一.总体情况", "- 总体情况" (numeral lost), "第一部分 总体情况",
"六、其他需要报告的事项：无" (text on the heading line).
"（一）…" is a sub-heading, never a section.
A heading must be short and come in order; a second heading for a section already seen is text.
"""

from __future__ import annotations

import re
import unicodedata

from parsing.model import SECTIONS

_ORDER = tuple(SECTIONS)
_PREFIX = re.compile(
    r"^(?:[一二三四五六七八九十]{1,2}[、.,:]|第[一二三四五六七八九十]部分[、.,:]?|[-—–•·*#]+)"
)
_SPACES = re.compile(r"\s+")
_HEAD_WORDS = ("情况", "事项", "概述", "问题", "改进")  # every heading has one: a cheap first test
# Lines that end a page's report text: signatures' helpers and site footers.
_FOOTER = re.compile(
    r"(版权所有|主办单位|承办单位|网站标识码|ICP备|公网安备|网站地图|打印本页|关闭窗口|【打印】|【关闭】"
    r"|^(监审|审核|编辑|责任编辑|审签|校对|打印|关闭)[:：])"
)


def heading_key(line: str) -> tuple[str, str] | None:
    """``(section key, text after the heading)`` when ``line`` is a section heading."""
    if len(line) > 80 or not any(w in line for w in _HEAD_WORDS):
        return None
    n = _SPACES.sub("", unicodedata.normalize("NFKC", line))
    if not n or n[0] == "(" or len(n) > 60:
        return None
    m = _PREFIX.match(n)
    rest = n[m.end():] if m else n
    head, _, after = rest.partition(":")
    if len(head) > 26 or not head:
        return None
    key = _section_of(head)
    if key is None:
        return None
    if m is None and len(head) > len(SECTIONS[key]) + 2:
        return None  # an unnumbered heading must be (nearly) the bare words
    return key, after.strip()


def _section_of(head: str) -> str | None:
    if head.startswith("总体情况") or head == "概述":
        return "overview"
    if head.startswith(("主动公开政府信息", "主动公开情况")):
        return "proactive"
    if "收到和处理政府信息公开申请" in head or head.startswith(("政府信息公开申请", "依申请公开")):
        return "requests"
    if "行政复议" in head and "行政诉讼" in head:
        return "reviews"
    if "问题" in head and "改进" in head and ("存在" in head or head.startswith("主要问题")):
        return "problems"
    if "其他需要报告" in head:
        return "other"
    return None


def split_sections(lines: list[str]) -> tuple[list[int], dict[str, tuple[int, int, str]]]:
    """Find headings in ``lines``: returns (heading line indexes, {key: (start, end, first text)})
    where ``lines[start:end]`` is the body of the section."""
    found: list[tuple[int, str, str]] = []
    last = -1
    for i, line in enumerate(lines):
        hit = heading_key(line)
        if hit is None:
            continue
        key, after = hit
        pos = _ORDER.index(key)
        if pos <= last:
            continue
        found.append((i, key, after))
        last = pos
    spans: dict[str, tuple[int, int, str]] = {}
    for j, (i, key, after) in enumerate(found):
        end = found[j + 1][0] if j + 1 < len(found) else len(lines)
        spans[key] = (i + 1, end, after)
    return [i for i, _, _ in found], spans


def is_footer(line: str) -> bool:
    return bool(_FOOTER.search(line.strip()))
