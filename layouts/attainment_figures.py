"""Figures of the attainment view: pure functions, rows in, ``go.Figure`` out."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import formatting
from layouts.theme import BAD, GOOD, NEUTRAL, themed

#: (upper bound of pace, label, colour): RdBu from behind to ahead of pace
PACE_CLASSES = (
    (0.85, "Behind pace (< 85%)", BAD),
    (1.0, "Slightly behind (85–100%)", "#ef8a62"),
    (1.15, "On pace (100–115%)", "#67a9cf"),
    (math.inf, "Ahead (≥ 115%)", GOOD),
)
INK = "#1f2937"


def pace_color(pace) -> str:
    if formatting.is_missing(pace):
        return NEUTRAL
    return next(color for bound, _, color in PACE_CLASSES if pace < bound)


def chart_height(rows: int) -> int:
    """Tall enough that every bar keeps a readable label."""
    return max(260, 21 * rows + 80)


def _names(rows: pd.DataFrame) -> np.ndarray:
    return np.array([str(n) for n in rows["name"]], dtype=object)


def _drill_ids(rows: pd.DataFrame) -> np.ndarray:
    return np.array([t if isinstance(t, str) else "" for t in rows["territory_id"]], dtype=object)


def _bars(rows: pd.DataFrame, mask: np.ndarray, value: str, color: str, name: str, text,
          hover) -> go.Bar:
    """One colour per trace: a per-bar colour array costs Plotly ~10 ms to validate."""
    return go.Bar(
        y=_names(rows)[mask], x=rows[value].to_numpy(dtype="float64")[mask], orientation="h",
        name=name, marker={"color": color}, text=text[mask], textposition="outside",
        cliponaxis=False, textfont={"size": 11}, customdata=_drill_ids(rows)[mask],
        hovertext=hover[mask], hovertemplate="%{hovertext}<extra></extra>",
    )


def _vline(x: float, label: str, dash: str) -> tuple[dict, dict]:
    shape = {"type": "line", "x0": x, "x1": x, "y0": 0, "y1": 1, "yref": "paper",
             "line": {"color": "#374151", "width": 1.5, "dash": dash}}
    note = {"x": x, "y": 0, "yref": "paper", "yanchor": "top", "text": label,
            "showarrow": False, "font": {"size": 11, "color": "#374151"},
            "bgcolor": "rgba(255,255,255,.85)", "xanchor": "left" if dash == "solid" else "right"}
    return shape, note


def _bar_layout(rows: pd.DataFrame, xaxis: dict, shapes=(), notes=()) -> dict:
    return {
        "showlegend": False, "barmode": "overlay", "bargap": 0.25,
        "margin": {"l": 10, "r": 40, "t": 34, "b": 30},
        # an explicit reversed range: autorange pads a tall category axis by whole rows
        "yaxis": {"range": [len(rows) - 0.5, -0.5], "automargin": True, "tickfont": {"size": 11},
                  "categoryorder": "array", "categoryarray": _names(rows)},
        "xaxis": {"side": "top", **xaxis}, "shapes": list(shapes), "annotations": list(notes),
    }


def ranking_figure(rows: pd.DataFrame, elapsed: float) -> go.Figure:
    """Attainment bars, best on top, coloured by pace; a diamond marks pace.

    ``rows`` are ranked (name, attainment, pace, bookings, quota,
    territory_id); the 100% line is the quota, the dashed line is where
    attainment would be on pace with the share of the period elapsed.
    """
    names = _names(rows)
    hover = np.array([
        f"<b>{n}</b><br>Attainment {formatting.percent(a)} · Pace {formatting.percent(p)}"
        f"<br>Bookings {formatting.money(b)} of {formatting.money(q)}"
        for n, a, p, b, q in zip(names, rows["attainment"], rows["pace"], rows["bookings"],
                                 rows["quota"], strict=True)
    ], dtype=object)
    text = np.array([formatting.percent(a) for a in rows["attainment"]], dtype=object)
    colors = np.array([pace_color(p) for p in rows["pace"]], dtype=object)
    traces = [_bars(rows, colors == color, "attainment", color, label, text, hover)
              for _, label, color in (*PACE_CLASSES, (None, "Pace unknown", NEUTRAL))
              if (colors == color).any()]
    traces.append(go.Scatter(
        y=names, x=rows["pace"].to_numpy(dtype="float64"), mode="markers", name="Pace",
        marker={"symbol": "diamond", "size": 8, "color": INK,
                "line": {"color": "white", "width": 1}},
        customdata=_drill_ids(rows), hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
    ))
    values = [v for v in [*rows["attainment"], *rows["pace"]] if not formatting.is_missing(v)]
    top = max([1.1, *values])
    lines = [_vline(1.0, "100% of quota", "solid")]
    if 0 < elapsed < 1:
        lines.append(_vline(elapsed, f"On pace today ({formatting.percent(elapsed)} elapsed)",
                            "dash"))
    layout = _bar_layout(rows, {"tickformat": ".0%", "range": [0, top * 1.1]},
                         [s for s, _ in lines], [n for _, n in lines])
    return themed(go.Figure(traces, layout), height=chart_height(len(rows)))


def growth_figure(rows: pd.DataFrame) -> go.Figure:
    """Revenue growth bars around 0, best on top: blue grew, red shrank."""
    growth = rows["revenue_growth"].to_numpy(dtype="float64")
    text = np.array([formatting.signed_percent(g) for g in growth], dtype=object)
    hover = np.array([f"<b>{n}</b><br>Growth {t} vs same dates last year"
                      for n, t in zip(_names(rows), text, strict=True)], dtype=object)
    traces = [_bars(rows, mask, "revenue_growth", color, label, text, hover)
              for mask, color, label in ((growth >= 0, GOOD, "Grew"), (growth < 0, BAD, "Shrank"))
              if mask.any()]
    finite = growth[np.isfinite(growth)]
    low = min(0.0, float(finite.min()) if len(finite) else 0.0)
    high = max(0.0, float(finite.max()) if len(finite) else 0.0)
    pad = max(high - low, 0.1) * 0.18
    layout = _bar_layout(rows, {"tickformat": "+.0%", "range": [low - pad * (low < 0),
                                                                high + pad],
                                "zeroline": True, "zerolinecolor": "#374151",
                                "zerolinewidth": 1.5})
    return themed(go.Figure(traces, layout), height=chart_height(len(rows)))
