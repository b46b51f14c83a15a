"""The agency registry: the bundled file is valid, bad rows are reported by line, good ones load."""

from __future__ import annotations

import json

import pytest

from nianbao.cli import main
from nianbao.registry import DEFAULT_REGISTRY, FIELDS, load_registry, write_registry
from nianbao.store import Store

HEADER = ",".join(FIELDS)
GOOD = ("tl-gov,铁岭市人民政府,211200,辽宁省铁岭市,city,government,,http://127.0.0.1:8701/,"
        "http://127.0.0.1:8701/zwgk/zfxxgk/zfxxgknb/index.html,trs,")
BAD_ROWS = [
    # (line, row, expected reason fragment)
    (3, "tl-czj,,211200,辽宁省铁岭市,city,department,tl-gov,http://127.0.0.1:8701/,,trs,",
     "missing name"),
    (4, "tl-jtj,铁岭市交通运输局,21120,辽宁省铁岭市,city,department,tl-gov,"
        "http://127.0.0.1:8701/,,,", "bad region code '21120'"),
    (5, "tl-x,铁岭市某局,991200,辽宁省铁岭市,city,department,tl-gov,http://127.0.0.1:8701/,,,",
     "no province 99"),
    (6, "tl-y,铁岭市某局,211200,辽宁省铁岭市,district,department,tl-gov,"
        "http://127.0.0.1:8701/,,,", "unknown level 'district'"),
    (7, "tl-z,铁岭市某局,211200,辽宁省铁岭市,city,bureau,tl-gov,http://127.0.0.1:8701/,,,",
     "unknown kind 'bureau'"),
    (8, "tl-u,铁岭市某局,211200,辽宁省铁岭市,city,department,tl-gov,ftp://127.0.0.1/,,,",
     "bad URL 'ftp://127.0.0.1/'"),
    (9, "tl-p,铁岭市某局,211200,辽宁省铁岭市,city,department,nobody,http://127.0.0.1:8701/,,,",
     "unknown parent 'nobody'"),
    (10, "tl-gov,铁岭市人民政府,211200,辽宁省铁岭市,city,government,,http://127.0.0.1:8701/,,,",
     "duplicate id (first on line 2)"),
    (11, 'tl-o,铁岭市某局,211200,辽宁省铁岭市,city,department,tl-gov,http://127.0.0.1:8701/,,,'
         '"{not json"', "options is not JSON"),
    (12, "tl-c,铁岭市某局,211200,辽宁省铁岭市,city,department,tl-gov,http://127.0.0.1:8701/,,"
         "wordpress,", "unknown cms 'wordpress'"),
]
# Valid: columns separated by ';' and whitespace, options as JSON, parent defined further down.
GOOD_LATER = [
    'tl-yss,铁岭市营商局,211200,辽宁省铁岭市,city,department,tl-gov,http://127.0.0.1:8701/,'
    '"http://127.0.0.1:8701/a/index.html; http://127.0.0.1:8701/b/index.html",trs,'
    '"{""per_page"": 5}"',
    "yz-hq,银州区红旗街道办事处,211202,辽宁省铁岭市银州区,township,government,yz-gov,,"
    "http://127.0.0.1:8704/xxgk/hqjd/index.html,plain,",
    "yz-gov,铁岭市银州区人民政府,211202,辽宁省铁岭市银州区,county,government,tl-gov,"
    "http://127.0.0.1:8704/,,,",
]


@pytest.fixture
def messy_csv(tmp_path):
    path = tmp_path / "agencies.csv"
    lines = [HEADER, GOOD] + [row for _, row, _ in BAD_ROWS] + GOOD_LATER
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_bundled_registry_is_valid():
    agencies, errors = load_registry(DEFAULT_REGISTRY)
    assert errors == []
    assert len(agencies) == 17
    ids = {a["id"] for a in agencies}
    assert {a["parent"] for a in agencies} - {""} <= ids
    assert {a["cms"] for a in agencies} == {"trs", "hanweb", "jsonapi", "plain", "trs_dynamic"}
    assert {a["level"] for a in agencies} == {"city", "county", "township"}
    assert all(a["column_urls"] and a["column_urls"][0].startswith("http://127.0.0.1:87")
               for a in agencies)


