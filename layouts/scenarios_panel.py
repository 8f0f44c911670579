"""The "Scenarios" card of the what-if page (no data access): name and save,
the saved scenarios, and the buttons that open, copy, export and move them
through approval. Its rows come from callbacks/scenarios_panel.py."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.i18n.translation import N_, _
from layouts import ids, scenarios_apply
from layouts.attainment import card, header_with

#: (button id, label, colour): the actions on the selected scenario
ACTIONS = ((ids.SC_OPEN, N_("Open in editor"), "primary"),
           (ids.SC_DUPLICATE, N_("Duplicate"), "secondary"),
           (ids.SC_EXPORT, N_("Export CSV"), "secondary"),
           (ids.SC_PROPOSE, N_("Propose"), "secondary"),
           (ids.SC_APPROVE, N_("Approve"), "secondary"),
           (ids.SC_APPLY, N_("Apply to live"), "success"),
           (ids.SC_DELETE, N_("Delete"), "danger"))
#: the actions only a leader may take (the server refuses them to anyone else)
LEADER_ACTIONS = frozenset({ids.SC_APPROVE, ids.SC_APPLY})

STATUS_STYLE = {"styleConditions": [
    {"condition": "params.data.status == 'proposed'", "style": {"color": "#b35806"}},
    {"condition": "params.data.status == 'approved'", "style": {"color": "#2166ac"}},
    {"condition": "params.data.status == 'applied'", "style": {"color": "#1b7837"}},
]}


def grid(rows: list[dict]) -> dag.AgGrid:
    """The saved scenarios, filled when the page is built: rows set by a
    callback while the grid is still starting were sometimes dropped (an empty
    list after a reload, one run in three)."""
    columns = [
        {"field": "name", "headerName": _("Scenario"), "minWidth": 200, "flex": 2},
        # the status in the reader's language; its colour follows the stored status
        {"field": "status_label", "headerName": _("Status"), "maxWidth": 110,
         "cellStyle": STATUS_STYLE},
        {"field": "revision", "headerName": _("Rev."), "maxWidth": 80, "type": "numericColumn"},
        {"field": "summary", "headerName": _("Changes"), "minWidth": 160, "flex": 1},
        {"field": "updated_by", "headerName": _("Last change by"), "minWidth": 130},
        {"field": "updated_at", "headerName": _("When (UTC)"), "minWidth": 140},
    ]
    return dag.AgGrid(
        id=ids.SC_GRID, rowData=rows, columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True, "filter": True},
        dashGridOptions={"rowHeight": 30, "headerHeight": 32, "animateRows": False,
                         "rowSelection": {"mode": "singleRow", "checkboxes": False,
                                          "enableClickSelection": True},
                         "localeText": {"noRowsToShow": _("No saved scenario yet: edit the "
                                                          "map, name the scenario, Save.")}},
        getRowId="params.data.id", selectedRows=[], style={"height": "220px"},
    )


def panel(rows: list[dict], leader: bool = True, own_layer: bool = False) -> dbc.Card:
    """Save bar, alert, the list (``rows``, the viewer's saved scenarios) and
    its action buttons: a manager is not offered Approve and Apply, which
    only a leader may do (the buttons stay in the page, hidden, for the
    callbacks that listen to them)."""
    save = html.Div([
        dbc.InputGroup([
            dbc.InputGroupText(_("Name")),
            dbc.Input(id=ids.SC_NAME, type="text", maxLength=120,
                      placeholder=_("e.g. West coast rebalance")),
            dbc.Button(_("Save"), id=ids.SC_SAVE, color="primary"),
            dbc.Button(_("Save as new"), id=ids.SC_SAVE_NEW, color="secondary", outline=True),
        ], size="sm", className="sc-save"),
        html.Small(_("Not saved yet"), id=ids.SC_OPENED_TEXT, className="text-muted"),
    ], className="d-flex flex-wrap gap-3 align-items-center mb-2")
    buttons = html.Div([dbc.Button(_(label), id=button, color=color, outline=color != "primary",
                                   size="sm", disabled=True,
                                   className="d-none" if button in LEADER_ACTIONS and not leader
                                   else "")
                        for button, label, color in ACTIONS]
                       + [html.Small(_("Select a scenario in the list to act on it."),
                                     className="text-muted ms-1")],
                       className="d-flex flex-wrap gap-2 mt-2 align-items-center")
    body = [
        dcc.Store(id=ids.SC_OPENED, data=None),
        dcc.Store(id=ids.SC_CHANGED, data=0),
        dcc.Download(id=ids.SC_DOWNLOAD),
        save,
        dbc.Alert(id=ids.SC_ALERT, is_open=False, dismissable=True, color="info",
                  className="py-2 mb-2"),
        grid(rows),
        buttons,
        scenarios_apply.dialog(),
        scenarios_apply.history(leader, own_layer),
    ]
    note = html.Small(_("Draft → proposed → approved → applied; applying makes the "
                        "scenario the live alignment from the date you pick."),
                      className="text-muted fw-normal")
    return card(header_with(_("Scenarios"), note), body)
