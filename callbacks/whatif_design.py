"""Design from scratch on the what-if page: a Dash background callback that runs the
design engine (:func:`dashboard.whatif.design_runs.design`) on the viewer's scope —
the whole company for a leader, their region's counties and territories for a
manager — with the progress bar showing the best so far and Cancel keeping it. The
answer opens as one step of the draft (county moves and named-account overrides, a
reason per territory and per split county), which the scenarios panel saves like any.
Settings, progress, Cancel and the charts' points are shared with "Suggest a
rebalance" (:mod:`callbacks.whatif_rebalance`).
"""

from __future__ import annotations

import time

import dash
from dash import Input, Output, State, no_update

from callbacks import guard
from callbacks.whatif_rebalance import (
    PREPARING,
    Reporter,
    SearchSettings,
    answer_job,
    county_names,
    draft_changes,
    engine_refusal,
    overrides_text,
    point,
    prepare,
    request_cancel,
    run_token,
    stopper,
)
from dashboard.design.graph import DesignError
from dashboard.i18n import formatting
from dashboard.i18n.formatting import percent
from dashboard.i18n.translation import _, ngettext
from dashboard.i18n.unit_words import UnitWords
from dashboard.runtime.service import DataService
from dashboard.views import whatif as view
from dashboard.views.selection import Selection
from dashboard.whatif import design_reasons, design_runs
from layouts import ids

#: the run kind in a design's run token (Suggest's has none)
KIND = "design-"


def design(service: DataService, steps, territories, measures, as_of_text, token=None,
           progress=None, viewer=None, settings: SearchSettings | None = None):
    """``territories`` designed from scratch over the viewer's scope, balanced on
    ``measures``. Returns (history, message, colour, chart points).

    Raises ValueError with the message to show."""
    settings = settings or SearchSettings()
    chosen = [m for m in design_runs.MEASURES if isinstance(measures, list) and m in measures]
    if not chosen:
        raise ValueError(_("Tick at least one measure to balance."))
    if not isinstance(territories, int) or isinstance(territories, bool) or territories < 1:
        raise ValueError(_("The number of territories must be a whole number, 1 or more."))
    steps = list(steps or [])
    should_stop = stopper(service, token)
    reporter = Reporter(progress)
    words = service.geography().words
    own = words.own_layer
    reporter.say(0, words.say(*PREPARING))
    frames, changes, prepared = prepare(service, viewer, steps, settings, chosen, as_of_text,
                                        False)
    today = len(prepared.tids)
    if territories > today:
        raise ValueError(ngettext(
            "At most {count} territory: a design fills today's territories (add "
            "territories by an import first).",
            "At most {count} territories: a design fills today's territories (add "
            "territories by an import first).", today).format(count=formatting.count(today)))
    if territories < today and prepared.locks:
        raise ValueError((_("Locks pin units to today's territories: design as many "
                            "territories as today ({count}), or clear the locks.") if own
                          else _("Locks pin counties to today's territories: design as many "
                                 "territories as today ({count}), or clear the locks.")).format(
            count=formatting.count(today)))
    if should_stop is not None and should_stop():
        return steps, _("Cancelled before any design."), "info", []
    metric = chosen[0]

    def best(assignment) -> str:
        return formatting.number(design_runs.best_index(prepared, metric, assignment), 3)

    started = time.monotonic()
    try:
        result = design_runs.design(prepared, territories, reporter.engine_hook(
            5, 95, settings.time_limit, best), should_stop)
    except DesignError as exc:
        raise ValueError(engine_refusal(exc, own)) from exc
    reading = design_runs.reading(prepared, result)
    seconds = time.monotonic() - started
    reporter.say(100, _("done"))
    cancelled = result.stopped_by == "cancelled"
    new = draft_changes(frames, changes, reading)
    label = design_label(reading, chosen, territories, prepared.options.tolerance,
                         seconds, result.within_tolerance, own)
    if cancelled:
        label = _("{label}, cancelled").format(label=label)
    reasons = (design_reasons.territory_reasons(prepared, reading, own)
               + design_reasons.split_reasons(prepared, reading, county_names(service), own))
    message = label[0].upper() + label[1:] + "."
    if reading.empty:
        message += " " + (ngettext(
            "{count} territory is left without a unit: {names}.",
            "{count} territories are left without a unit: {names}.", len(reading.empty))
            if own else ngettext(
            "{count} territory is left without a county: {names}.",
            "{count} territories are left without a county: {names}.",
            len(reading.empty))).format(count=formatting.count(len(reading.empty)),
                                       names=", ".join(reading.empty))
    if cancelled:
        message += " " + _("The best found before Cancel is kept as a draft; undo to drop "
                           "it.")
    message += stopped_text(result, own)
    return (view.push_step(steps, new, label, reasons), message,
            "warning" if cancelled or result.growth_cut else "success",
            [point("design", reading, metric, seconds)])


def stopped_text(result, own_layer: bool = False) -> str:
    """What the time limit cut short, with a leading space ("" when nothing was): the
    first growth (its units given to the nearest territory, unbalanced), or the search
    before every territory was within the tolerance (when no unit alone is too big for
    it: then more time would not help)."""
    if result.growth_cut:
        count = formatting.count(result.growth_cut)
        return " " + (ngettext(
            "Stopped at the time limit while growing the territories: {count} unit was "
            "given to the nearest territory without balancing; give it more time.",
            "Stopped at the time limit while growing the territories: {count} units were "
            "given to the nearest territory without balancing; give it more time.",
            result.growth_cut) if own_layer else ngettext(
            "Stopped at the time limit while growing the territories: {count} county or "
            "part of a county was given to the nearest territory without balancing; give "
            "it more time.",
            "Stopped at the time limit while growing the territories: {count} counties or "
            "parts of counties were given to the nearest territory without balancing; give "
            "it more time.", result.growth_cut)).format(count=count)
    if result.stopped_by == "time" and not result.within_tolerance and not result.oversize:
        return " " + _("Stopped at the time limit: more time may balance it further.")
    return ""


