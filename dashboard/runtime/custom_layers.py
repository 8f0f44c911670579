"""A leader's own unit layer (issue 19 item 2): a boundary file added, stored, and run on.

``add_layer`` reads the file (``layers.boundary_files``), checks it with the properties
picked (``layers.boundary_checks``: refusals, repairs, overlaps and gaps, per feature),
writes its units as a TopoJSON with shared arcs (``layers.topojson_encode``) and keeps it in
the database (``storage.unit_layers``), beside the data that names its units. The data then
runs on it with ``territory-dashboard units layer:NAME`` (``dashboard.runtime.units``): the
alignment and the accounts name the layer's unit ids in their ``county_fips`` column.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from sqlalchemy import Engine

from dashboard.i18n import formatting
from dashboard.i18n.translation import _
from dashboard.ingest.parsing import LAYER_ID_LENGTH as MAX_ID_LENGTH
from dashboard.layers import map_topology, placement, topojson, topojson_encode
from dashboard.layers.boundary_checks import (
    ERROR,
    BoundaryLayer,
    BoundaryProblem,
    build_boundary_layer,
)
from dashboard.layers.boundary_files import BoundaryFileError, read_boundary_file
from dashboard.layers.model import UnitLayer, build_layer
from dashboard.storage import db, store, unit_layers
from dashboard.storage.schema import Dataset

#: the stored TopoJSON's grid, in degrees (~10 cm)
GRID_DEG = 1e-6


def add_layer(engine: Engine, name: str, file_name: str, content: bytes, id_property: str,
              name_property: str | None = None, parent_property: str | None = None,
              actor: str = "cli") -> BoundaryLayer:
    """Read and check the file (:func:`check_layer`), and store its layer as ``name``
    (replacing one of that name) unless refused; the problems, errors first, either way."""
    checked = check_layer(engine, name, file_name, content, id_property, name_property,
                          parent_property)
    if not checked.refused:
        unit_layers.save(engine, name=name, source_file=file_name, id_property=id_property,
                         name_property=name_property, parent_property=parent_property,
                         topology=encode(checked.layer), created_by=actor,
                         warnings=[str(p) for p in checked.problems if p.severity != ERROR])
    return checked


def check_layer(engine: Engine, name: str, file_name: str, content: bytes, id_property: str,
                name_property: str | None = None,
                parent_property: str | None = None) -> BoundaryLayer:
    """What :func:`add_layer` would store as ``name``, writing nothing: the file read and
    checked with the properties picked, ids the data's unit column holds, and none of
    the units the data names lost when it runs on the layer this file would replace."""
    try:
        source = read_boundary_file(file_name, content)
    except BoundaryFileError as error:
        return BoundaryLayer(None, [BoundaryProblem(file_name, None, None, str(error))])
    checked = build_boundary_layer(source, id_property, name_property, parent_property,
                                   key=unit_layers.PREFIX + name, label=name)
    if checked.refused:
        return checked
    too_long = [uid for uid in checked.layer.ids if len(uid) > MAX_ID_LENGTH]
    if too_long:
        checked.problems.insert(0, BoundaryProblem(file_name, None, id_property, _(
            "ids of at most {count} characters are stored with the data; {ids} are "
            "longer").format(count=MAX_ID_LENGTH, ids=", ".join(too_long[:5]))))
        return BoundaryLayer(None, checked.problems)
    lost = _units_in_use(engine, name) - set(checked.layer.ids)
    if lost:  # the data runs on the layer this file would replace
        checked.problems.insert(0, BoundaryProblem(file_name, None, id_property, _(
            "the data runs on layer {name} and names units this file lacks: {ids}").format(
                name=name, ids=", ".join(sorted(lost)[:5]))))
        return BoundaryLayer(None, checked.problems)
    return checked


def _units_in_use(engine: Engine, name: str) -> set[str]:
    """The units the stored data names when it runs on the layer ``name``; none else."""
    if unit_layers.layer_of(db.get_meta(engine, unit_layers.META_KEY)) != name:
        return set()
    dataset = store.read_dataset(engine)
    return set(dataset.alignment["county_fips"].dropna()) | set(
        dataset.accounts["county_fips"].dropna())


def encode(layer: UnitLayer) -> dict:
    """The layer's units as a TopoJSON (object ``units``: id, ``name``, ``parent``)."""
    geoms = layer.units["geometry"].to_numpy()
    origin = np.floor(shapely.total_bounds(geoms)[:2])
    properties = [{"name": str(row.name), "parent": row.parent_id}
                  for row in layer.units.itertuples()]
    return topojson_encode.encode(unit_layers.OBJECT, layer.ids, properties,
                                  topojson_encode.node(geoms), origin, [GRID_DEG, GRID_DEG])


