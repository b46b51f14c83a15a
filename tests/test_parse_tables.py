"""The reusable table core: rows found by label, hierarchy, headers by text, damaged labels."""

from __future__ import annotations

import json
from pathlib import Path

from parsing.model import TABLE3_ROWS_2019, TABLE3_ROWS_2021, Report
from parsing.tables import fill_tables, rows_from_lines

NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
HEAD3 = [
    [NOTE] * 3 + ["申请人情况"] * 7,
    [NOTE] * 3 + ["自然人"] + ["法人或其他组织"] * 5 + ["总计"],
    [NOTE] * 3 + ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
]
LABELS_2021 = {
    "new_received": ["一、本年新收政府信息公开申请数量"] * 3,
    "carried_over": ["二、上年结转政府信息公开申请数量"] * 3,
    "granted": ["三、本年度办理结果", "（一）予以公开", "（一）予以公开"],
    "partially_granted": ["三、本年度办理结果"]
    + ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）"] * 2,
    "denied_state_secret": ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"],
    "denied_law": ["三、本年度办理结果", "（三）不予公开", "2.其他法律行政法规禁止公开"],
    "denied_security": ["三、本年度办理结果", "（三）不予公开", "3.危及“三安全一稳定”"],
    "denied_third_party": ["三、本年度办理结果", "（三）不予公开", "4.保护第三方合法权益"],
    "denied_internal": ["三、本年度办理结果", "（三）不予公开", "5.属于三类内部事务信息"],
    "denied_process": ["三、本年度办理结果", "（三）不予公开", "6.属于四类过程性信息"],
    "denied_enforcement_file": ["三、本年度办理结果", "（三）不予公开", "7.属于行政执法案卷"],
    "denied_query": ["三、本年度办理结果", "（三）不予公开", "8.属于行政查询事项"],
    "unavailable_not_held": ["三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息"],
    "unavailable_needs_creation": ["三、本年度办理结果", "（四）无法提供",
                                   "2.没有现成信息需要另行制作"],
    "unavailable_unclear": ["三、本年度办理结果", "（四）无法提供", "3.补正后申请内容仍不明确"],
    "rejected_petition": ["三、本年度办理结果", "（五）不予处理", "1.信访举报投诉类申请"],
    "rejected_duplicate": ["三、本年度办理结果", "（五）不予处理", "2.重复申请"],
    "rejected_publication": ["三、本年度办理结果", "（五）不予处理", "3.要求提供公开出版物"],
    "rejected_excessive": ["三、本年度办理结果", "（五）不予处理", "4.无正当理由大量反复申请"],
    "rejected_confirmation": ["三、本年度办理结果", "（五）不予处理",
                              "5.要求行政机关确认或重新出具已获取信息"],
    "other_no_correction": ["三、本年度办理结果", "（六）其他处理",
                            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"],
    "other_no_fee": ["三、本年度办理结果", "（六）其他处理",
                     "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"],
    "other_misc": ["三、本年度办理结果", "（六）其他处理", "3.其他"],
    "total_handled": ["三、本年度办理结果", "（七）总计", "（七）总计"],
    "carried_forward": ["四、结转下年度继续办理"] * 3,
}
T4 = [
    ["行政复议"] * 5 + ["行政诉讼"] * 10,
    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    + ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5,
    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3,
]


def distinct_values(keys) -> dict[str, list[str]]:
    """Row i gets values 100*i + column, so a shifted row would show at once."""
    return {k: [str(100 * i + j) for j in range(7)] for i, k in enumerate(keys, 1)}


def table3_rows(keys, values) -> list[list[str]]:
    return HEAD3 + [LABELS_2021[k] + values[k] for k in keys]


def fill(rows) -> Report:
    return fill_tables(Report(source="test"), rows)


def test_a_full_2021_table3_from_expanded_html_rows():
    keys = list(TABLE3_ROWS_2021)
    values = distinct_values(keys)
    report = fill(table3_rows(keys, values) + T4 + [[str(n) for n in range(15)]])
    assert report.template == "2021"
    for k in keys:
        assert [report.table3[k][c].value for c in report.table3[k]] == [int(v) for v in values[k]]
    assert report.table4["review"]["upheld"].value == 0
    assert report.table4["litigation_direct"]["upheld"].value == 5
    assert report.table4["litigation_after_review"]["total"].value == 14
    assert not any("missing" in w for w in report.warnings)


def test_a_missing_row_does_not_shift_the_others():
    keys = [k for k in TABLE3_ROWS_2021 if k != "denied_law"]
    values = distinct_values(keys)
    report = fill(table3_rows(keys, values))
    assert "denied_law" not in report.table3
    assert report.table3["denied_security"]["natural_person"].value == int(
        values["denied_security"][0])
    assert any("missing rows denied_law" in w for w in report.warnings)


def test_an_extra_row_does_not_shift_the_others():
    keys = list(TABLE3_ROWS_2021)
    values = distinct_values(keys)
    rows = table3_rows(keys, values)
    rows.insert(8, ["三、本年度办理结果", "（三）不予公开", "9.属于某某特殊情形"] + ["7"] * 7)
    report = fill(rows)
    for k in keys:
        assert report.table3[k]["total"].value == int(values[k][6])
    assert any("could not place the row" in w and "9.属于某某特殊情形" in w
               for w in report.warnings)


def test_rows_in_another_order_go_to_their_labels():
    keys = list(TABLE3_ROWS_2021)
    values = distinct_values(keys)
    rows = table3_rows(keys, values)
    body = rows[3:]
    body[0], body[1] = body[1], body[0]
    report = fill(rows[:3] + body)
    assert report.table3["new_received"]["total"].value == int(values["new_received"][6])
    assert report.table3["carried_over"]["total"].value == int(values["carried_over"][6])


def test_2019_era_single_other_row():
    keys = list(TABLE3_ROWS_2019)
    values = distinct_values(keys)
    labels = dict(LABELS_2021, other=["三、本年度办理结果", "（六）其他处理", "（六）其他处理"])
    rows = HEAD3 + [labels[k] + values[k] for k in keys]
    report = fill(rows)
    assert report.template == "2019"
    assert report.table3["other"]["total"].value == int(values["other"][6])
    assert report.table3["total_handled"]["total"].value == int(values["total_handled"][6])


def test_damaged_label_matched_fuzzily_with_a_warning():
    rows = [
        ["（三）不予公开", "1.属于国家秘密", "0", "0", "0", "0", "0", "0", "0"],
        ["行政止公开", "5", "0", "0", "0", "0", "0", "5"],
    ]
    report = fill(HEAD3 + rows)
    assert report.table3["denied_law"]["total"].value == 5
    assert any("denied_law" in w and "行政止公开" in w and "fuzzily" in w for w in report.warnings)


def test_label_split_one_character_per_line():
    lines = ["（本列数据的勾稽关系为：…）", "（三）不予公开", "1.属于国家秘密"] + ["0"] * 7
    lines += list("其他法律行政法规禁止公开") + ["3", "0", "0", "0", "0", "0", "3"]
    report = fill(rows_from_lines(lines))
    assert report.table3["denied_law"]["natural_person"].value == 3
    assert any("split over" in w for w in report.warnings)


def test_ambiguous_damage_is_not_guessed():
    rows = [["（三）不予公开", "属于", "4", "0", "0", "0", "0", "0", "4"]]
    report = fill(HEAD3 + rows)
    assert not any(k.startswith("denied") for k in report.table3)
    assert any("could not place" in w for w in report.warnings)


def test_table2_headers_by_text_mixed_eras_and_cut_headers():
    rows = rows_from_lines([
        "第二十条第(一)项 | |||",
        "信息内容 | 本年新 | 本年新 | 对外公开总数量 |",
        "规章 | 1 | 2 | 3 |",
        "第二十条第(五)项 | |||",
        "信息内容 | 本年处理决定数量 | ||",
        "行政许可 | 15098件 | ||",
        "第二十条第(八)项 | |||",
        "信息内容 | 本年收费金额(单位:万元) | ||",
        "行政事业性收费 | 2.5 | ||",
        "第二十条第(九)项 | |||",
        "信息内容 | 采购项目数量 | 采购总金额 |",
        "政府集中采购 | 9 | 1887.214474万元 |",
    ])
    report = fill(rows)
    t2 = report.table2
    assert {c: x.value for c, x in t2["regulations"].items()} == {
        "made": 1, "published": 2, "published_total": 3}
    assert t2["licensing"]["decisions"].value == 15098
    assert t2["licensing"]["decisions"].unit == "件"
    assert t2["fees"]["amount"].value == 2.5
    assert t2["fees"]["amount"].unit == "万元"  # from the header
    assert t2["procurement"]["items"].value == 9
    assert t2["procurement"]["amount"].value == 1887.214474
    assert report.template == "mixed"


def test_table2_colspan_repeats_are_one_cell():
    rows = [["第二十条第（五）项"] * 4, ["信息内容"] + ["本年处理决定数量"] * 3,
            ["行政许可"] + ["12"] * 3]
    report = fill(rows)
    assert report.table2 == {"licensing": {"decisions": report.table2["licensing"]["decisions"]}}
    assert report.table2["licensing"]["decisions"].value == 12
    assert not any("extra" in w for w in report.warnings)


def test_table4_with_cut_headers_in_text():
    rows = rows_from_lines([
        "| 行政复议 | 行政诉讼 | |||||||||||||",
        "| 结果维持 | 结果 | 其他 | 尚未 | 总计 | 未经复议直接起诉 | 复议后起诉 | ||||||||",
        "| 结果 | 结果 | 其他 | 尚未 | 总计 | 结果 | 结果 | 其他 | 尚未 | 总计 | |||||",
        "| 1 | 2 | 3 | 4 | 10 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 1 | 0 | 1 |",
    ])
    report = fill(rows)
    assert report.table4["review"]["total"].value == 10
    assert report.table4["review"]["upheld"].value == 1
    assert report.table4["litigation_after_review"]["other"].value == 1


def test_blank_cells_continuation_lines():
    """Seed 001's layout: blank cells became bare "|" lines, the total is the last cell."""
    rows = rows_from_lines([
        "自然人 | 法人或其他组织 | 总计 | |||||||",
        "一、本年新收政府信息公开申请数量 | 2 |", "|", "|", "|", "|", "| 2 | ||",
        "二、上年结转政府信息公开申请数量 | 0 |", "|", "|", "|", "|", "|", "| ||",
    ])
    report = fill([["（本列数据的勾稽关系为…）"]] + rows)
    new = report.table3["new_received"]
    assert [new[c].value for c in new] == [2, None, None, None, None, None, 2]
    old = report.table3["carried_over"]
    assert [old[c].value for c in old] == [0, None, None, None, None, None, None]
    assert old["total"].raw.strip() == ""


def test_short_row_is_a_warning_not_a_shift():
    report = fill(HEAD3 + [LABELS_2021["new_received"] + ["1", "2", "3"],
                           LABELS_2021["carried_over"] + ["0"] * 7])
    assert set(report.table3["new_received"]) == {"natural_person", "commercial", "research"}
    assert report.table3["carried_over"]["total"].value == 0
    assert any("new_received: 3 of 7 values" in w for w in report.warnings)


def test_never_raises_on_junk():
    report = fill([[], [""], ["abc", "1"], ["1", "2"], ["第二十条第（一）项"], ["规章", "x"]])
    assert isinstance(report.warnings, list)


def test_real_pdf_table_rows_with_merged_cell_padding():
    """Rows as pdfplumber extracts them from a real report (淮安市洪泽区 2023): None under merged
    cells, an empty item cell after （六）其他处理, a damaged label, labels split over lines."""
    fixture = Path(__file__).resolve().parent / "fixtures" / "pdf_rows_hongzequ_2023.json"
    rows = json.loads(fixture.read_text(encoding="utf-8"))["rows"]
    report = fill(rows)
    t3 = {k: [c.value for c in cols.values()] for k, cols in report.table3.items()}
    assert t3["new_received"] == [21, 0, 0, 0, 0, 0, 21]
    assert t3["partially_granted"] == [4, 0, 0, 0, 0, 0, 4]
    assert t3["denied_state_secret"][6] == t3["denied_process"][6] == 1
    assert t3["denied_enforcement_file"][6] == t3["rejected_petition"][6] == 1
    assert t3["unavailable_not_held"] == [10, 0, 0, 0, 0, 0, 10]
    assert t3["unavailable_needs_creation"][0] == 3
    assert t3["other"] == [0] * 7
    assert t3["total_handled"] == [21, 0, 0, 0, 0, 0, 21]
    assert len(t3) == 23
    # Table 4 as printed, including the report's own wrong 总计 (10 + 1 ≠ 0)
    review = report.table4["review"]
    assert [c.value for c in review.values()] == [10, 1, 0, 0, 0]
    assert report.table4["litigation_after_review"]["upheld"].value == 5
    t2 = report.table2
    assert (t2["licensing"]["decisions"].value, t2["punishment"]["decisions"].value,
            t2["enforcement"]["decisions"].value) == (550, 4119, 195)
    assert t2["fees"]["amount"].value == 7730.28
    assert t2["normative_documents"]["repealed"].value == 5
    assert report.template == "mixed"  # 2021-era Table 2 headers, one （六） row
    assert any("行政止公开" in w and "denied_law" in w for w in report.warnings)
