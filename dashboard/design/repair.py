"""Repair: exchanges that bring a territory still outside its tolerance back in.

Where units are lumpy, a territory can sit outside the band with no single move,
chain or transfer that helps: on the demo with the counties above 0.4 × the target
split, a territory of five counties each 0.16-0.35 of a target sat at +8.2%; any
county it gives puts it below −5%, and its neighbours hold no piece small enough
to even it out one at a time. An exchange gives one border unit ``u`` of the
territory outside to a bordering territory and then evens out what that overshot
with a run of units (:func:`dashboard.design.transfer.take_run`): the first
territory takes smaller units back from the second, or the second hands a run on
to one of its other neighbours (an ejection along a path of two borders), or, for
a territory below the band, the same the other way round (it takes ``u`` and gives
back or passes on a run). ``u`` itself is held still while the run is chosen. An
exchange is kept when the whole of it improves the score; the territories outside
are tried worst first, and a territory that found none is not tried again until it
changes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dashboard.design.state import EPSILON, State
from dashboard.design.transfer import take_run

#: border units of one territory tried at most per repair
MAX_UNITS = 8
#: runs tried to even out one unit's move at most
MAX_RUNS = 6
#: steps of such a run at most, and without a better pair
RUN_STEPS, RUN_PATIENCE = 24, 8


def outside(state: State) -> np.ndarray:
    """Territories outside the tolerance on some weighted measure, furthest out first,
    and by how much (per territory, its largest distance outside the band)."""
    p = state.problem
    beyond = np.maximum(np.abs(p.deviation(state.totals)) - p.tolerance, 0.0)
    excess = np.where(p.weight > 0, beyond, 0.0).max(axis=1)
    order = np.lexsort((np.arange(len(excess)), -excess))
    return order[excess[order] > 1e-12]


def _compensations(state: State, giver: int, receiver: int) -> list[tuple[int, int]]:
    """(receiver, giver) pairs of the runs that may even out ``u``'s move from ``giver``
    to ``receiver``: the giver takes back, or the receiver passes on to its other
    neighbours, or the giver takes from its other neighbours."""
    g = state.problem.graph
    pairs = [(giver, receiver)]
    for side, other in ((receiver, giver), (giver, receiver)):
        inside = np.flatnonzero(state.assign == side)
        around = np.unique(state.assign[g.dst[g.edges_of(inside)]])
        for c in around.tolist():
            if c not in (side, other):
                pairs.append((c, side) if side == receiver else (side, c))
    return pairs


def _exchange(state: State, unit: int, giver: int, receiver: int
              ) -> list[tuple[int, int]] | None:
    """``unit`` from ``giver`` to ``receiver`` and one run evening it out, as (unit,
    territory) steps, when the whole improves the score; None otherwise. The state is
    left as it was."""
    p = state.problem
    base = state.score
    state.move(unit, receiver)
    was = bool(p.movable[unit])
    p.movable[unit] = False  # held still while the run is chosen
    try:
        for taker, source in _compensations(state, giver, receiver)[:MAX_RUNS]:
            run = take_run(state, taker, source, RUN_STEPS, RUN_PATIENCE)
            # within the disruption budget (a rebalance's), the unit's move included
            better = (state.score < base - EPSILON
                      and state.used <= p.budget + 1e-12)
            for moved in reversed(run):
                state.move(moved, source)
            if better:
                return [(unit, receiver)] + [(moved, taker) for moved in run]
    finally:
        p.movable[unit] = was
        state.move(unit, giver)
    return None


def _border(state: State, territory: int, units: np.ndarray) -> list[int]:
    """Of ``units`` (all in one territory), the movable ones on its border that may
    leave it in one piece, in the seeded order, at most ``MAX_UNITS``."""
    p = state.problem
    g = p.graph
    units = units[p.movable[units]]
    touching = np.zeros(g.size, dtype=bool)
    edges = g.edges_of(units)
    touching[g.src[edges][state.assign[g.dst[edges]] != territory]] = True
    units = units[touching[units]]
    found = []
    for unit in units[np.argsort(p.tiebreak[units], kind="stable")].tolist():
        if state.count[state.owner[unit]] > 1 and state.keeps_connected(unit):
            found.append(unit)
            if len(found) >= MAX_UNITS:
                break
    return found


def repair(state: State, take: Callable[[int, int], None], stop: Callable[[], bool],
           failed: set) -> bool:
    """Take the first improving exchange for a territory outside its tolerance
    (``take(unit, territory)`` moves a unit for real); whether one was found. ``stop``
    is asked before each unit tried; ``failed`` remembers the territories, with their
    change counts, that found none."""
    p = state.problem
    g = p.graph
    deviation = p.deviation(state.totals)
    for territory in outside(state).tolist():
        stamp = (territory, int(state.version[territory]))
        if stamp in failed:
            continue
        over = bool((np.where(p.weight > 0, deviation[territory], 0.0) > p.tolerance).any())
        own = np.flatnonzero(state.assign == territory)
        if over:  # it gives one of its units
            tries = [(unit, territory) for unit in _border(state, territory, own)]
        else:  # it takes one of a neighbour's
            edges = g.edges_of(own)
            near = np.unique(g.dst[edges][state.assign[g.dst[edges]] != territory])
            tries = []
            for other in np.unique(state.assign[near]).tolist():
                tries += [(unit, other) for unit in
                          _border(state, other, near[state.assign[near] == other])]
        for unit, giver in tries:
            if stop():
                return False
            receivers = [territory] if not over else sorted(
                {int(state.assign[v]) for v in g.neighbours[unit]} - {territory})
            for receiver in receivers:
                steps = _exchange(state, unit, giver, receiver)
                if steps is not None:
                    for moved, dest in steps:
                        take(moved, dest)
                    return True
        failed.add(stamp)
    return False
