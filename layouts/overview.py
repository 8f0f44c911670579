"""The first page: company KPI strip, territory map coloured by a KPI, ranking."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import dash_leaflet as dl
from dash import dcc, html
from dash_extensions.javascript import Namespace

from dashboard.i18n.translation import _
from layouts import components, grid_format, ids

MAP_NS = Namespace("territoryMap", "map")

#: the 48 contiguous states fill the card; Alaska and Hawaii are a pan away.
#: (dash-leaflet 1.1's ``bounds`` prop throws in the browser, so a fractional
#: zoom does the fitting)
US_CENTER = [38.6, -96.5]


def territory_map(geometry: dict, states: dict, hideout: dict, tile_url: str,
                  tile_attribution: str, legend, *, map_id: str = ids.MAP,
                  geojson_id: str = ids.MAP_TERRITORIES,
                  legend_id: str = ids.MAP_LEGEND, geometry_id: str = ids.MAP_GEOMETRY,
                  overlays: list | None = None, zoom: float = 4.2,
                  fit: bool = False) -> html.Div:
    """Leaflet map; colours come from ``hideout`` so a KPI change resends no geometry.

    The territories' shapes come once from ``geometry`` (a URL the browser fetches and
    keeps, held in the store ``geometry_id``: assets/topojson.js), never in an answer.
    Other views reuse it under their own ids (``map_id``, ``geojson_id``,
    ``legend_id``, ``geometry_id``), and a narrower card a smaller ``zoom``, so the 48
    states still fit it and New England stays clear of the legend at its top right."""
    layers = []
    if tile_url:
        layers.append(dl.TileLayer(url=tile_url, attribution=tile_attribution, opacity=0.6))
    layers += [
        dl.GeoJSON(
            id=geojson_id,
            hideout=hideout,
            zoomToBounds=fit,  # a layer of one's own: the map opens on the United States
            style=MAP_NS("territoryStyle"),
            onEachFeature=MAP_NS("bindTooltip"),
            hoverStyle=MAP_NS("territoryHover"),
        ),
        dl.GeoJSON(data=states, interactive=False, style=MAP_NS("stateStyle")),
        *(overlays or []),
    ]
    return html.Div(
        [
            dl.Map(layers, id=map_id, center=US_CENTER, zoom=zoom,
                   zoomSnap=0.25, minZoom=3,
                   style={"height": "100%", "width": "100%"}, className="td-map td-us-map"),
            html.Div(legend, id=legend_id),
            dcc.Store(id=geometry_id, data=geometry),
        ],
        # on a phone the 48 states are fitted to the map (assets/map_fit.js) and the
        # legend goes under it (style.css): at this zoom the map showed the Midwest
        # only, half covered by the legend
        className="map-wrap us-map-wrap",
    )


def kpi_picker(options: list[dict], value: str) -> dbc.RadioItems:
    return dbc.RadioItems(
        id=ids.MAP_KPI_PICKER, options=options, value=value, inline=True,
        className="btn-group btn-group-sm kpi-picker", inputClassName="btn-check",
        labelClassName="btn btn-outline-primary",  # i18n: not shown (CSS classes)
        labelCheckedClassName="active",
    )


#: a map KPI's server format (``MapKpi.fmt``) -> the grid cell's formatter
_VALUE_FORMATS = {
    "percent": lambda: grid_format.percent(),
    "signed_percent": lambda: grid_format.percent(signed=True),
    "multiple": lambda: grid_format.number(1, suffix="×"),
}


def value_column(title: str, fmt: str, kpi_key: str) -> dict:
    """The ranking's KPI column: the number itself, formatted in the browser
    like the map's tooltip, so it sorts as a number and exports as one.

    Its column id names the KPI: AG Grid keeps a column whose id is unchanged
    and does not redraw its cells for a new formatter, so rows kept the
    previous KPI's format ("265%" under coverage) until reload; a new id is a
    new column, every cell drawn with its own KPI's format."""
    formatter = _VALUE_FORMATS.get(fmt, lambda: grid_format.number(2))()
    return {"field": "value", "colId": f"value-{kpi_key}", "headerName": title,
            "valueFormatter": formatter,
            "type": "rightAligned", "filter": "agNumberColumnFilter", "maxWidth": 150,
            # "Quota attainment" or "Taux d'atteinte de l'objectif": wrap, don't cut
            "wrapHeaderText": True, "autoHeaderHeight": True}


def ranking_grid(rows: list[dict], columns: list[dict]) -> dag.AgGrid:
    return dag.AgGrid(
        id=ids.OVERVIEW_RANKING,
        rowData=rows,
        getRowId="params.data.id",  # a clicked cell's rowId is its territory id
        columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True, "filter": True},
        dashGridOptions={"rowHeight": 30, "headerHeight": 32},
        columnSize="sizeToFit",
        csvExportParams=components.csv_export("territories-weakest-first.csv"),
        style={"height": "100%"},
    )


def accounts_layer() -> dl.GeoJSON:
    """Clustered account points, empty until the switch is on; then a callback
    sets ``url`` (points already filtered on the server). No ``data`` here:
    dash-leaflet ignores ``url`` whenever ``data`` is set."""
    return dl.GeoJSON(
        id=ids.MAP_ACCOUNTS, cluster=True, zoomToBoundsOnClick=True,
        pointToLayer=MAP_NS("accountPoint"), clusterToLayer=MAP_NS("accountCluster"),
        superClusterOptions={"radius": 60, "maxZoom": 11},
    )


def accounts_toggle() -> html.Div:
    return html.Div(
        [dbc.Switch(id=ids.MAP_ACCOUNTS_SWITCH, label=_("Show accounts"), value=False,
                    className="mb-0 me-2"),
         html.Span(id=ids.MAP_ACCOUNTS_LEGEND)],
        className="d-flex align-items-center ms-auto accounts-toggle",
    )


def accounts_legend(shown: bool) -> list:
    if not shown:
        return []
    return [html.Span(className="dot", style={"background": "#2166ac"}), _("Customer"), " ",
            html.Span(className="dot ms-2", style={"background": "#ef8a62"}), _("Prospect")]


def overview_page(strip, picker, map_div, ranking, toggle=None) -> html.Div:
    return html.Div(
        [
            html.Div(strip, id=ids.KPI_STRIP),
            dbc.Row(
                [
                    dbc.Col(
                        dbc.Card(
                            [
                                dbc.CardHeader(
                                    html.Div(
                                        # the "?" belongs to the title: kept on its row
                                        [html.Span([_("Territories coloured by"),
                                                    components.help_button("map")],
                                                   className="map-title me-2"),
                                         picker, toggle],
                                        className="d-flex align-items-center flex-wrap",
                                    )
                                ),
                                dbc.CardBody(map_div, className="p-0"),
                            ],
                            className="h-100",
                        ),
                        lg=8,
                    ),
                    dbc.Col(
                        dbc.Card(
                            [dbc.CardHeader([_("Territories, weakest first"),
                                             html.Small(" · " + _("click one for detail"),
                                                        className="text-muted fw-normal")]),
                             dbc.CardBody(ranking, className="p-0 ranking-body"),
                             # below the grid: the header has no room left beside its title,
                             # and the rows stay level with the map
                             dbc.CardFooter(components.export_buttons(
                                 ids.OVERVIEW_RANKING_EXPORT), className="bg-white py-1")],
                            className="h-100",
                        ),
                        lg=4,
                    ),
                ],
                className="g-3 mt-1",
            ),
        ]
    )
