"""Components of the what-if editor's account picker, territory locks and
the auto-balance trade-off chart (no data access)."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from dashboard.i18n import formatting
from dashboard.i18n.translation import _
from layouts import grid_format, ids, whatif_design
from layouts.attainment import NUMBER_COL, card
from layouts.theme import GOOD, NEUTRAL, themed


def accounts_grid(rows: list[dict], own_layer: bool = False) -> dag.AgGrid:
    nothing = (_("No account matches: type part of a name or id, or select units.")
               if own_layer
               else _("No account matches: type part of a name or id, or select counties."))
    columns = [
        {"field": "name", "headerName": _("Account"), "minWidth": 180, "flex": 2},
        {"field": "id", "headerName": _("ID"), "maxWidth": 120},
        {"field": "county", "headerName": _("Unit") if own_layer else _("County"),
         "minWidth": 110},
        {"field": "territory", "headerName": _("Territory"), "maxWidth": 110},
        {"field": "override", "headerName": _("Override"), "maxWidth": 100},
        {"field": "locked", "headerName": _("Lock"), "maxWidth": 90},
        {"field": "potential", "headerName": _("Potential"), **NUMBER_COL,
         "valueFormatter": grid_format.with_note(grid_format.money_compact(), "potential_note")},
    ]
    return dag.AgGrid(
        id=ids.WI_ACCOUNTS, rowData=rows, columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True},
        dashGridOptions={"rowHeight": 28, "headerHeight": 30, "animateRows": False,
                         "rowSelection": {"mode": "multiRow", "enableClickSelection": True},
                         "localeText": {"noRowsToShow": nothing}},
        getRowId="params.data.id", selectedRows=[], style={"height": "240px"},
    )


def accounts_card(rows: list[dict], territory_options: list[dict],
                  own_layer: bool = False) -> dbc.Card:
    """Search accounts (narrowed to the counties selected on the map), tick
    some, then move them to a territory, clear their override, or lock them.
    ``own_layer``: the units are a layer's, not counties."""
    search = dbc.Input(id=ids.WI_ACCOUNT_SEARCH, type="search", debounce=True, size="sm",
                       placeholder=_("Search accounts by name or id (selected units narrow "
                                     "the list)…") if own_layer
                       else _("Search accounts by name or id (selected counties narrow the "
                              "list)…"))
    actions = html.Div([
        dcc.Dropdown(id=ids.WI_ACCOUNT_TARGET, options=territory_options,
                     placeholder=_("Move ticked accounts to…"), className="wi-target"),
        dbc.Button(_("Move accounts"), id=ids.WI_ACCOUNT_MOVE, color="primary", size="sm"),
        dbc.Button(_("Clear override"), id=ids.WI_ACCOUNT_CLEAR, color="secondary",
                   outline=True, size="sm"),
        dbc.Button(_("Lock / unlock"), id=ids.WI_ACCOUNT_LOCK, color="secondary", outline=True,
                   size="sm"),
    ], className="wi-toolbar mt-2")
    note = html.Small(_("A moved account becomes a named-account override: it stays with its "
                        "new territory whatever happens to its unit.") if own_layer
                      else _("A moved account becomes a named-account override: it stays with "
                             "its new territory whatever happens to its county."),
                      className="text-muted")
    return card(_("Accounts · named-account overrides"),
                [search, html.Div(accounts_grid(rows, own_layer), className="mt-2"), actions,
                 note])


def locks_column(territory_options: list[dict], own_layer: bool = False) -> dbc.Col:
    how = (_("Units: select them on the map, then Lock selected. Accounts: tick them in the "
             "account list, then Lock / unlock.") if own_layer
           else _("Counties: select them on the map, then Lock selected. Accounts: tick them "
                  "in the account list, then Lock / unlock."))
    return dbc.Col([
        html.Div(_("Lock a territory (nothing moves into or out of it)"),
                 className="wi-subhead"),
        dcc.Dropdown(id=ids.WI_LOCK_TERRITORY, options=territory_options,
                     placeholder=_("Territory…"), className="mb-2"),
        dbc.Button(_("Lock / unlock territory"), id=ids.WI_LOCK_TERRITORY_APPLY, size="sm",
                   color="secondary", outline=True),
        html.Div(html.Small(how, className="text-muted"), className="mt-2"),
    ], md=4)


