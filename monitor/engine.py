"""Evaluate one rule against one report (and, for cross-year rules, the agency's previous one).

Pure functions over `parsing.model.Report`: no SQL, so rules are testable on hand-built reports
and on parsed samples alike. Every check yields a `Result` — pass, fail, or skipped with the reason
— and the cells it read, each with the value that would have balanced the equation on its own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from monitor.labels import TABLE_LABELS, cell_label, section_label
from monitor.rules import Rule, Term
from parsing.model import Number, Report

PASS, FAIL, SKIPPED = "pass", "fail", "skipped"


@dataclass(frozen=True)
class Subject:
    """A report as the monitor sees it: the parsed content plus its identity in the store."""

    report: Report
    report_id: int | None = None
    agency_id: str | None = None


@dataclass
class CellRef:
    table: str
    row: str
    col: str
    value: Number | None
    raw: str | None
    side: str  # lhs / rhs / cell
    report_id: int | None = None
    sign: int = 1  # -1 for a subtracted term
    balancing: Number | None = None  # the value that alone would make the rule pass

    @property
    def label(self) -> str:
        return cell_label(self.table, self.row, self.col)


@dataclass
class Result:
    rule_id: str
    severity: str
    status: str
    scope: str = ""
    expected: Number | None = None
    actual: Number | None = None
    reason: str = ""
    cells: list[CellRef] = field(default_factory=list)

    @property
    def difference(self) -> Number | None:
        if self.expected is None or self.actual is None:
            return None
        return _clean(self.actual - self.expected)


def evaluate(rule: Rule, subject: Subject, previous: Subject | None = None) -> list[Result]:
    """The results of one rule for one report. Deadline and similarity rules live elsewhere."""
    template = subject.report.template
    if not rule.applies_to(template):
        eras = "/".join(rule.eras or ())
        return [_skip(rule, "", f"applies to {eras}-era reports; this one is {template}")]
    if rule.kind in ("sum_equal", "cross_year_equal"):
        return evaluate_sum(rule, subject, previous)
    if rule.kind == "presence":
        return [evaluate_presence(rule, subject.report)]
    if rule.kind == "narrative_number":
        return [evaluate_narrative(rule, subject)]
    raise ValueError(f"{rule.id}: kind {rule.kind} is not evaluated per report")


def evaluate_sum(rule: Rule, subject: Subject, previous: Subject | None) -> list[Result]:
    """One result per column (or row) of the rule: lhs == rhs over the named cells."""
    p = rule.params
    table_name, for_each = p["table"], p["for_each"]
    current = subject.report.table(table_name)
    if not current:
        return [_skip(rule, "", f"{TABLE_LABELS[table_name]} not found in the report")]
    if any(t.previous for t in rule.lhs + rule.rhs) and previous is None:
        year = subject.report.year
        prior = f"{year - 1}" if year else "the previous year"
        return [_skip(rule, "", f"no report of this agency for {prior}")]
    printed = _printed_keys(current, for_each)
    wanted = p["columns"] if for_each == "column" else p["rows"]
    results = []
    for key in printed if wanted == "*" else [str(k) for k in wanted]:
        scope = f"{for_each}:{key}"
        if key not in printed:
            results.append(_skip(rule, scope, f"{for_each} {key} not printed"))
        else:
            results.append(_sum_at(rule, scope, key, subject, previous))
    return results


def _sum_at(rule: Rule, scope: str, key: str, subject: Subject,
            previous: Subject | None) -> Result:
    """The rule's equation at one column (for_each: column) or one row (for_each: row)."""
    p = rule.params
    table_name, by_column = p["table"], p["for_each"] == "column"
    cells, absent, blank = [], [], []
    for side, terms in (("lhs", rule.lhs), ("rhs", rule.rhs)):
        for term in terms:
            src = previous if term.previous else subject
            table = src.report.table(table_name) if src else {}
            row, col = (term.key, key) if by_column else (key, term.key)
            if term.key not in _printed_keys(table, "row" if by_column else "column"):
                absent.append((term, row, col))
                continue
            cell = table.get(row, {}).get(col)
            ref = CellRef(table_name, row, col, cell.value if cell else None,
                          cell.raw if cell else None, side, src.report_id, term.sign)
            cells.append(ref)
            if ref.value is None:
                blank.append(ref)
    if absent and p.get("absent", "skip") == "skip":
        names = ", ".join(_term_name(t, table_name, r, c) for t, r, c in absent)
        return _skip(rule, scope, f"not printed: {names}", cells)
    if blank:
        names = ", ".join(_ref_name(c, subject) for c in blank)
        return _skip(rule, scope, f"blank cells: {names}", cells)
    lhs = [c for c in cells if c.side == "lhs"]
    rhs = [c for c in cells if c.side == "rhs"]
    if not lhs or not rhs:
        return _skip(rule, scope, "no printed cells on one side", cells)
    actual = _clean(sum(c.sign * c.value for c in lhs))
    expected = _clean(sum(c.sign * c.value for c in rhs))
    diff = _clean(actual - expected)
    ok = abs(diff) <= 1e-6 * max(1.0, abs(expected))
    for c in cells:
        c.balancing = None if ok else _balancing(c, diff)
    reason = "" if ok else f"{_side_text(lhs)} = {actual:g} ≠ {_side_text(rhs)} = {expected:g}"
    return Result(rule.id, rule.severity, PASS if ok else FAIL, scope, expected, actual, reason,
                  cells)


