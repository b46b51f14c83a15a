"""PDF and DOCX twins of a parsed report: the same numbers, laid out as the State Council form.

Many agencies publish the report only as a Word or PDF attachment. The sample portal serves
these twins, and the tests check that each parses back to the numbers of its HTML/text twin. The
tables are the form's own layout with real merged cells (三、本年度办理结果 down the result rows,
（三）不予公开 over its eight items, 行政诉讼 over ten columns…) and ruled lines; the text is the
report's title, its six sections and its dated signature.

    python -m nianbao.twins            # regenerate data/samples/attachments/ from data/samples/

The PDF uses reportlab's built-in CID font STSong-Light (no font file needed; pdfplumber reads
its text back). Legacy .doc twins (one per header era, ~70 KB each) are made when LibreOffice
(``soffice``) is installed; PDF and DOCX bytes are the same on every run, .doc bytes are not.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from parsing.model import (
    SECTIONS,
    TABLE2_COLUMNS,
    TABLE2_ROWS,
    TABLE3_COLUMNS,
    TABLE3_ROWS,
    TABLE3_ROWS_2019,
    TABLE3_ROWS_2021,
    TABLE4_COLUMNS,
    TABLE4_GROUPS,
    Cell,
    Report,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "samples"
NUMERALS = "一二三四五六"
TABLE3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
PARENT = "三、本年度办理结果"
# Table 2 items of 第二十条 and their rows, in the form's order.
TABLE2_ITEMS = (
    ("（一）", ("regulations", "normative_documents")),
    ("（五）", ("licensing", "other_services")),
    ("（六）", ("punishment", "enforcement")),
    ("（八）", ("fees",)),
    ("（九）", ("procurement",)),
)
DOC_SAMPLES = ("001", "002")  # .doc twins: sample 001 (2019 era, served as .doc), 002 (2021)
ERA_2019_COLUMNS = frozenset({"made", "published", "published_total", "previous_items", "change",
                              "items"})


@dataclass
class FormTable:
    """A table as laid out: ``cells[r][c]`` (text only at a merge's top-left), merges as
    ``(first row, first column, last row, last column)``, widths in points."""

    cells: list[list[str]]
    widths: list[float]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    header_rows: int = 0

    def merge(self, r0: int, c0: int, r1: int, c1: int, text: str) -> None:
        self.cells[r0][c0] = text
        if (r0, c0) != (r1, c1):
            self.merges.append((r0, c0, r1, c1))


def _raw(cell: Cell | None) -> str:
    if cell is None:
        return ""
    if cell.raw.strip():
        return cell.raw.strip()
    return "" if cell.value is None else str(cell.value)


def table2_form(report: Report) -> FormTable | None:
    rows: list[list[str]] = []
    merges: list[tuple[int, int, int, int]] = []
    for item, keys in TABLE2_ITEMS:
        present = [k for k in keys if k in report.table2]
        if not present:
            continue
        columns: list[str] = []
        for key in present:
            columns += [c for c in report.table2[key] if c not in columns]
        era = "2019" if ERA_2019_COLUMNS & set(columns) else "2021"
        r = len(rows)
        rows.append([f"第二十条第{item}项", "", "", ""])
        merges.append((r, 0, r, 3))
        headers = [_table2_header(c, item, era) for c in columns]
        for line in [["信息内容", *headers]] + [
            [_table2_label(k, era), *(_raw(report.table2[k].get(c)) for c in columns)]
            for k in present
        ]:
            r = len(rows)
            rows.append(line + [""] * (4 - len(line)))
            if len(line) < 4:
                merges.append((r, len(line) - 1, r, 3))
    if not rows:
        return None
    return FormTable(rows, [150, 115, 115, 115], merges)


def _table2_header(column: str, item: str, era: str) -> str:
    if column == "decisions":
        return "本年处理决定数量" if era == "2021" else "处理决定数量"
    if column == "amount":
        return "采购总金额" if item == "（九）" else "本年收费金额（单位：万元）"
    return TABLE2_COLUMNS[column]


def _table2_label(key: str, era: str) -> str:
    return "规范性文件" if key == "normative_documents" and era == "2019" else TABLE2_ROWS[key]


def table3_form(report: Report) -> FormTable | None:
    if not report.table3:
        return None
    era_rows = TABLE3_ROWS_2019 if "other" in report.table3 else TABLE3_ROWS_2021
    keys = [k for k in era_rows if k in report.table3]
    form = FormTable([["" for _ in range(10)] for _ in range(3 + len(keys))],
                     [24, 62, 150] + [37] * 6 + [38], header_rows=3)
    form.merge(0, 0, 2, 2, TABLE3_NOTE)
    form.merge(0, 3, 0, 9, "申请人情况")
    form.merge(1, 3, 2, 3, "自然人")
    form.merge(1, 4, 1, 8, "法人或其他组织")
    form.merge(1, 9, 2, 9, "总计")
    for c, label in enumerate(("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")):
        form.cells[2][4 + c] = label
    results = [i for i, k in enumerate(keys) if k not in ("new_received", "carried_over",
                                                           "carried_forward")]
    if results:
        form.merge(3 + results[0], 0, 3 + results[-1], 0, PARENT)
    groups: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        r = 3 + i
        group, _, item = TABLE3_ROWS[key].partition(" ")
        if key in ("new_received", "carried_over", "carried_forward"):
            form.merge(r, 0, r, 2, TABLE3_ROWS[key])
        elif item:
            groups.setdefault(group, []).append(r)
            form.cells[r][2] = item
        else:
            form.merge(r, 1, r, 2, group)
        for c, column in enumerate(TABLE3_COLUMNS):
            form.cells[r][3 + c] = _raw(report.table3[key].get(column))
    for group, rows in groups.items():
        form.merge(rows[0], 1, rows[-1], 1, group)
    return form


def table4_form(report: Report) -> FormTable | None:
    if not report.table4:
        return None
    form = FormTable([["" for _ in range(15)] for _ in range(4)], [33] * 15, header_rows=3)
    form.merge(0, 0, 0, 4, TABLE4_GROUPS["review"])
    form.merge(0, 5, 0, 14, "行政诉讼")
    form.merge(1, 5, 1, 9, "未经复议直接起诉")
    form.merge(1, 10, 1, 14, "复议后起诉")
    for c, label in enumerate(TABLE4_COLUMNS.values()):
        form.merge(1, c, 2, c, label)
        form.cells[2][5 + c] = form.cells[2][10 + c] = label
    for g, group in enumerate(TABLE4_GROUPS):
        for c, column in enumerate(TABLE4_COLUMNS):
            form.cells[3][5 * g + c] = _raw(report.table4.get(group, {}).get(column))
    return form


def layout(report: Report) -> list[tuple[str, str | FormTable]]:
    """The document in order: ("title" | "heading" | "text" | "sign", str) and ("table", form)."""
    out: list[tuple[str, str | FormTable]] = []
    if report.title:
        out.append(("title", report.title))
    forms = {"proactive": table2_form, "requests": table3_form, "reviews": table4_form}
    for n, (key, words) in enumerate(SECTIONS.items()):
        if key in report.sections:
            out.append(("heading", f"{NUMERALS[n]}、{words}"))
            out += [("text", p) for p in report.sections[key].split("\n") if p.strip()]
        form = forms[key](report) if key in forms else None
        if form is not None:
            out.append(("table", form))
    if report.published:
        y, m, d = (int(x) for x in report.published.split("-"))
        if report.agency:
            out.append(("sign", report.agency))
        out.append(("sign", f"{y}年{m}月{d}日"))
    return out


# ---- DOCX ---------------------------------------------------------------------------------


def to_docx(report: Report) -> bytes:
    """The report as a Word document: paragraphs and ruled tables with merged cells."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = docx.Document()
    for kind, content in layout(report):
        if isinstance(content, FormTable):
            _docx_table(document, content, Pt)
            continue
        paragraph = document.add_paragraph(content)
        if kind == "title":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "sign":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _drop_optional_parts(document)
    stamp = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # same bytes on every run
    props = document.core_properties
    props.created = props.modified = props.last_printed = stamp
    props.author = props.last_modified_by = ""
    props.revision = 1
    out = io.BytesIO()
    document.save(out)
    return _fixed_zip_times(out.getvalue())


def _drop_optional_parts(document) -> None:
    """The default template's thumbnail and Word 2010 style effects: a third of the file, unused
    by any reader. A part no relationship points to is not written."""
    for rels in (document.part.rels, document.part.package.rels):
        for r_id, rel in list(rels.items()):
            if rel.reltype.endswith(("/stylesWithEffects", "/thumbnail")):
                del rels[r_id]


def _fixed_zip_times(body: bytes) -> bytes:
    """Rewrite a zip with a fixed timestamp on every member, so regenerating changes nothing."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(body)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    return out.getvalue()


def _docx_table(document, form: FormTable, Pt) -> None:  # noqa: N803 (docx's unit class)
    table = document.add_table(rows=len(form.cells), cols=len(form.widths))
    table.style = "Table Grid"
    for r0, c0, r1, c1 in form.merges:
        table.cell(r0, c0).merge(table.cell(r1, c1))
    covered = {(r, c) for r0, c0, r1, c1 in form.merges
               for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0)}
    for r, row in enumerate(form.cells):
        for c, text in enumerate(row):
            if (r, c) not in covered and text:
                table.cell(r, c).text = text
    for c, width in enumerate(form.widths):
        for cell in table.columns[c].cells:
            cell.width = Pt(width)


# ---- PDF ----------------------------------------------------------------------------------


def to_pdf(report: Report) -> bytes:
    """The report as an A4 PDF with a text layer, ruled tables and page numbers."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    base = {"fontName": font, "wordWrap": "CJK"}
    styles = {
        "title": ParagraphStyle("title", fontSize=16, leading=24, alignment=TA_CENTER, **base),
        "heading": ParagraphStyle("heading", fontSize=13, leading=22, firstLineIndent=24,
                                  spaceBefore=6, **base),
        "text": ParagraphStyle("text", fontSize=11, leading=19, firstLineIndent=22, **base),
        "sign": ParagraphStyle("sign", fontSize=11, leading=19, alignment=TA_RIGHT, **base),
        "cell": ParagraphStyle("cell", fontSize=7.5, leading=9.5, alignment=TA_CENTER, **base),
    }
    story = []
    for kind, content in layout(report):
        if isinstance(content, FormTable):
            data = [[Paragraph(_escape(t), styles["cell"]) if t else "" for t in row]
                    for row in content.cells]
            style = [("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                     ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                     ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
            style += [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in content.merges]
            story += [Table(data, colWidths=content.widths, style=TableStyle(style)),
                      Spacer(1, 8)]
        else:
            story.append(Paragraph(_escape(content), styles[kind]))

    def page_number(canvas, doc) -> None:
        canvas.setFont(font, 10)
        canvas.drawCentredString(A4[0] / 2, 36, f"- {doc.page} -")

    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=50, rightMargin=50, topMargin=56,
                      bottomMargin=64, title=report.title or "", author="",
                      invariant=1).build(story, onFirstPage=page_number, onLaterPages=page_number)
    return out.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---- DOC (optional) -----------------------------------------------------------------------


def to_doc(docx_body: bytes) -> bytes | None:
    """A Word 97 .doc made by LibreOffice from the DOCX twin; None without ``soffice``."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "twin.docx"
        source.write_bytes(docx_body)
        subprocess.run([soffice, "--headless", "--convert-to", "doc", "--outdir", tmp,
                        str(source)], check=True, capture_output=True, timeout=120)
        return (Path(tmp) / "twin.doc").read_bytes()


# ---- the bundled samples --------------------------------------------------------------------


def sample_sources(samples: Path = DATA) -> dict[str, Path]:
    """Each sample's source, by sample id: its HTML form if there is one, else its text seed."""
    found: dict[str, Path] = {}
    for path in sorted((samples / "seeds").glob("*.txt")):
        found[path.name[:3]] = path
    for path in sorted((samples / "html").glob("*.html")):
        found[path.name[:3]] = path
    return found


def parse_source(path: Path) -> Report:
    from parsing import parse_document

    ctype = "text/plain" if path.suffix == ".txt" else "text/html"
    return parse_document(path.read_bytes(), path.name, ctype)


def main(argv: list[str] | None = None) -> int:
    samples = Path(argv[0]) if argv else DATA
    out = samples / "attachments"
    out.mkdir(parents=True, exist_ok=True)
    for sample_id, path in sample_sources(samples).items():
        report = parse_source(path)
        docx_body = to_docx(report)
        files = {"pdf": to_pdf(report), "docx": docx_body,
                 "doc": to_doc(docx_body) if sample_id in DOC_SAMPLES else None}
        for suffix, body in files.items():
            if body is not None:
                (out / f"{sample_id}.{suffix}").write_bytes(body)
        made = ", ".join(f"{sample_id}.{s}" for s, b in files.items() if b is not None)
        print(f"{path.name} → {made}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
