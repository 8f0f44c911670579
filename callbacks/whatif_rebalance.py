"""Auto-balance on the what-if page: a Dash background callback that runs the
trade-off curve and the suggested rebalance, with a progress bar and Cancel.

Cancel is cooperative rather than Dash's process kill: the Cancel button
writes a flag under the run's name (a random token per page load,
:data:`ids.WI_RUN`, and the Suggest click count) into the
shared cache (a file cache, or Redis when jobs run on Celery workers), and
the search polls it before each move. Every prefix of the greedy search is itself feasible, so a
cancelled run still hands back the moves made so far as a draft, with the
figures and the time it took, instead of losing the work.
"""

from __future__ import annotations

import time

import dash
from dash import Input, Output, State, no_update

from callbacks import guard
from callbacks.whatif_drafts import posted_changes
from dashboard.geo import us_atlas
from dashboard.i18n import formatting, translation
from dashboard.i18n.formatting import percent
from dashboard.i18n.translation import _, ngettext
from dashboard.runtime.service import DataService
from dashboard.views import whatif as view
from dashboard.views.selection import Selection, resolve_as_of
from dashboard.whatif import autobalance, changeset
from layouts import ids
from layouts.whatif_accounts import tradeoff_figure

#: the budgets the trade-off chart is drawn at (the user's own is added)
CURVE_BUDGETS = (0.02, 0.05, 0.10, 0.15, 0.20)
#: how often a running search looks at the cancel flag, in seconds
POLL_SECONDS = 0.1


def run_token(page, clicks) -> str | None:
    """The name of one run: this page load's token and the Suggest click count."""
    if not isinstance(page, str) or not page or not isinstance(clicks, int):
        return None
    return f"{page[:64]}:{clicks}"


def _flag_key(token: str) -> str:
    return f"td:whatif-cancel:{token}"


def request_cancel(service: DataService, token) -> bool:
    """Flag the run named ``token`` to stop; False when there is nothing to flag."""
    cache = service.shared_cache
    if not isinstance(token, str) or not token or cache is None:
        return False
    cache.set(_flag_key(token), True, timeout=3600)
    return True


def _stopper(service: DataService, token: str | None):
    """should_stop() for the search: true once Cancel was pressed for this run
    (looked up at most every POLL_SECONDS, so polling costs nothing measurable)."""
    cache = service.shared_cache
    if not token or cache is None:
        return None
    last = [0.0, False]

    def should_stop() -> bool:
        now = time.perf_counter()
        if not last[1] and now - last[0] >= POLL_SECONDS:
            last[0] = now
            try:
                last[1] = bool(cache.get(_flag_key(token)))
            except Exception:  # a cache outage must not break the search
                last[1] = False
        return last[1]

    return should_stop


def county_names() -> dict[str, str]:
    counties = us_atlas.load_counties()
    return {fips: f"{name}, {state}" for fips, name, state in
            zip(counties.index, counties["name"], counties["state_abbr"], strict=True)}


def rebalance(service: DataService, steps, budget, metric, as_of_text, token=None,
              progress=None, viewer=None):
    """Trade-off curve, then the proposal at ``budget`` (percent) on the scenario as
    it stands. Returns (history, message, colour, curve points, chosen budget).

    Raises ValueError with the message to show."""
    if not isinstance(budget, int | float) or not 0 <= budget <= 50:
        raise ValueError(_("The disruption budget must be a percentage between 0 and 50."))
    if viewer is None:
        raise ValueError(_("Your sign-in could not be checked; reload the page and try "
                           "again."))
    # a manager's search moves counties only between their own territories:
    # the frames cut to their scope hold no others
    data = guard.data(service, viewer)
    frames = data.frames()
    changes = posted_changes(data, steps)
    steps = list(steps or [])
    metric = metric if metric in autobalance.METRICS else "potential"
    chosen = budget / 100
    budgets = sorted(set(CURVE_BUDGETS) | {chosen})
    stages = len(budgets) + 1
    options = autobalance.SearchOptions(
        metric=metric, locked_counties=changes.locked_counties,
        locked_territories=changes.locked_territories,
        locked_accounts=changes.locked_accounts,
        as_of=resolve_as_of(as_of_text, service.as_of()), county_names=county_names(),
        # the job's own service was built from the same environment (Celery
        # workers run create_app too), so the configured weights reach it here
        weights=service.settings.workload_weights)
    should_stop = _stopper(service, token)
    scenario = changeset.apply(frames, changes)
    areas, adjacency = us_atlas.load_counties()["area_km2"], us_atlas.county_adjacency()

    def report(done: int, label: str):
        if progress is not None:
            progress((round(100 * done / stages), label))

    report(0, _("trade-off: starting"))
    curve = autobalance.tradeoff_curve(
        scenario, areas, adjacency, budgets, options,
        progress=lambda done, total: report(done, _("trade-off: {done} of {total} budgets")
                                            .format(done=done, total=total)),
        should_stop=should_stop)
    points = curve.to_dict("records")
    report(stages - 1, _("proposing at {budget}").format(budget=percent(chosen)))
    proposal = autobalance.suggest_rebalance(scenario, areas, adjacency, chosen, options,
                                             should_stop=should_stop)
    report(stages, _("done"))
    if not proposal.moves:
        text = (_("Cancelled before any move.") if proposal.cancelled else
                _("No county move raises the balance within this budget and the locks."))
        return steps, text, "info", points, chosen
    new = changes
    by_target: dict[str, list[str]] = {}
    for fips, territory in proposal.county_moves.items():
        by_target.setdefault(territory, []).append(fips)
    for territory, fips in sorted(by_target.items()):
        new = new.move_counties(frames, fips, territory)
    figures = dict(
        metric=_(autobalance.METRIC_NAMES.get(metric, metric)),
        count=formatting.count(len(proposal.moves)),
        before=formatting.number(proposal.balance_before, 3),
        after=formatting.number(proposal.balance_after, 3),
        disruption=percent(proposal.disruption, 1),
        seconds=formatting.number(proposal.seconds, 1))
    if proposal.cancelled:
        label = ngettext(
            "cancelled suggested rebalance of {metric}: {count} county move, balance "
            "{before} → {after}, disruption {disruption} of T12 bookings ({seconds} s)",
            "cancelled suggested rebalance of {metric}: {count} county moves, balance "
            "{before} → {after}, disruption {disruption} of T12 bookings ({seconds} s)",
            len(proposal.moves)).format(**figures)
    else:
        label = ngettext(
            "suggested rebalance of {metric}: {count} county move, balance {before} → "
            "{after}, disruption {disruption} of T12 bookings ({seconds} s)",
            "suggested rebalance of {metric}: {count} county moves, balance {before} → "
            "{after}, disruption {disruption} of T12 bookings ({seconds} s)",
            len(proposal.moves)).format(**figures)
    reasons = [f"{m.county_name} ({m.county_fips}): {m.reason}" for m in proposal.moves]
    message = label[0].upper() + label[1:] + "."
    if proposal.cancelled:
        message += " " + _("The moves made before Cancel are kept as a draft; undo to drop "
                           "them.")
    return (view.push_step(steps, new, label, reasons), message,
            "warning" if proposal.cancelled else "success", points, chosen)


