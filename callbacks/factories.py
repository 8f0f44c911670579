"""The two callbacks every ranked view has, registered from one definition:
rebuild the view when the selection changes, and open the drill-down from a
click. The map, attainment, pipeline and underperformers pages call these
with their own ids and functions; both answer managers and leaders only."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import dash
from dash import ALL, Input, Output, Patch, State, ctx, no_update

from callbacks import guard
from layouts import ids


def rebuild_on_selection(app: dash.Dash, outputs: Sequence[Output], options: Sequence[Input],
                         build: Callable) -> None:
    """Register the view's rebuild. It fires when the period, region,
    segment or the reading of history (the "restate" switch) changes (a new
    as-of date re-sends the period) or one of the
    view's own ``options`` does, and returns ``build(selection, *option
    values)`` for the selection confined to the viewer. The URL is read, not
    listened to: a view parameter written there (the map's KPI, an open
    drill-down) must not rebuild the view."""

    @app.callback(*outputs, Input(ids.PERIOD, "value"), Input(ids.REGION, "value"),
                  Input(ids.SEGMENT, "value"), Input(ids.RESTATED, "value"), *options,
                  State(ids.URL, "search"), prevent_initial_call=True)
    @guard.level("manager")
    def rebuild(period, region, segment, restated, *rest):
        *option_values, search = rest
        return build(guard.selection(period, region, segment, search, restated), *option_values)


def open_drilldown_on_click(app: dash.Dash, territory_of: Callable, *, charts=(), grids=(),
                            maps=(), buttons: str | None = None,
                            states: Sequence[State] = (), outline: str | None = None) -> None:
    """Register the view's drill-down opener. It fires on a click on a point
    of one of the ``charts``, a cell of the ``grids``, a shape of the
    ``maps`` (GeoJSON layers) or one of the ``buttons`` (the pattern id type
    ``{"type": buttons, "index": territory}``), and writes the territory
    ``territory_of(source id, clicked value, *states)`` names in the
    drill-down store, or nothing when it names none.

    A second click on the same point or shape must reopen the panel, but
    Dash drops a value that did not change: so a map's click count is the
    trigger (its clicked feature is the value), and the charts' clicks are
    cleared. An ``outline`` map outlines the opened territory (a hideout
    patch: no colours or geometry are resent)."""
    outputs = [Output(ids.DRILLDOWN_TERRITORY, "data", allow_duplicate=True),
               *(Output(chart, "clickData") for chart in charts)]
    if outline:
        outputs.append(Output(outline, "hideout", allow_duplicate=True))
    inputs = [*([Input({"type": buttons, "index": ALL}, "n_clicks")] if buttons else []),
              *(Input(chart, "clickData") for chart in charts),
              *(Input(grid, "cellClicked") for grid in grids),
              *(Input(geojson, "n_clicks") for geojson in maps)]

    @app.callback(*outputs, *inputs, *(State(geojson, "clickData") for geojson in maps),
                  *states, prevent_initial_call=True)
    @guard.level("manager")
    def open_drilldown(*values):
        features = dict(zip(maps, values[len(inputs):len(inputs) + len(maps)], strict=True))
        source = ctx.triggered_id
        if isinstance(source, str) and source in features:
            value = features[source]
        else:
            value = ctx.triggered[0]["value"] if ctx.triggered else None
        territory = territory_of(source, value, *values[len(inputs) + len(maps):])
        answer = [territory or no_update, *[None] * len(charts)]
        if outline:
            answer.append(outlined(territory))
        return answer[0] if len(answer) == 1 else tuple(answer)


def outlined(territory: str | None):
    """The hideout patch that outlines ``territory`` on a map, or no_update."""
    if not territory:
        return no_update
    patch = Patch()
    patch["selected"] = territory
    return patch
