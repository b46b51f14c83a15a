"""Chinese labels for canonical cell keys, so an alert names a cell the way the form prints it."""

from __future__ import annotations

from parsing.model import (
    SECTIONS,
    TABLE2_COLUMNS,
    TABLE2_ROWS,
    TABLE3_COLUMNS,
    TABLE3_ROWS,
    TABLE4_COLUMNS,
    TABLE4_GROUPS,
)

TABLE_LABELS = {"table2": "表二", "table3": "表三", "table4": "表四"}
_ROWS = {"table2": TABLE2_ROWS, "table3": TABLE3_ROWS, "table4": TABLE4_GROUPS}
_COLS = {"table2": TABLE2_COLUMNS, "table3": TABLE3_COLUMNS, "table4": TABLE4_COLUMNS}


def cell_label(table: str, row: str, col: str) -> str:
    """'表三 （七）总计 · 自然人' for ('table3', 'total_handled', 'natural_person')."""
    rows, cols = _ROWS.get(table, {}), _COLS.get(table, {})
    return f"{TABLE_LABELS.get(table, table)} {rows.get(row, row)} · {cols.get(col, col)}"


def section_label(key: str) -> str:
    return SECTIONS.get(key, key)
