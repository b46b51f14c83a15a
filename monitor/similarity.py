"""内容雷同 (rule 10): find reports whose narrative is nearly the same as another's.

Character shingles suit Chinese (no word boundaries). Digits are folded to one symbol so a report
copied from last year with only the year and counts changed still matches. With many reports,
comparing every pair is quadratic, so one-permutation MinHash signatures with LSH banding pick
candidate pairs and the exact Jaccard similarity of the shingle sets decides.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from monitor.engine import FAIL, PASS, SKIPPED, Result, Subject
from monitor.rules import Rule

# One-permutation MinHash: each shingle is hashed once and falls in one of BINS bins; a bin keeps
# its smallest hash. Two reports agree on a bin with probability ≈ their Jaccard similarity, at the
# cost of one hash per shingle (k independent hashes would cost k times more in pure Python).
BINS, BANDS = 32, 16  # 2 bins per band: pairs at Jaccard ≥ 0.5 collide in some band ~99% of times
_EMPTY = 1 << 64
_NOISE = re.compile(r"[\s\W_]+")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\d+", "0", _NOISE.sub("", text))


def shingles(text: str, k: int) -> set[str]:
    text = normalise(text)
    return {text[i:i + k] for i in range(max(0, len(text) - k + 1))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def minhash(items: set[str]) -> tuple[int, ...]:
    sig = [_EMPTY] * BINS
    for item in items:
        h = int.from_bytes(hashlib.blake2b(item.encode(), digest_size=8).digest())
        b, v = h % BINS, h // BINS
        if v < sig[b]:
            sig[b] = v
    return tuple(sig)


@dataclass
class _Doc:
    subject: Subject
    shingles: set[str]


def evaluate_similarity(rule: Rule, subjects: Iterable[Subject],
                        corpus: Iterable[Subject] = ()) -> list[Result]:
    """One result per subject: its most similar eligible report, failing at the threshold.

    `corpus` adds reports to compare against that are not themselves checked (other years).
    """
    p = rule.params
    k, threshold = int(p.get("shingle", 5)), float(p["threshold"])
    min_chars = int(p.get("min_chars", 0))
    compare = set(p.get("compare") or ("previous_year", "same_year_other_agencies"))
    keys = p.get("sections")
    subjects = list(subjects)
    checked = {id(s) for s in subjects}
    docs: list[_Doc] = []
    short: dict[int, int] = {}
    for s in [*subjects, *(c for c in corpus if id(c) not in checked)]:
        text = "".join(s.report.sections.get(key, "") for key in (keys or s.report.sections))
        length = len(normalise(text))
        if length < min_chars:
            short[id(s)] = length
            continue
        docs.append(_Doc(s, shingles(text, k)))
    buckets: dict[tuple, list[int]] = defaultdict(list)
    rows = BINS // BANDS
    for i, doc in enumerate(docs):
        sig = minhash(doc.shingles)
        for band in range(BANDS):
            buckets[(band, sig[band * rows:(band + 1) * rows])].append(i)
    candidates: dict[int, set[int]] = defaultdict(set)
    for members in buckets.values():
        for i in members:
            candidates[i].update(j for j in members if j != i)
    index = {id(d.subject): i for i, d in enumerate(docs)}
    results = []
    for s in subjects:
        if id(s) in short:
            results.append(Result(rule.id, rule.severity, SKIPPED,
                                  reason=f"narrative too short ({short[id(s)]} < {min_chars})"))
            continue
        i = index[id(s)]
        best, match = 0.0, None
        for j in sorted(candidates[i]):
            other = docs[j].subject
            if not _comparable(s, other, compare):
                continue
            score = jaccard(docs[i].shingles, docs[j].shingles)
            if score > best:
                best, match = score, other
            if best >= threshold:  # one copy is enough; boilerplate-heavy corpora stay linear-ish
                break
        failed = best >= threshold
        reason = "no similar report" if match is None else (
            f"{'nearly the same as' if failed else 'closest:'} {_name(match)} "
            f"(Jaccard {best:.2f})")
        results.append(Result(rule.id, rule.severity, FAIL if failed else PASS,
                              expected=threshold, actual=round(best, 4), reason=reason))
    return results


def _comparable(a: Subject, b: Subject, compare: set[str]) -> bool:
    ra, rb = a.report, b.report
    same_agency = _agency(a) == _agency(b)
    if "previous_year" in compare and same_agency and ra.year and rb.year == ra.year - 1:
        return True
    return ("same_year_other_agencies" in compare and not same_agency
            and ra.year is not None and ra.year == rb.year)


def _agency(s: Subject) -> str:
    """Who published it: the registry id, else the name on the report, else the page itself."""
    return s.agency_id or s.report.agency or s.report.source


def _name(s: Subject) -> str:
    r = s.report
    return f"{r.agency or s.agency_id or r.source} {r.year or ''}".strip()
