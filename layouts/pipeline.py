"""Components of the pipeline view (no data access)."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import html

from dashboard.i18n.translation import _
from dashboard.views.rankings import HEALTHY_BOUNDS
from layouts import components, grid_format, ids
from layouts.attainment import NUMBER_COL, card, graph, header_with
from layouts.theme import BAD, GOOD


def healthy_input(value: float) -> html.Div:
    low, high = HEALTHY_BOUNDS
    return html.Div([
        html.Label(_("Healthy coverage"), htmlFor=ids.PIPELINE_HEALTHY,
                   className="text-muted small mb-0 me-2"),
        dbc.InputGroup([
            dbc.Input(id=ids.PIPELINE_HEALTHY, type="number", value=value, min=low, max=high,
                      step=0.5, debounce=True, className="healthy-input"),
            dbc.InputGroupText(_("× remaining quota")),
        ], size="sm", className="w-auto"),
    ], className="d-flex align-items-center")


def coverage_legend(healthy_text: str) -> html.Div:
    items = [html.Span([html.Span(className="swatch", style={"background": c}), lab],
                       className="inline-legend-item")
             for c, lab in ((GOOD, _("At or above {healthy}").format(healthy=healthy_text)),
                            (BAD, _("Below {healthy}").format(healthy=healthy_text)))]
    return html.Div(items, className="inline-legend")


def overdue_grid(rows: list[dict]) -> dag.AgGrid:
    columns = [
        {"field": "account_name", "headerName": _("Account"), "minWidth": 190},
        {"field": "territory_name", "headerName": _("Territory"), "minWidth": 130},
        {"field": "amount", "headerName": _("Amount"),
         "valueFormatter": grid_format.money_compact(), **NUMBER_COL},
        {"field": "stage", "headerName": _("Stage"), "minWidth": 110},
        {"field": "close_date", "headerName": _("Close date"), "minWidth": 110,
         "valueFormatter": grid_format.day()},
        {"field": "days_overdue", "headerName": _("Days late"), **NUMBER_COL, "minWidth": 118,
         "valueFormatter": grid_format.number(),
         "sort": "desc", "cellStyle": {"color": BAD, "fontWeight": 600}},
    ]
    return dag.AgGrid(
        id=ids.PIPELINE_OVERDUE, rowData=rows, columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True, "filter": True},
        dashGridOptions={"rowHeight": 30, "headerHeight": 34, "animateRows": False},
        getRowId="params.data.opportunity_id", columnSize="sizeToFit",
        csvExportParams=components.csv_export("overdue-deals.csv"),
        style={"height": "300px"},
    )


def territory_grid(rows: list[dict], healthy: float) -> dag.AgGrid:
    coverage_style = {"styleConditions": [
        {"condition": f"params.value != null && params.value < {healthy}",
         "style": {"color": BAD, "fontWeight": 600}}]}
    money = grid_format.money_compact()
    columns = [
        {"field": "name", "headerName": _("Territory"), "pinned": "left", "minWidth": 150},
        {"field": "id", "headerName": _("ID"), "maxWidth": 90},
        {"field": "open_pipeline", "headerName": _("Open"), "valueFormatter": money,
         **NUMBER_COL},
        {"field": "weighted_pipeline", "headerName": _("Weighted"), "valueFormatter": money,
         **NUMBER_COL},
        {"field": "coverage", "headerName": _("Coverage"),
         "valueFormatter": grid_format.number(1, suffix="×"),
         "cellStyle": coverage_style, **NUMBER_COL},
        {"field": "win_rate", "headerName": _("Win rate"), "valueFormatter": grid_format.percent(),
         **NUMBER_COL},
        {"field": "avg_deal_size", "headerName": _("Avg deal"), "valueFormatter": money,
         **NUMBER_COL},
        {"field": "sales_cycle_days", "headerName": _("Cycle"),
         "valueFormatter": grid_format.number(suffix="\u00a0" + _("d")), **NUMBER_COL},
        {"field": "overdue_count", "headerName": _("Overdue #"),
         "valueFormatter": grid_format.number(), **NUMBER_COL},
        {"field": "overdue_amount", "headerName": _("Overdue amount"), "valueFormatter": money,
         **NUMBER_COL},
    ]
    return dag.AgGrid(
        id=ids.PIPELINE_GRID, rowData=rows, columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True, "filter": True},
        dashGridOptions={"rowHeight": 30, "headerHeight": 34, "animateRows": False},
        getRowId="params.data.id", columnSize="sizeToFit",
        csvExportParams=components.csv_export("pipeline-territories.csv"),
        style={"height": "420px"},
    )


def content(strip, funnel_title: str, funnel, overdue_title: str, overdue, coverage_title: str,
            coverage, healthy_text: str, aging, grid_title: str, grid) -> html.Div:
    """Everything below the healthy-line input; rebuilt as a whole on a change."""
    export = components.export_buttons(ids.PIPELINE_EXPORT)
    overdue_head = header_with(overdue_title,
                               components.export_buttons(ids.PIPELINE_OVERDUE_EXPORT))
    return html.Div([
        strip,
        dbc.Row([
            dbc.Col(card(funnel_title, graph(ids.PIPELINE_FUNNEL, funnel), "p-1"), lg=4),
            dbc.Col(card(overdue_head, overdue, "p-0"), lg=8),
        ], className="g-3 mt-1"),
        dbc.Row([
            dbc.Col(card(header_with(coverage_title, coverage_legend(healthy_text), stacked=True),
                         graph(ids.PIPELINE_COVERAGE, coverage), "p-1"), lg=7),
            dbc.Col(card(header_with(_("Overdue open pipeline by territory"),
                                     html.Div(_("amount · deals past their expected "
                                                "close date"),
                                              className="inline-legend"), stacked=True),
                         graph(ids.PIPELINE_AGING, aging), "p-1"), lg=5),
        ], className="g-3 mt-1"),
        dbc.Row(dbc.Col(card(header_with(grid_title, export), grid, "p-0")),
                className="g-3 mt-1"),
    ])


def page(healthy: float, body) -> html.Div:
    return html.Div([
        html.Div([html.H5(_("Pipeline"), className="mb-0 me-4"), healthy_input(healthy),
                  components.help_button("pipeline")],
                 className="d-flex align-items-center flex-wrap view-head"),
        html.Div(body, id=ids.PIPELINE_CONTENT),
    ])
