"""The one scope rule (dashboard.access.scope): a manager's frames hold their
region and nothing else, and every figure of their territories is the
leader's, to the cent."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.access import scope
from dashboard.access.rules import Viewer
from dashboard.demo.dataset import generate_demo
from dashboard.metrics import kpi_cube_build
from dashboard.metrics.frames import build_frames
from dashboard.metrics.kpi_table import kpi_table
from dashboard.metrics.periods import Period

LEADER = Viewer(1, "leader", "leader")
WEST = Viewer(2, "manager-west", "manager", "West")
REP = Viewer(3, "r046", "rep", "R046")


@pytest.fixture(scope="module")
def frames():
    dataset, _manifest = generate_demo()
    built = build_frames(dataset)
    kpi_cube_build.prepare(built)
    return built


def test_a_leader_gets_the_frames_themselves(frames):
    assert scope.restrict(frames, scope.of(LEADER, frames)) is frames


def test_a_managers_frames_hold_their_region_and_nothing_else(frames):
    cut = scope.restrict(frames, scope.of(WEST, frames))
    west = set(frames.territories.index[frames.territories["region"] == "West"])
    assert set(cut.territories.index) == west and set(cut.territories["region"]) == {"West"}
    assert set(cut.reps["territory_id"]) <= west
    assert set(cut.alignment["territory_id"]) == west
    assert set(cut.accounts["territory_id"].astype(object)) <= west
    assert set(cut.opportunities["territory_id"].astype(object)) <= west
    assert set(cut.quotas["territory_id"]) <= west
    # a categorical listing every territory would hand other regions' ids to
    # any group-by that keeps unobserved categories
    for table in (cut.accounts, cut.opportunities):
        assert set(table["territory_id"].cat.categories) <= west
    # every account of the region's territories is there (none lost by the cut;
    # with alignment history, accounts that were West's before are there too,
    # without a territory today)
    mine = frames.accounts["territory_id"].astype(object).isin(west)
    assert int(cut.accounts["territory_id"].notna().sum()) == int(mine.sum()) > 0


def test_a_rep_sees_their_own_territory_only(frames):
    cut = scope.restrict(frames, scope.of(REP, frames))
    assert list(cut.territories.index) == [frames.reps.at["R046", "territory_id"]]


def test_an_unknown_role_or_region_sees_nothing(frames):
    for viewer in (Viewer(4, "x", "auditor", "West"), Viewer(5, "m", "manager", "Atlantis")):
        found = scope.of(viewer, frames)
        assert found.territories == frozenset()
        assert scope.restrict(frames, found).territories.empty


def test_a_managers_figures_are_the_leaders_for_their_territories(frames):
    """The cut recodes territories and has its own KPI aggregates: the figures
    of a West territory must not move by a cent between leader and manager."""
    cut = scope.restrict(frames, scope.of(WEST, frames))
    kpi_cube_build.prepare(cut)
    as_of = date(2026, 9, 15)
    for period in (Period(date(2026, 7, 1), date(2026, 9, 30)),
                   Period(date(2025, 9, 16), date(2026, 9, 15))):
        whole = kpi_table(frames, period, as_of, "territory").set_index("id")
        mine = kpi_table(cut, period, as_of, "territory").set_index("id")
        pd.testing.assert_frame_equal(mine, whole.loc[mine.index])
        # and the region's total is the leader's region row
        region = kpi_table(frames, period, as_of, "region").set_index("id").loc[["West"]]
        theirs = kpi_table(cut, period, as_of, "region").set_index("id")
        pd.testing.assert_frame_equal(theirs, region)


def history_with_moves_across_regions():
    """The small demo with every 5th county moved on 2026-02-01 and dated
    overrides (tests/unit/metrics/test_alignment_history.py), as frames, the
    service's way (aggregates prepared)."""
    from tests.unit.metrics.test_alignment_history import demo_with_history

    built = build_frames(demo_with_history())
    kpi_cube_build.prepare(built)
    return built


