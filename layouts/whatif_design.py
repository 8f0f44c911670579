"""Components of the what-if editor's design engine controls (no data access): the
search settings shared by "Suggest a rebalance" and "Design from scratch", the design
controls with their progress bar, and the balance-against-compactness chart."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import html

from dashboard.i18n.translation import N_, _
from layouts import ids
from layouts.theme import GOOD, NEUTRAL, themed

#: the design's balance measures, as the checklist offers them
MEASURE_OPTIONS = (("potential", N_("Potential")), ("accounts", N_("Accounts")),
                   ("workload", N_("Workload")))
#: width of the small number boxes (a few digits each)
NARROW = {"maxWidth": "4.5rem"}
#: colour of the designs' points (the rebalance budgets are GOOD)
DESIGN_COLOUR = "#7b3294"


def search_settings(own_layer: bool = False) -> html.Div:
    """Tolerance, time limit, seed and the oversize-county split, for both runs
    (``own_layer``: the units are a layer's, not counties)."""
    split = (_("Split oversize units into named-account overrides") if own_layer
             else _("Split oversize counties into named-account overrides"))
    return html.Div([
        dbc.InputGroup([
            dbc.InputGroupText(_("Tolerance ±")),
            dbc.Input(id=ids.WI_TOLERANCE, type="number", style=NARROW, value=5, min=1, max=50,
                      step=1),
            dbc.InputGroupText("%"),  # i18n: not shown (a unit sign)
        ], size="sm", className="w-auto"),
        dbc.InputGroup([
            dbc.InputGroupText(_("Time limit")),
            dbc.Input(id=ids.WI_TIME_LIMIT, type="number", style=NARROW, value=20, min=1,
                      max=600, step=1),
            dbc.InputGroupText(_("s")),
        ], size="sm", className="w-auto"),
        dbc.InputGroup([
            dbc.InputGroupText(_("Seed")),
            dbc.Input(id=ids.WI_SEED, type="number", style=NARROW, value=7, min=0, step=1),
        ], size="sm", className="w-auto wi-seed"),
        dbc.Checkbox(id=ids.WI_SPLIT, value=True, className="small",
                     label=split),
    ], className="d-flex flex-wrap gap-2 align-items-center mb-2")


def design_controls(territories: int) -> list:
    """Number of territories, balance measures, Design and Cancel, its progress bar."""
    controls = html.Div([
        dbc.InputGroup([
            dbc.InputGroupText(_("Territories")),
            dbc.Input(id=ids.WI_DESIGN_COUNT, type="number", style=NARROW, value=territories, min=1,
                      max=max(territories, 1), step=1),
        ], size="sm", className="w-auto"),
        dbc.Checklist(id=ids.WI_DESIGN_MEASURES, value=["potential"], inline=True,
                      className="small",
                      options=[{"label": _(label), "value": value}
                               for value, label in MEASURE_OPTIONS]),
    ], className="d-flex flex-wrap gap-2 align-items-center mb-2")
    buttons = html.Div([
        dbc.Button(_("Design from scratch"), id=ids.WI_DESIGN, color="primary", size="sm"),
        dbc.Button(_("Cancel"), id=ids.WI_DESIGN_CANCEL, color="secondary", outline=True,
                   size="sm", disabled=True),
    ], className="d-flex flex-wrap gap-2 align-items-center mb-2")
    progress = dbc.Progress(id=ids.WI_DESIGN_PROGRESS, value=0, label="", striped=True,
                            animated=True, className="mb-2 wi-progress",
                            style={"visibility": "hidden"})
    note = html.Small(_("Draws the territories again from the reps' home bases, contiguous "
                        "and balanced on the ticked measures within the tolerance; locks "
                        "are kept. Cancel keeps the best found so far."),
                      className="text-muted")
    return [html.Div(_("Design from scratch"), className="wi-subhead mt-2"), controls,
            buttons, progress, note]


def compactness_figure(points: list[dict]) -> go.Figure:
    """Balance index against cut borders (county borders between two territories),
    today's alignment, each rebalance budget and each design: the fewer cut borders,
    the more compact."""
    fig = go.Figure()
    if points:
        first = points[0]
        fig.add_trace(go.Scatter(
            x=[first["cut_before"]], y=[first["balance_before"]], mode="markers",
            marker={"size": 10, "color": NEUTRAL}, name=_("today"),
            hovertemplate=_("today: %{x} cut borders, balance %{y:.3f}") + "<extra></extra>"))
        for kind, colour, name in (("rebalance", GOOD, _("rebalance")),
                                   ("design", DESIGN_COLOUR, _("design from scratch"))):
            mine = [p for p in points if p.get("kind") == kind]
            if mine:
                fig.add_trace(go.Scatter(
                    x=[p["cut_after"] for p in mine], y=[p["balance_after"] for p in mine],
                    mode="markers", marker={"size": 9, "color": colour}, name=name,
                    hovertemplate=name + ": " + _("%{x} cut borders, balance %{y:.3f}")
                    + "<extra></extra>"))
    else:
        fig.add_annotation(text=_("Suggest or design to see balance against compactness"),
                           showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                           font={"color": NEUTRAL})
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
    fig.update_layout(showlegend=bool(points), margin={"l": 50, "r": 10, "t": 30, "b": 70},
                      legend={"orientation": "h", "y": -0.55, "x": 0},
                      xaxis_title=_("Cut borders (fewer = more compact)"),
                      yaxis_title=_("Balance index"))
    return themed(fig, _("Trade-off: balance vs compactness"), height=260)

