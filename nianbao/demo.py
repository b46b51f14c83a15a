"""The main job on the embedded default: serve the sample portal, crawl, parse, store, check.

The sample portal (nianbao.portal) runs on 127.0.0.1 at the ports the bundled registry
(data/agencies.csv) names; the crawl is the real one (`nianbao crawl`), with the politeness delays
taken out because the portal is on loopback. A second run asks every page again and gets 304s.
"""

from __future__ import annotations

import sys
import urllib.request
from pathlib import Path

from nianbao.crawl import DEFAULT_REGISTRY, format_result, format_store, run_crawl
from nianbao.portal import DEFAULT_BASE_PORT, PortalServer, default_spec
from nianbao.registry import load_registry
from nianbao.store import Store

LOOPBACK_SETTINGS = {
    "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_START_DELAY": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "4", "LOG_LEVEL": "WARNING",
}


def bundled_portal_running() -> bool:
    """True when the bundled sample portal already answers on its ports (`nianbao portal serve`)."""
    home = f"http://127.0.0.1:{DEFAULT_BASE_PORT}/"
    try:
        with urllib.request.urlopen(home, timeout=5) as response:  # noqa: S310 (loopback)
            page = response.read().decode("utf-8", "replace")
    except OSError:
        return False
    return f'name="SiteName" content="{default_spec().sites[0].name}"' in page


def run_demo(db_path: Path) -> int:
    agencies, errors = load_registry(DEFAULT_REGISTRY)
    for error in errors:
        print(f"{DEFAULT_REGISTRY}: {error}", file=sys.stderr)
    portal = PortalServer(base_port=DEFAULT_BASE_PORT)
    try:
        portal.start()
    except OSError as exc:
        if not bundled_portal_running():
            print(f"ports {DEFAULT_BASE_PORT}–{DEFAULT_BASE_PORT + 5} are taken ({exc}); free "
                  "them to run the demo", file=sys.stderr)
            return 2
        print("the sample portal is already being served on its ports: crawling that one")
        portal = None
    try:
        if portal is not None:
            print(f"sample portal: {len(portal.ports)} sites on 127.0.0.1 "
                  f"({', '.join(f'{k}:{p}' for k, p in portal.ports.items())})")
        result = run_crawl(agencies, db=db_path, overrides=LOOPBACK_SETTINGS)
    finally:
        if portal is not None:
            portal.stop()
    print(format_result(result, len(agencies)))
    print(format_store(db_path))
    print(check_latest_year(db_path))
    return 0 if result.finished else 1


def check_latest_year(db_path: Path) -> str:
    """Run every rule and the deadlines on the newest report year the portal holds."""
    from monitor.check import run_check
    from monitor.commands import describe_outcome
    from monitor.rules import load_rules

    store = Store(db_path)
    year = store.db.execute("select max(year) from current_reports").fetchone()[0]
    rules = load_rules()
    outcome = run_check(store, rules=rules, year=year, out_dir=db_path.parent / "alerts")
    return describe_outcome(store, outcome, rules.version)
