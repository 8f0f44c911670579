"""The improvement search: tabu local search over boundary moves, with ejection
chains (of which a swap is the case that comes back) and perturbation restarts.

Each iteration scores every boundary move (:meth:`State.candidates`) and takes
the best *admissible* one that keeps its territory contiguous: admissible means
not tabu (a unit may not go back to the territory it just left for a few
iterations) unless it gives a new best (aspiration). When that move does not
improve the score, an ejection chain is tried first: from each of the best few
moves u: A → B, the best follow-up move out of B (B → C, C may be A: a swap), and
from C once more; the chain is kept when its total improves. When no chain
improves either, the best admissible move is taken anyway (the tabu step that
leaves a local optimum). After ``patience`` iterations without a new best, the
search goes back to the best assignment and, while some territory is outside its
tolerance, tries exchanges for it (:mod:`dashboard.design.repair`: a unit out and a
run of units back or on, the finish lumpy units need); else it kicks it with a few
random moves;
after ``restarts`` kicks in a row without a new best it has converged (after ``settled``
once every territory is within its tolerance: what is left to gain is dispersion and
compactness only).

Every taken move is logged with its reason; going back to the best cuts the log
to the path that reached it, so the result's moves lead from the start to the
answer, and a unit may appear in it more than once. The seed drives the tie
breaks, the tabu tenures and the kicks: the same seed and the same iteration
count give the same answer (a time limit or a cancel decides only where it stops).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dashboard.design.flow import step
from dashboard.design.repair import outside, repair
from dashboard.design.state import EPSILON, State
from dashboard.design.transfer import find_transfer

#: how many of the best first moves an ejection chain starts from
CHAIN_WIDTH = 4
#: moves in one chain at most
CHAIN_DEPTH = 3
#: the best moves sorted each iteration (then the best ``WIDE``, then all of them, only
#: when none of these is feasible: sorting all of a split graph's 100,000 moves took
#: 25 ms, at size L most of an iteration)
HEAD = 64
WIDE = 2048
#: transfers tried in one iteration at most (the most uneven bordering pairs first)
TRANSFER_ATTEMPTS = 12


@dataclass(frozen=True)
class Move:
    """One unit changing territory, and why.

    ``kind``: ``balance`` (it brought ``territory``'s ``measure`` closer to target:
    ``before`` and ``after`` are its deviations, total ÷ target − 1), ``compactness``
    (balance unchanged, fewer cut edges), ``chain`` (part of an ejection chain or an
    exchange, :mod:`dashboard.design.repair`, that improves as a whole; the reason names
    what the chain's move fixed), ``escape``
    (a tabu step or a kick out of a local optimum, later undone or built upon),
    ``transfer`` (one of a run of units taken from a bordering territory that improves
    as a whole: :mod:`dashboard.design.transfer`), ``flow`` (one of the units carrying a
    balanced flow of load between territories, the global step of
    :mod:`dashboard.design.flow`; ``territory`` is the one whose load it brought closer).
    """

    unit: int
    source: int
    dest: int
    kind: str
    territory: int
    measure: int
    before: float
    after: float


@dataclass(frozen=True)
class Progress:
    """What a progress callback gets: the best so far."""

    iteration: int
    seconds: float
    score: float
    assignment: np.ndarray


@dataclass
class Outcome:
    assignment: np.ndarray
    score: float
    moves: list[Move]
    iterations: int
    stopped_by: str   # converged, iterations, time, cancelled, no_moves


@dataclass(frozen=True)
class Limits:
    time_limit: float = 60.0
    max_iterations: int | None = None
    patience: int = 200
    restarts: int = 30
    kick: int = 8
    flow: bool = True   # the global flow step at the start and after a stall that improved
    settled: int = 3    # kicks in a row without a new best once every territory is within


def _reason(state: State, unit: int, dest: int, kind: str) -> Move:
    """The (territory, measure) this move brings closest to its target."""
    p = state.problem
    source = state.owner[unit]
    row = p.graph.measures[unit]
    before = p.deviation(state.totals[[source, dest]])
    after = p.deviation(state.totals[[source, dest]] + np.stack([-row, row]))
    gain = np.where(p.weight > 0, np.abs(before) - np.abs(after), -np.inf)
    side, measure = np.unravel_index(int(np.argmax(gain)), gain.shape)
    if kind == "balance" and gain[side, measure] <= EPSILON:
        kind = "compactness"
    return Move(unit, source, dest, kind, (source, dest)[side], int(measure),
                float(before[side, measure]), float(after[side, measure]))


class Search:
    """One run of the improvement search on a :class:`State`."""

    def __init__(self, state: State, limits: Limits, seed: int,
                 progress: Callable[[Progress], None] | None = None,
                 should_stop: Callable[[], bool] | None = None, moves: list[Move] | None = None,
                 started: float | None = None):
        self.state, self.limits = state, limits
        self.rng = np.random.default_rng(seed)
        self.progress, self.should_stop = progress, should_stop
        p = state.problem
        self.tabu = np.zeros((p.graph.size, p.territories), dtype=np.int64)
        self.log: list[Move] = list(moves or [])
        self.best = state.assign.copy()
        self.best_score = state.score
        self.best_log = list(self.log)
        self.iteration = 0
        self.failed: set = set()  # transfers that did not improve (see transfer.py)
        self.unrepaired: set = set()  # territories no exchange helped (see repair.py)
        # the clock runs from ``started`` (the design's start: its time limit covers the
        # seeding and the state's set-up too), else from now
        self.started = time.monotonic() if started is None else started
        self.reported = 0.0

    def take(self, unit: int, dest: int, kind: str) -> None:
        state = self.state
        self.log.append(_reason(state, unit, dest, kind))
        source = state.owner[unit]
        state.move(unit, dest)
        self.tabu[unit, source] = self.iteration + 5 + int(self.rng.integers(0, 10))

    def _first_feasible(self, cands, order, allowed) -> int:
        # the units already known to split their territory are passed over at once
        order = order[allowed[order] & ~self.state.known_to_split(cands.unit[order])]
        for position in order.tolist():
            if self.state.keeps_connected(int(cands.unit[position])):
                return position
        return -1

    def _best_move(self, head: int | None):
        """The candidates (the best ``head`` of them, or all), their order, which are
        admissible (not tabu, or a new best), and the best admissible feasible one."""
        state, p = self.state, self.state.problem
        cands = state.candidates(head=head)
        order = cands.ordered(p.tiebreak, p.territories)
        allowed = ((self.tabu[cands.unit, cands.dest] <= self.iteration)
                   | (state.score + cands.delta < self.best_score - EPSILON))
        return cands, order, allowed, self._first_feasible(cands, order, allowed)

    def _transfer(self) -> bool:
        """Take the first improving transfer (:mod:`dashboard.design.transfer`)."""
        found = find_transfer(self.state, self.failed, TRANSFER_ATTEMPTS)
        if found is None:
            return False
        receiver, _giver, units = found
        for unit in units:
            self.take(unit, receiver, "transfer")
        return True

    def _flow(self) -> bool:
        """The global step (:mod:`dashboard.design.flow`): plan the balanced flow between
        bordering territories and realise it; whether any unit moved. Not under a
        disruption budget (the flow spends it on a plan, not on the best moves)."""
        p = self.state.problem
        if p.start is not None and np.isfinite(p.budget):
            return False  # it plans moves no disruption budget pays for: local moves only
        return step(self.state, lambda unit, dest: self.take(unit, dest, "flow"),
                    lambda: self._stop_reason() is not None,
                    seconds_left=lambda: self.limits.time_limit
                    - (time.monotonic() - self.started))

    def _repair(self) -> bool:
        """Exchanges (:mod:`dashboard.design.repair`) for the territories outside their
        tolerance, one after another while they improve; whether any did."""
        found = False
        while outside(self.state).size and repair(
                self.state, lambda unit, dest: self.take(unit, dest, "chain"),
                lambda: self._stop_reason() is not None, self.unrepaired):
            found = True
        return found

    def _chain(self, cands, order, allowed) -> bool:
        """Try ejection chains from the best few admissible moves; keep the first that
        improves the score as a whole."""
        state, p = self.state, self.state.problem
        tried = 0
        for position in order:
            if tried >= CHAIN_WIDTH:
                break
            if not allowed[position]:
                continue
            unit, dest = int(cands.unit[position]), int(cands.dest[position])
            if not state.keeps_connected(unit):
                continue
            tried += 1
            base = state.score
            chain = [(unit, state.owner[unit], dest)]
            state.move(unit, dest)
            while len(chain) < CHAIN_DEPTH:
                follow = state.candidates(source=chain[-1][2], exclude=chain[-1][0])
                if not len(follow):
                    break
                step_order = follow.ordered(p.tiebreak, p.territories, head=20)
                pick = self._first_feasible(follow, step_order[:20],
                                            np.ones(len(follow), dtype=bool))
                if pick < 0:
                    break
                nxt = (int(follow.unit[pick]), chain[-1][2], int(follow.dest[pick]))
                chain.append(nxt)
                state.move(nxt[0], nxt[2])
                if state.score < base - EPSILON:
                    for u, src, _dst in reversed(chain):  # replay with reasons and tabu
                        state.move(u, src)
                    for u, _src, dst in chain:
                        self.take(u, dst, "chain")
                    return True
            for u, src, _dst in reversed(chain):
                state.move(u, src)
        return False

    def _kick(self) -> None:
        """A few random feasible boundary moves from the best assignment."""
        for _ in range(self.limits.kick):
            cands = self.state.candidates()
            if not len(cands):
                return
            for position in self.rng.permutation(len(cands))[:10]:
                unit = int(cands.unit[position])
                if self.state.keeps_connected(unit):
                    self.take(unit, int(cands.dest[position]), "escape")
                    break

    def _improved(self) -> bool:
        """Keep the state as the best when it beats it (with the path that led there)."""
        state = self.state
        if state.score < self.best_score - EPSILON:
            self.best, self.best_score = state.assign.copy(), state.score
            self.best_log = list(self.log)
            self._report()
            return True
        return False

    def _within(self) -> bool:
        """Whether every territory is within the tolerance on every weighted measure."""
        p = self.state.problem
        outside = np.abs(p.deviation(self.state.totals)) > p.tolerance + 1e-12
        return not outside[:, p.weight > 0].any()

    def _stop_reason(self) -> str | None:
        if self.limits.max_iterations is not None and self.iteration >= self.limits.max_iterations:
            return "iterations"
        if time.monotonic() - self.started >= self.limits.time_limit:
            return "time"
        if self.should_stop is not None and self.should_stop():
            return "cancelled"
        return None

    def _report(self, force: bool = False) -> None:
        now = time.monotonic() - self.started
        if self.progress is not None and (force or now - self.reported >= 0.25):
            self.reported = now
            self.progress(Progress(self.iteration, now, self.best_score, self.best.copy()))

    def run(self) -> Outcome:
        state = self.state
        stale, kicks = 0, 0
        stopped = None
        flowed_at = self.best_score  # the best when the last flow step was taken
        if self.limits.flow and self._stop_reason() is None and self._flow():
            self._improved()
        while (stopped := self._stop_reason()) is None:
            self.iteration += 1
            cands, order, allowed, pick = self._best_move(HEAD)
            if pick < 0:  # none of the best few is feasible: look further
                cands, order, allowed, pick = self._best_move(WIDE)
            if pick < 0:  # nor of the best many: look at every move
                cands, order, allowed, pick = self._best_move(None)
            if not len(cands):
                stopped = "no_moves"
                break
            if pick >= 0 and cands.delta[pick] < -EPSILON:
                self.take(int(cands.unit[pick]), int(cands.dest[pick]), "balance")
            elif not self._transfer() and not self._chain(cands, order, allowed):
                if pick >= 0:
                    self.take(int(cands.unit[pick]), int(cands.dest[pick]), "escape")
                elif self._first_feasible(cands, order, np.ones(len(cands), bool)) < 0:
                    stopped = "no_moves"  # every move would split a territory
                    break
            if self._improved():
                stale, kicks = 0, 0
                continue
            stale += 1
            if stale >= self.limits.patience:
                state.reset(self.best)
                if self._repair() and self._improved():
                    stale, kicks = 0, 0
                    continue
                if kicks >= (min(self.limits.restarts, self.limits.settled)
                             if self._within() else self.limits.restarts):
                    stopped = "converged"
                    break
                kicks, stale = kicks + 1, 0
                self.log = list(self.best_log)
                # a flow step again when the last one led to a new best, else a kick
                if (self.limits.flow and self.best_score < flowed_at - EPSILON
                        and self._flow()):
                    kicks = 0 if self._improved() else kicks
                else:
                    self._kick()
                flowed_at = min(flowed_at, self.best_score)
        self._report(force=True)
        return Outcome(self.best, self.best_score, self.best_log, self.iteration, stopped)
