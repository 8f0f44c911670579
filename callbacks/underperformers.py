"""Underperforming territories: the flagged list, the same flags on the map and
in a table; thresholds adjustable in the view; a click opens the drill-down."""

from __future__ import annotations

import dash
from dash import Input, Output

from callbacks import geometry, guard
from callbacks.factories import open_drilldown_on_click, rebuild_on_selection
from callbacks.grid_export import register_csv_export
from dashboard.i18n import formatting as fmt
from dashboard.i18n import translation
from dashboard.i18n.translation import _
from dashboard.metrics.balance import territory_workload
from dashboard.metrics.frames import potential_estimated
from dashboard.metrics.underperformance import flag_territories
from dashboard.runtime.scoped import ScopedData
from dashboard.runtime.service import DataService
from dashboard.views import flagged, overview
from dashboard.views.selection import ALL as ALL_CHOICE
from dashboard.views.selection import Selection
from layouts import components, ids
from layouts import overview as overview_layout
from layouts import underperformers as layout

THRESHOLD_INPUTS = (ids.UP_PACE, ids.UP_COVERAGE, ids.UP_GROWTH, ids.UP_POTENTIAL_INDEX,
                    ids.UP_PENETRATION_BOTTOM, ids.UP_POTENTIAL_TOP)
FIELD_NAMES = tuple(f.name for f in flagged.ALL_FIELDS)


def _flags(data: ScopedData, selection: Selection, values: dict, penetration_on):
    """(flags in scope, scope, frames) or None when the selection matches nothing,
    plus the labels of ignored threshold inputs.

    The rules rank every territory of the company (METRICS.md: "bottom
    quartile of all territories"); the region then only narrows the list.
    County areas feed the workload term of the diagnosis, weighted as the
    settings say (``TD_WORKLOAD_WEIGHTS``).
    """
    frames = data.frames()
    thresholds, ignored = flagged.parse_thresholds(values, penetration_on)
    resolved = overview.resolve(frames, selection, data.as_of())
    if resolved is None:
        return None, ignored
    as_of, period, scope = resolved.as_of, resolved.period, resolved.scope
    weights = data.settings.workload_weights
    areas = data.geography().areas
    workload = data.company_derived(("territory-workload",), lambda f: territory_workload(
        f, areas, weights))  # per data version, any thresholds

    def company_flags(full):  # the rules rank the whole company (METRICS.md)
        return flag_territories(full, period, as_of, thresholds, weights=weights,
                                workload=workload, restated=selection.restated)

    # shared by every user of a language (the memo's key holds the configured
    # weights, as it holds every such setting); only the scope's rows are kept
    flags = data.company_memo("flags", (period, as_of, thresholds, translation.language(),
                                        selection.restated), company_flags)
    flags = flags[flags["territory_id"].isin(scope.territory_ids)].reset_index(drop=True)
    return (flags, scope, frames), ignored


def _outputs(data, selection, values, penetration_on) -> tuple:
    """(strip, cards, count, hideout, legend, grid rows, note) for a selection."""
    view, ignored = _flags(data, selection, values, penetration_on)
    segment_note = selection.segment not in (None, "", ALL_CHOICE)
    estimated = int(potential_estimated(data.frames().accounts).sum())
    note = layout.threshold_note(ignored, segment_note, estimated)
    region_filtered = selection.region not in (None, "", ALL_CHOICE)
    legend = layout.map_legend(flagged.legend_entries(region_filtered))
    if view is None:
        empty = {"key": "underperformers", "colors": {}, "tips": {}, "flagged": []}
        return (layout.summary_strip(None), components.no_match(), "", empty, legend, [], note)
    reading = overview.reading_text(selection.restated)
    flags, scope, frames = view
    cards = flagged.flag_cards(flags)  # once: the list, the map and the table read them
    hideout = flagged.map_hideout(frames.territories, scope.territory_ids, flags, cards=cards)
    count = _("{count} of {total}").format(count=fmt.count(len(flags)),
                                             total=fmt.count(len(scope.territory_ids)))
    return (
        components.with_reading(layout.summary_strip(flagged.summary(
            flags, len(scope.territory_ids))), reading, selection.restated),
        layout.flag_list(cards),
        count, hideout, legend, flagged.grid_rows(flags, cards), note,
    )


