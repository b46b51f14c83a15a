"""Place the cells of Tables 2, 3 and 4 into a `Report` by their labels — the reusable core.

Every format reduces its tables to *logical rows*: lists of cell strings in document order.
An HTML table after expanding rowspan/colspan, a PDF/DOCX table extraction, the lines of a
pipe-separated text (`rows_from_lines`) — all are fed the same way::

    from parsing.tables import fill_tables, rows_from_lines
    fill_tables(report, rows)                   # rows: list[list[str]], all three tables
    fill_tables(report, rows_from_lines(lines)) # text whose cells are split by "|" or lines

A cell may be ``None``: a slot under a merged cell, as pdfplumber's ``extract_tables`` gives
it; it is skipped (an HTML table instead repeats a merged cell's text in every slot it covers).
`fill_tables` fills ``report.table2/table3/table4``, sets ``report.template`` ("2019", "2021",
"mixed" or "unknown") and appends warnings; it never raises. Headings, narrative lines and empty
rows among the rows are tolerated.

How the rows are read
- The rows are flattened into one stream of cells. A cell is a *value* (a number, possibly with
  a unit or 增/减, a blank or a dash) or a *label*. Row boundaries are not trusted, because text
  extraction splits one table row over several lines; a run of labels followed by values is one
  table row.
- The labels of a run say which row it is (the form's wording, normalised: full-width/half-width,
  spaces inside words, quotes), which table we are in (第二十条 → Table 2; 勾稽关系, 申请人情况,
  自然人 → Table 3; 行政复议, 行政诉讼 → Table 4) and, for Table 2, which columns follow (by header
  text, cut headers such as "本年新 | 本年新" by position). Rows are found by label, so a missing or
  extra row never shifts the others. （三）…（六） are the group context of numbered items.
- Values are taken in order: 7 for a Table 3 row (自然人, the five 法人或其他组织 kinds, 总计),
  15 for Table 4 (行政复议, 未经复议直接起诉, 复议后起诉, each 维持/纠正/其他/尚未审结/总计: the
  form's fixed order, so cut headers do not matter), one per header for Table 2. Surplus
  blanks are padding; surplus numbers and short rows are warnings.
- A label that matches nothing exactly is tried with a conservative fuzzy match (its characters
  in order inside exactly one candidate label, or a label split one character per cell) and the
  match is recorded as a warning. A row that still cannot be placed is a warning, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from parsing.model import (
    TABLE2_ROWS,
    TABLE3_COLUMNS,
    TABLE3_ROWS,
    TABLE3_ROWS_2019,
    TABLE3_ROWS_2021,
    TABLE4_COLUMNS,
    TABLE4_GROUPS,
    Report,
)
from parsing.values import norm, parse_value, value_kind

__all__ = ["fill_tables", "rows_from_lines", "split_enum"]

_ENUM = re.compile(
    r"^(?:(?P<cn>[一二三四五六七八九十]{1,2})[、.,]|\((?P<pcn>[一二三四五六七八九十]{1,2})\)"
    r"|(?P<d>\d{1,2})[.、,)]|\((?P<pd>\d{1,2})\)|[-•·])"
)
_ITEM20 = re.compile(r"第二十条第\(?([一二三四五六七八九十]+)\)?项")
_UNIT = re.compile(r"(?:单位:?)?(万元|元|件)\)")


def split_enum(label: str) -> tuple[str, str]:
    """A normalised label's numbering and words: "(三)不予公开" → ("三", "不予公开")."""
    m = _ENUM.match(label)
    if not m:
        return "", label
    num = m["cn"] or m["pcn"] or m["d"] or m["pd"] or ""
    return num, label[m.end():]


# -- Table 3 vocabulary, derived from the model's labels ------------------------------------------
_GROUPS: dict[str, list[tuple[str, str]]] = {}  # group words → [(row key, item words)]
for _key, _label in TABLE3_ROWS.items():
    if " " in _label:
        _g, _item = _label.split(" ", 1)
        _GROUPS.setdefault(split_enum(norm(_g))[1], []).append((_key, split_enum(norm(_item))[1]))
