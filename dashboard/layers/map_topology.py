"""Unit geometry for the map: a chosen set of a layer's units as a small, quantised TopoJSON,
and territories dissolved from them through their shared arcs.

The browser decodes it (``assets/topojson.js``) and draws it once; recolouring sends only
values per unit or territory. Three things keep it small and exact:

* **simplified per shared arc**: each arc is simplified once (Douglas-Peucker, endpoints
  kept), so two neighbours still meet on the very same line: no slivers, no overlaps;
* **quantised** to a grid of half the simplification tolerance and delta-encoded;
* **only the asked units** and the arcs they use (a manager's scope, a county's ZIPs).

A territory is **dissolved through the arcs**: the arcs its units use once (not twice, once
each way, as an inner border is) are its outline, stitched end to end into rings. It shares
those arcs with the units, so territory outlines lie exactly on the unit borders.
"""

from __future__ import annotations

import gzip
import html
import json
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Polygon

from dashboard.geo import us_atlas, zip_areas
from dashboard.layers import us_layers
from dashboard.layers.topojson import decode_arcs

COUNTIES, ZIP_CELLS = "counties", "zip-cells"  # i18n: not shown (URL names)
#: the layers the map can draw: (file, object holding the units)
LAYERS = {COUNTIES: (us_atlas.COUNTIES_FILE, "counties"),
          ZIP_CELLS: (us_layers.ZIP_CELLS_FILE, "cells")}
#: degrees; counties are read at the national zoom, ZIP areas from a county's zoom
TOLERANCE = {COUNTIES: 0.01, ZIP_CELLS: 0.001}
#: a layer of one's own (``register``): any size, read from a region's zoom
OWN_TOLERANCE = 0.001
#: layers of one's own, by key: (TopoJSON, object holding the units)
_REGISTERED: dict[str, tuple[dict, str]] = {}


def register(key: str, topology: dict, object_name: str) -> None:
    """Make a layer of one's own drawable as ``key`` (its key names its content, so a key
    never changes meaning: the cached ``source`` stays right)."""
    _REGISTERED.setdefault(key, (topology, object_name))


@dataclass(frozen=True)
class Source:
    """A layer's shipped topology, arcs decoded: ``points`` (lon/lat) of every arc in one
    array, arc ``a`` being ``points[starts[a]:starts[a + 1]]``; each unit's geometry type,
    arcs and properties; each arc's end nodes as integer keys (shared nodes are equal)."""

    points: np.ndarray
    starts: np.ndarray
    units: dict[str, dict]
    labels: dict[str, str]

    def node_keys(self) -> tuple[np.ndarray, np.ndarray]:
        first, last = self.points[self.starts[:-1]], self.points[self.starts[1:] - 1]
        return _node_key(first), _node_key(last)


def _node_key(xy: np.ndarray) -> np.ndarray:
    scaled = np.round(xy * 1e7).astype(np.int64)
    return scaled[:, 0] * 4_000_000_000 + scaled[:, 1]


def _read_topology(layer: str) -> dict:
    if layer in _REGISTERED:
        return _REGISTERED[layer][0]
    path, _name = LAYERS[layer]
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=4)
def source(layer: str) -> Source:
    """The layer's topology, read once per process (the ZIP areas: ~2 s)."""
    topology = _read_topology(layer)
    if layer == ZIP_CELLS:  # the same file holds the ids zip_areas reads: parse it once
        zip_areas.remember(topology)
    points, starts = decode_arcs(topology)
    units, labels = {}, {}
    counties = us_atlas.load_counties()
    object_name = _REGISTERED[layer][1] if layer in _REGISTERED else LAYERS[layer][1]
    for obj in topology["objects"][object_name]["geometries"]:
        if obj.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        uid = str(obj["id"])
        polygons = [obj["arcs"]] if obj["type"] == "Polygon" else obj["arcs"]
        props = obj.get("properties") or {}
        units[uid] = {"polygons": polygons, "county": props.get("county")}
        if layer == COUNTIES and uid in counties.index:
            row = counties.loc[uid]
            labels[uid] = f"{row['name']}, {row['state_abbr'] or ''}".rstrip(", ")
        else:
            labels[uid] = str(props.get("name") or uid)
    return Source(points, starts, units, labels)


_warming: set[str] = set()


def warm(layer: str) -> None:
    """Read the layer's topology in a background thread, once per process, so the first
    request for it (a county expanded into ZIP areas) does not wait the ~3 s it takes."""
    if layer in _warming:
        return
    _warming.add(layer)
    threading.Thread(target=source, args=(layer,), name=f"warm-{layer}", daemon=True).start()


def units_in_counties(layer: str, county_fips: Iterable[str]) -> list[str]:
    """The units of ``layer`` lying in these counties (a ZIP area nests in one county)."""
    wanted = set(county_fips)
    if layer == COUNTIES:
        return sorted(wanted & source(COUNTIES).units.keys())
    return sorted(uid for uid, unit in source(layer).units.items() if unit["county"] in wanted)


