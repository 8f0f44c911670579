"""What-if map, county -> ZIP expansion: the user expands counties (the selected ones
with "Show ZIP areas", or one by double-clicking it) and sees their approximate ZIP areas
over them, coloured by their scenario territory. The shapes come from the geometry route
(``callbacks.geometry``), fetched and drawn by the browser; answers carry colours only.
"""

from __future__ import annotations

import dash
from dash import ClientsideFunction, Input, Output, State, ctx, no_update

from callbacks import geometry, guard
from callbacks import whatif as editor
from callbacks.whatif_drafts import posted_changes
from dashboard.i18n import formatting
from dashboard.i18n.translation import _, ngettext
from dashboard.layers import map_topology
from dashboard.views import map_geometry
from dashboard.views import whatif as view
from dashboard.whatif import changeset
from layouts import ids


def expanded_after(trigger, expanded, selected, double_clicked) -> list[str]:
    """The expanded counties after a click: all folded back, the selected ones added, or
    the double-clicked one toggled; at most ``MAX_COUNTIES``, anything not a FIPS dropped."""
    if trigger == ids.WI_COLLAPSE:
        return []
    shown = [c for c in expanded or [] if isinstance(c, str)]
    if trigger == ids.WI_EXPAND:
        shown += [c for c in selected or [] if isinstance(c, str) and c not in shown]
    elif trigger == ids.WI_COUNTIES:
        fips = view.clicked_fips(double_clicked)
        if fips is not None:
            shown = [c for c in shown if c != fips] if fips in shown else [*shown, fips]
    return [c for c in shown if c.isdigit() and len(c) == 5][:map_geometry.MAX_COUNTIES]


def clicked_zip(feature) -> str | None:
    """The ZIP area id a map click names (five digits, or C + a county's FIPS), else None."""
    if not isinstance(feature, dict):
        return None
    found = (feature.get("properties") or {}).get("zip")
    return found if isinstance(found, str) and 5 <= len(found) <= 6 and found.isalnum() else None


def zip_names(zips: list[str]) -> str:
    """"ZIP area 94103" for one, "3 ZIP areas" for more."""
    if len(zips) == 1:
        return _("ZIP area {name}").format(name=zips[0])
    return ngettext("{count} ZIP area", "{count} ZIP areas", len(zips)).format(
        count=formatting.count(len(zips)))


def register(app: dash.Dash, service) -> None:
    @app.callback(
        Output(ids.WI_EXPANDED, "data"),
        Output(ids.WI_ZIP_GEOMETRY, "data"),
        Output(ids.WI_SELECT, "value", allow_duplicate=True),
        Input(ids.WI_EXPAND, "n_clicks"),
        Input(ids.WI_COLLAPSE, "n_clicks"),
        Input(ids.WI_COUNTIES, "n_dblclicks"),
        State(ids.WI_SELECT, "value"),
        State(ids.WI_COUNTIES, "dblclickData"),
        State(ids.WI_EXPANDED, "data"),
        prevent_initial_call=True,
    )
    @guard.level("manager")
    def expand(_expand, _collapse, _double, selected, double_clicked, expanded):
        """Fires on Show / Hide ZIPs or a double-click on a county; returns the counties
        whose ZIP areas are shown, where the ZIP layer fetches their geometry (the viewer's
        own counties only; in the same answer, so the fetch starts one round trip
        sooner) and (Show ZIPs) an empty county selection: the counties were picked to be
        expanded, and a Move next is meant for the ZIPs clicked."""
        shown = expanded_after(ctx.triggered_id, expanded, selected, double_clicked)
        data = guard.data(service)
        counties = map_geometry.asked_counties(data.frames(), ",".join(shown))
        source = (geometry.source(data, map_topology.ZIP_CELLS, "zip", counties)
                  if counties else None)
        return shown, source, [] if ctx.triggered_id == ids.WI_EXPAND else no_update

    @app.callback(
        Output(ids.WI_ZIPS, "hideout"),
        Input(ids.WI_EXPANDED, "data"),
        Input(ids.WI_HISTORY, "data"),
        State(ids.WI_ZIP_SELECTED, "data"),
        prevent_initial_call=True,
    )
    @guard.level("manager")
    def zip_colours(expanded, steps, selected):
        """Fires when the expanded counties or the scenario change; colours the ZIP
        areas by their scenario territory (a small hideout: no geometry)."""
        data = guard.data(service)
        frames = data.frames()
        counties = map_geometry.asked_counties(frames, ",".join(expanded or []))
        try:
            changes = posted_changes(data, steps)
        except ValueError:
            changes = changeset.Changes.empty()
        names = editor.hideout(data, changes)["names"]  # the viewer's territories only
        return map_geometry.zip_hideout(frames, counties, changes, editor.territory_colors(data),
                                        names, selected or [])

    @app.callback(
        Output(ids.WI_ZIP_SELECTED, "data"),
        Input(ids.WI_ZIPS, "n_clicks"),
        Input(ids.WI_COLLAPSE, "n_clicks"),
        State(ids.WI_ZIPS, "clickData"),
        State(ids.WI_ZIP_SELECTED, "data"),
        prevent_initial_call=True,
    )
    @guard.level("manager")
    def click_zip(_clicks, _collapse, feature, selected):
        """Fires on a click on a ZIP area (adds it to the ZIP selection, or drops it) or
        on Hide ZIPs (nothing hidden stays selected)."""
        if ctx.triggered_id == ids.WI_COLLAPSE:
            return []
        found = clicked_zip(feature)
        return no_update if found is None else view.toggle(selected, found)

    # the clicked ZIP areas outlined in the browser, in place (as the counties)
    geometry.in_browser(app, ClientsideFunction("territorySelection", "zips"),
                        Output(ids.WI_ZIPS, "hideout", allow_duplicate=True),
                        Input(ids.WI_ZIP_SELECTED, "data"), "manager",
                        prevent_initial_call=True)
    geometry.load_in_browser(app, Output(ids.WI_ZIPS, "data"),
                             Input(ids.WI_ZIP_GEOMETRY, "data"), "manager",
                             prevent_initial_call=True)
    del expand, zip_colours, click_zip
