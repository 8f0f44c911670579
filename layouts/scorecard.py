"""Components of the rep scorecard ("My scorecard"); no data access here."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.i18n import formatting
from dashboard.i18n.translation import _, ngettext
from layouts import chart_text, components, grid_format, ids
from layouts.drilldown import amount, chart, grid, grid_card, potential_column

#: the fields of each grid (what the callback sends), in column order
TOP_FIELDS = ("name", "segment", "t12_bookings", "cumulative_share")
OVERDUE_FIELDS = ("account", "amount", "stage", "close_date")
LAPSED_FIELDS = ("name", "segment", "potential", "potential_note", "open_pipeline")


def top_columns() -> list[dict]:
    return [
        {"field": "name", "headerName": _("Account"), "minWidth": 200, "flex": 2},
        {"field": "segment", "headerName": _("Segment"), "minWidth": 110, "flex": 1},
        {"field": "t12_bookings", "headerName": _("T12 bookings"), **amount()},
        {"field": "cumulative_share", "headerName": _("Running share"), "minWidth": 120,
         "flex": 1, "type": "rightAligned", "valueFormatter": grid_format.percent(0)},
    ]


def overdue_columns() -> list[dict]:
    return [
        {"field": "account", "headerName": _("Account"), "minWidth": 200, "flex": 2},
        {"field": "amount", "headerName": _("Amount"), **amount()},
        {"field": "stage", "headerName": _("Stage"), "minWidth": 110, "flex": 1},
        {"field": "close_date", "headerName": _("Expected close"), "minWidth": 130, "flex": 1,
         "valueFormatter": grid_format.day()},
    ]


def lapsed_columns() -> list[dict]:
    return [
        {"field": "name", "headerName": _("Customer"), "minWidth": 200, "flex": 2},
        {"field": "segment", "headerName": _("Segment"), "minWidth": 110, "flex": 1},
        potential_column(),
        {"field": "open_pipeline", "headerName": _("Open pipeline"), **amount()},
    ]


def page(rep_options: list[dict], chosen: str | None, content, show_picker: bool) -> html.Div:
    """The page; a rep's own card has no picker (it is hidden, not offered)."""
    picker = html.Div(
        [html.Label(_("Rep"), className="ctl-label", htmlFor=ids.SCORECARD_REP),
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
        return _("No peer ranking for this period (no attainment to compare).")
    return ngettext("Attainment ahead of {share} of {n} peer (percentile rank; peers are not "
                    "named).",
                    "Attainment ahead of {share} of {n} peers (percentile rank; peers are not "
                    "named).", peers).format(share=formatting.percent(percentile),
                                             n=formatting.count(peers))


def header(card, period_label: str) -> html.Div:
    where = (f"{card.territory_name} · {card.territory_id}" if card.territory_id
             else _("No territory assigned"))
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
        card(_("Attainment"), pct(row["attainment"]),
             _("{bookings} of {quota}").format(bookings=money(row["bookings"]),
                                               quota=money(row["quota"])),
             tone(row["attainment"], row["time_elapsed"])),
        card(_("Pace"), pct(row["pace"]), _("≥ {share} is on track").format(share=pct(1)),
             tone(row["pace"], 1.0)),
        card(_("Pipeline"), money(row["open_pipeline"]),
             _("Weighted {amount}").format(amount=money(row["weighted_pipeline"]))),
        card(_("Coverage"), mult(row["coverage"]), _("of the quota still to win"),
             tone(row["coverage"], 2.0)),
        card(_("Win rate"), pct(row["win_rate"]),
             _("Avg deal {amount}").format(amount=money(row["avg_deal_size"]))),
        card(_("Sales cycle"), formatting.days(row["sales_cycle_days"]),
             _("won deals, median")),
        card(_("Acquisition"), pct(row["acquisition_rate"]),
             _("Retention {share}").format(share=pct(row["retention_rate"]))),
        card(_("Penetration"), pct(row["penetration"]), _("customers ÷ accounts")),
        card(_("Growth"), signed(row["revenue_growth"]), _("vs same period last year"),
             tone(row["revenue_growth"], 0.0)),
    ]


def body(card, period_label: str, trend_figure, top_rows, overdue_rows, lapsed_rows,
         rep_id: str) -> list:
    trend = chart(trend_figure, f"{rep_id}-quarterly",
                  chart_text.money_table(trend_figure, _("Quarter"), _("Attainment")))
    trend.className = "mt-3"  # level with the top accounts' card, not against the strip
    return [
        header(card, period_label),
        components.kpi_strip(kpi_cards(card.kpis)),
        dbc.Row([
            dbc.Col(trend, lg=6),
            dbc.Col(grid_card(
                _("Top accounts"), _("the fewest that make {share} of T12 bookings").format(
                    share=formatting.percent(0.8)),
                ids.SCORECARD_TOP_EXPORT,
                grid(ids.SCORECARD_TOP, top_rows, top_columns(), f"{rep_id}-top-accounts.csv")),
                lg=6),
        ], className="g-3"),
        html.H5(_("Accounts at risk"), className="mt-3"),
        dbc.Row([
            dbc.Col(grid_card(
                _("Overdue deals"), _("open, expected close already past"),
                ids.SCORECARD_OVERDUE_EXPORT,
                grid(ids.SCORECARD_OVERDUE, overdue_rows, overdue_columns(),
                     f"{rep_id}-overdue-deals.csv")), lg=6),
            dbc.Col(grid_card(
                _("Customers without bookings"), _("no won deal in the last 12 months"),
                ids.SCORECARD_LAPSED_EXPORT,
                grid(ids.SCORECARD_LAPSED, lapsed_rows, lapsed_columns(),
                     f"{rep_id}-lapsed-customers.csv")), lg=6),
        ], className="g-3"),
    ]
