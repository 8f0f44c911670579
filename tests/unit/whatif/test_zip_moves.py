"""What-if moves of a ZIP area (issue 19 item 4), worked by hand.

San Francisco (06075) is T1's, San Mateo (06081) T2's, Alameda (06001, no account)
T3's; ZIP 94110 (in 06075) has a ZIP row to T3. Accounts, each with one won deal in
2026Q1 worth 1,000 x its number:
A1 (06075, ZIP 94103), A2 (06075, ZIP 94110), A3 (06081, ZIP 94401),
A4 (06075, ZIP 94103, a named account of T2).
Live: T1 = A1 (1,000); T2 = A3 + A4 (7,000); T3 = A2 (2,000).
"""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.metrics.frames import build_frames
from dashboard.metrics.kpi_table import kpi_table
from dashboard.metrics.periods import Period
from dashboard.storage.schema import Dataset
from dashboard.storage.schema import frame_from_rows as _frame
from dashboard.whatif.changeset import Changes, LockedError, apply
from dashboard.whatif.zip_units import zip_units

Q1 = Period.parse("2026Q1")
AS_OF = date(2026, 3, 31)


def acct(aid, fips, zip_area, override=None):
    return (aid, f"Account {aid}", fips, None, None, "Retail", "SMB", 1000.0, "2025-01-01",
            None, override, zip_area)


@pytest.fixture(scope="module")
def frames():
    accounts = [acct("A1", "06075", "94103"), acct("A2", "06075", "94110"),
                acct("A3", "06081", "94401"), acct("A4", "06075", "94103", override="T2")]
    return build_frames(Dataset(
        territories=_frame("territories", [(t, f"Territory {t}", "West")
                                           for t in ("T1", "T2", "T3")]),
        reps=_frame("reps", []),
        alignment=_frame("alignment", [("06075", "T1"), ("06081", "T2"), ("06001", "T3"),
                                       ("06075", "T3", None, "94110")]),
        accounts=_frame("accounts", accounts),
        opportunities=_frame("opportunities", [
            (f"O{k}", f"A{k}", 1000.0 * k, "Closed Won", "won", "2026-01-05", "2026-02-10")
            for k in range(1, 5)]),
        quotas=_frame("quotas", [(t, "2026Q1", 10_000.0) for t in ("T1", "T2", "T3")]),
    ))


def bookings(frames) -> dict[str, float]:
    return kpi_table(frames, Q1, AS_OF, "territory").set_index("id")["bookings"].to_dict()


def test_live_figures_follow_the_zip_row(frames):
    assert bookings(frames) == {"T1": 1000.0, "T2": 7000.0, "T3": 2000.0}


def test_moving_a_zip_moves_its_accounts_but_not_a_named_one(frames):
    changes = Changes().move_zips(frames, ["94103"], "T3")
    assert dict(changes.zip_moves) == {"94103": "T3"}
    after = apply(frames, changes)
    # A1 goes to T3; A4, in the same ZIP, keeps its override (T2)
    assert after.accounts["territory_id"].astype(object).to_dict() == {
        "A1": "T3", "A2": "T3", "A3": "T2", "A4": "T2"}
    assert bookings(after) == {"T1": 0.0, "T2": 7000.0, "T3": 3000.0}
    # and back: the move is dropped, the figures are the live ones again
    back = changes.move_zips(frames, ["94103"], "T1")
    assert back.is_empty
    assert bookings(apply(frames, back)) == bookings(frames)


def test_a_zip_row_outranks_a_county_move(frames):
    after = apply(frames, Changes().move_counties(frames, ["06075"], "T2"))
    # A1 follows its county to T2; A2's ZIP row keeps it in T3
    assert after.accounts["territory_id"].astype(object).to_dict() == {
        "A1": "T2", "A2": "T3", "A3": "T2", "A4": "T2"}


def test_moving_a_zip_with_a_row_back_to_its_county_is_a_move(frames):
    changes = Changes().move_zips(frames, ["94110"], "T1")
    assert dict(changes.zip_moves) == {"94110": "T1"}
    assert bookings(apply(frames, changes)) == {"T1": 3000.0, "T2": 7000.0, "T3": 0.0}


def test_clearing_an_override_sends_the_account_to_its_zip_territory(frames):
    changes = Changes().move_zips(frames, ["94103"], "T3").override_accounts(
        frames, ["A4"], None)
    assert apply(frames, changes).accounts.at["A4", "territory_id"] == "T3"


def test_zip_moves_survive_the_json_round_trip(frames):
    changes = Changes().move_zips(frames, ["94103", "94401"], "T3")
    assert Changes.from_json(changes.to_json()) == changes


@pytest.mark.parametrize("zip_id", ["10001", "99999"])
def test_a_zip_outside_the_alignment_is_refused(frames, zip_id):
    # 10001 lies in New York County, which these frames do not hold; 99999 is no ZIP area
    with pytest.raises(ValueError, match=zip_id):
        Changes().move_zips(frames, [zip_id], "T1")


def test_locks_hold_for_zip_moves(frames):
    with pytest.raises(LockedError, match="T1"):
        Changes().lock(territories=["T1"]).move_zips(frames, ["94103"], "T3")
    with pytest.raises(LockedError, match="A1"):
        Changes().lock(accounts=["A1"]).move_zips(frames, ["94103"], "T3")
    with pytest.raises(LockedError):
        Changes().lock(counties=["06075"]).move_zips(frames, ["94110"], "T1")


