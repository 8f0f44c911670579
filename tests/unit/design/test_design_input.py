"""The demo's counties as the engine's input (dashboard.whatif.design_input)."""

from __future__ import annotations

from dashboard.geo.us_atlas import load_counties
from dashboard.whatif.design_input import centres


def test_a_county_across_the_antimeridian_is_centred_in_the_aleutians():
    # The atlas' centroid of Aleutians West (02016) averages its parts at +179 and
    # -179 degrees into -110.7 (Montana), so Alaska's added link went to Montana.
    counties = load_counties()
    lat, lon = centres(counties)
    position = counties.index.get_loc("02016")
    assert lon[position] < -170 or lon[position] > 170
    assert 50 < lat[position] < 56
    shift = counties.index.get_loc("06037")  # Los Angeles keeps the atlas' centre
    assert lon[shift] == counties["lon"].iloc[shift]
