"""PDF, DOCX and DOC twins of the five samples parse to the same record as their HTML/text form.

The twins in data/samples/attachments/ are what the sample portal serves; `nianbao.twins` made
them from data/samples/ (HTML form when present, else the text seed). The comparison is of the
whole `to_json()` record: the three tables exactly, the metadata and the sections too (a PDF's
text layer cannot tell a typed space next to a Chinese character from a glyph gap, so PDF text
is compared without spaces).
"""

from __future__ import annotations

from functools import cache

import pytest
from conftest import needs_program

from nianbao.twins import DATA, parse_source, sample_sources, to_docx, to_pdf
from parsing import parse_document
from parsing.docx import extract_docx
from parsing.pdf import extract_pdf

TWINS = DATA / "attachments"
SAMPLES = sorted(sample_sources())


@cache
def source(sample_id: str) -> dict:
    return parse_source(sample_sources()[sample_id]).to_json()


def _squash(value):
    if isinstance(value, str):
        return "".join(value.split())
    if isinstance(value, dict):
        return {k: _squash(v) for k, v in value.items()}
    return value


def assert_same_record(twin: dict, expected: dict, *, spaces: bool) -> None:
    for table in ("table2", "table3", "table4"):
        assert twin[table] == expected[table], table
    for key in ("year", "published", "template"):
        assert twin[key] == expected[key], key
    for key in ("title", "agency", "sections"):
        if spaces:
            assert twin[key] == expected[key], key
        else:
            assert _squash(twin[key]) == _squash(expected[key]), key


def test_every_sample_has_pdf_and_docx_twins():
    assert SAMPLES == ["000", "001", "002", "003", "004"]
    for sample_id in SAMPLES:
        assert (TWINS / f"{sample_id}.pdf").stat().st_size < 40_000
        assert (TWINS / f"{sample_id}.docx").exists()


@pytest.mark.parametrize("sample_id", SAMPLES)
def test_pdf_twin_parses_to_the_same_record(sample_id):
    body = (TWINS / f"{sample_id}.pdf").read_bytes()
    twin = parse_document(body, f"{sample_id}.pdf", "application/pdf").to_json()
    assert_same_record(twin, source(sample_id), spaces=False)


@pytest.mark.parametrize("sample_id", SAMPLES)
def test_docx_twin_parses_to_the_same_record(sample_id):
    body = (TWINS / f"{sample_id}.docx").read_bytes()
    twin = parse_document(body, f"{sample_id}.docx").to_json()
    assert_same_record(twin, source(sample_id), spaces=True)


@needs_program("soffice", "libreoffice")
@pytest.mark.parametrize("sample_id", ["001", "002"])
def test_doc_twin_parses_to_the_same_record(sample_id):
    body = (TWINS / f"{sample_id}.doc").read_bytes()
    assert body[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 Word 97 file
    twin = parse_document(body, f"{sample_id}.doc").to_json()
    assert_same_record(twin, source(sample_id), spaces=True)


@pytest.mark.parametrize("sample_id", ["001", "004"])
def test_rendering_now_still_round_trips(sample_id):
    """The generator itself, not only its committed output (001: 2019 era with blank cells;
    004: mixed headers, 15098件 and 1887.214474万元)."""
    report = parse_source(sample_sources()[sample_id])
    expected = report.to_json()
    assert_same_record(parse_document(to_pdf(report), "t.pdf").to_json(), expected, spaces=False)
    assert_same_record(parse_document(to_docx(report), "t.docx").to_json(), expected, spaces=True)


def test_sample_001_blank_cells_stay_blank_in_both_twins():
    """001 leaves most 法人或其他组织 cells empty: they are null, not 0, after the round trip."""
    for suffix in ("pdf", "docx"):
        report = parse_document((TWINS / f"001.{suffix}").read_bytes(), f"001.{suffix}")
        row = report.table3["new_received"]
        assert [row[c].value for c in row] == [2, None, None, None, None, None, 2]


def test_docx_twin_has_real_merged_cells():
    import docx

    document = docx.Document(str(TWINS / "000.docx"))
    table3 = document.tables[1]
    # python-docx hands a merged cell back at every grid position it covers: one element
    parent = [table3.cell(r, 0)._tc for r in range(5, 27)]  # 三、本年度办理结果, rows 3…24
    assert all(tc is parent[0] for tc in parent)
    assert table3.cell(5, 0).text == "三、本年度办理结果"
    assert table3.cell(4, 0)._tc is not parent[0]  # 二、上年结转 is outside the merge
    denied = [table3.cell(r, 1)._tc for r in range(7, 15)]  # （三）不予公开 over 8 items
    assert all(tc is denied[0] for tc in denied) and table3.cell(7, 1).text == "（三）不予公开"
    rows = extract_docx((TWINS / "000.docx").read_bytes()).rows
    assert ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密",
            "0", "0", "0", "0", "0", "0", "0"] in rows


def test_pdf_twin_tables_are_ruled_and_split_over_pages():
    """pdfplumber finds the twin's tables from its rulings; Table 2 runs over a page break."""
    ex = extract_pdf((TWINS / "001.pdf").read_bytes())
    rows = ex.rows
    assert ["行政事业性收费", "1", "0"] in rows or ["行政事业性收费", "1", "0", ""] in rows
    assert ["政府集中采购", "19", "14241119.2"] in rows
    assert any(r[:2] == ["三、本年度办理结果", "（四）无法提供"] for r in rows)
    assert ex.paragraphs[0].startswith("银州区人民政府办公室2020年度")
