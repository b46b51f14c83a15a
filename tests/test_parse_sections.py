"""Section headings in their variants, and the metadata around them."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsing import meta
from parsing.html import parse_html
from parsing.sections import heading_key
from parsing.text import parse_text

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("一、总体情况", "overview"),
        ("一.总体情况", "overview"),
        ("一．总体情况", "overview"),
        ("- 总体情况", "overview"),
        ("第一部分 总体情况", "overview"),
        ("  二、主动公开政府信息情况", "proactive"),
        ("三、收到和处理政府信息公开申请情况", "requests"),
        ("四、政府信息公开行政复议、行政诉讼情况", "reviews"),
        ("四、政府信息公开行政复议和行政诉讼情况", "reviews"),
        ("- 存在的主要问题及改进情况", "problems"),
        ("五、存在的主要问题及改进情况", "problems"),
        ("六、其他需要报告的事项", "other"),
        ("六、其他需要报告的事项:无", "other"),
        ("总体情况", "overview"),
    ],
)
def test_heading_variants(line, key):
    assert heading_key(line)[0] == key


@pytest.mark.parametrize(
    "line",
    [
        "（一）主动公开情况",
        "(一)主动公开政府信息情况",
        "- 公开办事流程,提高服务效能",
        "内容包括总体情况、主动公开政府信息情况、政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况",
        "四、结转下年度继续办理",
        "行政复议",
        "",
    ],
)
def test_not_headings(line):
    assert heading_key(line) is None


def test_text_after_heading_starts_the_section():
    assert heading_key("六、其他需要报告的事项：无") == ("other", "无")


TEXT = """\
某县教育局2021年度政府信息公开工作年度报告
发布日期：2022-01-20
一、总体情况
本年度主动公开信息120条。
（一）主动公开
全年发布信息。
二、主动公开政府信息情况
第二十条第(一)项 | |||
信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
规章 | 0 | 0 | 0 |
三、收到和处理政府信息公开申请情况
四、政府信息公开行政复议、行政诉讼情况
五、存在的主要问题及改进情况
存在问题是……。
六、其他需要报告的事项
无。
某县教育局
2022年1月15日
"""


def test_sections_metadata_and_tables_from_text():
    report = parse_text(TEXT.encode("utf-8"), "x.txt")
    assert list(report.sections) == ["overview", "proactive", "requests", "reviews", "problems",
                                     "other"]
    overview = "本年度主动公开信息120条。\n（一）主动公开\n全年发布信息。"
    assert report.sections["overview"] == overview
    assert report.sections["other"] == "无。"  # signature and date are not section text
    assert "规章" not in report.sections["proactive"]
    assert report.agency == "某县教育局"
    assert report.year == 2021
    assert report.published == "2022-01-20"  # the page date wins over the signature
    assert report.table2["regulations"]["issued"].value == 0


def test_signature_date_when_the_page_has_none():
    report = parse_text(TEXT.replace("发布日期：2022-01-20\n", "").encode(), "x.txt")
    assert report.published == "2022-01-15"


@pytest.mark.parametrize(
    ("title", "agency", "year"),
    [
        ("银州区人民政府办公室2020年度政府信息公开工作报告", "银州区人民政府办公室", 2020),
        ("前进区发展改革工信局2023信息公开年报", "前进区发展改革工信局", 2023),
        ("驻马店市招商投资促进局 2019年政府信息公开工作年度报告", "驻马店市招商投资促进局", 2019),
        ("2022年度某市生态环境局政府信息公开工作年度报告", "某市生态环境局", 2022),
        ("某区人民政府关于2023年政府信息公开工作年度报告", "某区人民政府", 2023),
        ("2023年政府信息公开工作年度报告", None, 2023),
        ("铁岭市财政局2022年报", "铁岭市财政局", 2022),
        ("关于铁岭市财政局的2021年度政务公开工作报告", "铁岭市财政局", 2021),
        ("某县人民政府2021年度报告", "某县人民政府", 2021),
        ("政府信息公开工作年度报告", None, None),
        ("关于开展政务公开培训的通知", None, None),
    ],
)
def test_title_parts(title, agency, year):
    assert meta.title_parts(title) == (agency, year)


def test_year_line_under_a_title_without_year():
    text = TEXT.replace("某县教育局2021年度政府信息公开工作年度报告",
                        "某县教育局政府信息公开工作年度报告\n（2021年度）")
    report = parse_text(text.encode(), "x.txt")
    assert report.year == 2021
    assert report.agency is None  # the title names no year, so nothing reliable to cut at


@pytest.mark.parametrize(
    ("text", "date"),
    [("发布日期：2020-01-31", "2020-01-31"), ("时间:2020年01月31日", "2020-01-31"),
     ("发布时间：2021/1/5 10:00", "2021-01-05"), ("浏览次数：12", None)],
)
def test_labeled_dates(text, date):
    assert meta.labeled_date([text]) == date


def test_html_meta_dates_and_title():
    page = """<html><head><meta name="firstpublishedtime" content="2024-01-19 10:00:00">
    <meta name="ArticleTitle" content="某镇人民政府2023年政府信息公开工作年度报告">
    <title>某镇人民政府2023年政府信息公开工作年度报告_某县人民政府</title></head><body>
    <div>一、总体情况</div><p>全年公开信息<b>30</b>条。</p><div>二、主动公开政府信息情况</div>
    <div>三、收到和处理政府信息公开申请情况</div><div>四、政府信息公开行政复议、行政诉讼情况</div>
    <div>五、存在的主要问题及改进情况</div><p>一是……。</p><div>六、其他需要报告的事项</div><p>无。</p>
    <div class="footer">版权所有：某县人民政府</div></body></html>"""
    report = parse_html(page.encode(), "http://127.0.0.1/a.html", "text/html; charset=utf-8")
    assert report.published == "2024-01-19"
    assert (report.agency, report.year) == ("某镇人民政府", 2023)
    assert report.sections["overview"] == "全年公开信息30条。"
    assert report.sections["other"] == "无。"  # the footer is cut


def test_layout_tables_are_read_as_text():
    """Old portals put the article in layout tables: nested, or one cell holding everything."""
    seed = (ROOT / "data" / "samples" / "html" / "002_ef97f8f9160db1bf.html").read_text("utf-8")
    body = seed[seed.index("<body>") + 6: seed.index("</body>")]
    nested = f"<html><body><table><tr><td>导航</td><td>{body}</td></tr></table></body></html>"
    report = parse_html(nested.encode(), "", None)
    assert report.table3["granted"]["total"].value == 2
    assert report.agency == "前进区发展改革工信局"
    assert len(report.sections) == 6
    text = (ROOT / "data" / "samples" / "seeds" / "004_41ed45ffcc2fcd2e.txt").read_text("utf-8")
    lines = "".join(f"<p>{line}</p>" for line in text.splitlines())
    one_cell = f"<html><body><table><tr><td>{lines}</td></tr></table></body></html>"
    report = parse_html(one_cell.encode(), "", None)
    assert report.agency == "怀仁市行政审批服务管理局"
    assert report.published == "2024-01-15"
    assert report.sections["other"] == "本年度无其他需要报告的事项。"
    assert report.table2["licensing"]["decisions"].value == 15098  # tables from "|" text lines
    assert report.template == "mixed"
