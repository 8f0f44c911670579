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

Which pairs: the territories scoring worst first, each with its bordering
territories, the largest difference in deviation first; the one below takes from
the one above. A territory far under target therefore takes from a neighbour, which
then takes from its own neighbours: a relay that feeds the poorest territory through
its neighbours. A pair that failed is not retried until one of the two changes.
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


def load_weight(state: State, units) -> np.ndarray:
    """Per unit, its weighted share of the targets (how much load it carries)."""
    p = state.problem
    return (p.graph.measures[units] / p.target * p.weight).sum(axis=-1)


def cut_off(state: State, unit: int) -> list[int] | None:
    """The units of ``unit``'s territory piece that would lose their link to the
    piece's main part (the part holding the most load; then the most units) if
    ``unit`` left; None when they are more than ``MAX_BLOCK`` or one is locked."""
    owner, neighbours = state.owner, state.problem.graph.neighbours
    territory = owner[unit]
    parts: list[list[int]] = []
    seen = {unit}
    for start in sorted(neighbours[unit]):
        if owner[start] != territory or start in seen:
            continue
        part, frontier = [start], [start]
        seen.add(start)
        while frontier:
            node = frontier.pop()
            for other in neighbours[node]:
                if other not in seen and owner[other] == territory:
                    seen.add(other)
                    part.append(other)
                    frontier.append(other)
        parts.append(part)
    heaviest = max(range(len(parts)),
                   key=lambda i: (float(load_weight(state, parts[i]).sum()), len(parts[i]), -i))
    rest = sorted(u for i, part in enumerate(parts) if i != heaviest for u in part)
    if len(rest) + 1 > MAX_BLOCK or not state.problem.movable[rest].all():
        return None
    return rest


def _fits(state: State, block: list[int], dest: int) -> bool:
    p = state.problem
    if p.start is None or not np.isfinite(p.budget):
        return True
    units = np.array(block)
    extra = p.cost[units] * ((p.start[units] != dest).astype(float)
                             - (p.start[units] != state.assign[units]))
    return state.used + float(extra.sum()) <= p.budget + 1e-12


def _next_block(state: State, frontier: set[int], receiver: int, giver: int,
                centre: np.ndarray) -> list[int] | None:
    """The giver's unit on the border that helps most (nearest the centre on a tie),
    with what it would cut off; None when no unit can go."""
    p = state.problem
    g = p.graph
    units = np.array(sorted(u for u in frontier if state.owner[u] == giver), dtype=np.int64)
    if not len(units):
        return None
    row = g.measures[units]
    change = (p.score_rows(state.totals[receiver] + row) + p.score_rows(state.totals[giver] - row)
              - state.rows[receiver] - state.rows[giver])
    distance = ((g.xy[units] - centre) ** 2).sum(axis=1)
    for i in np.lexsort((p.tiebreak[units], distance, np.round(change, 9))).tolist():
        unit = int(units[i])
        if state.keeps_connected(unit):
            block = [unit]
        else:
            rest = cut_off(state, unit)
            block = None if rest is None else [unit, *rest]
        if block is not None and len(block) < state.count[giver] and _fits(state, block,
                                                                            receiver):
            return block
    return None


def pull(state: State, receiver: int, giver: int) -> list[int]:
    """The units ``receiver`` should take from ``giver``, in order, when taking them
    improves the score; [] otherwise. The state is left as it was."""
    p = state.problem
    g = p.graph
    own = np.flatnonzero(state.assign == giver)
    mass = load_weight(state, own)
    centre = (g.xy[own] * mass[:, None]).sum(0) / mass.sum() if mass.sum() > 0 \
        else g.xy[own].mean(axis=0)
    frontier = {int(u) for u in np.flatnonzero(state.assign == receiver)
                for u in g.neighbours[u]}
    frontier = {u for u in frontier if state.owner[u] == giver and p.movable[u]}
    best, kept, idle, taken = state.score, 0, 0, []
    while len(taken) < MAX_STEPS and idle < PATIENCE:
        block = _next_block(state, frontier, receiver, giver, centre)
        if block is None:
            break
        for unit in block:
            state.move(unit, receiver)
            taken.append(unit)
            frontier.discard(unit)
            frontier.update(v for v in g.neighbours[unit]
                            if state.owner[v] == giver and p.movable[v])
        if state.score < best - EPSILON:
            best, kept, idle = state.score, len(taken), 0
        else:
            idle += 1
    for unit in reversed(taken):
        state.move(unit, giver)
    return taken[:kept]


def neighbour_territories(state: State, territory: int) -> np.ndarray:
    own = np.flatnonzero(state.assign == territory)
    touching = state.near[own].sum(axis=0)
    touching[territory] = 0
    return np.flatnonzero(touching)


def find_transfer(state: State, failed: set, width: int) -> tuple[int, int, list[int]] | None:
    """(receiver, giver, units) of the first improving transfer around the ``width``
    worst-scoring territories; ``failed`` remembers the pairs that did not improve
    (with the two territories' change counts)."""
    p = state.problem
    deviation = (p.deviation(state.totals) * p.weight).sum(axis=1) / max(p.weight.sum(), 1e-300)
    for worst in np.argsort(-state.rows, kind="stable")[:width].tolist():
        if state.rows[worst] <= EPSILON:
            break
        others = neighbour_territories(state, worst)
        gap = np.abs(deviation[others] - deviation[worst])
        for other in others[np.lexsort((others, -gap))].tolist():
            receiver, giver = ((worst, other) if deviation[worst] < deviation[other]
                               else (other, worst))
            stamp = (receiver, giver, int(state.version[receiver]), int(state.version[giver]))
            if stamp in failed:
                continue
            units = pull(state, receiver, giver)
            if units:
                return receiver, giver, units
            failed.add((receiver, giver, int(state.version[receiver]),
                        int(state.version[giver])))
    return None
