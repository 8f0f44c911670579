"""A first contiguous assignment for a design from scratch: seeds, then growth.

Seeds are the given home bases (one unit per territory) when known; else they are
spread by k-means++ on the units' coordinates, each unit weighted by its share of
the measures (Arthur & Vassilvitskii 2007: each next seed drawn with probability
∝ weight × squared distance to the nearest seed so far), so busy areas get more
seeds. Growth is multi-source and balanced: the territory with the smallest load
so far (its largest total ÷ target over the measures) takes the free unit on its
border nearest its seed; a territory with no free neighbour waits. Every territory
is therefore one piece, and locked units start in their territory.

Seeding and growth honour a deadline (the design's time limit). Seeding looks at the
clock before each seed (each draw is a pass over every unit: 900 seeds on 62,500 units
took 2 s of CPU), and when time is up draws the seeds still wanted at once, with the
same chances and without the updates between draws. Growth looks at the clock every
``CHECK_EVERY`` units, and when time is up the units still free go to the territory
fewest edges away (SciPy's multi-source shortest paths, so each territory stays one
piece): a complete answer in one cheap pass, balanced only as far as the growth got.
"""

from __future__ import annotations

import heapq
import time

import numpy as np

from dashboard.design.graph import DesignError, UnitGraph

#: units taken between two looks at the clock (about 5 µs each: a look every few ms)
CHECK_EVERY = 512


def spread_seeds(graph: UnitGraph, territories: int, weight: np.ndarray,
                 rng: np.random.Generator, taken: np.ndarray | None = None,
                 deadline: float | None = None) -> np.ndarray:
    """``territories`` distinct unit positions by weighted k-means++ (``taken``: seeds
    already fixed, which the draws keep away from); ``deadline``: a
    :func:`time.monotonic` reading after which the seeds still wanted are drawn in one go
    (:func:`_draw_rest`)."""
    xy = graph.xy
    weight = np.maximum(weight, 1e-12 * max(float(weight.max()), 1.0))
    seeds = [int(s) for s in (taken if taken is not None else [])]
    if seeds:
        nearest = np.min(((xy[:, None, :] - xy[seeds][None, :, :]) ** 2).sum(-1), axis=1)
    else:
        first = int(rng.choice(graph.size, p=weight / weight.sum()))
        seeds.append(first)
        nearest = ((xy - xy[first]) ** 2).sum(1)
    while len(seeds) < territories:
        if deadline is not None and time.monotonic() >= deadline:
            return _draw_rest(graph.size, territories, seeds, weight * nearest, rng)
        chance = weight * nearest
        chance[seeds] = 0.0
        total = chance.sum()
        pick = (int(rng.choice(graph.size, p=chance / total)) if total > 0
                else int(np.setdiff1d(np.arange(graph.size), seeds)[0]))
        seeds.append(pick)
        nearest = np.minimum(nearest, ((xy - xy[pick]) ** 2).sum(1))
    return np.array(seeds, dtype=np.int64)


def _draw_rest(size: int, territories: int, seeds: list[int], chance: np.ndarray,
               rng: np.random.Generator) -> np.ndarray:
    """``seeds`` and as many more distinct units as ``territories`` wants, drawn at once
    with probability ∝ ``chance`` (units with none come last, in position order)."""
    chance = chance.copy()
    chance[seeds] = 0.0
    wanted = territories - len(seeds)
    able = np.flatnonzero(chance > 0)
    if len(able) <= wanted:
        rest = np.setdiff1d(np.arange(size), np.concatenate([seeds, able]).astype(np.int64))
        drawn = np.concatenate([able, rest[:wanted - len(able)]])
    else:
        drawn = rng.choice(able, size=wanted, replace=False,
                           p=chance[able] / chance[able].sum())
    return np.concatenate([np.array(seeds, dtype=np.int64), drawn.astype(np.int64)])


