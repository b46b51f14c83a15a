"""The five seeds, as text and as HTML pages, parse to the records written by reading them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parsing import parse_document
from parsing.html import parse_html
from parsing.text import parse_text

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "data" / "samples" / "seeds").glob("*.txt"))
PAGES = sorted((ROOT / "data" / "samples" / "html").glob("*.html"))
EXPECTED = Path(__file__).resolve().parent / "fixtures" / "expected"
# What the HTML pages add to the seed text: a page title (ArticleTitle) and a PubDate.
PAGE_META = {
    "000": ("政府信息公开工作年度报告", "2023-01-18"),
    "001": ("银州区人民政府办公室2020年度政府信息公开工作报告", "2021-01-29"),
    "002": ("前进区发展改革工信局2023信息公开年报", "2024-01-25"),
    "003": ("驻马店市招商投资促进局 2019年政府信息公开工作年度报告", "2020-01-31"),
    "004": ("怀仁市行政审批服务管理局 2023年政府信息公开工作年度报告", "2024-01-15"),
}


def expected(path: Path) -> dict:
    return json.loads((EXPECTED / f"{path.name[:3]}.json").read_text(encoding="utf-8"))


def check(report, exp: dict, title: str | None, published: str | None) -> None:
    out = report.to_json()
    assert out["title"] == title
    assert out["published"] == published
    for key in ("agency", "year", "template", "table2", "table3", "table4"):
        assert out[key] == exp[key], key
    assert list(out["sections"]) == exp["sections"]
    for key, snippet in exp["section_snippets"].items():
        assert snippet in out["sections"][key], key
    cells = {f"{t}.{r}.{c}": cell for t, r, c, cell in report.iter_cells()}
    for where, raw in exp["raw"].items():
        assert cells[where].raw.strip() == raw, where
    for where, unit in exp["units"].items():
        assert cells[where].unit == unit, where
    for text in exp["warnings_contain"]:
        assert any(text in w for w in out["warnings"]), (text, out["warnings"])


def test_all_five_seeds_are_bundled():
    assert [p.name[:3] for p in SEEDS] == ["000", "001", "002", "003", "004"]
    assert [p.name[:3] for p in PAGES] == ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seed_text_parses_to_expected(path: Path):
    exp = expected(path)
    report = parse_text(path.read_bytes(), str(path))
    check(report, exp, exp["title"], exp["published"])
    # the dispatcher picks the text parser from the name
    assert parse_document(path.read_bytes(), str(path)).to_json() == report.to_json()


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name[:3])
def test_seed_html_page_parses_to_the_same_values(path: Path):
    exp = expected(path)
    title, published = PAGE_META[path.name[:3]]
    report = parse_html(path.read_bytes(), str(path), "text/html")
    check(report, exp, title, published)


def test_gbk_page_declares_gb2312_and_decodes():
    page = next(p for p in PAGES if p.name.startswith("001"))
    body = page.read_bytes()
    assert b'charset="gb2312"' in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    report = parse_document(body, page.as_uri(), None)
    assert report.agency == "银州区人民政府办公室"
    assert report.table2["licensing"]["change"].raw == "增4747"


def test_known_facts_from_the_brief():
    by = {p.name[:3]: parse_text(p.read_bytes(), str(p)) for p in SEEDS}
    t3 = by["001"].table3
    assert (t3["new_received"]["natural_person"].value, t3["new_received"]["total"].value) == (2, 2)
    assert t3["carried_over"]["natural_person"].value == 0
    assert t3["carried_over"]["total"].value is None
    assert t3["total_handled"]["total"].value is None
    assert (t3["carried_forward"]["natural_person"].value, t3["carried_forward"]["total"].value) \
        == (0, 0)
    assert all(t3[r][c].value is None for r in t3 for c in ("commercial", "research", "other_org"))
    t3 = by["002"].table3
    for row, value in (("granted", 2), ("unavailable_not_held", 1), ("total_handled", 2)):
        assert t3[row]["natural_person"].value == t3[row]["total"].value == value
    assert by["004"].published == "2024-01-15"
    assert by["003"].published == "2020-01-31"
    assert by["000"].agency is None
    assert by["004"].template == "mixed"
    assert isinstance(by["001"].table2["procurement"]["amount"].value, float)
    assert isinstance(by["004"].table2["licensing"]["decisions"].value, int)
