"""Reviews: a verdict survives re-checks while the finding's values are unchanged."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from test_monitor_support import make_store, report, table3_2021

from monitor.check import run_check
from monitor.review import ReviewError, mark
from nianbao.cli import main

AGENCY = {"id": "qj-fgw", "name": "前进区发展改革工信局", "region_code": "230804",
          "region_name": "前进区", "level": "county", "kind": "department"}
AS_OF = dt.date(2024, 2, 1)


def bad(total_handled: int):
    return report(agency=AGENCY["name"], published="2024-01-20", source="http://127.0.0.1/r",
                  table3=table3_2021(new_received=[0] * 6 + [3], granted=[0] * 6 + [3],
                                     total_handled=[0] * 6 + [total_handled],
                                     carried_forward=[0] * 6 + [3 - total_handled]))


@pytest.fixture
def store(monkeypatch):
    s = make_store(monkeypatch)
    s.upsert_agencies([AGENCY])
    return s


def r2_total(store):
    return store.db.execute(
        "select id, status, verdict, review_comment from findings_current "
        "where rule_id = 'R2_results_sum' and scope = 'column:total'").fetchall()


def test_mark_survives_rechecks_until_the_values_change(store):
    store.put(bad(2), "qj-fgw")
    run_check(store, as_of=AS_OF)
    ((fid, status, verdict, _),) = r2_total(store)
    assert (status, verdict) == ("open", None)
    row = mark(store.db, fid[:6], "dismissed", "已电话核实，表格印刷错误", reviewer="张三")
    assert row["finding_id"] == fid
    run_check(store, as_of=AS_OF)
    assert r2_total(store) == [(fid, "open", "dismissed", "已电话核实，表格印刷错误")]
    # The agency republishes with different (still wrong) numbers: a new finding, no verdict.
    store.put(bad(1), "qj-fgw", fetched_at="2024-01-25T08:00:00+00:00", body=b"v2")
    run_check(store, as_of=AS_OF)
    rows = sorted(r2_total(store), key=lambda r: r[1])
    assert [(r[1], r[2]) for r in rows] == [("open", None), ("resolved", "dismissed")]
    with pytest.raises(ReviewError, match="0 findings match"):
        mark(store.db, "zzzz", "confirmed")


def test_cli_mark_list_and_export(tmp_path, monkeypatch, capsys):
    db = tmp_path / "n.db"
    store = make_store(monkeypatch, db)
    store.upsert_agencies([AGENCY])
    store.put(bad(2), "qj-fgw")
    assert main(["check", "--db", str(db), "--out", str(tmp_path / "out"),
                 "--as-of", "2024-02-01"]) == 0
    assert "open findings" in capsys.readouterr().out
    ((fid, *_),) = r2_total(store)
    assert main(["findings", "mark", fid, "confirmed", "--comment", "已通知", "--db", str(db),
                 "--reviewer", "李四"]) == 0
    assert capsys.readouterr().out.strip() == f"{fid}: confirmed by 李四"
    main(["findings", "list", "--db", str(db)])
    assert f"{fid}  open" in capsys.readouterr().out
    assert main(["findings", "export", "--db", str(db), "--xlsx", str(tmp_path / "f.xlsx"),
                 "--json", str(tmp_path / "f.json"), "--csv", str(tmp_path / "f.csv")]) == 0
    exported = {f["id"]: f for f in json.loads((tmp_path / "f.json").read_text("utf-8"))}
    assert exported[fid]["verdict"] == "confirmed" and exported[fid]["review_comment"] == "已通知"
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "f.xlsx").active
    assert sheet.max_row == len(exported) + 2
    assert "李四" in (tmp_path / "f.csv").read_text("utf-8-sig")
    assert main(["findings", "mark", "nope", "dismissed", "--db", str(db)]) == 1
