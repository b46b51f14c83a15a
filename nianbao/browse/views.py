"""Readable views for people browsing the store: Chinese column labels, regions, links.

The store's own views (`table3_wide`, `table4_wide`) use canonical keys for the monitor and for
code. A person reading Table 3 wants the form's wording, so these views label each column in
Chinese and keep one row per current report. `问题清单` joins each finding to its report and source
URL; it is created only once the monitor's `findings` table exists (re-run `ensure_views`).
"""

from __future__ import annotations

import sqlite_utils

from parsing.model import APPLICANT_COLUMNS, TABLE3_COLUMNS, TABLE4_COLUMNS, TABLE4_GROUPS

# Short labels for Table 3 rows: the form's words, cut to what tells the rows apart.
TABLE3_SHORT: dict[str, str] = {
    "new_received": "本年新收申请",
    "carried_over": "上年结转",
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "denied_state_secret": "不予公开·国家秘密",
    "denied_law": "不予公开·法律行政法规禁止",
    "denied_security": "不予公开·三安全一稳定",
    "denied_third_party": "不予公开·第三方合法权益",
    "denied_internal": "不予公开·内部事务信息",
    "denied_process": "不予公开·过程性信息",
    "denied_enforcement_file": "不予公开·行政执法案卷",
    "denied_query": "不予公开·行政查询事项",
    "unavailable_not_held": "无法提供·本机关不掌握",
    "unavailable_needs_creation": "无法提供·需另行制作",
    "unavailable_unclear": "无法提供·补正后仍不明确",
    "rejected_petition": "不予处理·信访举报投诉",
    "rejected_duplicate": "不予处理·重复申请",
    "rejected_publication": "不予处理·要求提供公开出版物",
    "rejected_excessive": "不予处理·无正当理由大量反复申请",
    "rejected_confirmation": "不予处理·要求确认或重新出具",
    "other_no_correction": "其他处理·逾期不补正",
    "other_no_fee": "其他处理·逾期未缴费",
    "other_misc": "其他处理·其他",
    "other": "其他处理",
    "total_handled": "办理结果总计",
    "carried_forward": "结转下年度继续办理",
}

TABLE3_VIEW = "表3_申请情况"
TABLE4_VIEW = "表4_复议诉讼"
REPORTS_VIEW = "报告一览"
FINDINGS_VIEW = "问题清单"
VIEWS = (TABLE3_VIEW, TABLE4_VIEW, REPORTS_VIEW, FINDINGS_VIEW)

# Columns every per-report view starts with (region from the registry, when the agency is known).
_REPORT_COLUMNS = """r.id as report_id,
  coalesce(a.name, r.agency) as 机关,
  a.region_name as 地区,
  r.year as 年度,
  r.template as 模板,
  r.parse_status as 解析状态,
  r.source as 来源"""
_REPORT_FROM = "from reports r left join agencies a on a.id = r.agency_id"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _pivot(table: str, pairs: list[tuple[str, str, str]]) -> str:
    """``(row_key, col_key, label)`` → one column per cell of ``table`` for each current report."""
    cols = ",\n  ".join(
        f"(select c.value from cells c where c.report_id = r.id and c.table_name = '{table}' "
        f"and c.row_key = '{row}' and c.col_key = '{col}') as {_quote(label)}"
        for row, col, label in pairs
    )
    return (
        f"select {_REPORT_COLUMNS},\n  {cols}\n{_REPORT_FROM}\nwhere r.is_current = 1 and exists "
        f"(select 1 from cells c where c.report_id = r.id and c.table_name = '{table}')"
    )


def table3_sql() -> str:
    """总计 of every Table 3 row, then 本年新收申请 split by applicant kind."""
    pairs = [(row, "total", label) for row, label in TABLE3_SHORT.items()]
    pairs += [
        ("new_received", col, f"本年新收申请·{TABLE3_COLUMNS[col]}") for col in APPLICANT_COLUMNS
    ]
    return _pivot("table3", pairs)


def table4_sql() -> str:
    pairs = [
        (group, col, f"{glabel.replace(' ', '·')}·{clabel}")
        for group, glabel in TABLE4_GROUPS.items()
        for col, clabel in TABLE4_COLUMNS.items()
    ]
    return _pivot("table4", pairs)


def reports_sql() -> str:
    return f"""select r.id, r.agency_id, coalesce(a.name, r.agency) as agency,
  a.region_code, a.region_name, a.level, a.kind, r.year, r.title, r.published,
  r.published_source, r.template, r.parse_status, r.parse_error, r.version, r.source
{_REPORT_FROM}
where r.is_current = 1"""


def findings_sql(db: sqlite_utils.Database) -> str:
    """Each finding beside its report's title and source URL (and its review, when reviewed)."""
    base = "findings_current" if "findings_current" in db.view_names() else "findings"
    review = "f.verdict, f.review_comment," if base == "findings_current" else ""
    return f"""select f.id, f.rule_id, f.severity, f.status, {review}
  f.agency_id, f.agency, f.region_code, f.region_name, f.year, f.title, f.detail,
  f.expected, f.actual, f.scope, f.report_id, r.title as report_title, r.source as source_url,
  f.first_seen_at, f.last_seen_at, f.resolved_at
from {base} f left join reports r on r.id = f.report_id"""


def ensure_views(db: sqlite_utils.Database) -> list[str]:
    """Create (or replace) the browsing views that the database can hold now; return their names."""
    created = []
    for name, sql in ((TABLE3_VIEW, table3_sql()), (TABLE4_VIEW, table4_sql()),
                      (REPORTS_VIEW, reports_sql())):
        db.create_view(name, sql, replace=True)
        created.append(name)
    if "findings" in db.table_names():
        db.create_view(FINDINGS_VIEW, findings_sql(db), replace=True)
        created.append(FINDINGS_VIEW)
    return created
