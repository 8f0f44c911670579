"""The region filter generalised to districts (issue 19 item 5): the choices
each viewer gets, what a choice narrows the views to, and what a manager's
request is confined to."""

from __future__ import annotations

import pytest

from dashboard.access import scope
from dashboard.access.rules import Viewer, confine_region
from dashboard.metrics.frames import build_frames
from dashboard.storage.schema import Dataset
from dashboard.storage.schema import frame_from_rows as rows
from dashboard.views.overview import scope_for
from dashboard.views.selection import ALL
from dashboard.views.unit_filter import filter_options

LEADER = Viewer(1, "leader", "leader")
EAST = Viewer(2, "manager-east", "manager", "East")
COAST = Viewer(3, "dee", "manager", "D1", scope_level="district")


@pytest.fixture(scope="module")
def frames():
    """T1, T2 in district D1 "Coast", T3 in D2 "Hills" (East); T4 West, no district."""
    return build_frames(Dataset(
        territories=rows("territories", [
            ("T1", "North", "East", "district", "D1"), ("T2", "South", "East", "district", "D1"),
            ("T3", "Inland", "East", "district", "D2"), ("T4", "Far", "West")]),
        levels=rows("levels", [("district", "D1", "Coast", "region", "East"),
                               ("district", "D2", "Hills", "region", "East")]),
        alignment=rows("alignment", [("0600" + str(i), f"T{i}") for i in range(1, 5)])))


def options(viewer, frames):
    own = scope.restrict(frames, scope.of(viewer, frames))
    return [(o["value"], o["label"]) for o in filter_options(viewer, own)]


def test_a_leader_gets_every_region_each_followed_by_its_districts(frames):
    assert options(LEADER, frames) == [
        (ALL, "All regions"), ("East", "East"), ("district:D1", "East › Coast"),
        ("district:D2", "East › Hills"), ("West", "West")]


def test_a_region_manager_gets_their_region_and_its_districts(frames):
    assert options(EAST, frames) == [(ALL, "East"), ("district:D1", "East › Coast"),
                                     ("district:D2", "East › Hills")]


def test_a_district_manager_gets_their_district_alone(frames):
    assert options(COAST, frames) == [(ALL, "East › Coast")]


@pytest.mark.parametrize("value,expected", [
    ("district:D1", ("T1", "T2")), ("district:D2", ("T3",)), ("East", ("T1", "T2", "T3")),
    (ALL, ("T1", "T2", "T3", "T4")), ("district:D9", ()), ("zone:D1", ())])
def test_a_choice_narrows_the_views_to_the_territories_under_it(frames, value, expected):
    assert scope_for(frames, value, ALL).territory_ids == expected


@pytest.mark.parametrize("viewer,asked,confined", [
    (COAST, ALL, "district:D1"),  # "all" is their district
    (COAST, "district:D1", "district:D1"),
    (COAST, "East", None),  # their region: out of scope, logged
    (COAST, "West", None),
    (EAST, ALL, "East"),
    (EAST, "district:D1", "district:D1"),  # a district of their region
    (EAST, "West", None),
    (LEADER, "district:D2", "district:D2"),
])
def test_a_managers_request_is_confined_to_their_unit(viewer, asked, confined):
    assert confine_region(viewer, asked, ALL) == confined


def test_a_district_outside_a_managers_scope_matches_nothing(frames):
    """A forged ``district:D2`` passes the confinement (a unit below the
    region), but the manager's frames hold D1's territories only."""
    own = scope.restrict(frames, scope.of(COAST, frames))
    assert scope_for(own, "district:D2", ALL).territory_ids == ()
    assert scope_for(own, ALL, ALL).territory_ids == ("T1", "T2")
