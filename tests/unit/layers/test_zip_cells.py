"""The built-in approximate ZIP areas: Voronoi cells of ZIP centres clipped to counties,
read from the shipped file. They must nest exactly in their county, never overlap, hold
their own centre, and be neighbours across county borders where the counties are."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
import zipcodes

from dashboard.geo import us_atlas
from dashboard.layers import us_layers

#: Los Angeles (287 cells), Manhattan (dense), Cook IL, Fairfax VA (holding the
#: independent city of Fairfax as a hole), Loudoun VA
COUNTIES = ["06037", "36061", "17031", "51059", "51107"]
#: one step of the shipped file's grid (the counties' grid refined 8 times), in degrees
GRID_DEG = 0.00045
GRID_CELL_DEG2 = GRID_DEG * 0.000107


@pytest.fixture(scope="module")
def layer():
    return us_layers.zip_cell_layer()


def _cells(layer, county):
    return layer.units[layer.units["parent_id"] == county]


@pytest.mark.parametrize("county", COUNTIES)
def test_cells_tile_their_county_without_overlap(layer, county):
    cells = _cells(layer, county)
    shape = us_atlas.load_counties().at[county, "geometry"]
    assert len(cells) > 1
    geoms = cells["geometry"].to_numpy()
    # nested: the areas add up to the county's and nothing sticks out of it
    assert cells["area_km2"].sum() == pytest.approx(
        us_atlas.load_counties().at[county, "area_km2"], rel=1e-3)
    # the file's grid is ~40 m x 12 m: a Voronoi edge meeting the county border is
    # snapped to it, so a cell may stand out of its county by that much, never more
    assert shapely.covers(shape.buffer(GRID_DEG), geoms).all()
    # no overlaps: the cells' areas add up to their union's, but for grid rounding where
    # three cells meet within a few metres (ZIPs sharing a centre): under a grid cell each
    union = shapely.union_all(geoms)
    assert shapely.area(geoms).sum() - union.area < len(geoms) * GRID_CELL_DEG2
    assert union.buffer(GRID_DEG).covers(shape)  # and no part of the county left out


@pytest.mark.parametrize("county", COUNTIES)
def test_every_zip_centre_lies_in_its_own_cell(layer, county):
    cells = _cells(layer, county)
    table = {r["zip_code"]: r for r in zipcodes.list_all()}
    first_at: dict[tuple[str, str], str] = {}  # ZIPs sharing a centre: the first holds it
    for code in sorted(cells.index):
        first_at.setdefault((table[code]["long"], table[code]["lat"]), code)
    holder = [first_at[(table[z]["long"], table[z]["lat"])] for z in cells.index]
    centres = shapely.points([float(table[z]["long"]) for z in cells.index],
                             [float(table[z]["lat"]) for z in cells.index])
    inside = shapely.covers(cells["geometry"].reindex(holder).to_numpy(), centres)
    # a centre the 1:10m coastline leaves offshore (60601, on Chicago's lakefront) cannot
    # be in its county: its cell is then the one nearest to it
    shape = us_atlas.load_counties().at[county, "geometry"]
    offshore = ~shapely.covers(shape, centres)
    nearest = [cells.index[np.argmin(shapely.distance(cells["geometry"].to_numpy(), c))]
               for c in centres[offshore]]
    assert nearest == list(np.asarray(holder)[offshore])
    assert (inside | offshore).all(), list(cells.index[~(inside | offshore)])
    assert len(set(holder)) < len(holder) or county != "06037"  # LA has shared centres


def test_a_county_without_a_zip_centre_is_one_cell_of_its_own(layer):
    county_only = [uid for uid in layer.ids if uid.startswith(us_layers.COUNTY_ONLY_PREFIX)]
    assert county_only  # some Alaskan boroughs hold no ZIP centre
    uid = county_only[0]
    fips = uid.removeprefix(us_layers.COUNTY_ONLY_PREFIX)
    assert layer.units.at[uid, "parent_id"] == fips
    assert layer.children_of(fips) == [uid]
    shape = us_atlas.load_counties().at[fips, "geometry"]
    assert layer.units.at[uid, "geometry"].symmetric_difference(shape).area < 1e-6 * shape.area


def test_the_cells_cover_every_county_of_the_map(layer):
    counties = us_atlas.load_counties()
    drawn = counties.index[~counties["geometry"].map(lambda g: g.is_empty)]
    assert set(layer.units["parent_id"]) == set(drawn)


def test_neighbours_share_a_border_edge_also_across_county_lines(layer):
    units = layer.units
    # Cook and DuPage (IL) border each other: some of their cells must be neighbours
    cook, dupage = set(_cells(layer, "17031").index), set(_cells(layer, "17043").index)
    assert any(layer.adjacency[c] & dupage for c in cook)
    for uid in list(cook)[:20]:  # and every neighbour shares a line, not a point
        for other in layer.adjacency[uid]:
            shared = units.at[uid, "geometry"].boundary.intersection(
                units.at[other, "geometry"].boundary)
            assert shared.length > 0, (uid, other)
        assert layer.adjacency[uid], uid
    assert all(uid in layer.adjacency[other] for uid in cook for other in layer.adjacency[uid])


def test_the_layer_says_it_is_approximate_and_nests_in_counties(layer):
    assert layer.label == "approximate ZIP areas"
    assert layer.parent_layer == us_layers.COUNTIES
    assert np.isfinite(layer.units["area_km2"]).all()


def test_a_zip_without_a_cell_goes_to_the_cell_holding_its_centre(layer):
    # 60690 is a Chicago PO-box ZIP; 99999 is no ZIP at all
    found = us_layers.zip_cell_of(["60601", "60690", "99999"])
    assert found["60601"] == "60601"
    assert "99999" not in found
    row = next(r for r in zipcodes.list_all() if r["zip_code"] == "60690")
    centre = shapely.Point(float(row["long"]), float(row["lat"]))
    assert layer.units.at[found["60690"], "geometry"].covers(centre)


def test_every_active_standard_zip_finds_a_cell():
    # two centres lie offshore on the 1:10m coastline and get no cell of their own
    # (Treasure Island 94130, 16565 on Lake Erie): the nearest cell takes them. The table
    # gives 77352 no centre (0, 0): it stays unknown
    codes = [r["zip_code"] for r in zipcodes.list_all()
             if r["zip_code_type"] == "STANDARD" and r["active"]
             and (float(r["lat"]), float(r["long"])) != (0, 0)]
    found = us_layers.zip_cell_of(codes)
    assert sorted(set(codes) - set(found)) == []
    assert found["94130"] in us_layers.zip_cell_layer().children_of("06075")  # San Francisco


def test_the_cells_add_up_to_the_country(layer):
    counties = us_atlas.load_counties()
    assert layer.units["area_km2"].sum() == pytest.approx(counties["area_km2"].sum(), rel=1e-4)
