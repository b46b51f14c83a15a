"""End-to-end crawls of the sample portal on 127.0.0.1, each in a subprocess (one reactor each).

The portal's manifest is the truth: every report of every CMS family, with its agency and year.
The request log the portal keeps is the witness of what the crawler fetched.
"""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from nianbao.portal import PortalServer
from nianbao.registry import write_registry
from parsing import parse_document

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples" / "html"
# Polite settings, scaled to loopback: AutoThrottle stays on, with no floor and no start delay.
FAST = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_START_DELAY": "0",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "4", "RETRY_BACKOFF_BASE": "0.1",
        "LOG_LEVEL": "WARNING"}
SKIPPED_KINDS = ("guide", "plan", "notice", "trap")
# One agency per site (GBK sites, attachments and the 动静结合 API pages among them): the
# stop-and-resume crawls walk these, and are compared with the full crawl's rows for them.
ONE_PER_SITE = ("tieling-czj", "zhumadian-zsj", "qianjin-fgj", "yinzhou-zfb", "pingtan-gov",
                "huairen-xzsp")


def crawl_command(registry: Path, db: Path, *args: str, jobdir: Path | None = None,
                  **settings: str) -> list[str]:
    command = [sys.executable, "-m", "nianbao.cli", "crawl", "--registry", str(registry),
               "--db", str(db), *args]
    if jobdir is not None:
        command += ["--jobdir", str(jobdir)]
    for key, value in {**FAST, **settings}.items():
        command += ["--set", f"{key}={value}"]
    return command


def crawl(registry: Path, db: Path, *args: str, jobdir: Path | None = None,
          **settings: str) -> subprocess.CompletedProcess:
    return subprocess.run(crawl_command(registry, db, *args, jobdir=jobdir, **settings),
                          cwd=ROOT, capture_output=True, text=True, timeout=180)


