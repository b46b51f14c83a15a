"""Builders shared by the monitor's tests: hand-made reports shaped like the real samples."""

from __future__ import annotations

from parsing.model import APPLICANT_COLUMNS, SECTIONS, Cell, Report

COLS = (*APPLICANT_COLUMNS, "total")


def cells(values: dict[str, list]) -> dict[str, dict[str, Cell]]:
    """{'granted': [2, None, …, 2]} → table rows of Cells; None is a blank cell."""
    return {
        row: {col: Cell(v, "" if v is None else str(v)) for col, v in zip(COLS, vals, strict=True)}
        for row, vals in values.items()
    }


def table3_2021(**overrides: list) -> dict[str, dict[str, Cell]]:
    """A balanced all-zero 2021-era Table 3, with some rows replaced."""
    from parsing.model import TABLE3_ROWS_2021

    rows = {r: [0] * 7 for r in TABLE3_ROWS_2021}
    rows.update(overrides)
    return cells(rows)


def report(year: int = 2023, template: str = "2021", agency: str = "测试局", **kw) -> Report:
    sections = kw.pop("sections", {k: f"{v}。" for k, v in SECTIONS.items()})
    return Report(source=kw.pop("source", f"http://127.0.0.1/{agency}/{year}.html"),
                  agency=agency, year=year, template=template, sections=sections, **kw)


def make_store(monkeypatch, path=None):
    """An in-memory store whose parser returns hand-built reports, so a check reads real rows.

    `store.put(report, agency_id, fetched_at=…)` stores one; a new `body` makes a new version.
    """
    import sqlite_utils

    from nianbao.store import Store

    by_url: dict[str, Report] = {}
    monkeypatch.setattr("nianbao.store.parse_document", lambda body, url, ct: by_url[url])
    store = Store(path or sqlite_utils.Database(memory=True))

    def put(rep: Report, agency_id: str | None, fetched_at: str = "2024-01-10T08:00:00+00:00",
            body: bytes | None = None) -> int:
        by_url[rep.source] = rep
        return store.store_document(rep.source, body or rep.source.encode(), agency_id=agency_id,
                                    fetched_at=fetched_at).report_id

    store.put = put
    return store
