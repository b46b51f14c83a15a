"""Attachments in general: merged DOCX cells, text tidying, and refusing bad input clearly."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from conftest import needs_program

from parsing import ParseError, parse_document
from parsing.attachments import is_page_number, table_rows, tidy, title_candidates
from parsing.doc import parse_doc
from parsing.docx import extract_docx, parse_docx
from parsing.pdf import parse_pdf

FIXTURES = Path(__file__).parent / "fixtures" / "attachments"
REAL_PDF = FIXTURES / "huaian_hongzequ-zhengfu_2024.pdf"


# ---- tidying ------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "clean"), [
    ("商业企\n业", "商业企业"),
    ("三\n、\n本\n年\n度\n办\n理\n结\n果", "三、本年度办理结果"),
    ("总 计", "总计"),
    ("2023 年 1 月", "2023年1月"),
    ("5.要求行政机关确认或重 新出具\n已获取信息", "5.要求行政机关确认或重新出具已获取信息"),
    ("hzzwgk@126.com  tel 0517", "hzzwgk@126.com tel 0517"),
    (None, ""),
])
def test_tidy_joins_what_layout_broke(raw, clean):
    assert tidy(raw) == clean


@pytest.mark.parametrize(("line", "page"), [
    ("- 3 -", True), ("3", True), ("第 3 页", True), ("3/6", True), ("第3页 共6页", True),
    ("— 12 —", True), ("21", True), ("一、总体情况", False), ("21 0 0 0 0 0 21", False),
])
def test_page_numbers(line, page):
    assert is_page_number(line) is page


def test_table_rows_give_a_merged_cell_once_across_and_repeat_it_down():
    a, b, blank = object(), object(), object()
    grid = [
        [("一、本年新收政府信息公开申请数量", a), ("一、本年新收政府信息公开申请数量", a),
         ("21", object()), ("", object())],
        [("（三）不予公开", b), ("1.属于国家秘密", object()), ("1", object()), ("", object())],
        [("（三）不予公开", b), ("", blank), ("0", object()), ("0", object())],
    ]
    assert table_rows(grid) == [
        ["一、本年新收政府信息公开申请数量", "21", ""],  # a blank under numbers is kept
        ["（三）不予公开", "1.属于国家秘密", "1", ""],
        ["（三）不予公开", "0", "0"],  # an empty label cell is not a blank value
    ]


@pytest.mark.parametrize(("paragraphs", "titles"), [
    (["洪泽区人民政府", "2023年政府信息公开工作年度报告", "本报告由…"],
     ["洪泽区人民政府2023年政府信息公开工作年度报告"]),
    (["附件2", "某某局", "2023年政府信息公开工作年度报告"],
     ["某某局2023年政府信息公开工作年度报告"]),
    (["淮安市人民政府2024年政府信息公开工作年度报告", "正文"], []),  # one line: found as it is
    (["一、总体情况", "正文"], []),
])
def test_title_set_over_several_lines_is_one_candidate(paragraphs, titles):
    assert title_candidates(paragraphs) == titles


# ---- DOCX ---------------------------------------------------------------------------------

def _docx_with_merges() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("某某局2023年政府信息公开工作年度报告")
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = document.add_table(rows=4, cols=4)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "一、本年新收政府信息公开申请数量"
    table.cell(0, 2).text, table.cell(0, 3).text = "3", "3"
    table.cell(1, 0).merge(table.cell(3, 0)).text = "（三）不予公开"
    for r, (label, n) in enumerate((("1.属于国家秘密", "1"), ("1.属于国家秘密", "2"),
                                    ("2.其他法律行政法规禁止公开", "0")), start=1):
        table.cell(r, 1).text, table.cell(r, 2).text, table.cell(r, 3).text = label, n, n
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_merged_cells_are_deduplicated_by_cell_identity():
    """Rows 1 and 2 print the same text in column 1; only a shared cell is a merge."""
    ex = extract_docx(_docx_with_merges())
    assert ex.paragraphs == ["某某局2023年政府信息公开工作年度报告",
                             "三、收到和处理政府信息公开申请情况",
                             "四、政府信息公开行政复议、行政诉讼情况"]
    assert ex.rows == [
        ["一、本年新收政府信息公开申请数量", "3", "3"],
        ["（三）不予公开", "1.属于国家秘密", "1", "1"],
        ["（三）不予公开", "1.属于国家秘密", "2", "2"],
        ["（三）不予公开", "2.其他法律行政法规禁止公开", "0", "0"],
    ]


# ---- bad input ----------------------------------------------------------------------------

def _scanned_pdf() -> bytes:
    """An image-only page, as a scanner makes it: no text layer at all."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (400, 560), 255)
    ImageDraw.Draw(image).rectangle((40, 40, 360, 200), outline=0, width=3)
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawImage(ImageReader(image), 0, 0, 595, 842)
    page.showPage()
    page.save()
    return out.getvalue()