@pytest.mark.parametrize("restated", [False, True])
def test_a_managers_figures_are_the_leaders_as_credited_on_data_with_history(restated):
    """issue 17 item 3: the cut keeps the alignment history, so manager-west's
    figures of each West territory, and of the region, are the leader's in
    both readings (the cut used to drop the dated rows and the deals of
    accounts moved out of the region: its figures were restated)."""
    frames = history_with_moves_across_regions()
    west = frozenset(frames.territories.index[frames.territories["region"] == "West"])
    cut = scope.restrict(frames, scope.of(WEST, frames))
    kpi_cube_build.prepare(cut)  # what ScopedData does
    # the data exercise it: West deals whose accounts are now in another region
    credited = frames.opportunities["credited_territory_id"].astype(object)
    latest = frames.opportunities["territory_id"].astype(object)
    assert (credited.isin(west) & ~latest.isin(west)).any()
    as_of = date(2026, 8, 14)
    for period in ("2026Q1", "2026", "2025-11-01..2026-03-15", "2026Q3"):
        args = (Period.parse(period), as_of)
        whole = kpi_table(frames, *args, "territory", territory_ids=west,
                          restated=restated).set_index("id")
        mine = kpi_table(cut, *args, "territory", restated=restated).set_index("id")
        pd.testing.assert_frame_equal(mine, whole.loc[mine.index])
        region = kpi_table(frames, *args, "region", restated=restated).set_index("id")
        theirs = kpi_table(cut, *args, "region", restated=restated).set_index("id")
        pd.testing.assert_frame_equal(theirs, region.loc[["West"]])


def test_the_cut_names_no_territory_of_another_region_in_its_history():
    frames = history_with_moves_across_regions()
    west = set(frames.territories.index[frames.territories["region"] == "West"])
    cut = scope.restrict(frames, scope.of(WEST, frames))
    for table in (cut.alignment_rows, cut.override_rows):
        assert set(table["territory_id"].dropna()) <= west | {scope.OUTSIDE}
    assert set(cut.accounts["territory_override"].dropna()) <= west | {scope.OUTSIDE}
    for column in ("territory_id", "credited_territory_id"):
        assert set(cut.opportunities[column].cat.categories) <= west


def test_scenarios_are_seen_by_their_author_or_when_they_touch_only_the_scope(frames):
    west = scope.of(WEST, frames)
    mine = sorted(west.territories)[:2]
    theirs = sorted(set(frames.territories.index) - west.territories)[:1]
    assert scope.may_see_scenario(WEST, west, mine, "manager-northeast")
    assert not scope.may_see_scenario(WEST, west, mine + theirs, "leader")
    assert not scope.may_see_scenario(WEST, west, [], "leader")  # touches nothing
    assert scope.may_see_scenario(WEST, west, [], "manager-west")
    assert scope.may_see_scenario(LEADER, scope.of(LEADER, frames), theirs, "x")
    assert not scope.may_see_scenario(REP, scope.of(REP, frames), [], "r046")
    # changing needs the stored and the new content in scope, even one's own
    assert not scope.may_change_scenario(WEST, west, theirs, "manager-west")
    assert not scope.may_change_scenario(WEST, west, mine, "manager-west", theirs)
    assert scope.may_change_scenario(WEST, west, mine, "manager-west", mine)


PACIFIC = Viewer(6, "manager-pacific", "manager", "pacific", scope_level="district")


def test_a_district_managers_frames_hold_their_district_and_nothing_else(frames):
    """The demo's Pacific district (territory > district > region West): its
    manager sees its territories only, not the rest of the West, and the cut's
    levels name no other district (nor its manager)."""
    cut = scope.restrict(frames, scope.of(PACIFIC, frames))
    pacific = set(frames.territories.index[frames.territories["parent_id"] == "pacific"])
    west = set(frames.territories.index[frames.territories["region"] == "West"])
    assert pacific and pacific < west
    assert set(cut.territories.index) == pacific
    assert set(cut.alignment["territory_id"]) == pacific
    assert set(cut.opportunities["territory_id"].dropna().astype(object)) <= pacific
    assert set(cut.quotas["territory_id"]) <= pacific
    assert set(cut.levels["unit_id"]) == {"pacific"}
    assert scope.of(PACIFIC, frames).key == "manager:district:pacific"
    # the district's KPI row is the leader's, to the cent
    kpi_cube_build.prepare(cut)
    period, as_of = Period(date(2026, 7, 1), date(2026, 9, 30)), date(2026, 8, 14)
    pd.testing.assert_frame_equal(kpi_table(cut, period, as_of, "district"),
                                  kpi_table(frames, period, as_of, "district")
                                  .query("id == 'pacific'").reset_index(drop=True))


def test_a_manager_of_an_unknown_district_or_level_sees_nothing(frames):
    for viewer in (Viewer(7, "m", "manager", "atlantis", scope_level="district"),
                   Viewer(8, "m", "manager", "pacific", scope_level="zone"),
                   Viewer(9, "m", "manager", "pacific")):  # a region called pacific: none
        assert scope.of(viewer, frames).territories == frozenset()
