"""The unit graph the design engine works on, and the checks of bad input.

Units are positions 0..n-1 with an id, x/y coordinates and a row of measures
(any number of additive columns: potential, accounts, a workload proxy...).
The adjacency is undirected; a water link is just an edge. The graph is held
twice: as directed edge arrays (both directions of every edge, sorted) for
vectorised candidate lists, and as neighbour lists for breadth-first searches.

Bad input raises :class:`DesignError`, whose ``code`` and ``params`` say what
is wrong in a form a caller can put in its own words and language (the engine
has no words of its own: it imports nothing of the app, not even i18n).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np


def keeps_connected(neighbours: Sequence[Sequence[int]], owner: Sequence[int],
                    unit: int) -> bool:
    """Whether the piece of its territory ``unit`` sits in stays one piece without it
    (the articulation-point test for one vertex, on the territory's subgraph).

    ``neighbours``: per unit, its neighbours' positions; ``owner``: per unit, its
    territory (a list is fastest). Only the unit's neighbours in its territory must stay
    linked to each other, so the search stops once it has reached them all; a unit with
    at most one such neighbour is never a cut vertex. Judging the piece rather than the
    territory lets a territory that is already in several pieces (a contiguity-exempt
    one) trade without getting worse. Shared by the design engine and the what-if
    auto-balance graph.
    """
    territory = owner[unit]
    targets = {n for n in neighbours[unit] if owner[n] == territory}
    if len(targets) <= 1:
        return True
    start = min(targets)
    seen = {start, unit}  # the unit itself counts as gone
    frontier = [start]
    remaining = len(targets) - 1
    while frontier:
        node = frontier.pop()
        for other in neighbours[node]:
            if other in seen or owner[other] != territory:
                continue
            seen.add(other)
            if other in targets:
                remaining -= 1
                if remaining == 0:
                    return True
            frontier.append(other)
    return False


class DesignError(ValueError):
    """Input the engine cannot work on: ``code`` names the problem, ``params`` its figures.

    Codes: ``no_units``, ``bad_coordinates`` (units), ``bad_measures`` (columns),
    ``unknown_unit`` (ids), ``disconnected`` (components, sizes), ``too_many_territories``
    (territories, units), ``bad_lock`` (unit, territory), ``bad_start`` (units),
    ``bad_setting`` (name, value).
    """

    def __init__(self, code: str, message: str, **params):
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class UnitGraph:
    """Units and who borders whom.

    ids:       unit ids, in position order
    xy:        (n, 2) float coordinates (any planar projection; lon/lat is fine for seeding)
    measures:  (n, m) float, additive per territory, one column per measure
    measure_names: the columns' names
    src, dst:  directed edges, both directions of every undirected edge, sorted
    neighbours: per unit, the sorted positions of its neighbours
    parent:    per unit, the position in the caller's original graph of the unit it is a
               piece of (see :mod:`dashboard.design.split`); its own position otherwise
    """

    ids: tuple[str, ...]
    xy: np.ndarray
    measures: np.ndarray
    measure_names: tuple[str, ...]
    src: np.ndarray
    dst: np.ndarray
    neighbours: tuple[tuple[int, ...], ...]
    parent: np.ndarray = field(default=None)

    @classmethod
    def build(cls, ids: Sequence[str], xy, measures, edges: Iterable[tuple[str, str]],
              measure_names: Sequence[str] | None = None, parent=None) -> UnitGraph:
        """A graph over ``ids``; ``edges`` are pairs of ids (either order, repeats fine).

        Raises :class:`DesignError` on no units, missing or non-finite coordinates,
        negative or non-finite measures, an edge naming an unknown unit.
        """
        ids = tuple(str(i) for i in ids)
        n = len(ids)
        if n == 0:
            raise DesignError("no_units", "the graph has no units")  # i18n: not shown
        xy = np.asarray(xy, dtype="float64").reshape(n, 2)
        bad_xy = ~np.isfinite(xy).all(axis=1)
        if bad_xy.any():
            missing = [ids[i] for i in np.flatnonzero(bad_xy)]
            message = "units without coordinates: " + ", ".join(missing[:10])  # i18n: not shown
            raise DesignError("bad_coordinates", message, units=missing)
        measures = np.asarray(measures, dtype="float64")
        measures = measures.reshape(n, -1) if measures.ndim != 2 else measures
        names = tuple(measure_names or (f"m{j}" for j in range(measures.shape[1])))
        bad = ~np.isfinite(measures).all(axis=0) | (measures < 0).any(axis=0)
        if bad.any() or len(names) != measures.shape[1]:
            wrong = [n for n, b in zip(names, bad, strict=False) if b]
            message = "measures not finite or negative: " + ", ".join(wrong)  # i18n: not shown
            raise DesignError("bad_measures", message, columns=wrong)
        position = {u: i for i, u in enumerate(ids)}
        pairs = set()
        unknown = []
        for a, b in edges:
            pa, pb = position.get(str(a)), position.get(str(b))
            if pa is None or pb is None:
                unknown.append(str(a) if pa is None else str(b))
            elif pa != pb:
                pairs |= {(pa, pb), (pb, pa)}
        if unknown:
            raise DesignError("unknown_unit", "edges name unknown units: "  # i18n: not shown
                              + ", ".join(sorted(set(unknown))[:10]), ids=sorted(set(unknown)))
        ordered = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
        src, dst = ordered[:, 0].copy(), ordered[:, 1].copy()
        lists: list[list[int]] = [[] for _ in range(n)]
        for a, b in zip(src.tolist(), dst.tolist(), strict=False):
            lists[a].append(b)
        parent = np.arange(n) if parent is None else np.asarray(parent, dtype=np.int64)
        return cls(ids, xy, measures, names, src, dst, tuple(tuple(x) for x in lists), parent)

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def first_edge(self) -> np.ndarray:
        """Per unit, where its edges start in ``src``/``dst`` (n + 1 entries: CSR)."""
        cached = self.__dict__.get("_first_edge")
        if cached is None:
            cached = np.searchsorted(self.src, np.arange(self.size + 1))
            object.__setattr__(self, "_first_edge", cached)
        return cached

    @property
    def reverse(self) -> np.ndarray:
        """Per directed edge a → b, the position of b → a."""
        cached = self.__dict__.get("_reverse")
        if cached is None:
            key = self.src * self.size + self.dst  # ascending: the edges are sorted
            cached = np.searchsorted(key, self.dst * self.size + self.src)
            object.__setattr__(self, "_reverse", cached)
        return cached

    def edges_of(self, units: np.ndarray) -> np.ndarray:
        """Positions in ``src``/``dst`` of the edges leaving ``units``."""
        units = np.asarray(units, dtype=np.int64)
        first = self.first_edge[units]
        length = self.first_edge[units + 1] - first
        return np.repeat(first - np.cumsum(length) + length, length) + np.arange(int(length.sum()))

    def components(self) -> np.ndarray:
        """Component label per unit, numbered in the order of each component's first unit
        (0 holds unit 0); SciPy's ``connected_components``."""
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        links = coo_matrix((np.ones(len(self.src)), (self.src, self.dst)),
                           shape=(self.size, self.size))
        _count, label = connected_components(links, directed=False)
        # renumber by first unit, whatever order the library labels in
        _values, first, inverse = np.unique(label, return_index=True, return_inverse=True)
        return np.argsort(np.argsort(first))[inverse].astype(np.int64)

    def require_connected(self) -> None:
        """Raise ``disconnected`` with the components' sizes when the graph is in pieces."""
        label = self.components()
        if label.max() > 0:
            sizes = np.bincount(label)
            small = np.argsort(-sizes, kind="stable")[1:]
            example = [self.ids[int(np.flatnonzero(label == c)[0])] for c in small[:5]]
            ranked = sorted(sizes.tolist(), reverse=True)
            message = (f"the graph is in {len(sizes)} pieces {ranked[:5]}; "  # i18n: not shown
                       f"cut off: {', '.join(example)}; add (water) links")  # i18n: not shown
            raise DesignError("disconnected", message, components=len(sizes), sizes=ranked,
                              example=example)

    def positions(self, ids: Iterable[str]) -> np.ndarray:
        """Positions of ``ids``; ``unknown_unit`` when one is not in the graph."""
        position = {u: i for i, u in enumerate(self.ids)}
        wanted = [str(i) for i in ids]
        missing = [i for i in wanted if i not in position]
        if missing:
            message = "unknown units: " + ", ".join(missing[:10])  # i18n: not shown
            raise DesignError("unknown_unit", message, ids=missing)
        return np.array([position[i] for i in wanted], dtype=np.int64)