@pytest.mark.parametrize("body", [
    REAL_PDF.read_bytes()[:60_000],  # truncated download
    REAL_PDF.read_bytes()[:2_000],
    b"%PDF-1.7\n",
    b"%PDF-1.4\n" + bytes(range(256)) * 20,
], ids=["truncated", "head-only", "header-only", "garbage"])
def test_broken_pdf_is_a_parse_error_with_a_reason(body):
    with pytest.raises(ParseError, match=r"^unreadable PDF: \w+"):
        parse_pdf(body, "x.pdf")


def test_truncated_pdf_says_so():
    with pytest.raises(ParseError, match=r"unreadable PDF: damaged or truncated \(PSEOF"):
        parse_pdf(REAL_PDF.read_bytes()[:60_000], "x.pdf")


def _encrypted_pdf(user_password: str) -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out, encrypt=pdfencrypt.StandardEncryption(
        user_password, ownerPassword="owner", canCopy=0))
    page.setFont("STSong-Light", 12)
    headings = ("一、总体情况", "二、主动公开政府信息情况", "六、其他需要报告的事项")
    for n, line in enumerate(headings):
        page.drawString(72, 720 - 20 * n, line)
    page.save()
    return out.getvalue()


def test_pdf_that_needs_a_password_is_refused_clearly():
    with pytest.raises(ParseError, match="unreadable PDF: encrypted, a password is required"):
        parse_pdf(_encrypted_pdf("secret"), "x.pdf")


def test_pdf_whose_glyphs_map_to_no_characters_is_refused():
    """reportlab's encrypted CID text comes out of pdfminer as "(cid:4162)…": unusable."""
    with pytest.raises(ParseError, match=r"no usable text layer"):
        parse_pdf(_encrypted_pdf(""), "x.pdf")


def test_scanned_pdf_has_no_text_layer():
    with pytest.raises(ParseError, match=r"no text layer \(scanned PDF\?\)"):
        parse_document(_scanned_pdf(), "scan.pdf", "application/pdf")


def test_pdf_with_text_but_no_report_is_refused():
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Meeting minutes, nothing else.")
    page.save()
    with pytest.raises(ParseError, match="no recognisable annual report"):
        parse_pdf(out.getvalue(), "minutes.pdf")


@pytest.mark.parametrize("body", [
    b"PK\x03\x04" + b"x" * 200,  # a zip header and nothing after it
    _docx_with_merges()[:3_000],  # truncated
    b"PK\x05\x06" + b"\0" * 18,  # an empty zip
], ids=["garbage", "truncated", "empty-zip"])
def test_broken_docx_is_a_parse_error_with_a_reason(body):
    with pytest.raises(ParseError, match=r"^unreadable DOCX: \w+"):
        parse_docx(body, "x.docx")


def test_doc_without_libreoffice_is_refused_clearly(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ParseError, match=r"legacy \.doc: .*convert to \.docx or PDF"):
        parse_doc(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "x.doc")


@needs_program("soffice", "libreoffice")
def test_broken_doc_is_a_parse_error_with_a_reason():
    with pytest.raises(ParseError, match=r"^unreadable \.doc: LibreOffice could not convert it"):
        parse_document(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 3000, "x.doc")
