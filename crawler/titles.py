"""Which list items are annual reports, and for which year — judged from the title alone.

A column named 政府信息公开年报 also carries notices (关于做好…年度报告编制发布工作的通知), guides
(指南), work plans (工作要点) and readings of the report (解读, 图解). A report title names a year
and one of 年度报告 / 年报 / 工作报告 (“关于XX的2021年度政务公开工作报告”, “XX2020年报”);
工作报告 only counts beside 信息公开 or 政务公开, so that 政府工作报告 is not taken for one.

The words that mark a notice or a plan are looked for after the year only: the agency's own
name comes before it and may hold them (统计局, 卫生和计划生育委员会, 公告管理处…).
"""

from __future__ import annotations

import re
import unicodedata

REPORT_WORDS = re.compile(r"年度报告|年报|工作报告")
OPEN_WORDS = re.compile(r"信息公开|政务公开")
SKIP_AFTER_YEAR = re.compile(
    r"通知|指南|要点|目录|制度|办法|方案|计划|征求|意见|公告|公示|通报|说明|统计"
)
READINGS = re.compile(r"解读|图解")  # about the report, wherever they stand
YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
BARE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")  # “…工信局2023信息公开年报”
CHINESE_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
CHINESE_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=\s*年)")


def normalize(title: str) -> str:
    """Full-width digits and letters to ASCII, Chinese-numeral years (二〇二三年) to digits."""
    text = unicodedata.normalize("NFKC", title or "")
    text = CHINESE_YEAR.sub(lambda m: m.group(0).translate(CHINESE_DIGITS), text)
    return " ".join(text.split())


def _year(text: str) -> re.Match | None:
    return YEAR.search(text) or BARE_YEAR.search(text)


def report_year(title: str) -> int | None:
    """The first year written before 年 in the title, else the first bare year (20xx) in it."""
    match = _year(normalize(title))
    return int(match.group(1)) if match else None


def is_report_title(title: str) -> bool:
    """True for “2023年政府信息公开工作年度报告”, “2022年度政府信息公开年报” and the like."""
    text = normalize(title)
    words, year = REPORT_WORDS.search(text), _year(text)
    if not words or year is None or READINGS.search(text):
        return False
    if SKIP_AFTER_YEAR.search(text, year.end()):
        return False
    return words.group(0) != "工作报告" or bool(OPEN_WORDS.search(text))