def _nearest_fill(graph: UnitGraph, owner: list[int]) -> list[int]:
    """``owner`` with every free unit (-1) given the territory of the owned unit fewest
    edges away: SciPy's multi-source shortest paths (``min_only``), whose tree joins each
    free unit to its source through units given the same territory, so a territory in one
    piece stays so. A Python breadth-first sweep took 0.1 s for 120,000 units."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    owned = np.array(owner, dtype=np.int64)
    sources = np.flatnonzero(owned >= 0)
    links = csr_matrix((np.ones(len(graph.dst)), graph.dst, graph.first_edge),
                       shape=(graph.size, graph.size))
    _distance, _before, source = dijkstra(links, indices=sources, unweighted=True,
                                          min_only=True, return_predecessors=True)
    reached = (owned < 0) & (source >= 0)
    owned[reached] = owned[source[reached]]
    return owned.tolist()


def grow(graph: UnitGraph, seeds: np.ndarray, target: np.ndarray,
         locks: np.ndarray, deadline: float | None = None) -> tuple[np.ndarray, int]:
    """Balanced multi-source growth from ``seeds`` (one per territory); ``locks`` holds a
    territory per unit or -1; ``deadline``: a :func:`time.monotonic` reading after which
    the growth stops and the free units go to the territory nearest in edges. Returns the
    territory of every unit and how many units that cut-short finish gave (0 when the
    growth ran to its end).

    Units no territory can reach (none when the graph is connected) raise
    ``disconnected``.
    """
    k = len(seeds)
    assign = np.full(graph.size, -1, dtype=np.int64)
    assign[locks >= 0] = locks[locks >= 0]
    locked = assign[seeds]
    if ((locked >= 0) & (locked != np.arange(k))).any():
        message = "a home base is locked to another territory"  # i18n: not shown
        raise DesignError("bad_lock", message)
    assign[seeds] = np.arange(k)
    load = np.zeros((k, graph.measures.shape[1]))
    np.add.at(load, assign[assign >= 0], graph.measures[assign >= 0])
    # plain Python floats in the loop (one step per unit: numpy's per-call cost on rows of
    # two or three values was most of the growth at size L); the same arithmetic, so the
    # same answer
    xs, ys = graph.xy[:, 0].tolist(), graph.xy[:, 1].tolist()
    rows = graph.measures.tolist()
    owner = assign.tolist()
    totals = load.tolist()
    targets = np.asarray(target, dtype="float64").tolist()
    neighbours = graph.neighbours
    frontier: list[list[tuple[float, int]]] = [[] for _ in range(k)]

    seed_at = [int(s) for s in seeds]

    def open_border(territory: int, unit: int) -> None:
        sx, sy = xs[seed_at[territory]], ys[seed_at[territory]]
        border = frontier[territory]
        for other in neighbours[unit]:
            if owner[other] < 0:
                dx, dy = xs[other] - sx, ys[other] - sy
                heapq.heappush(border, (dx * dx + dy * dy, other))

    def fullness(territory: int) -> float:
        return max(t / g for t, g in zip(totals[territory], targets, strict=True))

    for unit in np.flatnonzero(assign >= 0).tolist():
        open_border(owner[unit], unit)
    queue = [(fullness(t), t) for t in range(k)]
    heapq.heapify(queue)
    taken, cut = 0, 0
    while queue:
        if deadline is not None and taken % CHECK_EVERY == 0 and time.monotonic() >= deadline:
            cut = owner.count(-1)
            owner = _nearest_fill(graph, owner)
            break
        _, territory = heapq.heappop(queue)
        border = frontier[territory]
        while border and owner[border[0][1]] >= 0:
            heapq.heappop(border)
        if not border:
            continue  # boxed in: it waits for ever (the search balances it later)
        _, unit = heapq.heappop(border)
        taken += 1
        owner[unit] = territory
        totals[territory] = [t + r for t, r in zip(totals[territory], rows[unit], strict=True)]
        open_border(territory, unit)
        heapq.heappush(queue, (fullness(territory), territory))
    assign = np.array(owner, dtype=np.int64)
    if (assign < 0).any():
        graph.require_connected()
        message = "some units are out of reach of every seed"  # i18n: not shown
        raise DesignError("disconnected", message)
    return assign, cut
