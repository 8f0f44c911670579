"""Shell: keeps the global controls and the URL in step, and routes pages."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date

import dash
from dash import ALL as EVERY
from dash import Input, Output, State, ctx, html, no_update

from callbacks import first_run, guard
from callbacks.auth import csrf_token
from callbacks.pages import BY_PATH, PAGES, ROLES_BY_PATH
from callbacks.url_query import new_query
from dashboard.access import rules
from dashboard.i18n import translation
from dashboard.i18n.translation import _
from dashboard.metrics import periods
from dashboard.metrics.periods import Period
from dashboard.runtime.service import DataService
from dashboard.views import unit_filter
from dashboard.views.selection import (
    ALL,
    Selection,
    as_of_range,
    as_of_text,
    known_selection,
    period_options,
    resolve_as_of,
)
from layouts import help_texts, ids, shell
from layouts.components import empty_state

log = logging.getLogger(__name__)

def serve_layout(service: DataService):
    """Layout as a function so options follow the data after an import, and
    the navigation and choices follow the signed-in viewer's role and scope."""

    def layout():
        viewer = guard.viewer()
        if viewer is None:  # only reachable when the sign-in hook is bypassed
            return html.Div(id=ids.PAGE)
        frames = service.frames()
        as_of = service.as_of()
        # regions and the units of every lower level (districts), from the
        # viewer's own frames: "all" is all a manager may see, their own unit
        # (a rep's control is hidden, but must still offer "all": a dropdown
        # clears a value it does not offer, and that change re-ran the URL
        # sync while the URL's own call was in flight, whose answer Dash
        # then dropped, leaving the as-of at the default)
        region_options = unit_filter.filter_options(viewer, guard.data(service).frames())
        segments = sorted(frames.accounts["segment"].dropna().unique())
        earliest, _latest = as_of_bounds(service)
        controls = shell.controls_bar(
            period_options(as_of),
            region_options,
            [{"label": _("All segments"), "value": ALL}]
            + [{"label": s, "value": s} for s in segments],
            shell.as_of_picker(as_of, as_of, earliest),
            show_filters=viewer.role != rules.REP,
        )
        views = [(page.path, page.label) for page in PAGES
                 if rules.may_open(viewer, page.path, ROLES_BY_PATH)]
        return shell.shell(controls, views,
                           shell.user_menu(viewer.display_name, viewer.role, csrf_token(),
                                           translation.language()),
                           with_drilldown=viewer.role != rules.REP)

    return layout


def with_custom_option(options: list[dict], period: str) -> list[dict]:
    """Add a custom range (from the URL or the date picker) to the period
    choices, so the dropdown names it instead of showing a blank."""
    if any(o["value"] == period for o in options):
        return options
    try:
        parsed = Period.parse(period)
    except ValueError:
        return options + [{"label": _("Invalid period: {period}").format(period=period),
                           "value": period}]
    return options + [{"label": periods.named(parsed).label, "value": period}]


def as_of_bounds(service: DataService) -> tuple[date, date]:
    """First and last day the as-of picker offers (see ``as_of_range``)."""
    created = service.derived(("earliest_opportunity",),
                              lambda f: f.opportunities["created_on"].min())
    return as_of_range(created, service.as_of())


def linked_selection(service: DataService, selection: Selection) -> tuple[Selection, tuple]:
    """A link's selection as the viewer gets it: an unknown period, region or
    segment is the default (``known_selection``), the region choices being
    the viewer's own (a manager's only choice, "all", is their region; a
    region outside it is logged, and answered like an unknown one)."""
    viewer = guard.require_viewer()
    frames = service.frames()
    regions = unit_filter.filter_values(viewer, guard.data(service).frames())
    segments = sorted(frames.accounts["segment"].dropna().unique())
    shown, replaced = known_selection(selection, regions, segments,
                                      resolve_as_of(selection.as_of, service.as_of()))
    if "region" in replaced and rules.confine_region(viewer, selection.region, ALL) is None:
        asked = f"region {str(selection.region)[:64]!r} in a link"  # i18n: not shown (log)
        guard.out_of_scope(asked, viewer)
    return shown, replaced


def changed_query(selection: Selection, search: str | None):
    """The URL query for ``selection``, the view's own parameters of the
    current query kept (see :func:`new_query`)."""
    return new_query(selection.to_query(keep=search), search)


def url_matches_controls(url: Selection, period, region, segment, restated, as_of: date,
                         default: date) -> bool:
    """Whether the controls already show the URL's selection: true when only
    a view's own parameter (the map's KPI, the open drill-down) changed the
    URL, which must not refresh every view."""
    return ((url.period, url.region, url.segment, url.restated)
            == (period, region, segment, bool(restated))
            and resolve_as_of(url.as_of, default) == as_of)


#: sync_url_and_controls's answer when nothing is to change
UNCHANGED = (no_update,) * 8


def as_of_controls(as_of_param: str, period: str, default: date) -> tuple:
    """(period options, picker date, picker label) for the URL's as-of: the
    relative periods and the quarters offered count back from it."""
    as_of = resolve_as_of(as_of_param, default)
    return (with_custom_option(period_options(as_of), period), as_of.isoformat(),
            shell.as_of_label(as_of, default))


def as_of_picked(chosen: Selection, search: str | None, picked, default: date) -> tuple:
    """sync_url_and_controls's answer to a date picked (or cleared: the
    data's own date again) with the controls at ``chosen``: the URL with the
    new as-of, and the period re-sent unchanged so every view refreshes."""
    as_of = resolve_as_of(picked, default)
    updated = replace(chosen, as_of=as_of_text(as_of, default))
    query = changed_query(updated, search)
    shown = no_update if picked == as_of.isoformat() else as_of.isoformat()
    if query is no_update:
        return (*UNCHANGED[:5], shown, no_update, no_update)
    options, _date, label = as_of_controls(updated.as_of, updated.period, default)
    return (query, updated.period, no_update, no_update, options, shown, label, no_update)