def build(layer: str, unit_ids: Iterable[str],
          territory_of: Mapping[str, str] | pd.Series | None = None, units: bool = True,
          tolerance: float | None = None) -> dict:
    """A TopoJSON of ``unit_ids`` (object ``units``: id, escaped ``label``, ``county`` for a
    ZIP area, live territory ``t``; left out when not ``units``) and, given
    ``territory_of`` (unit -> territory), the territories dissolved from them (object
    ``territories``, id and ``territory_id`` = the territory's id). ``tolerance``: the
    simplification in degrees (default: the layer's, :data:`TOLERANCE`)."""
    src = source(layer)
    asked = pd.Index(pd.unique(np.fromiter(map(str, unit_ids), dtype=object)), dtype=object)
    chosen = asked[asked.isin(_ring_refs(layer)[0])]
    territories = {}
    if territory_of is not None:
        lookup = pd.Series(territory_of, dtype=object)
        territories = dissolve(layer, lookup.reindex(chosen[chosen.isin(lookup.index)]))
    chosen = chosen.tolist()
    if units:
        rings = (ring for uid in chosen for polygon in src.units[uid]["polygons"]
                 for ring in polygon)
    else:
        rings = (ring for polygons in territories.values() for polygon in polygons
                 for ring in polygon)
    used = sorted({ref if ref >= 0 else ~ref for ring in rings for ref in ring})
    renumber = np.full(len(src.starts), -1, dtype=np.int64)
    renumber[used] = np.arange(len(used))
    arcs, transform = _quantised_arcs(src, np.asarray(used, dtype=np.int64),
                                      tolerance or TOLERANCE.get(layer, OWN_TOLERANCE))

    def remap(polygons):
        return [[[int(renumber[r]) if r >= 0 else ~int(renumber[~r]) for r in ring]
                 for ring in polygon] for polygon in polygons]

    members = []
    for uid in chosen if units else ():
        unit = src.units[uid]
        props = {"label": html.escape(src.labels[uid])}
        if unit["county"]:
            props["county"] = unit["county"]
        if territory_of is not None and uid in territory_of:
            props["t"] = str(territory_of[uid])
        members.append(_geometry(uid, remap(unit["polygons"]), props))
    objects = {}
    if units:
        objects["units"] = {"type": "GeometryCollection", "geometries": members}
    if territory_of is not None:
        objects["territories"] = {"type": "GeometryCollection", "geometries": [
            _geometry(tid, remap(polygons), {"territory_id": tid})
            for tid, polygons in sorted(territories.items())]}
    return {"type": "Topology", "transform": transform, "objects": objects, "arcs": arcs}


def _geometry(uid: str, polygons: list, properties: dict) -> dict:
    if len(polygons) == 1:
        return {"type": "Polygon", "id": uid, "arcs": polygons[0], "properties": properties}
    return {"type": "MultiPolygon", "id": uid, "arcs": polygons, "properties": properties}