def query(db: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def stored_pages(db: Path) -> int:
    try:
        return query(db, "select count(*) from pages")[0][0]
    except sqlite3.OperationalError:  # the crawl has not created the schema yet
        return 0


def store_state(db: Path, agencies: tuple[str, ...] = ONE_PER_SITE) -> dict[str, set]:
    """What a crawl leaves in the store for these agencies, without ids and times.

    Parse results are compared by which reports have cells, not by their numbers: other work
    on the parser may change those between two crawls of one test session.
    """
    marks = ",".join("?" * len(agencies))
    return {
        "pages": set(query(db, "select url, sha256, agency_id, referer from pages "
                               f"where agency_id in ({marks})", *agencies)),
        "reports": set(query(db, "select source, agency_id, year, published, version, "
                                 f"is_current from reports where agency_id in ({marks})",
                             *agencies)),
        "with_cells": set(query(db, "select distinct r.source from cells c join reports r "
                                    f"on r.id = c.report_id where r.agency_id in ({marks})",
                                *agencies)),
    }


def assert_same_store(db: Path, reference: Path) -> None:
    got, want = store_state(db), store_state(reference)
    for key in want:
        assert (key, got[key] - want[key], want[key] - got[key]) == (key, set(), set())


def expected_reports(portal: PortalServer) -> dict[str, tuple[str, int]]:
    """URL of each report document (the article, or its file) → (agency id, year)."""
    return {
        portal.item_url(item, "attachment" if item["format"] != "html" else "path"):
            (item["agency_id"], item["year"])
        for item in portal.manifest["items"] if item["kind"] == "report"
    }


def gets(records) -> Counter:
    """How many bodies each site sent per path and query (robots.txt aside)."""
    return Counter((r.site, r.path + ("?" + r.query if r.query else "")) for r in records
                   if r.body_sent and r.path != "/robots.txt")


@pytest.fixture(scope="module")
def portal():
    with PortalServer() as server:
        yield server


@pytest.fixture(scope="module")
def registry(portal, tmp_path_factory) -> Path:
    """The portal's registry with the CMS family left blank on every other agency (auto-detect)."""
    rows = portal.registry_rows()
    for row in rows[::2]:
        row["cms"] = ""
    path = tmp_path_factory.mktemp("registry") / "agencies.csv"
    write_registry(rows, path)
    return path


@pytest.fixture(scope="module")
def full(portal, registry, tmp_path_factory):
    """One uninterrupted crawl, then a second one of the unchanged portal."""
    db = tmp_path_factory.mktemp("full") / "nianbao.db"
    portal.clear_log()
    first = crawl(registry, db, jobdir=db.parent / "job")
    first_log = portal.requests
    portal.clear_log()
    second = crawl(registry, db, jobdir=db.parent / "job")
    second_log = portal.requests
    portal.clear_log()
    return {"db": db, "first": first, "first_log": first_log, "second": second,
            "second_log": second_log}


def test_every_report_of_every_family_is_found_and_parsed(portal, full):
    assert full["first"].returncode == 0, full["first"].stderr
    db = full["db"]
    expected = expected_reports(portal)
    found = {src: (agency, year) for src, agency, year in query(
        db, "select source, agency_id, year from current_reports where parse_status != 'error'")}
    assert found == expected
    assert len(expected) == 105
    failures = query(db, "select source, parse_error from reports where parse_status = 'error'")
    assert failures == []
    family = {portal.url(s["key"]): s["family"] for s in portal.manifest["sites"]}
    site_of = lambda url: urlsplit(url)._replace(path="/", query="").geturl()  # noqa: E731
    found_by_family = Counter(family[site_of(url)] for url in found)
    expected_by_family = Counter(family[portal.url(i["site"])] for i in portal.manifest["items"]
                                 if i["kind"] == "report")
    assert found_by_family == expected_by_family
    assert set(found_by_family) == {"trs", "hanweb", "jsonapi", "plain", "trs_dynamic"}
    # The crawler's own record of each column agrees with the manifest, agency by agency.
    listed = Counter(i["agency_id"] for i in portal.manifest["items"])
    reports = Counter(i["agency_id"] for i in portal.manifest["items"]
                      if i["kind"] in ("report", "trap"))
    crawls = query(db, "select agency_id, ok, listed, reports, error from crawls")
    assert {(a, ok, n, r, e) for a, ok, n, r, e in crawls} == {
        (a, 1, listed[a], reports[a], None) for a in listed}


def test_non_report_items_and_robots_disallowed_paths_are_never_fetched(portal, full):
    fetched = {r.path for r in full["first_log"]}
    for item in portal.manifest["items"]:
        if item["kind"] in SKIPPED_KINDS:
            assert item["path"] not in fetched, item
    assert not any(path.startswith("/private/") for path in fetched)
    (agent,) = {r.user_agent for r in full["first_log"]}
    assert agent.startswith("nianbao/")


def test_gbk_pages_decode(portal, full):
    gbk_sites = {s["key"] for s in portal.manifest["sites"] if s["encoding"] != "utf-8"}
    assert gbk_sites == {"yinzhou", "huairen"}
    titles = {portal.item_url(i): i["title"] for i in portal.manifest["items"]
              if i["kind"] == "report" and i["site"] in gbk_sites}
    listed = dict(query(full["db"], "select url, title from listings"))
    assert {url: listed[url] for url in titles} == titles  # as the GBK list pages wrote them
    agencies = query(full["db"], "select distinct agency from current_reports r join pages p "
                                 "on p.id = r.page_id where p.url like ?",
                     portal.url("yinzhou") + "%")
    assert {a for (a,) in agencies} >= {"银州区人民政府办公室"}


def test_attachments_are_fetched_and_stored(portal, full):
    """PDF, DOC and DOCX reports arrive as their own report, with their HTML twin's numbers."""
    files = [i for i in portal.manifest["items"] if i["kind"] == "report" and i["format"] != "html"]
    assert sorted(i["format"] for i in files) == ["doc", "docx", "docx", "pdf", "pdf"]
    db = full["db"]
    for item in files:
        article, file = portal.item_url(item), portal.item_url(item, "attachment")
        assert query(db, "select count(*) from pages where url = ?", article) == [(1,)]
        assert query(db, "select count(*) from reports where source = ?", article) == [(0,)]
        assert query(db, "select referer from pages where url = ?", file) == [(article,)]
        twin = next(SAMPLES.glob(f"{item['sample']}_*.html"))
        expected = parse_document(twin.read_bytes(), twin.name)
        stored = dict(((t, r, c), v) for t, r, c, v in query(
            db, "select table_name, row_key, col_key, value from cells c join reports r "
                "on r.id = c.report_id where r.source = ?", file))
        assert stored == {(t, r, c): cell.value for t, r, c, cell in expected.iter_cells()}, (
            item["format"], item["sample"])


def test_second_crawl_of_an_unchanged_portal_downloads_no_body(full):
    assert full["second"].returncode == 0, full["second"].stderr
    log = full["second_log"]
    assert log, "the second crawl asked nothing"
    assert Counter(r.status for r in log) == {304: len(log)}
    assert not any(r.body_sent for r in log)
    assert all(r.if_none_match or r.if_modified_since for r in log)
    assert "unchanged" in full["second"].stdout


def test_crawl_stopped_halfway_resumes_to_the_same_store_without_refetching(
        portal, registry, full, tmp_path):
    db, jobdir = tmp_path / "nianbao.db", tmp_path / "job"
    portal.clear_log()
    subset = ("--agency", *ONE_PER_SITE)
    stopped = crawl(registry, db, *subset, jobdir=jobdir, CLOSESPIDER_PAGECOUNT="25")
    assert stopped.returncode == 3, stopped.stderr
    assert "closespider_pagecount" in stopped.stdout
    assert (jobdir / "requests.seen").exists()
    first_half = portal.requests
    portal.clear_log()
    resumed = crawl(registry, db, *subset, jobdir=jobdir)
    assert resumed.returncode == 0, resumed.stderr
    assert "crawl state" in resumed.stderr and "resumed" in resumed.stderr
    assert not jobdir.exists()  # a finished crawl leaves no state behind
    both = gets(first_half) + gets(portal.requests)
    assert sum(gets(first_half).values()) >= 20 and max(both.values()) == 1
    # Every body fetched exactly once over the two runs — and all of them: the same store.
    assert_same_store(db, full["db"])


@pytest.mark.parametrize("signum, state", [(signal.SIGTERM, "resumed"),
                                           (signal.SIGKILL, "discarded")])
def test_crawl_interrupted_by_a_signal_ends_with_the_same_store(
        portal, registry, full, tmp_path, signum, state):
    """SIGTERM (what the monitor sends) stops cleanly and resumes; SIGKILL leaves no usable
    queue, so the next run starts afresh — through the HTTP cache — and still ends the same."""
    db, jobdir = tmp_path / "nianbao.db", tmp_path / "job"
    slow = {"DOWNLOAD_DELAY": "0.25", "AUTOTHROTTLE_ENABLED": "False",
            "CONCURRENT_REQUESTS_PER_DOMAIN": "1"}
    subset = ("--agency", *ONE_PER_SITE)
    portal.clear_log()
    process = subprocess.Popen(crawl_command(registry, db, *subset, jobdir=jobdir, **slow),
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(portal.requests) < 20:
        time.sleep(0.02)
    os.kill(process.pid, signum)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == (3 if signum == signal.SIGTERM else -signal.SIGKILL)
    if signum == signal.SIGTERM:
        assert "crawl shutdown" in out
    assert len(portal.requests) >= 20  # stopped halfway: well begun, not done
    assert stored_pages(db) < len(store_state(full["db"])["pages"])
    restarted = crawl(registry, db, *subset, jobdir=jobdir)
    assert restarted.returncode == 0, restarted.stderr
    assert f"crawl state {jobdir}: {state}" in restarted.stderr
    assert_same_store(db, full["db"])


def test_a_report_edited_on_the_portal_becomes_a_new_version(tmp_path):
    with PortalServer() as portal:
        path = portal.write_registry(tmp_path / "agencies.csv")
        db = tmp_path / "nianbao.db"
        assert crawl(path, db, "--agency", "tieling-gov").returncode == 0
        (before,) = query(db, "select source, id from reports where agency_id = 'tieling-gov' "
                              "and year = 2023")
        portal.clear_log()
        portal.edit_report("tieling-gov", 2023)
        assert crawl(path, db, "--agency", "tieling-gov").returncode == 0
        # Only the edited report's body travels again; every other page answers 304.
        assert gets(portal.requests) == Counter({("tieling", urlsplit(before[0]).path): 1})
    versions = query(db, "select id, version, is_current from reports where source = ? "
                         "order by version", before[0])
    assert versions[0] == (before[1], 1, 0) and versions[1][1:] == (2, 1)
    assert len(query(db, "select id from pages where url = ?", before[0])) == 2


def test_discover_finds_every_annual_report_column(portal, registry):
    homes = [portal.url(s["key"]) for s in portal.manifest["sites"]]
    result = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "discover", *homes,
         *[a for k, v in FAST.items() for a in ("--set", f"{k}={v}")]],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    proposals = list(csv.DictReader(result.stdout.splitlines()))
    columns = {row["column_urls"]: row["cms"] for row in proposals}
    expected = {url: row["cms"] for row in portal.registry_rows()
                for url in row["column_urls"].split()}
    assert columns == expected
    names = {row["name"] for row in proposals}
    assert "铁岭市财政局" in names and "怀仁市行政审批服务管理局" in names

