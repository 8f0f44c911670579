"""US counties and states from the bundled us-atlas TopoJSON.

The files are decoded here with numpy and shapely rather than a TopoJSON
library: the format is small (quantised, delta-encoded arcs shared between
neighbouring polygons) and decoding it ourselves keeps the arcs, which give
county adjacency exactly and for free: two counties border each other iff
they share an arc.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from dashboard import DATA_DIR

GEO_DIR = DATA_DIR / "geo"
COUNTIES_FILE = GEO_DIR / "counties-10m.json"
STATES_FILE = GEO_DIR / "states-10m.json"

#: State FIPS -> (USPS code, US Census region). Census regions cover the 50
#: states and DC only; Puerto Rico and the island areas have no region.
STATES: dict[str, tuple[str, str | None]] = {
    "01": ("AL", "South"), "02": ("AK", "West"), "04": ("AZ", "West"),
    "05": ("AR", "South"), "06": ("CA", "West"), "08": ("CO", "West"),
    "09": ("CT", "Northeast"), "10": ("DE", "South"), "11": ("DC", "South"),
    "12": ("FL", "South"), "13": ("GA", "South"), "15": ("HI", "West"),
    "16": ("ID", "West"), "17": ("IL", "Midwest"), "18": ("IN", "Midwest"),
    "19": ("IA", "Midwest"), "20": ("KS", "Midwest"), "21": ("KY", "South"),
    "22": ("LA", "South"), "23": ("ME", "Northeast"), "24": ("MD", "South"),
    "25": ("MA", "Northeast"), "26": ("MI", "Midwest"), "27": ("MN", "Midwest"),
    "28": ("MS", "South"), "29": ("MO", "Midwest"), "30": ("MT", "West"),
    "31": ("NE", "Midwest"), "32": ("NV", "West"), "33": ("NH", "Northeast"),
    "34": ("NJ", "Northeast"), "35": ("NM", "West"), "36": ("NY", "Northeast"),
    "37": ("NC", "South"), "38": ("ND", "Midwest"), "39": ("OH", "Midwest"),
    "40": ("OK", "South"), "41": ("OR", "West"), "42": ("PA", "Northeast"),
    "44": ("RI", "Northeast"), "45": ("SC", "South"), "46": ("SD", "Midwest"),
    "47": ("TN", "South"), "48": ("TX", "South"), "49": ("UT", "West"),
    "50": ("VT", "Northeast"), "51": ("VA", "South"), "53": ("WA", "West"),
    "54": ("WV", "South"), "55": ("WI", "Midwest"), "56": ("WY", "West"),
    "60": ("AS", None), "66": ("GU", None), "69": ("MP", None),
    "72": ("PR", None), "78": ("VI", None),
}
REGIONS = ("Northeast", "Midwest", "South", "West")

_GEOD = Geod(ellps="WGS84")


def _read(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _decode_arcs(topology: dict[str, Any]) -> list[np.ndarray]:
    """Absolute lon/lat of every arc: undo delta encoding, then quantisation."""
    raw = topology["arcs"]
    lengths = np.fromiter((len(arc) for arc in raw), dtype=np.int64, count=len(raw))
    flat = np.array([pt[:2] for arc in raw for pt in arc], dtype=np.float64)
    transform = topology.get("transform")
    if transform is not None:
        # Delta-decode every arc at once: a cumulative sum over the whole array,
        # minus the running total carried over from the previous arcs (integers,
        # so exact in float64).
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        total = np.cumsum(flat, axis=0)
        offsets = np.repeat(np.vstack(([0.0, 0.0], total[starts[1:] - 1])), lengths, axis=0)
        flat = total - offsets
        flat = flat * np.asarray(transform["scale"]) + np.asarray(transform["translate"])
    return np.split(flat, np.cumsum(lengths)[:-1])


def _ring(arc_indices: Sequence[int], arcs: list[np.ndarray]) -> np.ndarray:
    """Join a ring's arcs; ~i means arc i reversed, and consecutive arcs share
    their joining point, so every arc after the first drops its first point."""
    parts = []
    for k, index in enumerate(arc_indices):
        coords = arcs[index] if index >= 0 else arcs[~index][::-1]
        parts.append(coords if k == 0 else coords[1:])
    return np.concatenate(parts)


def _polygon(rings_arcs: Sequence[Sequence[int]], arcs: list[np.ndarray]) -> Polygon | None:
    """First ring is the shell, the rest holes. Quantisation collapses a few
    tiny rings to a point or a back-and-forth line; those are dropped."""
    rings = [_ring(r, arcs) for r in rings_arcs]
    if not rings or len(rings[0]) < 4:
        return None
    return Polygon(rings[0], [hole for hole in rings[1:] if len(hole) >= 4])


def _geometry(obj: dict[str, Any], arcs: list[np.ndarray]) -> BaseGeometry | None:
    kind = obj.get("type")
    if kind == "Polygon":
        geom = _polygon(obj["arcs"], arcs) or Polygon()
    elif kind == "MultiPolygon":
        polygons = [p for p in (_polygon(poly, arcs) for poly in obj["arcs"]) if p is not None]
        geom = MultiPolygon(polygons)
    else:
        return None
    if not geom.is_valid:
        # Quantisation pinches a few rings into bow-ties (22 counties); without
        # repair, point-in-polygon and union give wrong answers there.
        geom = shapely.make_valid(geom, method="structure", keep_collapsed=False)
    return geom


def decode_topojson(
    path: str | Path, object_name: str
) -> list[tuple[str | None, dict[str, Any], BaseGeometry | None]]:
    """(id, properties, geometry) of every member of one TopoJSON object."""
    topology = _read(Path(path))
    arcs = _decode_arcs(topology)
    members = topology["objects"][object_name]
    geometries = members["geometries"] if members["type"] == "GeometryCollection" else [members]
    return [
        (obj.get("id"), dict(obj.get("properties") or {}), _geometry(obj, arcs))
        for obj in geometries
    ]


def _arc_ids(obj: dict[str, Any]) -> set[int]:
    """Arcs a polygon or multipolygon uses, direction ignored."""
    nested = obj["arcs"] if obj["type"] == "MultiPolygon" else [obj["arcs"]]
    return {i if i >= 0 else ~i for poly in nested for ring in poly for i in ring}


def geodesic_area_km2(geom: BaseGeometry) -> float:
    """Area on the WGS84 ellipsoid; planar lon/lat area would shrink northern
    counties by cos(latitude)."""
    oriented = shapely.orient_polygons(geom)  # exterior CCW, holes CW: holes subtract
    area, _ = _GEOD.geometry_area_perimeter(oriented)
    return abs(area) / 1e6


def _collapsed_centre(obj: dict[str, Any], arcs: list[np.ndarray]) -> tuple[float, float]:
    """Mean lon/lat of a polygon that quantisation collapsed to a line (Falls
    Church, VA at 1:10m): it has no area but still has a place."""
    nested = obj["arcs"] if obj["type"] == "MultiPolygon" else [obj["arcs"]]
    coords = np.concatenate([_ring(ring, arcs) for poly in nested for ring in poly])
    return float(coords[:, 0].mean()), float(coords[:, 1].mean())


@lru_cache(maxsize=1)
def load_counties() -> pd.DataFrame:
    """Counties indexed by 5-digit FIPS: name, state_fips, state_abbr, region,
    area_km2, lat, lon (centroid) and geometry (shapely, lon/lat).

    Cached and shared: callers must not mutate the frame.
    """
    topology = _read(COUNTIES_FILE)
    arcs = _decode_arcs(topology)
    rows = []
    for obj in topology["objects"]["counties"]["geometries"]:
        fips = obj["id"]
        geom = _geometry(obj, arcs)
        abbr, region = STATES.get(fips[:2], (None, None))
        if geom.is_empty:
            lon, lat = _collapsed_centre(obj, arcs)
        else:
            centroid = geom.centroid
            lon, lat = centroid.x, centroid.y
        rows.append(
            {
                "county_fips": fips,
                "name": (obj.get("properties") or {}).get("name"),
                "state_fips": fips[:2],
                "state_abbr": abbr,
                "region": region,
                "area_km2": geodesic_area_km2(geom) if not geom.is_empty else 0.0,
                "lat": lat,
                "lon": lon,
                "geometry": geom,
            }
        )
    frame = pd.DataFrame(rows).astype(
        {c: object for c in ("county_fips", "name", "state_fips", "state_abbr", "region")}
    )
    return frame.set_index("county_fips").sort_index()


@lru_cache(maxsize=1)
def county_adjacency() -> dict[str, set[str]]:
    """Counties that share a border, from shared TopoJSON arcs.

    Every county appears as a key; an island county maps to an empty set.
    Cached and shared: callers must not mutate the sets.
    """
    topology = _read(COUNTIES_FILE)
    owners: dict[int, list[str]] = {}
    adjacency: dict[str, set[str]] = {}
    for obj in topology["objects"]["counties"]["geometries"]:
        fips = obj["id"]
        adjacency[fips] = set()
        for arc in _arc_ids(obj):
            owners.setdefault(arc, []).append(fips)
    for sharing in owners.values():
        for a in sharing:
            for b in sharing:
                if a != b:
                    adjacency[a].add(b)
    return adjacency


@lru_cache(maxsize=1)
def load_states() -> pd.DataFrame:
    """States (and DC, PR, island areas) indexed by 2-digit FIPS: name, geometry."""
    rows = [
        {"state_fips": fips, "name": props.get("name"), "geometry": geom}
        for fips, props, geom in decode_topojson(STATES_FILE, "states")
    ]
    frame = pd.DataFrame(rows).astype({"state_fips": object, "name": object})
    return frame.set_index("state_fips").sort_index()


@lru_cache(maxsize=1)
def _county_tree() -> tuple[shapely.STRtree, np.ndarray]:
    counties = load_counties()
    return shapely.STRtree(counties["geometry"].to_numpy()), counties.index.to_numpy()


def county_of_points(lats: Iterable[float], lons: Iterable[float]) -> np.ndarray:
    """FIPS of the county containing each point (object array, None outside
    every county, e.g. offshore where the 1:10m coastline is coarse)."""
    lat = np.asarray(lats, dtype=np.float64)
    lon = np.asarray(lons, dtype=np.float64)
    tree, fips = _county_tree()
    result = np.full(lat.shape, None, dtype=object)
    if lat.size == 0:
        return result
    points = shapely.points(lon, lat)
    point_idx, county_idx = tree.query(points, predicate="within")
    # A point exactly on a shared border is within neither polygon's interior
    # and so matches none; a point matching two keeps the first, deterministically.
    order = np.lexsort((county_idx, point_idx))
    point_idx, county_idx = point_idx[order], county_idx[order]
    first = np.unique(point_idx, return_index=True)[1]
    result[point_idx[first]] = fips[county_idx[first]]
    return result


def dissolve(
    county_fips_by_territory: Mapping[str, Sequence[str]], tolerance_deg: float = 0.01,
    geometry: pd.Series | None = None,
) -> dict[str, BaseGeometry]:
    """One simplified outline per territory, for drawing only (the union of
    its counties; topology-preserving simplification keeps holes and islands).
    ``geometry``: the units' shapes by id, when they are not the US counties (a layer of
    one's own)."""
    geometry = load_counties()["geometry"] if geometry is None else geometry
    outlines = {}
    for territory_id, fips_list in county_fips_by_territory.items():
        parts = geometry.reindex(list(fips_list)).dropna().to_numpy()
        if len(parts) == 0:
            continue
        union = shapely.union_all(parts)
        outlines[territory_id] = union.simplify(tolerance_deg, preserve_topology=True)
    return outlines


