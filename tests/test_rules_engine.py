"""The rules engine on hand-built reports: sums per column and row, blanks, eras, cross-year."""

from __future__ import annotations

import pytest
from test_monitor_support import cells, report, table3_2021

from monitor.engine import Subject, evaluate, parse_number_words, stated_number
from monitor.rules import RuleError, load_rules, parse_rule
from parsing.model import Cell

RULES = load_rules()


def results(rule_id, rep, prev=None):
    prev_subject = Subject(prev, 1) if prev else None
    return {r.scope: r for r in evaluate(RULES.get(rule_id), Subject(rep, 2), prev_subject)}


def test_builtin_set_is_rules_1_to_10():
    assert [r.id.split("_")[0] for r in RULES.rules] == [f"R{i}" for i in range(1, 11)]
    assert RULES.get("R6_in_force").severity == "warning"
    assert len(RULES.version) == 12


def test_balance_fails_with_exact_cells_and_balancing_values():
    blank = [None] * 5
    rep = report(year=2020, template="2019", table3=cells({
        "new_received": [2, *blank, 2], "carried_over": [0, *blank, None],
        "granted": [2, *blank, 2], "total_handled": [0, *blank, None],
        "carried_forward": [0, *blank, 0],
    }))
    r1 = results("R1_balance", rep)
    fail = r1["column:natural_person"]
    assert (fail.status, fail.actual, fail.expected, fail.difference) == ("fail", 2, 0, 2)
    assert [(c.side, c.row, c.col, c.value, c.balancing) for c in fail.cells] == [
        ("lhs", "new_received", "natural_person", 2, 0),
        ("lhs", "carried_over", "natural_person", 0, None),  # a count cannot be −2
        ("rhs", "total_handled", "natural_person", 0, 2),
        ("rhs", "carried_forward", "natural_person", 0, 2),
    ]
    assert r1["column:total"].status == "skipped"
    assert "上年结转" in r1["column:total"].reason
    assert r1["column:commercial"].status == "skipped"


def test_results_sum_ignores_rows_of_the_other_era():
    rep = report(table3=table3_2021(
        new_received=[2, 0, 0, 0, 0, 0, 2], granted=[2, 0, 0, 0, 0, 0, 2],
        unavailable_not_held=[1, 0, 0, 0, 0, 0, 1], total_handled=[2, 0, 0, 0, 0, 0, 2],
    ))
    r2 = results("R2_results_sum", rep)
    assert {s for s, r in r2.items() if r.status == "fail"} == {"column:natural_person",
                                                              "column:total"}
    fail = r2["column:total"]
    assert (fail.actual, fail.expected) == (2, 3)
    wrong = {c.row: (c.value, c.balancing) for c in fail.cells if c.value}
    assert wrong == {"total_handled": (2, 3), "granted": (2, 1), "unavailable_not_held": (1, 0)}
    assert all(r.status == "pass" for r in results("R3_applicant_sum", rep).values())


def test_table4_totals_per_group():
    row = {"upheld": Cell(1, "1"), "corrected": Cell(0, "0"), "other": Cell(0, "0"),
           "pending": Cell(1, "1"), "total": Cell(3, "3")}
    rep = report(table4={"review": row, "litigation_direct": {**row, "total": Cell(2, "2")}})
    r4 = results("R4_review_litigation_totals", rep)
    assert r4["row:review"].status == "fail"
    assert r4["row:litigation_direct"].status == "pass"
    assert r4["row:litigation_after_review"].status == "skipped"


def test_cross_year_carry_over_triggers_and_clears():
    last = report(year=2022, table3=table3_2021(carried_forward=[1, 0, 0, 0, 0, 0, 1]))
    this = report(year=2023, table3=table3_2021(carried_over=[0] * 7))
    r5 = results("R5_carry_over", this, last)["column:total"]
    assert (r5.status, r5.actual, r5.expected) == ("fail", 0, 1)
    assert [c.report_id for c in r5.cells] == [2, 1]
    fixed = report(year=2023, table3=table3_2021(carried_over=[1, 0, 0, 0, 0, 0, 1]))
    assert results("R5_carry_over", fixed, last)["column:total"].status == "pass"
    assert results("R5_carry_over", this)[""].status == "skipped"


