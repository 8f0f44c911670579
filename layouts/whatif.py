"""Components of the what-if editor (no data access): county map and edit
toolbar, fairness and disruption, sliders, suggested rebalance, the
before/after and per-rep grids."""

from __future__ import annotations

import json

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import dash_leaflet as dl
from dash import dcc, html
from dash_extensions.javascript import Namespace

from dashboard.i18n import formatting, translation
from dashboard.i18n.translation import _
from dashboard.views.whatif import FIGURE_COLUMNS
from layouts import (
    components,
    grid_format,
    ids,
    scenarios_panel,
    whatif_accounts,
    whatif_design,
)
from layouts.attainment import NUMBER_COL, card, header_with
from layouts.overview import MAP_NS, US_CENTER

WI_NS = Namespace("territoryMap", "whatif")

def _points() -> dict:
    """A change of a share in percentage points: +1.5 pt / +1,5 pt."""
    lang, unit = json.dumps(translation.language()), json.dumps("\u00a0" + _("pt"))
    return {"function": "tdFormat.number(params.value == null ? null : params.value * 100, "
                        f"{lang}, 1, true, {unit})"}


def formats(kind: str) -> tuple[dict, dict]:
    """(plain, signed) grid formatters of a figure kind, in the request's locale."""
    if kind == "money":
        return grid_format.money_compact(), grid_format.money_compact(signed=True)
    if kind == "percent":
        return grid_format.percent(), _points()
    return grid_format.number(), grid_format.number(signed=True)

DELTA_STYLE = {"styleConditions": [
    {"condition": "params.value > 0.0005", "style": {"color": "#2166ac"}},
    {"condition": "params.value < -0.0005", "style": {"color": "#b2182b"}},
]}


#: the dissolved outline of a territory the scenario reshapes
OUTLINE_STYLE = {"color": "#111111", "weight": 2.5, "opacity": 0.85, "fill": False,
                 "dashArray": "5 4"}


def county_map(geometry: dict, states: dict, hideout: dict, tile_url: str,
               tile_attribution: str, outlines: dict | None = None,
               fit: bool = False) -> html.Div:
    """Counties coloured by their scenario territory, and the ZIP areas of the counties
    the user expands. The shapes come once from ``geometry`` (a URL the browser fetches
    and keeps: assets/topojson.js); colours, outlines and the selection come from
    ``hideout``, so an edit never resends geometry (only the reshaped territories'
    proposed outlines)."""
    outlines = outlines or {"type": "FeatureCollection", "features": []}
    layers = []
    if tile_url:
        layers.append(dl.TileLayer(url=tile_url, attribution=tile_attribution, opacity=0.5))
    layers += [
        dl.GeoJSON(id=ids.WI_COUNTIES, hideout=hideout, zoomToBounds=fit,
                   style=WI_NS("countyStyle"), onEachFeature=WI_NS("bindTooltip"),
                   hoverStyle={"weight": 2, "color": "#111"}),
        dl.GeoJSON(id=ids.WI_ZIPS, hideout={"key": "whatif-zips"}, zoomToBounds=True,
                   style=WI_NS("zipStyle"), onEachFeature=WI_NS("bindZipTooltip"),
                   hoverStyle={"weight": 2, "color": "#111"}),
        dl.GeoJSON(data=states, interactive=False, style=MAP_NS("stateStyle")),
        dl.GeoJSON(id=ids.WI_OUTLINES, data=outlines, interactive=False, style=OUTLINE_STYLE),
    ]
    legend = html.Div([
        html.Div([html.Span(className="swatch wi-swatch-moved"), _("Moved in this scenario")],
                 className="legend-row"),
        html.Div([html.Span(className="swatch wi-swatch-outline"), _("Proposed boundary")],
                 className="legend-row"),
        html.Div([html.Span(className="swatch wi-swatch-selected"), _("Selected")],
                 className="legend-row"),
        html.Div([html.Span(className="swatch wi-swatch-locked"), _("Locked")],
                 className="legend-row"),
    ], className="map-legend")
    return html.Div([
        dl.Map(layers, id=ids.WI_MAP, center=US_CENTER, zoom=4.2, zoomSnap=0.25, minZoom=3,
               style={"height": "100%", "width": "100%"}, className="td-map"),
        legend,
        dcc.Store(id=ids.WI_GEOMETRY, data=geometry),
        dcc.Store(id=ids.WI_ZIP_GEOMETRY, data=None),
        dcc.Store(id=ids.WI_EXPANDED, data=[]),
        dcc.Store(id=ids.WI_ZIP_SELECTED, data=[]),
    ], className="map-wrap wi-map-wrap")


