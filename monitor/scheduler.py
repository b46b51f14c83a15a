"""`nianbao monitor`: recrawl on cron schedules, check after each crawl, notify new findings.

Each crawl runs as a subprocess (`nianbao crawl …` by default): Scrapy's Twisted reactor cannot
be restarted inside one process, and a crashed crawl must not take the monitor down. Jobs live in
APScheduler's SQLAlchemyJobStore on the store's SQLite file (table `apscheduler_jobs`), so the
next run times survive a restart and a run missed while the monitor was down still fires within
its misfire grace time. A job is replaced only when its configuration changed: its name carries a
hash of that configuration. SIGTERM stops the scheduler after terminating a running crawl.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import signal
import subprocess
import sys
import threading
from pathlib import Path

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor.check import run_check
from monitor.config import Config, Job, load_config
from monitor.export import finding_rows
from monitor.notify import deliver_pending, new_findings_message, queue
from monitor.results import ensure_schema
from nianbao.store import Store, now_iso

log = logging.getLogger("nianbao.monitor")
_children: set[subprocess.Popen] = set()
_children_lock = threading.Lock()
CRON_FIELDS = ("minute", "hour", "day", "month", "day_of_week")


def trigger_for(job: Job, timezone: str):
    """Cron fields in crontab order; day_of_week takes names (mon-fri) to avoid 0 = Monday."""
    if job.cron:
        fields = job.cron.split()
        if len(fields) != 5:
            raise ValueError(f"job {job.id}: cron needs 5 fields, got {job.cron!r}")
        return CronTrigger(**dict(zip(CRON_FIELDS, fields, strict=True)), timezone=timezone,
                           jitter=job.jitter)
    if job.interval_seconds:
        return IntervalTrigger(seconds=job.interval_seconds, timezone=timezone,
                               jitter=job.jitter)
    raise ValueError(f"job {job.id}: give cron or interval_seconds")


class _Scheduler(BackgroundScheduler):
    """APScheduler 3's loop runs one more pass over due jobs after shutdown() (it skips only
    when paused); that pass fails on the closed executor and uses up a run. Skip it."""

    def _process_jobs(self):
        if self.state == STATE_STOPPED:
            return None
        return super()._process_jobs()


def build_scheduler(config: Config, db_path: Path) -> BackgroundScheduler:
    url = config.jobstore or f"sqlite:///{Path(db_path).resolve()}"
    return _Scheduler(
        jobstores={"default": SQLAlchemyJobStore(url=url)},
        # One worker: crawls run one at a time (polite to portals, no concurrent checks).
        executors={"default": ThreadPoolExecutor(1)},
        job_defaults={"coalesce": True, "max_instances": 1},
        timezone=config.timezone,
    )


def sync_jobs(scheduler: BackgroundScheduler, config: Config, db_path: Path,
              config_path: str | None) -> None:
    """Make the stored jobs match the configuration, keeping unchanged ones as stored."""
    wanted = {job.id: job for job in config.jobs}
    for stored in scheduler.get_jobs():
        if stored.id not in wanted:
            stored.remove()
    for job in config.jobs:
        signature = json.dumps([job.cron, job.interval_seconds, job.args, job.jitter,
                                job.misfire_grace_time, job.coalesce, config.crawl_command,
                                config.timezone, str(db_path), config_path])
        name = f"{job.id}@{hashlib.sha256(signature.encode()).hexdigest()[:10]}"
        stored = scheduler.get_job(job.id)
        if stored is not None and stored.name == name:
            continue
        scheduler.add_job(
            run_job, trigger_for(job, config.timezone), id=job.id, name=name,
            replace_existing=True, misfire_grace_time=job.misfire_grace_time,
            coalesce=job.coalesce, max_instances=1,
            kwargs={"job_id": job.id, "config_path": config_path, "db": str(db_path)},
        )


def run_job(job_id: str, config_path: str | None, db: str) -> None:
    """One scheduled run: crawl in a subprocess, check, queue and deliver notifications."""
    config = load_config(config_path)
    job = next((j for j in config.jobs if j.id == job_id), Job(job_id))
    argv = [a.replace("{db}", db).replace("{python}", sys.executable)
            for a in (*config.crawl_command, *job.args)]
    store = Store(db)
    ensure_schema(store.db)
    with store.db.conn:
        run_row = store.db["monitor_job_runs"].insert(
            {"job_id": job_id, "started_at": now_iso(), "command": json.dumps(argv)}).last_pk
    log.info("job %s: running %s", job_id, argv)
    returncode, output = _run_child(argv)
    log.info("job %s: crawl exited %s", job_id, returncode)
    record = {"returncode": returncode, "output_tail": output[-2000:]}
    try:
        outcome = run_check(store, config, out_dir=Path(config.out), trigger="monitor")
        record["check_run_id"] = outcome.run_id
        log.info("job %s: check #%s: %d open findings (%d new, %d resolved)", job_id,
                 outcome.run_id, len(outcome.open), len(outcome.new), len(outcome.resolved))
        message = new_findings_message(finding_rows(store.db, ids=outcome.new), outcome.run_id,
                                       outcome.year, str(outcome.files.get("html", "")) or None)
        if message and config.notify_targets:
            queue(store.db, config.notify_targets, message)
        if config.notify_targets:
            deliver_pending(store.db, config.notify_targets, config.notify_retries,
                            config.notify_backoff)
    except Exception as exc:
        record["output_tail"] = (output + f"\ncheck failed: {type(exc).__name__}: {exc}")[-2000:]
        raise  # APScheduler logs it; the job stays scheduled
    finally:
        with store.db.conn:
            store.db["monitor_job_runs"].update(run_row, {"finished_at": now_iso(), **record})


def _run_child(argv: list[str]) -> tuple[int, str]:
    try:
        child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True, errors="replace")
    except OSError as exc:
        return 127, f"{type(exc).__name__}: {exc}"
    with _children_lock:
        _children.add(child)
    try:
        output, _ = child.communicate()
    finally:
        with _children_lock:
            _children.discard(child)
    return child.returncode, output or ""


def _stop_children(timeout: float) -> None:
    """SIGTERM lets Scrapy close cleanly (its job directory resumes the crawl next time); a
    second SIGTERM is Scrapy's forced shutdown; SIGKILL only if even that hangs."""
    with _children_lock:
        children = list(_children)
    for signum, wait in ((signal.SIGTERM, timeout), (signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        alive = [c for c in children if c.poll() is None]
        if not alive:
            return
        for child in alive:
            child.send_signal(signum)
        for child in alive:
            try:
                child.wait(wait)
            except subprocess.TimeoutExpired:
                log.warning("crawl %s still running after %ss", child.pid, wait)


def run_monitor(config_path: str | None, db_path: Path, stop: threading.Event | None = None,
                install_signals: bool = True) -> int:
    """Run until SIGTERM/SIGINT (or `stop` is set), then stop crawls and the scheduler cleanly."""
    config = load_config(config_path)
    if not config.jobs:
        log.error("no jobs in %s: nothing to schedule", config_path)
        return 2
    stop = stop or threading.Event()
    if install_signals:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    Store(db_path)  # create the database (and its directory) before the job store opens it
    scheduler = build_scheduler(config, db_path)
    scheduler.start(paused=True)
    sync_jobs(scheduler, config, db_path, config_path)
    scheduler.resume()
    for job in scheduler.get_jobs():
        log.info("job %s: next run %s", job.id, job.next_run_time)
    stop.wait()
    scheduler.pause()  # no new job starts while the running one winds down
    log.info("stopping: %d crawl(s) running", len(_children))
    _stop_children(config.stop_timeout)
    scheduler.shutdown(wait=True)
    log.info("stopped at %s", dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    return 0
