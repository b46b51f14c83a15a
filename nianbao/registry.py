"""The agency registry (data/agencies.csv or a YAML list): load, validate by line, import, list.

A registry is edited by hand, so one bad row must not stop the others: every row is checked on
its own, errors carry the file's line number and the reason, and the valid rows still load.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import yaml

DEFAULT_REGISTRY = Path(__file__).resolve().parent.parent / "data" / "agencies.csv"
FIELDS = ("id", "name", "region_code", "region_name", "level", "kind", "parent", "portal_url",
          "column_urls", "cms", "options")
LEVELS = ("province", "city", "county", "township")
KINDS = ("government", "department")
CMS_FAMILIES = ("trs", "hanweb", "jsonapi", "plain", "trs_dynamic")
# First two digits of a 行政区划代码: the provinces, Taiwan, Hong Kong and Macao.
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82".split()
)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class RegistryError:
    line: int
    agency_id: str
    reason: str

    def __str__(self) -> str:
        who = f" ({self.agency_id})" if self.agency_id else ""
        return f"line {self.line}{who}: {self.reason}"


def load_registry(
    path: str | Path, known_ids: set[str] | frozenset[str] = frozenset()
) -> tuple[list[dict], list[RegistryError]]:
    """Read a CSV or YAML registry → (valid agencies, errors). `known_ids`: parents already stored.

    Agencies come back with `column_urls` as a list and `options` as a dict.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in (".yml", ".yaml"):
        rows = _yaml_rows(text)
    else:
        rows = _csv_rows(text)
    return validate(rows, known_ids)


def _csv_rows(text: str) -> list[tuple[int, dict]]:
    reader = csv.DictReader(io.StringIO(text))
    rows = []
    for row in reader:
        # line_num is the line the row ends on (csv skips blank lines, so counting would drift)
        if any((v or "").strip() for v in row.values() if isinstance(v, str)):
            rows.append((reader.line_num, {k: v for k, v in row.items() if k is not None}))
    return rows


def _yaml_rows(text: str) -> list[tuple[int, dict]]:
    """Each mapping of the top-level list with the line it starts on."""
    node = yaml.compose(text)
    data = yaml.safe_load(text)
    if data is None:
        return []
    if isinstance(data, dict) and "agencies" in data:
        node = next(v for k, v in node.value if k.value == "agencies")
        data = data["agencies"]
    if not isinstance(data, list):
        return [(1, {"__error__": "a YAML registry is a list of agencies"})]
    return [
        (n.start_mark.line + 1, row if isinstance(row, dict) else {"__error__": "not a mapping"})
        for n, row in zip(node.value, data, strict=True)
    ]


def validate(
    rows: list[tuple[int, dict]], known_ids: set[str] | frozenset[str] = frozenset()
) -> tuple[list[dict], list[RegistryError]]:
    errors: list[RegistryError] = []
    checked: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    for line, raw in rows:
        agency, problems = _check_row(raw)
        aid = agency.get("id", "")
        if aid and aid in seen:
            problems.append(f"duplicate id (first on line {seen[aid]})")
        if problems:
            errors.extend(RegistryError(line, aid, p) for p in problems)
            continue
        seen[aid] = line
        checked.append((line, agency))
    valid_ids = set(seen) | set(known_ids)
    agencies = []
    for line, agency in checked:
        parent = agency["parent"]
        if parent and parent not in valid_ids:
            errors.append(RegistryError(line, agency["id"], f"unknown parent {parent!r}"))
        elif parent == agency["id"]:
            errors.append(RegistryError(line, agency["id"], "an agency cannot be its own parent"))
        else:
            agencies.append(agency)
    errors.sort(key=lambda e: e.line)
    return agencies, errors


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _check_row(raw: dict) -> tuple[dict, list[str]]:
    """Normalise one row and list what is wrong with it."""
    if "__error__" in raw:
        return {}, [raw["__error__"]]
    problems: list[str] = []
    row = {f: _text(raw.get(f)) for f in FIELDS if f not in ("column_urls", "options")}
    if not row["id"]:
        problems.append("missing id")
    elif not _ID.match(row["id"]):
        problems.append(f"bad id {row['id']!r} (letters, digits, '-', '_', '.')")
    if not row["name"]:
        problems.append("missing name")
    code = row["region_code"]
    if not re.fullmatch(r"\d{6}", code):
        problems.append(f"bad region code {code!r} (行政区划代码 is 6 digits)")
    elif code[:2] not in PROVINCE_PREFIXES:
        problems.append(f"bad region code {code!r} (no province {code[:2]})")
    if row["level"] not in LEVELS:
        problems.append(f"unknown level {row['level']!r} (one of {', '.join(LEVELS)})")
    if row["kind"] not in KINDS:
        problems.append(f"unknown kind {row['kind']!r} (one of {', '.join(KINDS)})")
    if row["cms"] and row["cms"] not in CMS_FAMILIES:
        problems.append(f"unknown cms {row['cms']!r} (one of {', '.join(CMS_FAMILIES)})")
    urls = raw.get("column_urls")
    columns = [str(u).strip() for u in urls] if isinstance(urls, list) \
        else [u for u in re.split(r"[\s;]+", _text(urls)) if u]
    for url in ([row["portal_url"]] if row["portal_url"] else []) + columns:
        if not _is_url(url):
            problems.append(f"bad URL {url!r}")
    if not columns and not row["portal_url"]:
        problems.append("no portal_url and no column_urls: nothing to crawl")
    options = raw.get("options")
    if isinstance(options, str) and options.strip():
        try:
            options = json.loads(options)
        except json.JSONDecodeError as exc:
            problems.append(f"options is not JSON ({exc.msg})")
            options = {}
    if options in (None, ""):
        options = {}
    if not isinstance(options, dict):
        problems.append("options must be a JSON object")
    row["column_urls"] = columns
    row["options"] = options
    return row, problems


