"""The design engine on small graphs worked out by hand (issue 18): balance, contiguity,
locks, the same seed, cancel, the disruption budget, oversize units and bad input."""

from __future__ import annotations

import functools
import gc
import time

import numpy as np
import pytest

from dashboard.design.engine import Settings, design, rebalance
from dashboard.design.figures import pieces
from dashboard.design.graph import DesignError, UnitGraph
from dashboard.design.seeding import grow, spread_seeds
from dashboard.design.split import Items, read_back, split_units


def grid(rows: int, cols: int, measures=None) -> UnitGraph:
    """Units "r-c" on a rows × cols grid, 4-neighbour edges, one count per unit by default."""
    ids = [f"{r}-{c}" for r in range(rows) for c in range(cols)]
    xy = [(c, r) for r in range(rows) for c in range(cols)]
    edges = [(f"{r}-{c}", f"{r}-{c + 1}") for r in range(rows) for c in range(cols - 1)]
    edges += [(f"{r}-{c}", f"{r + 1}-{c}") for r in range(rows - 1) for c in range(cols)]
    values = np.ones((len(ids), 1)) if measures is None else np.asarray(measures, float)
    names = [f"m{j}" for j in range(values.reshape(len(ids), -1).shape[1])]
    return UnitGraph.build(ids, xy, values, edges, names)


FAST = dict(max_iterations=400, time_limit=30, patience=50, restarts=3)