_OTHER_GROUP = split_enum(norm(TABLE3_ROWS["other"]))[1]  # 其他处理: one row in the 2019 era
_TOP_ROWS = (  # label prefix → key, for the rows outside the groups
    ("本年新收", "new_received"), ("上年结转", "carried_over"), ("予以公开", "granted"),
    ("部分公开", "partially_granted"), ("结转下年", "carried_forward"),
)
_PARENT = "本年度办理结果"
_T3_HEADERS = frozenset(
    {"申请人情况", "法人或其他组织"} | {norm(v) for k, v in TABLE3_COLUMNS.items()
                                        if k not in ("other_org", "total")}
)
_T3_COLS = tuple(TABLE3_COLUMNS)

# -- Table 2 -------------------------------------------------------------------------------------
_T2_ROWS = {norm(v): k for k, v in TABLE2_ROWS.items()} | {"规范性文件": "normative_documents"}
# header words → (column key, era). Order matters for cut headers: the form's order.
_T2_HEADERS: tuple[tuple[str, str, str], ...] = (
    ("本年制发件数", "issued", "2021"), ("本年废止件数", "repealed", "2021"),
    ("现行有效件数", "in_force", "2021"), ("本年新制作数量", "made", "2019"),
    ("本年新公开数量", "published", "2019"), ("对外公开总数量", "published_total", "2019"),
    ("上一年项目数量", "previous_items", "2019"), ("本年增/减", "change", "2019"),
    ("本年增减", "change", "2019"), ("本年处理决定数量", "decisions", "2021"),
    ("处理决定数量", "decisions", "2019"), ("本年收费金额", "amount", "2021"),
    ("采购项目数量", "items", "2019"), ("采购总金额", "amount", "2019"),
)
_T2_HEADER_STARTS = frozenset(w[0] for w, _, _ in _T2_HEADERS)
_ITEM_HEADERS = {
    "一": {"本年制发件数", "本年废止件数", "现行有效件数", "本年新制作数量", "本年新公开数量",
           "对外公开总数量"},
    "五": {"上一年项目数量", "本年增/减", "本年增减", "本年处理决定数量", "处理决定数量"},
    "八": {"上一年项目数量", "本年增/减", "本年增减", "本年收费金额"},
    "九": {"采购项目数量", "采购总金额"},
}
_ITEM_HEADERS["六"] = _ITEM_HEADERS["五"]
# When a report prints no headers: the form's columns by item and by how many values there are.
_T2_DEFAULTS = {
    ("一", 3): ("issued", "repealed", "in_force"), ("五", 1): ("decisions",),
    ("五", 3): ("previous_items", "change", "decisions"), ("六", 1): ("decisions",),
    ("六", 3): ("previous_items", "change", "decisions"), ("八", 1): ("amount",),
    ("八", 2): ("previous_items", "change"), ("九", 2): ("items", "amount"),
}

# -- Table 4 -------------------------------------------------------------------------------------
_T4_MARKERS = frozenset({"行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"})
_T4_HEADERS = tuple(_T4_MARKERS) + tuple(TABLE4_COLUMNS.values())
_T4_SLOTS = tuple((g, c) for g in TABLE4_GROUPS for c in TABLE4_COLUMNS)


@dataclass
class _Row:
    """A table row being filled: which cells its values go to, in order."""

    table: str  # table2 / table3 / table4, or "" for values that could not be placed
    key: str
    label: str
    slots: list[tuple[str, str]] | None  # None: Table 2 without headers, decided at the end
    units: list[str | None] = field(default_factory=list)
    item: str | None = None
    values: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.limit = len(self.slots) if self.slots is not None else 1 << 30

    def full(self) -> bool:
        return len(self.values) >= self.limit