def _digest(topology: dict) -> str:
    return hashlib.sha1(json.dumps(topology, sort_keys=True).encode()).hexdigest()[:12]


def stored_topology(engine: Engine, name: str) -> dict:
    """The stored layer's TopoJSON; LookupError naming the layers there are."""
    record = unit_layers.read(engine, name)
    if record is None:
        known = ", ".join(unit_layers.names(engine)) or "—"
        raise LookupError(_("no unit layer {name} (layers: {known})").format(
            name=name, known=known))
    return record.topology


def map_key(engine: Engine, name: str) -> str:
    """The key the map draws the stored layer under (``map_topology.register``): it names
    the layer's content, so a layer added again under the same name is read afresh."""
    topology = stored_topology(engine, name)
    key = f"{unit_layers.PREFIX}{name}:{_digest(topology)}"
    map_topology.register(key, topology, unit_layers.OBJECT)
    return key


def load_layer(engine: Engine, name: str) -> UnitLayer:
    """The stored layer as a :class:`UnitLayer` (shapes, names, parents, adjacency)."""
    topology = stored_topology(engine, name)
    return _decoded(name, json.dumps(topology, sort_keys=True))


@lru_cache(maxsize=4)
def _decoded(name: str, text: str) -> UnitLayer:
    features = topojson.decode(json.loads(text), unit_layers.OBJECT)
    ids = [str(f.id) for f in features]
    return build_layer(unit_layers.PREFIX + name, name, ids,
                       [f.properties.get("name") or str(f.id) for f in features],
                       [f.geometry for f in features],
                       [f.properties.get("parent") for f in features],
                       adjacency=topojson.arc_adjacency(ids, features))


def on_layer(dataset: Dataset, layer: UnitLayer) -> tuple[Dataset, list[str]]:
    """``dataset`` on the layer: each account with a usable latitude and longitude in the
    unit holding its point (``layers.placement``), any other keeping the unit it names
    when the layer has it; and every account placed nowhere and every alignment row
    naming no unit of the layer, each a line saying why (then nothing should be written)."""
    accounts = dataset.accounts.copy()
    placed = placement.place_by_point(layer, accounts["lat"].to_numpy("float64"),
                                      accounts["lon"].to_numpy("float64"), file="accounts")
    found = placed.unit_ids.to_numpy(object).copy()
    named = accounts["county_fips"].astype(object).to_numpy()
    known = set(layer.ids)
    problems = []
    for k, account_id in enumerate(accounts.index if accounts.index.name == "account_id"
                                   else accounts["account_id"]):
        if found[k] is None and named[k] in known:
            found[k] = named[k]
        elif found[k] is None:
            problems.append(_("account {id}: outside every unit of {layer} and names none "
                              "of its units ({unit})").format(id=account_id, layer=layer.label,
                                                              unit=named[k]))
    accounts["county_fips"] = found
    if "zip" in accounts:
        accounts["zip"] = None
    alignment = dataset.alignment
    for unit in sorted(set(alignment["county_fips"]) - known):
        problems.append(_("alignment: {unit} is no unit of {layer}").format(
            unit=unit, layer=layer.label))
    return Dataset(**{**dataset.tables(), "accounts": accounts}), problems


@dataclass(frozen=True)
class LayerSwitch:
    """What ``units layer:NAME`` did: ``done`` says it when written; else ``problems``
    holds every account and alignment row without a unit of the layer (nothing written)."""

    done: str | None
    problems: list[str]


def use_layer(engine: Engine, name: str) -> LayerSwitch:
    """``units layer:NAME``: an empty database records the choice (import on it next);
    stored data has its accounts placed into the layer's units (:func:`on_layer`) and is
    written only when every account and alignment row has one. LookupError when there is
    no such layer; ``store.StaleData`` when the data changed meanwhile (nothing written)."""
    from dashboard.runtime import units

    layer = load_layer(engine, name)
    built_from = store.data_version(engine)
    if store.is_empty(engine):
        units.store_units(engine, unit_layers.PREFIX + name)
        return LayerSwitch(_(
            "units: layer:{name} ({count} units); import data naming them next").format(
                name=name, count=formatting.count(len(layer))), [])
    dataset, problems = on_layer(store.read_dataset(engine), layer)
    if problems:
        return LayerSwitch(None, problems)
    version = store.replace_dataset(
        engine, dataset, expected_version=built_from, action="units",
        as_of=store.dataset_as_of(engine), detail={"units": f"layer:{name}"})
    units.store_units(engine, unit_layers.PREFIX + name)
    return LayerSwitch(_(
        "units: layer:{name} ({count} accounts placed; data version {version})").format(
            name=name, count=formatting.count(len(dataset.accounts)), version=version), [])
