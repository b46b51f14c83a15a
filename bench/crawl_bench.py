"""Crawl benchmark: nianbao against a generated portal of ≥2,000 reports on 127.0.0.1.

    .venv/bin/python bench/crawl_bench.py [--agencies 400] [--years 2019-2024]

1. builds the scaled sample portal (nianbao.portal.scaled_spec) into a temporary directory and
   serves it on ephemeral loopback ports;
2. runs `nianbao crawl` on it in a subprocess — the real crawl: list pages, every report page,
   parsing, the SQLite store, the HTTP cache — with the politeness delays off (loopback) and
   records every request it made (RequestList below, loaded into that subprocess);
3. replays the same requests with a plain sequential `requests` loop (fetch only: no parsing, no
   storing) as the baseline;
4. prints pages/s, CPU ms per page and peak memory of the crawl process (getrusage of the child).

The machine is shared (2 cores): the figures are as measured in this run, noise included.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

ROOT = Path(__file__).resolve().parent.parent
CRAWL_SETTINGS = {
    "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "16", "CONCURRENT_REQUESTS_PER_DOMAIN": "8", "LOG_LEVEL": "WARNING",
}


class RequestList:
    """A Scrapy extension for this bench only: append every answered request to a JSONL file."""

    def __init__(self, path: str):
        self.file = open(path, "a", encoding="utf-8")  # noqa: SIM115 (closed at spider close)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RequestList:
        extension = cls(crawler.settings.get("BENCH_REQUEST_LIST"))
        crawler.signals.connect(extension.received, signal=signals.response_received)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def closed(self) -> None:
        self.file.close()

    def received(self, response: Response, request: Request) -> None:
        self.file.write(json.dumps({"method": request.method, "url": request.url,
                                    "body": request.body.decode("utf-8"),
                                    "headers": {"Content-Type": request.headers.get(
                                        "Content-Type", b"").decode()}}) + "\n")


def child_usage() -> tuple[float, float]:
    """CPU seconds (user + system) and peak RSS (MB) of the finished children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def run_nianbao(registry: Path, db: Path, request_list: Path, **extra: str) -> tuple[float, str]:
    """`nianbao crawl` in a subprocess; returns its wall time and its summary lines."""
    command = [sys.executable, "-m", "nianbao.cli", "crawl", "--registry", str(registry),
               "--db", str(db)]
    extensions = {"crawler.extensions.CrawlRecorder": 500, "crawl_bench.RequestList": 900}
    settings = {**CRAWL_SETTINGS, "EXTENSIONS": json.dumps(extensions),
                "BENCH_REQUEST_LIST": str(request_list), **extra}
    for key, value in settings.items():
        command += ["--set", f"{key}={value}"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")])}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"nianbao crawl failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return elapsed, done.stdout.strip()


def run_baseline(recorded: list[dict]) -> float:
    """The same requests, one after the other, bodies read and dropped."""
    session = requests.Session()
    started = time.perf_counter()
    for r in recorded:
        headers = {k: v for k, v in r["headers"].items() if v}
        answer = session.request(r["method"], r["url"], data=r["body"] or None,
                                 headers=headers, timeout=60)
        answer.content  # noqa: B018 (read the whole body, as the crawler does)
    return time.perf_counter() - started


def main() -> int:
    from nianbao.portal import PortalServer, build_site, scaled_spec

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=400)
    parser.add_argument("--years", default="2019-2024", help="first-last")
    args = parser.parse_args()
    first, last = (int(y) for y in args.years.split("-"))

    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        build_site(work / "portal", scaled_spec(args.agencies, range(first, last + 1)))
        with PortalServer(root=work / "portal") as portal:
            reports = len(portal.reports())
            print(f"portal: {args.agencies} agencies × {first}–{last}, {reports} reports, "
                  f"{len(portal.ports)} sites on 127.0.0.1 (built in "
                  f"{time.perf_counter() - started:.1f} s)")
            if reports < 2000:
                print("warning: fewer than 2,000 reports; raise --agencies", file=sys.stderr)
            registry = portal.write_registry(work / "agencies.csv")
            request_list = work / "requests.jsonl"
            cpu_before, _ = child_usage()
            elapsed, summary = run_nianbao(registry, work / "nianbao.db", request_list)
            cpu_after, peak_mb = child_usage()
            recorded = [json.loads(line) for line in request_list.read_text().splitlines()]
            pages = len(recorded)
            print(summary)
            print(f"nianbao: {pages} pages in {elapsed:.1f} s (process wall time, startup "
                  f"included), settings {CRAWL_SETTINGS}")
            baseline_elapsed = run_baseline(recorded)
            print(f"baseline: the same {pages} requests, sequential requests.Session, fetch "
                  f"only: {baseline_elapsed:.1f} s")
            # Where the time goes: the same crawl without the store, and a recrawl (all 304).
            bare, _ = run_nianbao(registry, work / "bare" / "nianbao.db", work / "bare.jsonl",
                                  ITEM_PIPELINES="{}")
            print(f"nianbao without the store pipeline (no parsing, no SQLite): {bare:.1f} s, "
                  f"{pages / bare:.0f} pages/s")
            again, summary = run_nianbao(registry, work / "nianbao.db", work / "again.jsonl")
            print(f"recrawl of the unchanged portal: {again:.1f} s — {summary.splitlines()[0]}")

    nianbao_rate, baseline_rate = pages / elapsed, pages / baseline_elapsed
    cpu_ms = (cpu_after - cpu_before) * 1000 / pages
    print(f"nianbao {nianbao_rate:.0f} pages/s · baseline {baseline_rate:.0f} pages/s · "
          f"{cpu_ms:.1f} ms CPU/page · peak {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
