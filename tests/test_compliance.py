"""Deadlines and compliance with frozen dates: published, late (days), missing, pending."""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time
from test_monitor_support import make_store, report, table3_2021

from monitor.check import run_check
from monitor.compliance import deadline_for
from monitor.config import Config, DeadlineOverride, load_config
from monitor.rules import load_rules

RULE = load_rules().get("R8_deadline")
AGENCIES = [
    {"id": "tl-yss", "name": "铁岭市营商局", "region_code": "211200", "region_name": "铁岭市",
     "level": "city", "kind": "department"},
    {"id": "tl-czj", "name": "铁岭市财政局", "region_code": "211200", "region_name": "铁岭市",
     "level": "city", "kind": "department"},
    {"id": "yz-gov", "name": "银州区人民政府", "region_code": "211202", "region_name": "银州区",
     "level": "county", "kind": "government"},
    {"id": "yz-town", "name": "龙山乡人民政府", "region_code": "211202001",
     "region_name": "银州区", "level": "township", "kind": "government"},
]
LOCAL = [DeadlineOverride(date="01-28", region="2112", kind="department", note="铁岭市要求")]


def test_statutory_deadlines_and_the_most_specific_override():
    by_id = {a["id"]: a for a in AGENCIES}
    assert deadline_for(by_id["tl-yss"], 2023, RULE) == (dt.date(2024, 1, 31), "statutory: organ")
    assert deadline_for(by_id["yz-gov"], 2023, RULE) == (
        dt.date(2024, 3, 31), "statutory: government_overall")
    assert deadline_for(by_id["yz-town"], 2023, RULE)[0] == dt.date(2024, 1, 31)
    overrides = [*LOCAL, DeadlineOverride(date="01-20", region="211200", kind="department")]
    assert deadline_for(by_id["tl-yss"], 2023, RULE, overrides)[0] == dt.date(2024, 1, 20)
    when, why = deadline_for(by_id["tl-czj"] | {"region_code": "211204"}, 2023, RULE, overrides)
    assert (when, why) == (dt.date(2024, 1, 28), "override: region 2112 department (铁岭市要求)")
    assert deadline_for(by_id["yz-gov"], 2023, RULE, overrides)[0] == dt.date(2024, 3, 31)


@pytest.fixture
def store(monkeypatch):
    s = make_store(monkeypatch)
    s.upsert_agencies(AGENCIES)
    # On the page: 2024-01-27, before the local 28 January deadline.
    s.put(report(agency="铁岭市营商局", published="2024-01-27", table3=table3_2021()), "tl-yss")
    # No date on the page: first seen 2024-02-05, 5 days after 31 January.
    s.put(report(agency="龙山乡人民政府", published=None, table3=table3_2021()), "yz-town",
          fetched_at="2024-02-05T09:00:00+00:00")
    return s


def verdicts(store):
    return {c["agency_id"]: (c["status"], c["days_late"], c["published_source"])
            for c in store.db.query("select * from compliance where year = 2023")}


def test_published_late_missing_pending_as_time_passes(store):
    config = Config(deadlines=LOCAL)
    with freeze_time("2024-01-15"):
        run_check(store, config)
    assert verdicts(store) == {
        "tl-yss": ("published", None, "page"), "yz-town": ("late", 5, "first_seen"),
        "tl-czj": ("pending", None, None), "yz-gov": ("pending", None, None)}
    with freeze_time("2024-02-15"):
        out = run_check(store, config)
    assert verdicts(store)["tl-czj"] == ("missing", None, None)
    assert verdicts(store)["yz-gov"] == ("pending", None, None)  # overall report: 31 March
    deadline = store.db.execute("select deadline, deadline_source from compliance "
                                "where agency_id = 'tl-czj'").fetchone()
    assert deadline == ("2024-01-28", "override: region 2112 department (铁岭市要求)")
    with freeze_time("2024-04-01"):
        later = run_check(store, config)
    assert verdicts(store)["yz-gov"] == ("missing", None, None)
    ids = {f["agency_id"]: f["id"] for f in store.db.query(
        "select * from findings where rule_id = 'R8_deadline' and status = 'open'")}
    assert set(ids) == {"tl-czj", "yz-gov", "yz-town"}
    assert out.new == [ids["tl-czj"]] and later.new == [ids["yz-gov"]]
    late = store.db.execute("select reason from rule_results where rule_id = 'R8_deadline' "
                            "and agency_id = 'yz-town'").fetchone()[0]
    assert late == ("published 2024-02-05 (first_seen), 5 days after the deadline 2024-01-31 "
                    "(statutory: organ)")


def test_year_defaults_to_last_year_and_config_file_overrides(store, tmp_path):
    path = tmp_path / "monitor.yml"
    path.write_text("deadlines:\n  - region: '2112'\n    kind: department\n    date: 01-28\n"
                    "    note: 铁岭市要求\n", encoding="utf-8")
    config = load_config(path)
    assert config.deadlines == LOCAL
    with freeze_time("2024-03-01"):
        out = run_check(store, config)
    assert out.year == 2023 and verdicts(store)["tl-czj"][0] == "missing"
