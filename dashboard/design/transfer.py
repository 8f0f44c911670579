"""Transfers: one territory takes a connected run of units from a bordering one.

Single-unit moves stall where a territory that needs more borders only units that
hold nothing (the demo's rural counties with no accounts: every move is a plateau
move, with no reason to head anywhere) or units whose departure would cut their
territory in two (a bridge county, the one water link to Alaska). A transfer
crosses both: the receiver takes units of the giver one at a time, those that help
the score most first and, on a plateau, those nearest the giver's weighted centre
(where its measures are); a unit whose departure would cut the giver goes together
with the part it would cut off (the part not holding most of the giver's load), so
both stay in one piece. The transfer keeps the prefix of these steps that scored
best, and is taken only when that prefix improves the score.

Which pairs: bordering territories whose deviations differ by more than the
tolerance, the largest difference first; the one below takes from the one above.
A territory far under target therefore takes from a neighbour, which then takes
from its own neighbours: the shortfall spreads out until it is absorbed (a
diffusion, not a planned relay along a path: tried, the relays along 9 territories
of the demo's West passed on lumpy runs and never improved). A pair that failed is
not retried until one of the two changes.
"""

from __future__ import annotations

import numpy as np

from dashboard.design.state import EPSILON, State

#: steps (units or blocks) in one transfer at most
MAX_STEPS = 80
#: steps without a new best before a transfer gives up
PATIENCE = 40
#: units a bridge unit may take along (the part it would cut off)
MAX_BLOCK = 60
#: bridge units judged per step at most
MAX_BRIDGES = 4


def load_weight(state: State, units) -> np.ndarray:
    """Per unit, its weighted share of the targets (how much load it carries)."""
    p = state.problem
    return (p.graph.measures[units] / p.target * p.weight).sum(axis=-1)


def cut_off(state: State, unit: int) -> list[int] | None:
    """The units of ``unit``'s territory piece that would lose their link to the
    piece's main part if ``unit`` left (the main part: the one larger than
    ``MAX_BLOCK``, else the one holding the most load); None when two parts are that
    large or a unit to take along is locked. Each search stops past ``MAX_BLOCK``
    units, so a bridge of a large territory costs little to judge."""
    owner, neighbours = state.owner, state.problem.graph.neighbours
    territory = owner[unit]
    label = {unit: -1}
    parts: list[list[int]] = []
    large: list[bool] = []
    for start in sorted(neighbours[unit]):
        if owner[start] != territory or start in label:
            continue
        index, part, frontier, joined = len(parts), [start], [start], -1
        label[start] = index
        while frontier and joined < 0 and len(part) <= MAX_BLOCK:
            node = frontier.pop()
            for other in neighbours[node]:
                if owner[other] != territory or other == unit:
                    continue
                seen_in = label.get(other)
                if seen_in is None:
                    label[other] = index
                    part.append(other)
                    frontier.append(other)
                elif seen_in != index:  # met a large part searched only in part: the same
                    joined = seen_in
                    break
        if joined >= 0:
            for node in part:
                label[node] = joined
            parts[joined] += part
            continue
        parts.append(part)
        large.append(len(part) > MAX_BLOCK)
    if sum(large) > 1:
        return None
    main = (large.index(True) if any(large) else
            max(range(len(parts)), key=lambda i: (float(load_weight(state, parts[i]).sum()),
                                                  len(parts[i]), -i)))
    rest = sorted(u for i, part in enumerate(parts) if i != main for u in part)
    if len(rest) + 1 > MAX_BLOCK or not state.problem.movable[rest].all():
        return None
    return rest


def _trial_used(state: State) -> float:
    """The budget used by the trial (its steps are in ``assign`` only, not in
    ``state.used``); 0 without a budget."""
    p = state.problem
    if p.start is None or not np.isfinite(p.budget):
        return 0.0
    return float(p.cost[state.assign != p.start].sum())


def _fits(state: State, block: list[int], dest: int, used: float) -> bool:
    p = state.problem
    if p.start is None or not np.isfinite(p.budget):
        return True
    units = np.array(block)
    extra = p.cost[units] * ((p.start[units] != dest).astype(float)
                             - (p.start[units] != state.assign[units]))
    return used + float(extra.sum()) <= p.budget + 1e-12


def _next_block(state: State, frontier: set[int], receiver: int, giver: int,
                centre: np.ndarray, pair: np.ndarray, giver_count: int) -> list[int] | None:
    """The giver's unit on the border that helps the pair's balance most (nearest the
    centre on a tie), with what it would cut off; None when no unit can go. ``pair``:
    the receiver's and giver's totals so far."""
    p = state.problem
    g = p.graph
    units = np.array(sorted(u for u in frontier if state.owner[u] == giver), dtype=np.int64)
    if not len(units):
        return None
    row = g.measures[units]
    change = p.score_rows(pair[0] + row) + p.score_rows(pair[1] - row)
    used = _trial_used(state)
    distance = ((g.xy[units] - centre) ** 2).sum(axis=1)
    bridges = 0
    for i in np.lexsort((p.tiebreak[units], distance, np.round(change, 9))).tolist():
        unit = int(units[i])
        if not _fits(state, [unit], receiver, used):
            continue
        if state.keeps_connected(unit):
            block = [unit]
        elif bridges < MAX_BRIDGES:  # each costs a search of what it would cut off
            bridges += 1
            rest = cut_off(state, unit)
            block = None if rest is None else [unit, *rest]
        else:
            continue
        if block is not None and len(block) < giver_count and _fits(state, block, receiver,
                                                                     used):
            return block
    return None


