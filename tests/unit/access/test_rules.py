"""The access rules, on a four-territory frame worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.access import rules
from dashboard.access.rules import Viewer

TERRITORIES = pd.DataFrame({"territory_id": ["T1", "T2", "T3", "T4"],
                            "region": ["East", "East", "West", None]})
REPS = pd.DataFrame({"rep_id": ["R1", "R2", "R3", "R9"],
                     "territory_id": ["T1", "T2", "T3", None]})

LEADER = Viewer(1, "boss", "leader")
EAST = Viewer(2, "east", "manager", "East")
R1 = Viewer(3, "r1", "rep", "R1")
R9 = Viewer(4, "r9", "rep", "R9")  # a rep without a territory


@pytest.mark.parametrize("viewer, expected", [
    (LEADER, {"T1", "T2", "T3", "T4"}),
    (EAST, {"T1", "T2"}),
    (R1, {"T1"}),
    (R9, set()),
    (Viewer(5, "x", "manager", "Nowhere"), set()),
    (Viewer(6, "y", "admin"), set()),  # an unknown role sees nothing
])
def test_territory_scope(viewer, expected):
    assert rules.territory_scope(viewer, TERRITORIES, REPS) == expected


@pytest.mark.parametrize("viewer, expected", [
    (LEADER, {"R1", "R2", "R3", "R9"}),
    (EAST, {"R1", "R2"}),
    (R1, {"R1"}),
    (Viewer(7, "ghost", "rep", "R404"), set()),
])
def test_rep_scope(viewer, expected):
    territories = rules.territory_scope(viewer, TERRITORIES, REPS)
    assert rules.rep_scope(viewer, REPS, territories) == expected


@pytest.mark.parametrize("viewer, level, allowed", [
    (LEADER, "leader", True), (LEADER, "manager", True), (LEADER, "any", True),
    (EAST, "leader", False), (EAST, "manager", True), (EAST, "any", True),
    (R1, "leader", False), (R1, "manager", False), (R1, "any", True),
    (LEADER, None, False), (LEADER, "root", False),  # undeclared: nobody
])
def test_callback_levels(viewer, level, allowed):
    assert viewer.may_call(level) is allowed


def test_pages_by_role():
    assert LEADER.may_open("/import") and LEADER.may_open("/what-if")
    assert EAST.may_open("/what-if") and not EAST.may_open("/import")
    assert R1.may_open("/scorecard")
    assert not any(R1.may_open(p) for p in ("/", "/attainment", "/pipeline", "/import"))
    assert R1.home_page() == "/scorecard" and EAST.home_page() == "/"


@pytest.mark.parametrize("viewer, requested, expected", [
    (LEADER, "all", "all"), (LEADER, "West", "West"),
    (EAST, "all", "East"), (EAST, "East", "East"), (EAST, "West", None),
    (R1, "all", None), (R1, "East", None),
])
def test_confine_region(viewer, requested, expected):
    assert rules.confine_region(viewer, requested, "all") == expected


def test_regions_offered():
    assert rules.regions_offered(LEADER, ["East", "West"]) == ["East", "West"]
    assert rules.regions_offered(EAST, ["East", "West"]) == ["East"]
    assert rules.regions_offered(R1, ["East", "West"]) == []