class _Filler:
    """The state of one pass over the cell stream (see the module docstring)."""

    def __init__(self, report: Report):
        self.report = report
        self.table: str | None = None
        self.item: str | None = None
        self.columns: list[tuple[str, str | None]] = []  # (column key, unit from the header)
        self.last_was_header = False
        self.group: str | None = None
        self.t3_started = False
        self.pending: list[str] = []
        self.row: _Row | None = None
        self.eras: set[str] = set()
        self.warnings: list[str] = []

    # -- the stream ------------------------------------------------------------------------------
    def feed(self, rows: Iterable[list[str | None]]) -> None:
        for cells in rows:
            if None in cells:  # slots under a merged cell, as PDF table extraction gives them
                cells = [c for c in cells if c is not None]
            kinds = [value_kind(c) for c in cells]
            pure = "number" in kinds and None not in kinds
            skip = 0
            for i, (cell, kind) in enumerate(zip(cells, kinds, strict=True)):
                if skip:
                    skip -= 1
                    continue
                row = self.row
                if kind is None:
                    if row is not None:
                        self.close_row()
                    self.pending.append(cell)
                elif row is not None and not self.pending and len(row.values) < row.limit:
                    row.values.append(cell)  # the common case, kept cheap
                else:
                    started = bool(self.pending)
                    self.value(cell, kind == "blank", pure)
                    if started and kind == "blank" and self.row is not None:
                        skip = self.label_padding(kinds, i)
        self.close_row()
        if self.pending:  # labels at the very end: a row whose values are missing
            self.resolve(self.pending, trailing=True)
            self.pending = []

    def label_padding(self, kinds: list[str | None], i: int) -> int:
        """A row that starts with blanks and holds more values than its table row has: the
        blanks are empty label cells (a PDF's "（六）其他处理 |  | 0 | …"), not values. Drop
        them — the first was just taken — and say how many of the next cells to skip."""
        row = self.row
        end = i
        while end < len(kinds) and kinds[end] is not None:
            end += 1
        extra = (end - i) - row.limit
        if extra <= 0:
            return 0
        lead = 0
        while lead < extra and kinds[i + lead] == "blank":
            lead += 1
        del row.values[-1:]
        return lead - 1

    def value(self, cell: str, blank: bool, pure_row: bool) -> None:
        if self.pending:
            labels, self.pending = self.pending, []
            target, unplaced = self.resolve(labels)
            if target is not None:
                self.row = self.start_row(*target)
            elif unplaced is not None:
                self.row = _Row("", "", unplaced, None)
            elif self.table == "table4" and (not blank or pure_row):
                self.row = self.start_row("table4", "", "")
            else:
                return  # labels were headings or headers; a blank after them is padding
        elif self.row is None:
            if self.table == "table4" and (not blank or pure_row) and not self.report.table4:
                self.row = self.start_row("table4", "", "")
            elif not blank and self.table in ("table2", "table3"):
                self.warn(f"{self.table}: value {cell.strip()!r} has no row label; ignored")
                return
            else:
                return
        row = self.row
        if row.full():
            if not blank and row.table:
                self.warn(f"{row.table} {row.key or 'row'}: extra value {cell.strip()!r} ignored")
            return
        row.values.append(cell)

    # -- labels ----------------------------------------------------------------------------------
    def resolve(self, labels: list[str], trailing: bool = False):
        """Read a run of labels: update the context; return ((table, key, label), None) for a
        row, (None, label) for a row that cannot be placed, or (None, None) for headers only."""
        found: tuple[str, str, str] | None = None
        tail: list[str] = []  # unrecognised labels after the last recognised one
        prev = None
        for raw in labels:
            if raw == prev and self.table != "table2":
                continue  # a rowspan/colspan repeat; in Table 2 repeats are cut headers
            prev = raw
            n = norm(raw)
            if not n:
                continue
            if self.context_label(n):
                tail = []
                continue
            hit = self.match_row(n)
            if hit is None:
                tail.append(n)
                continue
            tail = []
            if found and found[1] != hit[1] and found[0] != "group" and hit[0] != "group":
                self.warn(f"{found[0]} {found[1]}: row has no values")
            found = (*hit, raw.strip())
        if tail and self.table in ("table2", "table3") and (found is None or found[0] == "group"):
            hit = self.fuzzy(tail)
            if hit is not None:
                found = hit
            else:
                found = None
                if not trailing:
                    return None, "".join(tail)
        if found is not None and found[0] == "group":
            if found[1] == _OTHER_GROUP:
                found = ("table3", "other", found[2])
            else:
                return None, found[2]
        if trailing and found is not None:
            self.warn(f"{found[0]} {found[1]}: row has no values (the document ends)")
            return None, None
        return found, None

    def context_label(self, n: str) -> bool:
        """Headers, table titles and item headers: they set the context and place nothing."""
        item = _item20(n)
        if item:
            self.table, self.item, self.columns, self.last_was_header = "table2", item, [], False
            return True
        if n == "信息内容":
            self.table, self.columns, self.last_was_header = "table2", [], False
            return True
        header = self.t2_header(n)
        if header is not None:
            if not self.last_was_header:
                self.columns = []
            key, era, unit = header
            self.columns.append((key, unit))
            self.eras.add(era)
            self.table, self.last_was_header = "table2", True
            return True
        self.last_was_header = False
        kind = _marker(n, self.table, self.t3_started)
        if kind is None:
            return False
        if kind != "header":
            self.table = kind
        return True

    def t2_header(self, n: str) -> tuple[str, str, str | None] | None:
        if n[0] not in _T2_HEADER_STARTS:
            return None
        allowed = _ITEM_HEADERS.get(self.item or "")
        m = _UNIT.search(n)
        unit = m[1] if m else None
        for words, key, era in _T2_HEADERS:
            if n.startswith(words) and (allowed is None or words in allowed):
                return key, era, unit
        if self.table != "table2" or len(n) < 2:
            return None
        used = {k for k, _ in self.columns} if self.last_was_header else set()
        cut = [(k, e) for w, k, e in _T2_HEADERS
               if w.startswith(n) and (allowed is None or w in allowed)]
        for key, era in cut:  # "本年新 | 本年新": the first unused column in the form's order
            if key not in used:
                return key, era, unit
        return None

    def match_row(self, n: str) -> tuple[str, str] | None:
        """Exact (normalised) match of a Table 3 or Table 2 row label; sets table and group."""
        hit, table, self.group = _match_row(n, self.group, self.t3_started)
        if table is not None:
            self.table = table
        return hit

    def fuzzy(self, tail: list[str]) -> tuple[str, str, str] | None:
        """Damaged labels: split one character per cell, or characters lost. Unique or nothing."""
        for i in range(len(tail) - 1):  # a label split over cells, e.g. one character per line
            joined = "".join(tail[i:])
            hit = self.match_row(joined)
            if hit is not None and hit[0] != "group":
                self.warn(f"{hit[0]} {hit[1]}: label split over {len(tail) - i} cells "
                          f"joined as {joined!r}")
                return (*hit, joined)
        label = tail[-1]
        num, core = split_enum(label)
        if self.table == "table2":
            candidates = [(("table2", k), w) for w, k in _T2_ROWS.items()]
        else:
            groups = [self.group] if self.group else list(_GROUPS)
            candidates = [(("table3", k), w) for g in groups for k, w in _GROUPS[g]
                          if w != "其他"]
            if not self.group:
                candidates += [(("table3", k), p) for p, k in _TOP_ROWS]
        key = _closest(core, candidates)
        if key is not None:
            self.warn(f"{key[0]} {key[1]}: damaged label {label!r} matched fuzzily")
            return (*key, label)
        if self.table == "table3" and self.group and num.isdigit():
            items = _GROUPS[self.group]
            if 1 <= int(num) <= len(items):
                key = items[int(num) - 1][0]
                self.warn(f"table3 {key}: unreadable label {label!r} placed by its number {num}")
                return "table3", key, label
        return None

    # -- rows ------------------------------------------------------------------------------------
    def start_row(self, table: str, key: str, label: str) -> _Row:
        if table == "table4":
            if self.report.table4:
                self.warn("table4: a second values row ignored")
                return _Row("", "", "table4", None)
            return _Row("table4", "review", label, list(_T4_SLOTS))
        target = self.report.table(table)  # type: ignore[arg-type]
        if key in target:
            self.warn(f"{table} {key}: row appears twice; kept the first")
            return _Row("", "", label, None)
        target[key] = {}
        if table == "table3":
            self.t3_started = True
            if key.startswith("other"):
                self.eras.add("2019" if key == "other" else "2021")
            return _Row(table, key, label, [(key, c) for c in _T3_COLS])
        slots = [(key, c) for c, _ in self.columns] or None
        units = [u for _, u in self.columns]
        return _Row(table, key, label, slots, units, item=self.item)

    def close_row(self) -> None:
        row, self.row = self.row, None
        if row is None:
            return
        if not row.table:
            numbers = [v.strip() for v in row.values if value_kind(v) == "number"]
            if numbers:
                where = self.table or "table"
                self.warn(f"{where}: could not place the row {row.label!r} "
                          f"(values {' '.join(numbers)})")
            return
        slots = row.slots
        if slots is None:
            while row.values and value_kind(row.values[-1]) == "blank":
                row.values.pop()
            cols = _T2_DEFAULTS.get((row.item or "", len(row.values)))
            if cols is None:
                self.warn(f"table2 {row.key}: no column headers for {len(row.values)} values; "
                          "not placed")
                return
            self.warn(f"table2 {row.key}: no column headers; placed in the form's order "
                      f"{', '.join(cols)}")
            slots = [(row.key, c) for c in cols]
        table = self.report.table(row.table)  # type: ignore[arg-type]
        units = row.units or [None] * len(slots)
        for (rk, ck), raw, unit in zip(slots, row.values, units, strict=False):
            cells = table.setdefault(rk, {})
            if ck in cells:
                continue  # a colspan repeated the same cell
            cell = parse_value(raw)
            if cell.value is None and value_kind(raw) is None:
                self.warn(f"{row.table} {rk}.{ck}: unreadable value {raw.strip()!r}")
            if cell.unit is None and unit and cell.value is not None:
                cell.unit = unit
            cells[ck] = cell
        if len(row.values) < len(slots):
            missing = [f"{rk}.{ck}" if row.table == "table4" else ck
                       for rk, ck in slots[len(row.values):]]
            self.warn(f"{row.table} {row.key if row.table != 'table4' else ''}".rstrip()
                      + f": {len(row.values)} of {len(slots)} values; missing {', '.join(missing)}")

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    # -- the end ---------------------------------------------------------------------------------
    def finish(self) -> None:
        r = self.report
        for name in ("table2", "table3", "table4"):
            table = r.table(name)  # type: ignore[arg-type]
            for key in [k for k, v in table.items() if not v]:
                del table[key]
        if "2019" in self.eras and "2021" in self.eras:
            r.template = "mixed"
            self.warn("template: mixes 2019-era and 2021-era headers")
        elif self.eras:
            r.template = next(iter(self.eras))  # type: ignore[assignment]
        if r.table3:
            if "other" in r.table3:
                expected = TABLE3_ROWS_2019
            elif any(k.startswith("other_") for k in r.table3):
                expected = TABLE3_ROWS_2021
            else:
                expected = tuple(k for k in TABLE3_ROWS_2019 if k != "other")
            missing = [k for k in expected if k not in r.table3]
            if missing:
                self.warn(f"table3: missing rows {', '.join(missing)}")
        for name in ("table2", "table3", "table4"):
            table = r.table(name)  # type: ignore[arg-type]
            if not table:
                self.warn(f"{name}: not found")
                continue
            blanks = sum(1 for cols in table.values() for c in cols.values() if c.value is None)
            if blanks:
                self.warn(f"{name}: {blanks} blank cells kept as null (not 0)")
        r.warnings.extend(self.warnings)


