"""Components of the quota attainment view (no data access)."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import html

from dashboard.i18n import formatting
from dashboard.i18n.translation import N_, _
from dashboard.views.choropleth import MISSING_COLOR, PALETTE
from layouts import chart_text, components, grid_format, ids
from layouts.attainment_figures import PACE_CLASSES, pace_class_labels
from layouts.theme import BAD, GOOD

LEVELS = (("territory", N_("Territories")), ("rep", N_("Reps")), ("region", N_("Regions")))
#: a grid's first column header per level; a level of the data without one
#: here (levels.csv names it) is headed by its own name
LEVEL_HEADERS = {"territory": N_("Territory"), "rep": N_("Rep"), "region": N_("Region"),
                 "district": N_("District")}

#: attainment class breaks of the heat table, symmetric around 100%
HEAT_BREAKS = (0.7, 0.85, 0.95, 1.05, 1.15, 1.3)

NUMBER_COL = {"type": "rightAligned", "filter": "agNumberColumnFilter", "minWidth": 96}


def level_switch(value: str, between: tuple[tuple[str, str], ...] = ()) -> dbc.RadioItems:
    """Territories, reps, then ``between`` (the data's levels under region:
    (value, label shown)), then regions."""
    options = [{"label": _(lab), "value": v} for v, lab in LEVELS[:2]]
    options += [{"label": lab, "value": v} for v, lab in between]
    options += [{"label": _(lab), "value": v} for v, lab in LEVELS[2:]]
    return dbc.RadioItems(
        id=ids.ATTAINMENT_LEVEL, options=options,
        value=value, inline=True, className="seg-switch",
        inputClassName="btn-check",
        labelClassName="btn btn-outline-primary",  # i18n: not shown (CSS classes)
        labelCheckedClassName="active",
    )


def pace_legend() -> html.Div:
    entries = list(zip((color for _bound, _label, color in PACE_CLASSES), pace_class_labels(),
                       strict=True))
    items = [html.Span([html.Span(className="swatch", style={"background": c}), lab],
                       className="inline-legend-item") for c, lab in entries]
    items.append(html.Span([html.Span("◆", className="me-1"), _("Pace")],
                           className="inline-legend-item"))
    items += [html.Span([html.Span(className=f"line-swatch {kind}"), label],
                        className="inline-legend-item")
              for kind, label in (("solid", _("{percent} of quota").format(
                  percent=formatting.percent(1.0))), ("dashed", _("On pace today")))]
    return html.Div(items, className="inline-legend")


def growth_legend() -> html.Div:
    return html.Div([html.Span([html.Span(className="swatch", style={"background": c}), lab],
                               className="inline-legend-item")
                     for c, lab in ((GOOD, _("Grew")), (BAD, _("Shrank")))],
                    className="inline-legend")


def heat_legend() -> html.Div:
    pct = [formatting.percent(b) for b in HEAT_BREAKS]
    labels = (["< " + pct[0]] + [f"{low}–{high}" for low, high in zip(pct, pct[1:], strict=False)]
              + ["≥ " + pct[-1]])
    items = [html.Span([html.Span(className="swatch", style={"background": c}), lab],
                       className="inline-legend-item") for c, lab in zip(PALETTE, labels,
                                                                       strict=True)]
    return html.Div(items, className="inline-legend")


def heat_style() -> dict:
    """RdBu cell colours, one range per class, so the conditions never overlap."""
    bounds = [None, *HEAT_BREAKS, None]
    conditions = [{"condition": "params.value == null",
                   "style": {"backgroundColor": MISSING_COLOR, "color": "#374151"}}]
    for color, low, high in zip(PALETTE, bounds, bounds[1:], strict=False):
        test = ["params.value != null"]
        if low is not None:
            test.append(f"params.value >= {low}")
        if high is not None:
            test.append(f"params.value < {high}")
        text = "white" if color in (PALETTE[0], PALETTE[-1]) else "#1f2937"
        conditions.append({"condition": " && ".join(test),
                           "style": {"backgroundColor": color, "color": text}})
    return {"styleConditions": conditions}


def quarter_label(label: str) -> str:
    """A quarter's column header: "2026Q3" reads "2026 Q3" / "T3 2026"."""
    return _("{year} Q{quarter}").format(year=label[:4], quarter=label[5:])


