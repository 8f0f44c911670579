"""Components of the territory drill-down panel (no data access here)."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import html

from dashboard.i18n import formatting
from dashboard.i18n.translation import N_, _, ngettext
from dashboard.views.rankings import stage_label
from layouts import chart_text, components, grid_format, ids


def amount() -> dict:
    """A money column: it stays numbers (so it sorts as numbers) and is
    formatted in the grid, in the request's language and currency."""
    return {"type": "rightAligned", "valueFormatter": grid_format.money(),
            "filter": "agNumberColumnFilter", "minWidth": 120, "flex": 1}


def potential_column(**extra) -> dict:
    """An account's annual potential, "(estimated)" after one estimated at import
    (the row's ``potential_note``, ``dashboard.views.drilldown.grid_view``)."""
    return {"field": "potential", "headerName": _("Potential"), **amount(),
            "valueFormatter": grid_format.with_note(grid_format.money(), "potential_note"),
            "headerTooltip": _("Annual potential; (estimated): missing at import and "
                               "estimated from the account's won bookings"), **extra}


def account_columns() -> list[dict]:
    """Widths that fit all seven columns at a 1440 px window (~800 px of
    grid, with the narrower cell padding of assets/drilldown.css): headers
    of two words wrap rather than being cut; a cut cell shows its text on hover."""
    return [
        # a pinned column takes no flex: its width is fixed here
        {"field": "name", "headerName": _("Account"), "width": 145, "minWidth": 120,
         "pinned": "left", "tooltipField": "name"},
        {"field": "segment", "headerName": _("Segment"), "minWidth": 100, "flex": 1},
        {"field": "industry", "headerName": _("Industry"), "minWidth": 95, "flex": 1,
         "tooltipField": "industry"},
        potential_column(minWidth=110),
        {"field": "customer", "headerName": _("Customer"), "minWidth": 105, "flex": 1},
        {"field": "t12_bookings", "headerName": _("T12 bookings"), "sort": "desc", **amount(),
         "minWidth": 125},
        # METRICS.md's Open pipeline: open deals closing in the period (dashboard.views.drilldown)
        {"field": "open_pipeline", "headerName": _("Open pipeline"), **amount(),
         "minWidth": 105, "headerTooltip": _("Open deals with a close date in the period")},
    ]


def deal_columns() -> list[dict]:
    return [
        {"field": "account", "headerName": _("Account"), "minWidth": 200, "flex": 2},
        {"field": "amount", "headerName": _("Amount"), **amount()},
        {"field": "stage", "headerName": _("Stage"), "minWidth": 120, "flex": 1},
        {"field": "close_date", "headerName": _("Close date"), "minWidth": 120, "flex": 1,
         "valueFormatter": grid_format.day()},
        # the cell holds the translated word or "": any text is an overdue deal
        {"field": "overdue", "headerName": _("Overdue"), "minWidth": 100, "flex": 1,
         "cellClassRules": {"text-danger fw-semibold": "!!params.value"}},
    ]


def with_stage_labels(rows: list[dict]) -> list[dict]:
    """Deal rows with their stage in the request's language, the funnel's one
    translation (``rankings.stage_label``); the grid sorts and exports that text."""
    return [{**row, "stage": stage_label(row["stage"])} for row in rows]


def header(info, period_label: str) -> html.Div:
    """Region, owner and period: who to call about this territory."""
    if info.rep_name:
        rep = [html.Span(_("Owner"), className="text-muted"), " ", html.Strong(info.rep_name)]
        if info.rep_email:
            rep += [" · ", html.A(info.rep_email, href=f"mailto:{info.rep_email}")]
    else:
        rep = [dbc.Badge(_("Vacant"), color="warning", className="text-dark"), " ",
               html.Span(_("no rep owns this territory"), className="text-muted")]
    return html.Div(
        [
            dbc.Badge(info.region, color="secondary", className="me-2"),
            html.Span(rep, className="me-3"),
            html.Span([_("Period"), " ", html.Strong(period_label)],
                      className="text-muted ms-auto"),
            # window.print() on click: assets/print.js (the page's print CSS keeps the panel)
            dbc.Button(_("Print"), id=ids.DRILLDOWN_PRINT, size="sm", color="secondary",
                       outline=True, className="ms-2 no-print",
                       title=_("Print this drill-down as one page")),
        ],
        className="d-flex align-items-center flex-wrap drilldown-header",
    )


