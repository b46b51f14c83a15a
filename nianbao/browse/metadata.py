"""Turn the kept metadata.yml into the metadata Datasette gets for one database file.

The YAML is written for a database called ``nianbao``; the served file may be named otherwise, so
its section is filed under the real name. Labels that parsing/model.py already knows (175 Table 3
cells, 15 Table 4 cells) are generated rather than copied by hand. Facets, sortable columns and
canned queries that refer to tables or columns the database lacks are dropped, so a store that has
not been checked yet (no monitor tables) still serves every page without an error.
"""

from __future__ import annotations

import copy
import sqlite3
from functools import cache
from pathlib import Path

import yaml

from nianbao import search
from parsing.model import TABLE3_COLUMNS, TABLE3_ROWS, TABLE4_COLUMNS, TABLE4_GROUPS

METADATA_FILE = Path(__file__).with_name("metadata.yml")
YAML_DB = "nianbao"


@cache
def kept_metadata() -> dict:
    return yaml.safe_load(METADATA_FILE.read_text(encoding="utf-8"))


def wide_column_labels() -> dict[str, dict[str, str]]:
    """Column descriptions of table3_wide / table4_wide: the form's label beside each key."""
    t3 = {f"{r}__{c}": f"{TABLE3_ROWS[r]} · {TABLE3_COLUMNS[c]}（件）"
          for r in TABLE3_ROWS for c in TABLE3_COLUMNS}
    t4 = {f"{g}__{c}": f"{TABLE4_GROUPS[g]} · {TABLE4_COLUMNS[c]}（件）"
          for g in TABLE4_GROUPS for c in TABLE4_COLUMNS}
    return {"table3_wide": t3, "table4_wide": t4}


def database_name(path: Path) -> str:
    """The name Datasette gives a file: its stem."""
    return Path(path).stem


def _schema(path: Path) -> dict[str, set[str]]:
    """Every table and view of the file with its columns, read-only."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    search.register(conn)  # pragma table_info opens the FTS tables too
    try:
        names = [r[0] for r in conn.execute(
            "select name from sqlite_master where type in ('table', 'view')")]
        return {n: {r[1] for r in conn.execute(f'pragma table_info("{n}")')} for n in names}
    finally:
        conn.close()


def render(path: Path) -> dict:
    """Datasette metadata for the database at ``path``, checked against what it holds now."""
    meta = copy.deepcopy(kept_metadata())
    schema = _schema(path)
    db_meta = meta["databases"].pop(YAML_DB)
    tables = db_meta.setdefault("tables", {})
    for table, labels in wide_column_labels().items():
        tables.setdefault(table, {}).setdefault("columns", {}).update(labels)
    for table, conf in tables.items():
        columns = schema.get(table)
        if columns is None:
            continue
        for key in ("facets", "sortable_columns"):
            if key in conf:
                conf[key] = [c for c in conf[key] if c in columns]
        if conf.get("sort_desc") not in (None, *columns):
            del conf["sort_desc"]
    queries = db_meta.setdefault("queries", {})
    for name, query in list(queries.items()):
        if not all(t in schema for t in query.pop("requires", [])):
            del queries[name]
    meta["databases"][database_name(path)] = db_meta
    return meta
