"""Accounts placed into units by point, postal code or unit id, none dropped; and a county
alignment carried down to the ZIP areas unchanged."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dashboard.layers import us_layers
from dashboard.layers.boundary_checks import build_boundary_layer
from dashboard.layers.boundary_files import read_boundary_file
from dashboard.layers.placement import (
    carry_alignment,
    place_by_point,
    place_by_postal_code,
    place_by_unit_id,
    place_rows,
)

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def departements():
    source = read_boundary_file("departements.geojson",
                                (DATA / "departements.geojson").read_bytes())
    return build_boundary_layer(source, "code", "nom", "region").layer


def _centre(layer, uid):
    point = layer.units.at[uid, "geometry"].representative_point()
    return point.y, point.x


def test_points_go_to_the_unit_holding_them_and_the_rest_are_listed(departements):
    (lat1, lon1), (lat2, lon2) = _centre(departements, "01"), _centre(departements, "2A")
    placed = place_by_point(departements, [lat1, lat2, 43.0, float("nan")],
                            [lon1, lon2, -30.0, 2.0], file="accounts.csv")
    assert placed.unit_ids.tolist() == ["01", "2A", None, None]
    assert placed.unit_ids.index.tolist() == [2, 3, 4, 5]  # spreadsheet rows
    assert [str(p) for p in placed.unplaced] == [
        "accounts.csv row 4, column lat: 43.0, -30.0 lies outside every unit of "
        "departements.geojson",
        "accounts.csv row 5, column lat: no usable latitude and longitude"]


def test_a_point_on_a_shared_border_goes_to_one_unit_always_the_same(departements):
    border = (departements.units.at["01", "geometry"]
              .intersection(departements.units.at["02", "geometry"]).interpolate(0.5,
                                                                              normalized=True))
    placed = place_by_point(departements, [border.y] * 2, [border.x] * 2, file="a.csv")
    assert placed.unit_ids.tolist() == ["01", "01"] and not placed.unplaced


def test_unit_ids_must_be_units_of_the_layer(departements):
    placed = place_by_unit_id(departements, ["2A", " 05 ", "99", None], file="accounts.csv",
                              rows=[10, 11, 12, 13])
    assert placed.unit_ids.tolist() == ["2A", "05", None, None]
    assert [str(p) for p in placed.unplaced] == [
        "accounts.csv row 12, column unit_id: 99 is no unit of departements.geojson",
        "accounts.csv row 13, column unit_id: no unit id"]


def test_postal_codes_find_their_zip_area():
    layer = us_layers.zip_cell_layer()
    placed = place_by_postal_code(layer, ["60601", "60601-1234", "2134", "60690", "99999", ""],
                                  file="accounts.csv")
    found = placed.unit_ids.tolist()
    assert found[:3] == ["60601", "60601", "02134"]  # ZIP+4 and a lost leading zero
    assert found[3] in layer.ids and found[3] != "60690"  # a PO box: the cell holding it
    assert found[4:] == [None, None]
    assert [str(p) for p in placed.unplaced] == [
        "accounts.csv row 6, column postal_code: postal code 99999 is no unit of approximate "
        "ZIP areas",
        "accounts.csv row 7, column postal_code: no postal code"]


def test_a_county_alignment_carried_to_zip_areas_keeps_every_account_in_its_territory():
    counties = us_layers.county_layer()
    zips = us_layers.zip_cell_layer()
    by_state = {fips: "T" + parent for fips, parent in counties.units["parent_id"].items()}
    aligned, orphans = carry_alignment(by_state, zips)
    assert orphans == [] and len(aligned) == len(zips)
    # each ZIP in its county's territory: the county alignment read back from the ZIPs
    assert all(aligned[uid] == by_state[zips.units.at[uid, "parent_id"]] for uid in zips.ids)
    # a county missing from the alignment leaves its cells listed, not guessed
    partial = {"17031": "T-Chicago", "17043": "T-Suburbs"}
    aligned, orphans = carry_alignment(partial, zips)
    assert set(aligned.values()) == {"T-Chicago", "T-Suburbs"}
    assert set(aligned) == set(zips.children_of("17031")) | set(zips.children_of("17043"))
    assert len(orphans) == len(zips) - len(aligned) and "10001" in orphans


def test_rows_are_placed_by_the_first_place_field_they_fill(departements):
    """A unit id wins over a point (row 0: the point lies in 01, the id says 03); a point
    over a postal code (row 1); a postal code equal to a unit id, spaces and case
    ignored (row 2: ' 2a'); the rows placed nowhere say which field failed and why."""
    lat, lon = _centre(departements, "01")
    rows = pd.DataFrame({
        "county_fips": ["03", "", "", "99", "", ""],
        "lat": [str(lat), str(lat), "", "", "43,0", ""],
        "lon": [str(lon), str(lon), "", "", "-30", ""],
        "postal_code": ["", "05", " 2a", "", "", ""]})
    units, failed = place_rows(departements, rows)
    assert units == ["03", "01", "2A", None, None, None]
    label = "departements.geojson"
    assert failed == {
        3: ("county_fips", f"99 is no unit of {label}"),
        4: ("lat", f"43.0, -30.0 lies outside every unit of {label}"),
        5: ("county_fips", f"cannot place this account in a unit of {label}: no unit id, "
                           "latitude and longitude, or postal code")}