#: the line under a figure naming the whole it is compared with: the company, a
#: region manager's region, a district manager's district, another level's unit
WHOLE_VALUE = {"company": N_("Company {value}"), "region": N_("Region {value}"),
               "district": N_("District {value}"), "unit": N_("Your scope {value}")}
WHOLE_BOOKINGS = {"company": N_("Company {bookings} of {quota}"),
                  "region": N_("Region {bookings} of {quota}"),
                  "district": N_("District {bookings} of {quota}"),
                  "unit": N_("Your scope {bookings} of {quota}")}


def whole_of(everything: bool, viewer) -> str:
    """What a territory is compared with: the company when the viewer sees
    everything, else their unit: a region, a district, another level's unit."""
    if everything:
        return "company"
    level = getattr(viewer, "scope_level", "")
    return "region" if not level else "district" if level == "district" else "unit"


def compare_card(label: str, value: str, company: str, tone: str = "",
                 whole: str = "company") -> dbc.Card:
    return components.kpi_card(label, value, _(WHOLE_VALUE[whole]).format(value=company), tone)


def kpi_cards(row, company, whole: str = "company", no_quota: str = "") -> list:
    """The territory's figures with the whole's beneath, same selection: the
    company's, or for a manager (who sees no company totals) the region's.
    ``no_quota`` (under a segment filter) stands where a missing quota would."""
    def tone(key, good_if_at_least):
        value = row[key]
        if formatting.is_missing(value):
            return ""
        return "good" if value >= good_if_at_least else "bad"

    pct, mult, signed, money = (formatting.percent, formatting.multiple,
                                formatting.signed_percent, formatting.money)
    def quota(figures) -> str | None:
        missing = no_quota and formatting.is_missing(figures["quota"])
        return None if missing else money(figures["quota"])

    whole_text = _(WHOLE_VALUE[whole])
    bookings = components.kpi_card(
        _("Bookings"), money(row["bookings"]),
        [_("of {quota} quota").format(quota=quota(row)) if quota(row) else no_quota, html.Br(),
         _(WHOLE_BOOKINGS[whole]).format(bookings=money(company["bookings"]),
                                         quota=quota(company))
         if quota(company) else whole_text.format(value=no_quota)],
    )
    # bookings first, as on the map page: attainment and pace read off it
    pairs = [
        (_("Attainment"), pct(row["attainment"]), pct(company["attainment"]),
         tone("attainment", row["time_elapsed"])),
        (_("Pace"), pct(row["pace"]), pct(company["pace"]), tone("pace", 1.0)),
        (_("Coverage"), mult(row["coverage"]), mult(company["coverage"]), tone("coverage", 2.0)),
        (_("Win rate"), pct(row["win_rate"]), pct(company["win_rate"]), ""),
        (_("Growth"), signed(row["revenue_growth"]), signed(company["revenue_growth"]),
         tone("revenue_growth", 0.0)),
        (_("Penetration"), pct(row["penetration"]), pct(company["penetration"]), ""),
        (_("Acquisition"), pct(row["acquisition_rate"]), pct(company["acquisition_rate"]), ""),
        (_("Retention"), pct(row["retention_rate"]), pct(company["retention_rate"]), ""),
    ]
    return [bookings, *(compare_card(*pair, whole=whole) for pair in pairs)]