def test_zip_units_of_a_county_live_and_under_a_move(frames):
    changes = Changes().move_zips(frames, ["94103"], "T3")
    units = zip_units(frames, changes, counties=["06075"])
    assert len(units) == 29 and set(units["county_fips"]) == {"06075"}
    assert units.loc["94103"].to_dict() == {
        "county_fips": "06075", "territory_id": "T3", "live_territory_id": "T1",
        "own_row": True, "moved": True, "accounts": 2}
    assert units.loc["94110"].to_dict() == {
        "county_fips": "06075", "territory_id": "T3", "live_territory_id": "T3",
        "own_row": True, "moved": False, "accounts": 1}
    # a ZIP without a row follows its county, moved with it
    moved_county = changes.move_counties(frames, ["06075"], "T2")
    units = zip_units(frames, moved_county, counties=["06075"])
    assert units.loc["94102", ["territory_id", "live_territory_id", "own_row", "moved"]
                     ].tolist() == ["T2", "T1", False, True]
    assert units.loc["94110", "territory_id"] == "T3"


def test_zip_units_default_to_every_county_of_the_frames(frames):
    units = zip_units(frames)
    assert set(units["county_fips"]) == {"06075", "06081", "06001"}
    assert not units["moved"].any()
    t3 = units.loc[units["territory_id"] == "T3"]
    # Alameda's ZIP areas follow their county; 94110 has its own row
    assert set(t3["county_fips"]) == {"06001", "06075"}
    assert t3.loc[t3["county_fips"] == "06075"].index.tolist() == ["94110"]


def test_a_zip_move_names_the_territory_it_leaves_and_the_one_it_enters(frames):
    from dashboard.whatif.draft_scope import territories_named

    # 94103 follows San Francisco (T1); 94110 has its own row (T3)
    assert territories_named(frames, Changes().move_zips(frames, ["94103"], "T2")) == {
        "T1", "T2"}
    assert territories_named(frames, Changes().move_zips(frames, ["94110"], "T2")) == {
        "T3", "T2"}


def test_a_managers_cut_keeps_the_zip_rows_of_its_counties_without_naming_other_regions(frames):
    from dashboard.access import scope

    cut = scope.restrict(frames, scope.Scope("manager", "manager:test", frozenset({"T1", "T2"})))
    # 94110 lies in T1's San Francisco but is T3's: kept, as another region's
    assert cut.zip_alignment.to_dict("index") == {
        "94110": {"territory_id": scope.OUTSIDE, "county_fips": "06075"}}
    # so a county move in the cut does not take A2 back, and its ZIP cannot be moved
    after = apply(cut, Changes().move_counties(cut, ["06075"], "T2"))
    assert "A2" not in after.accounts.index[after.accounts["territory_id"].notna()]
    with pytest.raises(ValueError, match="94110"):
        Changes().move_zips(cut, ["94110"], "T1")
    assert dict(Changes().move_zips(cut, ["94103"], "T2").zip_moves) == {"94103": "T2"}


def test_comparing_scenarios_counts_their_zip_moves(frames):
    import pandas as pd

    from dashboard.whatif.side_by_side import compare

    a = Changes().move_zips(frames, ["94103"], "T3")
    result = compare(frames, a, Changes(), pd.Series(dtype="float64"), Q1, AS_OF)
    rows = {label: (live, ra, rb) for label, live, ra, rb in result.rows}
    assert rows["ZIP area moves"] == ("0", "1", "0")
    assert result.touched == ["T1", "T3"]


def test_the_design_engine_holds_a_zip_rows_accounts_as_fixed_load_in_its_territory(frames):
    """A county move does not take the accounts of a ZIP with its own row: the engine
    must not count them in their county (A2 in 94110 is T3's load, A4 T2's by name)."""
    from dashboard.geo import us_atlas
    from dashboard.whatif import design_runs

    prepared = design_runs.prepare(
        frames, Changes(), us_atlas.load_counties(), us_atlas.county_adjacency(),
        design_runs.RunOptions(split=False, as_of=AS_OF))
    graph = prepared.graph
    accounts = dict(zip(graph.ids, graph.measures[:, graph.measure_names.index("accounts")],
                        strict=True))
    assert accounts["06075"] == 1  # A1 only
    fixed = {u: n for u, n in accounts.items() if u.startswith(design_runs.FIXED)}
    assert fixed == {f"{design_runs.FIXED}T2": 1, f"{design_runs.FIXED}T3": 1}


def test_a_locked_zip_moves_neither_by_itself_nor_with_its_county(frames):
    locked = Changes().lock(zips=["94103"])
    assert Changes.from_json(locked.to_json()) == locked
    with pytest.raises(LockedError, match="94103"):
        locked.move_zips(frames, ["94103"], "T3")
    with pytest.raises(LockedError, match="94103"):
        locked.move_counties(frames, ["06075"], "T2")
    # a ZIP with its own row does not follow its county: locking it keeps the county free
    free = Changes().lock(zips=["94110"]).move_counties(frames, ["06075"], "T2")
    assert dict(free.county_moves) == {"06075": "T2"}
