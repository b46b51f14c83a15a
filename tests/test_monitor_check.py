"""A whole check over a store: results per report and rule, findings, compliance, alert files."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from test_monitor_support import cells, make_store, report, table3_2021

from monitor.check import run_check

BLANK = [None] * 5
AGENCIES = [
    {"id": "yz-office", "name": "银州区人民政府办公室", "region_code": "211202",
     "region_name": "银州区", "level": "county", "kind": "department"},
    {"id": "qj-fgw", "name": "前进区发展改革工信局", "region_code": "230804",
     "region_name": "前进区", "level": "county", "kind": "department"},
    {"id": "evil", "name": "<script>alert(1)</script>局", "region_code": "110101",
     "region_name": "<b>东城</b>", "level": "county", "kind": "government"},
]


@pytest.fixture
def store(monkeypatch):
    s = make_store(monkeypatch)
    s.upsert_agencies(AGENCIES)
    return s


def sample_001():
    return report(year=2020, template="2019", agency="银州区人民政府办公室",
                  published="2021-01-20", table3=cells({
                      "new_received": [2, *BLANK, 2], "carried_over": [0, *BLANK, None],
                      "granted": [2, *BLANK, 2], "other": [0, *BLANK, None],
                      "total_handled": [0, *BLANK, None], "carried_forward": [0, *BLANK, 0]}))


def sample_002(published="2024-01-25"):
    return report(year=2023, agency="前进区发展改革工信局", published=published,
                  table3=table3_2021(
                      new_received=[2, 0, 0, 0, 0, 0, 2], granted=[2, 0, 0, 0, 0, 0, 2],
                      unavailable_not_held=[1, 0, 0, 0, 0, 0, 1],
                      total_handled=[2, 0, 0, 0, 0, 0, 2]))


def failing(db, report_id):
    """Failed results, leaving out R7 (the hand-built reports carry Table 3 only)."""
    return {(r["rule_id"], r["scope"]): r for r in db.query(
        "select * from rule_results where report_id = ? and status = 'fail' "
        "and rule_id != 'R7_form'", [report_id])}


def test_check_stores_results_with_cells_and_is_idempotent(store, tmp_path):
    r1 = store.put(sample_001(), "yz-office")
    r2 = store.put(sample_002(), "qj-fgw")
    first = run_check(store, year=None, as_of=dt.date(2024, 2, 1), out_dir=tmp_path)
    db = store.db
    assert set(failing(db, r1)) == {("R1_balance", "column:natural_person"),
                                    ("R2_results_sum", "column:natural_person")}
    assert set(failing(db, r2)) == {("R2_results_sum", "column:natural_person"),
                                    ("R2_results_sum", "column:total")}
    r2_total = failing(db, r2)[("R2_results_sum", "column:total")]
    assert (r2_total["actual"], r2_total["expected"], r2_total["difference"]) == (2, 3, -1)
    cells_ = {(c["row_key"], c["value"], c["balancing_value"]) for c in db.query(
        "select * from rule_result_cells where report_id = ? and scope = 'column:total' "
        "and rule_id = 'R2_results_sum' and value != 0", [r2])}
    assert cells_ == {("total_handled", 2, 3), ("granted", 2, 1), ("unavailable_not_held", 1, 0)}
    skipped = db.execute("select reason from rule_results where report_id = ? and rule_id = "
                         "'R1_balance' and scope = 'column:commercial'", [r1]).fetchone()[0]
    assert skipped.startswith("blank cells: 表三 一、本年新收政府信息公开申请数量 · 商业企业")
    count = db.execute("select count(*) from rule_results").fetchone()[0]
    origins = [(f["origin"], f["agency_id"]) for f in db.query("select * from findings")]
    assert sorted(origins) == [("compliance", "yz-office")] + [("rule", "qj-fgw")] * 3 + [
        ("rule", "yz-office")] * 3  # R1, R2 (+ R7, the hand-built reports lack Tables 2 and 4)
    assert len(first.new) == 7 and first.resolved == []
    verdicts = {c["agency_id"]: c["status"] for c in db.query("select * from compliance")}
    assert verdicts == {"yz-office": "missing", "qj-fgw": "published", "evil": "pending"}

    again = run_check(store, as_of=dt.date(2024, 2, 1), out_dir=tmp_path)
    assert db.execute("select count(*) from rule_results").fetchone()[0] == count
    assert again.new == [] and sorted(again.open) == sorted(first.open)
    assert {r["ruleset_version"] for r in db.query("select ruleset_version from rule_results")} \
        == {db["check_runs"].get(again.run_id)["ruleset_version"]}


def test_cross_year_rule_triggers_then_clears(store, tmp_path):
    last = report(year=2022, agency="前进区发展改革工信局",
                  table3=table3_2021(carried_forward=[1, 0, 0, 0, 0, 0, 1],
                                     new_received=[1, 0, 0, 0, 0, 0, 1]))
    store.put(last, "qj-fgw")
    this = report(year=2023, agency="前进区发展改革工信局", table3=table3_2021())
    rid = store.put(this, "qj-fgw")
    out = run_check(store, year=2023, as_of=dt.date(2024, 2, 1))
    r5 = failing(store.db, rid)[("R5_carry_over", "column:total")]
    assert (r5["actual"], r5["expected"]) == (0, 1)
    (finding,) = [f for f in store.db.query("select * from findings where rule_id = ?",
                                            ["R5_carry_over"])]
    assert finding["status"] == "open" and finding["id"] in out.new
    fixed = report(year=2023, agency="前进区发展改革工信局", source=this.source,
                   table3=table3_2021(carried_over=[1, 0, 0, 0, 0, 0, 1],
                                      total_handled=[1, 0, 0, 0, 0, 0, 1],
                                      granted=[1, 0, 0, 0, 0, 0, 1]))
    new_rid = store.put(fixed, "qj-fgw", fetched_at="2024-01-20T08:00:00+00:00", body=b"v2")
    out2 = run_check(store, year=2023, as_of=dt.date(2024, 2, 2), out_dir=tmp_path)
    assert store.db["findings"].get(finding["id"])["status"] == "resolved"
    assert finding["id"] in out2.resolved
    checked = {r[0] for r in store.db.execute("select distinct report_id from rule_results")}
    assert checked == {new_rid}  # the replaced version's results are gone
    html = out2.files["html"].read_text(encoding="utf-8")
    resolved = html[html.index("已解决 · Resolved"):]
    assert finding["id"] in resolved and "跨年结转一致" in resolved


def test_alert_files_escape_scraped_strings(store, tmp_path):
    evil = report(year=2023, agency="<script>alert(1)</script>局", published="2024-04-10",
                  source="javascript:alert(2)",
                  table3=table3_2021(total_handled=[0, 0, 0, 0, 0, 0, 5]))
    store.put(evil, "evil")
    out = run_check(store, year=2023, as_of=dt.date(2024, 5, 1), out_dir=tmp_path)
    html = out.files["html"].read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;局" in html
    assert "<b>东城</b>" not in html and "&lt;b&gt;东城&lt;/b&gt;" in html
    assert 'href="javascript:' not in html
    offline = html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<svg" in html and "http://" not in offline and "https://" not in offline
    assert "逾期发布" in html  # 2024-04-10 is after the 31 March government deadline
    data = json.loads(out.files["json"].read_text(encoding="utf-8"))
    assert {f["rule_id"] for f in data} >= {"R2_results_sum", "R8_deadline"}
    assert out.files["csv"].read_text(encoding="utf-8-sig").startswith("id,status,severity")
    from openpyxl import load_workbook

    ws = load_workbook(out.files["xlsx"]).active
    assert ws["A1"].value == "编号" and ws.max_row == len(data) + 2
