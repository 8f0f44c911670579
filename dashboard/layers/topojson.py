"""TopoJSON decoded to shapely, for any file: the shipped ZIP cells and a leader's upload.

Unlike ``dashboard.geo.us_atlas`` (counties only, repaired on the way), every geometry type
is decoded and nothing is repaired here: the boundary checks repair and report per feature.
Quantised (``transform``) and plain topologies are both read; the arcs each feature uses
are kept, which gives rook adjacency for free: two units that share an arc share an edge.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry import (
    GeometryCollection,
    LineString,
    MultiLineString,
    MultiPoint,
    Point,
    Polygon,
)
from shapely.geometry.base import BaseGeometry

from dashboard.i18n.translation import _


class TopologyError(ValueError):
    """The text is JSON but not a readable topology; ``str()`` is the translated reason."""


@dataclass(frozen=True)
class TopoFeature:
    id: Any
    properties: dict[str, Any]
    #: None for a null geometry; rings that collapse to fewer than 4 points are dropped
    geometry: BaseGeometry | None
    arcs: frozenset[int] = field(default_factory=frozenset)


def decode_arcs(topology: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Absolute x/y of every arc's points in one array, and where each arc starts in it
    (one more entry than arcs: the end). Delta encoding and quantisation undone at once."""
    raw = topology.get("arcs", [])
    lengths = np.fromiter((len(arc) for arc in raw), dtype=np.int64, count=len(raw))
    starts = np.concatenate(([0], np.cumsum(lengths)))
    flat = np.array([pt[:2] for arc in raw for pt in arc], dtype=np.float64).reshape(-1, 2)
    transform = topology.get("transform")
    if transform and len(flat):
        # a cumulative sum over every arc at once, less what the earlier arcs carried in
        total = np.cumsum(flat, axis=0)
        carried = np.vstack(([0.0, 0.0], total[starts[1:-1] - 1]))
        flat = (total - np.repeat(carried, lengths, axis=0)) * np.asarray(
            transform["scale"]) + np.asarray(transform["translate"])
    return flat, starts


class _Arcs:
    """Arcs as ranges of one coordinate array; rings gathered as point indices."""

    def __init__(self, topology: Mapping[str, Any]):
        self.points, self.starts = decode_arcs(topology)

    def ring_indices(self, arc_indices: Sequence[int]) -> list[int]:
        """Point indices of a ring or line; ~i is arc i reversed; each arc after the first
        drops its first point, which the previous arc ended on."""
        found: list[int] = []
        for k, index in enumerate(arc_indices):
            arc = index if index >= 0 else ~index
            first, stop = int(self.starts[arc]), int(self.starts[arc + 1])
            span = range(first, stop) if index >= 0 else range(stop - 1, first - 1, -1)
            found.extend(span if k == 0 else span[1:])
        return found

    def coords(self, arc_indices: Sequence[int]) -> np.ndarray:
        return self.points[self.ring_indices(arc_indices)]


def _point(position: Sequence[float], topology: Mapping[str, Any]) -> Point:
    transform = topology.get("transform")
    x, y = position[:2]
    if transform:  # positions are quantised, not delta-encoded
        x = x * transform["scale"][0] + transform["translate"][0]
        y = y * transform["scale"][1] + transform["translate"][1]
    return Point(x, y)


def _other_geometry(obj: Mapping[str, Any], topology: Mapping[str, Any],
                    arcs: _Arcs) -> BaseGeometry | None:
    """A point, line or collection (polygons are built in one batch by ``decode``)."""
    kind = obj.get("type")
    if kind == "LineString":
        return LineString(arcs.coords(obj["arcs"]))
    if kind == "MultiLineString":
        return MultiLineString([arcs.coords(line) for line in obj["arcs"]])
    if kind == "Point":
        return _point(obj["coordinates"], topology)
    if kind == "MultiPoint":
        return MultiPoint([_point(p, topology) for p in obj["coordinates"]])
    if kind == "GeometryCollection":
        parts = [_one_polygonal(o, arcs) if o.get("type") in POLYGONAL
                 else _other_geometry(o, topology, arcs) for o in obj.get("geometries", [])]
        return GeometryCollection([g for g in parts if g is not None])
    return None


POLYGONAL = ("Polygon", "MultiPolygon")  # i18n: not shown (GeoJSON type names)