def _round_ring(coords: np.ndarray, precision: int) -> list[list[float]] | None:
    rounded = np.round(np.asarray(coords)[:, :2], precision)
    keep = np.ones(len(rounded), dtype=bool)
    keep[1:] = np.any(rounded[1:] != rounded[:-1], axis=1)
    rounded = rounded[keep]
    return rounded.tolist() if len(rounded) >= 4 else None


def _round_polygon(poly: Polygon, precision: int) -> list[list[list[float]]] | None:
    shell = _round_ring(poly.exterior.coords, precision)
    if shell is None:
        return None
    holes = [_round_ring(r.coords, precision) for r in poly.interiors]
    return [shell, *[h for h in holes if h is not None]]


def to_geojson_feature(
    geom: BaseGeometry, properties: Mapping[str, Any] | None = None, precision: int = 3
) -> dict[str, Any]:
    """A GeoJSON Feature with coordinates rounded to ``precision`` decimals.

    Three decimals is ~100 m, finer than a county map can show, and roughly
    halves the payload sent to the browser. Rings that rounding collapses
    (slivers, tiny islands) are dropped rather than sent degenerate.
    """
    polygons = [geom] if isinstance(geom, Polygon) else list(getattr(geom, "geoms", []))
    rounded = [p for p in (_round_polygon(poly, precision) for poly in polygons) if p]
    if len(rounded) == 1:
        geometry: dict[str, Any] | None = {"type": "Polygon", "coordinates": rounded[0]}
    elif rounded:
        geometry = {"type": "MultiPolygon", "coordinates": rounded}
    else:
        geometry = None
    return {"type": "Feature", "properties": dict(properties or {}), "geometry": geometry}


def is_contiguous(fips_list: Iterable[str], adjacency: Mapping[str, Iterable[str]]) -> bool:
    """Whether the counties form one connected piece over the adjacency graph
    (an empty list counts as contiguous)."""
    members = set(fips_list)
    if not members:
        return True
    start = next(iter(members))
    seen = {start}
    stack = [start]
    while stack:
        for neighbour in adjacency.get(stack.pop(), ()):
            if neighbour in members and neighbour not in seen:
                seen.add(neighbour)
                stack.append(neighbour)
    return len(seen) == len(members)
