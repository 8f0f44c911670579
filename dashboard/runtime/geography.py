"""The geography the data runs on, as the pages read it: which layer the maps draw units
from, and each unit's area, neighbours and label. The US counties unless the data runs on
a layer of one's own (``units layer:NAME``, ``dashboard.runtime.custom_layers``); the ZIP
units (``zip``, ``mixed``) keep the counties here, their ZIP areas coming on top.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from sqlalchemy import Engine

from dashboard.geo import us_atlas
from dashboard.geo.territory_shapes import state_outlines, with_array_rings
from dashboard.i18n.unit_words import UnitWords
from dashboard.layers import map_topology, topojson
from dashboard.storage import unit_layers


@dataclass(frozen=True)
class Geography:
    #: the ``map_topology`` layer the maps draw units and territories from
    map_layer: str
    #: km² by unit id
    areas: pd.Series
    #: unit id -> the ids it shares a border with
    adjacency: Mapping[str, frozenset[str] | set[str]]
    #: what a unit is called on the page ("Autauga, AL"; a layer's own name)
    labels: pd.Series
    #: the units as the design engine reads them (``us_atlas.load_counties``' columns:
    #: name, state_fips (the parent), area_km2, lat, lon, geometry), by unit id
    table: pd.DataFrame
    #: True on a layer of one's own: no US state outlines, no ZIP areas
    own: bool = False

    @property
    def words(self) -> UnitWords:
        """What the messages call the units: "county", or "unit" on a layer of one's own."""
        return UnitWords(self.own)


@lru_cache(maxsize=1)
def counties() -> Geography:
    atlas = us_atlas.load_counties()
    labels = (atlas["name"] + ", " + atlas["state_abbr"].fillna("")).str.rstrip(", ")
    return Geography(map_topology.COUNTIES, atlas["area_km2"], us_atlas.county_adjacency(),
                     labels, atlas)


#: the geographies of layers of one's own last read, by (database URL, layer, when the
#: layer was added): the URL, not the engine, so a disposed engine is not kept alive
_OWN: dict[tuple, Geography] = {}
_OWN_KEPT = 4


def of_units(engine: Engine, units: str) -> Geography:
    """The geography of the stored data's ``units`` (``DataService.units``); a layer of
    one's own is read from the database once per version of it (the stored TopoJSON may
    be megabytes). ``DataService.geography`` keeps the result for a data stamp."""
    name = unit_layers.layer_of(units)
    if name is None:
        return counties()
    key = (engine.url, name, unit_layers.added_at(engine, name))
    found = _OWN.get(key)
    if found is None:
        found = _OWN[key] = _own(engine, name)
        for older in list(_OWN)[:-_OWN_KEPT]:
            _OWN.pop(older, None)
    return found


def _own(engine: Engine, name: str) -> Geography:
    from dashboard.runtime import custom_layers

    layer = custom_layers.load_layer(engine, name)
    units = layer.units
    centres = units["geometry"].map(lambda shape: shape.centroid)
    table = pd.DataFrame({"name": units["name"], "state_fips": units["parent_id"],
                          "state_abbr": units["parent_id"], "region": None,
                          "area_km2": units["area_km2"],
                          "lat": centres.map(lambda point: point.y).astype("float64"),
                          "lon": centres.map(lambda point: point.x).astype("float64"),
                          "geometry": units["geometry"]}, index=units.index)
    return Geography(custom_layers.map_key(engine, name), units["area_km2"],
                     layer.adjacency, units["name"].astype(object), table, own=True)


#: degrees: the outlines are read at a country's zoom, as the counties are
OUTLINE_TOLERANCE = map_topology.TOLERANCE[map_topology.COUNTIES]
#: more areas than this draw as the layer's one outer border (a layer of ZIP areas without
#: parents would put megabytes of lines under the accounts)
MAX_OUTLINES = 500


def outlines(geography: Geography) -> dict:
    """The areas a map draws under its accounts before any territory exists, as GeoJSON
    (features with ``id`` and ``name``): the US states, or on a layer of one's own its
    parent areas (a unit without a parent stands for itself), else its units, dissolved
    through their shared arcs (``map_topology.build``) and simplified for a country's zoom."""
    if not geography.own:
        return state_outlines()
    table = geography.table
    alone = table["state_fips"].isna()
    area_of = table["state_fips"].astype(object).where(~alone, table.index.to_series())
    names = dict(zip(area_of, area_of, strict=True))  # a parent area: its id
    names.update(geography.labels[alone])  # a unit standing for itself: its name
    if area_of.nunique() > MAX_OUTLINES:
        area_of = pd.Series("", index=table.index, dtype=object)
        names = {"": ""}
    topology = map_topology.build(geography.map_layer, table.index, area_of, units=False,
                                  tolerance=OUTLINE_TOLERANCE)
    features = [us_atlas.to_geojson_feature(
                    feature.geometry, {"id": str(feature.id), "name": str(names[feature.id])})
                for feature in topojson.decode(topology, "territories")
                if feature.geometry is not None]
    return with_array_rings({"type": "FeatureCollection", "features": features})
