"""A boundary file added as a unit layer of one's own (``runtime.custom_layers``): what is
stored, what is refused (per feature, nothing stored), and a stored dataset placed into
its units. The file: tests/data/departements.geojson, seven made-up départements in
Lambert-93: six 50 km squares in two rows (01 02 03 from west to east, 04 05 06 north of
them) and an island 2A of 20 km × 20 km to the east."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.runtime import custom_layers
from dashboard.storage import db, unit_layers
from dashboard.storage.schema import Dataset

BOUNDARIES = Path(__file__).resolve().parents[2] / "data" / "departements.geojson"


@pytest.fixture
def engine(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'layers.sqlite'}")
    db.upgrade(engine)
    return engine


def add(engine, content: bytes | None = None, id_property: str = "code"):
    return custom_layers.add_layer(engine, "fr", "departements.geojson",
                                   content or BOUNDARIES.read_bytes(), id_property, "nom",
                                   "region")


def edited(change) -> bytes:
    data = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    change(data["features"])
    return json.dumps(data).encode()


def test_an_added_layer_comes_back_with_its_names_parents_areas_and_neighbours(engine):
    result = add(engine)
    assert not result.refused and result.problems == []
    layer = custom_layers.load_layer(engine, "fr")
    assert layer.ids == ["01", "02", "03", "04", "05", "06", "2A"]
    assert layer.units.at["2A", "name"] == "Île-Claire"
    assert layer.units["parent_id"].tolist() == ["R1"] * 3 + ["R2"] * 3 + ["R3"]
    # 50 km squares in Lambert-93 (a conformal projection: areas off by a few per mille)
    assert layer.units.loc["01", "area_km2"] == pytest.approx(2500, rel=0.01)
    assert layer.units.loc["2A", "area_km2"] == pytest.approx(400, rel=0.01)
    # rook neighbours from the shared arcs: 02 borders 01, 03 and 05; the island none
    assert layer.adjacency["02"] == {"01", "03", "05"}
    assert layer.adjacency["2A"] == set()
    assert unit_layers.names(engine) == ["fr"]


def test_a_file_with_a_repeated_id_is_refused_feature_by_feature_and_not_stored(engine):
    def repeat(features):
        features[1]["properties"]["code"] = "01"
    result = add(engine, edited(repeat))
    assert result.refused
    assert [str(p) for p in result.problems] == [
        "departements.geojson feature 2, property code: id 01 is already used by feature 1"]
    assert unit_layers.names(engine) == []


def test_ids_longer_than_the_unit_column_are_refused(engine):
    def lengthen(features):
        features[0]["properties"]["code"] = "E01000001-E01000002-X"  # 21 characters
    result = add(engine, edited(lengthen))
    assert result.refused
    assert str(result.problems[0]) == (
        "departements.geojson property code: ids of at most 20 characters are stored with "
        "the data; E01000001-E01000002-X are longer")


def test_an_invalid_shape_is_repaired_and_the_warning_kept_with_the_layer(engine):
    def bow_tie(features):  # 2A's ring crossing itself
        ring = features[6]["geometry"]["coordinates"][0]
        ring[1], ring[2] = ring[2], ring[1]
    result = add(engine, edited(bow_tie))
    assert not result.refused
    assert [p.feature for p in result.problems] == [7]
    assert "invalid geometry repaired (Self-intersection" in str(result.problems[0])
    assert unit_layers.read(engine, "fr").warnings == [str(result.problems[0])]


def dataset(accounts: pd.DataFrame, alignment_units: list[str]) -> Dataset:
    alignment = pd.DataFrame({"county_fips": alignment_units,
                              "territory_id": ["T1"] * len(alignment_units)})
    return Dataset(territories=pd.DataFrame(), reps=pd.DataFrame(), alignment=alignment,
                   accounts=accounts, opportunities=pd.DataFrame(), quotas=pd.DataFrame())


def test_a_stored_dataset_is_placed_into_the_units_by_point_else_by_the_unit_it_names(engine):
    add(engine)
    layer = custom_layers.load_layer(engine, "fr")
    accounts = pd.DataFrame({
        "account_id": ["A1", "A2", "A3"],
        # A1 names 01 but lies in 03 (46.72 N 3.98 E); A2 has no point and names 2A;
        # A3 has neither a point in the layer (Paris) nor a unit of it
        "county_fips": ["01", "2A", "75"],
        "lat": [46.72, np.nan, 48.85], "lon": [3.98, np.nan, 2.35],
        "zip": [None, None, None]})
    placed, problems = custom_layers.on_layer(dataset(accounts, ["01", "03", "99"]), layer)
    assert placed.accounts["county_fips"].tolist()[:2] == ["03", "2A"]
    assert pd.isna(placed.accounts["county_fips"].iloc[2])
    assert problems == [
        "account A3: outside every unit of fr and names none of its units (75)",
        "alignment: 99 is no unit of fr"]


def test_a_zipped_shapefile_of_the_same_departements_is_stored_as_the_same_layer(engine):
    from tests.unit.layers.test_boundary_files import _features, _zipped_shapefile

    add(engine)
    from_geojson = custom_layers.load_layer(engine, "fr")
    result = custom_layers.add_layer(engine, "fr-shp", "departements.zip",
                                     _zipped_shapefile(_features()), "code", "nom", "region")
    assert not result.refused
    from_shapefile = custom_layers.load_layer(engine, "fr-shp")
    assert from_shapefile.ids == from_geojson.ids
    assert dict(from_shapefile.adjacency) == dict(from_geojson.adjacency)
    assert from_shapefile.units["area_km2"].to_numpy() == pytest.approx(
        from_geojson.units["area_km2"].to_numpy(), rel=1e-6)
    assert unit_layers.names(engine) == ["fr", "fr-shp"]


def test_the_geography_follows_a_layer_added_again_under_its_name(engine):
    from dashboard.runtime import geography

    add(engine)
    first = geography.of_units(engine, "layer:fr")
    assert first.own and first.labels["01"] == "Haute-Vallée"
    assert geography.of_units(engine, "layer:fr") is first  # read once per version

    def rename(features):
        features[0]["properties"]["nom"] = "Haute-Vallée-du-Lac"
    add(engine, edited(rename))
    second = geography.of_units(engine, "layer:fr")
    assert second.labels["01"] == "Haute-Vallée-du-Lac"
    assert second.map_layer != first.map_layer  # the maps' URLs change with the shapes' key