#: the map's card is ~60% of the page wide: at the map page's zoom (4.2) the
#: 48 states overflowed it and the legend covered New England's flags
UP_MAP_ZOOM = 4.0


def render(data: ScopedData, selection: Selection):
    """The page with its first flags (default thresholds) already in the layout,
    including the map's first hideout (one set while the GeoJSON loads is dropped)."""
    values = flagged.default_inputs()
    strip, cards, count, hideout, legend, rows, note = _outputs(data, selection, values, True)
    map_div = overview_layout.territory_map(
        geometry.territories(data), geometry.state_lines(data), hideout,
        data.settings.tile_url,
        data.settings.tile_attribution, legend,
        map_id=ids.UP_MAP, geojson_id=ids.UP_MAP_TERRITORIES, legend_id=ids.UP_MAP_LEGEND,
        geometry_id=ids.UP_MAP_GEOMETRY, zoom=UP_MAP_ZOOM, fit=geometry.fits_units(data),
    )
    controls = layout.threshold_controls(values, True, note)
    return layout.page(strip, controls, cards, count, map_div, layout.flags_grid(rows))


def clicked_territory(trigger, value) -> str | None:
    """The territory a click names, whichever widget it came from."""
    if isinstance(trigger, dict) and trigger.get("type") == ids.UP_OPEN:
        return trigger.get("index") if value else None
    if trigger == ids.UP_GRID and isinstance(value, dict):
        return value.get("rowId")
    if trigger == ids.UP_MAP_TERRITORIES and isinstance(value, dict):
        return (value.get("properties") or {}).get("territory_id")
    return None


def register(app: dash.Dash, service: DataService) -> None:
    """The flags rebuilt on a control or threshold change, the thresholds'
    reset and greying, the table's exports, and the drill-down clicks."""

    def flags_for(selection, *threshold_values):
        *values, penetration_on = threshold_values
        return _outputs(guard.data(service), selection, dict(zip(FIELD_NAMES, values, strict=True)),
                        penetration_on)

    rebuild_on_selection(
        app, [Output(ids.UP_SUMMARY, "children"), Output(ids.UP_LIST, "children"),
              Output(ids.UP_LIST_COUNT, "children"), Output(ids.UP_MAP_TERRITORIES, "hideout"),
              Output(ids.UP_MAP_LEGEND, "children"), Output(ids.UP_GRID, "rowData"),
              Output(ids.UP_NOTE, "children")],
        [*(Input(i, "value") for i in THRESHOLD_INPUTS), Input(ids.UP_PENETRATION, "value")],
        flags_for)

    @app.callback(
        *(Output(i, "value", allow_duplicate=True) for i in THRESHOLD_INPUTS),
        Output(ids.UP_PENETRATION, "value", allow_duplicate=True),
        Input(ids.UP_RESET, "n_clicks"),
        prevent_initial_call=True,
    )
    @guard.level("manager")
    def reset_thresholds(_clicks):
        """Fires on "Reset to defaults"; puts the METRICS.md defaults back."""
        defaults = flagged.default_inputs()
        return (*(defaults[name] for name in FIELD_NAMES), True)

    @app.callback(
        Output(ids.UP_PENETRATION_BOTTOM, "disabled"),
        Output(ids.UP_POTENTIAL_TOP, "disabled"),
        Input(ids.UP_PENETRATION, "value"),
        prevent_initial_call=True,
    )
    @guard.level("manager")
    def grey_out_penetration_ranks(penetration_on):
        """Fires on the penetration switch; its two ranks are greyed out while
        the rule is off, since they would change nothing."""
        off = not penetration_on
        return off, off

    register_csv_export(app, ids.UP_GRID_EXPORT, ids.UP_GRID)
    geometry.load_in_browser(app, Output(ids.UP_MAP_TERRITORIES, "data"),
                             Input(ids.UP_MAP_GEOMETRY, "data"), "manager")
    open_drilldown_on_click(app, clicked_territory, buttons=ids.UP_OPEN, grids=(ids.UP_GRID,),
                            maps=(ids.UP_MAP_TERRITORIES,))
    del reset_thresholds, grey_out_penetration_ranks
