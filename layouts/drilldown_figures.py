"""Charts of the territory drill-down: data in, themed ``go.Figure`` out."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from dashboard.i18n import formatting
from dashboard.i18n.translation import _, ngettext
from dashboard.views.rankings import stage_label
from layouts.theme import (
    ACCENT,
    BAD,
    GOOD,
    NEUTRAL,
    SERIES,
    money_axis,
    percent_axis,
    themed,
    unvalidated,
)

HEIGHT = 260


def _no_data(text: str, title: str) -> go.Figure:
    layout = {"annotations": [{"text": text, "showarrow": False, "x": 0.5, "y": 0.5,
                               "xref": "paper", "yref": "paper", "font": {"color": NEUTRAL}}],
              "xaxis": {"visible": False}, "yaxis": {"visible": False}}
    return themed(unvalidated([], layout), title, HEIGHT)


def short_quarter(label: str) -> str:
    """"2026Q3" -> "Q3 '26" ("T3-26" in French): eight of them fit a
    half-width chart unrotated."""
    text = str(label)
    if len(text) == 6 and text[4] in "Qq":
        return _("Q{quarter} '{yy}").format(quarter=text[5], yy=text[2:4])
    return text


def quarterly_figure(series: pd.DataFrame) -> go.Figure:
    """Bookings bars against the quota line, attainment written on each bar.

    The drill-down's three charts are built as plain dicts (``theme.unvalidated``):
    plotly's property checks took half of the panel's answer time. They are
    re-checked in ``tests/unit/test_figures_valid.py``."""
    if series.empty:
        return _no_data(_("No quarters"), _("Bookings against quota"))
    labels = [formatting.percent(a) for a in series["attainment"]]
    quarters = [short_quarter(q) for q in series["quarter"]]
    colors = [GOOD if not formatting.is_missing(a) and a >= 1 else ACCENT
              for a in series["attainment"]]
    bars = {
        "type": "bar", "x": quarters, "y": series["bookings"].tolist(), "name": _("Bookings"),
        "marker": {"color": colors}, "text": labels, "textposition": "outside",
        "cliponaxis": False,
        "customdata": [[formatting.money(b), formatting.money(q), t] for b, q, t in
                       zip(series["bookings"], series["quota"], labels, strict=True)],
        "hovertemplate": _("{quarter}<br>Bookings {bookings} of {quota} ({attainment})").format(
            quarter="%{x}", bookings="%{customdata[0]}", quota="%{customdata[1]}",
            attainment="%{customdata[2]}") + "<extra></extra>",
    }
    quota = {"type": "scatter", "x": quarters, "y": series["quota"].tolist(), "name": _("Quota"),
             "mode": "lines+markers", "line": {"color": BAD, "width": 2, "dash": "dot"},
             "marker": {"size": 6}, "hoverinfo": "skip"}
    top = max(series["bookings"].max(), series["quota"].max(), 0.0)
    layout = {"yaxis": money_axis(0.0 if formatting.is_missing(top) else top,
                                   rangemode="tozero"),
              "legend": {"orientation": "h", "y": 1.12, "x": 1, "xanchor": "right"},
              "margin": {"t": 50, "b": 30}, "bargap": 0.35}
    return themed(unvalidated([bars, quota], layout),
                  _("Bookings against quota, last 8 quarters"), HEIGHT)


def stage_figure(funnel: pd.DataFrame, period_label: str) -> go.Figure:
    """Open and weighted pipeline per stage, earliest stage on top."""
    title = _("Open pipeline by stage, closing in {period}").format(period=period_label)
    if funnel.empty or float(funnel["amount"].sum()) == 0:
        return _no_data(_("No open deals close in this period"), title)
    stages = [stage_label(stage) for stage in funnel["stage"][::-1]]
    traces = []
    for column, name, color in (("amount", _("Open"), SERIES[1]),
                                ("weighted", _("Weighted"), GOOD)):
        values = funnel[column][::-1].tolist()
        traces.append({
            "type": "bar", "y": stages, "x": values, "name": name, "orientation": "h",
            "marker": {"color": color}, "text": [formatting.money(v) for v in values],
            "textposition": "auto", "hovertemplate": "%{y}: %{text}<extra>" + name + "</extra>",
        })
    layout = {"xaxis": money_axis(float(funnel["amount"].max())), "barmode": "group",
              "margin": {"l": 100, "t": 50, "b": 30},
              "legend": {"orientation": "h", "y": 1.12, "x": 1, "xanchor": "right"}}
    return themed(unvalidated(traces, layout), title, HEIGHT)


def concentration_figure(curve: pd.DataFrame, concentration) -> go.Figure:
    """Cumulative share of T12 Bookings against share of buying accounts,
    with the METRICS.md 80/20 figure marked at the top 20%."""
    title = _("Account concentration (80/20)")
    if curve.empty:
        return _no_data(_("No account booked in the last 12 months"), title)
    traces = [
        {"type": "scatter", "x": [0, 1], "y": [0, 1], "mode": "lines", "name": _("Even spread"),
         "line": {"color": "#c7ccd4", "dash": "dash", "width": 1}, "hoverinfo": "skip"},
        {"type": "scatter", "x": curve["account_share"].tolist(),
         "y": curve["bookings_share"].tolist(), "mode": "lines", "name": _("Accounts"),
         "line": {"color": GOOD, "width": 2.5, "shape": "hv"}, "fill": "tozeroy",
         "fillcolor": "rgba(33,102,172,0.08)",
         # written here, not by Plotly's ".0%": "50 %" in French, as the cards write it
         "hovertext": [_("Top {accounts} of accounts: {bookings} of bookings").format(
             accounts=formatting.percent(x), bookings=formatting.percent(y))
             for x, y in zip(curve["account_share"], curve["bookings_share"], strict=True)],
         "hovertemplate": "%{hovertext}<extra></extra>"},
    ]
    count = len(curve) - 1
    shapes, annotations = [], []
    if not formatting.is_missing(concentration) and count:
        top_x = math.ceil(round(0.2 * count, 9)) / count
        shapes.append({"type": "line", "x0": top_x, "x1": top_x, "y0": 0, "y1": concentration,
                       "line": {"color": BAD, "dash": "dot", "width": 1.5}})
        annotations.append({
            "x": top_x, "y": concentration, "ax": 40, "ay": 30, "showarrow": True,
            "arrowcolor": BAD,
            "text": _("Top {top}: <b>{share}</b> of T12 bookings").format(
                top=formatting.percent(0.2), share=formatting.percent(concentration)),
            "font": {"color": BAD}, "xanchor": "left", "bgcolor": "rgba(255,255,255,0.85)",
        })
    accounts_title = ngettext("Share of {n} buying account", "Share of {n} buying accounts",
                              count).format(n=formatting.count(count))
    layout = {
        "xaxis": percent_axis(1.0, range=[0, 1], title={"text": accounts_title}),
        "yaxis": percent_axis(1.0, range=[0, 1.02],
                              title={"text": _("Share of T12 bookings")}),
        "showlegend": False, "margin": {"t": 40, "b": 45},
        "shapes": shapes, "annotations": annotations,
    }
    return themed(unvalidated(traces, layout), title, HEIGHT)
