"""The map page's territories on mixed units (issue 19): each ZIP area of the aligned
counties in its live territory (its own row's in a county split by ZIP rows, else its
county's), read from the few split counties only, and dissolved into the same outlines as
when every county's ZIP areas were asked of ``whatif.zip_units``."""

from __future__ import annotations

import json
from dataclasses import replace

from dashboard.layers import map_topology
from dashboard.views import map_geometry

LOS_ANGELES, DOWNTOWN_LA, NEXT_DOOR = "06037", "90012", "90013"


def _moved(frames, zip_id: str, territory: str):
    """The frames with one ZIP row's territory changed (a ZIP moved and applied)."""
    rows = frames.zip_alignment.copy()
    rows.loc[zip_id, "territory_id"] = territory
    return replace(frames, zip_alignment=rows)


def test_each_zip_area_is_in_its_own_rows_territory_else_its_countys(mixed_demo_settings):
    from dashboard.runtime.service import DataService

    frames = DataService(mixed_demo_settings).frames()
    county_territory = frames.alignment.at[LOS_ANGELES, "territory_id"]
    other = next(t for t in frames.territories.index if t != county_territory)
    frames = _moved(frames, DOWNTOWN_LA, other)

    fast = map_geometry.all_zip_territories(frames)
    every = map_geometry.zip_territories(frames, map_geometry.county_territories(frames).index)
    assert fast[DOWNTOWN_LA] == other and fast[NEXT_DOOR] == county_territory
    assert fast.to_dict() == every and list(fast.index) == sorted(every)
    # the outlines drawn are those of the ZIP areas asked one by one, to the byte
    drawn = map_geometry.topology_text(frames, map_geometry.TERRITORIES)
    asked = map_topology.build(map_topology.ZIP_CELLS, every, every, units=False,
                               tolerance=map_topology.TOLERANCE[map_topology.COUNTIES])
    assert drawn == json.dumps(asked, separators=(",", ":"))