def test_in_force_warning_only_for_2021_era():
    def t2(issued, repealed, in_force):
        return {"normative_documents": {"issued": Cell(issued, ""),
                                        "repealed": Cell(repealed, ""),
                                        "in_force": Cell(in_force, "")}}
    last = report(year=2022, table2=t2(3, 0, 40))
    this = report(year=2023, table2=t2(2, 1, 41))
    assert results("R6_in_force", this, last)["row:normative_documents"].status == "pass"
    off = report(year=2023, table2=t2(2, 1, 45))
    r6 = results("R6_in_force", off, last)["row:normative_documents"]
    assert (r6.status, r6.severity, r6.actual, r6.expected) == ("fail", "warning", 45, 41)
    old = report(year=2020, template="2019", table2=t2(2, 1, 45))
    assert results("R6_in_force", old, last)[""].reason.startswith("applies to 2021-era")


def test_presence_and_era():
    rep = report(year=2022, template="2019", sections={"overview": "x"})
    (r7,) = evaluate(RULES.get("R7_form"), Subject(rep))
    assert r7.status == "fail"
    assert "主动公开政府信息情况" in r7.reason and "表三 missing" in r7.reason
    assert "2019-era headers" in r7.reason


@pytest.mark.parametrize("text, n", [
    ("受理公民、法人和其他组织向办公室提出的政府信息公开申请2件,均在法定时限内予以答复", 2),
    ("2022年收到1份《政府信息公开申请表》,在答复时限内予以解决", 1),
    ("2023年度有2户居民申请要求区发改工信部门公开相关内容", 2),
    ("我局未收到依申请公开信息受理件", 0),
    ("全年共收到政府信息公开申请十二件", 12),
    ("热线共受理各类工单23864件", None),
])
def test_narrative_numbers(text, n):
    p = RULES.get("R9_narrative_requests").params
    assert stated_number(text, p["patterns"], p["zero_patterns"])[0] == n


def test_narrative_rule_compares_to_new_received_total():
    rep = report(sections={"overview": "全年共收到政府信息公开申请3件。"},
                 table3=table3_2021(new_received=[2, 0, 0, 0, 0, 0, 2]))
    (r9,) = evaluate(RULES.get("R9_narrative_requests"), Subject(rep))
    assert (r9.status, r9.expected, r9.actual) == ("fail", 2, 3)
    assert "收到政府信息公开申请3件" in r9.reason


def test_number_words():
    assert [parse_number_words(t) for t in ("１２", "两", "十", "一百零五", "二十三", "x")] == [
        12, 2, 10, 105, 23, None]


def test_bad_user_rules_are_refused_with_the_rule_id():
    with pytest.raises(RuleError, match="X1: unknown kind"):
        parse_rule({"id": "X1", "name_zh": "x", "name_en": "x", "severity": "error",
                    "kind": "python"})
    with pytest.raises(RuleError, match="X2: bad term"):
        parse_rule({"id": "X2", "name_zh": "x", "name_en": "x", "severity": "error",
                    "kind": "sum_equal", "table": "table3", "for_each": "row", "rows": "*",
                    "lhs": ["total"], "rhs": ["__import__('os')"]})
    with pytest.raises(RuleError, match="X3: prev. terms need"):
        parse_rule({"id": "X3", "name_zh": "x", "name_en": "x", "severity": "error",
                    "kind": "sum_equal", "table": "table3", "for_each": "row", "rows": "*",
                    "lhs": ["total"], "rhs": ["prev.total"]})


def test_user_rule_file_extends_and_overrides(tmp_path):
    path = tmp_path / "mine.yml"
    path.write_text(
        "rules:\n"
        "  - id: U1_granted_le_received\n"
        "    name_zh: 予以公开加部分公开\n"
        "    name_en: granted plus partial equals new received\n"
        "    severity: warning\n"
        "    kind: sum_equal\n"
        "    table: table3\n"
        "    for_each: column\n"
        "    columns: [total]\n"
        "    lhs: [new_received]\n"
        "    rhs: [granted, partially_granted]\n"
        "  - id: R10_similarity\n"
        "    enabled: false\n", encoding="utf-8")
    rules = load_rules(path)
    assert rules.get("R10_similarity") is None and rules.version != RULES.version
    rep = report(table3=table3_2021(new_received=[3, 0, 0, 0, 0, 0, 3],
                                    granted=[1, 0, 0, 0, 0, 0, 1]))
    (u1,) = evaluate(rules.get("U1_granted_le_received"), Subject(rep))
    assert (u1.status, u1.severity, u1.actual, u1.expected) == ("fail", "warning", 3, 1)