def evaluate_presence(rule: Rule, report: Report) -> Result:
    p = rule.params
    # A heading counts even with no text under it (二、三、四 are often only their table), and a
    # section whose content is a table counts when the table was found without its heading.
    by_table = p.get("section_tables") or {}
    problems = [f"section {section_label(s)} missing" for s in p.get("sections") or ()
                if s not in report.sections and not (s in by_table and report.table(by_table[s]))]
    problems += [f"{TABLE_LABELS.get(t, t)} missing" for t in p.get("tables") or ()
                 if not report.table(t)]
    for where in p.get("cells") or ():
        cell = report.table(where["table"]).get(where["row"], {}).get(where["col"])
        if cell is None or cell.value is None:
            state = "not printed" if cell is None else "blank"
            problems.append(f"{cell_label(where['table'], where['row'], where['col'])} {state}")
    from_year, templates = p.get("era_from_year"), p.get("templates")
    if from_year and templates and report.year and report.year >= int(from_year) \
            and report.template not in templates:
        problems.append(f"a {report.year} report uses {report.template}-era headers "
                        f"(expected {' or '.join(templates)})")
    return Result(rule.id, rule.severity, FAIL if problems else PASS, reason="; ".join(problems))


def evaluate_narrative(rule: Rule, subject: Subject) -> Result:
    p, report = rule.params, subject.report
    where = p["cell"]
    cell = report.table(where["table"]).get(where["row"], {}).get(where["col"])
    keys = p.get("sections") or list(report.sections)
    text = "\n".join(report.sections.get(k, "") for k in keys)
    stated, evidence = stated_number(text, p.get("patterns") or (), p.get("zero_patterns") or ())
    ref = CellRef(where["table"], where["row"], where["col"], cell.value if cell else None,
                  cell.raw if cell else None, "cell", subject.report_id)
    if stated is None:
        return _skip(rule, "", "the narrative states no number", [ref])
    if ref.value is None:
        return _skip(rule, "", f"blank cell: {ref.label}", [ref])
    ok = abs(ref.value - stated) < 1e-9
    ref.balancing = None if ok else stated
    reason = f"text says “{evidence}”" + ("" if ok else f" but {ref.label} is {ref.value:g}")
    return Result(rule.id, rule.severity, PASS if ok else FAIL, "", ref.value, stated, reason,
                  [ref])


def stated_number(text: str, patterns, zero_patterns) -> tuple[int | None, str]:
    """The first number the text states by the rule's patterns, and the words that stated it."""
    for pattern in patterns:
        m = re.search(pattern, text)
        if m:
            value = parse_number_words(m["n"])
            if value is not None:
                return value, m.group(0)
    for pattern in zero_patterns:
        m = re.search(pattern, text)
        if m:
            return 0, m.group(0)
    return None, ""


_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100}


def parse_number_words(text: str) -> int | None:
    """'12', '１２', '十二', '两', '一百零五' → int; None when it is not a number."""
    text = unicodedata.normalize("NFKC", text)
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def _printed_keys(table: dict, axis: str) -> list[str]:
    if axis == "row":
        return list(table)
    return list(dict.fromkeys(col for cols in table.values() for col in cols))


def _skip(rule: Rule, scope: str, reason: str, cells: list[CellRef] | None = None) -> Result:
    return Result(rule.id, rule.severity, SKIPPED, scope, reason=reason, cells=cells or [])


def _term_name(term: Term, table: str, row: str, col: str) -> str:
    return ("last year's " if term.previous else "") + cell_label(table, row, col)


def _ref_name(ref: CellRef, subject: Subject) -> str:
    prefix = "" if ref.report_id == subject.report_id else "last year's "
    return prefix + ref.label


def _balancing(c: CellRef, diff: Number) -> Number | None:
    """The value that would make the equation hold if this cell alone were wrong — None when that
    value is negative for a cell that is not, since a count cannot be; it is not the culprit."""
    value = _clean(c.value - c.sign * diff if c.side == "lhs" else c.value + c.sign * diff)
    return None if value < 0 <= c.value else value


def _side_text(cells: list[CellRef]) -> str:
    """'2 + 0' for short sides; long sides (rule 2 has 22 terms) show their non-zero terms."""
    if len(cells) > 4:
        cells = [c for c in cells if c.value] or cells[:1]
    parts = []
    for c in cells:
        parts.append(("− " if c.sign < 0 else "+ " if parts else "") + f"{c.value:g}")
    return " ".join(parts)


def _clean(x: Number) -> Number:
    """Round away float noise (amounts in 万元 have decimals) and give ints back as ints."""
    x = round(x, 6)
    return int(x) if float(x).is_integer() else x
