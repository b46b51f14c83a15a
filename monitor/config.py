"""The monitor's configuration (monitor.yml): deadline overrides, health limits, schedules, targets.

Plain data with defaults, so `nianbao check` works with no file at all. Secrets are never read
from here: a notification target names the environment variables that hold them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# {python} is this interpreter (so the crawl runs in the same environment), {db} the database.
DEFAULT_CRAWL = ("{python}", "-m", "nianbao.cli", "crawl", "--db", "{db}")


@dataclass(frozen=True)
class DeadlineOverride:
    """A local deadline: for agencies whose region code starts with `region` (and of `kind`)."""

    date: str  # MM-DD of the year after the report year
    region: str = ""
    kind: str | None = None
    level: str | None = None
    note: str = ""

    def matches(self, region_code: str | None, kind: str | None, level: str | None) -> bool:
        return ((region_code or "").startswith(self.region)
                and self.kind in (None, kind) and self.level in (None, level))

    @property
    def specificity(self) -> tuple[int, int, int]:
        return len(self.region), self.kind is not None, self.level is not None

    def describe(self) -> str:
        parts = [f"region {self.region}" if self.region else "all regions"]
        parts += [p for p in (self.kind, self.level) if p]
        return "override: " + " ".join(parts) + (f" ({self.note})" if self.note else "")


@dataclass(frozen=True)
class Job:
    """One recrawl schedule: a cron expression (or an interval, for tests) and extra crawl args."""

    id: str
    cron: str | None = None
    interval_seconds: float | None = None
    args: tuple[str, ...] = ()
    jitter: int | None = None
    misfire_grace_time: int = 3600
    coalesce: bool = True


@dataclass
class Config:
    db: str | None = None
    out: str = "data/alerts"
    year: int | None = None
    rules: list[str] = field(default_factory=list)
    deadlines: list[DeadlineOverride] = field(default_factory=list)
    health_failures: int = 3
    health_empty_listings: int = 2
    crawl_command: list[str] = field(default_factory=lambda: list(DEFAULT_CRAWL))
    timezone: str = "Asia/Shanghai"
    jobstore: str | None = None
    jobs: list[Job] = field(default_factory=list)
    stop_timeout: float = 30.0  # seconds a crawl gets to stop cleanly on SIGTERM
    notify_targets: list[dict[str, Any]] = field(default_factory=list)
    notify_retries: int = 3
    notify_backoff: float = 2.0
    source: str | None = None


def load_config(path: str | Path | None) -> Config:
    if path is None:
        return Config()
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    health = doc.get("health") or {}
    mon = doc.get("monitor") or {}
    notify = doc.get("notify") or {}
    base = Path(path).resolve().parent
    return Config(
        db=doc.get("db"),
        out=doc.get("out", "data/alerts"),
        year=doc.get("year"),
        rules=[str(base / r) for r in doc.get("rules") or []],
        deadlines=[
            DeadlineOverride(date=str(d["date"]), region=str(d.get("region") or ""),
                             kind=d.get("kind"), level=d.get("level"), note=d.get("note", ""))
            for d in doc.get("deadlines") or []
        ],
        health_failures=int(health.get("failures", 3)),
        health_empty_listings=int(health.get("empty_listings", 2)),
        crawl_command=[str(a) for a in mon.get("crawl_command") or DEFAULT_CRAWL],
        timezone=mon.get("timezone", "Asia/Shanghai"),
        jobstore=mon.get("jobstore"),
        stop_timeout=float(mon.get("stop_timeout", 30.0)),
        jobs=[
            Job(id=str(j["id"]), cron=j.get("cron"), interval_seconds=j.get("interval_seconds"),
                args=tuple(str(a) for a in j.get("args") or ()), jitter=j.get("jitter"),
                misfire_grace_time=int(j.get("misfire_grace_time", 3600)),
                coalesce=bool(j.get("coalesce", True)))
            for j in mon.get("jobs") or []
        ],
        notify_targets=list(notify.get("targets") or []),
        notify_retries=int(notify.get("retries", 3)),
        notify_backoff=float(notify.get("backoff", 2.0)),
        source=str(path),
    )