def toolbar(county_options: list[dict], territory_options: list[dict],
            own_layer: bool = False) -> html.Div:
    """Select counties (map click or by name), pick a target, then act. On a layer of
    one's own (``own_layer``) the units are not counties and have no ZIP areas: the ZIP
    buttons are hidden (kept: the callbacks read them)."""
    no_zips = {"display": "none"} if own_layer else None
    return html.Div([
        dcc.Dropdown(id=ids.WI_SELECT, options=county_options, value=[], multi=True,
                     placeholder=_("Click units on the map, or type a unit's name…")
                     if own_layer else _("Click counties on the map, or type a county name…"),
                     className="wi-select"),
        dcc.Dropdown(id=ids.WI_TARGET, options=territory_options, value=None,
                     placeholder=_("Move to territory…"), className="wi-target"),
        dbc.Button(_("Move selected"), id=ids.WI_MOVE, color="primary", size="sm"),
        dbc.Button(_("Lock selected"), id=ids.WI_LOCK, color="secondary", outline=True, size="sm"),
        dbc.Button(_("Undo"), id=ids.WI_UNDO, color="secondary", outline=True, size="sm"),
        dbc.Button(_("Show ZIPs"), id=ids.WI_EXPAND, color="secondary", outline=True,
                   size="sm", style=no_zips,  # hidden on a layer: no title to say counties
                   title=None if own_layer else _("Show the approximate ZIP areas of the "
                                                  "selected counties (or double-click a "
                                                  "county)")),
        dbc.Button(_("Hide ZIPs"), id=ids.WI_COLLAPSE, color="secondary", outline=True,
                   size="sm", style=no_zips,
                   title=None if own_layer else _("Show counties only")),
    ], className="wi-toolbar")


def map_card(map_div, toolbar_div, steps_text: str, own_layer: bool = False) -> dbc.Card:
    """The map and its toolbar; ``own_layer``: the units are a layer's, not counties."""
    title = (_("Scenario map · units coloured by territory") if own_layer
             else _("Scenario map · counties coloured by territory"))
    return dbc.Card([
        dbc.CardHeader(header_with(title,
                                   html.Small(steps_text, id=ids.WI_STEPS,
                                              className="text-muted fw-normal"))),
        dbc.CardBody([
            toolbar_div,
            dbc.Alert(id=ids.WI_ALERT, is_open=False, dismissable=True, color="warning",
                      className="wi-alert py-2 mb-2"),
            html.Div(map_div, className="wi-map-body"),
        ], className="p-2"),
    ], className="h-100")


def fairness_table(rows: list[dict], disruption: list[tuple[str, str]]) -> html.Div:
    """Before → after of each balance statistic, then disruption three ways."""
    body = [html.Tr([html.Td(r["label"]), html.Td(r["before"], className="text-end text-muted"),
                     html.Td("→", className="text-center text-muted"),
                     html.Td(r["after"], className=f"text-end fw-semibold {r['tone']}")])
            for r in rows]
    head = html.Thead(html.Tr([html.Th(""), html.Th(_("Live"), className="text-end"),
                               html.Th(""), html.Th(_("Scenario"), className="text-end")]))
    shares = [html.Div([html.Div(value, className="wi-share-value"),
                        html.Div(label, className="kpi-label")], className="wi-share")
              for label, value in disruption]
    return html.Div([
        html.Table([head, html.Tbody(body)], className="table table-sm wi-fairness mb-2"),
        html.Div(_("Disruption · share changing territory"), className="wi-subhead"),
        html.Div(shares, className="wi-shares"),
    ])


