"""The import page's mapping step (no data access; filled by
callbacks/import_mapping.py): each file's kind, its columns and the field
each goes to (with the date order of date columns), the stage → status
table, the problems by file, row, column and reason, the first rows as they
will be stored, a profile name and the Import button."""

from __future__ import annotations

from datetime import date

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.i18n import formatting
from dashboard.i18n.translation import _, ngettext
from layouts import ids
from layouts.import_job import MAPPED, progress_box
from layouts.shell import date_picker

_ROW, _HEADER = 32, 34


def editable_grid(grid_id: str, columns: list[dict], rows: list[dict], max_rows: int) -> dag.AgGrid:
    """An editable grid as tall as its rows, up to ``max_rows`` (then it scrolls)."""
    shown = max(1, min(len(rows), max_rows))
    return dag.AgGrid(
        id=grid_id, rowData=rows, columnDefs=columns,
        defaultColDef={"resizable": True, "sortable": False},
        dashGridOptions={"rowHeight": _ROW, "headerHeight": _HEADER, "animateRows": False,
                         "singleClickEdit": True, "stopEditingWhenCellsLoseFocus": True},
        style={"height": f"{_HEADER + shown * _ROW + 4}px"}, className="ag-theme-alpine")


def _choice(field: str, header: str, labels: dict[str, str], **extra) -> dict:
    """A column edited by picking one of ``labels``' keys (shown as their labels)."""
    return {"field": field, "headerName": header, "editable": True,
            "cellEditor": "agSelectCellEditor", "cellEditorParams": {"values": list(labels)},
            "refData": labels, "cellClass": "im-editable", **extra}


def files_grid(rows: list[dict], kinds: dict[str, str]) -> dag.AgGrid:
    columns = [
        {"field": "file", "headerName": _("File"), "flex": 2, "minWidth": 200},
        {"field": "rows", "headerName": _("Rows"), "type": "rightAligned", "maxWidth": 110,
         "valueFormatter": {"function": "Number(params.value).toLocaleString()"}},
        _choice("kind", _("Holds (edit)"), kinds, flex=2, minWidth=240,
                cellClassRules={"im-ask": "!params.value"}),
    ]
    return editable_grid(ids.IMPORT_MAP_FILES, columns, rows, 8)


def columns_grid(rows: list[dict], fields: list[str], orders: dict[str, str]) -> dag.AgGrid:
    not_used = _("(not used)")
    field_labels = {"": not_used, **{f: f for f in fields}}
    columns = [
        {"field": "file", "headerName": _("File"), "flex": 1, "minWidth": 150},
        {"field": "column", "headerName": _("Column in the file"), "flex": 1, "minWidth": 170},
        {"field": "examples", "headerName": _("First values"), "flex": 2, "minWidth": 200,
         "cellClass": "text-muted"},
        _choice("field", _("Goes to (edit)"), field_labels, flex=1, minWidth=170,
                cellClassRules={"text-muted": "!params.value"}),
        _choice("order", _("Date order (edit)"), orders, flex=1, minWidth=170,
                editable={"function": "params.data.is_date"},
                cellClassRules={"im-ask": "params.data.ask", "im-blank": "!params.data.is_date"}),
    ]
    return editable_grid(ids.IMPORT_MAP_COLUMNS, columns, rows, 14)


def stages_grid(rows: list[dict], statuses: dict[str, str]) -> dag.AgGrid:
    columns = [
        {"field": "stage", "headerName": _("Stage in the file"), "flex": 2, "minWidth": 200},
        _choice("status", _("Counts as (edit)"), statuses, flex=1, minWidth=150),
    ]
    return editable_grid(ids.IMPORT_MAP_STAGES, columns, rows, 10)


def problems(rows: list[dict], ready: bool) -> html.Div:
    """The summary (ready, or how many problems stop the import) and every
    problem as file, row, column and reason, errors first."""
    errors = sum(1 for r in rows if r["error"])
    if ready:
        head = dbc.Alert(_("Ready to import: check the first rows below, then press Import."),
                         color="success", className="py-2 mb-2")
    else:
        head = dbc.Alert(ngettext(
            "{count} problem must be fixed before importing: edit the mapping above.",
            "{count} problems must be fixed before importing: edit the mapping above.",
            errors).format(count=formatting.count(errors)), color="danger", className="py-2 mb-2")
    if not rows:
        return html.Div(head)
    table = dbc.Table(
        [html.Thead(html.Tr([html.Th(_("File")), html.Th(_("Row")), html.Th(_("Column")),
                             html.Th(_("Problem"))])),
         html.Tbody([html.Tr([html.Td(r["file"]), html.Td(r["row"]), html.Td(r["column"]),
                              html.Td([html.Span(_("warning"), className="badge "
                                                 "text-bg-warning me-1")
                                       if not r["error"] else None, r["reason"]])],
                             className="" if r["error"] else "text-muted")
                     for r in rows])],
        size="sm", bordered=False, hover=True, className="im-problems small mb-0")
    return html.Div([head, html.Div(table, className="im-scroll")])


