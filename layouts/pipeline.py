"""Components of the pipeline view (no data access)."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import html

from dashboard.rankings import HEALTHY_BOUNDS
from layouts import components, ids
from layouts.attainment import MONEY, NUMBER_COL, PCT, card, graph, header_with
from layouts.theme import BAD, GOOD

MULTIPLE = {"function": "params.value == null ? '—' : params.value.toFixed(1) + '×'"}
DAYS = {"function": "params.value == null ? '—' : Math.round(params.value) + ' d'"}
WHOLE = {"function": "params.value == null ? '—' : params.value.toLocaleString('en-US')"}


def healthy_input(value: float) -> html.Div:
    low, high = HEALTHY_BOUNDS
    return html.Div([
        html.Label("Healthy coverage", htmlFor=ids.PIPELINE_HEALTHY,
                   className="text-muted small mb-0 me-2"),
        dbc.InputGroup([
            dbc.Input(id=ids.PIPELINE_HEALTHY, type="number", value=value, min=low, max=high,
                      step=0.5, debounce=True, className="healthy-input"),
            dbc.InputGroupText("× remaining quota"),
        ], size="sm", className="w-auto"),
    ], className="d-flex align-items-center")


def coverage_legend(healthy_text: str) -> html.Div:
    items = [html.Span([html.Span(className="swatch", style={"background": c}), lab],
                       className="inline-legend-item")
             for c, lab in ((GOOD, f"At or above {healthy_text}"), (BAD, f"Below {healthy_text}"))]
    return html.Div(items, className="inline-legend")


def overdue_grid(rows: list[dict]) -> dag.AgGrid:
    columns = [
        {"field": "account_name", "headerName": "Account", "minWidth": 190},
        {"field": "territory_name", "headerName": "Territory", "minWidth": 130},
        {"field": "amount", "headerName": "Amount", "valueFormatter": MONEY, **NUMBER_COL},
        {"field": "stage", "headerName": "Stage", "minWidth": 110},
        {"field": "close_date", "headerName": "Close date", "minWidth": 110},
        {"field": "days_overdue", "headerName": "Days late", **NUMBER_COL, "minWidth": 118,
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
    columns = [
        {"field": "name", "headerName": "Territory", "pinned": "left", "minWidth": 150},
        {"field": "id", "headerName": "ID", "maxWidth": 90},
        {"field": "open_pipeline", "headerName": "Open", "valueFormatter": MONEY, **NUMBER_COL},
        {"field": "weighted_pipeline", "headerName": "Weighted", "valueFormatter": MONEY,
         **NUMBER_COL},
        {"field": "coverage", "headerName": "Coverage", "valueFormatter": MULTIPLE,
         "cellStyle": coverage_style, **NUMBER_COL},
        {"field": "win_rate", "headerName": "Win rate", "valueFormatter": PCT, **NUMBER_COL},
        {"field": "avg_deal_size", "headerName": "Avg deal", "valueFormatter": MONEY,
         **NUMBER_COL},
        {"field": "sales_cycle_days", "headerName": "Cycle", "valueFormatter": DAYS,
         **NUMBER_COL},
        {"field": "overdue_count", "headerName": "Overdue #", "valueFormatter": WHOLE,
         **NUMBER_COL},
        {"field": "overdue_amount", "headerName": "Overdue $", "valueFormatter": MONEY,
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
            dbc.Col(card(header_with("Overdue open pipeline by territory",
                                     html.Div("amount · deals past their expected close date",
                                              className="inline-legend"), stacked=True),
                         graph(ids.PIPELINE_AGING, aging), "p-1"), lg=5),
        ], className="g-3 mt-1"),
        dbc.Row(dbc.Col(card(header_with(grid_title, export), grid, "p-0")),
                className="g-3 mt-1"),
    ])


def page(healthy: float, body) -> html.Div:
    return html.Div([
        html.Div([html.H5("Pipeline", className="mb-0 me-4"), healthy_input(healthy),
                  components.help_button("pipeline")],
                 className="d-flex align-items-center flex-wrap view-head"),
        html.Div(body, id=ids.PIPELINE_CONTENT),
    ])
