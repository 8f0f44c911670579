"""Suggest a rebalance on the what-if page: a Dash background callback that runs
the design engine (:mod:`dashboard.design`, fed by :mod:`dashboard.whatif.design_runs`)
on the draft as it stands, under the page's disruption budget, then the trade-off
curve at the other budgets, with a progress bar showing the best so far and Cancel.

Cancel is cooperative rather than Dash's process kill: the Cancel button
writes a flag under the run's name (a random token per page load,
:data:`ids.WI_RUN`, and the Suggest click count) into the
shared cache (a file cache, or Redis when jobs run on Celery workers), and
the engine polls it between steps (the flag's helpers are
``callbacks/background.py``'s, shared with the import's job). The engine keeps the
best assignment found, so a cancelled run still hands back the best so far as a
draft, with the figures and the time it took, instead of losing the work. The
helpers here (settings, progress, draft, points) serve "Design from scratch" too
(``callbacks/whatif_design.py``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import dash
from dash import Input, Output, State, no_update

from callbacks import guard
from callbacks.background import request_cancel, run_token, stopper
from callbacks.whatif_drafts import posted_changes
from dashboard.design.graph import DesignError
from dashboard.i18n import formatting, translation
from dashboard.i18n.formatting import percent
from dashboard.i18n.translation import N_, _, ngettext
from dashboard.runtime.service import DataService
from dashboard.views import whatif as view
from dashboard.views.selection import Selection, resolve_as_of
from dashboard.whatif import changeset, design_reasons, design_runs
from layouts import ids
from layouts.whatif_accounts import tradeoff_figure
from layouts.whatif_design import compactness_figure

#: the budgets the trade-off chart is drawn at (the user's own is added)
CURVE_BUDGETS = (0.02, 0.05, 0.10, 0.15, 0.20)
#: the time limit's default and largest value, in seconds
DEFAULT_SECONDS, MAX_SECONDS = 20.0, 600
#: share of the time limit the proposal at the chosen budget gets (the curve the rest)
PROPOSAL_SHARE = 0.6
#: the progress bar is written at most this often, in seconds
REPORT_SECONDS = 0.5


def county_names(service: DataService) -> dict[str, str]:
    """What each unit is called ("Autauga, AL"; a layer of one's own: its name)."""
    return service.geography().labels.to_dict()


@dataclass(frozen=True)
class SearchSettings:
    """The card's shared search settings, checked: tolerance (a share), time limit
    (seconds), seed, and whether oversize counties may be split."""

    tolerance: float = 0.05
    time_limit: float = DEFAULT_SECONDS
    seed: int = 7
    split: bool = True

    @classmethod
    def read(cls, tolerance, time_limit, seed, split) -> SearchSettings:
        """From the page's inputs (percent, seconds, integer, tick); ValueError with
        the words to show when one is out of range."""
        if not isinstance(tolerance, int | float) or not 1 <= tolerance <= 50:
            raise ValueError(_("The tolerance must be a percentage between 1 and 50."))
        if not isinstance(time_limit, int | float) or not 1 <= time_limit <= MAX_SECONDS:
            raise ValueError(_("The time limit must be between 1 and {seconds} seconds.")
                             .format(seconds=MAX_SECONDS))
        if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**31:
            raise ValueError(_("The seed must be a whole number, 0 or more."))
        return cls(tolerance / 100, float(time_limit), int(seed), split is not False)

    def options(self, service: DataService, measures, as_of) -> design_runs.RunOptions:
        # the job's own service was built from the same environment (Celery
        # workers run create_app too), so the configured weights reach it here
        return design_runs.RunOptions(
            measures=tuple(measures), tolerance=self.tolerance, time_limit=self.time_limit,
            seed=self.seed, split=self.split, weights=service.settings.workload_weights,
            as_of=as_of)


def engine_refusal(exc: DesignError, own_layer: bool = False) -> str:
    """The design engine's refusal in the viewer's words (``own_layer``: of units)."""
    if exc.code == "too_many_territories":
        return (_("There are more territories ({territories}) than units ({units}) to make "
                  "them of.") if own_layer
                else _("There are more territories ({territories}) than counties ({units}) "
                       "to make them of.")).format(**exc.params)
    if exc.code == "bad_lock":
        return (_("A lock pins a unit to a territory the design does not have; clear the "
                  "locks or design as many territories as today.") if own_layer
                else _("A lock pins a county to a territory the design does not have; "
                       "clear the locks or design as many territories as today."))
    return _("The design engine cannot work on this draft: {reason}.").format(reason=str(exc))


class Reporter:
    """Progress of a run on the page's bar: each stage owns a span of the bar; the
    engine's reports (the best so far) move within it, at most every REPORT_SECONDS."""

    def __init__(self, progress):
        self.progress = progress
        self.last = 0.0

    def say(self, percent: float, label: str) -> None:
        if self.progress is not None:
            self.progress((int(round(percent)), label))

    def engine_hook(self, low: float, high: float, limit: float, best: Callable[[object], str]):
        def hook(report) -> None:
            now = time.monotonic()
            if self.progress is None or now - self.last < REPORT_SECONDS:
                return
            self.last = now
            share = min(report.seconds / max(limit, 1e-9), 1.0)
            self.say(low + (high - low) * share, _("{seconds} s of {limit} s · best balance "
                                                   "{best}").format(
                seconds=formatting.number(report.seconds), limit=formatting.number(limit),
                best=best(report.assignment)))
        return hook


def draft_changes(frames, changes: changeset.Changes, reading: design_runs.Reading
                  ) -> changeset.Changes:
    """``changes`` with the answer's county moves and named-account overrides."""
    new = changes
    for territory, fips in _grouped(reading.county_moves).items():
        new = new.move_counties(frames, fips, territory)
    for territory, accounts in _grouped(reading.overrides).items():
        new = new.override_accounts(frames, accounts, territory)
    return new


def _grouped(mapping) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, territory in mapping.items():
        grouped.setdefault(territory, []).append(key)
    return dict(sorted(grouped.items()))


def prepare(service: DataService, viewer, steps, settings: SearchSettings, measures,
            as_of_text, fixed_overrides: bool):
    """The viewer's frames, the draft's changes and the engine's input for the draft."""
    if viewer is None:
        raise ValueError(_("Your sign-in could not be checked; reload the page and try "
                           "again."))
    # a manager's run moves counties only between their own territories:
    # the frames cut to their scope hold no others
    data = guard.data(service, viewer)
    frames = data.frames()
    changes = posted_changes(data, steps)
    options = settings.options(service, measures, resolve_as_of(as_of_text, service.as_of()))
    scenario = changeset.apply(frames, changes)
    geography = service.geography()
    prepared = design_runs.prepare(scenario, changes, geography.table, geography.adjacency,
                                   options, fixed_overrides)
    return frames, changes, prepared


def point(kind: str, reading: design_runs.Reading, metric: str, seconds: float,
          budget: float | None = None, chosen: bool = False) -> dict:
    """One run's point on the trade-off charts."""
    return {"kind": kind, "budget": budget, "chosen": chosen,
            "disruption": reading.disruption,
            "balance_before": reading.balance_before[metric],
            "balance_after": reading.balance_after[metric],
            "cut_before": reading.cut_before, "cut_after": reading.cut_after,
            "moves": len(reading.county_moves), "seconds": seconds}


def rebalance(service: DataService, steps, budget, metric, as_of_text, token=None,
              progress=None, viewer=None, settings: SearchSettings | None = None):
    """The design engine's rebalance of the draft as it stands at ``budget`` (percent
    of T12 bookings), then the trade-off curve at the other budgets in what is left of
    the time limit. Returns (history, message, colour, curve points, chosen budget).

    Raises ValueError with the message to show."""
    if not isinstance(budget, int | float) or not 0 <= budget <= 50:
        raise ValueError(_("The disruption budget must be a percentage between 0 and 50."))
    settings = settings or SearchSettings()
    metric = metric if metric in design_runs.MEASURES else "potential"
    steps = list(steps or [])
    chosen = budget / 100
    should_stop = stopper(service, token)
    reporter = Reporter(progress)
    words = service.geography().words
    own = words.own_layer
    reporter.say(0, words.say(*PREPARING))
    frames, changes, prepared = prepare(service, viewer, steps, settings, (metric,),
                                        as_of_text, True)
    if prepared.bookings_share <= 0:
        raise ValueError(_("There are no trailing-12-month bookings to measure "
                           "disruption by."))
    if should_stop is not None and should_stop():
        return steps, _("Cancelled before any move."), "info", [], chosen
    others = [b for b in CURVE_BUDGETS if abs(b - chosen) > 1e-9]
    main = settings.time_limit * (PROPOSAL_SHARE if others else 1.0)

    def best(assignment) -> str:
        return formatting.number(design_runs.best_index(prepared, metric, assignment), 3)

    started = time.monotonic()
    try:
        result = design_runs.rebalance(prepared, chosen, main,
                                       reporter.engine_hook(5, 70, main, best), should_stop)
    except DesignError as exc:
        raise ValueError(engine_refusal(exc, own)) from exc
    reading = design_runs.reading(prepared, result)
    seconds = time.monotonic() - started
    cancelled = result.stopped_by == "cancelled"
    points = [point("rebalance", reading, metric, seconds, chosen, True)]
    for done, other in enumerate(others):
        if cancelled or (should_stop is not None and should_stop()):
            break
        reporter.say(70 + 30 * done / len(others), _("trade-off: {done} of {total} budgets")
                     .format(done=done, total=len(others)))
        began = time.monotonic()
        run = design_runs.rebalance(prepared, other, settings.time_limit * (1 - PROPOSAL_SHARE)
                                    / len(others), None, should_stop)
        if run.stopped_by != "cancelled":
            points.append(point("rebalance", design_runs.reading(prepared, run), metric,
                                time.monotonic() - began, other))
    points.sort(key=lambda p: p["budget"])
    reporter.say(100, _("done"))
    if not reading.county_moves and not reading.overrides:
        text = (_("Cancelled before any move.") if cancelled else
                _("No unit move raises the balance within this budget and the locks.")
                if own else
                _("No county move raises the balance within this budget and the locks."))
        return steps, text, "info", [] if cancelled else points, chosen
    new = draft_changes(frames, changes, reading)
    label = _(
        "suggested rebalance of {metric}: {moves}, {overrides}, balance {before} → {after}, "
        "cut borders {cut_before} → {cut_after}, disruption {disruption} of T12 bookings "
        "({seconds} s)").format(
        metric=design_reasons.measure_name(metric),
        moves=words.moves(len(reading.county_moves)),
        overrides=overrides_text(len(reading.overrides)),
        before=formatting.number(reading.balance_before[metric], 3),
        after=formatting.number(reading.balance_after[metric], 3),
        cut_before=formatting.count(reading.cut_before),
        cut_after=formatting.count(reading.cut_after),
        disruption=percent(reading.disruption, 1), seconds=formatting.number(seconds, 1))
    if cancelled:
        label = _("{label}, cancelled").format(label=label)
    names = county_names(service)
    reasons = (design_reasons.move_reasons(prepared, result, reading, names, own)
               + design_reasons.split_reasons(prepared, reading, names, own))
    message = label[0].upper() + label[1:] + "."
    if cancelled:
        message += " " + _("The best found before Cancel is kept as a draft; undo to drop "
                           "it.")
    return (view.push_step(steps, new, label, reasons), message,
            "warning" if cancelled else "success", points, chosen)


#: what a run's progress bar says first (``UnitWords.say``: counties, or units)
PREPARING = (N_("preparing the counties"), N_("preparing the units"))


def overrides_text(count: int) -> str:
    return ngettext("{count} named-account override", "{count} named-account overrides",
                    count).format(count=formatting.count(count))


def merged(points, new: list[dict], kind: str) -> list[dict]:
    """The page's points with those of ``kind`` replaced by ``new`` (a design adds
    to the designs, at most MAX_DESIGNS of them)."""
    kept = [p for p in clean_points(points) if p.get("kind") != kind]
    if kind == "design":
        kept += [p for p in clean_points(points) if p.get("kind") == "design"][-MAX_DESIGNS + 1:]
    return kept + new


#: the designs the compactness chart keeps
MAX_DESIGNS = 5
_NUMBERS = ("disruption", "balance_before", "balance_after", "cut_before", "cut_after")


def clean_points(points) -> list[dict]:
    """The posted points that are well-formed (page data: may be forged)."""
    if not isinstance(points, list):
        return []
    return [p for p in points[:20] if isinstance(p, dict)
            and p.get("kind") in ("rebalance", "design")
            and all(isinstance(p.get(k), int | float) for k in _NUMBERS)
            and isinstance(p.get("budget"), int | float | None)
            and isinstance(p.get("moves", 0), int)]


def charts(points) -> tuple:
    """Balance against disruption (the rebalance budgets, the chosen one ringed) and
    against compactness (today, budgets and designs)."""
    points = clean_points(points)
    chosen = next((p["budget"] for p in points if p.get("chosen")), None)
    return tradeoff_figure(points, chosen), compactness_figure(points)


def answer_job(secret: str, signed_viewer, points, kind: str, run) -> tuple:
    """A background run's outputs: ``run(viewer)`` in the language of the page that
    asked (the job has no request), its points merged into the page's; a ValueError
    is the message to show, nothing else changing."""
    viewer = guard.viewer_from_token(secret, signed_viewer)
    with translation.use(viewer.language if viewer is not None else None):
        try:
            new_steps, message, color, new_points = run(viewer)
        except ValueError as exc:
            text = str(exc)
            return no_update, text[:1].upper() + text[1:], "danger", True, no_update
        return new_steps, message, color, True, merged(points, new_points, kind)


def register(app: dash.Dash, service: DataService) -> None:
    secret = app.server.config["SECRET_KEY"]

    @app.callback(
        Output(ids.WI_HISTORY, "data", allow_duplicate=True),
        Output(ids.WI_ALERT, "children", allow_duplicate=True),
        Output(ids.WI_ALERT, "color", allow_duplicate=True),
        Output(ids.WI_ALERT, "is_open", allow_duplicate=True),
        Output(ids.WI_POINTS, "data"),
        Input(ids.WI_SUGGEST, "n_clicks"),
        State(ids.WI_RUN, "data"),
        State(ids.WI_HISTORY, "data"),
        State(ids.WI_BUDGET, "value"),
        State(ids.WI_METRIC, "value"),
        State(ids.WI_TOLERANCE, "value"),
        State(ids.WI_TIME_LIMIT, "value"),
        State(ids.WI_SEED, "value"),
        State(ids.WI_SPLIT, "value"),
        State(ids.WI_POINTS, "data"),
        State(ids.URL, "search"),
        State(ids.WI_VIEWER, "data"),
        background=True,
        running=[(Output(ids.WI_SUGGEST, "disabled"), True, False),
                 (Output(ids.WI_DESIGN, "disabled"), True, False),
                 (Output(ids.WI_CANCEL, "disabled"), False, True),
                 (Output(ids.WI_PROGRESS, "style"), {"visibility": "visible"},
                  {"visibility": "hidden"})],
        progress=[Output(ids.WI_PROGRESS, "value"), Output(ids.WI_PROGRESS, "label")],
        progress_default=[0, ""],
        prevent_initial_call=True,
    )
    @guard.level("manager")
    def suggest(set_progress, clicks, page, steps, budget, metric, tolerance, time_limit,
                seed, split, points, search, signed_viewer):
        """Fires on Suggest; runs the engine's rebalance and the trade-off curve in
        the background, then adds the proposal as one undoable step. The job has
        no session: the viewer comes signed from the page (``WI_VIEWER``)."""
        token = run_token(page, clicks)
        as_of = Selection.from_query(search).as_of

        def run(viewer):
            settings = SearchSettings.read(tolerance, time_limit, seed, split)
            new_steps, message, color, curve, _chosen = rebalance(
                service, steps, budget, metric, as_of, token,
                lambda value: set_progress(value), viewer, settings)
            return new_steps, message, color, curve

        return answer_job(secret, signed_viewer, points, "rebalance", run)

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
        Suggest) so it stops and hands back its best so far."""
        return True if request_cancel(service, run_token(page, suggest_clicks)) else no_update

    @app.callback(
        Output(ids.WI_TRADEOFF, "figure"),
        Output(ids.WI_COMPACT, "figure"),
        Input(ids.WI_POINTS, "data"),
        prevent_initial_call=True,
    )
    @guard.level("manager")
    def draw(points):
        """Fires when a run adds its points; redraws both trade-off charts."""
        return charts(points)

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

    del suggest, cancel, draw, pick_budget
