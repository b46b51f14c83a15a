"""The SQLite store: raw pages (never lost) → reports → cells and sections.

This module is the only place that knows table names. Every write is an idempotent upsert inside
one transaction, so a rerun or a resumed crawl leaves the database as an uninterrupted run would.

Tables
  agencies  the registry (id, name, region_code, region_name, level, kind, parent, portal_url, …)
  pages     every fetched document: url, fetched_at, http_status, content_type, sha256, body (raw
            bytes). One row per (url, sha256): a page whose content changed is a new row.
  reports   one per page version: agency, year, published date (and whether it came from the page,
            the column's list or first_seen), template era, parse status, parser version, warnings.
  cells     long form: report_id, table_name, row_key, col_key, value, raw, unit.
  sections  the six sections' text, searchable.
  crawls    one row per (crawl run, agency): ok, items listed, reports found, error.
  listings  each report item as its column listed it (title, year, date), first and last seen.
Views
  current_reports  the latest version of each source URL
  table3_wide / table4_wide  one row per report, a column per cell
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from nianbao import search
from parsing import PARSER_VERSION, parse_document
from parsing.model import (
    TABLE3_COLUMNS,
    TABLE3_ROWS,
    TABLE4_COLUMNS,
    TABLE4_GROUPS,
    ParseError,
    Report,
)

DEFAULT_DB = Path(os.environ.get("NIANBAO_DB", "data/nianbao.db"))

AGENCY_FIELDS = (
    "id", "name", "region_code", "region_name", "level", "kind", "parent", "portal_url",
    "column_urls", "cms", "options",
)


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class Stored:
    """What storing one document did: its page row, its report row, and how parsing went."""

    page_id: int
    report_id: int
    status: str  # ok / warning / error
    error: str | None = None


class Store:
    def __init__(self, db: str | Path | sqlite_utils.Database = DEFAULT_DB):
        if isinstance(db, sqlite_utils.Database):
            self.db = db
        else:
            Path(db).parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite_utils.Database(db)
            # WAL lets Datasette and the monitor read while a crawl writes; with WAL,
            # synchronous=NORMAL stays consistent after a crash and skips an fsync per commit.
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.ensure_schema()

    # -- schema -------------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        db = self.db
        if "agencies" not in db.table_names():
            db["agencies"].create(
                {f: str for f in AGENCY_FIELDS}, pk="id", not_null={"name"},
            )
        if "pages" not in db.table_names():
            db["pages"].create(
                {
                    "id": int, "url": str, "sha256": str, "fetched_at": str,
                    "http_status": int, "content_type": str, "headers": str,
                    "agency_id": str, "referer": str, "size": int, "body": bytes,
                },
                pk="id", foreign_keys=[("agency_id", "agencies", "id")],
            )
            db["pages"].create_index(["url", "sha256"], unique=True)
            db["pages"].create_index(["agency_id"])
        if "reports" not in db.table_names():
            db["reports"].create(
                {
                    "id": int, "page_id": int, "source": str, "version": int, "is_current": int,
                    "agency_id": str, "agency": str, "year": int, "title": str,
                    "published": str, "published_source": str, "first_seen": str,
                    "template": str, "parse_status": str, "parse_error": str,
                    "parser_version": str, "warnings": str, "parsed_at": str,
                },
                pk="id",
                foreign_keys=[("page_id", "pages", "id"), ("agency_id", "agencies", "id")],
            )
            for cols in (["agency_id", "year"], ["year"], ["source"], ["parse_status"]):
                db["reports"].create_index(cols)
        if "cells" not in db.table_names():
            db["cells"].create(
                {
                    "report_id": int, "table_name": str, "row_key": str, "col_key": str,
                    "value": float, "raw": str, "unit": str,
                },
                pk=("report_id", "table_name", "row_key", "col_key"),
                foreign_keys=[("report_id", "reports", "id")],
            )
        if "sections" not in db.table_names():
            db["sections"].create(
                {"report_id": int, "key": str, "text": str},
                pk=("report_id", "key"), foreign_keys=[("report_id", "reports", "id")],
            )
        search.enable(db)  # Chinese full-text search of sections.text and reports.title
        self._ensure_crawl_tables()
        self._create_views()

    def _ensure_crawl_tables(self) -> None:
        """What each crawl did (for crawl health) and what each column listed (the crawler's view).

        `crawls` is one row per (run, agency): the monitor reads consecutive failures and a column
        that suddenly lists nothing from it. `listings` keeps each report item as its column listed
        it — title, the year and date the list stated — which the parser cannot see in the body.
        """
        db = self.db
        if "crawls" not in db.table_names():
            db["crawls"].create(
                {
                    "run_id": str, "agency_id": str, "started_at": str, "finished_at": str,
                    "ok": int, "listed": int, "reports": int, "error": str,
                },
                pk=("run_id", "agency_id"),
            )
            db["crawls"].create_index(["agency_id", "started_at"])
        if "listings" not in db.table_names():
            db["listings"].create(
                {
                    "url": str, "agency_id": str, "title": str, "year": int, "listed_date": str,
                    "list_url": str, "first_seen": str, "last_seen": str,
                },
                pk="url",
            )
            db["listings"].create_index(["agency_id", "year"])

    def _create_views(self) -> None:
        db = self.db
        db.create_view(
            "current_reports",
            "select * from reports where is_current = 1",
            replace=True,
        )
        db.create_view("table3_wide", _wide_view_sql("table3", TABLE3_ROWS, TABLE3_COLUMNS),
                       replace=True)
        db.create_view("table4_wide", _wide_view_sql("table4", TABLE4_GROUPS, TABLE4_COLUMNS),
                       replace=True)

    # -- agencies -----------------------------------------------------------------------------
    def upsert_agencies(self, rows: Iterable[dict]) -> int:
        records = []
        for row in rows:
            record = {f: row.get(f) for f in AGENCY_FIELDS}
            for f in ("column_urls", "options"):
                if not isinstance(record[f], str | None):
                    record[f] = json.dumps(record[f], ensure_ascii=False)
            records.append(record)
        with self.db.conn:
            self.db["agencies"].upsert_all(records, pk="id")
        return len(records)

    # -- pages and reports --------------------------------------------------------------------
    def save_page(
        self,
        url: str,
        body: bytes,
        *,
        content_type: str | None = None,
        http_status: int = 200,
        fetched_at: str | None = None,
        agency_id: str | None = None,
        headers: dict | None = None,
        referer: str | None = None,
    ) -> int:
        """Store raw bytes once per (url, sha256); return the page id. Refetching is a no-op."""
        sha = hashlib.sha256(body).hexdigest()
        existing = self._page_id(url, sha)
        if existing is not None:
            return existing
        with self.db.conn:
            table = self.db["pages"].insert(
                {
                    "url": url, "sha256": sha, "fetched_at": fetched_at or now_iso(),
                    "http_status": http_status, "content_type": content_type,
                    "headers": json.dumps(headers, ensure_ascii=False) if headers else None,
                    "agency_id": agency_id, "referer": referer, "size": len(body), "body": body,
                },
            )
        return table.last_pk

    def store_document(
        self, url: str, body: bytes, *, content_type: str | None = None, **page_fields
    ) -> Stored:
        """Save the raw page, then parse it and save the report — even when parsing fails."""
        page_id = self.save_page(url, body, content_type=content_type, **page_fields)
        return self.parse_page(page_id)

    def parse_page(self, page_id: int) -> Stored:
        """(Re)parse one stored page with the current parser and replace its report rows."""
        page = self.db["pages"].get(page_id)
        try:
            report = parse_document(page["body"], page["url"], page["content_type"])
            error = None
        except ParseError as exc:
            report, error = None, str(exc)
        return self._save_report(page, report, error)

    def reparse(self) -> dict[str, int]:
        """Re-parse every stored page without fetching anything. Returns counts by status."""
        counts: dict[str, int] = {}
        for (page_id,) in self.db.execute("select id from pages order by id").fetchall():
            stored = self.parse_page(page_id)
            counts[stored.status] = counts.get(stored.status, 0) + 1
        return counts

    def _page_id(self, url: str, sha: str) -> int | None:
        row = self.db.execute(
            "select id from pages where url = ? and sha256 = ?", [url, sha]
        ).fetchone()
        return row[0] if row else None

    def _save_report(self, page: dict, report: Report | None, error: str | None) -> Stored:
        url = page["url"]
        versions = [
            r[0] for r in self.db.execute(
                "select id from pages where url = ? order by fetched_at, id", [url]
            ).fetchall()
        ]
        version = versions.index(page["id"]) + 1
        is_current = int(page["id"] == versions[-1])
        first_seen = self.db.execute(
            "select min(fetched_at) from pages where url = ?", [url]
        ).fetchone()[0]
        if report is None:
            status = "error"
        else:
            status = "warning" if report.warnings else "ok"
        published = report.published if report else None
        record = {
            "id": page["id"], "page_id": page["id"], "source": url, "version": version,
            "is_current": is_current, "agency_id": page["agency_id"],
            "agency": report.agency if report else None,
            "year": report.year if report else None,
            "title": report.title if report else None,
            "published": published or first_seen[:10],
            "published_source": "page" if published else "first_seen",
            "first_seen": first_seen,
            "template": report.template if report else None,
            "parse_status": status, "parse_error": error, "parser_version": PARSER_VERSION,
            "warnings": json.dumps(report.warnings if report else [], ensure_ascii=False),
            "parsed_at": now_iso(),
        }
        self._fill_from_listing(record, page)
        report_id = page["id"]
        # atomic(), not `with conn`: sqlite-utils commits its own upsert when no transaction is
        # open yet, and a crawl killed then would leave a report row without its cells.
        with self.db.atomic():
            self.db["reports"].upsert(record, pk="id")
            self.db.execute("update reports set is_current = 0 where source = ? and id != ?",
                            [url, versions[-1]])
            self.db.execute("delete from cells where report_id = ?", [report_id])
            self.db.execute("delete from sections where report_id = ?", [report_id])
            if report is not None:
                # A prepared executemany, not insert_all: ~180 cells a report, and sqlite-utils'
                # per-value type handling was a third of the crawl's store time.
                self.db.conn.executemany(
                    "insert into cells (report_id, table_name, row_key, col_key, value, raw, unit)"
                    " values (?, ?, ?, ?, ?, ?, ?)",
                    [(report_id, t, r, c, cell.value, cell.raw, cell.unit)
                     for t, r, c, cell in report.iter_cells()],
                )
                self.db["sections"].insert_all(
                    ({"report_id": report_id, "key": k, "text": v}
                     for k, v in report.sections.items()),
                    pk=("report_id", "key"),
                )
        return Stored(page["id"], report_id, status, error)

    def _fill_from_listing(self, record: dict, page: dict) -> None:
        """What the parser could not read, take from the column that listed the page.

        The list title names the year (“XX2019年报”) and the list states the publication date;
        an attachment inherits both from the article that linked it (its referer). The date
        then counts as published_source 'list', which beats first_seen for the deadline rule.
        """
        row = self.db.execute(
            "select year, listed_date from listings where url in (?, ?) order by url = ? desc",
            [page["url"], page.get("referer") or "", page["url"]],
        ).fetchone()
        if row is None:
            return
        if record["year"] is None:
            record["year"] = row[0]
        if record["published_source"] == "first_seen" and row[1]:
            record["published"], record["published_source"] = row[1], "list"

    def stored_status(self, url: str, body: bytes) -> str | None:
        """How these exact bytes of this URL are stored: None (not at all), 'raw' (a page with
        no report row — kept raw, or a crawl killed between saving and parsing) or the report's
        parse status. Lets a recrawl skip what is done and finish what is not."""
        page_id = self._page_id(url, hashlib.sha256(body).hexdigest())
        if page_id is None:
            return None
        row = self.db.execute("select parse_status from reports where page_id = ?",
                              [page_id]).fetchone()
        return row[0] if row else "raw"

    # -- crawls -------------------------------------------------------------------------------
    def record_crawl(
        self, run_id: str, agency_id: str, *, started_at: str, finished_at: str, ok: bool,
        listed: int, reports: int, error: str | None = None,
    ) -> None:
        """One agency's outcome in one crawl run (idempotent per run and agency)."""
        with self.db.conn:
            self.db["crawls"].upsert(
                {"run_id": run_id, "agency_id": agency_id, "started_at": started_at,
                 "finished_at": finished_at, "ok": int(ok), "listed": listed,
                 "reports": reports, "error": error},
                pk=("run_id", "agency_id"),
            )

    def record_listing(
        self, url: str, *, agency_id: str | None, title: str | None, year: int | None,
        listed_date: str | None, list_url: str | None, seen_at: str | None = None,
    ) -> None:
        """Remember a report item as the column listed it; keeps when it was first seen."""
        seen = seen_at or now_iso()
        row = self.db.execute("select first_seen from listings where url = ?", [url]).fetchone()
        with self.db.conn:
            self.db["listings"].upsert(
                {"url": url, "agency_id": agency_id, "title": title, "year": year,
                 "listed_date": listed_date, "list_url": list_url,
                 "first_seen": row[0] if row else seen, "last_seen": seen},
                pk="url",
            )

    # -- reading ------------------------------------------------------------------------------
    def summary(self) -> dict[str, int]:
        db = self.db
        one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "agencies": one("select count(*) from agencies"),
            "pages": one("select count(*) from pages"),
            "reports": one("select count(*) from current_reports"),
            "parse_failures": one(
                "select count(*) from current_reports where parse_status = 'error'"
            ),
            "warnings": one("select count(*) from current_reports where parse_status = 'warning'"),
        }

    def iter_pages(self) -> Iterator[dict]:
        yield from self.db.query("select * from pages order by id")


def _wide_view_sql(table: str, rows: dict[str, str], cols: dict[str, str]) -> str:
    """A pivot of the long `cells` table: one row per report, one column per (row, col)."""
    pivots = ",\n  ".join(
        f"max(case when c.row_key = '{r}' and c.col_key = '{c}' then c.value end) as {r}__{c}"
        for r in rows
        for c in cols
    )
    return (
        "select r.id as report_id, r.agency_id, r.agency, r.year, r.template, r.source,\n  "
        f"{pivots}\nfrom reports r join cells c on c.report_id = r.id and c.table_name = '{table}'"
        "\nwhere r.is_current = 1 group by r.id"
    )
