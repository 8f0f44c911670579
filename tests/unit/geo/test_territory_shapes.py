"""Territory shapes are kept with numpy rings so Dash's encoder hands them to
orjson whole (plotly's encoder walks nested lists in Python); the JSON the
browser receives must not change."""

from __future__ import annotations

from plotly.io.json import to_json_plotly
from shapely.geometry import MultiPolygon, Polygon

from dashboard.geo import us_atlas
from dashboard.geo.territory_shapes import with_array_rings


def test_array_rings_encode_to_the_same_json_as_nested_lists():
    square = Polygon([(0, 0), (1.5, 0), (1.5, 1.25), (0, 1)])
    collection = {"type": "FeatureCollection", "features": [
        us_atlas.to_geojson_feature(square, {"territory_id": "T1"}),
        us_atlas.to_geojson_feature(MultiPolygon([square, Polygon([(3, 3), (4, 3), (4, 4)])]),
                               {"territory_id": "T2"}),
        {"type": "Feature", "properties": {"territory_id": "T3"}, "geometry": None},
    ]}
    encoded = to_json_plotly(with_array_rings(collection))
    assert encoded == to_json_plotly(collection)
    assert '"coordinates":[[[0.0,0.0],[1.5,0.0],[1.5,1.25],[0.0,1.0],[0.0,0.0]]]' in encoded
