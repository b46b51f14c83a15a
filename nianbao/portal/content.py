"""Report bodies and column items: the five samples re-issued under other agencies and years.

A report body is a sample (its HTML form from data/samples/html, else its text seed rendered as
simple HTML) with the agency's name and the years substituted and a few Table 2 numbers varied.
Only Table 2 item counts (行政许可 / 行政处罚 / 行政强制 decisions) move: they take part in no
勾稽 relation, so every balance a sample keeps (or breaks — samples 001 and 002) stays as it was.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from nianbao.portal.spec import Agency, pick

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
SAMPLES_DIR = DATA_DIR / "samples"


@dataclass(frozen=True)
class Sample:
    """What the builder must know about a sample to re-issue it under another agency and year."""

    id: str
    year: int
    era: str  # "2019" or "2021" header era
    names: tuple[str, ...]  # how the sample names its agency, longest first
    title: str  # the sample's own title, with {name} for the agency
    published: str  # when the sample's agency published it (ISO date)


SAMPLES: dict[str, Sample] = {
    s.id: s for s in (
        Sample("000", 2022, "2021", ("铁岭市营商局", "市营商局"),
               "{name}2022年政府信息公开工作年度报告", "2023-01-18"),
        Sample("001", 2020, "2019", ("铁岭市银州区人民政府办公室", "银州区人民政府办公室"),
               "{name}2020年度政府信息公开工作报告", "2021-01-26"),
        Sample("002", 2023, "2021", ("前进区发展改革工信局", "前进区发改工信局"),
               "{name}2023信息公开年报", "2024-01-22"),
        Sample("003", 2019, "2019", ("驻马店市招商投资促进局", "市招商局"),
               "{name} 2019年政府信息公开工作年度报告", "2020-01-31"),
        Sample("004", 2023, "2021", ("怀仁市行政审批服务管理局",),
               "{name} 2023年政府信息公开工作年度报告", "2024-01-15"),
    )
}
_ERA_SAMPLES = {"2019": ("001", "003"), "2021": ("000", "002", "004")}

# Table 2 rows whose numbers may vary freely (no 勾稽 rule reads them).
VARIABLE_ROWS = ("行政许可", "行政处罚", "行政强制")


@dataclass
class Item:
    """One entry of a column: a report or something to skip (指南, 工作要点, 通知…)."""

    agency_id: str
    site: str
    kind: str  # report / guide / plan / notice / trap
    title: str
    year: int | None
    published: dt.datetime
    docid: int
    format: str = "html"  # html / pdf / docx / doc — the latter three: the article is a link
    sample: str | None = None
    body: str = ""  # HTML fragment of the article body (reports: the substituted sample)
    attachment_data: bytes | None = None
    path: str = ""  # site path of the article, set by the family renderer
    attachment: str = ""  # site path of the attachment, set by the family renderer

    @property
    def date(self) -> str:
        return self.published.strftime("%Y-%m-%d")

    def manifest(self) -> dict:
        return {
            "agency_id": self.agency_id, "site": self.site, "kind": self.kind,
            "title": self.title, "year": self.year, "published": self.published.isoformat(),
            "format": self.format, "sample": self.sample, "path": self.path,
            "attachment": self.attachment or None,
        }


def sample_for(agency: Agency, year: int) -> Sample:
    """The agency's own sample for its own year; otherwise a sample of the year's header era."""
    if agency.sample and agency.sample[1] == year:
        return SAMPLES[agency.sample[0]]
    era = "2019" if year <= 2020 else "2021"
    if agency.sample and SAMPLES[agency.sample[0]].era == era:
        return SAMPLES[agency.sample[0]]
    options = _ERA_SAMPLES[era]
    return SAMPLES[options[pick(agency.id, year, "sample") % len(options)]]


def report_title(agency: Agency, year: int, family: str) -> str:
    """The usual phrasings; the sample agencies keep their own titles for their own year."""
    if agency.sample and agency.sample[1] == year:
        return SAMPLES[agency.sample[0]].title.format(name=agency.name)
    if family == "trs_dynamic" and agency.kind == "government":
        return f"{agency.title_name}{year}年度政府信息公开工作年度报告"
    name = agency.name
    phrasings = (
        f"{name}{year}年政府信息公开工作年度报告",
        f"{year}年度政府信息公开年报",
        f"关于{name}的{year}年度政务公开工作报告",
        f"{name}{year}年报",
        f"{name}{year}年度政府信息公开工作报告",
        f"{name}{year}年度政府信息公开工作年度报告",
    )
    return phrasings[pick(agency.id, year, "title") % len(phrasings)]


def publication_time(agency: Agency, year: int) -> dt.datetime:
    """Departments publish in January, governments by March; about one in twelve is late."""
    h = pick(agency.id, year, "published")
    real = agency.extra.get("published", {}).get(year)
    if real:
        day = dt.date.fromisoformat(real)
    elif agency.sample and agency.sample[1] == year:
        day = dt.date.fromisoformat(SAMPLES[agency.sample[0]].published)
    elif h % 12 == 0:
        day = dt.date(year + 1, 4 if agency.kind == "government" else 2, 3 + h % 20)
    elif agency.kind == "government":
        day = dt.date(year + 1, 1, 15) + dt.timedelta(days=h % 70)
    else:
        day = dt.date(year + 1, 1, 6 + h % 22)
    return dt.datetime(day.year, day.month, day.day, 9 + h % 8, h % 60)


def other_items(agency: Agency) -> list[tuple[str, str, dt.datetime, str]]:
    """(kind, title, published, body) of the column's non-reports — each must be skipped."""
    h = pick(agency.id, "others")
    last = max(agency.years) + 1
    items = [
        ("guide", f"{agency.name}政府信息公开指南", dt.datetime(2021, 6, 1 + h % 28, 10, 0),
         "<p>为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。"
         "一、主动公开 二、依申请公开 三、收费标准：不收费。</p>"),
        ("plan", f"{agency.name}{last}年政务公开工作要点", dt.datetime(last, 4, 1 + h % 27, 15, 0),
         f"<p>{last}年政务公开工作要点：一是加强政策解读；二是做好政府信息公开工作年度报告"
         "编制发布；三是规范依申请公开办理。</p>"),
    ]
    if agency.kind == "government":
        y = max(agency.years)
        items.append((
            "notice", f"关于做好{y}年度政府信息公开工作年度报告编制发布工作的通知",
            dt.datetime(y, 12, 10 + h % 15, 11, 0),
            f"<p>各部门：请于{y + 1}年1月31日前向社会公布本机关{y}年度"
            "政府信息公开工作年度报告。</p>",
        ))
    return items


