"""Components of the scenario comparison card (no data access): two pickers,
the side-by-side table and a map of the counties the two assign differently."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import dash_leaflet as dl
from dash import dcc, html

from dashboard.i18n.translation import _
from layouts import ids
from layouts.attainment import card, header_with
from layouts.overview import MAP_NS, US_CENTER

LIVE = "live"
DIFF_STYLE = {"color": "#7f2704", "weight": 1, "fillColor": "#d95f02", "fillOpacity": 0.85}


def diff_map(states: dict, tile_url: str, tile_attribution: str):
    layers = []
    if tile_url:
        layers.append(dl.TileLayer(url=tile_url, attribution=tile_attribution, opacity=0.4))
    layers += [
        dl.GeoJSON(data=states, interactive=False, style=MAP_NS("stateStyle")),
        dl.GeoJSON(id=ids.WI_CMP_DIFF, data={"type": "FeatureCollection", "features": []},
                   style=DIFF_STYLE, hoverStyle={"weight": 2.5, "color": "#111"}),
    ]
    legend = html.Div([
        html.Div([html.Span(className="swatch wi-swatch-diff"), _("Assigned differently")],
                 className="legend-row"),
    ], className="map-legend")
    return html.Div([
        dl.Map(layers, id=ids.WI_CMP_MAP, center=US_CENTER, zoom=4, zoomSnap=0.25,
               minZoom=3, style={"height": "100%", "width": "100%"}, className="td-map"),
        legend,
    ], className="map-wrap wi-cmp-map")


def picker(component_id: str, label: str, value: str) -> html.Div:
    return html.Div([
        html.Label(label, htmlFor=component_id, className="wi-label"),
        dcc.Dropdown(id=component_id, options=[{"label": _("Live alignment"), "value": LIVE}],
                     value=value, clearable=False),
    ], className="wi-cmp-picker")


def comparison_table(rows: list[tuple[str, str, str, str]], name_a: str,
                     name_b: str) -> html.Table:
    head = html.Thead(html.Tr([html.Th(""), html.Th(_("Live"), className="text-end"),
                               html.Th(f"A · {name_a}", className="text-end"),
                               html.Th(f"B · {name_b}", className="text-end")]))
    body = html.Tbody([html.Tr([html.Td(label), html.Td(live, className="text-end text-muted"),
                                html.Td(a, className="text-end"),
                                html.Td(b, className="text-end fw-semibold")])
                       for label, live, a, b in rows])
    return html.Table([head, body], className="table table-sm wi-fairness wi-cmp-table mb-2")


def compare_card(states: dict, tile_url: str, tile_attribution: str) -> dbc.Card:
    pickers = html.Div([picker(ids.WI_CMP_A, _("Scenario A"), LIVE),
                        picker(ids.WI_CMP_B, _("Scenario B"), LIVE)],
                       className="wi-cmp-pickers")
    note = html.Small(_("Fairness of potential; disruption is the share changing territory "
                        "against the live alignment."), className="text-muted fw-normal")
    body = dbc.Row([
        dbc.Col([pickers,
                 html.Div(id=ids.WI_CMP_TABLE, className="mt-2"),
                 html.Div(id=ids.WI_CMP_SUMMARY, className="wi-cmp-summary")], lg=5),
        dbc.Col(html.Div(diff_map(states, tile_url, tile_attribution),
                         className="wi-cmp-map-body"), lg=7),
    ], className="g-3")
    return card(header_with(_("Compare two scenarios"), note), body)
