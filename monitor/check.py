"""One check: every rule over the stored reports, compliance for a year, crawl health → findings.

This is the only module that reads the store's tables for the monitor; it turns rows back into
`Report`s so the engine stays pure, then stores results and syncs findings in one run record.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from monitor import compliance, results
from monitor.config import Config
from monitor.engine import FAIL, SKIPPED, Result, Subject, evaluate
from monitor.health import crawl_findings
from monitor.results import Finding
from monitor.rules import RuleSet, load_rules
from monitor.similarity import evaluate_similarity
from nianbao.store import Store
from parsing.model import Cell, Report

PER_REPORT_KINDS = ("sum_equal", "cross_year_equal", "presence", "narrative_number")


@dataclass
class CheckOutcome:
    run_id: int
    year: int
    as_of: dt.date
    counts: dict[str, int]
    new: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    open: list[str] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)


def run_check(store: Store, config: Config | None = None, *, rules: RuleSet | None = None,
              year: int | None = None, as_of: dt.date | None = None,
              out_dir: Path | None = None, trigger: str = "cli") -> CheckOutcome:
    config = config or Config()
    rules = rules or load_rules(*config.rules)
    as_of = as_of or dt.date.today()
    year = year or config.year
    comp_year = year or as_of.year - 1
    db = store.db
    results.ensure_schema(db)
    run_id = results.start_run(db, year=comp_year, as_of=as_of.isoformat(), trigger=trigger,
                               ruleset_version=rules.version,
                               rules_files=json.dumps(rules.files, ensure_ascii=False))
    agencies = {a["id"]: a for a in db.query("select * from agencies order by id")}
    where, args = "parse_status != 'error'", []
    if year:  # that year, and the year before for the cross-year rules
        where, args = where + " and year in (?, ?)", [year, year - 1]
    rows = list(db.query(f"select * from current_reports where {where} "
                         "order by year, agency_id, id", args))
    subjects = load_subjects(store, rows, where, args)
    checked = [s for s in subjects if year is None or s.report.year == year]
    row_of = {r["id"]: r for r in rows}
    per_report = evaluate_reports(rules, checked, subjects, row_of, agencies, as_of, config)
    deadline_rule = next(iter(rules.by_kind("deadline")), None)

    findings: list[Finding] = []
    counts = {"pass": 0, "fail": 0, "skipped": 0}
    for s in checked:
        agency = agencies.get(s.agency_id or "", {})
        res = per_report[s.report_id]
        results.save_rule_results(db, run_id, s, agency, res, rules.version)
        for r in res:
            counts[r.status] += 1
            if r.status == FAIL:
                findings.append(_rule_finding(rules, s, agency, row_of[s.report_id], r))

    results.prune_results(db)
    verdicts = []
    if deadline_rule:
        verdicts = compliance.assess(agencies.values(), rows, comp_year, as_of, deadline_rule,
                                     config.deadlines)
        results.save_compliance(db, run_id, verdicts)
        findings += [_missing_finding(deadline_rule, v) for v in verdicts
                     if v.status == compliance.MISSING]
    findings += crawl_findings(db, agencies, config.health_failures,
                               config.health_empty_listings)

    scope = "origin = 'crawl' or (origin = 'compliance' and year = ?) or "
    scope += "(origin = 'rule' and year = ?)" if year else "origin = 'rule'"
    synced = results.sync_findings(db, run_id, findings, scope,
                                   [comp_year, year] if year else [comp_year])
    outcome = CheckOutcome(run_id, comp_year, as_of, counts, synced["new"],
                           synced["resolved"], synced["open"])
    if out_dir is not None:
        from monitor.alerts import write_alerts

        outcome.files = write_alerts(db, outcome, Path(out_dir))
    results.finish_run(
        db, run_id, reports_checked=len(checked), results_pass=counts["pass"],
        results_fail=counts["fail"], results_skipped=counts["skipped"],
        findings_open=len(synced["open"]), findings_new=len(synced["new"]),
        findings_resolved=len(synced["resolved"]),
        out_dir=str(out_dir) if out_dir is not None else None,
    )
    return outcome


def evaluate_reports(rules: RuleSet, checked: list[Subject], subjects: list[Subject],
                     row_of: dict[int, dict], agencies: dict[str, dict], as_of: dt.date,
                     config: Config) -> dict[int, list[Result]]:
    """Every rule's results for every checked report; `subjects` also holds last year's."""
    by_agency_year = {(_agency_key(s), s.report.year): s for s in subjects}
    per_report: dict[int, list[Result]] = defaultdict(list)
    for s in checked:
        previous = by_agency_year.get((_agency_key(s), (s.report.year or 0) - 1))
        for rule in rules.by_kind(*PER_REPORT_KINDS):
            per_report[s.report_id].extend(evaluate(rule, s, previous))
    for rule in rules.by_kind("similarity"):
        for s, r in zip(checked, evaluate_similarity(rule, checked, subjects), strict=True):
            per_report[s.report_id].append(r)
    for rule in rules.by_kind("deadline"):
        for s in checked:
            per_report[s.report_id].append(
                _deadline(rule, s, row_of[s.report_id], agencies, as_of, config))
    return per_report


def load_subjects(store: Store, rows: list[dict], where: str = "1", args: list | None = None
                  ) -> list[Subject]:
    """Rebuild `Report`s from the long `cells` and `sections` tables of the selected reports."""
    selected = f"(select id from current_reports where {where})"
    tables: dict[int, dict[str, dict]] = defaultdict(lambda: defaultdict(dict))
    for c in store.db.query(f"select * from cells where report_id in {selected}", args or []):
        value = c["value"]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        tables[c["report_id"]][c["table_name"]].setdefault(c["row_key"], {})[c["col_key"]] = \
            Cell(value, c["raw"], c["unit"])
    sections: dict[int, dict[str, str]] = defaultdict(dict)
    for s in store.db.query(f"select report_id, key, text from sections "
                            f"where report_id in {selected}", args or []):
        sections[s["report_id"]][s["key"]] = s["text"]
    subjects = []
    for r in rows:
        t = tables.get(r["id"], {})
        report = Report(
            source=r["source"], title=r["title"], agency=r["agency"], year=r["year"],
            published=r["published"], template=r["template"] or "unknown",
            sections=sections.get(r["id"], {}), table2=dict(t.get("table2", {})),
            table3=dict(t.get("table3", {})), table4=dict(t.get("table4", {})),
        )
        subjects.append(Subject(report, r["id"], r["agency_id"]))
    return subjects


def _agency_key(s: Subject) -> str:
    return s.agency_id or s.report.agency or s.report.source


def _deadline(rule, s: Subject, row: dict, agencies: dict, as_of: dt.date,
              config: Config) -> Result:
    agency = agencies.get(s.agency_id or "")
    if agency is None or s.report.year is None:
        why = "agency not in the registry" if agency is None else "report year unknown"
        return Result(rule.id, rule.severity, SKIPPED, reason=why)
    (verdict,) = compliance.assess([agency], [row], s.report.year, as_of, rule,
                                   config.deadlines)
    return compliance.deadline_result(rule, verdict)


def _rule_finding(rules: RuleSet, s: Subject, agency: dict, row: dict, r: Result) -> Finding:
    rule = rules.get(r.rule_id)
    scope = f" ({r.scope})" if r.scope else ""
    return Finding(
        origin="rule", rule_id=r.rule_id, severity=r.severity,
        title=f"{rule.name_zh} · {rule.name_en}{scope}", detail=r.reason,
        agency_id=s.agency_id, agency=agency.get("name") or s.report.agency,
        region_code=agency.get("region_code"), region_name=agency.get("region_name"),
        year=s.report.year, report_id=s.report_id, source=s.report.source, scope=r.scope,
        expected=r.expected, actual=r.actual,
        cells=[results.cell_dict(c) for c in r.cells],
        key_values=(row.get("published"),) if rule.kind == "deadline" else (),
    )


def _missing_finding(rule, v: compliance.Compliance) -> Finding:
    a = v.agency
    return Finding(
        origin="compliance", rule_id=rule.id, severity=rule.severity,
        title=f"{v.year}年度报告未发布 · no report for {v.year}",
        detail=f"deadline {v.deadline} ({v.deadline_source}) has passed and nothing was found",
        agency_id=a["id"], agency=a.get("name"), region_code=a.get("region_code"),
        region_name=a.get("region_name"), year=v.year, key_values=("missing",),
    )
