"""How good an assignment is: balance per measure, contiguity, compactness.

Balance follows METRICS.md "Balance and workload": balance index = 1 − standard
deviation ÷ mean (population std), within ±t = share of territories within t of
the mean, max ÷ min. Deviation of a territory = its total ÷ the target − 1, the
target being the mean unless the caller gives one. Compactness: cut edges (edges
whose two units lie in different territories) and the mean distance of a unit to
its territory's centre (the plain mean of its units' coordinates).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from dashboard.design.graph import UnitGraph


def territory_totals(graph: UnitGraph, assignment: np.ndarray, territories: int) -> np.ndarray:
    """(territories, measures) sums of each measure."""
    return np.stack([np.bincount(assignment, weights=graph.measures[:, j], minlength=territories)
                     for j in range(graph.measures.shape[1])], axis=1)


def balance_index(values: np.ndarray) -> float:
    """METRICS.md Balance index: 1 − std ÷ mean (ddof 0); nan when the mean is 0."""
    mean = float(np.mean(values))
    return float(1 - np.std(values) / mean) if mean else float("nan")


def share_within(values: np.ndarray, tolerance: float, target: float | None = None) -> float:
    """Share of territories whose value lies within ``tolerance`` of the target (the mean)."""
    centre = float(np.mean(values)) if target is None else target
    return float(np.mean(np.abs(values - centre) <= tolerance * abs(centre) * (1 + 1e-12)))


def max_min(values: np.ndarray) -> float:
    low = float(np.min(values))
    return float(np.max(values)) / low if low > 0 else float("inf")


def pieces(graph: UnitGraph, assignment: np.ndarray, territories: int) -> np.ndarray:
    """How many connected pieces each territory is in (0 for an empty territory): the
    components of the graph kept to the edges inside a territory (SciPy's
    ``connected_components``; a Python breadth-first search took 0.3 s at size L)."""
    assignment = np.asarray(assignment, dtype=np.int64)
    inside = assignment[graph.src] == assignment[graph.dst]
    links = coo_matrix((np.ones(int(inside.sum())), (graph.src[inside], graph.dst[inside])),
                       shape=(graph.size, graph.size))
    _count, label = connected_components(links, directed=False)
    first = np.unique(label, return_index=True)[1]  # one unit per component
    return np.bincount(assignment[first], minlength=territories).astype(np.int64)


def cut_edges(graph: UnitGraph, assignment: np.ndarray) -> int:
    """Undirected edges whose ends lie in different territories."""
    return int(np.count_nonzero(assignment[graph.src] != assignment[graph.dst]) // 2)


def mean_distance_to_centre(graph: UnitGraph, assignment: np.ndarray, territories: int) -> float:
    """Mean over units of the distance to the centre of their territory's units."""
    count = np.maximum(np.bincount(assignment, minlength=territories), 1)
    centre = np.stack([np.bincount(assignment, weights=graph.xy[:, j], minlength=territories)
                       for j in range(2)], axis=1) / count[:, None]
    return float(np.linalg.norm(graph.xy - centre[assignment], axis=1).mean())


@dataclass(frozen=True)
class MeasureFigures:
    """One measure's balance over the territories."""

    name: str
    balance_index: float
    max_deviation: float       # largest |total ÷ target − 1|
    within_tolerance: float    # share within the measure's own tolerance
    within_5: float
    within_15: float
    max_min: float


@dataclass(frozen=True)
class Figures:
    """Balance, contiguity and compactness of one assignment."""

    measures: tuple[MeasureFigures, ...]
    contiguous: bool
    pieces: tuple[int, ...]      # per territory
    cut_edges: int
    mean_distance: float

    def by_name(self, name: str) -> MeasureFigures:
        return next(m for m in self.measures if m.name == name)


def figures(graph: UnitGraph, assignment: np.ndarray, territories: int,
            tolerances: np.ndarray, targets: np.ndarray | None = None) -> Figures:
    """Every figure of ``assignment`` (target per measure: the mean unless given)."""
    totals = territory_totals(graph, assignment, territories)
    rows = []
    for j, name in enumerate(graph.measure_names):
        values = totals[:, j]
        target = float(values.mean()) if targets is None else float(targets[j])
        deviation = np.abs(values / target - 1) if target else np.zeros(territories)
        rows.append(MeasureFigures(
            name, balance_index(values), float(deviation.max()),
            share_within(values, float(tolerances[j]), target),
            share_within(values, 0.05, target), share_within(values, 0.15, target),
            max_min(values)))
    count = pieces(graph, assignment, territories)
    return Figures(tuple(rows), bool((count == 1).all()), tuple(count.tolist()),
                   cut_edges(graph, assignment),
                   mean_distance_to_centre(graph, assignment, territories))
