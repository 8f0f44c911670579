"""US geography from the bundled us-atlas TopoJSON (dashboard/us_atlas.py)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon

from dashboard.geo import us_atlas

LOS_ANGELES = "06037"
LA_NEIGHBOURS = {"06111", "06029", "06071", "06059"}  # Ventura, Kern, San Bernardino, Orange


@pytest.fixture(scope="module")
def counties() -> pd.DataFrame:
    return us_atlas.load_counties()


@pytest.fixture(scope="module")
def adjacency() -> dict[str, set[str]]:
    return us_atlas.county_adjacency()


# --- decoding, on a topology small enough to work out by hand ------------------

def _write_topology(tmp_path, objects, arcs, transform=None):
    topology = {"type": "Topology", "objects": objects, "arcs": arcs}
    if transform:
        topology["transform"] = transform
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(topology))
    return path


def test_decode_undoes_quantisation_and_delta_encoding(tmp_path):
    # One arc around the unit square, delta-encoded on a grid of 0.5 units
    # shifted by (10, 20): absolute grid points (0,0) (2,0) (2,2) (0,2) (0,0).
    arcs = [[[0, 0], [2, 0], [0, 2], [-2, 0], [0, -2]]]
    transform = {"scale": [0.5, 0.5], "translate": [10, 20]}
    objects = {"shapes": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[0]], "id": "A", "properties": {"name": "square"}},
    ]}}
    [(ident, props, geom)] = us_atlas.decode_topojson(
        _write_topology(tmp_path, objects, arcs, transform), "shapes"
    )
    assert ident == "A" and props == {"name": "square"}
    assert list(geom.exterior.coords) == [(10, 20), (11, 20), (11, 21), (10, 21), (10, 20)]


def test_decode_joins_arcs_and_reverses_negative_indices(tmp_path):
    # Two unit squares sharing the arc x=1 (arc 0, drawn upwards). The left
    # square walks it downwards as ~0; the right one upwards as 0.
    arcs = [
        [[1, 0], [1, 1]],                  # 0: shared edge
        [[1, 1], [0, 1], [0, 0], [1, 0]],  # 1: rest of the left square
        [[1, 0], [2, 0], [2, 1], [1, 1]],  # 2: rest of the right square
    ]
    objects = {"shapes": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[~0, 2]], "id": "right-reversed-first"},
        {"type": "Polygon", "arcs": [[0, 1]], "id": "left"},
    ]}}
    decoded = us_atlas.decode_topojson(_write_topology(tmp_path, objects, arcs), "shapes")
    right, left = (g for _, _, g in decoded)
    assert left.equals(Polygon([(0, 0), (1, 0), (1, 1), (0, 1)]))
    # ~0 then arc 2 traces (1,1)->(1,0)->(2,0)->(2,1)->(1,1): the right square.
    assert right.equals(Polygon([(1, 0), (2, 0), (2, 1), (1, 1)]))


def test_decode_keeps_holes_and_multipolygons(tmp_path):
    arcs = [
        [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]],  # shell
        [[1, 1], [1, 2], [2, 2], [2, 1], [1, 1]],  # hole
        [[10, 10], [11, 10], [11, 11], [10, 10]],  # an island
    ]
    objects = {"shapes": {"type": "GeometryCollection", "geometries": [
        {"type": "MultiPolygon", "arcs": [[[0], [1]], [[2]]], "id": "M"},
    ]}}
    topology = _write_topology(tmp_path, objects, arcs)
    [(_, props, geom)] = us_atlas.decode_topojson(topology, "shapes")
    assert props == {}
    assert isinstance(geom, MultiPolygon) and len(geom.geoms) == 2
    assert geom.area == pytest.approx(16 - 1 + 0.5)
    assert len(geom.geoms[0].interiors) == 1


# --- counties ---------------------------------------------------------------------

def test_counties_are_indexed_by_five_digit_fips(counties):
    assert len(counties) == 3231
    assert counties.index.is_unique
    assert counties.index.map(len).unique().tolist() == [5]
    assert counties.index.dtype == object
    assert list(counties.columns) == [
        "name", "state_fips", "state_abbr", "region", "area_km2", "lat", "lon", "geometry",
    ]
    assert (counties["state_fips"] == counties.index.str[:2]).all()
    assert counties["state_abbr"].notna().all()


def test_los_angeles_county_facts(counties):
    la = counties.loc[LOS_ANGELES]
    assert la["name"] == "Los Angeles" and la["state_abbr"] == "CA" and la["region"] == "West"
    assert 9_000 < la["area_km2"] < 13_000
    assert 33.5 < la["lat"] < 35.0 and -119.0 < la["lon"] < -117.5


def test_census_regions(counties):
    region = counties.groupby("state_abbr")["region"].first()
    assert region["DC"] == "South" and region["ME"] == "Northeast"
    assert region["IA"] == "Midwest" and region["HI"] == "West"
    assert region[["PR", "GU", "VI", "AS", "MP"]].isna().all()
    in_regions = counties[counties["region"].notna()]
    assert in_regions["state_abbr"].nunique() == 51  # 50 states and DC


def test_every_county_geometry_is_valid_polygonal(counties):
    geometry = counties["geometry"]
    assert geometry.map(lambda g: g.is_valid).all()
    assert geometry.map(lambda g: g.geom_type in ("Polygon", "MultiPolygon")).all()
    # Falls Church, VA is too small to survive the 1:10m quantisation: no area,
    # but it still has a place on the map.
    assert counties.loc["51610", "area_km2"] == 0.0
    assert counties.loc["51610", ["lat", "lon"]].notna().all()


def test_total_area_is_that_of_the_united_states(counties):
    assert 9.0e6 < counties["area_km2"].sum() < 9.9e6


def test_counties_are_decoded_once():
    us_atlas.load_counties.cache_clear()
    first = us_atlas.load_counties()
    assert us_atlas.load_counties() is first


# --- adjacency --------------------------------------------------------------------

def test_los_angeles_neighbours(adjacency):
    assert adjacency[LOS_ANGELES] == LA_NEIGHBOURS


def test_adjacency_is_symmetric_and_covers_every_county(adjacency, counties):
    assert set(adjacency) == set(counties.index)
    for county, neighbours in adjacency.items():
        assert county not in neighbours
        for other in neighbours:
            assert county in adjacency[other]


def test_islands_have_no_neighbours(adjacency):
    assert adjacency["25019"] == set()  # Nantucket
    assert adjacency["15003"] == set()  # Honolulu


# --- states -----------------------------------------------------------------------

def test_states():
    states = us_atlas.load_states()
    assert len(states) == 56
    assert states.loc["06", "name"] == "California"
    assert states["geometry"].map(lambda g: g.is_valid and not g.is_empty).all()


# --- point in polygon ---------------------------------------------------------------

def test_county_of_points():
    lats = [34.05, 40.78, 41.88, 0.0]
    lons = [-118.24, -73.97, -87.63, 0.0]
    result = us_atlas.county_of_points(lats, lons)
    assert result.dtype == object
    assert result.tolist() == [LOS_ANGELES, "36061", "17031", None]


def test_county_of_points_with_no_points():
    assert us_atlas.county_of_points([], []).tolist() == []


# --- dissolve, GeoJSON, contiguity ---------------------------------------------------

def test_dissolve_unions_counties_per_territory(counties):
    outlines = us_atlas.dissolve({"socal": [LOS_ANGELES, "06059"], "empty": [], "ghost": ["99999"]})
    assert set(outlines) == {"socal"}
    socal = outlines["socal"]
    parts = counties.loc[[LOS_ANGELES, "06059"], "geometry"]
    assert socal.area == pytest.approx(sum(g.area for g in parts), rel=0.02)
    # The shared border is gone: one piece on the mainland, plus islands.
    mainland = max(getattr(socal, "geoms", [socal]), key=lambda g: g.area)
    assert mainland.contains(shapely.points(-118.0, 33.85))  # on the LA / Orange line


def test_geojson_feature_rounds_coordinates():
    square = Polygon([(0.123456, 0.654321), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)],
                     [[(0.2, 0.2), (0.2, 0.4), (0.4, 0.4), (0.4, 0.2)]])
    feature = us_atlas.to_geojson_feature(square, {"id": "T01"}, precision=3)
    assert feature["type"] == "Feature" and feature["properties"] == {"id": "T01"}
    assert feature["geometry"]["type"] == "Polygon"
    shell, hole = feature["geometry"]["coordinates"]
    assert shell[0] == [0.123, 0.654]
    assert len(hole) == 5
    json.dumps(feature)


def test_geojson_feature_drops_rings_that_rounding_collapses():
    tiny = Polygon([(5.0, 5.0), (5.0001, 5.0), (5.0001, 5.0001), (5.0, 5.0001)])
    both = MultiPolygon([Polygon([(0, 0), (1, 0), (1, 1), (0, 1)]), tiny])
    feature = us_atlas.to_geojson_feature(both, precision=2)
    assert feature["geometry"]["type"] == "Polygon"
    assert us_atlas.to_geojson_feature(tiny, precision=2)["geometry"] is None


def test_geojson_of_a_county_is_small(counties):
    feature = us_atlas.to_geojson_feature(counties.loc[LOS_ANGELES, "geometry"], precision=3)
    coordinates = np.array(feature["geometry"]["coordinates"][0][0])
    assert np.allclose(coordinates, np.round(coordinates, 3))


@pytest.mark.parametrize(
    ("fips", "expected"),
    [
        ([], True),
        ([LOS_ANGELES], True),
        ([LOS_ANGELES, "06059", "06111"], True),   # Orange - LA - Ventura
        (["06059", "06111"], False),               # Orange and Ventura do not touch
        (["15001", "15003"], False),               # Hawaii's islands
    ],
)
def test_is_contiguous(fips, expected, adjacency):
    assert us_atlas.is_contiguous(fips, adjacency) is expected