# -- pure label readings, cached: the same few hundred labels recur in every report -------------
@lru_cache(maxsize=8192)
def _item20(n: str) -> str | None:
    m = _ITEM20.search(n)
    return m[1] if m and len(n) <= 12 else None


@lru_cache(maxsize=8192)
def _marker(n: str, table: str | None, t3_started: bool) -> str | None:
    """"table3"/"table4" for a table's title or header words, "header" for a header of the
    current table that also reads as something else ("其他", "总计", cut "结果"), else None."""
    if "勾稽关系" in n or n.startswith("本列数据") or n in _T3_HEADERS:
        return "table3"
    if table == "table3" and not t3_started and n in ("其他", "总计"):
        return "header"
    if n in _T4_MARKERS:
        return "table4"
    if table == "table4" and len(n) >= 2 and any(
        h.startswith(n) or n.startswith(h) for h in _T4_HEADERS
    ):
        return "header"
    return None


@lru_cache(maxsize=8192)
def _match_row(n: str, group: str | None, t3_started: bool):
    """(row hit, table it switches to, group after it) for one label in a given context."""
    table = None
    num, core = split_enum(n)
    if core.startswith(_PARENT):
        table, group = "table3", None
        rest = split_enum(core[len(_PARENT):])[1]
        if not rest:
            return ("group", _PARENT), table, group
        num, core = split_enum(rest)
    for g in _GROUPS:
        if core.startswith(g):
            table, group = "table3", g
            rest = core[len(g):]
            if not rest:
                return ("group", g), table, group
            num, core = split_enum(rest)
            break
    for prefix, key in _TOP_ROWS:
        if core.startswith(prefix):
            return ("table3", key), "table3", None
    if core == "总计" and (num == "七" or t3_started):
        return ("table3", "total_handled"), "table3", None
    if core == "其他":
        if group == _OTHER_GROUP and (num or t3_started):
            return ("table3", "other_misc"), table, group
        return None, table, group
    if core in _T2_ROWS:
        return ("table2", _T2_ROWS[core]), "table2", group
    groups = ([group] if group else []) + [g for g in _GROUPS if g != group]
    for g in groups:
        hits = [k for k, words in _GROUPS[g]
                if words == core
                or (min(len(core), len(words)) >= 5 and (core in words or words in core))]
        if len(hits) == 1:
            return ("table3", hits[0]), "table3", g
    return None, table, group


