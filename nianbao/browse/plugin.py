"""The Datasette plugin: Chinese full-text search on every connection, report links in views.

Loaded by `nianbao serve`, and by a plain ``datasette`` run in the same environment through the
``datasette`` entry point in pyproject.toml, so ``datasette serve -i data/nianbao.db`` searches too.
"""

from __future__ import annotations

from datasette import hookimpl
from markupsafe import Markup, escape

from nianbao import search
from nianbao.browse import views

# Columns that hold a report id, and the views and monitor tables that have no foreign key for
# Datasette to follow (cells and sections do: there Datasette shows the report's title).
REPORT_ID_COLUMNS = {"report_id", "prev_report_id"}
UNLINKED_TABLES = {*views.VIEWS, "rule_results", "rule_result_cells", "compliance", "findings",
                   "findings_current"}


@hookimpl
def prepare_connection(conn):
    search.register(conn)


@hookimpl
def render_cell(value, column, table, database, datasette):
    """Link a report id to its row page where Datasette has no foreign key to follow."""
    if table is not None and table not in UNLINKED_TABLES:
        return None
    is_report_id = column in REPORT_ID_COLUMNS or (table == views.REPORTS_VIEW and column == "id")
    if not is_report_id or not isinstance(value, int) or isinstance(value, bool):
        return None
    url = datasette.urls.row(database, "reports", str(value))
    return Markup(f'<a href="{escape(url)}">{value}</a>')