class _PolygonBatch:
    """Polygonal features gathered as point indices, built by shapely in one call."""

    def __init__(self, arcs: _Arcs):
        self.arcs = arcs
        self.points: list[int] = []
        self.ring_ends: list[int] = [0]
        self.polygon_ends: list[int] = [0]
        self.geometry_ends: list[int] = [0]

    def add(self, obj: Mapping[str, Any]) -> list[int]:
        """Queue one Polygon or MultiPolygon; the arcs it uses."""
        polygons = [obj["arcs"]] if obj["type"] == "Polygon" else obj["arcs"]
        used = []
        for rings in polygons:
            kept = 0
            for k, ring in enumerate(rings):
                used.extend(ring)
                indices = self.arcs.ring_indices(ring)
                if len(indices) < 4:  # collapsed: a hole is dropped, a shell drops its polygon
                    if k == 0:
                        break
                    continue
                self.points.extend(indices)
                self.ring_ends.append(len(self.points))
                kept += 1
            if kept:
                self.polygon_ends.append(len(self.ring_ends) - 1)
        self.geometry_ends.append(len(self.polygon_ends) - 1)
        return used

    def build(self) -> np.ndarray:
        if len(self.geometry_ends) == 1:
            return np.empty(0, dtype=object)
        multi = shapely.from_ragged_array(
            shapely.GeometryType.MULTIPOLYGON, self.arcs.points[self.points],
            (np.asarray(self.ring_ends), np.asarray(self.polygon_ends),
             np.asarray(self.geometry_ends)))
        parts = shapely.get_num_geometries(multi)
        single = shapely.get_geometry(multi, 0)
        return np.where(parts == 1, single, np.where(parts == 0, Polygon(), multi))


def _one_polygonal(obj: Mapping[str, Any], arcs: _Arcs) -> BaseGeometry:
    batch = _PolygonBatch(arcs)
    batch.add(obj)
    return batch.build()[0]


def decode(topology: Mapping[str, Any], object_name: str | None = None) -> list[TopoFeature]:
    """Every member of one object (default: the first), as features."""
    if topology.get("type") != "Topology" or not isinstance(topology.get("objects"), dict):
        raise TopologyError(_("not a TopoJSON Topology"))
    objects = topology["objects"]
    if not objects:
        raise TopologyError(_("the topology has no objects"))
    members = objects[object_name if object_name is not None else next(iter(objects))]
    listed = (members.get("geometries", []) if members.get("type") == "GeometryCollection"
              else [members])
    arcs = _Arcs(topology)
    batch = _PolygonBatch(arcs)
    geometries: list[BaseGeometry | None] = []
    used: list[frozenset[int]] = []
    polygonal = []
    try:
        for obj in listed:
            if obj.get("type") in POLYGONAL:
                polygonal.append(len(geometries))
                used.append(frozenset(i if i >= 0 else ~i for i in batch.add(obj)))
                geometries.append(None)
            else:
                used.append(frozenset())
                geometries.append(_other_geometry(obj, topology, arcs))
        for position, geometry in zip(polygonal, batch.build(), strict=True):
            geometries[position] = geometry
    except (KeyError, IndexError, TypeError, ValueError) as error:
        raise TopologyError(_("unreadable geometry: {error}").format(error=error)) from error
    return [TopoFeature(obj.get("id"), dict(obj.get("properties") or {}), geometry, arcs_used)
            for obj, geometry, arcs_used in zip(listed, geometries, used, strict=True)]


def arc_adjacency(ids: Sequence[str], features: Sequence[TopoFeature]) -> dict[str, set[str]]:
    """Units that share an arc (an edge of two or more points, never a lone corner)."""
    owner = np.repeat(np.arange(len(ids)), [len(f.arcs) for f in features])
    arc = np.fromiter((a for f in features for a in f.arcs), dtype=np.int64, count=len(owner))
    order = np.lexsort((owner, arc))
    arc, owner = arc[order], owner[order]
    adjacency: dict[str, set[str]] = {uid: set() for uid in ids}
    # owners of one arc sit next to each other once sorted: pair each with the next ones
    for step in range(1, 4):  # an arc has at most a few owners (two, unless a file overlaps)
        same = arc[step:] == arc[:-step]
        for a, b in zip(owner[step:][same], owner[:-step][same], strict=True):
            if a != b:
                adjacency[ids[a]].add(ids[b])
                adjacency[ids[b]].add(ids[a])
    return adjacency
