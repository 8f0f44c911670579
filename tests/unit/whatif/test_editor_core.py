"""The what-if editor's core helpers: the account picker, the contiguity
warning, proposed outlines and the comparison of two scenarios, on six
accounts in three territories worked by hand (``test_changeset.make_frames``)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
import shapely

from dashboard.geo import us_atlas
from dashboard.metrics.periods import Period
from dashboard.whatif.account_lists import account_rows, split_territories
from dashboard.whatif.boundaries import EMPTY, moves_key, proposed_outlines, reshaped
from dashboard.whatif.changeset import Changes
from dashboard.whatif.side_by_side import compare, diff_geojson, differing_counties
from tests.unit.whatif.test_changeset import make_frames

AS_OF = date(2026, 2, 14)
PERIOD = Period.parse("2026Q1")
AREAS = pd.Series({"00001": 300.0, "00002": 100.0, "00003": 2_500.0, "00004": 900.0})


@pytest.fixture(scope="module")
def frames():
    return make_frames()


# -- account picker -------------------------------------------------------------
def test_account_rows_search_by_name_or_id_largest_potential_first(frames):
    everything = account_rows(frames, Changes())
    assert [r["id"] for r in everything] == ["A6", "A5", "A4", "A3", "A2", "A1"]
    assert [r["id"] for r in account_rows(frames, Changes(), "name a3")] == ["A3"]
    assert [r["id"] for r in account_rows(frames, Changes(), "A2 ")] == ["A2"]
    assert account_rows(frames, Changes(), "nobody") == []
    assert [r["id"] for r in account_rows(frames, Changes(), limit=2)] == ["A6", "A5"]


def test_account_rows_narrow_to_the_selected_counties(frames):
    assert [r["id"] for r in account_rows(frames, Changes(), "", ["00002"])] == ["A3", "A2"]
    assert [r["id"] for r in account_rows(frames, Changes(), "a2", ["00002"])] == ["A2"]


def test_account_rows_show_the_scenario_territory_override_and_lock(frames):
    changes = (Changes().move_counties(frames, ["00002"], "T3")
               .override_accounts(frames, ["A1"], "T2").lock(accounts=["A5"]))
    rows = {r["id"]: r for r in account_rows(frames, changes)}
    assert rows["A2"]["territory"] == "T3" and rows["A2"]["override"] == ""
    assert rows["A1"]["territory"] == "T2" and rows["A1"]["override"] == "yes"
    assert rows["A4"]["territory"] == "T1" and rows["A4"]["override"] == "yes"  # base override
    assert rows["A5"]["locked"] == "locked" and rows["A6"]["locked"] == ""
    assert rows["A6"]["potential"] == 60_000


# -- contiguity warning ----------------------------------------------------------
# a path 1 - 2 - 3 - 4 - 5: T1 = 1, 2, 3; T2 = 4, 5
CHAIN = {"1": {"2"}, "2": {"1", "3"}, "3": {"2", "4"}, "4": {"3", "5"}, "5": {"4"}}
BASE = pd.Series({"1": "T1", "2": "T1", "3": "T1", "4": "T2", "5": "T2"})


def test_a_move_that_cuts_a_territory_in_two_is_named():
    after = Changes(county_moves={"2": "T2"})
    assert split_territories(BASE, Changes(), after, CHAIN) == ["T1", "T2"]


def test_an_edge_move_splits_nothing():
    assert split_territories(BASE, Changes(), Changes(county_moves={"3": "T2"}), CHAIN) == []


def test_a_territory_already_in_pieces_does_not_warn_again():
    before = Changes(county_moves={"2": "T2"})
    after = Changes(county_moves={"2": "T2", "1": "T1"})  # nothing new changes
    assert split_territories(BASE, before, after, CHAIN) == []
    undo = split_territories(BASE, before, Changes(), CHAIN)  # undoing mends, never warns
    assert undo == []


# -- proposed outlines -------------------------------------------------------------
SOCAL = pd.Series({"06071": "T1", "06065": "T2", "06059": "T2"})


def test_outlines_cover_the_reshaped_territories_only():
    assert proposed_outlines(SOCAL, {}) is EMPTY
    moves = {"06059": "T1"}  # Orange joins San Bernardino's territory
    assert reshaped(SOCAL, moves) == ["T1", "T2"]
    outlines = proposed_outlines(SOCAL, moves, {"T1": "T1 · One"})
    features = {f["properties"]["territory_id"]: f for f in outlines["features"]}
    assert set(features) == {"T1", "T2"}
    assert features["T1"]["properties"]["tooltip"] == "Proposed boundary of T1 · One"
    counties = us_atlas.load_counties()["geometry"]
    expected = shapely.union_all(counties.loc[["06071", "06059"]].to_numpy())
    drawn = shapely.geometry.shape(features["T1"]["geometry"])
    assert drawn.area == pytest.approx(expected.area, rel=0.02)


def test_outline_cache_key_ignores_order():
    assert moves_key({"a": "T1", "b": "T2"}) == moves_key({"b": "T2", "a": "T1"})
    assert moves_key({"a": "T1"}) != moves_key({"a": "T2"})


# -- comparing two scenarios -----------------------------------------------------
def test_differing_counties_name_both_owners():
    base = pd.Series({"1": "T1", "2": "T1", "3": "T2"})
    a = Changes(county_moves={"1": "T2", "2": "T2"})
    b = Changes(county_moves={"2": "T2", "3": "T1"})
    assert differing_counties(base, a, b) == {"1": ("T2", "T1"), "3": ("T2", "T1")}
    assert differing_counties(base, a, a) == {}


def test_compare_a_move_against_live(frames):
    a = Changes().move_counties(frames, ["00002"], "T2")  # A2 and A3 (100k T12) go to T2
    result = compare(frames, a, Changes(), AREAS, PERIOD, AS_OF)
    rows = {label: (live, ra, rb) for label, live, ra, rb in result.rows}
    assert rows["Disruption vs live · Accounts"] == ("0.0%", "33.3%", "0.0%")
    assert rows["Disruption vs live · T12 bookings"] == ("0.0%", "38.5%", "0.0%")
    assert rows["County moves"] == ("0", "1", "0")
    assert rows["Territories touched vs live"] == ("0", "2", "0")
    # live and B are the same alignment, so their fairness lines read the same
    for label in ("Balance index", "Gini", "Max ÷ min"):
        assert rows[label][0] == rows[label][2]
    assert result.differ == {"00002": ("T2", "T1")}
    assert result.touched == ["T1", "T2"]
    assert result.between["accounts"] == pytest.approx(2 / 6)


def test_diff_map_sends_only_the_differing_counties_escaped():
    shapes = {"features": [
        {"geometry": {"type": "Point", "coordinates": [0, 0]},
         "properties": {"fips": "1", "label": "One, XX"}},
        {"geometry": {"type": "Point", "coordinates": [1, 1]},
         "properties": {"fips": "2", "label": "Two, XX"}}]}
    data = diff_geojson(shapes, {"2": ("T1", "T<2>")}, {"T1": "T1 · One"}, "A<b>", "B")
    assert [f["properties"]["fips"] for f in data["features"]] == ["2"]
    tip = data["features"][0]["properties"]["tooltip"]
    assert "A&lt;b&gt;: T1 · One" in tip and "B: T&lt;2&gt;" in tip
