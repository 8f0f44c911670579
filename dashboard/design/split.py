"""Units too big for the tolerance, split by their items (accounts inside a county).

A unit whose measure alone exceeds target × (1 + tolerance) (:class:`Oversize`)
makes its territory miss the band whatever the search does. The caller gives the
unit's items (e.g. its accounts: ids and measure rows); :func:`split_units` groups
them into *pieces* of at most ``piece_share`` of the target (the tolerance, so the
search can fine-tune within the band) and replaces the unit by its pieces in a new
graph. Every piece sits at the unit's coordinates, borders the unit's neighbours and
its sibling pieces; piece 0 also carries what the items do not (the rest of the
unit's measures: e.g. its area's share of the workload) and stands for the unit's
land. After a run, :func:`read_back` gives each original unit the territory of its
piece 0 and lists the items placed elsewhere as named-item overrides, each with its
reason (the unit's size against the target).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from dashboard.design.graph import UnitGraph


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
    loads: list[np.ndarray] = []
    for i in order.tolist():
        for p, load in enumerate(loads):
            if (load + ratio[i] <= share + 1e-12).all():
                pieces[p].append(i)
                loads[p] = load + ratio[i]
                break
        else:
            pieces.append([i])
            loads.append(ratio[i].copy())
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
            edges += [(ids[p], ids[q]) for p in members[a] for q in members[b]]
    for unit in split_at:
        group = members[unit]
        edges += [(ids[p], ids[q]) for i, p in enumerate(group) for q in group[i + 1:]]
    new = UnitGraph.build(ids, np.array(xy), np.array(rows), edges, graph.measure_names,
                          parent=np.array(parent))
    return Split(new, graph, held, {u: members[u][0] for u in split_at})


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
