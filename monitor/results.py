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
                    'row:granted', 'group:review'), agency_id, agency, region_code, year, template,
                    severity (error / warning), status (pass / fail / skipped), expected, actual,
                    difference (actual − expected), reason (why it failed or was skipped),
                    cells (JSON list of the cells involved), ruleset_version, run_id, checked_at.
                    pk (report_id, rule_id, scope).
  rule_result_cells the cells behind each result, one per row, for highlighting and faceting:
                    report_id, rule_id, scope, cell_report_id (the other year's report for
                    cross-year rules), side ('lhs' / 'rhs' / 'cell'), table_name, row_key, col_key,
                    value, raw. pk (report_id, rule_id, scope, cell_report_id, side, table_name,
                    row_key, col_key).
  compliance        one row per (agency, year): agency_id, year, agency, region_code,
                    region_name, level, kind, deadline, deadline_source ('statutory' or the
                    override that applied), status (published / late / missing / pending),
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
