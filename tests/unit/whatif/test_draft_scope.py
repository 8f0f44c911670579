"""Which territories a what-if draft names (a manager may only touch their own)."""

from __future__ import annotations

import pytest

from dashboard.access.rules import Viewer
from dashboard.access.scope import of as scope_of
from dashboard.whatif.changeset import Changes
from dashboard.whatif.draft_scope import (
    ALLOWED,
    HIDDEN,
    OUTSIDE,
    ScenarioScope,
    territories_named,
)
from tests.unit.whatif.test_changeset import make_frames


@pytest.fixture(scope="module")
def frames():
    return make_frames()


def test_an_empty_draft_names_nothing(frames):
    assert territories_named(frames, Changes.empty()) == set()


@pytest.mark.parametrize("build, expected", [
    # county 00002 belongs to T1; moving it to T2 touches both
    (lambda f: Changes.empty().move_counties(f, ["00002"], "T2"), {"T1", "T2"}),
    # A6 sits in T3; a named-account override to T1 touches both
    (lambda f: Changes.empty().override_accounts(f, ["A6"], "T1"), {"T1", "T3"}),
    # clearing A4's override (T1) sends it back to its county's T2
    (lambda f: Changes.empty().override_accounts(f, ["A4"], None), {"T1", "T2"}),
    (lambda f: Changes.empty().set_quota_change("T3", -0.1), {"T3"}),
    (lambda f: Changes.empty().lock(counties=["00003"], accounts=["A1"], territories=["T3"]),
     {"T1", "T2", "T3"}),
])
def test_territories_named(frames, build, expected):
    assert territories_named(frames, build(frames)) == expected


# --- ScenarioScope: the one rule every scenario operation asks -----------------
# East = T1, T2; West = T3 (make_frames)
EAST = Viewer(2, "manager-east", "manager", "East")
WEST = Viewer(3, "manager-west", "manager", "West")
LEADER = Viewer(1, "leader", "leader")
REP = Viewer(4, "r1", "rep", "R1")


def rights(frames, viewer):
    return ScenarioScope(viewer, scope_of(viewer, frames), frames)


def test_outside_lists_what_a_manager_may_not_touch(frames):
    draft = Changes.empty().move_counties(frames, ["00002"], "T3")
    assert rights(frames, EAST).outside(draft) == ["T3"]
    assert rights(frames, LEADER).outside(draft) == []
    inside = Changes.empty().move_counties(frames, ["00002"], "T2")
    assert rights(frames, EAST).outside(inside) == []


def test_an_unknown_county_or_account_reads_as_outside_for_a_manager(frames):
    """An id outside the scope reads the same whether it exists elsewhere or not."""
    forged = Changes(county_moves={"99999": "T1"}, account_overrides={"A999": "T2"},
                     locked_counties=frozenset({"88888"}))
    assert rights(frames, EAST).outside(forged) == ["88888", "99999", "A999"]
    assert rights(frames, LEADER).outside(forged) == []  # check_fits names them to a leader


WEST_MOVE = Changes(quota_changes={"T3": 0.1})
EAST_MOVE = Changes(county_moves={"00002": "T2"})


@pytest.mark.parametrize("viewer, changes, author, seen, verdict", [
    # a leader sees and changes everything
    (LEADER, EAST_MOVE, "manager-east", True, ALLOWED),
    (LEADER, Changes(), "someone", True, ALLOWED),
    # a manager: their region's, whoever wrote it
    (EAST, EAST_MOVE, "manager-east", True, ALLOWED),
    (EAST, EAST_MOVE, "leader", True, ALLOWED),
    # another region's reads as missing, whoever wrote it
    (WEST, EAST_MOVE, "manager-east", False, HIDDEN),
    (WEST, EAST_MOVE, "leader", False, HIDDEN),
    # touching nothing: its author's (and the leaders') alone
    (EAST, Changes(), "manager-east", True, ALLOWED),
    (WEST, Changes(), "manager-east", False, HIDDEN),
    # their own, reaching into another region: listed, but not theirs to open or change
    (WEST, EAST_MOVE, "manager-west", True, OUTSIDE),
    (WEST, Changes(county_moves={"00004": "T1"}), "manager-west", True, OUTSIDE),
    # a rep has no scenarios
    (REP, Changes(quota_changes={"T1": 0.1}), "r1", False, HIDDEN),
])
def test_who_may_see_and_change_a_stored_scenario(frames, viewer, changes, author, seen,
                                                   verdict):
    judge = rights(frames, viewer)
    assert judge.may_see(changes, author) is seen
    assert judge.verdict(changes, author) == verdict


def test_saving_over_checks_the_new_content_too(frames):
    judge = rights(frames, WEST)
    assert judge.verdict(WEST_MOVE, "manager-west", new=WEST_MOVE) == ALLOWED
    assert judge.verdict(WEST_MOVE, "manager-west", new=EAST_MOVE) == OUTSIDE
    assert judge.verdict(WEST_MOVE, "manager-west",
                         new=Changes(county_moves={"99999": "T3"})) == OUTSIDE
    # the stored one is judged first: a foreign scenario stays hidden whatever is sent
    assert judge.verdict(EAST_MOVE, "leader", new=WEST_MOVE) == HIDDEN