@pytest.mark.parametrize("territories", [2, 4, 8])
def test_grid_split_exactly_even_and_contiguous(territories):
    graph = grid(4, 4)
    result = design(graph, territories, Settings(tolerance=0.0, **FAST))
    sizes = np.bincount(result.assignment, minlength=territories)
    assert sizes.tolist() == [16 // territories] * territories
    assert (pieces(graph, result.assignment, territories) == 1).all()
    assert result.figures.measures[0].balance_index == 1.0
    assert result.within_tolerance


def test_two_measures_balanced_together():
    # left half heavy on m0, right half heavy on m1: each territory needs some of both
    m0 = [3 if c < 2 else 1 for r in range(4) for c in range(4)]
    m1 = [1 if c < 2 else 3 for r in range(4) for c in range(4)]
    graph = grid(4, 4, np.column_stack([m0, m1]))
    result = design(graph, 2, Settings(tolerance=0.0, **FAST))
    totals = np.stack([np.bincount(result.assignment, weights=graph.measures[:, j])
                       for j in range(2)], axis=1)
    assert totals.tolist() == [[16, 16], [16, 16]]
    assert result.figures.contiguous


def test_rebalance_fixes_an_uneven_start_and_every_move_says_why():
    graph = grid(4, 4)
    start = np.array([0] * 12 + [1] * 4)  # 12 against 4
    result = rebalance(graph, start, 2, Settings(tolerance=0.0, **FAST))
    assert np.bincount(result.assignment).tolist() == [8, 8]
    assert result.figures.contiguous
    replay = start.copy()
    for move in result.moves:  # the moves lead from the start to the answer
        assert replay[move.unit] == move.source
        replay[move.unit] = move.dest
    assert (replay == result.assignment).all()
    first = result.moves[0]
    assert (first.source, first.dest) == (0, 1)
    assert first.kind in ("flow", "balance")  # the global flow step comes first
    assert first.territory in (0, 1) and abs(first.after) < abs(first.before)


def test_contiguity_holds_on_a_random_planar_graph():
    rng = np.random.default_rng(5)
    graph = grid(8, 8, rng.uniform(1, 10, (64, 2)))
    for seed in range(3):
        result = design(graph, 5, Settings(tolerance=0.05, seed=seed, **FAST))
        assert (pieces(graph, result.assignment, 5) == 1).all()
        assert result.figures.contiguous


def test_locks_are_honoured():
    graph = grid(4, 4)
    locks = {"0-0": 1, "3-3": 0, "0-3": 1}
    result = design(graph, 2, Settings(tolerance=0.0, locks=locks, **FAST))
    position = {u: i for i, u in enumerate(graph.ids)}
    assert all(result.assignment[position[u]] == t for u, t in locks.items())
    assert np.bincount(result.assignment).tolist() == [8, 8]
    start = np.array([0] * 12 + [1] * 4)
    moved = rebalance(graph, start, 2, Settings(tolerance=0.0, locks={"2-0": 0, "2-1": 0,
                                                                    "2-2": 0, "2-3": 0},
                                               **FAST))
    assert (moved.assignment[8:12] == 0).all()


def test_a_lock_on_some_territories_only_is_honoured():
    # territory 1 is locked, territory 2 is not: the unlocked seeds are free (a seed
    # without a lock read as one locked elsewhere: 'a home base is locked to another
    # territory')
    graph = grid(4, 4)
    result = design(graph, 3, Settings(tolerance=0.5, locks={"3-3": 1}, **FAST))
    assert result.assignment[graph.positions(["3-3"])[0]] == 1
    assert result.figures.contiguous


def test_same_seed_same_answer():
    rng = np.random.default_rng(2)
    graph = grid(6, 6, rng.uniform(1, 10, (36, 1)))
    settings = Settings(tolerance=0.02, seed=11, **FAST)
    first, second = design(graph, 4, settings), design(graph, 4, settings)
    assert (first.assignment == second.assignment).all()
    assert first.moves == second.moves


def test_cancel_returns_the_best_so_far():
    rng = np.random.default_rng(3)
    graph = grid(8, 8, rng.uniform(1, 10, (64, 1)))
    seen = []
    calls = {"n": 0}

    def stop():
        calls["n"] += 1
        return calls["n"] > 30

    result = design(graph, 4, Settings(tolerance=0.0, time_limit=30, patience=10_000),
                    progress=seen.append, should_stop=stop)
    assert result.stopped_by == "cancelled"
    assert seen and seen[-1].score == pytest.approx(
        min(p.score for p in seen))  # the last report is the best
    assert (seen[-1].assignment == result.assignment).all()
    assert result.figures.contiguous


def test_a_short_time_limit_on_a_large_graph_is_kept_with_a_valid_answer():
    # 22,500 units into 900 territories at home bases, half a second: the answer (the
    # grown assignment, or what the flow step reached) comes back within the limit and a
    # small margin for the figures. CPU time, not wall time: the suite shares 2 cores and a
    # loaded host stretches the wall clock of the same work. Before, the clock started
    # after the state's set-up and the flow step planned and realised a flow past the
    # limit: 1.0-1.4 s of CPU. The margin is 0.35 s: at 0.25 s it failed once in eight
    # runs on a loaded host (0.76 s), which the old code's 1.0 s is still well above.
    rows = 150
    rng = np.random.default_rng(3)
    graph = grid(rows, rows, rng.pareto(1.5, (rows * rows, 1)) + 0.1)
    spots = [(2 * i + 1) * rows // 60 for i in range(30)]
    bases = [f"{r}-{c}" for r in spots for c in spots]
    limit = 0.5
    started = time.process_time()
    result = design(graph, len(bases), Settings(tolerance=0.05, time_limit=limit),
                    home_bases=bases)
    assert time.process_time() - started < limit + 0.35
    assert result.stopped_by == "time"
    assert np.bincount(result.assignment, minlength=len(bases)).min() >= 1
    assert result.figures.contiguous


@functools.cache
def wide_grid() -> tuple[UnitGraph, list[str]]:
    """62,500 units with three measures and 36 home bases spread 6 × 6: its growth alone
    takes 0.3-0.5 s of CPU."""
    rows = 250
    rng = np.random.default_rng(3)
    graph = grid(rows, rows, rng.pareto(1.5, (rows * rows, 3)) + 0.1)
    spots = [(2 * i + 1) * rows // 12 for i in range(6)]
    return graph, [f"{r}-{c}" for r in spots for c in spots]


def test_a_time_limit_shorter_than_the_growth_stops_it_with_every_unit_assigned():
    # from scratch with a tenth of a second: the clock runs out inside the growth; the
    # units it has not reached go to the territory fewest edges away, every territory
    # stays one piece, and says so (growth_cut). Before, the growth ran to its end:
    # growth_cut 0 and 0.45-0.56 s of CPU. The cut is the guard; the CPU bound only
    # catches a runaway (0.17-0.30 s measured, up to 0.51 s at a load of 8-9 on 2 cores).
    graph, bases = wide_grid()
    limit = 0.1
    gc.collect()
    started = time.process_time()
    result = design(graph, len(bases), Settings(tolerance=0.05, time_limit=limit),
                    home_bases=bases)
    assert time.process_time() - started < limit + 0.6
    assert result.stopped_by == "time"
    assert 0 < result.growth_cut < graph.size  # cut short, and said so
    assert result.assignment.min() >= 0
    assert np.bincount(result.assignment, minlength=len(bases)).min() >= 1
    assert result.figures.contiguous


def test_the_growth_stops_at_its_deadline_and_fills_in_the_rest():
    graph, bases = wide_grid()
    k = len(bases)
    target = graph.measures.sum(axis=0) / k
    locks = np.full(graph.size, -1, dtype=np.int64)
    gc.collect()
    started = time.process_time()
    assign, cut = grow(graph, graph.positions(bases), target, locks,
                       deadline=time.monotonic() + 0.05)
    # the cut is the guard; the CPU bound catches a runaway (before: the whole growth,
    # 0.3-0.5 s; after 0.06-0.08 s)
    assert time.process_time() - started < 0.05 + 0.2
    assert 0 < cut < graph.size
    assert assign.min() >= 0
    assert (pieces(graph, assign, k) == 1).all()


def test_a_time_limit_shorter_than_the_seeding_stops_it():
    # 22,500 units into 900 territories with no home bases: the k-means++ seeding alone
    # makes 900 passes over every unit (0.7-1.0 s of CPU). With a tenth of a second it
    # looks at the clock before each seed and draws the rest at once: the answer comes
    # back within 0.1 s and a 0.3 s margin of CPU time, with 900 distinct seeds (every
    # territory non-empty, one piece). Before, the seeding ran to its end: 0.73-1.02 s.
    rows = 150
    rng = np.random.default_rng(3)
    graph = grid(rows, rows, rng.pareto(1.5, (rows * rows, 1)) + 0.1)
    limit = 0.1
    gc.collect()
    started = time.process_time()
    result = design(graph, 900, Settings(tolerance=0.05, time_limit=limit))
    assert time.process_time() - started < limit + 0.3
    assert result.stopped_by == "time"
    assert np.bincount(result.assignment, minlength=900).min() >= 1
    assert result.figures.contiguous


def test_seeds_drawn_at_once_after_the_deadline_are_distinct():
    graph = grid(4, 4)
    seeds = spread_seeds(graph, 16, np.ones(16), np.random.default_rng(7),
                         deadline=time.monotonic() - 1)
    assert sorted(seeds.tolist()) == list(range(16))  # 16 of 16 units: each once


def test_a_growth_with_time_left_is_not_cut():
    result = design(grid(4, 4), 2, Settings(tolerance=0.0, **FAST))
    assert result.growth_cut == 0


@pytest.mark.parametrize("budget, most_moved", [(0.0, 0), (0.125, 2), (1.0, 4)])
def test_disruption_budget_is_respected(budget, most_moved):
    graph = grid(4, 4)
    start = np.array([0] * 12 + [1] * 4)  # balancing needs 4 units moved
    result = rebalance(graph, start, 2, Settings(tolerance=0.0, budget=budget, **FAST))
    moved = int((result.assignment != start).sum())
    assert moved == most_moved
    assert result.disruption <= budget + 1e-12


def test_budget_on_a_measure_counts_its_share():
    weights = np.ones(16)
    weights[12] = 4.0  # a heavy unit in territory 1
    graph = grid(4, 4, np.column_stack([np.ones(16), weights]))
    start = np.array([0] * 12 + [1] * 4)
    result = rebalance(graph, start, 2, Settings(tolerance=0.0, weights={"m1": 0},
                                                 budget=2 / 19, budget_measure="m1", **FAST))
    assert float(weights[result.assignment != start].sum()) / weights.sum() <= 2 / 19 + 1e-12


def test_an_oversize_unit_is_reported_and_split_by_its_items():
    values = np.ones(16)
    values[0] = 12.0  # total 27, target 13.5 for 2 territories: fine; for 3 (9): too big
    graph = grid(4, 4, values.reshape(-1, 1))
    result = design(graph, 3, Settings(tolerance=0.05, **FAST))
    assert [(o.unit, o.measure) for o in result.oversize] == [("0-0", "m0")]
    assert result.oversize[0].ratio == pytest.approx(12 / 9)
    assert result.missed_by["m0"] > 0 and not result.within_tolerance
    items = Items(tuple(f"a{i}" for i in range(12)), np.ones((12, 1)))
    split = split_units(graph, {"0-0": items}, np.array([9.0]), 0.05 * 9 / 9 + 1 / 9)
    assert split.graph.size == 15 + 12
    fixed = design(split.graph, 3, Settings(tolerance=0.05, **FAST))
    assert fixed.within_tolerance and fixed.figures.contiguous
    per_unit, overrides = read_back(split, fixed.assignment, np.array([9.0]), np.array([0.05]))
    assert len(per_unit) == 16
    assert 3 <= len(overrides) <= 12 and {o.unit for o in overrides} == {"0-0"}
    assert all(o.territory != per_unit[0] and o.unit_ratio == pytest.approx(12 / 9)
               for o in overrides)


def test_a_unit_split_into_many_pieces_keeps_the_graph_small_and_the_design_whole():
    # two neighbouring units of 300 accounts each, split into pieces of one account, in a
    # 4 x 4 grid of empty units: pieces joined pairwise made 45,000 edges inside each unit
    # and 90,000 between the two (the size-L data's 1.5 million); on a lattice and zipped,
    # a few per piece, and a design of 10 territories on them is whole and within +-5%
    values = np.zeros(16)
    values[[5, 6]] = 300.0
    graph = grid(4, 4, values.reshape(-1, 1))
    items = {u: Items(tuple(f"{u}/{i}" for i in range(300)), np.ones((300, 1)))
             for u in ("1-1", "1-2")}
    split = split_units(graph, items, np.array([60.0]), 1 / 60)
    assert split.graph.size == 14 + 600
    assert len(split.graph.src) // 2 < 10 * 600
    result = design(split.graph, 10, Settings(tolerance=0.05, **FAST))
    assert result.figures.contiguous and result.within_tolerance


@pytest.mark.parametrize("make, code", [
    (lambda: UnitGraph.build(["a", "b"], [(0, 0), (1, 1)], [1, 1], []), "disconnected"),
    (lambda: UnitGraph.build(["a", "b"], [(0, 0), (np.nan, 1)], [1, 1], [("a", "b")]),
     "bad_coordinates"),
    (lambda: UnitGraph.build(["a", "b"], [(0, 0), (1, 1)], [1, 1], [("a", "c")]),
     "unknown_unit"),
    (lambda: UnitGraph.build(["a", "b"], [(0, 0), (1, 1)], [1, -1], [("a", "b")]),
     "bad_measures"),
])
def test_bad_graphs_are_named(make, code):
    with pytest.raises(DesignError) as error:
        design(make(), 2, Settings(**FAST))
    assert error.value.code == code


def test_more_territories_than_units_is_refused():
    with pytest.raises(DesignError) as error:
        design(grid(2, 2), 5, Settings(**FAST))
    assert error.value.code == "too_many_territories"
    assert error.value.params == {"territories": 5, "units": 4}


def test_a_unit_that_moved_is_judged_in_its_new_territory():
    # Seen on the demo: the contiguity answer cached for a unit in its old territory
    # was reused in the new one when the two territories' change counts matched, and a
    # territory was split. Line 0-1-2-3 with 4 hanging on 0; 5 is a spare territory.
    from dashboard.design.engine import _problem
    from dashboard.design.state import State

    graph = UnitGraph.build([str(i) for i in range(6)], [(i, 0) for i in range(6)],
                            np.ones(6), [("0", "1"), ("1", "2"), ("2", "3"), ("4", "0"),
                                         ("5", "3")])
    problem, _ = _problem(graph, 3, Settings(), None)
    state = State(problem, np.array([0, 0, 1, 1, 0, 2]))
    for _ in range(2):  # territory 0 changes four times, 1 not at all
        state.move(4, 2)
        state.move(4, 0)
    assert state.keeps_connected(1)  # in territory 0 it is an end of the line
    state.move(1, 1)
    state.move(0, 1)
    state.move(3, 2)
    state.move(3, 1)  # now territory 1 is 0-1-2-3 and has changed four times too
    assert not state.keeps_connected(1)  # 0 hangs on 1 alone


def test_a_territory_behind_a_bridge_and_empty_units_is_fed():
    # Seen on the demo: Alaska reaches the rest only through one county whose leaving
    # would cut its territory in two, and the counties beyond hold no accounts, so no
    # single move helps and the territory stayed at 0.1 x the mean. Here a0-a1 (0) reach
    # the line x-q1-q2-q3-h1..h4 through x, on which p1-p2-p3 hang; only h* weigh 1.
    names = ["a0", "a1", "x", "p1", "p2", "p3", "q1", "q2", "q3", "h1", "h2", "h3", "h4"]
    edges = [("a0", "a1"), ("a1", "x"), ("x", "p1"), ("p1", "p2"), ("p2", "p3"), ("x", "q1"),
             ("q1", "q2"), ("q2", "q3"), ("q3", "h1"), ("h1", "h2"), ("h2", "h3"), ("h3", "h4")]
    weights = [1.0 if n.startswith("h") else 0.0 for n in names]
    graph = UnitGraph.build(names, [(i, 0) for i in range(len(names))], weights, edges)
    for flow, kinds in ((False, {"transfer"}), (True, {"flow"})):  # either step feeds it
        result = rebalance(graph, np.array([0, 0] + [1] * 11), 2,
                           Settings(tolerance=0.05, flow=flow, **FAST))
        assert np.bincount(result.assignment, weights=weights).tolist() == [2.0, 2.0]
        assert result.figures.contiguous
        assert kinds <= {m.kind for m in result.moves}


def test_one_flow_step_carries_a_regional_shortfall_along_the_chain():
    # a ladder 2 x 16 of unit weights in four territories of 6, 6, 6 and 14 units: the
    # first three are short together, the surplus is at the far end. Every pair but the
    # last is even, so no local move helps territory 0; the global step plans 6 units
    # 3 -> 2, 4 units 2 -> 1, 2 units 1 -> 0 and moves them in one go.
    graph = grid(2, 16)
    start = np.array([min(c // 3, 3) for r in range(2) for c in range(16)])
    assert np.bincount(start).tolist() == [6, 6, 6, 14]
    one_step = dict(max_iterations=1, time_limit=30)
    local = rebalance(graph, start, 4, Settings(tolerance=0.05, flow=False, **one_step))
    assert np.bincount(local.assignment).tolist() != [8, 8, 8, 8]
    result = rebalance(graph, start, 4, Settings(tolerance=0.05, **one_step))
    assert np.bincount(result.assignment).tolist() == [8, 8, 8, 8]
    assert result.figures.contiguous
    assert {m.kind for m in result.moves} == {"flow"}
    assert [(m.source, m.dest) for m in result.moves].count((1, 0)) == 2