def register(app: dash.Dash, service: DataService) -> None:
    secret = app.server.config["SECRET_KEY"]

    @app.callback(
        Output(ids.WI_HISTORY, "data", allow_duplicate=True),
        Output(ids.WI_ALERT, "children", allow_duplicate=True),
        Output(ids.WI_ALERT, "color", allow_duplicate=True),
        Output(ids.WI_ALERT, "is_open", allow_duplicate=True),
        Output(ids.WI_TRADEOFF, "figure"),
        Input(ids.WI_SUGGEST, "n_clicks"),
        State(ids.WI_RUN, "data"),
        State(ids.WI_HISTORY, "data"),
        State(ids.WI_BUDGET, "value"),
        State(ids.WI_METRIC, "value"),
        State(ids.URL, "search"),
        State(ids.WI_VIEWER, "data"),
        background=True,
        running=[(Output(ids.WI_SUGGEST, "disabled"), True, False),
                 (Output(ids.WI_CANCEL, "disabled"), False, True),
                 (Output(ids.WI_PROGRESS, "style"), {"visibility": "visible"},
                  {"visibility": "hidden"})],
        progress=[Output(ids.WI_PROGRESS, "value"), Output(ids.WI_PROGRESS, "label")],
        progress_default=[0, ""],
        prevent_initial_call=True,
    )
    @guard.level("manager")
    def suggest(set_progress, clicks, page, steps, budget, metric, search, signed_viewer):
        """Fires on Suggest; runs the trade-off curve and the proposal in the
        background, then adds the proposal as one undoable step. The job has
        no session: the viewer comes signed from the page (``WI_VIEWER``)."""
        token = run_token(page, clicks)
        as_of = Selection.from_query(search).as_of
        viewer = guard.viewer_from_token(secret, signed_viewer)
        # the job has no request: it speaks the language of the page that asked
        with translation.use(viewer.language if viewer is not None else None):
            try:
                new_steps, message, color, points, chosen = rebalance(
                    service, steps, budget, metric, as_of, token,
                    lambda value: set_progress(value), viewer)
            except ValueError as exc:
                text = str(exc)
                return no_update, text[:1].upper() + text[1:], "danger", True, no_update
            return new_steps, message, color, True, tradeoff_figure(points, chosen)

    @app.callback(
        Output(ids.WI_CANCEL, "disabled", allow_duplicate=True),
        Input(ids.WI_CANCEL, "n_clicks"),
        State(ids.WI_RUN, "data"),
        State(ids.WI_SUGGEST, "n_clicks"),
        prevent_initial_call=True,
    )
    @guard.level("manager")
    def cancel(_clicks, page, suggest_clicks):
        """Fires on Cancel; flags the running search (this page's latest
        Suggest) so it stops at its next move."""
        return True if request_cancel(service, run_token(page, suggest_clicks)) else no_update

    @app.callback(
        Output(ids.WI_BUDGET, "value"),
        Input(ids.WI_TRADEOFF, "clickData"),
        prevent_initial_call=True,
    )
    @guard.level("manager")
    def pick_budget(click):
        """Fires on a click on the trade-off chart; takes that point's budget."""
        try:
            return round(float(click["points"][0]["customdata"][0]))
        except (KeyError, IndexError, TypeError, ValueError):
            return no_update

    del suggest, cancel, pick_budget

