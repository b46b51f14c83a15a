"""The monitor's tables on the store's database: what was checked, what failed, who reviewed it.

All tables are long and facetable (one fact per row) so Datasette can browse and facet them.
Idempotent: re-checking a report replaces its rule results; findings are keyed by a stable
fingerprint so a re-check that finds the same problem updates the same row (and keeps its review).

Tables
  check_runs        one row per `nianbao check` (or check after a monitor crawl):
                    id, started_at, finished_at, year, as_of (date deadlines were judged at),
                    ruleset_version, rules_files (JSON list), trigger (cli / monitor),
                    reports_checked, results_pass, results_fail, results_skipped,
                    findings_open, findings_new, findings_resolved, out_dir.
  rule_results      one row per (report, rule, scope) — the latest check of that report:
                    report_id, rule_id, scope ('' for whole-report rules, else 'column:total',
                    'row:granted', 'row:review' — Table 4's groups are its rows), agency_id,
                    agency, region_code, year, template,
                    severity (error / warning), status (pass / fail / skipped), expected, actual,
                    difference (actual − expected), reason (why it failed or was skipped),
                    cells (JSON list of the cells involved), ruleset_version, run_id, checked_at.
                    pk (report_id, rule_id, scope).
  rule_result_cells the cells behind each result, one per row, for highlighting and faceting:
                    report_id, rule_id, scope, cell_report_id (the other year's report for
                    cross-year rules), side ('lhs' / 'rhs' / 'cell'), table_name, row_key, col_key,
                    label (the cell as the form prints it), value, raw, balancing_value (the
                    value that alone would make the rule pass; null when it passes).
                    pk (report_id, rule_id, scope, cell_report_id, side, table_name, row_key,
                    col_key).
  compliance        one row per (agency, year): agency_id, year, agency, region_code,
                    region_name, level, kind, deadline, deadline_source ('statutory: organ' /
                    'statutory: government_overall' / the override that applied),
                    status (published / late / missing / pending),
                    days_late, published, published_source ('page' / 'first_seen'), report_id,
                    source (URL), run_id, checked_at. pk (agency_id, year).
  findings          one row per distinct problem ever seen: id (first 12 hex chars of
                    fingerprint — what `nianbao findings mark ID` takes), fingerprint (sha256 of
                    rule + report/agency + scope + cells + values), origin (rule / compliance /
                    crawl), rule_id, severity, status (open / resolved), agency_id, agency,
                    region_code, region_name, year, report_id, scope, title, detail, expected,
                    actual, cells (JSON), first_seen_run, last_seen_run, resolved_run,
                    first_seen_at, last_seen_at, resolved_at.
  finding_reviews   a person's verdict: id, finding_id, fingerprint, verdict (confirmed /
                    dismissed), comment, reviewer, reviewed_at. Many per finding; latest wins.
  outbox            every notification, before and after delivery: id, created_at, run_id,
                    channel (webhook / dingtalk / wecom / email), target (name in config),
                    finding_ids (JSON), payload (JSON), status (pending / sent / failed),
                    attempts, last_error, last_attempt_at, sent_at.
  monitor_job_runs  one row per scheduled job execution: id, job_id, started_at, finished_at,
                    command (JSON argv), returncode, output_tail, check_run_id.
  apscheduler_jobs  APScheduler's own job store (SQLAlchemyJobStore): id, next_run_time,
                    job_state (pickled).
Views
  findings_current  findings with their latest review: every findings column plus verdict,
                    review_comment, reviewer, reviewed_at.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from monitor.engine import Result, Subject
from nianbao.store import now_iso

OPEN, RESOLVED = "open", "resolved"
_RESULT_PK = ("report_id", "rule_id", "scope")
_CELL_PK = ("report_id", "rule_id", "scope", "cell_report_id", "side", "table_name", "row_key",
            "col_key")


@dataclass
class Finding:
    """A problem worth a person's attention: a failed rule, a late/missing report, a sick crawl."""

    origin: str  # rule / compliance / crawl
    rule_id: str
    severity: str
    title: str
    detail: str = ""
    agency_id: str | None = None
    agency: str | None = None
    region_code: str | None = None
    region_name: str | None = None
    year: int | None = None
    report_id: int | None = None
    source: str | None = None
    scope: str = ""
    expected: Any = None
    actual: Any = None
    cells: list[dict] = field(default_factory=list)
    key_values: tuple = ()  # what else identifies the problem (e.g. the published date)

    @property
    def fingerprint(self) -> str:
        """Same rule, same agency (or page), same cells with the same values → same finding."""
        basis = [self.rule_id, self.agency_id or self.source or "", self.year, self.scope,
                 [[c["table_name"], c["row_key"], c["col_key"], c["value"], c.get("year")]
                  for c in self.cells],
                 self.expected, self.actual, list(self.key_values)]
        text = json.dumps(basis, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def id(self) -> str:
        return self.fingerprint[:12]


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create the monitor's tables and view if missing — safe to call on every run."""
    names = set(db.table_names())
    if "check_runs" not in names:
        db["check_runs"].create({
            "id": int, "started_at": str, "finished_at": str, "year": int, "as_of": str,
            "ruleset_version": str, "rules_files": str, "trigger": str, "reports_checked": int,
            "results_pass": int, "results_fail": int, "results_skipped": int,
            "findings_open": int, "findings_new": int, "findings_resolved": int, "out_dir": str,
        }, pk="id")
    if "rule_results" not in names:
        db["rule_results"].create({
            "report_id": int, "rule_id": str, "scope": str, "agency_id": str, "agency": str,
            "region_code": str, "year": int, "template": str, "severity": str, "status": str,
            "expected": float, "actual": float, "difference": float, "reason": str,
            "cells": str, "ruleset_version": str, "run_id": int, "checked_at": str,
        }, pk=_RESULT_PK)
        for cols in (["rule_id", "status"], ["status"], ["agency_id"], ["year"]):
            db["rule_results"].create_index(cols)
    if "rule_result_cells" not in names:
        db["rule_result_cells"].create({
            "report_id": int, "rule_id": str, "scope": str, "cell_report_id": int, "side": str,
            "table_name": str, "row_key": str, "col_key": str, "label": str, "value": float,
            "raw": str, "balancing_value": float,
        }, pk=_CELL_PK)
    if "compliance" not in names:
        db["compliance"].create({
            "agency_id": str, "year": int, "agency": str, "region_code": str,
            "region_name": str, "level": str, "kind": str, "deadline": str,
            "deadline_source": str, "status": str, "days_late": int, "published": str,
            "published_source": str, "report_id": int, "source": str, "run_id": int,
            "checked_at": str,
        }, pk=("agency_id", "year"))
        db["compliance"].create_index(["year", "status"])
    if "findings" not in names:
        db["findings"].create({
            "id": str, "fingerprint": str, "origin": str, "rule_id": str, "severity": str,
            "status": str, "agency_id": str, "agency": str, "region_code": str,
            "region_name": str, "year": int, "report_id": int, "source": str, "scope": str,
            "title": str, "detail": str, "expected": str, "actual": str, "cells": str,
            "first_seen_run": int, "last_seen_run": int, "resolved_run": int,
            "first_seen_at": str, "last_seen_at": str, "resolved_at": str,
        }, pk="id")
        for cols in (["status"], ["rule_id"], ["region_code"], ["year"]):
            db["findings"].create_index(cols)
    if "finding_reviews" not in names:
        db["finding_reviews"].create({
            "id": int, "finding_id": str, "fingerprint": str, "verdict": str, "comment": str,
            "reviewer": str, "reviewed_at": str,
        }, pk="id")
        db["finding_reviews"].create_index(["finding_id"])
    if "outbox" not in names:
        db["outbox"].create({
            "id": int, "created_at": str, "run_id": int, "channel": str, "target": str,
            "finding_ids": str, "payload": str, "status": str, "attempts": int,
            "last_error": str, "last_attempt_at": str, "sent_at": str,
        }, pk="id")
    if "monitor_job_runs" not in names:
        db["monitor_job_runs"].create({
            "id": int, "job_id": str, "started_at": str, "finished_at": str, "command": str,
            "returncode": int, "output_tail": str, "check_run_id": int,
        }, pk="id")
    db.create_view("findings_current", """
        select f.*, r.verdict, r.comment as review_comment, r.reviewer, r.reviewed_at
        from findings f left join finding_reviews r on r.id = (
            select max(id) from finding_reviews where fingerprint = f.fingerprint)
    """, replace=True)


def start_run(db: sqlite_utils.Database, **fields: Any) -> int:
    with db.conn:
        return db["check_runs"].insert({"started_at": now_iso(), **fields}).last_pk


def finish_run(db: sqlite_utils.Database, run_id: int, **fields: Any) -> None:
    with db.conn:
        db["check_runs"].update(run_id, {"finished_at": now_iso(), **fields})


def save_rule_results(db: sqlite_utils.Database, run_id: int, subject: Subject, meta: dict,
                      results: Iterable[Result], ruleset_version: str) -> None:
    """Replace this report's results: re-checking leaves one row per rule and scope."""
    results = list(results)
    if subject.report_id is None:
        return
    checked_at = now_iso()
    rows, cell_rows = [], []
    for r in results:
        rows.append({
            "report_id": subject.report_id, "rule_id": r.rule_id, "scope": r.scope,
            "agency_id": subject.agency_id, "agency": subject.report.agency,
            "region_code": meta.get("region_code"), "year": subject.report.year,
            "template": subject.report.template, "severity": r.severity, "status": r.status,
            "expected": r.expected, "actual": r.actual, "difference": r.difference,
            "reason": r.reason, "cells": json.dumps([cell_dict(c) for c in r.cells],
                                                    ensure_ascii=False),
            "ruleset_version": ruleset_version, "run_id": run_id, "checked_at": checked_at,
        })
        cell_rows += [{"report_id": subject.report_id, "rule_id": r.rule_id, "scope": r.scope,
                       "cell_report_id": c.report_id, "side": c.side, "table_name": c.table,
                       "row_key": c.row, "col_key": c.col, "label": c.label, "value": c.value,
                       "raw": c.raw, "balancing_value": c.balancing} for c in r.cells]
    with db.conn:
        for table in ("rule_results", "rule_result_cells"):
            db.execute(f"delete from {table} where report_id = ?", [subject.report_id])
        db["rule_results"].insert_all(rows, pk=_RESULT_PK, replace=True)
        db["rule_result_cells"].insert_all(cell_rows, pk=_CELL_PK, replace=True)


def prune_results(db: sqlite_utils.Database) -> None:
    """Drop results of report versions that are no longer current (a page that changed)."""
    with db.conn:
        for table in ("rule_results", "rule_result_cells"):
            db.execute(f"delete from {table} where report_id not in "
                       "(select id from current_reports)")


def cell_dict(c) -> dict:
    return {"report_id": c.report_id, "side": c.side, "table_name": c.table, "row_key": c.row,
            "col_key": c.col, "label": c.label, "value": c.value, "raw": c.raw,
            "balancing_value": c.balancing}


def save_compliance(db: sqlite_utils.Database, run_id: int, verdicts: Iterable) -> None:
    checked_at = now_iso()
    rows = []
    for v in verdicts:
        a, rep = v.agency, v.report or {}
        rows.append({
            "agency_id": a["id"], "year": v.year, "agency": a.get("name"),
            "region_code": a.get("region_code"), "region_name": a.get("region_name"),
            "level": a.get("level"), "kind": a.get("kind"), "deadline": v.deadline.isoformat(),
            "deadline_source": v.deadline_source, "status": v.status, "days_late": v.days_late,
            "published": (rep.get("published") or "")[:10] or None,
            "published_source": rep.get("published_source"), "report_id": rep.get("id"),
            "source": rep.get("source"), "run_id": run_id, "checked_at": checked_at,
        })
    with db.conn:
        db["compliance"].upsert_all(rows, pk=("agency_id", "year"))


def sync_findings(db: sqlite_utils.Database, run_id: int, findings: Iterable[Finding],
                  in_scope: str, scope_args: list) -> dict[str, list[str]]:
    """Upsert what this run found; resolve open findings in scope that it no longer finds.

    `in_scope` is a SQL condition on findings naming what this run looked at (years, origins), so
    a check of one year never resolves another year's findings. Returns ids: new, resolved, open.
    """
    now = now_iso()
    found = {f.id: f for f in findings}
    existing = {r["id"]: r for r in db.query("select id, status from findings")}
    new = [i for i in found if existing.get(i, {}).get("status") != OPEN]
    rows = []
    for fid, f in found.items():
        row = {
            "id": fid, "fingerprint": f.fingerprint, "origin": f.origin, "rule_id": f.rule_id,
            "severity": f.severity, "status": OPEN, "agency_id": f.agency_id,
            "agency": f.agency, "region_code": f.region_code, "region_name": f.region_name,
            "year": f.year, "report_id": f.report_id, "source": f.source, "scope": f.scope,
            "title": f.title, "detail": f.detail, "expected": _text(f.expected),
            "actual": _text(f.actual), "cells": json.dumps(f.cells, ensure_ascii=False),
            "last_seen_run": run_id, "last_seen_at": now, "resolved_run": None,
            "resolved_at": None,
        }
        if fid not in existing:
            row.update(first_seen_run=run_id, first_seen_at=now)
        rows.append(row)
    stale = [r["id"] for r in db.query(
        f"select id from findings where status = 'open' and ({in_scope})", scope_args)
        if r["id"] not in found]
    with db.conn:
        db["findings"].upsert_all(rows, pk="id")
        for fid in stale:
            db["findings"].update(fid, {"status": RESOLVED, "resolved_run": run_id,
                                        "resolved_at": now})
    return {"new": new, "resolved": stale, "open": list(found)}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
