"""A unit layer: the units an alignment is built from, and which of them are neighbours.

Units have an id, a name, a geometry (shapely, WGS84 lon/lat), an area on the ellipsoid
(km²) and an optional parent in the layer above (ZIP → county → state, commune →
département → région). Two units are neighbours when they share a border *edge*: rook
adjacency, so counties that meet at a single corner (the Four Corners) are not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from dashboard.geo.us_atlas import geodesic_area_km2

#: Coordinates closer than this (degrees, ~1 cm) count as the same point when two borders
#: are compared: files written by two programs rarely agree to the last bit.
SHARED_BORDER_GRID = 1e-7


@dataclass(frozen=True)
class UnitLayer:
    """Units indexed by id: ``name``, ``parent_id`` (or None), ``area_km2``, ``geometry``.

    ``label`` is what the app shows ("US counties", "approximate ZIP areas"); ``adjacency``
    maps every unit id to the ids it shares a border edge with (an island: empty).
    """

    key: str
    label: str
    units: pd.DataFrame
    adjacency: Mapping[str, frozenset[str]]
    #: the key of the layer the parents belong to ("us-counties"), or None
    parent_layer: str | None = None

    def __len__(self) -> int:
        return len(self.units)

    @property
    def ids(self) -> list[str]:
        return self.units.index.tolist()

    def children_of(self, parent_id: str) -> list[str]:
        """Ids of the units whose parent is ``parent_id``, in id order."""
        return self.units.index[self.units["parent_id"] == parent_id].tolist()


def build_layer(key: str, label: str, ids: Sequence[str], names: Sequence[str],
                geometries: Sequence[BaseGeometry], parents: Sequence[str | None] | None = None,
                *, adjacency: Mapping[str, Iterable[str]] | None = None,
                areas_km2: Sequence[float] | None = None,
                parent_layer: str | None = None) -> UnitLayer:
    """A layer from parallel sequences; area and adjacency computed unless given.

    Ids must be unique (the boundary checks refuse a file where they are not).
    """
    geoms = np.asarray(list(geometries), dtype=object)
    if areas_km2 is None:
        areas_km2 = [0.0 if g is None or g.is_empty else geodesic_area_km2(g) for g in geoms]
    units = pd.DataFrame(
        {"name": list(names),
         "parent_id": list(parents) if parents is not None else [None] * len(geoms),
         "area_km2": np.asarray(areas_km2, dtype=np.float64),
         "geometry": geoms},
        index=pd.Index(list(ids), name="unit_id", dtype=object),
    ).astype({"name": object, "parent_id": object})
    if not units.index.is_unique:
        raise ValueError("unit ids must be unique")  # i18n: not shown (callers check first)
    if adjacency is None:
        adjacency = rook_adjacency(units.index.tolist(), geoms)
    neighbours = {uid: frozenset(adjacency.get(uid, ())) for uid in units.index}
    return UnitLayer(key, label, units, neighbours, parent_layer)


def candidate_pairs(geometries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i < j) whose geometries touch or overlap, or all but (within
    ``SHARED_BORDER_GRID``), found with an STRtree."""
    tree = shapely.STRtree(geometries)
    left, right = tree.query(geometries, predicate="dwithin", distance=SHARED_BORDER_GRID)
    keep = left < right
    return left[keep], right[keep]


def rook_adjacency(ids: Sequence[str], geometries: Sequence[BaseGeometry]
                   ) -> dict[str, set[str]]:
    """Units sharing a border of positive length (or overlapping: a file's overlap makes
    its two units neighbours too); a shared corner alone does not count."""
    geoms = np.asarray(list(geometries), dtype=object)
    adjacency: dict[str, set[str]] = {uid: set() for uid in ids}
    present = np.flatnonzero([g is not None and not g.is_empty for g in geoms])
    if len(present) < 2:
        return adjacency
    left, right = candidate_pairs(geoms[present])
    left, right = present[left], present[right]
    borders = shapely.boundary(geoms)
    shared = shapely.length(shapely.intersection(borders[left], borders[right],
                                                 grid_size=SHARED_BORDER_GRID))
    overlap = shapely.area(shapely.intersection(geoms[left], geoms[right]))
    neighbours = (shared > 0) | (overlap > 0)
    for i, j in zip(left[neighbours], right[neighbours], strict=True):
        adjacency[ids[i]].add(ids[j])
        adjacency[ids[j]].add(ids[i])
    return adjacency
