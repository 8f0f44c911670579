"""One Plotly look for every chart: quiet grid, the app's font, RdBu accents."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from dashboard.i18n import formatting, translation

GOOD = "#2166ac"
BAD = "#b2182b"
NEUTRAL = "#6b7280"
ACCENT = "#4f7cac"
SERIES = ("#2166ac", "#67a9cf", "#ef8a62", "#b2182b", "#7b6fa8", "#999999")

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
              "size": 12, "color": "#1f2937"},
        colorway=list(SERIES),
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin={"l": 50, "r": 20, "t": 40, "b": 40},
        # automargin: tick labels grow with the language ("1,5 M $US") and are never clipped
        xaxis={"gridcolor": "#eef0f3", "zerolinecolor": "#d1d5db", "linecolor": "#d1d5db",
               "automargin": True},
        yaxis={"gridcolor": "#eef0f3", "zerolinecolor": "#d1d5db", "linecolor": "#d1d5db",
               "automargin": True},
        legend={"orientation": "h", "y": -0.2},
        hoverlabel={"bgcolor": "white"},
        title={"font": {"size": 14}},
    )
)
pio.templates["territory"] = TEMPLATE

#: Plotly's decimal and thousands separators per language (tick labels, hovers)
SEPARATORS = {"en": ".,", "fr": ",\u202f"}


def money_axis(high, low=0.0, **more) -> dict:
    """An axis of amounts over [low, high], its ticks written as the cards write
    money (``formatting.money``: "$500K", "500 k $US"), not Plotly's SI "500k"."""
    values, texts = formatting.money_ticks(high, low)
    return {"tickmode": "array", "tickvals": values, "ticktext": texts, **more}


def percent_axis(high, low=0.0, signed: bool = False, **more) -> dict:
    """An axis of shares (1 = 100%) over [low, high], its ticks written as the
    cards write percents ("50 %" in French), not Plotly's ".0%" ("50%")."""
    values, texts = formatting.percent_ticks(high, low, signed=signed)
    return {"tickmode": "array", "tickvals": values, "ticktext": texts, **more}


def unvalidated(traces: list[dict], layout: dict) -> go.Figure:
    """A figure of plain-dict traces built without plotly's property checks,
    which cost ~20 ms for a 500-bar chart, ten times the rest of building it.
    Every builder that uses it is re-checked with validation on in
    ``tests/unit/test_figures_valid.py``, so a wrong property still fails a test."""
    return go.Figure(traces, layout, _validate=False)


def themed(fig: go.Figure, title: str | None = None, height: int = 320) -> go.Figure:
    """Apply the app template; every figure function ends with this."""
    fig.update_layout(template=TEMPLATE, height=height,
                      separators=SEPARATORS[translation.language()])
    if title:
        fig.update_layout(title={"text": title, "x": 0, "xanchor": "left"})
    return fig