def design_label(reading: design_runs.Reading, measures: list[str], territories: int,
                 tolerance: float, seconds: float, within: bool,
                 own_layer: bool = False) -> str:
    """The step's label: what was designed, balance per measure, compactness, changes
    (``own_layer``: unit moves, not county moves)."""
    balance = ", ".join(_("{measure} {before} → {after}").format(
        measure=design_reasons.measure_name(m),
        before=formatting.number(reading.balance_before[m], 3),
        after=formatting.number(reading.balance_after[m], 3)) for m in measures)
    text = ngettext(
        "designed {territories} territory from scratch: balance {balance}, cut borders "
        "{cut_before} → {cut_after}, mean distance to the centre {km_before} → {km_after} "
        "km, {moves}, {overrides}, disruption {disruption} of T12 bookings ({seconds} s)",
        "designed {territories} territories from scratch: balance {balance}, cut borders "
        "{cut_before} → {cut_after}, mean distance to the centre {km_before} → {km_after} "
        "km, {moves}, {overrides}, disruption {disruption} of T12 bookings ({seconds} s)",
        territories).format(
        territories=formatting.count(territories), balance=balance,
        cut_before=formatting.count(reading.cut_before),
        cut_after=formatting.count(reading.cut_after),
        km_before=formatting.number(reading.distance_before),
        km_after=formatting.number(reading.distance_after),
        moves=UnitWords(own_layer).moves(len(reading.county_moves)),
        overrides=overrides_text(len(reading.overrides)),
        disruption=percent(reading.disruption, 1), seconds=formatting.number(seconds, 1))
    if not within:
        text += "; " + _("not every territory is within ±{tolerance}").format(
            tolerance=percent(tolerance))
    if not reading.contiguous:
        text += "; " + _("some territory is in several pieces")
    return text


def register(app: dash.Dash, service: DataService) -> None:
    secret = app.server.config["SECRET_KEY"]

    @app.callback(
        Output(ids.WI_HISTORY, "data", allow_duplicate=True),
        Output(ids.WI_ALERT, "children", allow_duplicate=True),
        Output(ids.WI_ALERT, "color", allow_duplicate=True),
        Output(ids.WI_ALERT, "is_open", allow_duplicate=True),
        Output(ids.WI_POINTS, "data", allow_duplicate=True),
        Input(ids.WI_DESIGN, "n_clicks"),
        State(ids.WI_RUN, "data"),
        State(ids.WI_HISTORY, "data"),
        State(ids.WI_DESIGN_COUNT, "value"),
        State(ids.WI_DESIGN_MEASURES, "value"),
        State(ids.WI_TOLERANCE, "value"),
        State(ids.WI_TIME_LIMIT, "value"),
        State(ids.WI_SEED, "value"),
        State(ids.WI_SPLIT, "value"),
        State(ids.WI_POINTS, "data"),
        State(ids.URL, "search"),
        State(ids.WI_VIEWER, "data"),
        background=True,
        running=[(Output(ids.WI_DESIGN, "disabled"), True, False),
                 (Output(ids.WI_SUGGEST, "disabled"), True, False),
                 (Output(ids.WI_DESIGN_CANCEL, "disabled"), False, True),
                 (Output(ids.WI_DESIGN_PROGRESS, "style"), {"visibility": "visible"},
                  {"visibility": "hidden"})],
        progress=[Output(ids.WI_DESIGN_PROGRESS, "value"),
                  Output(ids.WI_DESIGN_PROGRESS, "label")],
        progress_default=[0, ""],
        prevent_initial_call=True,
    )
    @guard.level("manager")
    def design_from_scratch(set_progress, clicks, page, steps, territories, measures,
                            tolerance, time_limit, seed, split, points, search,
                            signed_viewer):
        """Fires on Design from scratch; designs the viewer's territories in the
        background and opens the answer as one undoable step of the draft. The job has
        no session: the viewer comes signed from the page (``WI_VIEWER``)."""
        token = run_token(page, clicks, KIND)
        as_of = Selection.from_query(search).as_of

        def run(viewer):
            settings = SearchSettings.read(tolerance, time_limit, seed, split)
            return design(service, steps, territories, measures, as_of, token,
                          lambda value: set_progress(value), viewer, settings)

        return answer_job(secret, signed_viewer, points, "design", run)

    @app.callback(
        Output(ids.WI_DESIGN_CANCEL, "disabled", allow_duplicate=True),
        Input(ids.WI_DESIGN_CANCEL, "n_clicks"),
        State(ids.WI_RUN, "data"),
        State(ids.WI_DESIGN, "n_clicks"),
        prevent_initial_call=True,
    )
    @guard.level("manager")
    def cancel_design(_clicks, page, design_clicks):
        """Fires on the design's Cancel; flags the running design (this page's latest)
        so it stops and hands back its best so far."""
        token = run_token(page, design_clicks, KIND)
        return True if request_cancel(service, token) else no_update

    del design_from_scratch, cancel_design
