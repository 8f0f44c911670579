"""Overview (map) page: KPI strip, map colours and ranking follow the selection."""

from __future__ import annotations

import dash
from dash import Input, Output, Patch, State
from flask import Response, request

from callbacks import geometry, guard
from callbacks.factories import open_drilldown_on_click, rebuild_on_selection
from callbacks.grid_export import register_csv_export
from callbacks.url_query import new_query
from dashboard.i18n import formatting
from dashboard.i18n.translation import _
from dashboard.metrics.periods import to_day
from dashboard.runtime.scoped import ScopedData
from dashboard.runtime.service import DataService
from dashboard.views import overview, rankings
from dashboard.views.choropleth import MAP_KPIS, fallback_title, legend_title
from dashboard.views.selection import (
    MAP_KPI,
    TERRITORY,
    Selection,
    resolve_as_of,
    resolve_period,
    view_param,
    with_view_param,
)
from layouts import components, ids
from layouts import overview as layout

#: the KPI the map opens on (and that its link does not name)
DEFAULT_KPI = "attainment"


def map_kpi(kpi_key) -> str:
    """A KPI the map can colour by; anything else (a stale or forged link)
    is the default."""
    return kpi_key if isinstance(kpi_key, str) and kpi_key in MAP_KPIS else DEFAULT_KPI


def ranking_columns(kpi_key: str) -> list[dict]:
    """The ranking grid's columns, in the request's language; the value is
    the KPI's number, formatted in the browser, so it sorts and exports as one."""
    kpi = MAP_KPIS[kpi_key]
    return [
        {"field": "id", "headerName": _("ID"), "maxWidth": 80},
        {"field": "name", "headerName": _("Territory"), "minWidth": 140},
        layout.value_column(kpi.title, kpi.fmt, kpi.key),
    ]


def _view(data: ScopedData, selection: Selection, kpi_key: str, selected=None):
    """Everything the page shows for a selection, or None when nothing matches."""
    frames = data.frames()
    resolved = overview.resolve(frames, selection, data.as_of())
    if resolved is None:
        return None
    as_of, period, scope = resolved.as_of, resolved.period, resolved.scope
    kpis = overview.territory_kpis(frames, scope, period, as_of, data.memo, selection.restated)
    totals = overview.total_kpis(frames, scope, period, as_of, data.memo, selection.restated)
    selected = selected if isinstance(selected, str) else None
    shown = overview.shown_map_kpi(kpi_key, scope, totals)
    hideout, legend = overview.map_hideout(frames, kpis, totals, shown, selected=selected,
                                           segment=scope.segment)
    legend = components.legend(map_legend_title(kpi_key, shown, totals), legend)
    return period, kpis, totals, hideout, legend, shown, overview.lacks_segment_quota(scope, totals)


def map_legend_title(kpi_key: str, shown: str, totals) -> str:
    """The legend heading; it says why when the map shows another KPI than asked."""
    if shown == kpi_key:
        return legend_title(MAP_KPIS[kpi_key], totals)
    return fallback_title(MAP_KPIS[shown], MAP_KPIS[kpi_key], totals)


def colours_only(hideout: dict) -> Patch:
    """A hideout patch that leaves ``selected`` alone: a recolour that answers
    after a click on the map must not wipe the clicked territory's outline."""
    patch = Patch()
    for name in ("colors", "tips", "flagged"):
        if name in hideout:
            patch[name] = hideout[name]
    return patch


def strip(totals, period, no_quota: bool, restated: bool):
    """The KPI strip under the line saying which reading of history it shows."""
    return components.with_reading(components.kpi_strip(kpi_cards(totals, period, no_quota)),
                                   overview.reading_text(restated), restated, compact=True)