def _is_url(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("http", "https") and bool(parsed.hostname) and " " not in url


def write_registry(rows: list[dict], path: str | Path) -> None:
    """Write registry rows as CSV (column_urls joined by spaces, options as JSON)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            out = {f: row.get(f) or "" for f in FIELDS}
            if isinstance(out["column_urls"], list):
                out["column_urls"] = " ".join(out["column_urls"])
            if isinstance(out["options"], dict):
                out["options"] = json.dumps(out["options"], ensure_ascii=False, sort_keys=True) \
                    if out["options"] else ""
            writer.writerow(out)


# -- command line -------------------------------------------------------------------------------

def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("agencies", help="import or list the agency registry")
    sub = p.add_subparsers(metavar="ACTION")
    imp = sub.add_parser("import", help="validate a CSV/YAML registry and load its valid rows")
    imp.add_argument("path", nargs="?", type=Path, default=DEFAULT_REGISTRY)
    imp.add_argument("--db", type=Path, default=None)
    imp.set_defaults(func=cmd_import)
    ls = sub.add_parser("list", help="list the agencies in the database (or in a registry file)")
    ls.add_argument("path", nargs="?", type=Path, default=None,
                    help="a CSV/YAML registry to list instead of the database")
    ls.add_argument("--db", type=Path, default=None)
    ls.set_defaults(func=cmd_list)
    p.set_defaults(func=lambda args: p.print_help() or 2)


def _store(db: Path | None):
    from nianbao.store import DEFAULT_DB, Store

    return Store(db or DEFAULT_DB)


def cmd_import(args: argparse.Namespace) -> int:
    store = _store(args.db)
    known = {r["id"] for r in store.db.query("select id from agencies")}
    agencies, errors = load_registry(args.path, known)
    for error in errors:
        print(f"{args.path}: {error}", file=sys.stderr)
    count = store.upsert_agencies(agencies)
    invalid = len({e.line for e in errors})
    print(f"imported {count} agencies from {args.path} · {invalid} invalid rows · "
          f"database: {store.db.conn.execute('pragma database_list').fetchone()[2]}")
    return 1 if errors else 0


def cmd_list(args: argparse.Namespace) -> int:
    if args.path is not None:
        rows, errors = load_registry(args.path)
        for error in errors:
            print(f"{args.path}: {error}", file=sys.stderr)
    else:
        rows = list(_store(args.db).db.query("select * from agencies order by id"))
    for row in rows:
        columns = row["column_urls"]
        if isinstance(columns, str):
            columns = json.loads(columns) if columns.startswith("[") else columns.split()
        print(f"{row['id']:<24} {row['level'] or '':<9} {row['kind'] or '':<11} "
              f"{row['cms'] or '-':<12} {len(columns or [])} col  {row['name']}")
    print(f"{len(rows)} agencies")
    return 0
