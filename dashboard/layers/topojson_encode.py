"""Polygons written as a TopoJSON with shared arcs: each border stored once, so two units
sharing an arc are neighbours and the map's territories dissolve through their arcs
(``map_topology``). Used for the shipped ZIP areas (``tools/build_zip_cells.py``) and for
a leader's own boundary file (``dashboard.runtime.custom_layers``).

The polygons are first *noded* (faces of the planar graph of all their borders), so a
border has the same vertices on both sides even when the two files' units were drawn
with different ones; then quantised to an integer grid and cut into arcs at junctions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import shapely


def node(geoms: Sequence) -> list[list]:
    """Faces of the units' planar graph, grouped by unit: every border then has the same
    vertices on both sides (a border meeting a neighbour's adds a vertex to it too),
    which shared arcs need. A face two units overlap on goes to the first."""
    cells = np.asarray(list(geoms), dtype=object)
    lines = shapely.union_all(shapely.boundary(cells))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    tree = shapely.STRtree(cells)
    face_idx, cell_idx = tree.query(shapely.point_on_surface(faces), predicate="intersects")
    grouped: list[list] = [[] for _ in cells]
    taken = set()
    for f, c in zip(face_idx, cell_idx, strict=True):
        if f not in taken:  # a point on a border meets two cells: the first keeps it
            taken.add(f)
            grouped[c].append(faces[f])
    return grouped


def quantise(coords, origin, step) -> list[tuple[int, int]]:
    q = np.rint((np.asarray(coords)[:, :2] - origin) / step).astype(np.int64)
    keep = np.ones(len(q), dtype=bool)
    keep[1:] = np.any(q[1:] != q[:-1], axis=1)
    return [tuple(p) for p in q[keep].tolist()]


def _junctions(rings: list[list[tuple[int, int]]]) -> set[tuple[int, int]]:
    """Points where shared borders start or end: a point seen with different neighbours."""
    seen: dict[tuple[int, int], tuple] = {}
    junctions = set()
    for ring in rings:
        open_ring = ring[:-1]
        n = len(open_ring)
        for k, point in enumerate(open_ring):
            pair = (open_ring[k - 1], open_ring[(k + 1) % n])
            first = seen.setdefault(point, pair)
            if first != pair and first != pair[::-1]:
                junctions.add(point)
    return junctions


def arcs_of(rings: list[list[tuple[int, int]]]) -> tuple[list[list], list[list[int]]]:
    """Shared arcs of closed integer rings, and each ring as arc indices (~i reversed)."""
    junctions = _junctions(rings)
    arcs: list[list] = []
    index: dict[tuple, int] = {}
    ring_arcs = []
    for ring in rings:
        open_ring = ring[:-1]
        cuts = [k for k, p in enumerate(open_ring) if p in junctions]
        if not cuts:  # no junction: start at the smallest point so both sides agree
            cuts = [open_ring.index(min(open_ring))]
        start = cuts[0]
        rotated = open_ring[start:] + open_ring[:start]
        cuts = [c - start for c in cuts] + [len(open_ring)]
        rotated.append(rotated[0])
        used = []
        for a, b in zip(cuts[:-1], cuts[1:], strict=True):
            piece = tuple(rotated[a:b + 1])
            if piece in index:
                used.append(index[piece])
            elif piece[::-1] in index:
                used.append(~index[piece[::-1]])
            else:
                index[piece] = len(arcs)
                arcs.append(list(piece))
                used.append(index[piece])
        ring_arcs.append(used)
    return arcs, ring_arcs


def delta(arc: list) -> list[list[int]]:
    points = np.asarray(arc, dtype=np.int64)
    points[1:] = np.diff(points, axis=0)
    return points.tolist()


def encode(object_name: str, ids: Sequence[str], properties: Sequence[dict],
           faces_by_unit: Sequence[Sequence], origin, step) -> dict:
    """A TopoJSON of one object: unit ``ids[k]`` with ``properties[k]``, its shape the
    faces ``faces_by_unit[k]`` (:func:`node`), quantised to ``step`` from ``origin``."""
    step = np.asarray(step, dtype=np.float64)
    origin = np.asarray(origin, dtype=np.float64)
    rings, owners = [], []  # owners: (unit, polygon, ring) of each ring
    for c, faces in enumerate(faces_by_unit):
        for p, face in enumerate(faces):
            for r, ring in enumerate([face.exterior, *face.interiors]):
                q = quantise(ring.coords, origin, step)
                if len(q) >= 4:
                    rings.append(q)
                    owners.append((c, p, r))
    arcs, ring_arcs = arcs_of(rings)
    polygons: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for (c, p, r), used in zip(owners, ring_arcs, strict=True):
        if r == 0 or p in polygons[c]:  # a hole goes only with its shell
            polygons[c][p].append(used)
    geometries = []
    for c, uid in enumerate(ids):
        parts = list(polygons[c].values()) if c in polygons else []
        kind, arcs_field = ("Polygon", parts[0]) if len(parts) == 1 else ("MultiPolygon", parts)
        geometries.append({"type": kind, "arcs": arcs_field, "id": uid,
                           "properties": properties[c]})
    return {"type": "Topology",
            "transform": {"scale": step.tolist(), "translate": origin.tolist()},
            "objects": {object_name: {"type": "GeometryCollection", "geometries": geometries}},
            "arcs": [delta(a) for a in arcs]}
