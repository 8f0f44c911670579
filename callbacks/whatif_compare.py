"""The "Compare two scenarios" card of the what-if page: pick two saved
scenarios (or one against the live alignment), see their fairness and
disruption side by side and a map of the counties they assign differently.

Read-only: nothing here writes a scenario, so it needs no revision check.
The figures are memoised per pair of change sets (and per scope), so flipping
back and forth between two scenarios costs the computation once.

Held to the viewer's scope: the pickers offer only the scenarios the
scenarios panel lists, a scenario the viewer may not open reads as a deleted
one, and the comparison is built from the viewer's cut of the frames, so a
manager's table, shares and diff map are their region's.
"""

from __future__ import annotations

import json

import dash
from dash import Input, Output, html

from callbacks import guard, scenarios_panel
from dashboard.i18n import formatting, translation
from dashboard.i18n.translation import _, ngettext
from dashboard.runtime.scoped import ScopedData
from dashboard.runtime.service import DataService
from dashboard.views import whatif as view
from dashboard.views.selection import Selection, resolve_as_of, resolve_period
from dashboard.whatif import scenarios, side_by_side
from dashboard.whatif.changeset import Changes
from dashboard.whatif.scenarios import ScenarioError, ScenarioNotFoundError
from layouts import components, ids
from layouts.whatif_compare import LIVE, comparison_table

EMPTY = {"type": "FeatureCollection", "features": []}


def options(service: DataService | ScopedData) -> list[dict]:
    """"Live alignment" and every saved scenario the viewer may see, newest
    change first."""
    saved = [{"label": f"{r.name} · {scenarios.status_name(r.status)} · #{r.id}",
              "value": str(r.id)}
             for r in scenarios.list_scenarios(service.engine,
                                               access=scenarios_panel.access(service))]
    return [{"label": _("Live alignment"), "value": LIVE}, *saved]


def side(data: ScopedData, value) -> tuple[str, Changes]:
    """(name, changes) of one picker's value; the live alignment when it is
    "live", unknown, deleted or not the viewer's to see (said in the name, the
    same words for all three). ScenarioError when the viewer's own scenario
    reaches outside their scope."""
    if value in (None, LIVE):
        return _("Live alignment"), Changes.empty()
    try:
        record = scenarios.read_scenario(data.engine, int(value),
                                         scenarios_panel.access(data))
    except (TypeError, ValueError, ScenarioNotFoundError) as exc:
        if isinstance(exc, ScenarioError) and exc.out_of_scope:
            guard.out_of_scope(exc.out_of_scope)
        return _("(deleted: showing live)"), Changes.empty()
    return record.name, record.changes


def comparison(service: DataService | ScopedData, a_value, b_value, period_choice,
               as_of_text):
    """Table, summary and diff-map data for the two picks, from the viewer's
    cut of the frames."""
    data = guard.data(service)
    frames = data.frames()
    as_of = resolve_as_of(as_of_text, data.as_of())
    try:
        period = resolve_period(period_choice, as_of)
    except ValueError:
        return (components.empty_state(_("No such period"), _("Choose another period above.")),
                "", EMPTY)
    try:
        (name_a, a), (name_b, b) = side(data, a_value), side(data, b_value)
    except ScenarioError as exc:
        return (components.empty_state(_("A scenario no longer fits the data"),
                                       scenarios_panel.refused(exc)), "", EMPTY)
    words = data.geography().words
    try:
        view.check_fits(frames, a, words)
        view.check_fits(frames, b, words)
    except ValueError as exc:
        return (components.empty_state(_("A scenario no longer fits the data"), str(exc)), "",
                EMPTY)
    key = (json.dumps([a.to_json(), b.to_json()], sort_keys=True), period, as_of,
           translation.language())
    result = data.memo("whatif_compare", key, lambda f: side_by_side.compare(
        f, a, b, data.geography().areas, period, as_of,
        weights=data.settings.workload_weights, own_layer=words.own_layer))
    table = comparison_table(result.rows, name_a, name_b)
    differ = len(result.differ)
    share = {key: formatting.percent(result.between.get(key), 1)
             for key in ("accounts", "bookings", "pipeline")}
    touched = len(result.touched)
    counties = (ngettext("{count} unit assigned differently;",
                         "{count} units assigned differently;", differ)
                if words.own_layer else
                ngettext("{count} county assigned differently;",
                         "{count} counties assigned differently;", differ)).format(
        count=formatting.count(differ))
    territories = ngettext("{count} territory with different figures.",
                           "{count} territories with different figures.", touched).format(
        count=formatting.count(touched))
    summary = html.Div([
        html.Div(f"{counties} {territories}"),
        html.Div(_("Going from A to B changes the territory of {accounts} of accounts, "
                   "{bookings} of T12 bookings and {pipeline} of open pipeline.").format(
                       **share), className="text-muted"),
    ])
    geography = data.geography()
    shapes = data.derived(("whatif_unit_shapes", geography.map_layer),
                          lambda f: view.build_unit_shapes(f, geography))
    labels = data.derived(("whatif_labels", True, translation.language()),
                          lambda f: view.territory_labels(f, escape=True))
    data = side_by_side.diff_geojson(shapes, result.differ, labels, "A", "B")
    return table, summary, data


def register(app: dash.Dash, service: DataService) -> None:
    @app.callback(
        Output(ids.WI_CMP_A, "options"),
        Output(ids.WI_CMP_B, "options"),
        Input(ids.SC_GRID, "rowData"),
    )
    @guard.level("manager")
    def list_choices(_rows):
        """Fires when the saved-scenario list is (re)loaded; offers live and
        every saved scenario in both pickers."""
        found = options(service)
        return found, found

    @app.callback(
        Output(ids.WI_CMP_TABLE, "children"),
        Output(ids.WI_CMP_SUMMARY, "children"),
        Output(ids.WI_CMP_DIFF, "data"),
        Input(ids.WI_CMP_A, "value"),
        Input(ids.WI_CMP_B, "value"),
        Input(ids.PERIOD, "value"),
        Input(ids.URL, "search"),
    )
    @guard.level("manager")
    def compare(a_value, b_value, period, search):
        """Fires when either pick or the period changes; the side-by-side table,
        a one-line summary and the counties that differ."""
        return comparison(service, a_value, b_value, period, Selection.from_query(search).as_of)

    del list_choices, compare
