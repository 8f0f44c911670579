"""The built-in US layers: counties (as the map has always drawn them) and approximate ZIP
areas, which nest in the counties (ZIP → county → state).

The ZIP areas are *approximate*: no registry package ships ZIP-area polygons, so
``tools/build_zip_cells.py`` draws the Voronoi cell of each ZIP centre (the ``zipcodes``
package's table) clipped to its county, and ships them in ``data/geo/zip-cells.json.gz``.
For exact shapes, upload the Census Bureau's ZCTA boundary file as a layer of your own.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from functools import lru_cache

import shapely

from dashboard.geo import us_atlas
from dashboard.i18n.translation import N_
from dashboard.layers import topojson
from dashboard.layers.model import UnitLayer, build_layer

ZIP_CELLS_FILE = us_atlas.GEO_DIR / "zip-cells.json.gz"
#: id of the one cell of a county that holds no ZIP centre: ``C`` + its FIPS (a ZIP's id
#: is its five digits, a county's FIPS five digits too: the letter keeps them apart)
COUNTY_ONLY_PREFIX = "C"
COUNTIES, ZIP_CELLS = "us-counties", "us-zip-cells"
#: what the app calls each layer (translate with ``_()`` where it is shown)
LABELS = {COUNTIES: N_("US counties"), ZIP_CELLS: N_("approximate ZIP areas")}


@lru_cache(maxsize=1)
def county_layer() -> UnitLayer:
    """The 3,142 counties (and county equivalents), parent: the state's FIPS."""
    counties = us_atlas.load_counties()
    return build_layer(COUNTIES, LABELS[COUNTIES], counties.index.tolist(),
                       counties["name"].tolist(), counties["geometry"].tolist(),
                       counties["state_fips"].tolist(), adjacency=us_atlas.county_adjacency(),
                       areas_km2=counties["area_km2"].tolist())


@lru_cache(maxsize=1)
def _zip_topology() -> dict:
    with gzip.open(ZIP_CELLS_FILE, "rt", encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def zip_cell_layer() -> UnitLayer:
    """Approximate ZIP areas, parent: the county's FIPS. Cached: callers must not mutate."""
    features = topojson.decode(_zip_topology(), "cells")
    ids = [str(f.id) for f in features]
    geometries = [f.geometry if f.geometry.is_valid
                  else shapely.make_valid(f.geometry, method="structure", keep_collapsed=False)
                  for f in features]  # the grid pinches a few rings, as for the counties
    return build_layer(ZIP_CELLS, LABELS[ZIP_CELLS], ids,
                       [f.properties["name"] for f in features], geometries,
                       [f.properties["county"] for f in features],
                       adjacency=topojson.arc_adjacency(ids, features),
                       areas_km2=[f.properties["area_km2"] for f in features],
                       parent_layer=COUNTIES)


def zip_cell_of(codes: Iterable[str]) -> dict[str, str]:
    """The cell of each 5-digit ZIP the table knows: its own, or (a PO box, a unique or
    military ZIP) the cell holding its centre. Unknown codes are left out."""
    own = zip_cell_layer().adjacency  # a dict keyed by every cell id
    aliases = _zip_topology()["zip_aliases"]
    found = {}
    for code in codes:
        if code in own and not code.startswith(COUNTY_ONLY_PREFIX):
            found[code] = code
        elif code in aliases:
            found[code] = aliases[code]
    return found
