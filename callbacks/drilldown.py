"""Territory drill-down: the Offcanvas any view opens by writing a territory id
to ``ids.DRILLDOWN_TERRITORY``. Not a page, so no PATH/render."""

from __future__ import annotations

from dataclasses import replace

import dash
from dash import Input, Output, State, ctx, html, no_update

from callbacks import guard
from callbacks.grid_export import register_csv_export
from callbacks.url_query import new_query
from dashboard.i18n.translation import _
from dashboard.metrics.kpi_table import quarterly_series
from dashboard.metrics.periods import to_day
from dashboard.runtime.scoped import ScopedData
from dashboard.runtime.service import DataService
from dashboard.views import drilldown as model
from dashboard.views import overview, rankings
from dashboard.views.selection import (
    ALL,
    TERRITORY,
    Selection,
    resolve_as_of,
    resolve_period,
    view_param,
    with_view_param,
)
from layouts import components, ids
from layouts import drilldown as layout
from layouts import drilldown_figures as figures


def _empty(title: str, text: str):
    return components.empty_state(title, text), _("Territory")


def panel_content(data: ScopedData, selection: Selection, territory_id):
    """(children, title) of the panel for a territory under a selection; an
    unknown id or one outside the selection gives an empty state, not an error."""
    frames = data.frames()
    info = model.territory_info(frames, territory_id)
    if info is None:
        return _empty(_("No such territory"), _("This territory is not in the data; pick one "
                                                "on the map or in a ranking."))
    as_of = resolve_as_of(selection.as_of, data.as_of())
    try:
        period = resolve_period(selection.period, as_of)
    except ValueError:
        return _empty(_("Unknown period"), _("Choose a period in the bar above."))
    scope = overview.scope_for(frames, selection.region, selection.segment)
    if info.territory_id not in scope.territory_ids:
        return _empty(_("{territory} is outside this selection").format(territory=info.name),
                      _("Change the region or segment in the bar above to see it."))
    restated = selection.restated
    kpis = overview.territory_kpis(frames, scope, period, as_of, data.memo, restated)
    row = kpis.set_index("id").loc[info.territory_id]
    company = overview.total_kpis(frames, overview.scope_for(frames, ALL, selection.segment),
                                  period, as_of, data.memo, restated)

    # the territory's accounts on E, with all their deals (METRICS.md "As credited":
    # open pipeline, the account table and its T12 read the accounts on E either way)
    e_day = to_day(min(period.end, as_of))
    accounts, opps = model.territory_rows(frames, info.territory_id, scope.segment, e_day)
    local = replace(frames, accounts=accounts, opportunities=opps)  # segment already applied
    # the trend's deals where they were credited (or restated to the as-of's alignment)
    quarters = quarterly_series(frames, [info.territory_id], model.recent_quarters(as_of), as_of,
                                scope.segment, restated)
    funnel = rankings.stage_funnel(rankings.open_deals(local, e_day), [info.territory_id], None,
                                   period)
    book = model.account_table(accounts, opps, period, as_of)
    deals = model.open_deals(opps, accounts["account_name"], as_of)
    curve = model.concentration_curve(book["t12_bookings"])

    account_rows = rankings.grid_records(model.grid_view(book), model.ACCOUNT_COLUMNS)
    deal_rows = layout.with_stage_labels(
        rankings.grid_records(model.grid_view(deals), model.DEAL_COLUMNS))
    children = layout.panel(
        html.Div([layout.header(info, period.label),
                  components.reading_note(overview.reading_text(restated), restated)]),
        layout.kpi_cards(row, company, layout.whole_of(data.scope.everything, data.viewer),
                         _(overview.NO_SEGMENT_QUOTA) if scope.segment is not None else ""),
        figures.quarterly_figure(quarters),
        figures.stage_figure(funnel, period.label),
        figures.concentration_figure(curve, row["concentration_top20"]),
        layout.summary_card(model.book_summary(book, deals)),
        layout.grid_card(
            _("Accounts"), _("biggest T12 bookings first"), ids.DRILLDOWN_ACCOUNTS_EXPORT,
            layout.grid(ids.DRILLDOWN_ACCOUNTS, account_rows, layout.account_columns(),
                        f"{info.territory_id}-accounts.csv")),
        layout.grid_card(
            _("Open deals"), _("any close date; overdue = expected close before the as-of date"),
            ids.DRILLDOWN_DEALS_EXPORT,
            layout.grid(ids.DRILLDOWN_DEALS, deal_rows, layout.deal_columns(),
                        f"{info.territory_id}-open-deals.csv")),
    )
    return children, f"{info.name} · {info.territory_id}"