def fairness_card(content) -> dbc.Card:
    metric = dbc.RadioItems(
        id=ids.WI_METRIC, value="potential", inline=True, className="seg-switch",
        options=[{"label": _("Potential"), "value": "potential"},
                 {"label": _("Workload"), "value": "workload"},
                 {"label": _("Blend"), "value": "score"}],
        inputClassName="btn-check",
        labelClassName="btn btn-outline-primary",  # i18n: not shown (CSS classes)
        labelCheckedClassName="active")
    weight = html.Div([
        html.Label(_("Blend weight: 0 = workload only, 1 = potential only"),
                   htmlFor=ids.WI_WEIGHT, className="wi-label"),
        dcc.Slider(id=ids.WI_WEIGHT, min=0, max=1, step=0.05, value=0.5,
                   marks={0: formatting.number(0), 0.5: formatting.number(0.5, 1),
                          1: formatting.number(1)},
                   tooltip={"placement": "bottom", "always_visible": False}),
    ], className="mb-2")
    return card(header_with(_("Fairness"), metric), [weight, html.Div(content, id=ids.WI_FAIRNESS)])


def rebalance_card(page_token: str | None = None, territories: int = 1,
                   own_layer: bool = False) -> dbc.Card:
    """Suggest a rebalance and Design from scratch: shared search settings, each run's
    controls, the two trade-off charts and the reasons of the latest run."""
    return card(_("Suggest a rebalance · design from scratch"), [
        whatif_design.search_settings(own_layer),
        *whatif_accounts.rebalance_controls(page_token, own_layer),
        *whatif_design.design_controls(territories), whatif_accounts.tradeoff_charts(),
        html.Div(id=ids.WI_REASONS, className="wi-reasons")])


def sliders_card(territory_options: list[dict], own_layer: bool = False) -> dbc.Card:
    quota = dbc.Col([
        html.Div(_("Quota change"), className="wi-subhead"),
        dcc.Dropdown(id=ids.WI_QUOTA_TERRITORY, options=territory_options,
                     placeholder=_("Territory…"), className="mb-2"),
        dcc.Slider(id=ids.WI_QUOTA_PCT, min=-30, max=30, step=1, value=0,
                   marks={v: formatting.signed_percent(v / 100) if v else formatting.number(0)
                          for v in range(-30, 31, 10)},
                   tooltip={"placement": "bottom"}),
        dbc.Button(_("Set quota"), id=ids.WI_QUOTA_APPLY, size="sm", color="secondary",
                   outline=True, className="mt-1"),
    ], md=4)
    handover = dbc.Col([
        html.Div(_("Hand over accounts (closest to the receiving rep first)"),
                 className="wi-subhead"),
        dbc.Row([
            dbc.Col(dcc.Dropdown(id=ids.WI_HANDOVER_FROM, options=territory_options,
                                 placeholder=_("From…")), xs=6),
            dbc.Col(dcc.Dropdown(id=ids.WI_HANDOVER_TO, options=territory_options,
                                 placeholder=_("To…")), xs=6),
        ], className="g-2 mb-2"),
        dcc.Slider(id=ids.WI_HANDOVER_SHARE, min=0, max=50, step=1, value=10,
                   marks={v: formatting.percent(v / 100) for v in range(0, 51, 10)},
                   tooltip={"placement": "bottom"}),
        dbc.Button(_("Hand over"), id=ids.WI_HANDOVER_APPLY, size="sm", color="secondary",
                   outline=True, className="mt-1"),
    ], md=4)
    return card(_("Quota, handover and locks"),
                dbc.Row([quota, handover,
                         whatif_accounts.locks_column(territory_options, own_layer)],
                        className="g-4"))


def touched_grid(rows: list[dict], total: dict, own_layer: bool = False) -> dag.AgGrid:
    """Touched territories: each figure as a before / after / change column group."""
    nothing_yet = (_("No territory changed yet: move a unit, set a quota or hand over "
                     "accounts.") if own_layer
                   else _("No territory changed yet: move a county, set a quota or hand "
                          "over accounts."))
    columns = [
        {"field": "id", "headerName": _("ID"), "pinned": "left", "maxWidth": 76},
        {"field": "name", "headerName": _("Territory"), "pinned": "left", "minWidth": 130},
        {"field": "rep", "headerName": _("Rep"), "minWidth": 120},
    ]
    for figure, header, kind in FIGURE_COLUMNS:
        plain, signed = formats(kind)
        # a potential holding estimates says how many: "$1.2M (3 accounts estimated)"
        before, after = ((grid_format.with_note(plain, f"{figure}_{side}_note")
                          if figure == "potential" else plain) for side in ("before", "after"))
        columns.append({"headerName": _(header), "children": [
            {"field": f"{figure}_before", "headerName": _("Live"), "valueFormatter": before,
             **NUMBER_COL, "columnGroupShow": "open"},
            {"field": f"{figure}_after", "headerName": _("Scenario"), "valueFormatter": after,
             **NUMBER_COL},
            {"field": f"{figure}_delta", "headerName": "Δ", "valueFormatter": signed,
             "cellStyle": DELTA_STYLE, **NUMBER_COL},
        ]})
    return dag.AgGrid(
        id=ids.WI_TOUCHED, rowData=rows, columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True, "filter": True, "minWidth": 90},
        dashGridOptions={"rowHeight": 30, "headerHeight": 30, "groupHeaderHeight": 28,
                         "pinnedBottomRowData": [total], "animateRows": False,
                         "suppressColumnVirtualisation": True,
                         "localeText": {"noRowsToShow": nothing_yet}},
        getRowId="params.data.id",
        csvExportParams=components.csv_export("what-if-territories.csv"),
        style={"height": "300px"},
    )


