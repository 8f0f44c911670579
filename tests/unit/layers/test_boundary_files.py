"""A leader's own boundary file becomes a layer: GeoJSON, TopoJSON and zipped Shapefile, any
coordinate system, repaired where invalid, refused with the reason where unusable.

``tests/data/departements.geojson``: seven invented French-style départements in Lambert-93
(EPSG:2154): a 3 × 2 grid of 50 km squares (01-03 above 04-06... in fact 01-03 the south row)
in two régions, and an island (2A) 20 km off the coast.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
import shapefile
from pyproj import CRS

from dashboard.i18n.translation import use
from dashboard.layers.boundary_checks import build_boundary_layer
from dashboard.layers.boundary_files import BoundaryFileError, read_boundary_file

DATA = Path(__file__).resolve().parents[2] / "data"
GEOJSON = (DATA / "departements.geojson").read_bytes()


def _features():
    return json.loads(GEOJSON)["features"]


def _geojson(features, crs=True) -> bytes:
    data = {"type": "FeatureCollection", "features": features}
    if crs:
        data["crs"] = json.loads(GEOJSON)["crs"]
    return json.dumps(data).encode()


def _zipped_shapefile(features, prj: bool = True) -> bytes:
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON) as writer:
        writer.field("code", "C", size=4)
        writer.field("nom", "C", size=40)
        writer.field("region", "C", size=4)
        for feature in features:
            props = feature["properties"]
            ring = feature["geometry"]["coordinates"][0]
            writer.poly([ring[::-1]])  # a Shapefile's outer rings run clockwise
            writer.record(props["code"], props["nom"], props["region"])
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        for suffix, part in ((".shp", shp), (".shx", shx), (".dbf", dbf)):
            archive.writestr("departements/departements" + suffix, part.getvalue())
        if prj:
            archive.writestr("departements/departements.prj",
                             CRS.from_epsg(2154).to_wkt(version="WKT1_ESRI"))
        archive.writestr("departements/departements.cpg", "UTF-8")
    return packed.getvalue()


def _layer(name, content, **chosen):
    picked = {"id_property": "code", "name_property": "nom", "parent_property": "region"}
    picked.update(chosen)
    return build_boundary_layer(read_boundary_file(name, content), **picked)


def _check_departements(result):
    assert not result.refused, [str(p) for p in result.problems]
    layer = result.layer
    assert sorted(layer.ids) == ["01", "02", "03", "04", "05", "06", "2A"]
    units = layer.units
    assert units.at["06", "name"] == "Côte-d'Argent"
    assert units.at["01", "parent_id"] == "R1" and units.at["2A", "parent_id"] == "R3"
    # reprojected from Lambert-93 to lon/lat: central France
    lon, lat = units.at["01", "geometry"].centroid.coords[0]
    assert 2.5 < lon < 4.5 and 45.5 < lat < 47.5
    # 50 km squares (Lambert-93 is conformal: areas within a fraction of a percent)
    assert units.loc[["01", "02", "03"], "area_km2"].tolist() == pytest.approx([2500] * 3,
                                                                               rel=5e-3)
    # rook neighbours: a shared side counts, a shared corner does not, an island has none
    assert layer.adjacency["01"] == {"02", "04"}
    assert layer.adjacency["05"] == {"02", "04", "06"}
    assert layer.adjacency["2A"] == frozenset()
    assert not [p for p in result.problems if "gap" in p.reason or "overlap" in p.reason]


def test_a_geojson_in_lambert_93_becomes_a_layer_in_lon_lat():
    _check_departements(_layer("departements.geojson", GEOJSON))


def test_a_zipped_shapefile_with_its_prj_becomes_the_same_layer():
    _check_departements(_layer("departements.zip", _zipped_shapefile(_features())))


def test_a_topojson_becomes_the_same_layer():
    # each square's ring as one arc of its own (quantisation tested on the ZIP cells)
    features = _features()
    topology = {"type": "Topology",
                "crs": json.loads(GEOJSON)["crs"],
                "arcs": [f["geometry"]["coordinates"][0] for f in features],
                "objects": {"departements": {"type": "GeometryCollection", "geometries": [
                    {"type": "Polygon", "arcs": [[k]], "properties": f["properties"]}
                    for k, f in enumerate(features)]}}}
    _check_departements(_layer("departements.topojson", json.dumps(topology).encode()))


def test_projected_coordinates_without_a_coordinate_system_are_refused():
    with pytest.raises(BoundaryFileError, match="no coordinate system"):
        read_boundary_file("departements.zip", _zipped_shapefile(_features(), prj=False))


def test_an_id_property_the_file_does_not_have_is_refused_naming_it():
    result = _layer("departements.geojson", GEOJSON, id_property="insee")
    assert result.refused
    assert str(result.problems[0]) == ("departements.geojson property insee: no feature has "
                                       "this property; the file's properties are code, nom, "
                                       "region")


def test_duplicate_ids_are_refused_naming_both_features():
    features = _features()
    features[4]["properties"]["code"] = "02"
    result = _layer("deps.geojson", _geojson(features))
    assert result.refused
    assert [str(p) for p in result.problems] == [
        "deps.geojson feature 5, property code: id 02 is already used by feature 2"]


def test_a_feature_without_an_id_is_refused_and_so_is_a_file_without_any():
    features = _features()
    features[2]["properties"]["code"] = "  "
    result = _layer("deps.geojson", _geojson(features))
    assert result.refused
    assert [str(p) for p in result.problems] == [
        "deps.geojson feature 3, property code: no id: every unit needs one"]
    for feature in features:
        feature["properties"]["code"] = None
    result = _layer("deps.geojson", _geojson(features))
    assert [str(p) for p in result.problems] == [
        "deps.geojson property code: no feature has a usable id in this property"]


def test_a_file_of_points_only_is_refused_with_the_reason():
    points = [{"type": "Feature", "properties": {"code": str(k)},
               "geometry": {"type": "Point", "coordinates": [2.0 + k, 46.0]}} for k in range(3)]
    result = build_boundary_layer(read_boundary_file("towns.geojson", _geojson(points, False)),
                                  "code")
    assert result.refused
    assert "towns.geojson: the file holds only points: a layer needs areas" in [
        str(p) for p in result.problems]


def test_an_invalid_geometry_is_repaired_and_reported_on_its_feature():
    features = _features()
    ring = features[0]["geometry"]["coordinates"][0]
    (a, b), (c, d) = ring[0], ring[2]
    features[0]["geometry"]["coordinates"] = [[[a, b], [c, d], [c, b], [a, d], [a, b]]]  # bow-tie
    result = _layer("deps.geojson", _geojson(features))
    assert not result.refused
    repaired = [str(p) for p in result.problems if p.feature == 1]
    assert len(repaired) == 1 and repaired[0].startswith(
        "warning: deps.geojson feature 1: invalid geometry repaired (Self-intersection")
    assert result.layer.units.at["01", "geometry"].is_valid
    assert result.layer.units.at["01", "area_km2"] == pytest.approx(1250, rel=1e-2)


def test_overlaps_and_gaps_are_reported_with_their_area():
    features = _features()
    ring = features[1]["geometry"]["coordinates"][0]  # 02: pushed 50 m west into 01
    features[1]["geometry"]["coordinates"] = [[[x - 50, y] for x, y in ring]]
    result = _layer("deps.geojson", _geojson(features))
    assert not result.refused
    texts = [str(p) for p in result.problems]
    overlap = [t for t in texts if "overlaps" in t]
    assert overlap == ["warning: deps.geojson feature 2, property code: unit 02 overlaps unit "
                       "01 (feature 1) over 2.50 km²"]
    # and left a 50 m sliver between itself and 03, 50 km long
    gaps = [t for t in texts if "gap of" in t]
    assert len(gaps) == 1, texts
    assert gaps[0].startswith("warning: deps.geojson: gap of 2.50 km² near 3.")
    assert gaps[0].endswith("between units 02, 03, 05, 06")


def test_problems_read_in_french():
    features = _features()
    features[4]["properties"]["code"] = "02"
    with use("fr"):  # reasons are worded when found, the place words when shown
        result = _layer("deps.geojson", _geojson(features))
        assert str(result.problems[0]) == (
            "deps.geojson entité 5, propriété code : l'identifiant 02 est déjà celui de "
            "l'entité 2")


def test_a_file_that_is_no_boundary_file_is_refused():
    with pytest.raises(BoundaryFileError, match="not a GeoJSON"):
        read_boundary_file("notes.json", b'{"hello": 1}')
    with pytest.raises(BoundaryFileError, match="one .shp file"):
        packed = io.BytesIO()
        with zipfile.ZipFile(packed, "w") as archive:
            archive.writestr("readme.txt", "nothing here")
        read_boundary_file("empty.zip", packed.getvalue())


def test_points_and_lines_among_the_areas_are_left_out_and_listed():
    features = _features()
    features[6]["geometry"] = {"type": "Point", "coordinates": [760000, 6610000]}
    features.append({"type": "Feature", "properties": {"code": "99"},
                     "geometry": {"type": "LineString",
                                  "coordinates": [[650000, 6600000], [700000, 6650000]]}})
    features.append({"type": "Feature", "properties": {"code": "98"}, "geometry": None})
    result = _layer("deps.geojson", _geojson(features))
    assert not result.refused and "2A" not in result.layer.ids
    assert [str(p) for p in result.problems] == [
        "warning: deps.geojson feature 7: a Point, not an area: left out",
        "warning: deps.geojson feature 8: a LineString, not an area: left out",
        "warning: deps.geojson feature 9: no geometry: left out"]