def heat_grid(rows: list[dict], quarters: list[str]) -> dag.AgGrid:
    style = heat_style()
    columns = [{"field": "name", "headerName": _("Territory"), "pinned": "left",
                "minWidth": 150},
               {"field": "region", "headerName": _("Region"), "minWidth": 110,
                "maxWidth": 130}]
    pct = grid_format.percent()
    columns += [{"field": q, "headerName": quarter_label(q), "valueFormatter": pct,
                 "cellStyle": style, "filter": "agNumberColumnFilter", "type": "rightAligned",
                 "minWidth": 84} for q in quarters]
    return dag.AgGrid(
        id=ids.ATTAINMENT_HEAT, rowData=rows, columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True, "filter": True},
        dashGridOptions={"rowHeight": 28, "headerHeight": 32, "animateRows": False},
        getRowId="params.data.id", columnSize="sizeToFit", style={"height": "440px"},
        csvExportParams=components.csv_export("attainment-by-quarter.csv"),
    )


def kpi_columns(level: str) -> list[dict]:
    name = _(LEVEL_HEADERS[level]) if level in LEVEL_HEADERS else level
    columns = [{"field": "name", "headerName": name, "pinned": "left", "minWidth": 160}]
    if level == "rep":
        columns.append({"field": "territory_name", "headerName": _("Territory"),
                        "minWidth": 140})
    if level == "territory":
        columns.append({"field": "id", "headerName": _("ID"), "maxWidth": 90})
    pct, money = grid_format.percent(), grid_format.money_compact()
    for field, header, fmt in (
        ("attainment", _("Attainment"), pct), ("pace", _("Pace"), pct),
        ("bookings", _("Bookings"), money), ("quota", _("Quota"), money),
        ("projected_attainment", _("Projected"), pct),
        ("revenue_growth", _("Growth"), grid_format.percent(signed=True)),
        ("acquisition_rate", _("Acquisition"), pct), ("retention_rate", _("Retention"), pct),
    ):
        columns.append({"field": field, "headerName": header, "valueFormatter": fmt,
                        **NUMBER_COL})
    return columns


def kpi_grid(rows: list[dict], level: str) -> dag.AgGrid:
    return dag.AgGrid(
        id=ids.ATTAINMENT_GRID, rowData=rows, columnDefs=kpi_columns(level),
        defaultColDef={"sortable": True, "resizable": True, "filter": True},
        dashGridOptions={"rowHeight": 30, "headerHeight": 34, "animateRows": False},
        getRowId="params.data.id", columnSize="sizeToFit",
        csvExportParams=components.csv_export(f"attainment-{level}s.csv"),
        style={"height": "420px"},
    )


def card(header, body, body_class: str = "") -> dbc.Card:
    return dbc.Card([dbc.CardHeader(header), dbc.CardBody(body, className=body_class)],
                    className="h-100")


def header_with(title: str, extra, stacked: bool = False) -> html.Div:
    """A card title with a legend (stacked below it) or a button (to its right)."""
    if stacked:
        return html.Div([html.Div(title), extra], className="d-flex flex-column gap-1")
    return html.Div([html.Span(title), extra],
                    className="d-flex align-items-center justify-content-between flex-wrap gap-2")


def graph(graph_id: str, figure) -> html.Div:
    """A chart with its PNG download (named after it) and a text alternative."""
    return components.described_graph(figure, graph_id, chart_text.describe(figure), graph_id)


def content(strip, ranking_title: str, ranking, growth, heat, heat_title: str, grid,
            grid_title: str) -> html.Div:
    """Everything below the level switch; rebuilt as a whole on a selection change."""
    export = components.export_buttons(ids.ATTAINMENT_EXPORT)
    heat_head = html.Div([heat_legend(), components.export_buttons(ids.ATTAINMENT_HEAT_EXPORT)],
                         className="d-flex align-items-center flex-wrap gap-2")
    return html.Div([
        strip,
        dbc.Row([
            dbc.Col(card(header_with(ranking_title, pace_legend(), stacked=True),
                         graph(ids.ATTAINMENT_RANKING, ranking), "p-1"), lg=7),
            dbc.Col(card(header_with(_("Revenue growth vs the same dates last year"),
                                     growth_legend(), stacked=True),
                         graph(ids.ATTAINMENT_GROWTH, growth), "p-1"), lg=5),
        ], className="g-3 mt-1"),
        dbc.Row(dbc.Col(card(header_with(heat_title, heat_head), heat, "p-0")),
                className="g-3 mt-1"),
        dbc.Row(dbc.Col(card(header_with(grid_title, export), grid, "p-0")),
                className="g-3 mt-1"),
    ])


def page(level: str, body, between: tuple[tuple[str, str], ...] = ()) -> html.Div:
    return html.Div([
        html.Div([html.H5(_("Quota attainment"), className="mb-0 me-3"),
                  html.Span(_("Rank by"), className="text-muted me-2 small"),
                  level_switch(level, between), components.help_button("attainment")],
                 className="d-flex align-items-center flex-wrap view-head"),
        html.Div(body, id=ids.ATTAINMENT_CONTENT),
    ])