# -- bodies -------------------------------------------------------------------------------------

def report_body(agency: Agency, year: int, samples_dir: Path = SAMPLES_DIR) -> tuple[str, str]:
    """(sample id, HTML fragment) for the agency's report of `year`."""
    sample = sample_for(agency, year)
    fragment = sample_fragment(sample.id, samples_dir)
    fragment = substitute(fragment, sample, agency.name, year)
    for label in VARIABLE_ROWS:
        delta = 0 if agency.sample == (sample.id, year) else pick(agency.id, year, label) % 9
        fragment = bump_row(fragment, label, delta)
    return sample.id, fragment


@lru_cache(maxsize=32)
def sample_fragment(sample_id: str, samples_dir: Path = SAMPLES_DIR) -> str:
    """The sample's body HTML: its HTML form if present, else its text seed as simple HTML."""
    for path in sorted((samples_dir / "html").glob(f"{sample_id}*.html")):
        return report_content(decode_html(path.read_bytes()))
    for path in sorted((samples_dir / "seeds").glob(f"{sample_id}*.txt")):
        return seed_to_html(path.read_text(encoding="utf-8"))
    raise FileNotFoundError(f"sample {sample_id}: nothing in {samples_dir}/html or /seeds")


def decode_html(data: bytes) -> str:
    """Decode by the page's declared charset (the sample pages are UTF-8 or GB2312)."""
    m = re.search(rb"charset=[\"']?([A-Za-z0-9_-]+)", data[:2048])
    charset = m.group(1).decode("ascii").lower() if m else "utf-8"
    if charset in ("gb2312", "gbk", "gb18030"):
        charset = "gb18030"
    return data.decode(charset, errors="replace")


def report_content(document: str) -> str:
    """The inside of the page's content <div id="zoom"> — else of <body>, else everything."""
    opening = re.search(r"<div\b[^>]*\bid=[\"']zoom[\"'][^>]*>", document, re.I)
    if opening:
        depth, pos = 1, opening.end()
        for tag in re.finditer(r"<(/?)div\b[^>]*>", document[pos:], re.I):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                return document[pos:pos + tag.start()].strip()
    m = re.search(r"<body[^>]*>(.*)</body>", document, re.S | re.I)
    return (m.group(1) if m else document).strip()


def seed_to_html(text: str) -> str:
    """Paragraphs for prose lines, one <table> per run of '|'-separated lines."""
    out: list[str] = []
    rows: list[str] = []
    for line in text.splitlines():
        if "|" in line:
            cells = "".join(f"<td>{html.escape(c.strip())}</td>" for c in line.split("|"))
            rows.append(f"<tr>{cells}</tr>")
            continue
        if rows:
            out.append('<table border="1" cellspacing="0">' + "".join(rows) + "</table>")
            rows = []
        if line.strip():
            out.append(f"<p>{html.escape(line.strip())}</p>")
    if rows:
        out.append('<table border="1" cellspacing="0">' + "".join(rows) + "</table>")
    return "\n".join(out)


def substitute(fragment: str, sample: Sample, name: str, year: int) -> str:
    """Put `name` where the sample names its agency, and shift the sample's years to `year`."""
    names = "|".join(re.escape(n) for n in sample.names)
    fragment = re.sub(names, name, fragment)
    shift = year - sample.year
    if shift:
        window = {sample.year - 1, sample.year, sample.year + 1}

        def move(m: re.Match) -> str:
            y = int(m.group(0))
            return str(y + shift) if y in window else m.group(0)

        fragment = re.sub(r"(?<!\d)20\d\d(?!\d)", move, fragment)
    return fragment


_ROW = re.compile(r"<tr\b.*?</tr>", re.S | re.I)
# A cell holding a count, maybe with its unit (sample 004 writes 15098件).
_NUMBER_CELL = re.compile(r"(<td\b[^>]*>(?:\s|<[^>]+>)*)(\d+)((?:件|项)?(?:\s|<[^>]+>)*</td>)",
                          re.S | re.I)


def bump_row(document: str, label: str, delta: int) -> str:
    """Add `delta` to the last number of the first table row labelled `label` (if any)."""
    if not delta:
        return document
    for row in _ROW.finditer(document):
        text = re.sub(r"<[^>]+>|\s", "", row.group(0))
        if not text.startswith(label) and f">{label}<" not in row.group(0):
            continue
        cells = list(_NUMBER_CELL.finditer(row.group(0)))
        if not cells:
            continue
        last = cells[-1]
        new_row = (row.group(0)[: last.start(2)] + str(int(last.group(2)) + delta)
                   + row.group(0)[last.end(2):])
        return document[: row.start()] + new_row + document[row.end():]
    return document
