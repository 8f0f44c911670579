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
from dashboard.layers import map_topology
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
    #: True on a layer of one's own: no US state outlines, no ZIP areas
    own: bool = False


@lru_cache(maxsize=1)
def counties() -> Geography:
    atlas = us_atlas.load_counties()
    labels = (atlas["name"] + ", " + atlas["state_abbr"].fillna("")).str.rstrip(", ")
    return Geography(map_topology.COUNTIES, atlas["area_km2"], us_atlas.county_adjacency(),
                     labels)


def of_units(engine: Engine, units: str) -> Geography:
    """The geography of the stored data's ``units`` (``DataService.units``)."""
    name = unit_layers.layer_of(units)
    if name is None:
        return counties()
    from dashboard.runtime import custom_layers

    layer = custom_layers.load_layer(engine, name)
    return Geography(custom_layers.map_key(engine, name), layer.units["area_km2"],
                     layer.adjacency, layer.units["name"].astype(object), own=True)