def grid(grid_id: str, rows: list[dict], columns: list[dict], file_name: str) -> dag.AgGrid:
    return dag.AgGrid(
        id=grid_id,
        rowData=rows,
        columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True, "filter": True, "minWidth": 90,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        dashGridOptions={"rowHeight": 28, "headerHeight": 32, "animateRows": False},
        csvExportParams=components.csv_export(file_name),
        style={"height": "320px"},
    )


def grid_card(title: str, note: str, export_id: str, table) -> dbc.Card:
    return dbc.Card(
        [
            dbc.CardHeader(html.Div(
                [html.Span(title), html.Small(note, className="text-muted ms-2 fw-normal"),
                 components.export_buttons(export_id)],
                className="d-flex align-items-center",
            )),
            dbc.CardBody(table, className="p-0"),
        ],
        className="mt-3",
    )


def chart(figure, file_name: str = "chart", table=None) -> dbc.Card:
    """A chart card: PNG download on hover, a text alternative, and an
    optional "Show as table" beneath."""
    graph = components.described_graph(figure, file_name, chart_text.describe(figure))
    return dbc.Card(dbc.CardBody([graph, table] if table is not None else graph,
                                 className="p-1"))


def potential_total(summary: dict) -> str:
    """The book's annual potential, saying how many accounts' were estimated."""
    total = formatting.money(summary["potential"])
    estimated = summary.get("estimated_potentials", 0)
    if not estimated:
        return total
    return ngettext("{total} ({count} account estimated)", "{total} ({count} accounts estimated)",
                    estimated).format(total=total, count=formatting.count(estimated))


def summary_card(summary: dict) -> dbc.Card:
    """Counts behind the charts: how big the book is and how much is late."""
    rows = [
        (_("Accounts"), formatting.count(summary["accounts"])),
        (_("Customers"), formatting.count(summary["customers"])),
        (_("Annual potential"), potential_total(summary)),
        (_("T12 bookings"), formatting.money(summary["t12_bookings"])),
        (_("Buying accounts (T12)"), formatting.count(summary["buying_accounts"])),
        (_("Open deals"), f"{formatting.count(summary['open_deals'])} · "
                          f"{formatting.money(summary['open_amount'])}"),
        (_("Overdue deals"), f"{formatting.count(summary['overdue_deals'])} · "
                             f"{formatting.money(summary['overdue_amount'])}"),
    ]
    return dbc.Card(
        [dbc.CardHeader(_("The book at a glance")),
         dbc.CardBody(html.Table(
             html.Tbody([html.Tr([html.Td(label, className="text-muted"),
                                  html.Td(value, className="text-end fw-semibold")])
                         for label, value in rows]),
             className="table table-sm mb-0 summary-table"))],
        className="h-100",
    )


def panel(head, cards: list, quarterly, stages, concentration, summary, accounts,
          deals) -> html.Div:
    return html.Div(
        [
            head,
            # seven cards in one row on a wide screen, 4 + 3 below (assets/drilldown.css)
            html.Div(cards, className="kpi-strip drilldown-strip"),
            dbc.Row(
                [dbc.Col(chart(quarterly, "bookings-vs-quota", quarterly_table(quarterly)),
                         lg=12, xl=6),
                 dbc.Col(chart(stages, "pipeline-by-stage"), lg=12, xl=6)],
                className="g-3 mt-1",
            ),
            dbc.Row(
                [dbc.Col(chart(concentration, "account-concentration"), lg=12, xl=6),
                 dbc.Col(summary, lg=12, xl=6)],
                className="g-3 mt-1",
            ),
            accounts,
            deals,
        ],
        className="drilldown-body",
    )


def quarterly_table(figure) -> html.Details:
    """The bookings-against-quota chart as numbers, for readers who cannot see it."""
    return html.Div(chart_text.money_table(figure, _("Quarter"), _("Attainment")),
                    id=ids.DRILLDOWN_QUARTERLY_TABLE)
