"""Small building blocks shared by several views."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html


def kpi_card(label: str, value: str, sub: str = "", tone: str = "") -> dbc.Card:
    """One figure of a KPI strip; ``tone`` is "good", "bad" or ""."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(label, className="kpi-label"),
                html.Div(value, className=f"kpi-value {tone}".strip()),
                html.Div(sub, className="kpi-sub"),
            ]
        ),
        className="kpi-card",
    )


def kpi_strip(cards: list) -> html.Div:
    return html.Div(cards, className="kpi-strip")


def empty_state(title: str, text: str) -> html.Div:
    return html.Div([html.H5(title), html.P(text, className="text-muted mb-0")],
                    className="empty-state")


def legend(title: str, entries: list[tuple[str, str]]) -> html.Div:
    return html.Div(
        [html.Div(title, className="legend-title")]
        + [
            html.Div([html.Span(className="swatch", style={"background": color}), label],
                     className="legend-row")
            for color, label in entries
        ],
        className="map-legend",
    )


def csv_export(file_name: str) -> dict:
    """AG Grid ``csvExportParams`` for a grid's "Export CSV": the file name,
    and text that a spreadsheet would run as a formula neutralised
    (``assets/grid_export.js``)."""
    return {"fileName": file_name,
            "processCellCallback": {"function": "safeCsvCell(params)"}}
