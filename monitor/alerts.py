"""The alert report of one check: a self-contained HTML page, plus CSV, JSON and xlsx of findings.

The page must open from an e-mail attachment or a USB stick in an office with no internet, so
the CSS and the chart (SVG) are inline and nothing is fetched. Every string that came from a
scraped page goes through Jinja2 autoescaping; links are only emitted for http(s) URLs.
"""

from __future__ import annotations

import json
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
import sqlite_utils

from monitor.export import finding_rows, write_csv, write_json, write_xlsx

if TYPE_CHECKING:
    from monitor.check import CheckOutcome

STATUSES = ("published", "late", "missing", "pending")
STATUS_ZH = {"published": "按时发布", "late": "逾期发布", "missing": "未发布", "pending": "未到期"}
COLOURS = {"published": "#2e7d32", "late": "#ef6c00", "missing": "#c62828", "pending": "#9e9e9e",
           "failing": "#6a1b9a"}
UNREGISTERED = ("", "未登记 (not in registry)")


def write_alerts(db: sqlite_utils.Database, outcome: CheckOutcome, out_dir: Path
                 ) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = finding_rows(db, status="open") + finding_rows(db, ids=outcome.resolved,
                                                          status="resolved")
    html = render_html(build_context(db, outcome))
    files = {"html": out_dir / "alerts.html"}
    files["html"].write_text(html, encoding="utf-8")
    files["csv"] = write_csv(rows, out_dir / "findings.csv")
    files["json"] = write_json(rows, out_dir / "findings.json")
    files["xlsx"] = write_xlsx(rows, out_dir / "findings.xlsx")
    return files


def build_context(db: sqlite_utils.Database, outcome: CheckOutcome) -> dict:
    run = db["check_runs"].get(outcome.run_id)
    comp = list(db.query("select * from compliance where year = ? order by region_code, agency",
                         [outcome.year]))
    open_rows = finding_rows(db, status="open")
    rule_rows = [f for f in open_rows if f["origin"] == "rule"]
    regions = _regions(comp, rule_rows)
    return {
        "run": run, "outcome": outcome, "regions": regions, "chart": chart(regions),
        "late_missing": [c for c in comp if c["status"] in ("late", "missing")],
        "reports": _failing_reports(rule_rows),
        "other_findings": [f for f in open_rows if f["origin"] != "rule"],
        "new": finding_rows(db, ids=outcome.new),
        "resolved": finding_rows(db, ids=outcome.resolved),
        "status_zh": STATUS_ZH, "colours": COLOURS, "statuses": STATUSES,
        "totals": {s: sum(r[s] for r in regions) for s in (*STATUSES, "agencies", "failing")},
    }


def render_html(context: dict) -> str:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["num"] = _num
    env.filters["href"] = _href
    text = resources.files("monitor").joinpath("alert.html").read_text(encoding="utf-8")
    return env.from_string(text).render(**context)


def _regions(comp: list[dict], rule_rows: list[dict]) -> list[dict]:
    regions: dict[str, dict] = {}

    def region(code: str | None, name: str | None) -> dict:
        code = code or UNREGISTERED[0]
        return regions.setdefault(code, {
            "code": code, "name": name or (UNREGISTERED[1] if not code else code),
            "agencies": 0, "failing": 0, "findings": 0, **dict.fromkeys(STATUSES, 0)})

    for c in comp:
        r = region(c["region_code"], c["region_name"])
        r["agencies"] += 1
        r[c["status"]] += 1
    failing: dict[str, set] = defaultdict(set)
    for f in rule_rows:
        r = region(f["region_code"], f["region_name"])
        r["findings"] += 1
        failing[r["code"]].add(f["report_id"])
    for code, reports in failing.items():
        regions[code]["failing"] = len(reports)
    return sorted(regions.values(), key=lambda r: (r["code"] == "", r["code"]))


def chart(regions: list[dict], width: int = 760) -> dict:
    """Bar geometry for the SVG: per region a stacked compliance bar and a failing-reports bar."""
    label_w, row_h, bar_w = 190, 34, width - 190 - 60
    scale = max([r["agencies"] for r in regions] + [r["failing"] for r in regions] + [1])
    rows = []
    for i, r in enumerate(regions):
        y, x, segments = 24 + i * row_h, label_w, []
        for status in STATUSES:
            w = bar_w * r[status] / scale
            if w:
                segments.append({"x": x, "w": w, "colour": COLOURS[status], "n": r[status],
                                 "status": STATUS_ZH[status]})
            x += w
        rows.append({"y": y, "name": r["name"], "segments": segments, "total": r["agencies"],
                     "end": x, "failing_w": bar_w * r["failing"] / scale,
                     "failing": r["failing"]})
    return {"width": width, "height": 30 + row_h * max(1, len(regions)), "rows": rows,
            "x0": label_w}


def _failing_reports(rule_rows: list[dict]) -> list[dict]:
    reports: dict[int, dict] = {}
    for f in rule_rows:
        # Long sums (rule 2 has 22 terms): show the cells that matter, count the zeros.
        cells = f["cells"]
        f["shown_cells"] = cells if len(cells) <= 6 else [
            c for c in cells if c["value"] or c["balancing_value"] is not None]
        f["hidden_zeros"] = len(cells) - len(f["shown_cells"])
        rep = reports.setdefault(f["report_id"], {
            "agency": f["agency"], "agency_id": f["agency_id"], "year": f["year"],
            "source": f["source"], "region_name": f["region_name"], "findings": []})
        rep["findings"].append(f)
    return sorted(reports.values(), key=lambda r: (-sum(f["severity"] == "error"
                                                        for f in r["findings"]),
                                                   r["agency"] or ""))


def _num(value) -> str:
    if value is None or value == "":
        return "空"
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def _href(url: str | None) -> str | None:
    return url if url and url.startswith(("http://", "https://")) else None
