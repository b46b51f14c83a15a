"""Rule 8: was each agency's report for year Y published by its deadline?

Deadline = the statutory default (条例第五十条: 31 January of Y+1 for every organ, 31 March for a
county-or-above government's overall report) unless a local override in monitor.yml is more
specific (longest region-code prefix, then kind, then level).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from monitor.config import DeadlineOverride
from monitor.engine import FAIL, PASS, SKIPPED, Result
from monitor.rules import Rule

PUBLISHED, LATE, MISSING, PENDING = "published", "late", "missing", "pending"


@dataclass
class Compliance:
    agency: dict
    year: int
    deadline: dt.date
    deadline_source: str
    status: str
    days_late: int | None = None
    report: dict | None = None  # the reports row that counts (the earliest published)


def deadline_for(agency: dict, year: int, rule: Rule,
                 overrides: Iterable[DeadlineOverride] = ()) -> tuple[dt.date, str]:
    p = rule.params
    region, kind, level = agency.get("region_code"), agency.get("kind"), agency.get("level")
    matching = [o for o in overrides if o.matches(region, kind, level)]
    if matching:
        best = max(matching, key=lambda o: o.specificity)
        return _month_day(best.date, year + 1), best.describe()
    overall = kind == "government" and level in p.get("government_levels", ())
    key = "government_overall" if overall else "organ"
    return _month_day(p[key], year + 1), f"statutory: {key}"


def assess(agencies: Iterable[dict], reports: Iterable[dict], year: int, as_of: dt.date,
           rule: Rule, overrides: Iterable[DeadlineOverride] = ()) -> list[Compliance]:
    """One verdict per agency. `reports` are current reports rows (agency_id, year, published…)."""
    overrides = list(overrides)
    by_agency: dict[str, list[dict]] = {}
    for r in reports:
        if r.get("year") == year and r.get("agency_id") and r.get("published"):
            by_agency.setdefault(r["agency_id"], []).append(r)
    verdicts = []
    for agency in agencies:
        deadline, source = deadline_for(agency, year, rule, overrides)
        found = sorted(by_agency.get(agency["id"], []), key=lambda r: r["published"])
        if found:
            first = found[0]
            late = (dt.date.fromisoformat(first["published"][:10]) - deadline).days
            status = LATE if late > 0 else PUBLISHED
            verdicts.append(Compliance(agency, year, deadline, source, status,
                                       late if late > 0 else None, first))
        else:
            status = MISSING if as_of > deadline else PENDING
            verdicts.append(Compliance(agency, year, deadline, source, status))
    return verdicts


def deadline_result(rule: Rule, verdict: Compliance) -> Result:
    """The per-report face of rule 8, stored beside the other rule results."""
    report = verdict.report
    if report is None:
        return Result(rule.id, rule.severity, SKIPPED, reason="no published date")
    published = report.get("published", "")[:10]
    via = report.get("published_source") or "page"
    if verdict.status == LATE:
        return Result(rule.id, rule.severity, FAIL, "", 0, verdict.days_late,
                      f"published {published} ({via}), {verdict.days_late} days after the "
                      f"deadline {verdict.deadline} ({verdict.deadline_source})")
    return Result(rule.id, rule.severity, PASS, "", 0, 0,
                  f"published {published} ({via}), deadline {verdict.deadline}")


def _month_day(text: str, year: int) -> dt.date:
    month, day = (int(x) for x in str(text).split("-"))
    return dt.date(year, month, day)
