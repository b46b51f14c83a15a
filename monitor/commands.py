"""`nianbao check`, `nianbao findings …` and `nianbao monitor`: thin layers over monitor/."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path

from monitor.config import load_config


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="run every rule and the deadlines once; write the alerts")
    p.add_argument("--db", type=Path, default=None)
    p.add_argument("--year", type=int, default=None,
                   help="report year (rules: that year; deadlines: default last year)")
    p.add_argument("--out", type=Path, default=None, help="directory for the alert files")
    p.add_argument("--config", default=None, help="monitor.yml (deadlines, targets, schedules)")
    p.add_argument("--rules", action="append", default=[], metavar="FILE",
                   help="extra rules file (repeatable); same id replaces a built-in rule")
    p.add_argument("--as-of", type=dt.date.fromisoformat, default=None,
                   help="judge deadlines as of this date (default today)")
    p.add_argument("--notify", action="store_true",
                   help="send the new findings to the configured targets")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("findings", help="list, review and export findings")
    fsub = p.add_subparsers(metavar="ACTION")
    m = fsub.add_parser("mark", help="record a verdict on a finding")
    m.add_argument("id")
    m.add_argument("verdict", choices=("confirmed", "dismissed"))
    m.add_argument("--comment", default="")
    m.add_argument("--reviewer", default=None)
    m.set_defaults(func=cmd_mark)
    ls = fsub.add_parser("list", help="print findings")
    ls.add_argument("--status", default="open", choices=("open", "resolved", "all"))
    ls.set_defaults(func=cmd_list)
    ex = fsub.add_parser("export", help="write findings as xlsx, csv and/or json")
    ex.add_argument("--status", default="open", choices=("open", "resolved", "all"))
    ex.add_argument("--xlsx", type=Path)
    ex.add_argument("--csv", type=Path)
    ex.add_argument("--json", type=Path)
    ex.set_defaults(func=cmd_export)
    for action in (m, ls, ex):
        action.add_argument("--db", type=Path, default=None)

    p = sub.add_parser("monitor", help="long-running: recrawl on schedules, check, notify")
    p.add_argument("--config", required=True)
    p.add_argument("--db", type=Path, default=None)
    p.set_defaults(func=cmd_monitor)


def _store(db: Path | None, config_db: str | None = None):
    from nianbao.store import DEFAULT_DB, Store

    return Store(db or config_db or DEFAULT_DB)


def describe_outcome(store, outcome, ruleset_version: str) -> str:
    """What one check found, as the CLI and the demo print it."""
    c = outcome.counts
    statuses = dict(store.db.execute(
        "select status, count(*) from compliance where year = ? group by status", [outcome.year]
    ).fetchall())
    lines = [
        f"check #{outcome.run_id} ({outcome.year}年度, as of {outcome.as_of}, rules "
        f"{ruleset_version}): {c['pass']} pass · {c['fail']} fail · {c['skipped']} skipped · "
        f"{len(outcome.open)} open findings ({len(outcome.new)} new, "
        f"{len(outcome.resolved)} resolved)",
        "  compliance: " + (" · ".join(f"{n} {s}" for s, n in sorted(statuses.items())) or "—"),
    ]
    lines += [f"  {kind}: {path}" for kind, path in outcome.files.items()]
    return "\n".join(lines)


def cmd_check(args: argparse.Namespace) -> int:
    from monitor.check import run_check
    from monitor.export import finding_rows
    from monitor.notify import deliver_pending, new_findings_message, queue
    from monitor.rules import RuleError, load_rules

    config = load_config(args.config)
    try:
        rules = load_rules(*config.rules, *args.rules)
    except (RuleError, OSError) as exc:
        print(f"nianbao check: {exc}", file=sys.stderr)
        return 2
    store = _store(args.db, config.db)
    out = args.out or Path(config.out)
    outcome = run_check(store, config, rules=rules, year=args.year, as_of=args.as_of,
                        out_dir=out)
    print(describe_outcome(store, outcome, rules.version))
    if args.notify and config.notify_targets:
        message = new_findings_message(finding_rows(store.db, ids=outcome.new), outcome.run_id,
                                       outcome.year, str(outcome.files["html"]))
        if message:
            queue(store.db, config.notify_targets, message)
        sent = deliver_pending(store.db, config.notify_targets, config.notify_retries,
                               config.notify_backoff)
        print(f"  notifications: {sent['sent']} sent, {sent['failed']} failed (see outbox)")
    return 0


def cmd_mark(args: argparse.Namespace) -> int:
    from monitor.review import ReviewError, mark

    try:
        row = mark(_store(args.db).db, args.id, args.verdict, args.comment, args.reviewer)
    except ReviewError as exc:
        print(f"nianbao findings mark: {exc}", file=sys.stderr)
        return 1
    print(f"{row['finding_id']}: {row['verdict']} by {row['reviewer']}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from monitor.export import finding_rows
    from monitor.results import ensure_schema

    store = _store(args.db)
    ensure_schema(store.db)
    for f in finding_rows(store.db, None if args.status == "all" else args.status):
        review = f" [{f['verdict']}]" if f["verdict"] else ""
        who = f["agency"] or f["agency_id"] or f["source"] or ""
        print(f"{f['id']}  {f['status']:<8} {f['severity']:<7} {who} {f['year'] or ''}  "
              f"{f['title']}{review}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from monitor.export import finding_rows, write_csv, write_json, write_xlsx
    from monitor.results import ensure_schema

    if not (args.xlsx or args.csv or args.json):
        print("nianbao findings export: give --xlsx, --csv and/or --json", file=sys.stderr)
        return 2
    store = _store(args.db)
    ensure_schema(store.db)
    rows = finding_rows(store.db, None if args.status == "all" else args.status)
    for path, write in ((args.xlsx, write_xlsx), (args.csv, write_csv), (args.json, write_json)):
        if path:
            write(rows, path)
            print(f"{len(rows)} findings → {path}")
    return 0


def cmd_monitor(args: argparse.Namespace) -> int:
    from monitor.scheduler import run_monitor
    from nianbao.store import DEFAULT_DB

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config = load_config(args.config)
    return run_monitor(args.config, Path(args.db or config.db or DEFAULT_DB))