def rebalance_controls(page_token: str | None = None, own_layer: bool = False) -> list:
    """Budget, Suggest and Cancel, the progress bar, and the trade-off chart.
    ``page_token`` names this page load: with the Suggest click count it names
    each run, so Cancel can find it."""
    controls = html.Div([
        dbc.InputGroup([
            dbc.InputGroupText(_("Disruption budget")),
            dbc.Input(id=ids.WI_BUDGET, type="number", value=10, min=0, max=50, step=1),
            dbc.InputGroupText(_("% of T12 bookings")),
        ], size="sm", className="w-auto"),
        dbc.Button(_("Suggest a rebalance"), id=ids.WI_SUGGEST, color="primary", size="sm"),
        dbc.Button(_("Cancel"), id=ids.WI_CANCEL, color="secondary", outline=True, size="sm",
                   disabled=True),
    ], className="d-flex flex-wrap gap-2 align-items-center mb-2")
    progress = dbc.Progress(id=ids.WI_PROGRESS, value=0, label="", striped=True,
                            animated=True, className="mb-2 wi-progress",
                            style={"visibility": "hidden"})
    note = html.Small(_("Moves units between neighbouring territories (one may move more "
                        "than once, in swaps and chains) to balance the fairness card's "
                        "metric within the tolerance, keeping territories contiguous and "
                        "honouring locks. Click a point of the chart to use its budget.")
                      if own_layer else
                      _("Moves counties between neighbouring territories (one may move more "
                        "than once, in swaps and chains) to balance the fairness card's "
                        "metric within the tolerance, keeping territories contiguous and "
                        "honouring locks. Click a point of the chart to use its budget."),
                      className="text-muted")
    return [dcc.Store(id=ids.WI_RUN, data=page_token), controls, progress, note]


def tradeoff_charts() -> html.Div:
    """Balance against disruption and against compactness, side by side when there is
    room, and the store of the runs' points they draw."""
    return html.Div([
        dcc.Store(id=ids.WI_POINTS, data=[]),
        dcc.Graph(id=ids.WI_TRADEOFF, figure=tradeoff_figure([], None),
                  config={"displayModeBar": False}, className="wi-tradeoff"),
        dcc.Graph(id=ids.WI_COMPACT, figure=whatif_design.compactness_figure([]),
                  config={"displayModeBar": False}, className="wi-tradeoff"),
    ], className="mt-2")


def tradeoff_figure(points: list[dict], chosen: float | None) -> go.Figure:
    """Balance index reached against disruption spent, one point per budget;
    the run that was applied is ringed (the designs' points are left out)."""
    points = [p for p in points if p.get("kind", "rebalance") == "rebalance"]
    fig = go.Figure()
    if points:
        before = points[0]["balance_before"]
        fig.add_hline(y=before, line={"color": NEUTRAL, "dash": "dot", "width": 1},
                      annotation_text=_("now {balance}").format(
                          balance=formatting.number(before, 3)),
                      annotation_position="bottom right")  # i18n: not shown (a position)
        fig.add_trace(go.Scatter(
            x=[p["disruption"] * 100 for p in points], y=[p["balance_after"] for p in points],
            customdata=[[p["budget"] * 100, p["moves"]] for p in points],
            mode="lines+markers", line={"color": GOOD}, marker={"size": 9},
            hovertemplate=_("budget %{customdata[0]:.0f}%: %{customdata[1]} moves, "
                            "disruption %{x:.1f}%, balance %{y:.3f}") + "<extra></extra>"))
        mine = [p for p in points if chosen is not None and abs(p["budget"] - chosen) < 1e-9]
        if mine:
            fig.add_trace(go.Scatter(
                x=[mine[0]["disruption"] * 100], y=[mine[0]["balance_after"]], mode="markers",
                marker={"size": 16, "color": "rgba(0,0,0,0)",
                        "line": {"color": "#111", "width": 2}}, hoverinfo="skip"))
    else:
        fig.add_annotation(text=_("Suggest a rebalance to see balance against disruption"),
                           showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                           font={"color": NEUTRAL})
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
    fig.update_layout(showlegend=False, margin={"l": 50, "r": 10, "t": 30, "b": 40},
                      xaxis_title=_("Disruption (% of T12 bookings)"),
                      yaxis_title=_("Balance index"))
    return themed(fig, _("Trade-off: balance vs disruption"), height=210)
