"""Rep scorecard page ("My scorecard").

A rep always gets their own card, whatever rep id the request names; a
manager or leader picks any rep in their scope, and a request naming one
outside it gets nothing (logged)."""

from __future__ import annotations

import dash
from dash import Input, Output, State

from callbacks import guard
from callbacks.grid_export import register_csv_export
from dashboard.access import rules
from dashboard.i18n.translation import _
from dashboard.runtime.service import DataService
from dashboard.views import drilldown, rankings
from dashboard.views import scorecard as model
from dashboard.views.overview import reading_text
from dashboard.views.selection import Selection, resolve_as_of, resolve_period
from layouts import drilldown_figures as figures
from layouts import ids
from layouts import scorecard as layout
from layouts.components import empty_state, reading_note
from layouts.drilldown import with_stage_labels


def rep_to_show(service: DataService, requested) -> str | None:
    """The rep whose card this request may see: a rep's own, or the requested
    one when it is in the viewer's scope."""
    viewer = guard.require_viewer()
    if viewer.role == rules.REP:
        return viewer.scope or None
    if isinstance(requested, str) and requested in guard.rep_ids(service, viewer):
        return requested
    if requested is not None:
        what = f"scorecard of rep {str(requested)[:64]!r}"  # i18n: not shown (a log line)
        guard.out_of_scope(what, viewer)
    return None


def content(service: DataService, selection: Selection, rep_id: str | None):
    if rep_id is None:
        return empty_state(_("No scorecard to show"), _("Pick a rep in your scope above."))
    as_of = resolve_as_of(selection.as_of, service.as_of())
    try:
        period = resolve_period(selection.period, as_of)
    except ValueError:
        return empty_state(_("Unknown period"), _("Choose a period in the bar above."))
    restated = selection.restated
    card = service.memo("scorecard", (rep_id, period.start_day, period.end_day,
                                      as_of.isoformat(), restated),
                        lambda frames: model.build(frames, rep_id, period, as_of, restated))
    if card is None:
        return empty_state(_("No such rep"), _("This rep is not in the data."))

    def records(table, fields):
        return rankings.grid_records(table, list(fields))

    body = layout.body(
        card, period.label, figures.quarterly_figure(card.trend),
        records(card.top_accounts, layout.TOP_FIELDS),
        with_stage_labels(records(card.overdue_deals, layout.OVERDUE_FIELDS)),
        records(drilldown.grid_view(card.lapsed_customers), layout.LAPSED_FIELDS),
        rep_id,
    )
    # under the header: which reading of history the card shows
    return [body[0], reading_note(reading_text(restated), restated), *body[1:]]


def render(service: DataService, selection: Selection):
    """The page for the signed-in viewer: their own card, or the first rep in
    their scope with a picker of the others."""
    viewer = guard.require_viewer()
    frames = service.frames()
    if viewer.role == rules.REP:
        mine = rep_to_show(service, None)
        options = [{"label": str(frames.reps.at[mine, "rep_name"]), "value": mine}] \
            if mine in frames.reps.index else []
        return layout.page(options, mine, content(service, selection, mine), show_picker=False)
    allowed = guard.rep_ids(service, viewer)
    reps = frames.reps.loc[frames.reps.index.isin(allowed)].sort_values("rep_name")
    options = [{"label": f"{r.rep_name} ({r.Index})", "value": r.Index}
               for r in reps.itertuples()]
    chosen = options[0]["value"] if options else None
    return layout.page(options, chosen, content(service, selection, chosen), show_picker=True)


def register(app: dash.Dash, service: DataService) -> None:
    @app.callback(
        Output(ids.SCORECARD_CONTENT, "children"),
        Input(ids.SCORECARD_REP, "value"),
        Input(ids.PERIOD, "value"),
        Input(ids.RESTATED, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    @guard.level("any")
    def update_scorecard(rep_id, period, restated, search):
        """Fires when the rep picker, the period or the "restate" switch
        changes; returns the card of the rep this viewer may see (a rep:
        always their own)."""
        selection = Selection.from_controls(period, None, None, search, restated)
        return content(service, selection, rep_to_show(service, rep_id))

    for button, grid_id in ((ids.SCORECARD_TOP_EXPORT, ids.SCORECARD_TOP),
                            (ids.SCORECARD_OVERDUE_EXPORT, ids.SCORECARD_OVERDUE),
                            (ids.SCORECARD_LAPSED_EXPORT, ids.SCORECARD_LAPSED)):
        register_csv_export(app, button, grid_id)
    del update_scorecard
