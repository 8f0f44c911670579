"""Components of the rep scorecard ("My scorecard"); no data access here."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import formatting
from layouts import chart_text, components, ids
from layouts.drilldown import AMOUNT, chart, grid, grid_card

TOP_COLUMNS = [
    {"field": "name", "headerName": "Account", "minWidth": 200, "flex": 2},
    {"field": "segment", "headerName": "Segment", "minWidth": 110, "flex": 1},
    {"field": "t12_bookings", "headerName": "T12 bookings", **AMOUNT},
    {"field": "cumulative_share", "headerName": "Running share", "minWidth": 120, "flex": 1,
     "type": "rightAligned",
     "valueFormatter": {"function": "d3.format('.0%')(params.value)"}},
]

OVERDUE_COLUMNS = [
    {"field": "account", "headerName": "Account", "minWidth": 200, "flex": 2},
    {"field": "amount", "headerName": "Amount", **AMOUNT},
    {"field": "stage", "headerName": "Stage", "minWidth": 110, "flex": 1},
    {"field": "close_date", "headerName": "Expected close", "minWidth": 130, "flex": 1},
]

LAPSED_COLUMNS = [
    {"field": "name", "headerName": "Customer", "minWidth": 200, "flex": 2},
    {"field": "segment", "headerName": "Segment", "minWidth": 110, "flex": 1},
    {"field": "potential", "headerName": "Potential", **AMOUNT},
    {"field": "open_pipeline", "headerName": "Open pipeline", **AMOUNT},
]


def page(rep_options: list[dict], chosen: str | None, content, show_picker: bool) -> html.Div:
    """The page; a rep's own card has no picker (it is hidden, not offered)."""
    picker = html.Div(
        [html.Label("Rep", className="ctl-label", htmlFor=ids.SCORECARD_REP),
         dcc.Dropdown(id=ids.SCORECARD_REP, options=rep_options, value=chosen,
                      clearable=False, className="scorecard-picker")],
        # Bootstrap's d-flex is !important: it would override a hidden picker
        className="d-flex align-items-center gap-2 mb-2" if show_picker else "",
        hidden=not show_picker,
    )
    return html.Div([picker, dcc.Loading(html.Div(content, id=ids.SCORECARD_CONTENT),
                                         delay_show=300)], className="scorecard")


def standing_text(percentile, peers: int) -> str:
    if percentile is None:
        return "No peer ranking for this period (no attainment to compare)."
    return (f"Attainment ahead of {formatting.percent(percentile)} of {peers} peers "
            f"(percentile rank; peers are not named).")


def header(card, period_label: str) -> html.Div:
    where = (f"{card.territory_name} · {card.territory_id}" if card.territory_id
             else "No territory assigned")
    return html.Div(
        [html.Div([html.H4(card.rep_name, className="mb-0"),
                   components.help_button("scorecard")],
                  className="d-flex align-items-center gap-2"),
         html.Div([html.Span(where), html.Span(" · "), html.Span(period_label)],
                  className="text-muted"),
         html.Div(standing_text(card.percentile, card.peers), id=ids.SCORECARD_STANDING,
                  className="scorecard-standing")],
        className="scorecard-header mb-2",
    )


def kpi_cards(row) -> list:
    pct, mult, signed, money = (formatting.percent, formatting.multiple,
                                formatting.signed_percent, formatting.money)

    def tone(value, good_if_at_least):
        if formatting.is_missing(value):
            return ""
        return "good" if value >= good_if_at_least else "bad"

    card = components.kpi_card
    return [
        card("Attainment", pct(row["attainment"]), f"{money(row['bookings'])} of "
             f"{money(row['quota'])}", tone(row["attainment"], row["time_elapsed"])),
        card("Pace", pct(row["pace"]), "≥ 100% is on track", tone(row["pace"], 1.0)),
        card("Pipeline", money(row["open_pipeline"]),
             f"Weighted {money(row['weighted_pipeline'])}"),
        card("Coverage", mult(row["coverage"]), "of the quota still to win",
             tone(row["coverage"], 2.0)),
        card("Win rate", pct(row["win_rate"]), f"Avg deal {money(row['avg_deal_size'])}"),
        card("Sales cycle", formatting.days(row["sales_cycle_days"]), "won deals, median"),
        card("Acquisition", pct(row["acquisition_rate"]),
             f"Retention {pct(row['retention_rate'])}"),
        card("Penetration", pct(row["penetration"]), "customers ÷ accounts"),
        card("Growth", signed(row["revenue_growth"]), "vs same period last year",
             tone(row["revenue_growth"], 0.0)),
    ]


def body(card, period_label: str, trend_figure, top_rows, overdue_rows, lapsed_rows,
         rep_id: str) -> list:
    return [
        header(card, period_label),
        components.kpi_strip(kpi_cards(card.kpis)),
        dbc.Row([
            dbc.Col(chart(trend_figure, f"{rep_id}-quarterly",
                          chart_text.money_table(trend_figure, "Quarter", "Attainment")),
                    lg=6),
            dbc.Col(grid_card(
                "Top accounts", "the fewest that make 80% of T12 bookings",
                ids.SCORECARD_TOP_EXPORT,
                grid(ids.SCORECARD_TOP, top_rows, TOP_COLUMNS, f"{rep_id}-top-accounts.csv")),
                lg=6),
        ], className="g-3"),
        html.H5("Accounts at risk", className="mt-3"),
        dbc.Row([
            dbc.Col(grid_card(
                "Overdue deals", "open, expected close already past", ids.SCORECARD_OVERDUE_EXPORT,
                grid(ids.SCORECARD_OVERDUE, overdue_rows, OVERDUE_COLUMNS,
                     f"{rep_id}-overdue-deals.csv")), lg=6),
            dbc.Col(grid_card(
                "Customers without bookings", "no won deal in the last 12 months",
                ids.SCORECARD_LAPSED_EXPORT,
                grid(ids.SCORECARD_LAPSED, lapsed_rows, LAPSED_COLUMNS,
                     f"{rep_id}-lapsed-customers.csv")), lg=6),
        ], className="g-3"),
    ]