def kpi_cards(totals, period, no_quota: bool = False) -> list:
    """The strip; with ``no_quota`` (a segment without segment quotas) the
    quota-based cards read "—" and say "no quota by segment"."""
    def tone(value, good_if_at_least):
        if formatting.is_missing(value):
            return ""
        return "good" if value >= good_if_at_least else "bad"

    def sub(text: str) -> str:
        return _(overview.NO_SEGMENT_QUOTA) if no_quota else text

    return [
        components.kpi_card(_("Bookings"), formatting.money(totals["bookings"]), period.label),
        components.kpi_card(_("Quota"), formatting.money(totals["quota"]),
                            sub(_("Elapsed {share}").format(
                                share=formatting.percent(totals["time_elapsed"])))),
        components.kpi_card(_("Attainment"), formatting.percent(totals["attainment"]),
                            sub(_("Projected {share}").format(
                                share=formatting.percent(totals["projected_attainment"]))),
                            tone(totals["attainment"], totals["time_elapsed"])),
        components.kpi_card(_("Pace"), formatting.percent(totals["pace"]),
                            sub(_("≥ {share} is on track").format(share=formatting.percent(1))),
                            tone(totals["pace"], 1.0)),
        components.kpi_card(_("Open pipeline"), formatting.money(totals["open_pipeline"]),
                            _("Weighted {amount}").format(
                                amount=formatting.money(totals["weighted_pipeline"]))),
        components.kpi_card(_("Coverage"), formatting.multiple(totals["coverage"]),
                            sub(_("of remaining quota")),
                            tone(totals["coverage"], rankings.HEALTHY_COVERAGE)),
        components.kpi_card(_("Win rate"), formatting.percent(totals["win_rate"]),
                            _("Avg deal {amount}").format(
                                amount=formatting.money(totals["avg_deal_size"]))),
        components.kpi_card(_("Penetration"), formatting.percent(totals["penetration"]),
                            _("customers / accounts")),
        components.kpi_card(_("Growth"), formatting.signed_percent(totals["revenue_growth"]),
                            _("vs same dates last year"), tone(totals["revenue_growth"], 0.0)),
    ]


def ranking_rows(kpis, kpi_key: str) -> list[dict]:
    """Weakest first; a missing figure is null (the grid shows "—"), last."""
    ordered = kpis.sort_values(kpi_key, na_position="last")
    return [
        {"id": r["id"], "name": r["name"],
         "value": None if formatting.is_missing(r[kpi_key]) else float(r[kpi_key])}
        for r in ordered[["id", "name", kpi_key]].to_dict("records")
    ]



def link_state(data: ScopedData, search: str | None) -> dict:
    """The map's own parameters of a link, for :func:`render`: the KPI it is
    coloured by and the territory outlined (only one the viewer may see)."""
    return {"kpi_key": view_param(search, MAP_KPI),
            "selected": guard.allowed_territory(data, view_param(search, TERRITORY))}


def render(data: ScopedData, selection: Selection, kpi_key: str = DEFAULT_KPI,
           selected: str | None = None):
    """The page skeleton with its first colours already in the layout (a
    hideout set by a callback while the GeoJSON loads would be dropped).
    ``kpi_key`` and ``selected`` (the territory outlined) come from a link."""
    kpi_key = map_kpi(kpi_key)
    view = _view(data, selection, kpi_key, selected)
    if view is None:
        return components.no_match()
    period, kpis, totals, hideout, legend, shown, no_quota = view
    states = geometry.state_lines(data)
    settings = data.settings
    picker = layout.kpi_picker([{"label": k.title, "value": k.key} for k in MAP_KPIS.values()],
                               kpi_key)
    return layout.overview_page(
        strip(totals, period, no_quota, selection.restated),
        picker,
        layout.territory_map(geometry.territories(data), states, hideout, settings.tile_url,
                             settings.tile_attribution, legend,
                             overlays=[layout.accounts_layer()],
                             fit=geometry.fits_units(data)),
        layout.ranking_grid(ranking_rows(kpis, shown), ranking_columns(shown)),
        toggle=layout.accounts_toggle(),
    )


def refreshed(data: ScopedData, selection: Selection, kpi_key) -> tuple:
    """(strip, hideout patch, legend, ranking rows, ranking columns) for a new
    selection or KPI: the map is recoloured through ``hideout`` only."""
    kpi_key = map_kpi(kpi_key)
    view = _view(data, selection, kpi_key)
    if view is None:
        return (components.no_match(), colours_only({"colors": {}, "tips": {}}), [], [],
                ranking_columns(kpi_key))
    period, kpis, totals, hideout, legend, shown, no_quota = view
    return (
        strip(totals, period, no_quota, selection.restated),
        colours_only(hideout),
        legend,
        ranking_rows(kpis, shown),
        ranking_columns(shown),
    )


def clicked_territory(trigger, value) -> str | None:
    """The territory id a map feature or a ranking cell names, else None."""
    if trigger == ids.MAP_TERRITORIES and isinstance(value, dict):
        found = (value.get("properties") or {}).get("territory_id")
    elif trigger == ids.OVERVIEW_RANKING and isinstance(value, dict):
        found = value.get("rowId")
    else:
        return None
    return found if isinstance(found, str) and 0 < len(found) <= 64 else None


