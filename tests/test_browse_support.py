"""Shared by the browse tests: a store of the real sample reports, served by `nianbao serve`.

The database holds the bundled samples (data/samples), the 银州区 report tied to a registry agency
(so the region facet and the agency label have something to show), a copy of sample 002 whose
title carries a <script> tag (scraped text must show escaped), and one monitor check.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from datasette.utils import tilde_encode

from monitor.check import run_check
from nianbao.store import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
YINZHOU = "银州区人民政府办公室"
YINZHOU_AGENCY = {
    "id": "211202-zfb", "name": YINZHOU, "region_code": "211202", "region_name": "铁岭市银州区",
    "level": "county", "kind": "部门",
}
# A registered agency with no report at all: the missing-report query must list it.
SILENT_AGENCY = {
    "id": "211202-jyj", "name": "银州区教育局", "region_code": "211202",
    "region_name": "铁岭市银州区", "level": "county", "kind": "部门",
}
XSS = "<script>alert(1)</script>"


def sample_files() -> list[Path]:
    files = sorted([*SAMPLES.glob("seeds/*.txt"), *SAMPLES.glob("html/*.html")])
    assert files, f"no sample reports under {SAMPLES}"
    return files


def build_db(path: Path, out_dir: Path) -> Path:
    store = Store(path)
    store.upsert_agencies([YINZHOU_AGENCY, SILENT_AGENCY])
    for f in sample_files():
        body = f.read_bytes()
        agency_id = YINZHOU_AGENCY["id"] if f.name.startswith("001_") else None
        store.store_document(f.resolve().as_uri(), body, agency_id=agency_id)
    page = (SAMPLES / "html" / "002_ef97f8f9160db1bf.html").read_text(encoding="utf-8")
    title = "前进区发展改革工信局2023信息公开年报"
    page = page.replace(f'"{title}"', f'"{html.escape(XSS)}{title}"')  # ArticleTitle
    page = page.replace(f">{title}</h1>", f">{html.escape(XSS)}{title}</h1>")
    stored = store.store_document("file:///samples/xss/002.html", page.encode())
    assert XSS in store.db["reports"].get(stored.report_id)["title"]
    run_check(store, as_of=dt.date(2024, 6, 1), out_dir=out_dir)
    store.db.conn.close()
    return path


@dataclass
class Server:
    url: str
    db_name: str
    proc: subprocess.Popen

    def path(self, *parts: str) -> str:
        """URL of the database, or of a table/view/query in it, encoded as Datasette links it."""
        return self.url + "/".join([self.db_name, *(tilde_encode(p) for p in parts)])

    def get(self, path: str, **params) -> requests.Response:
        resp = requests.get(path, params=params, timeout=30)
        assert resp.status_code == 200, (path, resp.status_code, resp.text[:500])
        return resp

    def rows(self, *parts: str, **params) -> list[dict]:
        *head, last = parts
        return self.get(self.path(*head, last) + ".json", _shape="array", **params).json()


def start_server(db: Path, log: Path, timeout: float = 30) -> Server:
    """`nianbao serve --port 0` as a person runs it; the URL comes from its first line."""
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "nianbao.cli", "serve", "--db", str(db), "--port", "0"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, text=True,
        )
    deadline = time.monotonic() + timeout
    url = None
    while url is None:
        found = re.search(r"http://127\.0\.0\.1:\d+/", log.read_text())
        if found:
            url = found.group()
        elif proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"nianbao serve did not start:\n{log.read_text()}")
        else:
            time.sleep(0.1)
    while True:  # the socket is bound before the line is printed; wait for Datasette to answer
        try:
            if requests.get(url, timeout=5).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"nianbao serve never answered:\n{log.read_text()}")
        time.sleep(0.1)
    return Server(url, db.stem, proc)


def stop_server(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait()
