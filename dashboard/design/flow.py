"""The global step: a balanced flow of load between bordering territories, solved as a
linear programme (HiGHS through ``scipy.optimize.linprog``) and realised by unit moves.

Local moves and pairwise transfers fix a territory that is short while a neighbour has
too much; they cannot fix a *regional* shortfall (the demo's West: a dozen territories
side by side, all short, the surplus far east), since every pair along the way is
already even. The flow step looks at all territories at once:

1. Each territory's load is its weighted share of the targets, Σ_m w_m total/target ÷ Σ w_m
   (1 = on target). Between every two bordering territories a flow (either way) moves
   load; the programme finds the smallest total flow that brings every territory within
   a band of ±``band`` × the tolerance around the mean load (a min-cost flow: the
   shortfall in the West is met by a chain of flows from the east, each territory
   passing on part of what it receives).
2. Each flow giver → receiver (a territory's inflows before its outflows) is realised
   by moving the giver's units on their shared border to the receiver, one at a time (a
   bridge unit with what it would cut off, as in :mod:`dashboard.design.transfer`): the
   first, nearest the receiver's centre, that brings the moved load closer to the flow;
   across units holding nothing, towards the giver's load. The prefix closest to the flow
   is kept; every territory stays one piece. A territory's outflows are scaled to what it
   actually holds above its planned end load once its inflows are in, so a lumpy
   realisation upstream is absorbed rather than passed on whole.
3. A border that could not carry half its flow (one county far bigger than the flow) is
   closed and the flow planned again around it, a few rounds at most.

The realisation is lumpy (units are not divisible): the local search then polishes what
it missed. The step is deterministic: the programme's answer, the orders and the seeded
tie breaks decide everything.

The step honours a time limit inside it: HiGHS gets the seconds left (a programme it
cannot finish in time plans nothing), and each flow's realisation asks ``stop`` before
every unit it moves; when told to stop it keeps the best prefix so far and no further flow
starts. Every territory stays one piece whenever it stops.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, hstack, identity, vstack

from dashboard.design.state import State
from dashboard.design.transfer import (
    _fits,
    _shift,
    _trial_used,
    bordering_pairs,
    cut_off,
    shift_block,
)

#: the band the flow aims at, as a share of the tolerance (room for the lumpy realisation)
BAND = 0.5
#: flows smaller than this share of a target are not realised
SMALLEST = 1e-3
#: units (steps) one flow moves at most
MAX_STEPS = 120
#: steps without getting closer to the flow before it gives up
PATIENCE = 25
#: bridge units judged per step at most
MAX_BRIDGES = 3
#: cost of a unit of load left outside a territory's band, against 1 per unit of flow
SLACK = 1000.0
#: plans in one global step at most (each around the borders the last could not use)
ROUNDS = 3


def unit_load(state: State) -> np.ndarray:
    """Per unit, its share of the target of the balanced measure furthest off in some
    territory (1 = a whole territory's worth). With several measures, one at a time: a
    flow of their weighted mean left each measure a few % off on the planar benchmark
    (largest deviations 4.7%, 3.7%, 5.2% in 60 s), a flow of the worst one then the next
    reached 1.4%, 0.7%, 0.7% in 39 s."""
    p = state.problem
    weight = np.where(p.weight > 0, p.weight, 0.0)
    if (weight > 0).sum() > 1:
        worst = np.abs(p.deviation(state.totals)) * (weight > 0)
        column = int(np.argmax(worst.max(axis=0)))
        return p.graph.measures[:, column] / p.target[column]
    total = max(float(weight.sum()), 1e-300)
    return (p.graph.measures / p.target * weight).sum(axis=1) / total


def plan(state: State, load: np.ndarray, blocked: set[tuple[int, int]] = frozenset(),
         band: float = BAND, seconds: float = math.inf
         ) -> tuple[list[tuple[int, int, float]], np.ndarray]:
    """(giver, receiver, amount) flows that bring every territory's load within
    ±band × tolerance of the mean, upstream first, and the load each territory should
    end with; no flows when none is needed or the programme fails or does not finish
    within ``seconds``. ``blocked``: (giver, receiver) pairs that may carry nothing
    (their border could not carry a flow)."""
    p = state.problem
    k = p.territories
    current = np.bincount(state.assign, weights=load, minlength=k)
    mean = float(current.mean())
    positive = p.weight > 0
    tolerance = float(p.tolerance[positive].min()) if positive.any() else 0.0
    half = band * tolerance * mean
    # a territory holding a unit above the band can at best hold that unit alone; the
    # others share the rest around their own mean
    big = np.zeros(k)
    np.maximum.at(big, state.assign, load)
    over = big > mean + half
    centre = (current.sum() - big[over].sum()) / max(k - int(over.sum()), 1)
    low = np.where(over, big, centre - half)
    high = np.where(over, big, centre + half)
    if np.all((current >= low - 1e-12) & (current <= high + 1e-12)):
        return [], current
    pairs = bordering_pairs(state)
    count = len(pairs)
    if count == 0:
        return [], current
    # variables: forward flow a -> b, then backward b -> a, for each pair (a, b); then
    # per territory how far it stays above, and below, its band (costly: the band is
    # met wherever the units allow it)
    # (sparse: four entries per pair; a dense matrix of 500 territories was 10^7 cells)
    rows = np.arange(count)
    incidence = coo_matrix(
        (np.repeat([-1.0, 1.0, 1.0, -1.0], count),
         (np.concatenate([pairs[:, 0], pairs[:, 1], pairs[:, 0], pairs[:, 1]]),
          np.concatenate([rows, rows, count + rows, count + rows]))),
        shape=(k, 2 * count)).tocsr()
    # a gives forward, b receives forward, a receives backward, b gives backward
    eye = identity(k, format="csr")
    zero = coo_matrix((k, k))
    # low <= current + incidence @ f + below - above <= high ... as two inequalities
    a_ub = vstack([hstack([incidence, -eye, zero]), hstack([-incidence, zero, -eye])],
                  format="csc")
    b_ub = np.concatenate([high - current, current - low])
    cost = np.concatenate([np.ones(2 * count), np.full(2 * k, SLACK)])
    upper = [0.0 if (a, b) in blocked else None for a, b in pairs.tolist()]
    upper += [0.0 if (b, a) in blocked else None for a, b in pairs.tolist()]
    upper += [None] * (2 * k)
    if seconds <= 0:
        return [], current
    options = {} if math.isinf(seconds) else {"time_limit": float(seconds)}
    answer = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=[(0.0, u) for u in upper],
                     method="highs", options=options)
    if answer.status != 0:  # no answer, or none in time
        return [], current
    flow = answer.x
    found = []
    for i, (a, b) in enumerate(pairs.tolist()):
        if flow[i] > SMALLEST:
            found.append((a, b, float(flow[i])))
        if flow[count + i] > SMALLEST:
            found.append((b, a, float(flow[count + i])))
    final = current + incidence @ flow[:2 * count]
    return _upstream_first(found), final


def _upstream_first(flows: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """The flows ordered so that every territory's inflows come before its outflows
    (a minimum-cost flow has no cycle), the largest first among those ready."""
    waiting: dict[int, int] = {}
    for _giver, receiver, _amount in flows:
        waiting[receiver] = waiting.get(receiver, 0) + 1
    left = sorted(flows, key=lambda f: (-f[2], f[0], f[1]))
    ordered = []
    while left:
        ready = [f for f in left if waiting.get(f[0], 0) == 0] or left[:1]  # a cycle: any
        for flow in ready:
            left.remove(flow)
            ordered.append(flow)
            waiting[flow[1]] -= 1
    return ordered


def _candidates(state: State, giver: int, receiver: int) -> list[int]:
    """The giver's movable units bordering the receiver (ascending)."""
    g = state.problem.graph
    edges = g.edges_of(np.flatnonzero(state.assign == giver))
    units = g.src[edges[state.assign[g.dst[edges]] == receiver]]
    units = np.unique(units)
    return units[state.problem.movable[units]].tolist()


def realise(state: State, giver: int, receiver: int, amount: float,
            load: np.ndarray, stop: Callable[[], bool] = lambda: False) -> list[int]:
    """The units to move from ``giver`` to ``receiver``, in order, whose load comes
    closest to ``amount``; the state is left as it was. ``stop`` is asked before each
    step: when it says so, the best prefix so far."""
    p = state.problem
    g = p.graph
    centre = g.xy[state.assign == receiver].mean(axis=0)
    own = np.flatnonzero(state.assign == giver)
    mass = load[own]
    # where the giver's load is: a walk across units holding nothing heads there
    heart = ((g.xy[own] * mass[:, None]).sum(0) / mass.sum() if mass.sum() > 0
             else g.xy[own].mean(axis=0))
    frontier = set(_candidates(state, giver, receiver))
    giver_count = len(own)
    budgeted = p.start is not None and np.isfinite(p.budget)
    moved, taken, kept, idle = 0.0, [], 0, 0
    best = amount
    while len(taken) < MAX_STEPS and idle < PATIENCE and moved < amount and not stop():
        units = np.array(sorted(u for u in frontier if state.owner[u] == giver),
                         dtype=np.int64)
        if not len(units):
            break
        error = np.round(np.abs(amount - moved - load[units]), 9)
        distance = ((g.xy[units] - centre) ** 2).sum(axis=1)
        used = _trial_used(state) if budgeted else 0.0
        block, plateau, bridges = None, (np.inf, None), 0
        for i in np.lexsort((p.tiebreak[units], distance, error)).tolist():
            unit = int(units[i])
            if state.keeps_connected(unit):
                trial = [unit]
            elif bridges < MAX_BRIDGES:
                bridges += 1
                rest = cut_off(state, unit)
                trial = None if rest is None else [unit, *rest]
            else:
                continue
            if (trial is None or len(trial) >= giver_count - len(taken)
                    or not _fits(state, trial, receiver, used)):
                continue
            carried = float(load[trial].sum())
            if abs(amount - moved - carried) < abs(amount - moved) - 1e-12:
                block = trial  # the first, in this order, that comes closer to the flow
                break
            if carried <= 1e-12:  # holds nothing: a step towards the giver's load
                far = float(((g.xy[unit] - heart) ** 2).sum())
                plateau = min(plateau, (far, trial))
        block = block if block is not None else plateau[1]
        if block is None:
            break
        shift_block(state, block, receiver, giver, frontier, taken)
        moved += float(load[block].sum())
        if abs(amount - moved) < best - 1e-12:
            best, kept, idle = abs(amount - moved), len(taken), 0
        else:
            idle += 1
    for unit in reversed(taken):
        _shift(state, unit, giver)
    return taken[:kept]


def step(state: State, take: Callable[[int, int], None],
         stop: Callable[[], bool] = lambda: False, rounds: int = ROUNDS,
         seconds_left: Callable[[], float] = lambda: math.inf) -> bool:
    """One global step: plan the flow, realise it (``take(unit, territory)`` moves a unit
    for real), and plan again around the borders that could not carry their flow (a
    single county far bigger than the flow), at most ``rounds`` times; whether any unit
    moved. ``stop`` is asked before each flow and each unit step (the time limit, a
    cancel); ``seconds_left`` bounds each programme."""
    load = unit_load(state)
    blocked: set[tuple[int, int]] = set()
    moved = False
    for _ in range(rounds):
        if stop():
            return moved
        flows, final = plan(state, load, blocked, seconds=seconds_left())
        if not flows:
            break
        planned: dict[int, float] = {}
        for giver, _receiver, amount in flows:
            planned[giver] = planned.get(giver, 0.0) + amount
        factor: dict[int, float] = {}
        for giver, receiver, amount in flows:
            if stop():
                return moved
            if giver not in factor:  # its inflows are in: what it holds above its end load
                holding = float(load[state.assign == giver].sum())
                factor[giver] = max(holding - final[giver], 0.0) / planned[giver]
            wanted = amount * factor[giver]
            units = realise(state, giver, receiver, wanted, load, stop)
            for unit in units:
                take(unit, receiver)
            moved = moved or bool(units)
            if float(load[units].sum()) < 0.5 * wanted:
                blocked.add((giver, receiver))
    return moved
