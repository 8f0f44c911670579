"""The search's working state: an assignment with its running totals, scored and
changed one unit move at a time, and every boundary move scored at once with numpy.

Objective (lower is better), summed over territories t and measures m with
weights w_m, where d = total ÷ target − 1 and tol_m the measure's tolerance:

    w_m × (PENALTY × max(0, |d| − tol_m) + STEP × [|d| > tol_m] + d²)
        +  compactness × cut edges

The penalty puts "within tolerance" first; the step counts the territories outside
(without it the distance outside is all that counts, and the search spread a miss
over many territories just outside: at size L with splits 35% of territories within
±5%, with it 80%, the balance index 0.867 and 0.861; a step of 2 or 5 gathered the
misses into fewer territories further out, index 0.85 and 0.79); Σ d² is the
dispersion, which is what the balance index (1 − std ÷ mean) reads; cut edges are the
secondary, compactness term. A move changes two territories only, so its score change
comes from their two rows, for every candidate at once.

Scoring is incremental: the score change of every directed edge u → v (u moving
to v's territory) is kept, with each unit's count of neighbours per territory
(for the cut edges). A move of u from A to B makes stale only the edges leaving
or entering A or B; they are rescored at the next read (a chain that moves and
undoes pays once), not all edges every iteration. The edges of u's neighbours
elsewhere need nothing: the score of v → w reads the totals and counts of v's and
w's territories only, and v's neighbour counts in A or B matter only to an edge
leaving or entering A or B (rescoring every edge of every neighbour cost a million
edges per move where a county split into hundreds of pieces borders them all).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dashboard.design.graph import UnitGraph, keeps_connected

#: weight of the distance outside the tolerance band against the squared deviation
PENALTY = 100.0
#: score of a territory being outside the band at all, as much as 1 point further out
STEP = 1.0
#: score changes smaller than this are float noise, not improvements
EPSILON = 1e-12


@dataclass(frozen=True)
class Problem:
    """What the search reads and never changes."""

    graph: UnitGraph
    territories: int
    target: np.ndarray        # per measure
    tolerance: np.ndarray     # per measure
    weight: np.ndarray        # per measure
    movable: np.ndarray       # per unit
    start: np.ndarray | None  # per unit: territory at the start (rebalance) or None
    cost: np.ndarray          # per unit: its share of the disruption budget's measure
    budget: float             # largest total cost of units away from their start
    compactness: float        # score per cut edge
    tiebreak: np.ndarray      # per unit: seeded rank, breaks ties between equal scores

    def score_rows(self, totals: np.ndarray) -> np.ndarray:
        """Balance score of territory rows (..., measures) -> (...)."""
        deviation = totals / self.target - 1
        outside = np.maximum(np.abs(deviation) - self.tolerance, 0.0)
        return (self.weight * (PENALTY * outside + STEP * (outside > 0)
                               + deviation * deviation)).sum(axis=-1)

    def deviation(self, totals: np.ndarray) -> np.ndarray:
        return totals / self.target - 1


@dataclass
class Candidates:
    """Boundary moves: unit, from, to, score change (arrays of one length)."""

    unit: np.ndarray
    source: np.ndarray
    dest: np.ndarray
    delta: np.ndarray

    def __len__(self) -> int:
        return len(self.unit)

    def ordered(self, tiebreak: np.ndarray, territories: int, head: int | None = None
                ) -> np.ndarray:
        """Positions by score change, ties broken by the seeded rank (never by float
        noise); only the best ``head`` of them when given (cheaper than a full sort)."""
        rounded = np.round(self.delta, 12)
        chosen = np.arange(len(self.unit))
        if head is not None and head < len(chosen):
            cut = np.partition(rounded, head - 1)[head - 1]
            chosen = np.flatnonzero(rounded <= cut)
        order = np.lexsort((tiebreak[self.unit[chosen]] * territories + self.dest[chosen],
                            rounded[chosen]))
        return chosen[order]


class State:
    """An assignment and its running totals; ``move`` keeps them in step."""

    def __init__(self, problem: Problem, assignment: np.ndarray):
        self.problem = problem
        self.reset(assignment)

    def reset(self, assignment: np.ndarray) -> None:
        p = self.problem
        self.assign = np.asarray(assignment, dtype=np.int64).copy()
        self.owner = self.assign.tolist()  # a list mirror: fast for the breadth-first tests
        k = p.territories
        self.totals = np.stack([np.bincount(self.assign, weights=p.graph.measures[:, j],
                                            minlength=k)
                                for j in range(p.graph.measures.shape[1])], axis=1)
        self.count = np.bincount(self.assign, minlength=k)
        self.rows = p.score_rows(self.totals)
        g = p.graph
        self.cut = int(np.count_nonzero(self.assign[g.src] != self.assign[g.dst]) // 2)
        self.used = (float(p.cost[self.assign != p.start].sum()) if p.start is not None else 0.0)
        # contiguity answers stay true until the unit's territory changes: per unit, the
        # territory and its version when asked, and the answer (arrays, so that a list of
        # moves can drop the units known to split their territory at once)
        self.version = np.zeros(k, dtype=np.int64)
        self.asked_in = np.full(g.size, -1, dtype=np.int64)
        self.asked_at = np.zeros(g.size, dtype=np.int64)
        self.answer = np.zeros(g.size, dtype=bool)
        # neighbours per territory: a unit x territory table, so int16 (a count is at most
        # the unit's degree): at 22,500 units x 900 territories int64 took 162 MB, whose
        # first touch by the kernel now and then cost 0.7 s past the time limit
        self.near = np.zeros((g.size, k), dtype=np.int16)
        np.add.at(self.near, (g.src, self.assign[g.dst]), 1)
        self.edge_delta = self._score_edges(np.arange(len(g.src)))
        self.stale_territories: set[int] = set()

    def _score_edges(self, edges: np.ndarray) -> np.ndarray:
        """Score change of moving each edge's first unit to its second unit's territory
        (+inf when they share one)."""
        p = self.problem
        g = p.graph
        unit = g.src[edges]
        src, dest = self.assign[unit], self.assign[g.dst[edges]]
        row = g.measures[unit]
        delta = (p.score_rows(self.totals[src] - row) + p.score_rows(self.totals[dest] + row)
                 - self.rows[src] - self.rows[dest])
        if p.compactness:
            delta += p.compactness * (self.near[unit, src] - self.near[unit, dest])
        # a unit that cannot move, or would empty its territory, has no move
        delta[(src == dest) | ~p.movable[unit] | (self.count[src] <= 1)] = np.inf
        return delta

    def _refresh(self) -> None:
        """Rescore the edges the moves since the last read made stale."""
        if not self.stale_territories:
            return
        g = self.problem.graph
        stale = np.zeros(self.problem.territories, dtype=bool)
        stale[list(self.stale_territories)] = True
        inside = np.flatnonzero(stale[self.assign])
        leaving = g.edges_of(inside)
        edges = np.concatenate([leaving, g.reverse[leaving]])
        self.edge_delta[edges] = self._score_edges(edges)
        self.stale_territories.clear()

    @property
    def score(self) -> float:
        return float(self.rows.sum()) + self.problem.compactness * self.cut

    def move(self, unit: int, dest: int) -> None:
        p = self.problem
        source = self.owner[unit]
        row = p.graph.measures[unit]
        self.totals[source] -= row
        self.totals[dest] += row
        self.count[source] -= 1
        self.count[dest] += 1
        self.rows[[source, dest]] = p.score_rows(self.totals[[source, dest]])
        self.cut += int(self.near[unit, source] - self.near[unit, dest])
        around = p.graph.neighbours[unit]
        self.near[around, source] -= 1
        self.near[around, dest] += 1
        self.stale_territories.update((source, dest))
        if p.start is not None:
            home = p.start[unit]
            self.used += p.cost[unit] * (int(dest != home) - int(source != home))
        self.assign[unit] = dest
        self.owner[unit] = dest
        self.version[source] += 1
        self.version[dest] += 1

    def keeps_connected(self, unit: int) -> bool:
        """Whether the piece of its territory ``unit`` sits in stays one piece without it
        (:func:`dashboard.design.graph.keeps_connected`), remembered until the
        territory changes."""
        territory = self.owner[unit]
        version = self.version[territory]
        if self.asked_in[unit] == territory and self.asked_at[unit] == version:
            return bool(self.answer[unit])
        answer = keeps_connected(self.problem.graph.neighbours, self.owner, unit)
        self.asked_in[unit], self.asked_at[unit], self.answer[unit] = territory, version, answer
        return answer

    def known_to_split(self, units: np.ndarray) -> np.ndarray:
        """Per unit, whether it is known (asked since its territory last changed) that its
        territory would fall apart without it."""
        territory = self.assign[units]
        return ((self.asked_in[units] == territory)
                & (self.asked_at[units] == self.version[territory]) & ~self.answer[units])

    def candidates(self, source: int | None = None, exclude: int = -1,
                   head: int | None = None) -> Candidates:
        """Every boundary move (unit to a bordering territory), scored, before the
        contiguity test; only from ``source`` when given, never of ``exclude``; only about
        the best ``head`` when given (cheaper than all). A move is listed once per
        neighbour the unit has in the destination.

        Filters: the unit is movable, its territory keeps at least one unit, and the
        move fits what is left of the disruption budget.
        """
        self._refresh()
        p = self.problem
        g = p.graph
        if source is not None:
            edges = g.edges_of(np.flatnonzero(self.assign == source))
        elif head is not None and 2 * head < len(self.edge_delta):
            edges = np.argpartition(self.edge_delta, 2 * head)[:2 * head]
        else:
            edges = np.arange(len(g.src))
        delta = self.edge_delta[edges]
        ok = np.isfinite(delta)
        unit, dest = g.src[edges], self.assign[g.dst[edges]]
        if exclude >= 0:
            ok &= unit != exclude
        src = self.assign[unit]
        if p.start is not None and np.isfinite(p.budget):
            home = p.start[unit]
            extra = p.cost[unit] * ((dest != home).astype(float) - (src != home))
            ok &= self.used + extra <= p.budget + 1e-12
        return Candidates(unit[ok], src[ok], dest[ok], delta[ok])
