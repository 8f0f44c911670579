"""Units too big for the tolerance, split by their items (accounts inside a county).

A unit whose measure alone exceeds target × (1 + tolerance) (:class:`Oversize`)
makes its territory miss the band whatever the search does. The caller gives the
unit's items (e.g. its accounts: ids and measure rows); :func:`split_units` groups
them into *pieces* of at most ``piece_share`` of the target (the tolerance, so the
search can fine-tune within the band) and replaces the unit by its pieces in a new
graph. Every piece sits at the unit's coordinates and borders the unit's neighbours;
a unit of at most ``JOINED`` pieces has each piece bordering every sibling and every
piece of a neighbour split the same way (the demo's counties, as before); a unit of
more has its pieces on a square grid (each bordering the next in its row and the one
below), and between two such neighbours piece i borders the piece at the same place
in the other's order (a zip). Joined pairwise, the size-L data's 110 counties above a
target made 1.5 million edges (Los Angeles alone 640 pieces) and every step of the
engine paid for them (the growth and first flow step took 26 s of CPU); on grids and
zipped, 223,000 edges (6.8 s). A territory holding pieces of such a county and
nothing else is a connected patch of its grid (a chain instead, patches were runs:
the first flow step left 56% of territories within ±5% against the grid's 64% and the
pairwise join's 68%); with a neighbour, any of its pieces. Piece 0 also carries what
the items do not (the rest of the unit's measures: e.g. its area's share of the
workload) and stands for the unit's land. After a run, :func:`read_back` gives each
original unit the territory of its piece 0 and lists the items placed elsewhere as
named-item overrides, each with its reason (the unit's size against the target).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from dashboard.design.graph import UnitGraph

#: a unit split into at most this many pieces has them joined pairwise (see the module
#: doc); the demo's largest, Los Angeles at 60 territories, is 70: the demo's graphs are
#: as before
JOINED = 80


@dataclass(frozen=True)
class Items:
    """The movable items inside one unit: ids and (items, measures) rows."""

    ids: tuple[str, ...]
    measures: np.ndarray


@dataclass(frozen=True)
class Split:
    """The graph with split units replaced by pieces, and what each piece holds."""

    graph: UnitGraph
    original: UnitGraph
    items: dict[int, tuple[str, ...]]   # piece position -> item ids (split units only)
    home_piece: dict[int, int]          # original position of a split unit -> its piece 0

    def expand(self, per_unit: np.ndarray) -> np.ndarray:
        """A per-unit array of the original graph, read on the split graph's units."""
        return np.asarray(per_unit)[self.graph.parent]


@dataclass(frozen=True)
class Override:
    """A named item placed in another territory than its unit, and why."""

    item: str
    unit: str
    territory: int
    measure: str
    unit_ratio: float    # the unit's measure ÷ the target
    allowed: float       # 1 + tolerance


def _pieces(items: Items, target: np.ndarray, share: float) -> list[list[int]]:
    """Items grouped greedily, largest first, into pieces of ≤ ``share`` of the target on
    every measure (an item alone above it is a piece of its own)."""
    ratio = items.measures / target
    order = np.lexsort((np.arange(len(items.ids)), -ratio.max(axis=1)))
    pieces: list[list[int]] = []
    # the pieces' loads as rows of one array: each item tests every piece at once (a loop
    # over the pieces took minutes for Los Angeles's 640 at size L)
    loads = np.zeros((len(order), ratio.shape[1]))
    for i in order.tolist():
        fits = (loads[:len(pieces)] + ratio[i] <= share + 1e-12).all(axis=1)
        first = int(np.argmax(fits)) if fits.any() else len(pieces)
        if first == len(pieces):
            pieces.append([])
        pieces[first].append(i)
        loads[first] += ratio[i]
    return pieces


