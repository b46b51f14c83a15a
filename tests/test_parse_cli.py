"""`nianbao parse FILE --json` prints the contract, run as a user would, in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "samples" / "seeds" / "002_ef97f8f9160db1bf.txt"
PAGE = ROOT / "data" / "samples" / "html" / "001_f50a9f7ac473722a.html"
EXPECTED = Path(__file__).resolve().parent / "fixtures" / "expected"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "parse", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )


def test_parse_json_prints_one_contract_object_per_input(tmp_path):
    junk = tmp_path / "junk.html"
    junk.write_text("<html><body><p>hello</p></body></html>", encoding="utf-8")
    proc = run(str(SEED), str(PAGE), str(junk), "--json")
    assert proc.returncode == 1  # one input failed
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(lines) == 3
    seed, page, bad = lines
    assert set(seed) == {"source", "title", "agency", "year", "published", "template", "sections",
                         "table2", "table3", "table4", "warnings"}
    exp = json.loads((EXPECTED / "002.json").read_text(encoding="utf-8"))
    for key in ("agency", "year", "template", "table2", "table3", "table4"):
        assert seed[key] == exp[key]
    assert page["table3"]["carried_over"]["total"] is None  # blank is null in JSON
    assert page["table2"]["licensing"]["change"] == 4747
    assert bad["source"] == str(junk)
    assert "no recognisable annual report" in bad["error"]


def test_parse_human_output():
    proc = run(str(SEED))
    assert proc.returncode == 0
    assert "前进区发展改革工信局" in proc.stdout
    assert "new_received" in proc.stdout


def test_parse_a_loopback_url(tmp_path):
    """A page served on 127.0.0.1 parses the same as the file (GBK bytes, charset from the page)."""
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(PAGE.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{PAGE.name}"
        proc = run(url, "--json")
    finally:
        server.shutdown()
        server.server_close()
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    from_file = json.loads(run(str(PAGE), "--json").stdout)
    assert record["source"] == url
    assert record["agency"] == "银州区人民政府办公室"
    assert record["year"] == 2020
    for key in ("table2", "table3", "table4", "sections"):
        assert record[key] == from_file[key]