def preview(tables: dict[str, tuple[list[str], list[list[str]]]]) -> html.Div:
    """The first rows of each table exactly as they will be stored (table and
    column names are DATA_FORMAT.md's own)."""
    if not tables:
        return html.Div(_("Nothing to show until the problems above are fixed."),
                        className="text-muted small")
    parts = []
    for table, (columns, rows) in tables.items():
        parts.append(html.Div(html.Code(table), className="fw-semibold mt-2"))
        parts.append(html.Div(dbc.Table(
            [html.Thead(html.Tr([html.Th(c) for c in columns])),
             html.Tbody([html.Tr([html.Td(v) for v in row]) for row in rows])],
            size="sm", bordered=True, className="im-preview small mb-1"), className="im-scroll"))
    return html.Div(parts)


def _section(title: str, body, hint: str | None = None) -> html.Div:
    return html.Div([html.H6(title, className="mt-3 mb-1"),
                     html.P(hint, className="small text-muted mb-1") if hint else None, body])


def as_of_choice(as_of: date | None) -> html.Div:
    """The data's as-of date, proposed as the last activity in the files when
    the data has none yet, and changeable before the import (hidden, and
    left as stored, otherwise: the import callback always reads it)."""
    return html.Div([
        dbc.Label(_("Data as of"), html_for=ids.IMPORT_MAP_AS_OF, className="mb-0 me-2"),
        html.Div(date_picker(ids.IMPORT_MAP_AS_OF, date=as_of.isoformat() if as_of else None),
                 className="im-as-of"),
        html.Span(_("the last activity in these files: the day every figure is counted to"),
                  className="small text-muted ms-2"),
    # Bootstrap's d-flex is display:flex !important, which beats the hidden
    # attribute: a hidden row must not carry it
    ], className="d-flex flex-wrap align-items-center mt-3" if as_of else None,
        hidden=as_of is None)


def mapping_step(*, profile: str | None, files: dag.AgGrid, columns: dag.AgGrid,
                 stages: dag.AgGrid, problem_part: html.Div, preview_part: html.Div,
                 ready: bool, as_of: date | None = None,
                 signed_viewer: str | None = None) -> dbc.Card:
    """The whole step, shown under the upload box. ``signed_viewer``: the
    viewer signed for the import's background job, which has no session."""
    note = None
    if profile:
        note = dbc.Alert(_("Profile “{name}” applied by itself: these files have the same "
                           "columns as the files it was saved from.").format(name=profile),
                         color="info", className="py-2")
    body = [
        note,
        html.P(_("These files are not named after the tables, so their columns were "
                 "recognised from their headers. Check the cells marked (edit) and change "
                 "any that is wrong; nothing is written until you press Import."),
               className="small text-muted"),
        _section(_("Files"), files),
        _section(_("Columns"), columns, _("Pick the field each column goes to. A date column "
                                          "whose order cannot be told from its values must "
                                          "be answered (highlighted).")),
        # always in the page (the edit callback reads it); hidden without stages
        html.Div(_section(_("Stages"), stages, _("Which stages are won or lost; every other "
                                                 "is open.")), hidden=not stages.rowData),
        _section(_("Problems"), html.Div(problem_part, id=ids.IMPORT_MAP_PROBLEMS)),
        _section(_("First rows as they will be stored"),
                 html.Div(preview_part, id=ids.IMPORT_MAP_PREVIEW)),
        as_of_choice(as_of),
        html.Div([
            dbc.Label(_("Save this mapping as"), html_for=ids.IMPORT_MAP_PROFILE,
                      className="mb-0 me-2"),
            dcc.Input(id=ids.IMPORT_MAP_PROFILE, type="text", maxLength=100, debounce=True,
                      value=profile or "", placeholder=_("profile name (optional)"),
                      className="form-control form-control-sm im-profile"),
            dbc.Button(_("Import"), id=ids.IMPORT_MAP_CONFIRM, color="primary",
                       disabled=not ready, className="ms-auto"),
        ], className="d-flex flex-wrap align-items-center gap-2 mt-3"),
        html.Div(_("A saved mapping is applied by itself the next time files with the same "
                   "columns are uploaded."), className="small text-muted mt-1"),
        progress_box(MAPPED),
        html.Div(id=ids.IMPORT_MAP_RESULT, className="mt-3"),
        dcc.Store(id=ids.IMPORT_MAP_VIEWER, data=signed_viewer),
    ]
    return dbc.Card([dbc.CardHeader(_("Check the mapping")),
                     dbc.CardBody([part for part in body if part is not None])],
                    className="mt-3")


def check_cancelled() -> dbc.Alert:
    """A re-check after an edit, cancelled: what the step shows is older."""
    return dbc.Alert(_("Check cancelled: the problems and first rows are those of the mapping "
                       "before your last edit. Edit a cell to check again."), color="info")