def _shift(state: State, unit: int, dest: int) -> None:
    """Give ``unit`` to ``dest`` in the owner lists only (a transfer's trial steps: the
    totals, scores and edges follow only for the steps kept)."""
    source = state.owner[unit]
    state.owner[unit] = dest
    state.assign[unit] = dest
    state.version[source] += 1
    state.version[dest] += 1


def shift_block(state: State, block: list[int], receiver: int, giver: int,
                frontier: set[int], taken: list[int]) -> None:
    """A trial step: ``block`` to the receiver (owner lists only), noted in ``taken``; the
    giver's movable units bordering it join the ``frontier``."""
    p = state.problem
    for unit in block:
        _shift(state, unit, receiver)
        taken.append(unit)
        frontier.discard(unit)
        frontier.update(v for v in p.graph.neighbours[unit]
                        if state.owner[v] == giver and p.movable[v])


def take_run(state: State, receiver: int, giver: int, max_steps: int = MAX_STEPS,
             patience: int = PATIENCE) -> list[int]:
    """Move a run of the giver's units to the receiver (at most ``max_steps`` steps,
    ``patience`` without a better pair) and keep the best-balanced prefix. The trial
    runs on the owner lists; the kept units are then moved for real (and left
    moved)."""
    p = state.problem
    g = p.graph
    own = np.flatnonzero(state.assign == giver)
    mass = load_weight(state, own)
    centre = (g.xy[own] * mass[:, None]).sum(0) / mass.sum() if mass.sum() > 0 \
        else g.xy[own].mean(axis=0)
    frontier = {int(u) for u in np.flatnonzero(state.assign == receiver)
                for u in g.neighbours[u]}
    frontier = {u for u in frontier if state.owner[u] == giver and p.movable[u]}
    pair = state.totals[[receiver, giver]].copy()
    best = float(p.score_rows(pair).sum())
    kept, idle, taken = 0, 0, []
    while len(taken) < max_steps and idle < patience:
        block = _next_block(state, frontier, receiver, giver, centre, pair,
                            len(own) - len(taken))
        if block is None:
            break
        shift_block(state, block, receiver, giver, frontier, taken)
        row = g.measures[block].sum(axis=0)
        pair += np.stack([row, -row])
        score = float(p.score_rows(pair).sum())
        if score < best - EPSILON:
            best, kept, idle = score, len(taken), 0
        else:
            idle += 1
    for unit in reversed(taken):
        _shift(state, unit, giver)
    for unit in taken[:kept]:
        state.move(unit, receiver)
    return taken[:kept]


def pull(state: State, receiver: int, giver: int) -> list[int]:
    """The units ``receiver`` should take from ``giver``, in order, when taking them
    improves the score; [] otherwise. The state is left as it was."""
    base = state.score
    taken = take_run(state, receiver, giver)
    improved = state.score < base - EPSILON
    for unit in reversed(taken):
        state.move(unit, giver)
    return taken if improved else []


def bordering_pairs(state: State) -> np.ndarray:
    """(a, b) rows, a < b, of the territories that share an edge."""
    g = state.problem.graph
    a, b = state.assign[g.src], state.assign[g.dst]
    keep = a < b
    k = state.problem.territories
    keys = np.unique(a[keep] * k + b[keep])
    return np.stack([keys // k, keys % k], axis=1)


def find_transfer(state: State, failed: set, attempts: int) -> tuple[int, int, list[int]] | None:
    """(receiver, giver, units) of the first improving transfer between bordering
    territories, those whose deviations differ most first (at least by the smallest
    tolerance), at most ``attempts`` tried; ``failed`` remembers the pairs that did not
    improve, with the two territories' change counts."""
    p = state.problem
    deviation = (p.deviation(state.totals) * p.weight).sum(axis=1) / max(p.weight.sum(), 1e-300)
    pairs = bordering_pairs(state)
    gap = np.abs(deviation[pairs[:, 0]] - deviation[pairs[:, 1]])
    order = np.lexsort((pairs[:, 1], pairs[:, 0], -gap))
    floor = float(p.tolerance[p.weight > 0].min()) if (p.weight > 0).any() else 0.0
    for a, b in pairs[order[gap[order] > floor]].tolist():
        receiver, giver = (a, b) if deviation[a] < deviation[b] else (b, a)
        stamp = (receiver, giver, int(state.version[receiver]), int(state.version[giver]))
        if stamp in failed:
            continue
        if attempts <= 0:
            return None
        attempts -= 1
        units = pull(state, receiver, giver)
        if units:
            return receiver, giver, units
        failed.add((receiver, giver, int(state.version[receiver]), int(state.version[giver])))
    return None
