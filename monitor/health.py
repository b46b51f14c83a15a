"""Crawl health: an agency whose crawls keep failing, or whose column suddenly lists nothing.

Reads the crawler's `crawls` table (one row per agency per crawl run). A finding is raised only
after N attempts in a row, so one flaky night is not an alert, and it disappears (is resolved)
as soon as a crawl succeeds again. The first attempt of the streak is part of the finding's
identity: the same outage is one finding however long it lasts.
"""

from __future__ import annotations

from itertools import groupby

import sqlite_utils

from monitor.results import Finding


def crawl_findings(db: sqlite_utils.Database, agencies: dict[str, dict], failures: int,
                   empty_listings: int) -> list[Finding]:
    if "crawls" not in db.table_names():
        return []
    rows = db.query("select agency_id, started_at, ok, listed, error from crawls "
                    "where agency_id is not null order by agency_id, started_at desc")
    findings = []
    for agency_id, group in groupby(rows, key=lambda r: r["agency_id"]):
        history = list(group)  # newest first
        failed = _streak(history, lambda r: not r["ok"])
        if len(failed) >= failures:
            findings.append(_finding(
                agencies.get(agency_id, {"id": agency_id}), "crawl_failures",
                f"{len(failed)} crawls in a row failed",
                f"since {failed[-1]['started_at']}; last error: {failed[0]['error'] or '—'}",
                failed[-1]["started_at"]))
            continue
        empty = _streak(history, lambda r: r["ok"] and not r["listed"])
        listed_before = any(r["ok"] and r["listed"] for r in history[len(empty):])
        if len(empty) >= empty_listings and listed_before:
            findings.append(_finding(
                agencies.get(agency_id, {"id": agency_id}), "crawl_empty_listing",
                f"the report column listed nothing in {len(empty)} crawls",
                f"it listed items before {empty[-1]['started_at']}: a portal redesign?",
                empty[-1]["started_at"]))
    return findings


def _streak(history: list[dict], bad) -> list[dict]:
    streak = []
    for row in history:
        if not bad(row):
            break
        streak.append(row)
    return streak


def _finding(agency: dict, rule_id: str, title: str, detail: str, since: str) -> Finding:
    return Finding(
        origin="crawl", rule_id=rule_id, severity="warning", title=title, detail=detail,
        agency_id=agency["id"], agency=agency.get("name"), region_code=agency.get("region_code"),
        region_name=agency.get("region_name"), key_values=(since,),
    )
