"""Unit layers of one's own as stored (``models.UnitLayerRecord``), and which layer the data
runs on (``app_meta`` key ``units``: ``county``, ``zip``, ``mixed`` or ``layer:NAME``).

Reading and checking a boundary file is ``dashboard.runtime.custom_layers``' job; this
module only keeps the result and answers what the importer needs: the unit ids the data
may name when it runs on a layer of its own.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from dashboard.storage import db
from dashboard.storage.models import Meta, UnitLayerRecord

#: the app_meta key the data's unit layer is stored under (``dashboard.runtime.units``)
META_KEY = "units"
#: ``layer:NAME`` names a layer of one's own in that setting
PREFIX = "layer:"
#: the object of a stored layer's TopoJSON that holds its units
OBJECT = "units"
#: a layer's name goes in URLs and in ``layer:NAME``: letters, digits, - and _
NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,100}")


def save(engine: Engine, **fields: Any) -> None:
    """Add the layer ``fields["name"]``, or replace the one of that name; ``created_at``
    is set anew either way, so it tells one version of a layer from the next. Replacing
    the layer the data runs on changes the data stamp too (the maps and the pages'
    geography are kept by it); another layer's does not, since a new stamp makes every
    worker build its frames afresh."""
    from dashboard.storage.store import touch_stamp

    with Session(engine) as session, session.begin():
        in_use = session.scalar(select(Meta.value).where(Meta.key == META_KEY))
        if layer_of(in_use) == fields["name"]:
            touch_stamp(session)
        session.merge(UnitLayerRecord(**fields, created_at=datetime.now(UTC).replace(tzinfo=None)))


def added_at(engine: Engine, name: str) -> datetime | None:
    """When the layer ``name`` was added (or last replaced); None: no such layer. A cheap
    stamp to cache what is built from the layer by."""
    with Session(engine) as session:
        return session.scalar(select(UnitLayerRecord.created_at).where(
            UnitLayerRecord.name == name))


def read(engine: Engine, name: str) -> UnitLayerRecord | None:
    with Session(engine, expire_on_commit=False) as session:
        return session.get(UnitLayerRecord, name)


def names(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.scalars(select(UnitLayerRecord.name).order_by(
            UnitLayerRecord.name)))


def layer_of(units: str | None) -> str | None:
    """The layer name of a ``layer:NAME`` setting; None for the built-in ones."""
    if isinstance(units, str) and units.startswith(PREFIX):
        return units[len(PREFIX):]
    return None


def unit_ids(topology: dict) -> list[str]:
    """The ids of a stored layer's units, in the file's order."""
    return [str(g["id"]) for g in topology["objects"][OBJECT]["geometries"]]


def active_unit_ids(engine: Engine) -> set[str] | None:
    """The unit ids the data may name when it runs on a layer of its own; None when it
    runs on the US counties (or ZIP areas, whose rows name their county)."""
    name = layer_of(db.get_meta(engine, META_KEY))
    if name is None:
        return None
    record = read(engine, name)
    return set(unit_ids(record.topology)) if record is not None else set()
