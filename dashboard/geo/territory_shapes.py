"""State outlines as GeoJSON, drawn over every map. (Territories and units come
as TopoJSON from the geometry route: ``dashboard.layers.map_topology``.)"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from dashboard.geo import us_atlas


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
