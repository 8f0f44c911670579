"""Build ``data/geo/zip-cells.json.gz``: approximate US ZIP areas (issue 19).

No registry package ships ZIP-area polygons, so each ZIP is approximated by the Voronoi cell
of its centre (the ``zipcodes`` package's offline table: active STANDARD ZIPs) clipped to
the county holding that centre: the cells nest exactly in the map's counties and tile the
country. A county holding no ZIP centre is one cell of its own (id ``C`` + FIPS).

Voronoi cells are drawn in a plane stretched by cos(latitude) at each county, so a cell's
borders sit half way between centres in kilometres, not in degrees. Centres that share
their coordinates: the first ZIP keeps the spot, the others ring it at ~100 m, so each
still gets a cell.

Building takes about 40 s, too slow for start-up, so the result is shipped: a gzipped
TopoJSON quantised on the counties' own grid refined 8 times (about 40 m × 12 m), so the
county borders decode to exactly the counties' coordinates, with shared arcs (each border
stored once; two cells sharing an arc are neighbours). ``zip_aliases`` maps every other ZIP
of the table (PO boxes, unique and military ZIPs, and the two whose offshore centre gets
no cell) to the cell holding its centre, or the nearest within ~10 km.

Run: ``python tools/build_zip_cells.py`` (then commit the file).
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import shapely
import zipcodes
from shapely import affinity

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard.geo import us_atlas  # noqa: E402
from dashboard.layers import topojson_encode  # noqa: E402
from dashboard.layers.us_layers import COUNTY_ONLY_PREFIX, ZIP_CELLS_FILE  # noqa: E402

REFINE = 8  # a power of two: county vertices decode to the very same floats
SPREAD_DEG = 1e-3
NEAREST_DEG = 0.1


def _zip_table() -> tuple[list[dict], list[dict]]:
    """(active standard ZIPs with a centre, every other ZIP with a centre)."""
    rows = [r for r in zipcodes.list_all()  # 77352 has (0, 0): no centre
            if r.get("lat") and r.get("long") and (float(r["lat"]), float(r["long"])) != (0, 0)]
    seeds = [r for r in rows if r["zip_code_type"] == "STANDARD" and r["active"]]
    others = [r for r in rows if not (r["zip_code_type"] == "STANDARD" and r["active"])]
    return seeds, others


def _spread_duplicates(xy: np.ndarray) -> np.ndarray:
    """Centres shared by several ZIPs: the first keeps the spot (its cell holds the centre
    with room to spare on the file's grid), the others ring it at ~100 m."""
    xy = xy.copy()
    _, inverse, counts = np.unique(xy, axis=0, return_inverse=True, return_counts=True)
    for group in np.flatnonzero(counts > 1):
        others = np.flatnonzero(inverse.ravel() == group)[1:]
        angles = 2 * np.pi * np.arange(len(others)) / len(others)
        xy[others] += SPREAD_DEG * np.c_[np.cos(angles), np.sin(angles)]
    return xy


def _county_cells(county, xy: np.ndarray) -> list:
    """Voronoi cells of the centres ``xy`` clipped to ``county`` (in the seeds' order)."""
    if len(xy) == 1:
        return [county]
    stretch = np.cos(np.radians(county.centroid.y))
    seeds = shapely.multipoints(_spread_duplicates(xy) * [stretch, 1.0])
    frame = affinity.scale(county.envelope, stretch, 1.0, origin=(0, 0)).buffer(1.0)
    regions = shapely.voronoi_polygons(seeds, extend_to=frame, ordered=True)
    regions = [affinity.scale(r, 1 / stretch, 1.0, origin=(0, 0))
               for r in regions.geoms]
    return list(shapely.intersection(np.asarray(regions, dtype=object), county))


def build_cells() -> tuple[list[str], list[str], list[str], list]:
    """Cell ids, names, county FIPS and geometries (float, before noding)."""
    counties = us_atlas.load_counties()
    seeds, _ = _zip_table()
    lat = np.array([float(r["lat"]) for r in seeds])
    lon = np.array([float(r["long"]) for r in seeds])
    fips = us_atlas.county_of_points(lat, lon)
    tree = shapely.STRtree(counties["geometry"].to_numpy())
    outside = np.flatnonzero([f is None for f in fips])
    nearest = tree.query_nearest(shapely.points(lon[outside], lat[outside]), all_matches=False)
    fips[outside[nearest[0]]] = counties.index.to_numpy()[nearest[1]]
    by_county = defaultdict(list)
    for i, county in enumerate(fips):
        by_county[county].append(i)
    ids, names, parents, geoms = [], [], [], []
    for county_fips, county in counties["geometry"].items():
        if county.is_empty:
            continue
        members = by_county.get(county_fips, [])
        if not members:
            ids.append(COUNTY_ONLY_PREFIX + county_fips)
            county_row = counties.loc[county_fips]
            names.append(f"{county_row['name']} {county_row['state_abbr']}")
            parents.append(county_fips)
            geoms.append(county)
            continue
        cells = _county_cells(county, np.c_[lon[members], lat[members]])
        for i, cell in zip(members, cells, strict=True):
            if cell.is_empty:
                continue  # a centre off the coast whose cell lies outside its county
            ids.append(seeds[i]["zip_code"])
            names.append(f"{seeds[i]['zip_code']} {seeds[i]['city']}")
            parents.append(county_fips)
            geoms.append(cell)
    return ids, names, parents, geoms


def topology(ids, names, parents, faces_by_cell, areas) -> dict:
    counties = json.loads((us_atlas.COUNTIES_FILE).read_text())["transform"]
    step = np.asarray(counties["scale"]) / REFINE
    properties = [{"name": names[c], "county": parents[c], "area_km2": round(areas[c], 3)}
                  for c in range(len(ids))]
    return topojson_encode.encode("cells", ids, properties, faces_by_cell,
                                  counties["translate"], step)


def zip_aliases(ids: list[str], geoms: list) -> dict[str, str]:
    """Every ZIP of the table without a cell of its own -> the cell holding its centre."""
    seeds, others = _zip_table()
    own = set(ids)
    rows = [r for r in seeds + others if r["zip_code"] not in own]
    points = shapely.points([float(r["long"]) for r in rows], [float(r["lat"]) for r in rows])
    tree = shapely.STRtree(np.asarray(geoms, dtype=object))
    point_idx, cell_idx = tree.query(points, predicate="intersects")
    aliases = {}
    for p, c in zip(point_idx, cell_idx, strict=True):
        aliases.setdefault(rows[p]["zip_code"], ids[c])
    # a centre in no cell (offshore on the 1:10m coastline: Treasure Island, 94130): the
    # nearest cell within ~10 km; military ZIPs abroad stay unknown
    missed = np.array([k for k, r in enumerate(rows) if r["zip_code"] not in aliases], dtype=int)
    near_point, near_cell = tree.query_nearest(points[missed], max_distance=NEAREST_DEG)
    for p, c in zip(near_point, near_cell, strict=True):
        aliases.setdefault(rows[missed[p]]["zip_code"], ids[c])
    return dict(sorted(aliases.items()))


def main() -> None:
    started = time.perf_counter()
    ids, names, parents, geoms = build_cells()
    print(f"{len(ids)} cells in {time.perf_counter() - started:.1f} s")
    faces = topojson_encode.node(geoms)
    print(f"noded in {time.perf_counter() - started:.1f} s")
    areas = [us_atlas.geodesic_area_km2(g) for g in geoms]
    topo = topology(ids, names, parents, faces, areas)
    topo["zip_aliases"] = zip_aliases(ids, geoms)
    text = json.dumps(topo, separators=(",", ":"))
    # mtime 0: the same cells give the same bytes, so a rebuild shows no change in git
    with gzip.GzipFile(ZIP_CELLS_FILE, "wb", compresslevel=9, mtime=0) as handle:
        handle.write(text.encode("utf-8"))
    print(f"{len(topo['arcs'])} arcs, {len(topo['zip_aliases'])} aliases; "
          f"{len(text) / 1e6:.2f} MB of JSON, {ZIP_CELLS_FILE.stat().st_size / 1e6:.2f} MB "
          f"gzipped, in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
