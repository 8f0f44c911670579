"""Figures of the pipeline view: pure functions, rows in, ``go.Figure`` out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.i18n import formatting
from dashboard.i18n.translation import _, ngettext
from dashboard.views.rankings import stage_label
from layouts.attainment_figures import chart_height
from layouts.theme import BAD, GOOD, money_axis, themed, unvalidated

#: light to dark blue along the sales process (ColorBrewer RdBu's blue half)
STAGE_COLORS = ("#d1e5f0", "#92c5de", "#4393c3", "#2166ac", "#053061")
LINE = "#374151"


def funnel_figure(funnel: pd.DataFrame) -> go.Figure:
    """Open pipeline by stage, in process order: amount as width, deals in the label."""
    labels = [ngettext("{amount} · {n} deal", "{amount} · {n} deals", int(d)).format(
                  amount=formatting.money(a), n=formatting.count(d))
              for a, d in zip(funnel["amount"], funnel["deals"], strict=True)]
    colors = [STAGE_COLORS[min(i, len(STAGE_COLORS) - 1)] for i in range(len(funnel))]
    fig = go.Figure(go.Funnel(
        y=[stage_label(s) for s in funnel["stage"]], x=funnel["amount"].to_numpy(dtype="float64"),
        text=labels, textinfo="text", textposition="inside",
        # dark text on the pale early stages, white on the dark late ones
        textfont={"color": ["#1f2937" if i < 2 else "white" for i in range(len(funnel))],
                  "size": 12},
        marker={"color": colors, "line": {"color": "white", "width": 1}},
        connector={"fillcolor": "#eef2f7", "line": {"width": 0}},
        customdata=[[formatting.money(w)] for w in funnel["weighted"]],
        hovertemplate="<b>%{y}</b><br>%{text}<br>"
                      + _("Weighted {amount}").format(amount="%{customdata[0]}")
                      + "<extra></extra>",
    ))
    fig.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      yaxis={"automargin": True}, showlegend=False)
    return themed(fig, height=300)


def _names(rows: pd.DataFrame) -> np.ndarray:
    return np.array([str(n) for n in rows["name"]], dtype=object)


def _hbar(rows: pd.DataFrame, mask: np.ndarray, values: np.ndarray, color: str,
          text: np.ndarray, hover: np.ndarray) -> dict:
    """One horizontal bar trace of one colour (see ``theme.unvalidated``)."""
    return dict(
        type="bar", y=_names(rows)[mask], x=values[mask], orientation="h",
        marker={"color": color}, text=text[mask], textposition="outside", cliponaxis=False,
        textfont={"size": 11}, customdata=np.asarray(rows["id"], dtype=object)[mask],
        hovertext=hover[mask], hovertemplate="%{hovertext}<extra></extra>",
    )


def _layout(rows: pd.DataFrame, xaxis: dict, shapes=(), notes=()) -> dict:
    return {
        "showlegend": False, "barmode": "overlay", "bargap": 0.25,
        "margin": {"l": 10, "r": 40, "t": 34, "b": 30},
        "yaxis": {"range": [len(rows) - 0.5, -0.5], "automargin": True,
                  "tickfont": {"size": 11}, "categoryorder": "array",
                  "categoryarray": _names(rows)},
        "xaxis": {"side": "top", **xaxis}, "shapes": list(shapes), "annotations": list(notes),
    }


def coverage_figure(rows: pd.DataFrame, healthy: float) -> go.Figure:
    """Coverage per territory, best on top; bars under the healthy line are red."""
    coverage = rows["coverage"].to_numpy(dtype="float64")
    text = np.array([formatting.multiple(c) for c in coverage], dtype=object)
    template = _("Coverage {coverage} · open {open}<br>Remaining quota {remaining}")
    hover = np.array([
        f"<b>{n}</b><br>" + template.format(coverage=t, open=formatting.money(o),
                                            remaining=formatting.money(r))
        for n, t, o, r in zip(_names(rows), text, rows["open_pipeline"], rows["remaining_quota"],
                              strict=True)], dtype=object)
    below = coverage < healthy
    traces = [_hbar(rows, mask, coverage, color, text, hover)
              for mask, color in ((~below, GOOD), (below, BAD)) if mask.any()]
    top = max([healthy * 1.2, *coverage[np.isfinite(coverage)]]) * 1.12
    line = {"type": "line", "x0": healthy, "x1": healthy, "y0": 0, "y1": 1, "yref": "paper",
            "line": {"color": LINE, "width": 1.5, "dash": "dash"}}
    note = {"x": healthy, "y": 0, "yref": "paper", "yanchor": "top", "xanchor": "left",
            "text": _("Healthy {coverage}").format(coverage=formatting.multiple(healthy)),
            "showarrow": False,
            "font": {"size": 11, "color": LINE}, "bgcolor": "rgba(255,255,255,.85)"}
    layout = _layout(rows, {"ticksuffix": "×", "range": [0, top]}, [line], [note])
    return themed(unvalidated(traces, layout), height=chart_height(len(rows)))


def aging_figure(rows: pd.DataFrame) -> go.Figure:
    """Overdue open pipeline per territory, largest on top."""
    amount = rows["overdue_amount"].to_numpy(dtype="float64")
    text = np.array([f"{formatting.money(a)} · {formatting.count(c)}"
                     for a, c in zip(amount, rows["overdue_count"], strict=True)], dtype=object)
    hover = np.array([f"<b>{n}</b><br>" + ngettext(
                          "{n} overdue deal worth {amount}", "{n} overdue deals worth {amount}",
                          int(c)).format(n=formatting.count(c), amount=formatting.money(a))
                      for n, c, a in zip(_names(rows), rows["overdue_count"], amount,
                                         strict=True)], dtype=object)
    top = max([1.0, *amount]) * 1.3
    layout = _layout(rows, money_axis(top, range=[0, top]))
    every = np.ones(len(rows), bool)
    fig = unvalidated([_hbar(rows, every, amount, BAD, text, hover)], layout)
    if not len(rows):
        fig.update_layout(xaxis={"visible": False}, yaxis={"visible": False}, annotations=[{
            "text": _("No open deal is past its expected close date"), "showarrow": False,
            "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5, "font": {"color": LINE}}])
    return themed(fig, height=chart_height(len(rows)))
