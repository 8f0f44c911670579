"""Figures of the attainment view: pure functions, rows in, ``go.Figure`` out."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.i18n import formatting
from dashboard.i18n.translation import N_, _
from layouts.theme import BAD, GOOD, NEUTRAL, percent_axis, themed, unvalidated

#: (upper bound of pace, label, colour): RdBu from behind to ahead of pace
PACE_CLASSES = (
    (0.85, N_("Behind pace (< {high})"), BAD),
    (1.0, N_("Slightly behind ({low}–{high})"), "#ef8a62"),
    (1.15, N_("On pace ({low}–{high})"), "#67a9cf"),
    (math.inf, N_("Ahead (≥ {low})"), GOOD),
)
INK = "#1f2937"


def pace_color(pace) -> str:
    if formatting.is_missing(pace):
        return NEUTRAL
    return next(color for bound, _label, color in PACE_CLASSES if pace < bound)


def pace_class_labels() -> list[str]:
    """The pace classes' names with their bounds, in the request's language."""
    labels, low = [], None
    for bound, label, _color in PACE_CLASSES:
        high = formatting.percent(bound) if math.isfinite(bound) else None
        labels.append(_(label).format(low=low, high=high))
        low = high
    return labels


def chart_height(rows: int) -> int:
    """Tall enough that every bar keeps a readable label."""
    return max(260, 21 * rows + 80)


def _names(rows: pd.DataFrame) -> np.ndarray:
    return np.array([str(n) for n in rows["name"]], dtype=object)


def _drill_ids(rows: pd.DataFrame) -> np.ndarray:
    return np.array([t if isinstance(t, str) else "" for t in rows["territory_id"]], dtype=object)


def _bars(rows: pd.DataFrame, mask: np.ndarray, value: str, color: str, name: str, text,
          hover, position=None) -> dict:
    """One horizontal bar trace of one colour (see ``theme.unvalidated``);
    ``position`` is each bar's label position ("outside" for all by default)."""
    position = np.full(len(rows), "outside", dtype=object) if position is None else position
    return dict(
        type="bar", y=_names(rows)[mask], x=rows[value].to_numpy(dtype="float64")[mask],
        orientation="h", insidetextanchor="end",
        name=name, marker={"color": color}, text=text[mask], textposition=position[mask],
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


#: room a bar's outside label takes, as a share of the axis: "100%" at 11 px is
#: ~32 px, over a plot ~600 px wide (the attainment chart at 1440 px); generous
LABEL_SHARE = 0.075


def label_positions(values: np.ndarray, lines: list[float], axis_top: float) -> np.ndarray:
    """Each bar's label position: "outside" (after the bar's end) unless a
    vertical line (100% of quota, on pace today) would cross it there; then
    "inside", ending at the bar's end, left of the line. A bar too short to
    hold its label inside keeps it outside."""
    room = LABEL_SHARE * axis_top
    values = np.nan_to_num(np.asarray(values, dtype="float64"), nan=-1.0)
    crossed = np.zeros(len(values), dtype=bool)
    for x in lines:
        crossed |= (values < x) & (values >= x - room)
    return np.where(crossed & (values >= room), "inside", "outside").astype(object)


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
    template = _("Attainment {attainment} · Pace {pace}<br>Bookings {bookings} of {quota}")
    hover = np.array([
        f"<b>{n}</b><br>" + template.format(
            attainment=formatting.percent(a), pace=formatting.percent(p),
            bookings=formatting.money(b), quota=formatting.money(q))
        for n, a, p, b, q in zip(names, rows["attainment"], rows["pace"], rows["bookings"],
                                 rows["quota"], strict=True)
    ], dtype=object)
    text = np.array([formatting.percent(a) for a in rows["attainment"]], dtype=object)
    colors = np.array([pace_color(p) for p in rows["pace"]], dtype=object)
    classes = [*zip(pace_class_labels(), (c for _b, _l, c in PACE_CLASSES), strict=True),
               (_("Pace unknown"), NEUTRAL)]
    values = [v for v in [*rows["attainment"], *rows["pace"]] if not formatting.is_missing(v)]
    top = max([1.1, *values])
    position = label_positions(rows["attainment"].to_numpy(dtype="float64"),
                               [1.0, *([elapsed] if 0 < elapsed < 1 else [])], top * 1.1)
    traces = [_bars(rows, colors == color, "attainment", color, label, text, hover, position)
              for label, color in classes if (colors == color).any()]
    traces.append(dict(
        type="scatter", y=names, x=rows["pace"].to_numpy(dtype="float64"), mode="markers",
        name=_("Pace"),
        marker={"symbol": "diamond", "size": 8, "color": INK,
                "line": {"color": "white", "width": 1}},
        customdata=_drill_ids(rows), hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
    ))
    lines = [_vline(1.0, _("{percent} of quota").format(percent=formatting.percent(1.0)),
                    "solid")]
    if 0 < elapsed < 1:
        lines.append(_vline(elapsed, _("On pace today ({percent} elapsed)").format(
            percent=formatting.percent(elapsed)), "dash"))
    layout = _bar_layout(rows, percent_axis(top * 1.1, range=[0, top * 1.1]),
                         [s for s, _ in lines], [n for _, n in lines])
    # a label moved inside keeps a readable size (plotly shrinks it to the bar's height)
    layout["uniformtext"] = {"minsize": 10, "mode": "show"}
    return themed(unvalidated(traces, layout), height=chart_height(len(rows)))


def growth_figure(rows: pd.DataFrame) -> go.Figure:
    """Revenue growth bars around 0, best on top: blue grew, red shrank."""
    growth = rows["revenue_growth"].to_numpy(dtype="float64")
    text = np.array([formatting.signed_percent(g) for g in growth], dtype=object)
    template = _("Growth {growth} vs same dates last year")
    hover = np.array([f"<b>{n}</b><br>" + template.format(growth=t)
                      for n, t in zip(_names(rows), text, strict=True)], dtype=object)
    traces = [_bars(rows, mask, "revenue_growth", color, label, text, hover)
              for mask, color, label in ((growth >= 0, GOOD, _("Grew")),
                                         (growth < 0, BAD, _("Shrank")))
              if mask.any()]
    finite = growth[np.isfinite(growth)]
    low = min(0.0, float(finite.min()) if len(finite) else 0.0)
    high = max(0.0, float(finite.max()) if len(finite) else 0.0)
    pad = max(high - low, 0.1) * 0.18
    bounds = [low - pad * (low < 0), high + pad]
    layout = _bar_layout(rows, percent_axis(bounds[1], bounds[0], signed=True, range=bounds,
                                            zeroline=True, zerolinecolor="#374151",
                                            zerolinewidth=1.5))
    return themed(unvalidated(traces, layout), height=chart_height(len(rows)))