def split_units(graph: UnitGraph, items: Mapping[str, Items], target: np.ndarray,
                piece_share: float) -> Split:
    """Replace each unit named in ``items`` by pieces of its items (see the module doc).

    ``target`` per measure (e.g. the mean territory), ``piece_share`` the largest
    piece as a share of it. Piece ids are ``<unit>#<n>``, piece 0 first.
    """
    target = np.asarray(target, dtype="float64")
    split_at = {int(graph.positions([u])[0]): items[u] for u in items}
    ids, xy, rows, parent = [], [], [], []
    members: dict[int, list[int]] = {}
    held: dict[int, tuple[str, ...]] = {}
    for unit in range(graph.size):
        if unit not in split_at:
            members[unit] = [len(ids)]
            ids.append(graph.ids[unit])
            xy.append(graph.xy[unit])
            rows.append(graph.measures[unit])
            parent.append(unit)
            continue
        unit_items = split_at[unit]
        groups = _pieces(unit_items, target, piece_share)
        rest = graph.measures[unit] - unit_items.measures.sum(axis=0)
        members[unit] = []
        for n, group in enumerate(groups):
            members[unit].append(len(ids))
            held[len(ids)] = tuple(unit_items.ids[i] for i in group)
            ids.append(f"{graph.ids[unit]}#{n}")
            xy.append(graph.xy[unit])
            row = unit_items.measures[group].sum(axis=0)
            rows.append(np.maximum(row + rest, 0.0) if n == 0 else row)
            parent.append(unit)
    edges = []
    for a, b in zip(graph.src.tolist(), graph.dst.tolist(), strict=False):
        if a < b:
            edges += [(ids[p], ids[q]) for p, q in _across(members[a], members[b])]
    for unit in split_at:
        group = members[unit]
        if len(group) <= JOINED:
            edges += [(ids[p], ids[q]) for i, p in enumerate(group) for q in group[i + 1:]]
        else:
            edges += [(ids[p], ids[q]) for p, q in _lattice(group)]
    new = UnitGraph.build(ids, np.array(xy), np.array(rows), edges, graph.measure_names,
                          parent=np.array(parent))
    return Split(new, graph, held, {u: members[u][0] for u in split_at})


def _lattice(group: list[int]) -> list[tuple[int, int]]:
    """The pieces of one unit on a square grid, row by row, each bordering the next in its
    row and the one below."""
    width = math.isqrt(len(group) - 1) + 1
    edges = []
    for i, piece in enumerate(group):
        if (i + 1) % width and i + 1 < len(group):
            edges.append((piece, group[i + 1]))
        if i + width < len(group):
            edges.append((piece, group[i + width]))
    return edges


def _across(first: list[int], second: list[int]) -> list[tuple[int, int]]:
    """The edges between the pieces of two bordering units: every pair, unless both are
    split and one has more than ``JOINED`` pieces (then a zip: the i-th of the longer
    borders the piece at the same share of the way along the other)."""
    if min(len(first), len(second)) == 1 or max(len(first), len(second)) <= JOINED:
        return [(p, q) for p in first for q in second]
    longest = max(len(first), len(second))
    return sorted({(first[i * len(first) // longest], second[i * len(second) // longest])
                   for i in range(longest)})


def read_back(split: Split, assignment: np.ndarray, target: np.ndarray,
              tolerance: np.ndarray) -> tuple[np.ndarray, list[Override]]:
    """Per original unit its territory (a split unit: its piece 0's), and the items of
    split units placed elsewhere, with the reason: the unit's largest measure ÷ target."""
    original = split.original
    per_unit = np.empty(original.size, dtype=np.int64)
    per_unit[split.graph.parent] = assignment  # any piece; fixed below for split units
    overrides = []
    for unit, home in split.home_piece.items():
        per_unit[unit] = assignment[home]
        ratio = original.measures[unit] / target
        worst = int(np.argmax(ratio - (1 + tolerance)))
        for piece in np.flatnonzero(split.graph.parent == unit).tolist():
            if assignment[piece] != assignment[home]:
                overrides += [Override(item, original.ids[unit], int(assignment[piece]),
                                       original.measure_names[worst], float(ratio[worst]),
                                       float(1 + tolerance[worst]))
                              for item in split.items[piece]]
    return per_unit, overrides
