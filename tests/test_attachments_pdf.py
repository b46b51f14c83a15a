"""The three real PDF reports (洪泽区 2023 and 2024, 淮安市 2024) parse to their printed tables.

Expected values in fixtures/attachments/expected/ were written by reading the rendered pages,
not from the parser's output. 洪泽区 2023's Table 4 prints wrong 总计 cells (10 + 1 under 行政复议,
总计 0): the parser returns what is printed.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from parsing import parse_document
from parsing.pdf import extract_pdf

FIXTURES = Path(__file__).parent / "fixtures" / "attachments"
REAL = ["huaian_hongzequ-zhengfu_2023", "huaian_hongzequ-zhengfu_2024", "huaian_shizhengfu_2024"]


@cache
def extracted(name: str):
    return extract_pdf((FIXTURES / f"{name}.pdf").read_bytes())


@pytest.fixture(scope="module", params=REAL)
def parsed(request):
    name = request.param
    body = (FIXTURES / f"{name}.pdf").read_bytes()
    expected = json.loads((FIXTURES / "expected" / f"{name}.json").read_text(encoding="utf-8"))
    return name, parse_document(body, f"{name}.pdf", "application/pdf").to_json(), expected


@pytest.mark.parametrize("table", ["table2", "table3", "table4"])
def test_real_pdf_tables_match_the_printed_tables(parsed, table):
    _, got, expected = parsed
    assert got[table] == expected[table]


def test_real_pdf_whole_record_matches(parsed):
    """Title, agency, year, no printed date (these PDFs carry no dated signature), template,
    the six sections as printed (paragraphs re-joined across lines and pages), the tables."""
    _, got, expected = parsed
    warnings = got.pop("warnings")
    assert got == expected
    assert not any("could not place" in w or "missing" in w for w in warnings)


def test_label_that_lost_characters_is_matched_and_reported():
    body = (FIXTURES / "huaian_hongzequ-zhengfu_2024.pdf").read_bytes()
    report = parse_document(body, "x.pdf")
    assert report.table3["denied_law"]["natural_person"].raw == "0"
    assert any("行政止公开" in w for w in report.warnings)


def test_hongzequ_2023_keeps_its_wrong_table4_totals():
    body = (FIXTURES / "huaian_hongzequ-zhengfu_2023.pdf").read_bytes()
    review = parse_document(body, "x.pdf").table4["review"]
    assert [review[c].value for c in ("upheld", "corrected", "other", "pending", "total")] == [
        10, 1, 0, 0, 0,
    ]


def test_table_cut_by_a_page_break_is_joined_with_its_cut_label():
    """淮安市 2024: "（四）无" ends page 4, "法提供" starts page 5; the page number sits between."""
    ex = extracted("huaian_shizhengfu_2024")
    rows = ex.rows
    cut = [r for r in rows if "2.没有现成信息需要另行制作" in r]
    assert cut == [["三、本年度办理结果", "（四）无法提供", "2.没有现成信息需要另行制作",
                    "11", "0", "0", "0", "0", "0", "11"]]
    assert not any("- 5 -" in p or p == "5" for p in ex.paragraphs)


def test_label_set_one_character_per_line_and_wrapped_headers_are_joined():
    ex = extracted("huaian_shizhengfu_2024")
    cells = {c for r in ex.rows for c in r}
    assert "三、本年度办理结果" in cells
    assert {"商业企业", "科研机构", "社会公益组织", "法律服务机构"} <= cells
    assert "（五）不予处理" in cells


def test_row_cut_at_the_page_bottom_is_kept():
    """洪泽区 2023: the last row of page 3 has no lower ruling; its numbers must not be lost."""
    ex = extracted("huaian_hongzequ-zhengfu_2023")
    row = next(r for r in ex.rows if "2.没有现成信息需要另行制作" in r)
    assert row[-7:] == ["3", "0", "0", "0", "0", "0", "3"]


def test_page_join_heals_cut_labels_but_not_a_repeated_header():
    from parsing.pdf import _Anchor, _join, _PageTable, _rows

    def table(*rows):
        return _PageTable(0.0, [[_Anchor(t) for t in row] for row in rows])

    def texts(t):
        return [[text for text, _ in row] for row in _rows(t)]

    first = table(["三、本年度办理结果", "（四）无", "1.本机关不掌握相关政府信息", "746"])
    _join(first, table(["", "法提供", "2.没有现成信息需要另行制作", "11"]))
    assert texts(first)[1] == [
        "三、本年度办理结果", "（四）无法提供", "2.没有现成信息需要另行制作", "11",
    ]
    assert texts(first)[0][1] == "（四）无法提供"

    second = table(["三、本年度办理结果", "（七）总计", "", "2"])
    _join(second, table(["（本列数据的勾稽关系为…）", "申请人情况", "", ""]))
    assert texts(second)[0][1] == "（七）总计"
