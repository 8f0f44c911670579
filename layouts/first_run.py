"""The first-run checklist (no data access; filled by callbacks/first_run.py):
a leader whose data holds accounts and deals but no whole plan is led
through three steps on the map page (territories, reps with their sign-ins,
quotas), with the data's as-of date shown and changeable at the top."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
import dash_leaflet as dl
from dash import html

from dashboard.i18n import formatting
from dashboard.i18n.translation import N_, _
from layouts import components, grid_format, ids
from layouts.import_mapping import editable_grid
from layouts.overview import MAP_NS, US_CENTER, accounts_legend
from layouts.shell import date_picker

STEPS = (("territories", N_("Design territories")), ("reps", N_("Assign reps")),
         ("quotas", N_("Set quotas")))


def territories_step(starts: dict[str, int], own_layer: bool = False) -> html.Div:
    """``starts``: territories each simple start would make ("state", "region"; on a
    layer of one's own, ``own_layer``: "parent", "unit")."""
    labels = {"state": _("One territory per state with accounts ({count})"),
              "region": _("One territory per Census region with accounts ({count})"),
              "parent": _("One territory per parent area with accounts ({count})"),
              "unit": _("One territory per unit with accounts ({count})")}
    hint = (_("A start to work from: every unit of those areas is aligned (one territory "
              "per unit leaves the units without accounts out); redraw the boundaries later "
              "on the What-if page.") if own_layer else
            _("A start to work from: every county of those states or regions is aligned; "
              "redraw the boundaries later on the What-if page."))
    return html.Div([
        dbc.RadioItems(id=ids.FIRST_RUN_START, value=next(iter(starts), None),
                       className="mb-2", options=[
            {"label": labels[name].format(count=formatting.count(count)), "value": name}
            for name, count in starts.items()]),
        html.P(hint, className="small text-muted mb-2"),
        dbc.Button(_("Create territories"), id=ids.FIRST_RUN_TERRITORIES_SAVE, color="primary"),
    ])


def reps_step(rows: list[dict]) -> html.Div:
    columns = [
        {"field": "territory_name", "headerName": _("Territory"), "flex": 1, "minWidth": 150},
        {"field": "rep_id", "headerName": _("Rep id"), "maxWidth": 120},
        {"field": "rep_name", "headerName": _("Name (edit)"), "editable": True, "flex": 1,
         "minWidth": 160, "cellClass": "fr-editable"},
        {"field": "email", "headerName": _("E-mail (edit)"), "editable": True, "flex": 1,
         "minWidth": 200, "cellClass": "fr-editable"},
    ]
    return html.Div([
        html.P(_("Name the rep of each territory; a territory left without a name stays "
                 "unassigned. Each rep named gets a sign-in account at once: its one-time "
                 "password is shown once, on the next step."), className="small text-muted mb-2"),
        editable_grid(ids.FIRST_RUN_REPS, columns, rows, 12),
        dbc.Button(_("Create reps and their sign-ins"), id=ids.FIRST_RUN_REPS_SAVE,
                   color="primary", className="mt-2"),
    ])


def quota_columns(quarters: list[str]) -> list[dict]:
    money = grid_format.number(2)
    return ([{"field": "territory_name", "headerName": _("Territory"), "flex": 1,
              "minWidth": 150}]
            + [{"field": q, "headerName": _("{quarter} (edit)").format(quarter=q),
                "editable": True, "type": "rightAligned", "flex": 1, "minWidth": 120,
                "cellClass": "fr-editable ag-right-aligned-cell", "valueFormatter": money}
               for q in quarters])


def quotas_step(year: int, quarters: list[str], rows: list[dict]) -> html.Div:
    def number(ident, value, label, **extra):
        return html.Div([dbc.Label(label, html_for=ident, className="small mb-0"),
                         dbc.Input(id=ident, type="number", value=value, size="sm",
                                   debounce=True, **extra)], className="fr-number")

    return html.Div([
        dbc.RadioItems(id=ids.FIRST_RUN_QUOTA_METHOD, value="history", className="mb-2",
                       options=[
                           {"label": _("From history: the same quarter last year × (1 + "
                                       "growth)"), "value": "history"},
                           {"label": _("A company target for the year, split by a blend of "
                                       "potential and last year's bookings"),
                            "value": "target"}]),
        html.Div([
            number(ids.FIRST_RUN_YEAR, year, _("Year"), min=1900, max=2999, step=1),
            number(ids.FIRST_RUN_GROWTH, 10, _("Growth (%)"), step=0.5),
            number(ids.FIRST_RUN_TARGET, None, _("Annual company target"), min=0),
            number(ids.FIRST_RUN_WEIGHT, 50, _("Weight of potential (%)"), min=0, max=100),
        ], className="d-flex flex-wrap gap-3 mb-2"),
        html.P(_("Suggested quotas: edit any cell, then approve them."),
               className="small text-muted mb-1"),
        editable_grid(ids.FIRST_RUN_QUOTAS, quota_columns(quarters), rows, 12),
        dbc.Button(_("Approve and save quotas"), id=ids.FIRST_RUN_QUOTAS_SAVE, color="primary",
                   className="mt-2"),
    ])


def done_step() -> html.Div:
    return html.Div([
        html.P(_("Your plan is ready: territories, reps and quotas are saved."),
               className="mb-2"),
        dbc.Button(_("Open the map"), href="/", external_link=True, color="primary"),
    ])


def next_step_link() -> html.Div:
    """Under a successful import of accounts and deals without a whole plan:
    where the first-run path goes on (a page load, so the bar shows the
    data's new as-of date)."""
    return html.Div([
        html.Span(_("Next: turn these accounts into a plan of territories, reps and quotas."),
                  className="me-2"),
        dbc.Button(_("Set up your plan"), href="/", external_link=True, color="primary",
                   size="sm", id=ids.FIRST_RUN_NEXT),
    ], className="mt-2")


def passwords(accounts: list[tuple[str, str]]) -> dbc.Alert:
    """The reps' sign-ins with their one-time passwords: shown this once."""
    return dbc.Alert([
        html.Div(_("Sign-in accounts created. Hand each rep their password now: it is shown "
                   "only this once and is not kept in clear."), className="fw-semibold mb-1"),
        dbc.Table([html.Thead(html.Tr([html.Th(_("Username")), html.Th(_("One-time password"))])),
                   html.Tbody([html.Tr([html.Td(user), html.Td(html.Code(password))])
                               for user, password in accounts])],
                  size="sm", className="mb-0 fr-passwords"),
        html.Div(_("Each rep sets their own password at their first sign-in; the one-time "
                   "password then stops working."), className="small mt-1"),
    ], color="warning", className="py-2")


def message(texts: list[str], tone: str = "danger") -> dbc.Alert | None:
    if not texts:
        return None
    return dbc.Alert(html.Ul([html.Li(t) for t in texts[:30]], className="mb-0 small"),
                     color=tone, className="py-2")


def as_of_line(as_of: date, earliest: date | None) -> html.Div:
    return html.Div([
        dbc.Label(_("Data as of"), html_for=ids.FIRST_RUN_AS_OF, className="mb-0 me-2 small"),
        html.Div(date_picker(
            ids.FIRST_RUN_AS_OF, date=as_of.isoformat(),
            min_date_allowed=earliest.isoformat() if earliest else None),
            className="fr-date me-2"),
        dbc.Button(_("Change"), id=ids.FIRST_RUN_AS_OF_SAVE, size="sm", color="secondary",
                   outline=True, className="me-2"),
        html.Span(_("the day the figures are counted to; at import, the last activity in "
                    "the data"), id=ids.FIRST_RUN_AS_OF_NOTE, className="small text-muted"),
    ], className="d-flex flex-wrap align-items-center mb-3")


def checklist(current: str | None, body, as_of: html.Div, accounts: int,
              notes: list = ()) -> dbc.Card:
    """The card: the as-of line, any notes (problems, passwords), the three
    steps with the current one open (``current`` None: all done)."""
    order = [name for name, _label in STEPS]
    reached = order.index(current) if current in order else len(order)
    items = []
    for position, (_name, label) in enumerate(STEPS):
        state = ("done" if position < reached else "now" if position == reached else "later")
        mark = {"done": "✓", "now": str(position + 1), "later": str(position + 1)}[state]
        items.append(html.Li([
            html.Div([html.Span(mark, className=f"fr-mark fr-{state} me-2"),
                      html.Span(_(label), className="fw-semibold" if state == "now" else "")],
                     className="d-flex align-items-center"),
            html.Div(body, className="fr-body mt-2") if state == "now" else None,
        ], className=f"fr-step fr-step-{state} mb-3"))
    intro = _("{count} accounts and their deals are in. Three steps turn them into a plan "
              "of territories, reps and quotas, which the map and every view are built on."
              ).format(
        count=formatting.count(accounts))
    return dbc.Card([
        dbc.CardHeader(_("Set up your plan")),
        dbc.CardBody([
            html.P(intro, className="small text-muted"), as_of,
            html.Div([n for n in notes if n is not None], id=ids.FIRST_RUN_MESSAGE),
            html.Ol(items, className="list-unstyled mb-0"),
            done_step() if current is None else None,
        ]),
    ], className="mb-3 first-run")


def company(summary: dict, points: dict, outlines: dict, tile_url: str,
            tile_attribution: str, fit: bool = False) -> html.Div:
    """The company as a whole before any territory exists: its figures and
    its accounts on the map (customers and prospects, clustered) over
    ``outlines`` (the US states, or a layer's own areas: ``fit`` the map to them)."""
    growth = (summary["bookings"] / summary["prior_bookings"] - 1
              if summary["prior_bookings"] else None)
    cards = components.kpi_strip([
        components.kpi_card(_("Bookings"), formatting.money(summary["bookings"]),
                            _("last 12 months")),
        components.kpi_card(_("Growth"), formatting.signed_percent(growth)
                            if growth is not None else "—", _("vs the 12 months before")),
        components.kpi_card(_("Won deals"), formatting.count(summary["won_deals"]),
                            _("last 12 months")),
        components.kpi_card(_("Customers"), formatting.count(summary["customers"]),
                            _("of {count} accounts").format(
                                count=formatting.count(summary["accounts"]))),
        components.kpi_card(_("Open pipeline"), formatting.money(summary["open_pipeline"])),
    ])
    layers = [dl.TileLayer(url=tile_url, attribution=tile_attribution, opacity=0.6)
              ] if tile_url else []
    layers += [
        dl.GeoJSON(data=outlines, interactive=False, style=MAP_NS("stateStyle"),
                   zoomToBounds=fit),
        dl.GeoJSON(data=points, cluster=True, zoomToBoundsOnClick=True,
                   pointToLayer=MAP_NS("accountPoint"), clusterToLayer=MAP_NS("accountCluster"),
                   superClusterOptions={"radius": 60, "maxZoom": 11}),
    ]
    legend = html.Div(accounts_legend(True), className="small mt-2 mb-1 accounts-toggle")
    return html.Div([
        html.H6(_("The company as a whole, until it has territories"), className="mb-2"),
        cards, legend,
        html.Div(dl.Map(layers, id=ids.FIRST_RUN_MAP, center=US_CENTER, zoom=4.2,
                        zoomSnap=0.25, minZoom=3, style={"height": "100%", "width": "100%"},
                        className="td-map"), className="map-wrap fr-map"),
    ])


def page(card, content=None) -> html.Div:
    """The map page while the plan is not whole: the checklist above whatever
    the page can show."""
    return html.Div([html.Div(card, id=ids.FIRST_RUN), content])
