"""Exchanges for a territory still outside its tolerance (dashboard.design.repair), on a
graph worked out by hand."""

from __future__ import annotations

import numpy as np

from dashboard.design.engine import Settings, _problem
from dashboard.design.repair import outside, repair
from dashboard.design.state import State
from tests.unit.design.test_engine import grid


def test_a_lumpy_territory_gives_a_big_unit_and_takes_a_smaller_one_back():
    # a0=4   a1=4   a2=3      top row X = 11: +10% of the target 10
    # b0=3.5 b1=2.5 b2=3      bottom row Y = 9: -10%
    # No single move helps: a2 or a0 to Y leaves X at 8 or 7, b0 or b2 to X makes it
    # 14.5 or 14, a1 or b1 would cut its row in two. Exchanges, in the seeded order:
    # a2 (3) to Y (X 8, Y 12) evens out no better than the start (X takes b0: 11.5; b1
    # would take b0 along). a0 (4) to Y (X 7, Y 13), then X takes b2 back (3; b1 alone
    # would be 2.5 but cuts b2 off Y): X = a1 + a2 + b2 = 4 + 3 + 3 = 10, Y = a0 + b0 +
    # b1 = 4 + 3.5 + 2.5 = 10, both one piece.
    graph = grid(2, 3, [[4], [4], [3], [3.5], [2.5], [3]])
    problem, _locks = _problem(graph, 2, Settings(tolerance=0.05), np.array([0, 0, 0, 1, 1, 1]))
    state = State(problem, np.array([0, 0, 0, 1, 1, 1]))
    assert outside(state).tolist() == [0, 1]
    taken = []

    def take(unit, dest):
        taken.append((graph.ids[unit], dest))
        state.move(unit, dest)

    assert repair(state, take, lambda: False, set())
    assert taken == [("0-0", 1), ("1-2", 0)]
    assert state.assign.tolist() == [1, 0, 0, 1, 1, 0]
    assert state.totals[:, 0].tolist() == [10.0, 10.0]
    assert outside(state).size == 0


def test_no_exchange_is_taken_when_none_improves():
    # two units of 3 and 1 against one of 2 (target 3): X = 4 (+33%), Y = 2 (-33%); the 1
    # to Y gives 3 and 3 (a plain move, which the exchange also finds: it is the unit's
    # move with an empty run back); the 3 to Y cannot be evened out. Locking the 1 leaves
    # no exchange: repair says so and leaves the state as it was, and remembers X and Y.
    graph = grid(1, 3, [[3], [1], [2]])
    settings = Settings(tolerance=0.05, locks={"0-1": 0})
    problem, _locks = _problem(graph, 2, settings, np.array([0, 0, 1]))
    state = State(problem, np.array([0, 0, 1]))
    failed: set = set()
    assert not repair(state, lambda unit, dest: state.move(unit, dest), lambda: False, failed)
    assert state.assign.tolist() == [0, 0, 1]
    assert {territory for territory, _version in failed} == {0, 1}
