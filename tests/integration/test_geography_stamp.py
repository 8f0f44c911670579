"""The geography the pages read (``DataService.geography``) is kept for one data stamp: a
request's many calls (the what-if editor's figures, moves, maps) read the database no
more, and yet a units switch or a layer added again, written by another worker, is seen
at the next request, because both change the stamp (``store.touch_stamp``). The layer's
geography is cached by the database's URL, not its engine, which is freed once dropped.
On the seven made-up départements (tests/data/departements.geojson)."""

from __future__ import annotations

import gc
import json
import weakref
from pathlib import Path

import pytest
from sqlalchemy import event

from dashboard.runtime import custom_layers, geography, units
from dashboard.runtime.config import Settings
from dashboard.runtime.service import DataService
from dashboard.storage import db

BOUNDARIES = Path(__file__).resolve().parents[1] / "data" / "departements.geojson"


def add(engine, rename: str | None = None, name: str = "fr") -> None:
    data = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    if rename:
        data["features"][0]["properties"]["nom"] = rename
    result = custom_layers.add_layer(engine, name, "departements.geojson",
                                     json.dumps(data).encode(), "code", "nom", "region")
    assert not result.refused


@pytest.fixture
def url(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'geo.sqlite'}")
    db.upgrade(engine)
    add(engine)
    engine.dispose()
    return f"sqlite:///{tmp_path / 'geo.sqlite'}"


def worker(url: str, tmp_path) -> DataService:
    """A data service of its own, as each gunicorn worker has."""
    return DataService(Settings(instance_path=str(tmp_path), demo=False, tile_url="",
                                secret_key="test-secret"), db.make_engine(url))


def statements(engine) -> list[str]:
    seen = []
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_a_request_reads_the_geography_once_for_its_stamp(url, tmp_path):
    service = worker(url, tmp_path)
    units.store_units(service.engine, "layer:fr")
    stamp = service.data_stamp()
    first = service.geography(stamp)
    assert first.own and first.labels["01"] == "Haute-Vallée"
    seen = statements(service.engine)
    assert all(service.geography(stamp) is first for _ in range(5))
    assert seen == []  # before: the units setting and the layer's date, each call
    assert service.geography() is first and len(seen) == 1  # the stamp alone


def test_every_worker_sees_a_units_switch_and_a_layer_added_again_at_once(url, tmp_path):
    one, other = worker(url, tmp_path), worker(url, tmp_path)
    assert not one.geography().own  # the US counties
    units.store_units(other.engine, "layer:fr")
    assert one.geography().own and one.geography().labels["01"] == "Haute-Vallée"
    add(other.engine, rename="Haute-Vallée-du-Lac")
    assert one.geography().labels["01"] == "Haute-Vallée-du-Lac"


def test_a_layer_the_data_does_not_run_on_leaves_the_stamp_as_it_was(url, tmp_path):
    # a new stamp makes every worker build its frames afresh: adding or replacing a
    # layer beside the one in use changes nothing the pages show
    service = worker(url, tmp_path)
    units.store_units(service.engine, "layer:fr")
    stamp = service.data_stamp()
    add(service.engine, name="fr-draft")
    add(service.engine, name="fr-draft", rename="Autre")
    assert service.data_stamp() == stamp
    add(service.engine, rename="Haute-Vallée-du-Lac")  # the layer in use: a new stamp
    assert service.data_stamp() != stamp


def test_a_dropped_engine_is_not_kept_alive_by_the_layer_cache(url):
    engine = db.make_engine(url)
    assert geography.of_units(engine, "layer:fr").own
    dropped = weakref.ref(engine)
    engine.dispose()
    del engine
    gc.collect()
    assert dropped() is None  # before: held by the cache of layers' geographies
    again = db.make_engine(url)  # the same database: the geography read before
    assert geography.of_units(again, "layer:fr") is geography.of_units(again, "layer:fr")
