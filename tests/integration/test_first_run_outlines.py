"""The first-run company map's outlines over HTTP (callbacks/first_run.py ``company``): the
map shown after a CRM export is imported and before any territory exists draws the US
states on US data, and on a layer of one's own the layer's areas, the map fitted to them.

On the layer (tests/data/departements.geojson, ``export_only`` of
test_own_layer_mapping.py) the départements' parents are régions R1 (01, 02, 03),
R2 (04, 05, 06) and R3 (2A). The export's accounts with a position lie in 01 (A1 at
46.72 N 2.67 E), 02 (A2, 46.72 N 3.33 E) and 2A (A5, 46.58 N 4.70 E): so two in R1, one
in R3, none in R2.
"""

from __future__ import annotations

import dataclasses

import shapely
from shapely.geometry import Point, shape

from dashboard.runtime import geography
from layouts import ids
from tests.dash_http import post_callback, sign_in
from tests.integration.test_first_run_http import PASSWORD as US_PASSWORD
from tests.integration.test_first_run_http import started  # noqa: F401 (fixture)
from tests.integration.test_own_layer import PASSWORD
from tests.integration.test_own_layer_mapping import export_only  # noqa: F401 (fixture)


def _components(node):
    if isinstance(node, dict):
        if "props" in node:
            yield node
        for value in node.values():
            yield from _components(value)
    elif isinstance(node, list):
        for value in node:
            yield from _components(value)


def first_run_outlines(app, password: str) -> dict:
    """The props of the first-run map's outline layer (the first GeoJSON in the map),
    as the map page's answer gives them to the leader ``boss``."""
    client = sign_in(app.server.test_client(), "boss", password)
    status, body = post_callback(client, app, (ids.PAGE, "children"),
                                 {f"{ids.URL}.pathname": "/", f"{ids.URL}.search": ""})
    assert status == 200, body
    maps = [c for c in _components(body["response"]) if c["props"].get("id") == ids.FIRST_RUN_MAP]
    assert len(maps) == 1, "the first-run company map is on the page"
    layers = [c["props"] for c in _components(maps[0]["props"]["children"])
              if c["type"] == "GeoJSON"]
    return layers[0]


def test_on_a_layer_the_first_run_map_draws_its_regions_not_us_states(export_only):  # noqa: F811
    app, _folder = export_only
    outlines = first_run_outlines(app, PASSWORD)
    features = outlines["data"]["features"]
    assert sorted(f["properties"]["id"] for f in features) == ["R1", "R2", "R3"]
    assert not any("state" in f["properties"] for f in features)
    assert outlines["zoomToBounds"] is True  # the map opens on the layer, not the US
    area = {f["properties"]["id"]: shape(f["geometry"]) for f in features}
    for lon, lat, region in ((2.67, 46.72, "R1"), (3.33, 46.72, "R1"), (4.70, 46.58, "R3")):
        inside = [rid for rid, outline in area.items() if outline.contains(Point(lon, lat))]
        assert inside == [region], (lon, lat)


def test_on_us_data_the_first_run_map_still_draws_the_states(started):  # noqa: F811
    app, _engine = started
    outlines = first_run_outlines(app, US_PASSWORD)
    states = {f["properties"].get("state") for f in outlines["data"]["features"]}
    assert {"Washington", "Colorado", "Texas", "Massachusetts"} <= states  # the accounts'
    assert not any("id" in f["properties"] for f in outlines["data"]["features"])
    assert not outlines.get("zoomToBounds")  # the map opens on the United States


def test_a_layer_without_parents_draws_its_units_and_a_big_one_its_border(export_only,  # noqa: F811
                                                                           monkeypatch):
    """No parent on the units: each unit, named; past MAX_OUTLINES areas: one outer border
    (the seven départements make one polygon, their union)."""
    app, _folder = export_only
    own = app.server.extensions["territory_service"].geography()
    orphans = dataclasses.replace(own, table=own.table.assign(state_fips=None))
    features = geography.outlines(orphans)["features"]
    names = {f["properties"]["id"]: f["properties"]["name"] for f in features}
    assert sorted(names) == ["01", "02", "03", "04", "05", "06", "2A"]
    assert names["2A"] == "Île-Claire"
    monkeypatch.setattr(geography, "MAX_OUTLINES", 6)
    border = geography.outlines(orphans)["features"]
    assert len(border) == 1
    union = shapely.union_all(list(own.table["geometry"]))
    assert shape(border[0]["geometry"]).symmetric_difference(union).area < 0.01 * union.area
