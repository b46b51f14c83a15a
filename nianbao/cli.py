"""`nianbao` command line: one subcommand per job, each a thin layer over a library call."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from parsing import ParseError, parse_document
from parsing.model import Report

# Modules that add their own subcommands through `register(subparsers)`.
COMMAND_MODULES: list[str] = [
    "nianbao.browse.serve", "nianbao.crawl", "nianbao.registry", "nianbao.portal.cli",
    "monitor.commands",
]


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    return args.func(args) or 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nianbao",
        description="Crawl, parse and check 政府信息公开工作年度报告 (OGI annual reports).",
    )
    sub = parser.add_subparsers(metavar="COMMAND")

    p = sub.add_parser("parse", help="parse report files or loopback URLs and print them")
    p.add_argument("inputs", nargs="+", metavar="FILE_OR_URL")
    p.add_argument("--json", action="store_true", help="one JSON object per input (the contract)")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("reparse", help="re-parse every stored page with the current parser")
    p.add_argument("--db", type=Path, default=None)
    p.set_defaults(func=cmd_reparse)

    p = sub.add_parser("demo", help="run the main job on the bundled samples and print a summary")
    p.add_argument("--db", type=Path, default=None)
    p.set_defaults(func=cmd_demo)

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def read_input(source: str) -> tuple[bytes, str | None]:
    """Read a file, or fetch a URL — only on loopback: nianbao never reaches out on its own here."""
    if source.startswith(("http://", "https://")):
        host = urlparse(source).hostname or ""
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit(f"nianbao parse: refusing non-loopback URL {source}; crawl it instead")
        with urllib.request.urlopen(source, timeout=30) as resp:  # noqa: S310 (loopback only)
            return resp.read(), resp.headers.get("Content-Type")
    return Path(source).read_bytes(), None


def cmd_parse(args: argparse.Namespace) -> int:
    failures = 0
    for source in args.inputs:
        try:
            body, ctype = read_input(source)
            report = parse_document(body, source, ctype)
        except (OSError, ParseError) as exc:
            failures += 1
            if args.json:
                print(json.dumps({"source": source, "error": str(exc)}, ensure_ascii=False))
            else:
                print(f"{source}: error: {exc}", file=sys.stderr)
            continue
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False))
        else:
            print(format_report(report))
    return 1 if failures else 0


def format_report(report: Report) -> str:
    """Tables as a person reads them: one line per row, blanks shown as '—'."""
    lines = [
        f"{report.source}",
        f"  agency: {report.agency}   year: {report.year}   published: {report.published}"
        f"   template: {report.template}",
        f"  sections: {', '.join(report.sections) or '—'}",
    ]
    for name in ("table2", "table3", "table4"):
        table = report.table(name)
        lines.append(f"  {name}:")
        if not table:
            lines.append("    (not found)")
        width = max((len(r) for r in table), default=0)
        for row, cols in table.items():
            cells = "  ".join(
                f"{c}={'—' if cell.value is None else cell.raw}" for c, cell in cols.items()
            )
            lines.append(f"    {row:<{width}}  {cells}")
    for warning in report.warnings:
        lines.append(f"  warning: {warning}")
    return "\n".join(lines)


def cmd_reparse(args: argparse.Namespace) -> int:
    from nianbao.store import DEFAULT_DB, Store

    store = Store(args.db or DEFAULT_DB)
    counts = store.reparse()
    print(" · ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "no stored pages")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from nianbao.demo import run_demo
    from nianbao.store import DEFAULT_DB

    return run_demo(args.db or DEFAULT_DB)


if __name__ == "__main__":
    sys.exit(main())