def test_bad_rows_are_reported_by_line_and_good_rows_load(messy_csv):
    agencies, errors = load_registry(messy_csv)
    assert [a["id"] for a in agencies] == ["tl-gov", "tl-yss", "yz-hq", "yz-gov"]
    by_line = {e.line: str(e) for e in errors}
    assert sorted(by_line) == [line for line, _, _ in BAD_ROWS]
    for line, _, reason in BAD_ROWS:
        assert reason in by_line[line], (line, by_line[line])
    yss = agencies[1]
    assert yss["column_urls"] == ["http://127.0.0.1:8701/a/index.html",
                                  "http://127.0.0.1:8701/b/index.html"]
    assert yss["options"] == {"per_page": 5}


def test_known_parents_come_from_the_database(tmp_path):
    path = tmp_path / "more.csv"
    path.write_text(HEADER + "\n" + GOOD_LATER[2] + "\n", encoding="utf-8")
    assert load_registry(path)[1][0].reason == "unknown parent 'tl-gov'"
    agencies, errors = load_registry(path, known_ids={"tl-gov"})
    assert errors == [] and agencies[0]["id"] == "yz-gov"


def test_yaml_registry_reports_lines(tmp_path):
    path = tmp_path / "agencies.yaml"
    path.write_text(
        "- id: tl-gov\n  name: 铁岭市人民政府\n  region_code: '211200'\n  level: city\n"
        "  kind: government\n  portal_url: http://127.0.0.1:8701/\n"
        "  column_urls: [http://127.0.0.1:8701/zwgk/zfxxgknb/index.html]\n"
        "  options: {encoding: gbk}\n"
        "- id: tl-bad\n  name: 某局\n  region_code: 2112\n  level: city\n  kind: department\n"
        "  portal_url: http://127.0.0.1:8701/\n",
        encoding="utf-8",
    )
    agencies, errors = load_registry(path)
    assert [a["id"] for a in agencies] == ["tl-gov"]
    assert agencies[0]["options"] == {"encoding": "gbk"}
    assert [(e.line, e.agency_id) for e in errors] == [(9, "tl-bad")]
    assert "bad region code '2112'" in errors[0].reason


def test_write_then_load_round_trips(tmp_path):
    agencies, _ = load_registry(DEFAULT_REGISTRY)
    write_registry(agencies, tmp_path / "copy.csv")
    assert load_registry(tmp_path / "copy.csv") == (agencies, [])


def test_cli_import_loads_valid_rows_and_reports_bad_ones(messy_csv, tmp_path, capsys):
    db = tmp_path / "nianbao.db"
    assert main(["agencies", "import", str(messy_csv), "--db", str(db)]) == 1
    out, err = capsys.readouterr()
    assert "imported 4 agencies" in out and "10 invalid rows" in out
    assert "line 3 (tl-czj): missing name" in err
    assert "line 9 (tl-p): unknown parent 'nobody'" in err
    rows = {r["id"]: r for r in Store(db).db.query("select * from agencies")}
    assert sorted(rows) == ["tl-gov", "tl-yss", "yz-gov", "yz-hq"]
    assert json.loads(rows["tl-yss"]["column_urls"])[1] == "http://127.0.0.1:8701/b/index.html"
    assert json.loads(rows["tl-yss"]["options"]) == {"per_page": 5}

    assert main(["agencies", "list", "--db", str(db)]) == 0
    listing = capsys.readouterr().out
    assert "yz-hq" in listing and "township" in listing and "4 agencies" in listing


def test_cli_import_bundled_registry(tmp_path, capsys):
    db = tmp_path / "nianbao.db"
    assert main(["agencies", "import", "--db", str(db)]) == 0
    assert "imported 17 agencies" in capsys.readouterr().out
    assert Store(db).summary()["agencies"] == 17
