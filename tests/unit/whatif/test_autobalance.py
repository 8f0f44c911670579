"""Auto-balance (issue 5 item 5): hand-worked greedy moves on a 3×3 grid of
counties, the invariants every proposal must keep (contiguity, locks, budget,
balance never lower, determinism) and the demo target (< 30 s, balance up)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard.geo.us_atlas import is_contiguous
from dashboard.metrics.balance import balance_index, disruption, territory_workload
from dashboard.metrics.frames import build_frames
from dashboard.storage.schema import Dataset
from dashboard.storage.schema import frame_from_rows as _frame
from dashboard.whatif.autobalance import (
    Proposal,
    SearchOptions,
    suggest_rebalance,
    tradeoff_curve,
)
from dashboard.whatif.autobalance_graph import CountyGraph
from dashboard.whatif.changeset import Changes, apply

AS_OF = date(2026, 2, 14)  # T12 = 2025-02-15 .. 2026-02-14

#   1 2 3      counties 0000k on a 3×3 grid, bordering left/right/up/down
#   4 5 6
#   7 8 9
GRID = {k: [k - 3, k + 3] + ([k - 1] if k % 3 != 1 else []) + ([k + 1] if k % 3 else [])
        for k in range(1, 10)}
ADJACENCY = {f"{k:05d}": {f"{n:05d}" for n in ns if 1 <= n <= 9} for k, ns in GRID.items()}
AREAS = pd.Series({f"{k:05d}": 100.0 * k for k in range(1, 10)})

# T1 holds the left two columns (potential 90), T2 the right one (30): mean 60.
TWO = {1: "T1", 2: "T1", 4: "T1", 5: "T1", 7: "T1", 8: "T1", 3: "T2", 6: "T2", 9: "T2"}
TWO_POTENTIAL = {1: 10, 2: 14, 4: 10, 5: 40, 7: 10, 8: 6, 3: 10, 6: 12, 9: 8}
# T1 is a T shape (top row and middle column, 100): 00005 is its cut vertex
# for 00008. T2 = {4, 7} (20), T3 = {6, 9} (16).
THREE = {1: "T1", 2: "T1", 3: "T1", 5: "T1", 8: "T1", 4: "T2", 7: "T2", 6: "T3", 9: "T3"}
THREE_POTENTIAL = {1: 9, 2: 10, 3: 11, 5: 58, 8: 12, 4: 10, 7: 10, 6: 8, 9: 8}




def make_frames(owner, potential, extra_accounts=(), extra_counties=()):
    """One account A<k> per grid county k with the given potential and one
    won deal of 100 closing inside T12, so every county carries 1/9 of the
    bookings and of the accounts. ``extra_accounts`` adds (id, county k,
    potential, override) rows without deals."""
    tids = sorted(set(owner.values()))
    accounts = [(f"A{k}", f"{k:05d}", p, None) for k, p in sorted(potential.items())]
    accounts += list(extra_accounts)
    return build_frames(Dataset(
        territories=_frame("territories", [(t, f"Name {t}", "East") for t in tids]),
        alignment=_frame("alignment", [(f"{k:05d}", t) for k, t in sorted(owner.items())]
                         + list(extra_counties)),
        accounts=_frame("accounts", [
            (a, a, f"{k:05d}" if isinstance(k, int) else k, None, None, None, None, p, None,
             None, override) for a, k, p, override in accounts]),
        opportunities=_frame("opportunities", [
            (f"O{k}", f"A{k}", 100.0, "Closed Won", "won", "2025-01-01", "2025-06-01")
            for k in sorted(potential)]),
    ))


def run(frames, adjacency=ADJACENCY, budget=1.0, progress=None, should_stop=None,
        **options) -> Proposal:
    options.setdefault("as_of", AS_OF)
    return suggest_rebalance(frames, AREAS, adjacency, budget, SearchOptions(**options),
                             progress=progress, should_stop=should_stop)


def trail(proposal):
    return [(m.county_fips, m.from_tid, m.to_tid) for m in proposal.moves]


def final_alignment(frames, proposal) -> pd.Series:
    alignment = frames.alignment["territory_id"].astype(object).copy()
    for fips, tid in proposal.county_moves.items():
        alignment[fips] = tid
    return alignment


def assert_contiguous(alignment, adjacency, exempt=()):
    for tid, members in alignment.groupby(alignment).groups.items():
        if tid not in exempt:
            assert is_contiguous(members, adjacency), f"{tid} split into pieces"


@pytest.mark.parametrize(
    "options, expected_trail, expected_balances",
    [
        # Before: 90 / 30, mean 60, std 30 -> 0.5. Best first move 00005 (40) to T2:
        # 50 / 70, std 10 -> 1 - 10/60 = 0.8333 (00002 gives 0.7333, 00008 0.6).
        # Then 00003 (10) back to T1: 60 / 60 -> 1 (00009 gives 58 / 62 -> 0.9667).
        ({}, [("00005", "T1", "T2"), ("00003", "T2", "T1")], [5 / 6, 1.0]),
        # 00005 locked: 00002 (14) first -> 76 / 44, 0.7333; then 00001 (10) -> 66 / 54,
        # 0.9 (00008 gives 70 / 50, 0.8333); then 00008 (6) -> 60 / 60, 1.
        ({"locked_counties": ["00005"]},
         [("00002", "T1", "T2"), ("00001", "T1", "T2"), ("00008", "T1", "T2")],
         [1 - 16 / 60, 0.9, 1.0]),
        # a locked account pins its county the same way
        ({"locked_accounts": ["A5"]},
         [("00002", "T1", "T2"), ("00001", "T1", "T2"), ("00008", "T1", "T2")],
         [1 - 16 / 60, 0.9, 1.0]),
        ({"locked_territories": ["T2"]}, [], []),
        ({"locked_territories": ["T1"]}, [], []),
        # each county carries 1/9 of bookings and of accounts: 10% fits no move,
        # 12% only the first, 25% both
        ({"budget": 0.0}, [], []),
        ({"budget": 0.10}, [], []),
        ({"budget": 0.12}, [("00005", "T1", "T2")], [5 / 6]),
        ({"budget": 0.12, "budget_measure": "accounts"}, [("00005", "T1", "T2")], [5 / 6]),
        ({"budget": 0.25}, [("00005", "T1", "T2"), ("00003", "T2", "T1")], [5 / 6, 1.0]),
        ({"max_moves": 1}, [("00005", "T1", "T2")], [5 / 6]),
    ],
)
def test_hand_worked_moves_on_two_territories(options, expected_trail, expected_balances):
    proposal = run(make_frames(TWO, TWO_POTENTIAL), **options)
    assert trail(proposal) == expected_trail
    assert [m.balance_after for m in proposal.moves] == pytest.approx(expected_balances)
    assert proposal.balance_before == pytest.approx(0.5)
    assert proposal.balance_after == pytest.approx(([0.5] + expected_balances)[-1])
    assert proposal.disruption == pytest.approx(len(expected_trail) / 9)


def test_reason_names_the_figures():
    first = run(make_frames(TWO, TWO_POTENTIAL), county_names={"00005": "Centre"}).moves[0]
    assert first.county_name == "Centre"
    assert first.reason == (
        "moves 1 account, $40 potential, $100 trailing-12-month bookings, "
        "from T1 Name T1 (potential 1.50× mean) to T2 Name T2 (0.50×)"
    )


def test_a_cut_vertex_never_moves():
    """00005 -> T3 would be best (42 / 20 / 74, balance 0.511) but would cut
    00008 off from T1; so would 00005 -> T2. The first move is therefore
    00008 -> T3: 88 / 20 / 28, mean 45.33, std 30.35, balance 0.3306."""
    frames = make_frames(THREE, THREE_POTENTIAL)
    proposal = run(frames, max_moves=1)
    assert trail(proposal) == [("00008", "T1", "T3")]
    assert proposal.balance_after == pytest.approx(balance_index([88, 20, 28]))
    assert proposal.balance_after == pytest.approx(0.3306, abs=1e-4)
    assert_contiguous(final_alignment(frames, run(frames)), ADJACENCY)


ISLAND = {**TWO, 10: "T3"}


@pytest.mark.parametrize(
    "water_links, exempt, expected_first_into_island",
    [
        # the island 00010 (T3, potential 0) reaches 00003 only over water
        ([("00003", "00010")], [], ("00003", "T2", "T3")),
        ([("00003", "00010")], ["T3"], None),  # exempt: never trades across water
        ([], [], None),  # no link: the island borders nobody
    ],
)
def test_water_links_and_exempt_territories(water_links, exempt, expected_first_into_island):
    frames = make_frames(ISLAND, {**TWO_POTENTIAL, 10: 0})
    proposal = run(frames, water_links=water_links, exempt_territories=exempt)
    into_island = [t for t in trail(proposal) if "T3" in t[1:]]
    assert into_island[:1] == ([expected_first_into_island] if expected_first_into_island
                               else [])
    linked = {k: set(v) for k, v in ADJACENCY.items()} | {"00010": set()}
    for a, b in water_links:
        linked[a].add(b)
        linked[b].add(a)
    assert_contiguous(final_alignment(frames, proposal), linked)


def test_overrides_stay_put_and_figures_match_the_balance_module():
    """Named accounts count in their override territory and do not follow
    their county; the proposal's before/after equal what dashboard.metrics.balance
    computes on the frames, for every metric, and its disruption equals
    dashboard.metrics.balance.disruption."""
    extra = [("X1", 5, 25.0, "T2"), ("X2", 9, 7.0, "T1"), ("X3", 1, 3.0, None)]
    frames = make_frames(TWO, TWO_POTENTIAL, extra)
    for metric in ("potential", "accounts", "workload"):
        for measure in ("bookings", "accounts"):
            proposal = run(frames, metric=metric, budget=0.5, budget_measure=measure)
            after = apply(frames, Changes(county_moves=proposal.county_moves))
            assert proposal.balance_before == pytest.approx(
                balance_index(territory_workload(frames, AREAS)[metric]))
            assert proposal.balance_after == pytest.approx(
                balance_index(territory_workload(after, AREAS)[metric]))
            moved = disruption(frames, frames.accounts["territory_id"],
                               after.accounts["territory_id"], AS_OF)
            assert proposal.disruption == pytest.approx(moved[measure])
            assert after.accounts.loc["X1", "territory_id"] == "T2"
            assert after.accounts.loc["X2", "territory_id"] == "T1"


@pytest.mark.parametrize("metric", ["potential", "accounts", "workload"])
@pytest.mark.parametrize("seed", [0, 7, 123])
@pytest.mark.parametrize("layout", ["two", "three"])
def test_invariants(metric, seed, layout):
    owner, potential = (TWO, TWO_POTENTIAL) if layout == "two" else (THREE, THREE_POTENTIAL)
    frames = make_frames(owner, potential)
    locks = {"locked_counties": ["00002"], "locked_accounts": ["A9"]}
    proposal = run(frames, metric=metric, seed=seed, budget=0.4, **locks)
    again = run(frames, metric=metric, seed=seed, budget=0.4, **locks)
    assert proposal.moves == again.moves and proposal.county_moves == again.county_moves
    alignment = final_alignment(frames, proposal)
    assert_contiguous(alignment, ADJACENCY)
    assert set(alignment) == set(owner.values())  # no territory emptied
    assert not {"00002", "00009"} & set(proposal.county_moves)
    assert proposal.disruption <= 0.4 + 1e-12
    balances = [proposal.balance_before] + [m.balance_after for m in proposal.moves]
    assert all(b > a for a, b in zip(balances, balances[1:], strict=False))
    assert len(proposal.county_moves) == len(proposal.moves)  # a county moves once


def test_seed_only_breaks_ties():
    """With 00003 and 00009 equal (10 each) the second move is a tie the seed
    decides; the balance reached is the same."""
    potential = {**TWO_POTENTIAL, 2: 10, 8: 10, 6: 10, 9: 10}  # 90 / 30 again
    frames = make_frames(TWO, potential)
    results = {seed: run(frames, seed=seed) for seed in range(8)}
    assert {trail(p)[0] for p in results.values()} == {("00005", "T1", "T2")}
    assert {trail(p)[1][0] for p in results.values()} == {"00003", "00009"}
    assert {round(p.balance_after, 12) for p in results.values()} == {1.0}


def test_progress_and_cancel():
    calls = []
    proposal = run(make_frames(TWO, TWO_POTENTIAL), progress=lambda d, t: calls.append((d, t)),
                   max_moves=10)
    assert calls == [(1, 10), (2, 10), (10, 10)] and not proposal.cancelled
    stopped = run(make_frames(TWO, TWO_POTENTIAL), should_stop=lambda: True)
    assert stopped.moves == () and stopped.cancelled
    assert stopped.balance_after == stopped.balance_before


def test_bad_options_are_refused():
    frames = make_frames(TWO, TWO_POTENTIAL)
    with pytest.raises(ValueError, match="metric"):
        run(frames, metric="bookings")
    with pytest.raises(ValueError, match="budget_measure"):
        run(frames, budget_measure="pipeline")


def test_graph_keeps_connected_is_the_articulation_test():
    graph = CountyGraph.build([f"{k:05d}" for k in range(1, 10)], ADJACENCY)
    owner = np.array([0 if THREE[k] == "T1" else 1 for k in range(1, 10)])
    cut = {k for k in range(1, 10) if not graph.keeps_connected(k - 1, owner)}
    assert cut == {2, 5}  # 2 joins 1 and 3 to 5; 5 joins 8


def test_one_options_value_serves_the_curve_and_the_proposal():
    """The what-if job builds its options once for both searches: locks given
    as a one-shot iterable still hold in the second (00005 stays put)."""
    frames = make_frames(TWO, TWO_POTENTIAL)
    options = SearchOptions(as_of=AS_OF, locked_counties=iter(["00005"]))
    curve = tradeoff_curve(frames, AREAS, ADJACENCY, (1.0,), options)
    proposal = suggest_rebalance(frames, AREAS, ADJACENCY, 1.0, options)
    assert trail(proposal) == trail(run(frames, locked_counties=["00005"]))
    assert curve["moves"].tolist() == [len(proposal.moves)] == [3]


def test_tradeoff_curve_matches_single_runs():
    frames = make_frames(TWO, TWO_POTENTIAL)
    curve = tradeoff_curve(frames, AREAS, ADJACENCY, (0.0, 0.12, 0.25),
                           SearchOptions(as_of=AS_OF))
    assert curve["moves"].tolist() == [0, 1, 2]
    assert curve["balance_after"].tolist() == pytest.approx([0.5, 5 / 6, 1.0])
    assert curve["disruption"].tolist() == pytest.approx([0, 1 / 9, 2 / 9])


@pytest.fixture(scope="module")
def demo():
    from dashboard.demo.dataset import generate_demo
    from dashboard.geo.us_atlas import county_adjacency, load_counties

    dataset, manifest = generate_demo()
    adjacency = {k: set(v) for k, v in county_adjacency().items()}
    for a, b in manifest["water_links"]:
        adjacency[a].add(b)
        adjacency[b].add(a)
    return (build_frames(dataset), load_counties()["area_km2"], adjacency, manifest)


def test_demo_rebalance_at_ten_percent_of_bookings(demo):
    frames, areas, adjacency, manifest = demo
    exempt = list(manifest["contiguity_exempt"])
    as_of = date.fromisoformat(manifest["as_of"])
    options = SearchOptions(metric="potential", budget_measure="bookings",
                            exempt_territories=exempt, water_links=manifest["water_links"],
                            as_of=as_of, locked_territories=["T01"], locked_counties=["48113"])
    proposal = suggest_rebalance(frames, areas, adjacency, 0.10, options)
    assert proposal.balance_after > proposal.balance_before + 0.02
    assert proposal.disruption <= 0.10 + 1e-12
    alignment = final_alignment(frames, proposal)
    assert_contiguous(alignment, adjacency, exempt)
    after = apply(frames, Changes(county_moves=proposal.county_moves))
    moved = disruption(frames, frames.accounts["territory_id"], after.accounts["territory_id"],
                       as_of)
    assert moved["bookings"] <= 0.10 + 1e-9
    assert proposal.balance_after == pytest.approx(
        balance_index(territory_workload(after, areas)["potential"]))
    touched = {t for m in proposal.moves for t in (m.from_tid, m.to_tid)}
    assert not touched & {"T01", *exempt} and "48113" not in proposal.county_moves
    assert suggest_rebalance(frames, areas, adjacency, 0.10, options).moves == proposal.moves
