"""A user's own rules file, applied by `nianbao check --rules FILE` — no Python, no eval()."""

from __future__ import annotations

from test_monitor_support import make_store, report, table3_2021

from nianbao.cli import main

AGENCY = {"id": "qj-fgw", "name": "前进区发展改革工信局", "region_code": "230804",
          "region_name": "前进区", "level": "county", "kind": "department"}
USER_RULES = """
rules:
  - id: U1_denied_share
    name_zh: 不予公开不超过新收
    name_en: Granted and partially granted equal new requests (local practice)
    severity: warning
    description: 本市要求：新收申请全部予以公开或部分公开。
    kind: sum_equal
    table: table3
    for_each: column
    columns: [natural_person, total]
    lhs: [new_received]
    rhs: [granted, partially_granted]
  - id: U2_carry_natural_person
    name_zh: 自然人结转
    name_en: Natural-person carry-over across years
    severity: error
    kind: cross_year_equal
    table: table3
    for_each: column
    columns: [natural_person]
    lhs: [carried_over]
    rhs: [prev.carried_forward]
  - id: U3_totals_filled
    name_zh: 总计必填
    name_en: Table 3 totals are filled in
    severity: error
    kind: presence
    cells:
      - {table: table3, row: new_received, col: total}
      - {table: table3, row: other_misc, col: commercial}
  - id: R10_similarity
    name_zh: 内容雷同
    name_en: Near-duplicate narrative
    severity: warning
    kind: similarity
    threshold: 0.5
"""


def test_user_rules_are_applied_by_check(tmp_path, monkeypatch):
    db = tmp_path / "n.db"
    store = make_store(monkeypatch, db)
    store.upsert_agencies([AGENCY])
    store.put(report(year=2023, agency=AGENCY["name"], published="2024-01-20",
                     table3=table3_2021(new_received=[3, 0, 0, 0, 0, 0, 3],
                                        granted=[2, 0, 0, 0, 0, 0, 2],
                                        unavailable_not_held=[1, 0, 0, 0, 0, 0, 1],
                                        total_handled=[3, 0, 0, 0, 0, 0, 3],
                                        other_misc=[0, None, 0, 0, 0, 0, 0])), "qj-fgw")
    rules = tmp_path / "local-rules.yml"
    rules.write_text(USER_RULES, encoding="utf-8")
    assert main(["check", "--db", str(db), "--rules", str(rules), "--year", "2023",
                 "--as-of", "2024-02-01", "--out", str(tmp_path / "out")]) == 0
    got = {(r["rule_id"], r["scope"]): (r["status"], r["severity"], r["actual"], r["expected"])
           for r in store.db.query("select * from rule_results where rule_id like 'U%'")}
    assert got == {
        ("U1_denied_share", "column:natural_person"): ("fail", "warning", 3, 2),
        ("U1_denied_share", "column:total"): ("fail", "warning", 3, 2),
        ("U2_carry_natural_person", ""): ("skipped", "error", None, None),
        ("U3_totals_filled", ""): ("fail", "error", None, None),
    }
    (reason,) = store.db.execute("select reason from rule_results "
                                 "where rule_id = 'U3_totals_filled'").fetchone()
    assert reason == "表三 （六）其他处理 3.其他 · 商业企业 blank"
    (threshold,) = store.db.execute("select expected from rule_results "
                                    "where rule_id = 'R10_similarity'").fetchone()
    assert threshold == 0.5  # the user's R10 replaced the built-in one


def test_a_broken_rules_file_is_refused(tmp_path, capsys):
    rules = tmp_path / "bad.yml"
    rules.write_text("rules:\n  - id: B1\n    name_zh: x\n    name_en: x\n    severity: fatal\n"
                     "    kind: sum_equal\n", encoding="utf-8")
    assert main(["check", "--db", str(tmp_path / "n.db"), "--rules", str(rules)]) == 2
    assert "B1: severity must be error or warning" in capsys.readouterr().err
