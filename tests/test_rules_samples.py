"""The built-in rules on the five real sample reports, parsed by the project's own parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.engine import Subject, evaluate
from monitor.rules import load_rules
from monitor.similarity import evaluate_similarity
from parsing import parse_document

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
KINDS = pytest.mark.parametrize("kind", ["seeds", "html"])
RULES = load_rules()
PER_REPORT = RULES.by_kind("sum_equal", "presence", "narrative_number")


def parsed(prefix: str, kind: str = "seeds"):
    (path,) = (SAMPLES / kind).glob(f"{prefix}_*")
    return parse_document(path.read_bytes(), path.name)


def outcomes(prefix: str, kind: str = "seeds") -> dict[tuple[str, str], object]:
    subject = Subject(parsed(prefix, kind), report_id=int(prefix))
    return {(r.rule_id, r.scope): r for rule in PER_REPORT for r in evaluate(rule, subject)}


@KINDS
def test_sample_001_fails_rules_1_and_2_with_the_exact_cells(kind):
    res = outcomes("001", kind)
    fails = {k for k, r in res.items() if r.status == "fail"}
    assert fails == {("R1_balance", "column:natural_person"),
                     ("R2_results_sum", "column:natural_person")}
    r1 = res[("R1_balance", "column:natural_person")]
    assert [(c.row, c.value) for c in r1.cells] == [
        ("new_received", 2), ("carried_over", 0), ("total_handled", 0), ("carried_forward", 0)]
    assert (r1.actual, r1.expected) == (2, 0)
    r2 = res[("R2_results_sum", "column:natural_person")]
    assert (r2.actual, r2.expected) == (0, 2)
    assert [(c.row, c.balancing) for c in r2.cells if c.side == "lhs"] == [("total_handled", 2)]
    assert [(c.row, c.value) for c in r2.cells if c.value] == [("granted", 2)]
    # The enterprise columns and the 总计 column of 上年结转 and （七）总计 are blank in 001.
    for col in ("commercial", "research", "social_org", "legal_service", "other_org", "total"):
        assert res[("R1_balance", f"column:{col}")].status == "skipped"
        assert "blank cells" in res[("R1_balance", f"column:{col}")].reason


@KINDS
def test_sample_002_fails_rule_2_granted_plus_not_held_is_not_total(kind):
    res = outcomes("002", kind)
    fails = {k for k, r in res.items() if r.status == "fail"}
    assert fails == {("R2_results_sum", "column:natural_person"),
                     ("R2_results_sum", "column:total")}
    for col in ("natural_person", "total"):
        r2 = res[("R2_results_sum", f"column:{col}")]
        assert (r2.actual, r2.expected) == (2, 3)
        nonzero = {(c.side, c.row, c.col, c.value) for c in r2.cells if c.value}
        assert nonzero == {("lhs", "total_handled", col, 2), ("rhs", "granted", col, 2),
                           ("rhs", "unavailable_not_held", col, 1)}
    assert res[("R1_balance", "column:total")].status == "pass"


@KINDS
@pytest.mark.parametrize("prefix", ["000", "003", "004"])
def test_other_samples_pass_every_rule_that_applies(prefix, kind):
    res = outcomes(prefix, kind)
    assert [k for k, r in res.items() if r.status == "fail"] == []
    assert sum(r.status == "pass" for r in res.values()) > 20


def test_narrative_numbers_agree_with_table_3_in_the_samples():
    stated = {p: outcomes(p)[("R9_narrative_requests", "")] for p in ("000", "001", "002", "003")}
    assert {p: (r.status, r.actual) for p, r in stated.items()} == {
        "000": ("pass", 1), "001": ("pass", 2), "002": ("pass", 2), "003": ("pass", 0)}


def test_similarity_flags_a_copied_report_and_not_the_distinct_samples():
    rule = RULES.get("R10_similarity")
    subjects = [Subject(parsed(p), int(p), f"agency-{p}") for p in ("000", "001", "002", "003",
                                                                     "004")]
    assert {r.status for r in evaluate_similarity(rule, subjects)} == {"pass"}
    original = parsed("002")
    copy = parsed("002")
    copy.year, copy.sections = 2024, {k: v.replace("2023", "2024")
                                      for k, v in original.sections.items()}
    pair = [Subject(original, 1, "qj"), Subject(copy, 2, "qj")]
    result = evaluate_similarity(rule, pair[1:], pair)[0]
    assert result.status == "fail" and result.actual == 1.0
    assert "前进区发展改革工信局 2023" in result.reason
    # Two pages with no agency name are two publishers, not one.
    anonymous = [parsed("000"), parsed("000", "html")]
    for r in anonymous:
        r.agency = None
    pair = [Subject(r, i) for i, r in enumerate(anonymous)]
    assert [r.status for r in evaluate_similarity(rule, pair)] == ["fail", "fail"]
