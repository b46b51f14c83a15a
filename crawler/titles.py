"""Which list items are annual reports, and for which year — judged from the title alone.

A column named 政府信息公开年报 also carries notices (关于做好…年度报告编制发布工作的通知), guides
(指南), work plans (工作要点) and readings of the report (解读, 图解). A report title names a year
and one of 年度报告 / 年报 / 工作报告 (“关于XX的2021年度政务公开工作报告”, “XX2020年报”);
工作报告 only counts beside 信息公开 or 政务公开, so that 政府工作报告 is not taken for one.
"""

from __future__ import annotations

import re
import unicodedata

REPORT_WORDS = re.compile(r"年度报告|年报|工作报告")
OPEN_WORDS = re.compile(r"信息公开|政务公开")
SKIP_WORDS = re.compile(
    r"通知|指南|要点|解读|图解|目录|制度|办法|方案|计划|征求|意见|公告|公示|通报|说明|统计"
)
YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
BARE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")  # “…工信局2023信息公开年报”
CHINESE_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
CHINESE_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=\s*年)")


def normalize(title: str) -> str:
    """Full-width digits and letters to ASCII, Chinese-numeral years (二〇二三年) to digits."""
    text = unicodedata.normalize("NFKC", title or "")
    text = CHINESE_YEAR.sub(lambda m: m.group(0).translate(CHINESE_DIGITS), text)
    return " ".join(text.split())


def report_year(title: str) -> int | None:
    """The first year written before 年 in the title, else the first bare year (20xx) in it."""
    text = normalize(title)
    match = YEAR.search(text) or BARE_YEAR.search(text)
    return int(match.group(1)) if match else None


def is_report_title(title: str) -> bool:
    """True for “2023年政府信息公开工作年度报告”, “2022年度政府信息公开年报” and the like."""
    text = normalize(title)
    words = REPORT_WORDS.search(text)
    if not words or report_year(text) is None or SKIP_WORDS.search(text):
        return False
    return words.group(0) != "工作报告" or bool(OPEN_WORDS.search(text))

