"""Shell: keeps the global controls and the URL in step, and routes pages."""

from __future__ import annotations

import logging

import dash
from dash import Input, Output, State, ctx, html, no_update

from callbacks import guard
from callbacks.auth import csrf_token
from dashboard import access, formatting, i18n, periods
from dashboard.i18n import _
from dashboard.periods import Period
from dashboard.selection import ALL, Selection, period_options
from dashboard.service import DataService
from layouts import help_texts, ids, shell
from layouts.components import empty_state

log = logging.getLogger(__name__)

#: views named in the navigation whose issue has not landed (none now)
UPCOMING: dict[str, tuple[str, str]] = {}


def serve_layout(service: DataService):
    """Layout as a function so options follow the data after an import, and
    the navigation and choices follow the signed-in viewer's role and scope."""

    def layout():
        viewer = guard.viewer()
        if viewer is None:  # only reachable when the sign-in hook is bypassed
            return html.Div(id=ids.PAGE)
        frames = service.frames()
        as_of = service.as_of()
        regions = access.regions_offered(
            viewer, sorted(frames.territories["region"].dropna().unique()))
        if viewer.is_leader:
            region_options = [{"label": _("All regions"), "value": ALL}]
            region_options += [{"label": r, "value": r} for r in regions]
        else:  # "all" is all the viewer may see: a manager's own region
            region_options = [{"label": r, "value": ALL} for r in regions]
        segments = sorted(frames.accounts["segment"].dropna().unique())
        controls = shell.controls_bar(
            period_options(as_of),
            region_options,
            [{"label": _("All segments"), "value": ALL}]
            + [{"label": s, "value": s} for s in segments],
            formatting.day(as_of),
            show_filters=viewer.role != "rep",
        )
        views = [(path, label) for path, label in shell.VIEWS if viewer.may_open(path)]
        return shell.shell(controls, views,
                           shell.user_menu(viewer.display_name, viewer.role, csrf_token(),
                                           i18n.language()),
                           with_drilldown=viewer.role != "rep")

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


def changed_query(selection: Selection, search: str | None):
    """The URL query for ``selection``, or no_update when the URL already says
    it: rewriting the same query makes dcc.Location re-announce its pathname,
    which re-renders the whole page (and drops what the user just clicked)."""
    query = selection.to_query()
    return no_update if query == (search or "") else query


def show_error(err: Exception) -> None:
    """Dash ``on_error``: log the exception, show a plain banner, no traceback."""
    log.exception("callback failed", exc_info=err)
    dash.set_props(ids.ERROR_BANNER, {
        "is_open": True,
        "children": _("Something went wrong while updating this view. "
                      "The problem has been logged; try again or change the selection."),
    })


def register(app: dash.Dash, service: DataService, pages: dict) -> None:
    """``pages`` maps a path to its view's ``render(service, selection)``."""

    @app.callback(
        Output(ids.URL, "search"),
        Output(ids.PERIOD, "value"),
        Output(ids.REGION, "value"),
        Output(ids.SEGMENT, "value"),
        Output(ids.PERIOD, "options"),
        Input(ids.URL, "search"),
        Input(ids.PERIOD, "value"),
        Input(ids.REGION, "value"),
        Input(ids.SEGMENT, "value"),
        Input(ids.PERIOD_RANGE, "start_date"),
        Input(ids.PERIOD_RANGE, "end_date"),
    )
    @guard.level("any")
    def sync_url_and_controls(search, period, region, segment, range_start, range_end):
        """On load (or back/forward) the URL sets the controls; afterwards a
        control change writes the URL, so a copied link reopens this view.
        A complete custom date range becomes a ``start..end`` period."""
        current = Selection.from_query(search)
        if ctx.triggered_id in (None, ids.URL):
            options = with_custom_option(period_options(service.as_of()), current.period)
            return (no_update, current.period, current.region, current.segment, options)
        if ctx.triggered_id == ids.PERIOD_RANGE:
            if not (range_start and range_end):
                return no_update, no_update, no_update, no_update, no_update
            period = f"{range_start[:10]}..{range_end[:10]}"
            updated = Selection(period, current.region, current.segment, current.as_of)
            options = with_custom_option(period_options(service.as_of()), period)
            return changed_query(updated, search), period, no_update, no_update, options
        updated = guard.selection(period, region, segment, search)
        return changed_query(updated, search), no_update, no_update, no_update, no_update

    @app.callback(Output(ids.PAGE, "children"), Input(ids.URL, "pathname"),
                  State(ids.URL, "search"))
    @guard.level("any")
    def route(pathname, search):
        """Render the page for the path; unknown paths say so."""
        path = pathname or "/"
        viewer = guard.require_viewer()
        if (path in pages or path in UPCOMING) and not viewer.may_open(path):
            guard.out_of_scope(f"page {path[:100]!r}", viewer)
            return empty_state(_("Not available"),
                               _("This page is not part of your role. "
                                 "Use the navigation above to open your views."))
        if path in pages and path != "/import" and service.frames().territories.empty:
            return empty_state(_(help_texts.NO_DATA_TITLE), _(help_texts.NO_DATA_LEADER
                               if viewer.role == "leader" else help_texts.NO_DATA_OTHERS))
        if path in pages:
            return pages[path](service, guard.confine(Selection.from_query(search), viewer))
        if path in UPCOMING:
            title, text = UPCOMING[pathname]
            return shell.placeholder(_(title), _(text) + " " + _("This view is not built yet."))
        return empty_state(_("Page not found"),
                           _("There is no page at {path}.").format(path=pathname))

    del sync_url_and_controls, route
