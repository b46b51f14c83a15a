"""What a person sees: headless Chromium loads the index, a faceted table and a canned query.

Screenshots go to tests/output/ (gitignored) for a person to look at. `make test` installs Debian's
chromium; on a machine without it on PATH these tests are skipped. Chromium runs with background
networking off, so the only addresses it contacts are the test server's on 127.0.0.1.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from conftest import needs_program
from test_browse_support import YINZHOU, build_db, start_server, stop_server

CHROMIUM = shutil.which("chromium")
OUTPUT = Path(__file__).resolve().parent / "output"
pytestmark = needs_program("chromium")

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
    "--window-size=1280,1000",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    srv = start_server(build_db(tmp / "nianbao.db", tmp / "alerts"), tmp / "serve.log")
    yield srv
    stop_server(srv)


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=120, check=True,
    )


def screenshot(tmp_path: Path, url: str, name: str) -> Path:
    OUTPUT.mkdir(exist_ok=True)
    out = OUTPUT / f"{name}.png"
    out.unlink(missing_ok=True)
    chromium(tmp_path, f"--screenshot={out}", url)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert (width, height) == (1280, 1000)
    assert len(data) > 20_000, f"{out} looks blank ({len(data)} bytes)"
    return out


def dom(tmp_path: Path, url: str) -> str:
    return chromium(tmp_path, "--dump-dom", url).stdout


def test_index_page(server, tmp_path):
    screenshot(tmp_path, server.url, "browse-index")
    html = dom(tmp_path, server.url)
    assert "nianbao · 政府信息公开工作年度报告" in html
    assert f'href="/{server.db_name}"' in html


def test_faceted_table(server, tmp_path):
    url = server.path("报告一览") + "?_search=%E6%8A%A5%E5%91%8A"  # ?_search=报告
    screenshot(tmp_path, url, "browse-reports-faceted")
    html = dom(tmp_path, url)
    assert 'class="facet-info' in html
    assert "铁岭市银州区" in html and YINZHOU in html
    assert 'value="报告"' in html  # the search box keeps the query


def test_canned_query(server, tmp_path):
    url = server.path("failing_rule") + "?rule=R1_balance"
    screenshot(tmp_path, url, "browse-failing-rule")
    html = dom(tmp_path, url)
    assert "违反规则的报告" in html
    assert YINZHOU in html and "new_received" in html


def test_search_hit_and_escaping(server, tmp_path):
    url = server.path("search") + "?q=%E5%B9%B4%E6%8A%A5"  # ?q=年报
    screenshot(tmp_path, url, "browse-search")
    html = dom(tmp_path, url)
    assert "【年报】" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, never run
    assert "<script>alert(1)</script>" not in html
