"""The store keeps every page raw, records parse failures, and is idempotent."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from nianbao.store import Store

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "data" / "samples" / "html" / "004_41ed45ffcc2fcd2e.html"
SEED = ROOT / "data" / "samples" / "seeds" / "001_f50a9f7ac473722a.txt"
JUNK = ("<html><head><title>网站维护中</title></head>"
        "<body><p>系统升级，请稍后访问。</p></body></html>")


def snapshot(db: sqlite_utils.Database) -> dict[str, list]:
    """Every row of every table; reports without parsed_at, the one field a reparse refreshes.
    Full-text index shadow tables are left out: re-inserting the same sections renumbers their
    internal rowids without changing what a search finds."""
    out = {}
    for name in db.table_names():
        if "_fts" in name:
            continue
        rows = list(db.query(f"select * from [{name}] order by 1"))
        if name == "reports":
            rows = [{k: v for k, v in r.items() if k != "parsed_at"} for r in rows]
        out[name] = rows
    return out


def test_malformed_page_is_kept_raw_with_status_error(tmp_path):
    store = Store(tmp_path / "t.db")
    body = JUNK.encode("utf-8")
    stored = store.store_document("http://127.0.0.1/junk.html", body, content_type="text/html")
    assert stored.status == "error"
    assert "no recognisable annual report" in stored.error
    page = store.db["pages"].get(stored.page_id)
    assert page["body"] == body
    report = store.db["reports"].get(stored.report_id)
    assert report["parse_status"] == "error"
    assert report["parse_error"] == stored.error
    assert store.db.execute("select count(*) from cells").fetchone()[0] == 0
    assert store.summary()["parse_failures"] == 1


def test_storing_the_same_report_twice_changes_nothing():
    store = Store(sqlite_utils.Database(memory=True))
    first = store.store_document("http://127.0.0.1/r.html", PAGE.read_bytes(),
                                 content_type="text/html")
    store.store_document("http://127.0.0.1/s.txt", SEED.read_bytes(), content_type="text/plain")
    before = snapshot(store.db)
    again = store.store_document("http://127.0.0.1/r.html", PAGE.read_bytes(),
                                 content_type="text/html")
    assert again == first
    assert snapshot(store.db) == before
    assert store.summary()["reports"] == 2


def test_stored_cells_keep_value_raw_and_unit():
    store = Store(sqlite_utils.Database(memory=True))
    stored = store.store_document("http://127.0.0.1/r.html", PAGE.read_bytes(),
                                  content_type="text/html")
    assert stored.status == "warning"  # the mixed-era template is a warning
    cell = store.db.execute(
        "select value, raw, unit from cells where report_id = ? and table_name = 'table2' "
        "and row_key = 'procurement' and col_key = 'amount'", [stored.report_id]).fetchone()
    assert cell == (1887.214474, "1887.214474万元", "万元")
    report = store.db["reports"].get(stored.report_id)
    assert (report["agency"], report["year"], report["published"], report["template"]) == (
        "怀仁市行政审批服务管理局", 2023, "2024-01-15", "mixed")
    blank = store.db.execute(
        "select count(*) from cells where table_name = 'table3' and value is null").fetchone()[0]
    assert blank == 0
    seed = store.store_document("http://127.0.0.1/s.txt", SEED.read_bytes())
    blanks = store.db.execute(
        "select count(*) from cells where report_id = ? and value is null",
        [seed.report_id]).fetchone()[0]
    assert blanks == 135  # blanks are stored as null, not 0


def test_reparse_rebuilds_records_from_the_raw_pages_without_fetching(tmp_path):
    import subprocess
    import sys

    db_path = tmp_path / "t.db"
    store = Store(db_path)
    good = store.store_document("http://127.0.0.1/r.html", PAGE.read_bytes(),
                                content_type="text/html")
    store.store_document("http://127.0.0.1/junk.html", JUNK.encode("utf-8"),
                         content_type="text/html")
    expected = snapshot(store.db)
    # As an older parser would have left it: other version, cells and sections gone.
    with store.db.conn:
        store.db.execute("update reports set parser_version = '0'")
        store.db.execute("delete from cells")
        store.db.execute("delete from sections")
    store.db.conn.close()

    proc = subprocess.run([sys.executable, "-m", "nianbao.cli", "reparse", "--db", str(db_path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "error: 1 · warning: 1"
    after = Store(db_path)
    assert snapshot(after.db) == expected
    assert after.db["reports"].get(good.report_id)["parser_version"] != "0"
    assert after.db.execute("select count(*) from cells").fetchone()[0] > 150
