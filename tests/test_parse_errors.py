"""Bad input: no report → a clear ParseError; a truncated report → what is there, and warnings."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from parsing import parse_document
from parsing.html import parse_html
from parsing.model import ParseError
from parsing.text import parse_text

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "data" / "samples" / "html" / "002_ef97f8f9160db1bf.html"
SEED = ROOT / "data" / "samples" / "seeds" / "002_ef97f8f9160db1bf.txt"

NEWS = """<html><head><meta charset="utf-8">
<title>关于开展政务公开培训的通知_某市人民政府</title></head>
<body><h1>关于开展政务公开培训的通知</h1><p>各单位：定于2024年3月1日开展培训。</p>
<table><tr><td>索引号</td><td>001/2024-01</td></tr></table></body></html>"""


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (NEWS.encode(), "no recognisable annual report"),
        (b"", "empty document"),
        (b"<html><body>   </body></html>", "empty document"),
        ("<html><body><p>一、总体情况</p><p>正文</p></body></html>".encode(),
         "1 of the six section headings"),
    ],
)
def test_pages_without_a_report_raise_a_clear_parse_error(body, reason):
    with pytest.raises(ParseError, match=reason):
        parse_document(body, "http://127.0.0.1/x.html", "text/html")


def test_text_without_a_report():
    with pytest.raises(ParseError, match="no recognisable annual report"):
        parse_text("这是一份会议纪要。\n出席人员：略。".encode(), "x.txt")


def test_truncated_page_keeps_what_it_has_and_lists_what_is_missing():
    html = PAGE.read_text(encoding="utf-8")
    cut = html.index("5.属于三类内部事务信息")  # the page ends inside Table 3
    report = parse_html(html[:cut].encode(), "http://127.0.0.1/cut.html", "text/html")
    assert report.table3["denied_state_secret"]["total"].value == 0
    assert report.table3["new_received"]["total"].value == 2
    assert "total_handled" not in report.table3
    warnings = "\n".join(report.warnings)
    assert "table3: missing rows denied_internal" in warnings
    assert "carried_forward" in warnings
    assert "table4: not found" in warnings
    assert "sections: missing reviews, problems, other" in warnings


def test_truncated_text_mid_row():
    text = SEED.read_text(encoding="utf-8")
    cut = text.index("| 2.重复申请")
    report = parse_text(text[: cut + 30].encode(), "cut.txt")
    assert report.table3["rejected_petition"]["natural_person"].value == 0
    assert any("rejected_duplicate:" in w and "of 7 values" in w for w in report.warnings)


def test_utf8_page_declaring_gbk_and_gbk_page_without_declaration():
    html = PAGE.read_text(encoding="utf-8")
    lying = html.replace('<meta charset="utf-8">', '<meta charset="gbk">').encode("utf-8")
    assert parse_html(lying, "", None).agency == "前进区发展改革工信局"
    silent = html.replace('<meta charset="utf-8">', "").encode("gb18030")
    assert parse_html(silent, "", None).agency == "前进区发展改革工信局"
    from_header = html.replace('<meta charset="utf-8">', "").encode("gbk")
    report = parse_html(from_header, "", "text/html; charset=GBK")
    assert report.table3["granted"]["total"].value == 2


def test_text_file_in_gb18030():
    body = SEED.read_text(encoding="utf-8").encode("gb18030")
    report = parse_document(body, "report.txt", "text/plain")
    assert report.agency == "前进区发展改革工信局"
    assert report.table3["unavailable_not_held"]["total"].value == 1


def test_damaged_documents_never_crash():
    """Lines dropped, repeated and cut at random: a Report or a ParseError, nothing else."""
    rng = random.Random(20240115)
    for path in [SEED, PAGE]:
        lines = path.read_text(encoding="utf-8").splitlines()
        for _ in range(25):
            damaged = list(lines)
            for _ in range(rng.randrange(1, 30)):
                j = rng.randrange(len(damaged))
                op = rng.random()
                if op < 0.4:
                    del damaged[j]
                elif op < 0.7:
                    damaged.insert(j, damaged[rng.randrange(len(damaged))])
                elif damaged[j]:
                    k = rng.randrange(len(damaged[j]))
                    damaged[j] = damaged[j][:k] + damaged[j][k + 1:]
            try:
                report = parse_document("\n".join(damaged).encode(), path.name, None)
            except ParseError:
                continue
            assert isinstance(report.warnings, list)