def register(app: dash.Dash, service: DataService) -> None:
    @app.callback(
        Output(ids.DRILLDOWN, "children"),
        Output(ids.DRILLDOWN, "title"),
        Output(ids.DRILLDOWN, "is_open"),
        Input(ids.DRILLDOWN_TERRITORY, "data"),
        Input(ids.PERIOD, "value"),
        Input(ids.REGION, "value"),
        Input(ids.SEGMENT, "value"),
        Input(ids.RESTATED, "value"),
        State(ids.URL, "search"),
        State(ids.DRILLDOWN, "is_open"),
        prevent_initial_call=True,
    )
    @guard.level("manager")
    def show_drilldown(territory_id, period, region, segment, restated, search, is_open):
        """Fires when a view writes a territory id (opens the panel on it) or a
        control changes (refreshes an open panel); returns its content and title."""
        opened = ctx.triggered_id == ids.DRILLDOWN_TERRITORY
        if territory_id is None or not (opened or is_open):
            return no_update, no_update, no_update
        # out of the viewer's scope reads exactly like an unknown id (logged)
        data = guard.data(service)
        territory_id = guard.allowed_territory(data, territory_id) or ""
        selection = guard.selection(period, region, segment, search, restated)
        children, title = panel_content(data, selection, territory_id)
        return children, title, True if opened else no_update

    register_csv_export(app, ids.DRILLDOWN_ACCOUNTS_EXPORT, ids.DRILLDOWN_ACCOUNTS)
    register_csv_export(app, ids.DRILLDOWN_DEALS_EXPORT, ids.DRILLDOWN_DEALS)
    register_url_state(app, service)
    del show_drilldown


def url_opens(wanted: str, allowed: str | None, shown, is_open) -> tuple:
    """(territory to open, is_open) for a URL naming ``wanted`` (``allowed``:
    the same id when the viewer may see it): open it, close the panel when
    the link names none, and ignore a territory the viewer may not open
    (a link never opens what a click could not)."""
    if wanted:
        if allowed and (allowed != shown or not is_open):
            return allowed, no_update  # the panel opens on its territory's content
        return no_update, no_update
    if is_open:
        return None, False
    return (None if shown is not None else no_update), no_update


def register_url_state(app: dash.Dash, service: DataService) -> None:
    """``territory=T46`` in the URL while a drill-down is open, so a link
    reopens it. A rep's page has no drill-down, so neither callback runs
    there (and both are refused to a rep who calls them anyway)."""

    @app.callback(
        Output(ids.DRILLDOWN_TERRITORY, "data", allow_duplicate=True),
        Output(ids.DRILLDOWN, "is_open", allow_duplicate=True),
        Input(ids.URL, "search"),
        State(ids.DRILLDOWN_TERRITORY, "data"),
        State(ids.DRILLDOWN, "is_open"),
        prevent_initial_call="initial_duplicate",
    )
    @guard.level("manager")
    def open_from_url(search, shown, is_open):
        """Fires on load and whenever the URL changes (a link, back/forward);
        opens the territory it names, closes the panel when it names none."""
        wanted = view_param(search, TERRITORY)
        return url_opens(wanted, guard.allowed_territory(service, wanted), shown, is_open)

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.DRILLDOWN, "is_open"),
        Input(ids.DRILLDOWN, "title"),
        State(ids.DRILLDOWN_TERRITORY, "data"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    @guard.level("manager")
    def drilldown_in_url(is_open, _title, territory, search):
        """Fires when the panel opens, closes or shows another territory;
        writes ``territory=`` while it is open, removes it once closed."""
        shown = guard.allowed_territory(service, territory) if is_open else None
        return new_query(with_view_param(search, TERRITORY, shown), search)

    del open_from_url, drilldown_in_url