def register(app: dash.Dash, service: DataService) -> None:
    """The map's rebuild, its KPI in the URL, the drill-down opened (and
    outlined) from the map or the ranking, the ranking's exports, the accounts."""
    rebuild_on_selection(
        app, [Output(ids.KPI_STRIP, "children"), Output(ids.MAP_TERRITORIES, "hideout"),
              Output(ids.MAP_LEGEND, "children"), Output(ids.OVERVIEW_RANKING, "rowData"),
              Output(ids.OVERVIEW_RANKING, "columnDefs")],
        [Input(ids.MAP_KPI_PICKER, "value")],
        lambda selection, kpi_key: refreshed(guard.data(service), selection, kpi_key))

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.MAP_KPI_PICKER, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    @guard.level("manager")
    def kpi_in_url(kpi_key, search):
        """Fires on the KPI picker; writes ``kpi=`` in the URL (the default
        KPI is left out) so a link reopens the map coloured the same way."""
        kpi_key = map_kpi(kpi_key)
        return new_query(
            with_view_param(search, MAP_KPI, "" if kpi_key == DEFAULT_KPI else kpi_key), search)

    geometry.load_in_browser(app, Output(ids.MAP_TERRITORIES, "data"),
                             Input(ids.MAP_GEOMETRY, "data"), "manager")
    open_drilldown_on_click(app, clicked_territory, grids=(ids.OVERVIEW_RANKING,),
                            maps=(ids.MAP_TERRITORIES,), outline=ids.MAP_TERRITORIES)
    register_csv_export(app, ids.OVERVIEW_RANKING_EXPORT, ids.OVERVIEW_RANKING)
    register_account_points(app, service)
    del kpi_in_url


# --- account points -----------------------------------------------------------

ACCOUNTS_ROUTE = "/_td/accounts.geojson"
#: the points' media type, compressed like JSON (``app.py`` names it to flask-compress)
GEOJSON = "application/geo+json"


def account_points_json(data: ScopedData, selection: Selection) -> str:
    """GeoJSON of the selection's accounts, memoized per scope and day."""
    frames = data.frames()
    as_of = resolve_as_of(selection.as_of, data.as_of())
    try:
        period = resolve_period(selection.period, as_of)
    except ValueError:
        scope, day = overview.Scope((), None), 0
    else:
        scope = overview.scope_for(frames, selection.region, selection.segment)
        day = to_day(min(period.end, as_of))  # customer flag at E, as the KPIs count it

    def encode(f):
        prefixes = data.derived(("account_point_prefixes",), overview.point_prefixes)
        return overview.account_points(f, scope, day, prefixes)

    return data.memo("account_points", (scope, day), encode)


def register_account_points(app: dash.Dash, service: DataService) -> None:
    """The points come through a plain GET, not a callback: the clustered
    layer fetches its ``url`` itself. 20k points are ~1.9 MB of JSON, ~0.1 MB
    compressed, as every answer is (``Dash(compress=True)``, ``app.py``)."""

    def accounts_geojson():
        selection = guard.confine(Selection.from_query(request.query_string.decode()))
        return Response(account_points_json(guard.data(service), selection), mimetype=GEOJSON,
                        headers={"Cache-Control": "no-cache"})

    app.server.add_url_rule(ACCOUNTS_ROUTE, "td_account_points", accounts_geojson)

    @app.callback(
        Output(ids.MAP_ACCOUNTS, "url"),
        Output(ids.MAP_ACCOUNTS_LEGEND, "children"),
        Input(ids.MAP_ACCOUNTS_SWITCH, "value"),
        Input(ids.PERIOD, "value"),
        Input(ids.REGION, "value"),
        Input(ids.SEGMENT, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    @guard.level("manager")
    def show_accounts(shown, period, region, segment, search):
        """Fires on the "Show accounts" switch or a control change; points the
        clustered layer at the selection's accounts, or at nothing when off."""
        if not shown:
            return None, layout.accounts_legend(False)
        selection = guard.selection(period, region, segment, search)
        url = app.get_relative_path(ACCOUNTS_ROUTE) + selection.to_query()
        return url, layout.accounts_legend(True)

    del show_accounts
