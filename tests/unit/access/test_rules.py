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


#: (path -> roles it is open to), in navigation order, as the page registry hands it over
ROLES_BY_PATH = {"/": rules.MANAGERS, "/attainment": rules.MANAGERS,
                 "/scorecard": rules.EVERYONE, "/import": rules.LEADERS}


@pytest.mark.parametrize("viewer, path, allowed", [
    (LEADER, "/", True), (LEADER, "/import", True), (LEADER, "/scorecard", True),
    (EAST, "/", True), (EAST, "/scorecard", True), (EAST, "/import", False),
    (R1, "/scorecard", True), (R1, "/", False), (R1, "/attainment", False),
    (R1, "/import", False),
    (LEADER, "/compare", False),  # no page at that path: open to nobody
    (Viewer(6, "y", "admin"), "/scorecard", False),  # an unknown role opens nothing
])
def test_may_open(viewer, path, allowed):
    assert rules.may_open(viewer, path, ROLES_BY_PATH) is allowed


@pytest.mark.parametrize("viewer, home", [(LEADER, "/"), (EAST, "/"), (R1, "/scorecard")])
def test_home_page_is_the_first_page_the_viewer_may_open(viewer, home):
    assert rules.home_page(viewer, ROLES_BY_PATH) == home


@pytest.mark.parametrize("viewer, requested, expected", [
    (LEADER, "all", "all"), (LEADER, "West", "West"),
    (EAST, "all", "East"), (EAST, "East", "East"), (EAST, "West", None),
    (R1, "all", None), (R1, "East", None),
])
def test_confine_region(viewer, requested, expected):
    assert rules.confine_region(viewer, requested, "all") == expected