def _closest(core: str, candidates: list[tuple[tuple[str, str], str]]):
    """The one candidate whose words contain ``core``'s characters in order (or, failing that, a
    clearly best close spelling). Several fits or a weak fit → None: no silent guesses."""
    if len(core) < 3:
        return None
    fits = {key for key, words in candidates
            if len(core) >= 0.4 * len(words) and _in_order(core, words)}
    if len(fits) == 1:
        return fits.pop()
    if fits:
        return None
    scored = sorted(((SequenceMatcher(None, core, w).ratio(), key) for key, w in candidates),
                    reverse=True)
    if not scored or scored[0][0] < 0.75:
        return None
    if len(scored) == 1 or scored[0][0] - scored[1][0] >= 0.15:
        return scored[0][1]
    return None


def _in_order(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def fill_tables(report: Report, rows: Iterable[list[str | None]]) -> Report:
    """Fill ``report``'s Tables 2, 3 and 4 from logical rows of cell strings (see module doc).

    Returns the same report (filled in place) for convenience.
    """
    filler = _Filler(report)
    filler.feed(rows)
    filler.finish()
    return report


def rows_from_lines(lines: Iterable[str]) -> list[list[str]]:
    """Cells of text whose table rows were flattened to lines, one row per line.

    ``|`` ends a cell. A cell may run over a line break ("label | 2 |" then "|" lines: each bare
    "|" closes one blank cell), so the text after a line's last ``|`` stays open and the next
    line's text before its first ``|`` completes it. A line without ``|`` is a cell of its own
    (one-cell-per-line layouts); an empty line separates nothing; a line of only spaces or
    &nbsp; is a blank cell.
    """
    rows: list[list[str]] = []
    pending: str | None = None  # text after the last "|", waiting for the cell's end
    for line in lines:
        if "|" not in line:
            if pending and pending.strip():
                rows.append([pending.strip()])
            pending = None
            if line == "" or line == "\n":
                continue
            rows.append([line.strip()])
            continue
        parts = line.split("|")
        cells: list[str] = []
        first = parts[0]
        if pending is not None:
            cell = (pending + first).strip()
            if cell or not rows:
                cells.append(cell)
            else:  # a blank that closes the previous line's last cell belongs to that row
                rows[-1].append(cell)
        elif first.strip():
            cells.append(first.strip())
        cells.extend(p.strip() for p in parts[1:-1])
        pending = parts[-1]
        rows.append(cells)
    if pending and pending.strip():
        rows.append([pending.strip()])
    return rows
