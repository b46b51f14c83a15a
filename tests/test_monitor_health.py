"""Crawl health: N failures in a row, or a column that suddenly lists nothing, raise a finding
after N attempts and clear when the crawl recovers."""

from __future__ import annotations

import datetime as dt

import pytest
from test_monitor_support import make_store

from monitor.check import run_check
from monitor.config import Config

AGENCIES = [{"id": "tl-yss", "name": "铁岭市营商局", "region_code": "211200",
             "region_name": "铁岭市", "level": "city", "kind": "department"}]
CONFIG = Config(health_failures=3, health_empty_listings=2)


@pytest.fixture
def store(monkeypatch):
    s = make_store(monkeypatch)
    s.upsert_agencies(AGENCIES)
    s.runs = 0

    def crawl(ok: bool, listed: int, error: str | None = None) -> None:
        s.runs += 1
        at = f"2024-01-{s.runs:02d}T07:00:00+00:00"
        s.record_crawl(f"run{s.runs}", "tl-yss", started_at=at, finished_at=at, ok=ok,
                       listed=listed, reports=0, error=error)

    s.crawl = crawl
    return s


def health(store) -> dict[str, str]:
    run_check(store, CONFIG, as_of=dt.date(2024, 1, 20))
    return {f["rule_id"]: f["status"] for f in store.db.query(
        "select * from findings where origin = 'crawl'")}


def test_consecutive_failures_raise_after_n_and_clear_on_recovery(store):
    store.crawl(True, 12)
    store.crawl(False, 0, "TimeoutError: 127.0.0.1:8701")
    store.crawl(False, 0, "TimeoutError: 127.0.0.1:8701")
    assert health(store) == {}
    store.crawl(False, 0, "HTTP 503")
    assert health(store) == {"crawl_failures": "open"}
    (finding,) = store.db.query("select * from findings where rule_id = 'crawl_failures'")
    assert finding["title"] == "3 crawls in a row failed"
    assert "HTTP 503" in finding["detail"] and "2024-01-02" in finding["detail"]
    store.crawl(False, 0, "HTTP 503")
    assert health(store) == {"crawl_failures": "open"}  # the same outage, the same finding
    assert store.db.execute("select count(*) from findings").fetchone()[0] == 1
    store.crawl(True, 12)
    assert health(store) == {"crawl_failures": "resolved"}


def test_a_column_that_suddenly_lists_nothing(store):
    store.crawl(True, 0)
    store.crawl(True, 0)
    assert health(store) == {}  # it never listed anything: not a redesign, just empty
    store.crawl(True, 9)
    store.crawl(True, 0)
    assert health(store) == {}
    store.crawl(True, 0)
    assert health(store) == {"crawl_empty_listing": "open"}
    store.crawl(True, 9)
    assert health(store) == {"crawl_empty_listing": "resolved"}
