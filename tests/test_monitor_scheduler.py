"""`nianbao monitor`: a short-interval job crawls (a fake command), checks, notifies new findings
once, keeps its state in the database across restarts, and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from test_monitor_support import make_store, report, table3_2021

from monitor.config import load_config
from monitor.scheduler import build_scheduler, run_monitor, sync_jobs

ROOT = Path(__file__).resolve().parent.parent
AGENCY = {"id": "qj-fgw", "name": "前进区发展改革工信局", "region_code": "230804",
          "region_name": "前进区", "level": "county", "kind": "department"}


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        self.server.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hook():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    server.bodies = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def write_config(tmp_path: Path, crawl: list[str], interval: float, **extra) -> Path:
    path = tmp_path / "monitor.yml"
    doc = {"out": str(tmp_path / "alerts"),
           "monitor": {"crawl_command": crawl, "jobs": [
               {"id": "recrawl", "interval_seconds": interval, "misfire_grace_time": 60,
                "args": ["--db", "{db}"]}]}, **extra}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def wait_for(predicate, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def job_runs(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        try:
            return conn.execute("select job_id, command, returncode, check_run_id, output_tail "
                                "from monitor_job_runs where finished_at is not null").fetchall()
        except sqlite3.OperationalError:
            return []


def test_job_crawls_checks_notifies_once_and_persists(tmp_path, monkeypatch, hook):
    db = tmp_path / "n.db"
    store = make_store(monkeypatch, db)
    store.upsert_agencies([AGENCY])
    store.put(report(agency=AGENCY["name"], published="2024-01-20",
                     table3=table3_2021(granted=[1, 0, 0, 0, 0, 0, 1])), "qj-fgw")
    crawl = [sys.executable, "-c", "import sys; print('crawled', sys.argv[1:])"]
    config_path = write_config(
        tmp_path, crawl, 0.4,
        notify={"retries": 1, "targets": [{"name": "hook", "type": "webhook",
                                           "url": f"http://127.0.0.1:{hook.server_port}/"}]})
    stop = threading.Event()
    thread = threading.Thread(target=run_monitor, args=(str(config_path), db, stop, False))
    thread.start()
    try:
        runs = wait_for(lambda: len(job_runs(db)) >= 2 and job_runs(db))
    finally:
        stop.set()
        thread.join(30)
    assert not thread.is_alive()
    job_id, command, returncode, check_run_id, output = runs[0]
    assert (job_id, returncode) == ("recrawl", 0)
    assert json.loads(command)[-2:] == ["--db", str(db)] and f"'--db', '{db}'" in output
    with sqlite3.connect(db) as conn:
        trigger = conn.execute("select trigger from check_runs where id = ?",
                               [check_run_id]).fetchone()[0]
        (job_row,) = conn.execute("select id, next_run_time from apscheduler_jobs").fetchall()
        sent = conn.execute("select status from outbox").fetchall()
    assert trigger == "monitor" and job_row[0] == "recrawl" and job_row[1] > time.time() - 60
    assert (tmp_path / "alerts" / "alerts.html").exists()
    # Only the first check found something new: one notification, not one per run.
    assert sent == [("sent",)] and len(hook.bodies) == 1
    assert {f["rule_id"] for f in hook.bodies[0]["findings"]} >= {"R2_results_sum"}

    # Restart: the stored job (and its next run time) is kept, not recomputed.
    config = load_config(config_path)
    scheduler = build_scheduler(config, db)
    scheduler.start(paused=True)
    try:
        before = scheduler.get_job("recrawl").next_run_time
        sync_jobs(scheduler, config, db, str(config_path))
        assert scheduler.get_job("recrawl").next_run_time == before
    finally:
        scheduler.shutdown(wait=False)


def test_sigterm_stops_the_monitor_and_its_crawl(tmp_path):
    db = tmp_path / "n.db"
    crawl = [sys.executable, "-c", "import time; print('started', flush=True); time.sleep(60)"]
    config_path = write_config(tmp_path, crawl, 0.3)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "nianbao.cli", "monitor", "--config",
                             str(config_path), "--db", str(db)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        def crawl_started():
            with sqlite3.connect(db) as conn:
                try:
                    return conn.execute("select count(*) from monitor_job_runs").fetchone()[0]
                except sqlite3.OperationalError:
                    return 0
        wait_for(lambda: db.exists() and crawl_started())
        time.sleep(0.5)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, output
    assert time.monotonic() - started < 20
    assert "stopping: 1 crawl(s) running" in output and "stopped at" in output
    ((job_id, _, returncode, check_run_id, _),) = job_runs(db)
    assert returncode == -signal.SIGTERM and check_run_id is not None
