"""Map geometry as GeoJSON: territory shapes (dissolved counties, simplified)
and state outlines. Shapes depend only on the alignment, so they are built
once per data version and reused by every request."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from dashboard.geo import us_atlas
from dashboard.metrics.frames import Frames

#: ~1 km: invisible at the zoom a territory map is read at, and it keeps
#: 60 territory shapes well under the 500 kB payload budget
SIMPLIFY_DEGREES = 0.01
PRECISION = 3


def build_territory_shapes(frames: Frames) -> dict:
    counties_by_territory = (
        frames.alignment.reset_index().groupby("territory_id")["county_fips"].apply(list).to_dict()
    )
    shapes = us_atlas.dissolve(counties_by_territory, tolerance_deg=SIMPLIFY_DEGREES)
    # ids only: the shapes are shared by every viewer, and names (like every
    # figure) reach the map through the viewer's scoped hideout tooltips
    features = [
        us_atlas.to_geojson_feature(geometry, {"territory_id": tid}, precision=PRECISION)
        for tid, geometry in sorted(shapes.items())
    ]
    return {"type": "FeatureCollection", "features": features}


def territory_shapes(service) -> dict:
    return service.derived(("territory_shapes",),
                           lambda frames: with_array_rings(build_territory_shapes(frames)))


def with_array_rings(collection: dict) -> dict:
    """The same GeoJSON with every ring as an (n, 2) float array.

    Dash encodes a response with plotly's encoder, which walks every nested
    list in Python (~0.1 s per visit for 500 territory shapes) but hands a
    numeric array to orjson whole; the JSON text is the same."""
    def rings(geometry):
        if geometry is None:
            return None
        coordinates = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            coordinates = [np.asarray(ring, dtype="float64") for ring in coordinates]
        else:
            coordinates = [[np.asarray(ring, dtype="float64") for ring in polygon]
                           for polygon in coordinates]
        return {**geometry, "coordinates": coordinates}

    features = [{**f, "geometry": rings(f["geometry"])} for f in collection["features"]]
    return {**collection, "features": features}


@lru_cache(maxsize=1)
def state_outlines() -> dict:
    states = us_atlas.load_states()
    features = [
        us_atlas.to_geojson_feature(row.geometry.simplify(0.02), {"state": row.name}, precision=2)
        for row in states.itertuples()
    ]
    return with_array_rings({"type": "FeatureCollection", "features": features})
