"""The apply dialog (effective date, quota step) and the alignment history
panel of the what-if page (no data access; filled by callbacks/scenarios_apply.py)."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.i18n.translation import _
from layouts import ids
from layouts.shell import date_picker, first_day_of_week


def _grid(grid_id: str, columns: list[dict], empty: str, height: str, **options) -> dag.AgGrid:
    return dag.AgGrid(
        id=grid_id, rowData=[], columnDefs=columns,
        # long headers wrap instead of ending in "…"
        defaultColDef={"sortable": True, "resizable": True, "wrapHeaderText": True,
                       "autoHeaderHeight": True},
        dashGridOptions={"rowHeight": 30, "headerHeight": 32, "animateRows": False,
                         "localeText": {"noRowsToShow": empty}, **options},
        style={"height": height}, className="ag-theme-alpine")


def quota_grid() -> dag.AgGrid:
    """Touched territory × quarter: today's quota, the scenario's, the
    proposal, the amount to confirm (editable) and the run-rate attainments."""
    money = {"type": "rightAligned", "minWidth": 110, "flex": 1}
    columns = [
        {"field": "territory", "headerName": _("Territory"), "minWidth": 170, "flex": 2},
        {"field": "period", "headerName": _("Quarter"), "maxWidth": 100},
        {"field": "current_text", "headerName": _("Quota today"), **money},
        {"field": "scenario_text", "headerName": _("As the scenario set it"), **money},
        {"field": "proposed_text", "headerName": _("Moved with the accounts"), **money},
        {"field": "confirmed", "headerName": _("To apply (edit)"), "editable": True,
         "cellDataType": "number", "cellClass": "sc-editable",
         # the one column the leader types in reads as a field to fill
         "cellStyle": {"backgroundColor": "#fff8e1", "fontWeight": "600"},
         "valueFormatter": {"function": "Math.round(params.value).toLocaleString()"},
         **money},
        {"field": "attainment_text", "headerName": _("Run-rate attainment, before → after"),
         "minWidth": 170, "flex": 1},
    ]
    return _grid(ids.SC_APPLY_QUOTAS, columns,
                 _("No quota is stored for the quarters from this date: the quotas stay "
                   "as they are."), "200px", stopEditingWhenCellsLoseFocus=True,
                 singleClickEdit=True)


def dialog() -> dbc.Modal:
    """Asks for the effective date, shows the quota step, applies on Confirm."""
    date_row = html.Div([
        html.Label(_("Effective from"), htmlFor=ids.SC_APPLY_DATE, className="fw-semibold"),
        html.Div(date_picker(ids.SC_APPLY_DATE),
                 style={"width": "170px"}),
        html.Small(_("Deals closed from this date count for the new territories; everything "
                     "before stays credited as it was."), className="text-muted"),
    ], className="d-flex flex-wrap gap-3 align-items-center mb-2")
    basis = html.Div([
        html.Span(_("Move quota with the moved accounts by their share of the losing "
                    "territory's"), className="me-2"),
        dbc.RadioItems(id=ids.SC_APPLY_BASIS, inline=True, value="bookings", options=[
            {"label": _("T12 bookings"), "value": "bookings"},
            {"label": _("potential"), "value": "potential"}]),
    ], className="d-flex flex-wrap align-items-center mb-2")
    body = [
        dcc.Store(id=ids.SC_APPLY_TARGET, data=None),
        date_row,
        dbc.Alert(id=ids.SC_APPLY_WARNING, is_open=False, color="warning", className="py-2"),
        html.P(id=ids.SC_APPLY_SUMMARY, className="mb-2"),
        basis,
        quota_grid(),
        html.Small(_("Run-rate attainment: a quarter of the trailing-12-month bookings of the "
                     "territory's accounts ÷ the quarter's quota, today and after the change. "
                     "Quarters that start before the date keep their quotas."),
                   className="text-muted d-block mt-1"),
        dbc.Alert(id=ids.SC_APPLY_ERROR, is_open=False, color="danger", className="py-2 mt-2"),
    ]
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle(_("Apply to the live alignment"))),
        dbc.ModalBody(body),
        dbc.ModalFooter([
            dbc.Button(_("Cancel"), id=ids.SC_APPLY_CANCEL, color="secondary", outline=True),
            dbc.Button(_("Confirm and apply"), id=ids.SC_APPLY_CONFIRM, color="success"),
        ]),
    ], id=ids.SC_APPLY_MODAL, is_open=False, size="xl", backdrop="static", scrollable=True)


def history(leader: bool, own_layer: bool = False) -> html.Div:
    """Who applied what, when, effective from when; a leader may roll one back.
    ``own_layer``: the units are a layer's, not counties."""
    columns = [
        {"field": "step", "headerName": _("Step"), "maxWidth": 80, "type": "numericColumn"},
        {"field": "what", "headerName": _("What"), "minWidth": 220, "flex": 2},
        {"field": "effective_from", "headerName": _("Effective from"), "minWidth": 130},
        {"field": "counties", "headerName": _("Units") if own_layer else _("Counties"),
         "maxWidth": 110,
         "type": "numericColumn"},
        {"field": "zips", "headerName": _("ZIP areas"), "maxWidth": 110,
         "type": "numericColumn"},
        {"field": "accounts", "headerName": _("Accounts"), "maxWidth": 110,
         "type": "numericColumn"},
        {"field": "user", "headerName": _("By"), "minWidth": 110},
        {"field": "at", "headerName": _("When (UTC)"), "minWidth": 140},
    ]
    grid = _grid(ids.SC_STEPS, columns, _("No scenario applied yet."), "180px",
                 rowSelection={"mode": "singleRow", "checkboxes": False,
                               "enableClickSelection": True})
    grid.getRowId = "params.data.step"
    grid.selectedRows = []
    rollback = html.Div([
        html.Label(_("Roll the selected step back from"), htmlFor=ids.SC_ROLLBACK_DATE),
        html.Div(dcc.DatePickerSingle(id=ids.SC_ROLLBACK_DATE, display_format="YYYY-MM-DD",
                                      first_day_of_week=first_day_of_week(),
                                      placeholder="YYYY-MM-DD"),  # i18n: not shown
                 style={"width": "170px"}),
        dbc.Button(_("Roll back"), id=ids.SC_ROLLBACK, color="danger", outline=True,
                   size="sm"),
        html.Small(_("Adds the reverse change from that date; the history keeps both."),
                   className="text-muted"),
    ], className="d-flex flex-wrap gap-2 align-items-center mt-2" + ("" if leader
                                                                       else " d-none"))
    return html.Div([html.H6(_("Alignment history"), className="mt-3 mb-2"), grid, rollback])
