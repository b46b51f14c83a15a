"""The kept metadata against real databases: nothing in it refers to what is not there."""

from __future__ import annotations

import asyncio
import json
import re
from importlib.metadata import entry_points

import pytest
import sqlite_utils
import yaml
from datasette.utils import tilde_encode
from test_browse_support import build_db

from nianbao.browse import metadata, views
from nianbao.browse.serve import make_datasette, prepare
from nianbao.cli import main
from nianbao.store import Store


@pytest.fixture(scope="module")
def checked_db(tmp_path_factory):
    """The samples stored and checked by the monitor, prepared as `nianbao serve` does."""
    tmp = tmp_path_factory.mktemp("meta")
    path = build_db(tmp / "checked.db", tmp / "alerts")
    prepare(path)
    return path


def get(ds, path: str, **params):
    resp = asyncio.run(ds.client.get(path, params=params))
    assert resp.status_code == 200, (path, resp.status_code, resp.text[:300])
    return resp


def test_every_facet_column_and_query_exists_in_a_checked_store(checked_db):
    kept = yaml.safe_load(metadata.METADATA_FILE.read_text(encoding="utf-8"))
    kept_tables = kept["databases"]["nianbao"]["tables"]
    rendered = metadata.render(checked_db)["databases"]["checked"]
    db = sqlite_utils.Database(checked_db)
    names = set(db.table_names()) | set(db.view_names())
    for table, conf in kept_tables.items():
        if table not in names:
            assert table in {"outbox", "monitor_job_runs", "apscheduler_jobs"}, table
            continue
        for key in ("facets", "sortable_columns"):
            assert rendered["tables"][table].get(key) == conf.get(key), (table, key)
        described = set(conf.get("columns", {}))
        assert described <= {c.name for c in db[table].columns}, table
    assert set(rendered["queries"]) == set(kept["databases"]["nianbao"]["queries"])


def test_every_canned_query_runs(checked_db):
    ds = make_datasette(checked_db)
    queries = metadata.render(checked_db)["databases"]["checked"]["queries"]
    for name, query in queries.items():
        params = dict.fromkeys(re.findall(r"(?<![:\w]):(\w+)", query["sql"]), "")
        rows = get(ds, f"/checked/{name}.json", _shape="array", **params).json()
        assert isinstance(rows, list), name
    assert get(ds, "/checked/search.json", _shape="array", q="依申请").json()


def test_a_store_not_yet_checked(tmp_path):
    path = tmp_path / "fresh.db"
    store = Store(path)
    assert views.ensure_views(store.db) == ["表3_申请情况", "表4_复议诉讼", "报告一览"]
    rendered = metadata.render(path)
    assert list(rendered["databases"]) == ["fresh"]
    queries = rendered["databases"]["fresh"]["queries"]
    assert not {"failing_rule", "late_reports", "similar_reports", "open_findings"} & set(queries)
    assert {"search", "missing_reports", "agency_history", "outcome_shares"} <= set(queries)
    wide = rendered["databases"]["fresh"]["tables"]["table3_wide"]["columns"]
    assert wide["granted__legal_service"] == "（一）予以公开 · 法律服务机构（件）"
    store.db["findings"].create({"id": str, "rule_id": str, "year": int})
    findings = metadata.render(path)["databases"]["fresh"]["tables"]["findings"]
    assert findings["facets"] == ["rule_id", "year"]  # severity, status … dropped until they exist


def test_immutable_copy_still_searches_chinese(checked_db):
    ds = make_datasette(checked_db, immutable=True)
    rows = get(ds, "/checked/sections.json", _shape="array", _search="复议").json()
    assert rows and all(r["key"] == "reviews" for r in rows)
    view = tilde_encode("表3_申请情况")
    assert get(ds, f"/checked/{view}.json", _shape="array").json()


def test_write_metadata_for_plain_datasette(checked_db, tmp_path, capsys):
    out = tmp_path / "meta.json"
    assert main(["serve", "--db", str(checked_db), "--write-metadata", str(out)]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["title"] == "nianbao · 政府信息公开工作年度报告"
    assert "failing_rule" in written["databases"]["checked"]["queries"]


def test_plain_datasette_loads_the_plugin():
    plugins = {ep.name: ep.value for ep in entry_points(group="datasette")}
    assert plugins.get("nianbao") == "nianbao.browse.plugin"


def test_serve_refuses_a_missing_database(tmp_path, capsys):
    assert main(["serve", "--db", str(tmp_path / "none.db")]) == 1
    assert "no database" in capsys.readouterr().err


def test_same_as_last_year_masks_the_years(tmp_path):
    """A report copied from last year with only the year changed is found; a rewritten one not."""
    path = tmp_path / "copies.db"
    store = Store(path)
    overview = "{y}年，我局认真贯彻《政府信息公开条例》，主动公开政府信息120条。"
    texts = {
        ("A", 2022): overview.format(y=2022), ("A", 2023): overview.format(y=2023),
        ("B", 2022): overview.format(y=2022), ("B", 2023): "本年度重新编写的总体情况，与上年不同。",
    }
    for rid, ((agency, year), text) in enumerate(texts.items(), start=1):
        store.db["reports"].insert({"id": rid, "is_current": 1, "agency": agency, "year": year})
        store.db["sections"].insert({"report_id": rid, "key": "overview", "text": text})
    prepare(path)
    rows = get(make_datasette(path), "/copies/same_as_last_year.json", _shape="array").json()
    assert [(r["机关"], r["年度"], r["上年"], r["相同部分"]) for r in rows] == [
        ("A", 2023, 2022, "overview")]