def _quantised_arcs(src: Source, used: np.ndarray, tolerance: float):
    """The used arcs simplified (endpoints kept), quantised to ``tolerance / 2`` and
    delta-encoded, as TopoJSON lists; and the transform that undoes the quantisation."""
    if not len(used):
        return [], {"scale": [1.0, 1.0], "translate": [0.0, 0.0]}
    lengths = src.starts[used + 1] - src.starts[used]
    offsets = np.repeat(src.starts[used] - np.concatenate(([0], np.cumsum(lengths)[:-1])),
                        lengths)
    which = np.repeat(np.arange(len(used)), lengths)
    lines = shapely.linestrings(src.points[offsets + np.arange(len(offsets))], indices=which)
    simple = shapely.simplify(lines, tolerance, preserve_topology=True)
    coords, index = shapely.get_coordinates(simple, return_index=True)
    quantum = tolerance / 2
    origin = coords.min(axis=0)
    grid = np.round((coords - origin) / quantum).astype(np.int64)
    first = np.ones(len(index), dtype=bool)
    first[1:] = index[1:] != index[:-1]
    last = np.ones(len(index), dtype=bool)
    last[:-1] = index[:-1] != index[1:]
    moved = np.ones(len(index), dtype=bool)
    moved[1:] = (grid[1:] != grid[:-1]).any(axis=1)
    keep = first | last | moved  # a point on its neighbour's grid cell adds nothing
    grid, index, first = grid[keep], index[keep], first[keep]
    delta = grid.copy()
    delta[1:] -= grid[:-1]
    delta[first] = grid[first]
    flat = delta.tolist()
    bounds = np.flatnonzero(first).tolist() + [len(flat)]
    arcs = [flat[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    return arcs, {"scale": [quantum, quantum], "translate": [float(origin[0]), float(origin[1])]}


@lru_cache(maxsize=4)
def _ring_refs(layer: str) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Every unit's ring references in one array (units in the source's order) and the
    position of the unit each belongs to: read once per process, so that dissolving
    ~30,000 ZIP areas is a few array operations, not a walk over each unit's rings."""
    src = source(layer)
    refs: list[int] = []
    counts = []
    for unit in src.units.values():
        before = len(refs)
        for polygon in unit["polygons"]:
            for ring in polygon:
                refs.extend(ring)
        counts.append(len(refs) - before)
    owner = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    return pd.Index(list(src.units), dtype=object), np.asarray(refs, dtype=np.int64), owner


def dissolve(layer: str, territory_of: pd.Series) -> dict[str, list]:
    """Each territory's polygons as rings of source arc references (TopoJSON's ``~a`` for
    arc ``a`` reversed): its outline arcs stitched end to end, holes after their shell.
    ``territory_of``: unit id -> territory, in the order the units are walked.

    The outline is the arcs of the territory's units net of their uses: an arc two of its
    units share is walked once each way and cancels out. The net count of every
    (territory, arc) comes from one ``np.unique`` over all the units' references; the
    outline keeps each territory's arcs in the order the walk first meets them."""
    src = source(layer)
    ids, refs, owner = _ring_refs(layer)
    at = ids.get_indexer(territory_of.index)
    known = at >= 0
    codes, names = pd.factorize(territory_of.to_numpy(object)[known])
    unit_code = np.full(len(ids), -1, dtype=np.int64)
    unit_code[at[known]] = codes
    rank = np.full(len(ids), -1, dtype=np.int64)
    rank[at[known]] = np.arange(int(known.sum()))
    mine = np.flatnonzero(unit_code[owner] >= 0)
    walk = mine[np.argsort(rank[owner[mine]], kind="stable")]  # the caller's unit order
    walked, territory = refs[walk], unit_code[owner[walk]]
    arc_count = len(src.starts) - 1
    keys = territory * arc_count + np.where(walked >= 0, walked, ~walked)
    unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    net = np.bincount(inverse, weights=np.where(walked >= 0, 1.0, -1.0)).astype(np.int64)
    edge = net != 0
    unique, first, net = unique[edge], first[edge], net[edge]
    order = np.lexsort((first, unique // arc_count))
    owners = np.repeat(unique[order] // arc_count, np.abs(net[order]))
    arcs = np.repeat(unique[order] % arc_count, np.abs(net[order]))
    forward = np.repeat(net[order] > 0, np.abs(net[order]))
    outline = np.where(forward, arcs, ~arcs)
    start_key, end_key = src.node_keys()
    begins = np.where(forward, start_key[arcs], end_key[arcs])
    ends = np.where(forward, end_key[arcs], start_key[arcs])
    bounds = np.searchsorted(owners, np.arange(len(names) + 1))
    return {str(names[t]): _rings_to_polygons(src, _stitch(
                outline[a:b].tolist(), begins[a:b].tolist(), ends[a:b].tolist()))
            for t, (a, b) in enumerate(zip(bounds[:-1], bounds[1:], strict=True))}


def _stitch(outline: list[int], begins: list[int], ends: list[int]) -> list[list[int]]:
    """Rings of the outline's arcs (``begins``/``ends``: each one's end nodes as walked),
    each arc followed by one leaving the node it reaches."""
    leaving: dict[int, list[int]] = defaultdict(list)
    end_of = {}
    for ref, begin, end in zip(outline, begins, ends, strict=True):
        leaving[begin].append(ref)
        end_of[ref] = end
    rings = []
    for ref, begin, end in zip(outline, begins, ends, strict=True):
        if ref not in leaving[begin]:
            continue  # already in a ring
        leaving[begin].remove(ref)
        ring = [ref]
        while end != begin and leaving.get(end):
            ref = leaving[end].pop()
            ring.append(ref)
            end = end_of[ref]
        if end == begin:
            rings.append(ring)
    return rings


def _ring_polygon(src: Source, ring: list[int]) -> Polygon:
    parts = []
    for ref in ring:
        arc = ref if ref >= 0 else ~ref
        coords = src.points[src.starts[arc]:src.starts[arc + 1]]
        parts.append(coords if ref >= 0 else coords[::-1])
    coords = np.concatenate(parts)
    return Polygon(coords) if len(coords) >= 4 else Polygon()


def _rings_to_polygons(src: Source, rings: list[list[int]]) -> list:
    """Shells (rings inside an even number of others) each with the holes just inside it."""
    if len(rings) <= 1:
        return [[ring] for ring in rings]
    shapes = [_ring_polygon(src, ring) for ring in rings]
    shapes = [s if s.is_valid else s.buffer(0) for s in shapes]  # a pinched ring
    order = sorted(range(len(rings)), key=lambda k: -shapes[k].area)
    inside: dict[int, list[int]] = {}
    for position, k in enumerate(order):
        if shapes[k].is_empty:
            inside[k] = []
            continue
        point = shapes[k].representative_point()
        inside[k] = [j for j in order[:position] if not shapes[j].is_empty
                     and shapes[j].contains(point)]
    polygons: dict[int, list] = {}
    for k in order:
        depth = len(inside[k])
        if depth % 2 == 0:
            polygons[k] = [rings[k]]
        else:
            parent = inside[k][-1]  # the smallest ring around it: its shell
            polygons.setdefault(parent, [rings[parent]]).append(rings[k])
    return [polygons[k] for k in order if k in polygons]