def rep_grid(rows: list[dict]) -> dag.AgGrid:
    plain, signed = formats("money")
    whole = grid_format.number()
    columns = [
        {"field": "rep", "headerName": _("Rep"), "pinned": "left", "minWidth": 130},
        {"field": "territory", "headerName": _("Territory"), "minWidth": 150},
        {"field": "accounts_gained", "headerName": _("Gains"), "valueFormatter": whole,
         **NUMBER_COL, "maxWidth": 90},
        {"field": "accounts_lost", "headerName": _("Loses"), "valueFormatter": whole,
         **NUMBER_COL, "maxWidth": 90},
        {"field": "gained", "headerName": _("Accounts gained"), "minWidth": 200},
        {"field": "lost", "headerName": _("Accounts lost"), "minWidth": 200},
        {"field": "t12_bookings_net", "headerName": _("T12 bookings, net"),
         "valueFormatter": signed, "cellStyle": DELTA_STYLE, **NUMBER_COL},
        {"field": "open_pipeline_net", "headerName": _("Open pipeline, net"),
         "valueFormatter": signed, "cellStyle": DELTA_STYLE, **NUMBER_COL},
        {"field": "quota_before", "headerName": _("Quota live"), "valueFormatter": plain,
         **NUMBER_COL},
        {"field": "quota_after", "headerName": _("Quota scenario"), "valueFormatter": plain,
         **NUMBER_COL},
    ]
    return dag.AgGrid(
        id=ids.WI_REPS, rowData=rows, columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True, "filter": True},
        dashGridOptions={"rowHeight": 30, "headerHeight": 32, "animateRows": False,
                         "localeText": {"noRowsToShow": _("No rep is affected yet.")}},
        getRowId="params.data.id", columnSize="sizeToFit", style={"height": "260px"},
    )


def page(history: list, map_card_div, fairness, rebalance, sliders, touched, reps,
         accounts=None, compare=None, scenario_rows: list | None = None,
         leader: bool = True, own_layer: bool = False) -> html.Div:
    export = dbc.Button(_("Export CSV"), id=ids.WI_TOUCHED_EXPORT, size="sm", color="secondary",
                        outline=True)
    return html.Div([
        dcc.Store(id=ids.WI_HISTORY, data=history),
        html.Div([html.H5(_("What-if reassignment"), className="mb-0 me-3"),
                  html.Small(_("A draft over the live alignment: nothing changes until a "
                               "scenario is applied."), className="text-muted")],
                 className="d-flex align-items-baseline flex-wrap view-head"),
        dbc.Row([
            dbc.Col(map_card_div, lg=8),
            dbc.Col(html.Div([fairness, rebalance], className="d-flex flex-column gap-3"),
                    lg=4),
        ], className="g-3"),
        dbc.Row(dbc.Col(sliders), className="g-3 mt-1"),
        dbc.Row(dbc.Col(accounts), className="g-3 mt-1") if accounts is not None else None,
        dbc.Row(dbc.Col(card(header_with(_("Touched territories · live → scenario"), export),
                             touched, "p-0")), className="g-3 mt-1"),
        dbc.Row(dbc.Col(card(_("Per-rep impact · what each rep gains and loses"), reps, "p-0")),
                className="g-3 mt-1"),
        dbc.Row(dbc.Col(scenarios_panel.panel(scenario_rows or [], leader, own_layer)),
                className="g-3 mt-1"),
        dbc.Row(dbc.Col(compare), className="g-3 mt-1 mb-3") if compare is not None else None,
    ])
