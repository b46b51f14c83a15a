"""Findings as CSV, JSON and Excel — the last is what OGI offices pass around."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

import sqlite_utils
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

COLUMNS = (
    "id", "status", "severity", "origin", "rule_id", "region_code", "region_name", "agency_id",
    "agency", "year", "report_id", "source", "scope", "title", "detail", "expected", "actual",
    "cells", "first_seen_at", "last_seen_at", "resolved_at", "verdict", "review_comment",
    "reviewer", "reviewed_at",
)
HEADERS_ZH = {
    "id": "编号", "status": "状态", "severity": "级别", "origin": "来源", "rule_id": "规则",
    "region_code": "区划代码", "region_name": "地区", "agency_id": "机关编号", "agency": "机关",
    "year": "年度", "report_id": "报告编号", "source": "网址", "scope": "范围", "title": "问题",
    "detail": "说明", "expected": "应为", "actual": "实际", "cells": "涉及单元格",
    "first_seen_at": "首次发现", "last_seen_at": "最近发现", "resolved_at": "解决时间",
    "verdict": "复核结论", "review_comment": "复核意见", "reviewer": "复核人",
    "reviewed_at": "复核时间",
}
_SHEET_UNSAFE = ("=", "+", "-", "@")
WIDTHS = {"agency": 28, "region_name": 18, "title": 44, "detail": 50, "cells": 60,
          "source": 40, "review_comment": 30}


def finding_rows(db: sqlite_utils.Database, status: str | None = None,
                 ids: Iterable[str] | None = None) -> list[dict]:
    sql, args = "select * from findings_current where 1=1", []
    if status:
        sql, args = sql + " and status = ?", [status]
    rows = list(db.query(sql + " order by region_code, agency_id, year, rule_id, scope", args))
    if ids is not None:
        wanted = set(ids)
        rows = [r for r in rows if r["id"] in wanted]
    for row in rows:
        row["cells"] = json.loads(row["cells"] or "[]")
    return rows


def write_json(rows: list[dict], path: Path) -> Path:
    data = [{c: row.get(c) for c in COLUMNS} for row in rows]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def write_csv(rows: list[dict], path: Path) -> Path:
    # utf-8-sig: Excel on Chinese Windows opens it without mojibake.
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: _flat(row, c) for c in COLUMNS})
    return path


def write_xlsx(rows: list[dict], path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "findings"
    ws.append([HEADERS_ZH[c] for c in COLUMNS])
    ws.append(list(COLUMNS))
    for cell in ws[1] + ws[2]:
        cell.font = Font(bold=True)
    red = PatternFill("solid", fgColor="FDE2E1")
    for row in rows:
        ws.append([_sheet_safe(_flat(row, c)) for c in COLUMNS])
        if row.get("severity") == "error" and row.get("status") == "open":
            for cell in ws[ws.max_row]:
                cell.fill = red
    for i, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = WIDTHS.get(column, 12)
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{ws.cell(2, len(COLUMNS)).column_letter}{ws.max_row}"
    wb.save(path)
    return path


def _flat(row: dict, column: str):
    value = row.get(column)
    if column == "cells":
        return "; ".join(
            f"{c.get('label')}={c.get('raw') if c.get('raw') not in (None, '') else '空'}"
            + (f"→{c['balancing_value']:g}" if c.get("balancing_value") is not None else "")
            for c in value or ())
    return value


def _sheet_safe(value):
    """Scraped text that starts like a formula must not run as one in a spreadsheet."""
    if isinstance(value, str) and value.startswith(_SHEET_UNSAFE):
        return "'" + value
    return value