def show_error(err: Exception) -> None:
    """Dash ``on_error``: log the exception, show a plain banner, no traceback."""
    log.exception("callback failed", exc_info=err)
    dash.set_props(ids.ERROR_BANNER, {
        "is_open": True,
        "children": _("Something went wrong while updating this view. "
                      "The problem has been logged; try again or change the selection."),
    })


def register(app: dash.Dash, service: DataService) -> None:
    """The URL and controls kept in step, the navigation's links, the page route."""

    @app.callback(
        Output(ids.URL, "search"),
        Output(ids.PERIOD, "value"),
        Output(ids.REGION, "value"),
        Output(ids.SEGMENT, "value"),
        Output(ids.PERIOD, "options"),
        Output(ids.AS_OF_DATE, "date"),
        Output(ids.AS_OF, "children"),
        Output(ids.RESTATED, "value"),
        Input(ids.URL, "search"),
        Input(ids.PERIOD, "value"),
        Input(ids.REGION, "value"),
        Input(ids.SEGMENT, "value"),
        Input(ids.PERIOD_RANGE, "start_date"),
        Input(ids.PERIOD_RANGE, "end_date"),
        Input(ids.AS_OF_DATE, "date"),
        Input(ids.RESTATED, "value"),
    )
    @guard.level("any")
    def sync_url_and_controls(search, period, region, segment, range_start, range_end,
                              picked_as_of, restated):
        """On load (or back/forward) the URL sets the controls; afterwards a
        control change (the "restate" switch too) writes the URL, so a copied
        link reopens this view.
        A complete custom date range becomes a ``start..end`` period. A new
        as-of date re-sends the period (unchanged): every view listens to
        the period, and reads the as-of from the URL written with it."""
        current = Selection.from_query(search)
        default = service.as_of()
        if ctx.triggered_id in (None, ids.URL):
            shown, replaced = linked_selection(service, current)
            if ctx.triggered_id == ids.URL and not replaced and url_matches_controls(
                    current, period, region, segment, restated,
                    resolve_as_of(picked_as_of, default), default):
                return UNCHANGED
            # a link naming what the data does not offer is rewritten to what is shown
            query = changed_query(shown, search) if replaced else no_update
            return (query, shown.period, shown.region, shown.segment,
                    *as_of_controls(shown.as_of, shown.period, default),
                    shown.restated if bool(restated) != shown.restated else no_update)
        if ctx.triggered_id == ids.AS_OF_DATE:
            return as_of_picked(Selection.from_controls(period, region, segment, search),
                                search, picked_as_of, default)
        if ctx.triggered_id == ids.PERIOD_RANGE:
            if not (range_start and range_end):
                return UNCHANGED
            period = f"{range_start[:10]}..{range_end[:10]}"
            updated = replace(current, period=period)
            options = as_of_controls(current.as_of, period, default)[0]
            return (changed_query(updated, search), period, no_update, no_update, options,
                    no_update, no_update, no_update)
        updated = Selection.from_controls(period, region, segment, search, restated)
        return (changed_query(updated, search), *UNCHANGED[:7])

    @app.callback(
        Output({"type": ids.NAV_LINK, "path": EVERY}, "href"),
        Output({"type": ids.NAV_LINK, "path": EVERY}, "active"),
        Input(ids.URL, "pathname"),
        Input(ids.URL, "search"),
        State({"type": ids.NAV_LINK, "path": EVERY}, "id"),
    )
    @guard.level("any")
    def carry_selection(pathname, search, links):
        """Fires on any URL change; points every navigation link at its view
        with the same global selection (not the map's KPI or an open
        drill-down, which belong to their view), and marks the current one."""
        query = Selection.from_query(search).to_query()
        paths = [link["path"] for link in links]
        return [path + query for path in paths], [path == (pathname or "/") for path in paths]

    @app.callback(Output(ids.PAGE, "children"), Input(ids.URL, "pathname"),
                  State(ids.URL, "search"))
    @guard.level("any")
    def route(pathname, search):
        """Fires on a change of path; returns the page there, laid out for the
        URL's selection confined to the viewer. Unknown paths, pages not
        open to the viewer's role and an empty database say so."""
        path = pathname or "/"
        viewer = guard.require_viewer()
        page = BY_PATH.get(path)
        if page is None:
            return empty_state(_("Page not found"),
                               _("There is no page at {path}.").format(path=pathname))
        if not rules.may_open(viewer, path, ROLES_BY_PATH):
            guard.out_of_scope(f"page {path[:100]!r}", viewer)
            return empty_state(_("Not available"),
                               _("This page is not part of your role. "
                                 "Use the navigation above to open your views."))
        if page.needs_data and service.frames().territories.empty:
            setup = first_run.page(service)  # a leader with accounts: the first-run path
            if setup is not None:
                return setup
            return empty_state(_(help_texts.NO_DATA_TITLE), _(help_texts.NO_DATA_LEADER
                               if viewer.role == rules.LEADER else help_texts.NO_DATA_OTHERS))
        selection = guard.confine(linked_selection(service, Selection.from_query(search))[0],
                                  viewer)
        data = guard.data(service, viewer) if page.scoped else service
        link = page.link(data, search) if page.link else {}
        content = page.layout(data, selection, **link)
        if path == "/":  # the checklist stays above the map until the plan is whole
            return first_run.page(service, content) or content
        return content

    del sync_url_and_controls, carry_selection, route
