"""Parser throughput: nianbao's HTML parser against the baseline a user would otherwise write.

Run: ``.venv/bin/python bench/parse_bench.py [--docs N]``. Builds a corpus of N (default 2,000)
report pages from data/samples/html by small variations (other numbers in the cells, other agency
names), then parses all of it, in one process on one core:

- nianbao: ``parsing.parse_document`` — the whole report (metadata, six sections, Tables 2–4);
- baseline: BeautifulSoup with html.parser and label matching over the table rows, extracting
  only the Table 3 values (the fair minimum a user would write; it is checked to agree with
  nianbao on Table 3 for every document before it is timed).

Rates are reports per CPU second of this process (``time.process_time``): one core's throughput,
which stays meaningful when other work shares the machine; wall-clock rates are printed beside
them. Peak memory is the process's peak resident set (``resource``), corpus included; the
Python-heap peak of nianbao's pass (tracemalloc, which cannot see libxml2's C memory) is printed
too. The last line is ``nianbao X reports/s · baseline Y reports/s · peak Z MB``.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import sys
import time
import tracemalloc
import unicodedata
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parsing import parse_document  # noqa: E402
from parsing.model import TABLE3_COLUMNS  # noqa: E402

SAMPLES = ROOT / "data" / "samples" / "html"
AGENCIES = ("前进区发展改革工信局", "怀仁市行政审批服务管理局", "驻马店市招商投资促进局")
_VALUE_CELL = re.compile(rb'(<td valign="middle" align="center">(?:<p>)?)(\d+)((?:</p>)?</td>)')


def build_corpus(n: int, seed: int = 7) -> list[tuple[str, bytes]]:
    """``n`` pages: the samples with their numbers and agency names varied."""
    rng = random.Random(seed)
    pages = sorted(SAMPLES.glob("*.html"))
    originals = [(p.name, p.read_bytes()) for p in pages]
    corpus = []
    for i in range(n):
        name, body = originals[i % len(originals)]
        body = _VALUE_CELL.sub(
            lambda m: m[1] + str(rng.randrange(0, 500)).encode() + m[3], body)
        for agency in AGENCIES:
            body = body.replace(agency.encode(), f"{agency[:-1]}{i}{agency[-1]}".encode())
        corpus.append((f"http://127.0.0.1/{i}/{name}", body))
    return corpus


# -- the baseline ---------------------------------------------------------------------------------
_T3_LABELS = {  # the words a user would match on, per Table 3 row
    "new_received": "本年新收", "carried_over": "上年结转", "granted": "予以公开",
    "partially_granted": "部分公开", "denied_state_secret": "国家秘密",
    "denied_law": "其他法律行政法规禁止公开", "denied_security": "三安全一稳定",
    "denied_third_party": "第三方合法权益", "denied_internal": "内部事务信息",
    "denied_process": "过程性信息", "denied_enforcement_file": "行政执法案卷",
    "denied_query": "行政查询事项", "unavailable_not_held": "不掌握相关政府信息",
    "unavailable_needs_creation": "另行制作", "unavailable_unclear": "仍不明确",
    "rejected_petition": "信访举报投诉", "rejected_duplicate": "重复申请",
    "rejected_publication": "公开出版物", "rejected_excessive": "大量反复申请",
    "rejected_confirmation": "确认或重新出具", "other_no_correction": "逾期不补正",
    "other_no_fee": "缴纳费用", "other_misc": "3.其他", "other": "其他处理",
    "total_handled": "总计", "carried_forward": "结转下年度",
}
_NUM = re.compile(r"^[增减]?-?\d+(?:\.\d+)?(?:件|元|万元)?$")


def baseline_table3(body: bytes) -> dict[str, list[float | None]]:
    """BeautifulSoup + label matching: each <tr> whose text cells name a Table 3 row; the last
    seven cells are the values (blank → None)."""
    soup = BeautifulSoup(body, "html.parser")
    out: dict[str, list[float | None]] = {}
    for table in soup.find_all("table"):
        text = table.get_text()
        if "申请人情况" not in text and "本年新收" not in text:
            continue
        for tr in table.find_all("tr"):
            cells = [unicodedata.normalize("NFKC", td.get_text()).strip()
                     for td in tr.find_all(["td", "th"])]
            if len(cells) < 8:
                continue
            label = "".join(cells[:-7]).replace(" ", "").replace("“", "").replace("”", "")
            key = _row_key(label)
            if key is None or key in out:
                continue
            out[key] = [_number(c) for c in cells[-7:]]
    return out


def _row_key(label: str) -> str | None:
    if not label or "勾稽" in label:
        return None
    if "其他处理" in label and "1." not in label and "2." not in label and "3." not in label:
        return "other"
    for key, words in _T3_LABELS.items():
        if key != "other" and words.replace("“", "") in label:
            return key
    return None


def _number(text: str) -> float | None:
    t = text.replace(",", "").replace("\xa0", "").strip()
    if not _NUM.match(t):
        return None
    sign = -1 if t.startswith("减") else 1
    return sign * float(re.sub(r"[^\d.]", "", t))


# -- the run --------------------------------------------------------------------------------------
def nianbao_table3(body: bytes, url: str) -> dict[str, list[float | None]]:
    report = parse_document(body, url, "text/html")
    return {k: [None if (c := cols.get(col)) is None or c.value is None else float(c.value)
                for col in TABLE3_COLUMNS] for k, cols in report.table3.items()}


def rate(fn, corpus) -> tuple[float, float]:
    """(reports per CPU second, reports per wall-clock second)."""
    cpu, wall = time.process_time(), time.perf_counter()
    for url, body in corpus:
        fn(body, url)
    return (len(corpus) / (time.process_time() - cpu),
            len(corpus) / (time.perf_counter() - wall))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=2000)
    args = ap.parse_args(argv)
    corpus = build_corpus(args.docs)
    size = sum(len(b) for _, b in corpus) / 1e6
    print(f"corpus: {len(corpus)} pages from {SAMPLES.relative_to(ROOT)}, {size:.1f} MB")

    disagree = [url for url, body in corpus
                if baseline_table3(body) != nianbao_table3(body, url)]
    print(f"baseline agrees with nianbao on Table 3: {len(corpus) - len(disagree)}/{len(corpus)}")
    if disagree:
        print(f"  disagreement, e.g. {disagree[0]}")

    nb, nb_wall = rate(lambda body, url: parse_document(body, url, "text/html"), corpus)
    print(f"nianbao  (lxml, whole report):          {nb:7.1f} reports/CPU-s "
          f"({nb_wall:.1f}/s wall clock)")
    base, base_wall = rate(lambda body, url: baseline_table3(body), corpus)
    print(f"baseline (BeautifulSoup, Table 3 only): {base:7.1f} reports/CPU-s "
          f"({base_wall:.1f}/s wall clock)")

    tracemalloc.start()
    for url, body in corpus[:500]:
        parse_document(body, url, "text/html")
    heap = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"memory: peak RSS {rss:.1f} MB (corpus {size:.1f} MB included); "
          f"tracemalloc peak while nianbao parses 500 pages {heap:.2f} MB")
    print(f"nianbao {nb:.0f} reports/s · baseline {base:.0f} reports/s · peak {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
