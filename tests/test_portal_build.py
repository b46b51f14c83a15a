"""The portal builder: N agencies × years, attachment-only reports, bodies made from the samples."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import requests

from nianbao.cli import main
from nianbao.portal import PortalServer, build_site, content, default_spec, scaled_spec
from nianbao.registry import load_registry


def test_generator_builds_n_agencies_times_years(tmp_path):
    manifest = build_site(tmp_path, scaled_spec(12, range(2019, 2022), base_port=9100))
    reports = [i for i in manifest["items"] if i["kind"] == "report"]
    assert len(reports) == 12 * 3
    assert Counter(a["cms"] for a in manifest["agencies"]) == {
        "trs": 3, "hanweb": 3, "jsonapi": 2, "plain": 2, "trs_dynamic": 2}
    agencies, errors = load_registry(tmp_path / "agencies.csv")
    assert errors == [] and len(agencies) == 12
    ports = {a["portal_url"] for a in agencies}
    assert ports == {f"http://127.0.0.1:{p}/" for p in range(9100, 9105)}
    assert len({(r["agency_id"], r["year"]) for r in reports}) == 36


def test_generated_portal_serves_every_column(tmp_path):
    build_site(tmp_path, scaled_spec(10, (2023, 2024)))
    with PortalServer(tmp_path) as portal:
        assert set(portal.ports) == {"trs", "hanweb", "jsonapi", "plain", "trs_dynamic"}
        for row in portal.registry_rows():
            assert requests.get(row["column_urls"], timeout=10).status_code == 200
        for item in portal.reports()[::3]:
            page = requests.get(item["url"], timeout=10)
            assert page.status_code == 200
            assert item["title"] in page.content.decode(
                "gbk" if item["site"] == "plain" else "utf-8")


def test_cli_build_prints_counts(tmp_path, capsys):
    out = tmp_path / "site"
    assert main(["portal", "build", "--agencies", "7", "--years", "2020-2021", "--out", str(out),
                 "--registry", str(tmp_path / "reg.csv")]) == 0
    printed = capsys.readouterr().out
    assert "7 agencies · 14 reports" in printed
    assert (tmp_path / "reg.csv").read_bytes() == (out / "agencies.csv").read_bytes()


@pytest.fixture
def samples_with_twins(tmp_path):
    """The repo's samples plus fake attachment twins (the real ones are another module's)."""
    samples = tmp_path / "samples"
    for sub in ("html", "seeds"):
        shutil.copytree(content.SAMPLES_DIR / sub, samples / sub)
    (samples / "attachments").mkdir()
    (samples / "attachments" / "000_twin.pdf").write_bytes(b"%PDF-1.4 000 twin")
    (samples / "attachments" / "003_twin.pdf").write_bytes(b"%PDF-1.4 003 twin")
    (samples / "attachments" / "002_twin.docx").write_bytes(b"PK\x03\x04 002 twin")
    return samples


def test_sample_agencies_publish_their_own_report_as_an_attachment(tmp_path, samples_with_twins):
    root = tmp_path / "portal"
    build_site(root, default_spec(), samples_with_twins)
    with PortalServer(root) as portal:
        items = {(i["agency_id"], i["year"]): i for i in portal.reports()}
        trs = items[("tieling-yss", 2022)]
        assert trs["format"] == "pdf" and trs["sample"] == "000"
        assert re.fullmatch(r"/zwgk/bmxxgk/yss/zfxxgknb/202301/P020230118\d{12}\.pdf",
                            trs["attachment"])
        article = requests.get(trs["url"], timeout=10).text
        link = re.search(r'<div class="TRS_Editor"><p>附件：<a href="(\./P0\d+\.pdf)"', article)
        assert link, article
        pdf = requests.get(requests.compat.urljoin(trs["url"], link.group(1)), timeout=10)
        assert pdf.headers["Content-Type"] == "application/pdf"
        assert pdf.content == b"%PDF-1.4 000 twin"

        hanweb = items[("zhumadian-zsj", 2019)]
        assert hanweb["attachment"].startswith("/module/download/downfile.jsp?classid=0&filename=")
        download = requests.get(portal.item_url(hanweb, "attachment"), timeout=10)
        assert download.content == b"%PDF-1.4 003 twin"
        assert download.headers["Content-Disposition"].startswith("attachment; filename=")

        docx = items[("qianjin-fgj", 2023)]
        assert docx["format"] == "docx"
        got = requests.get(portal.item_url(docx, "attachment"), timeout=10)
        assert got.headers["Content-Type"].endswith("wordprocessingml.document")
        assert items[("qianjin-fgj", 2022)]["format"] == "html"  # only the sample's own year


def test_bodies_substitute_agency_and_year_and_keep_table3():
    sample = content.SAMPLES["001"]
    original = content.sample_fragment("001")
    moved = content.substitute(original, sample, "银州区红旗街道办事处", 2019)
    assert "银州区人民政府办公室" not in moved and "银州区红旗街道办事处2019年度" in moved
    assert "(2019年度)" in moved and "2021〕1号" not in moved
    varied = content.bump_row(moved, "行政许可", 4)
    rows = re.findall(r"<tr\b.*?</tr>", moved, re.S)
    changed = [(a, b) for a, b in zip(rows, re.findall(r"<tr\b.*?</tr>", varied, re.S),
                                      strict=True) if a != b]
    assert len(changed) == 1 and "行政许可" in changed[0][0]
    assert ">1251<" in changed[0][0] and ">1255<" in changed[0][1]  # 处理决定数量 only


def test_report_titles_use_the_usual_phrasings(tmp_path):
    items = build_site(tmp_path, default_spec())["items"]
    titles = [i["title"] for i in items if i["kind"] == "report"]
    assert any(re.fullmatch(r".+局\d{4}年政府信息公开工作年度报告", t) for t in titles)
    assert any(re.fullmatch(r"\d{4}年度政府信息公开年报", t) for t in titles)
    assert any(re.fullmatch(r"关于.+的\d{4}年度政务公开工作报告", t) for t in titles)
    assert any(re.fullmatch(r".+\d{4}年报", t) for t in titles)
    assert "前进区发展改革工信局2023信息公开年报" in titles


def test_cli_serve_answers_and_stops_cleanly_on_sigterm():
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "nianbao.cli", "portal", "serve", "--port", "0"],
                            stdout=subprocess.PIPE, text=True, encoding="utf-8")
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("serving"):
                break
        assert "serving 6 sites" in lines[-1]
        first_url = lines[0].split()[0]
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", first_url)
        assert requests.get(first_url + "robots.txt", timeout=10).status_code == 200
        registry = Path(re.search(r"registry for these ports: (\S+)", lines[-1]).group(1))
        agencies, errors = load_registry(registry)
        assert errors == [] and agencies[0]["portal_url"] == first_url
    finally:
        proc.terminate()
        assert proc.wait(timeout=20) == 0
    assert not registry.parent.exists()  # the temporary build is gone
