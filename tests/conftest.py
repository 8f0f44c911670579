"""Shared fixtures: a demo database built once per test session, apps on it,
and headless-Chromium options for ``dash_duo``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def pytest_setup_options():
    """dash[testing] hook: headless Debian Chromium, runnable as root in CI."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1400,1000"):
        options.add_argument(flag)
    if Path("/usr/bin/chromium").exists():
        options.binary_location = "/usr/bin/chromium"
    return options


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory) -> Path:
    """An SQLite file holding the migrated demo; tests copy it, never share it.

    Its frames snapshot is written next to it and copied with it
    (``copy_demo``): an app on a copy then loads the frames in ~0.7 s instead
    of building them from the database in ~3 s, for each of hundreds of apps."""
    return _build_demo(tmp_path_factory.mktemp("demo-template"), "county")


def _build_demo(folder: Path, units: str) -> Path:
    from dashboard.runtime.config import Settings
    from dashboard.runtime.service import DataService

    settings = Settings(instance_path=str(folder), demo=True, tile_url="", units=units)
    service = DataService(settings)
    service.migrate()
    service.ensure_demo()
    service.frames()
    service.wait_for_snapshot()
    service.engine.dispose()
    return folder / "territory.sqlite"


@pytest.fixture(scope="session")
def units_demo_template(tmp_path_factory):
    """``template(units)``: an SQLite file holding the demo on another unit layer
    (``zip`` or ``mixed``, issue 19: every account in its ZIP area; mixed also
    gives the big metros' ZIPs rows carried from their county), each built once
    per session on first use (about 10 s more than the county demo)."""
    built: dict[str, Path] = {}

    def template(units: str) -> Path:
        if units not in built:
            built[units] = _build_demo(tmp_path_factory.mktemp(f"demo-{units}"), units)
        return built[units]

    return template


@pytest.fixture
def mixed_demo_settings(units_demo_template, tmp_path):
    """Settings for a private copy of the demo on mixed units (counties, with the
    ZIP areas of Los Angeles, Cook and Queens aligned by ZIP)."""
    from dashboard.runtime.config import Settings

    copy_demo(units_demo_template("mixed"), tmp_path)
    return Settings(instance_path=str(tmp_path), demo=True, tile_url="",
                    secret_key="test-secret", units="mixed")


def copy_demo(template: Path, folder: Path) -> None:
    """The demo database and its frames snapshot (the same data stamp, so the
    copy's service reads the snapshot as its own) into an instance folder."""
    from dashboard.storage import snapshot

    shutil.copy(template, folder / "territory.sqlite")
    frames = template.parent / snapshot.FOLDER
    if frames.is_dir():
        # linked, not copied: 32 MB a test filled the disk in CI, and a snapshot is
        # never written in place (a new one is renamed in; old ones unlinked)
        shutil.copytree(frames, folder / snapshot.FOLDER, dirs_exist_ok=True,
                        copy_function=_link_or_copy)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


@pytest.fixture
def demo_settings(demo_db_template, tmp_path):
    """Settings for a private copy of the demo database (tiles off: offline)."""
    from dashboard.runtime.config import Settings

    copy_demo(demo_db_template, tmp_path)
    return Settings(instance_path=str(tmp_path), demo=True, tile_url="",
                    secret_key="test-secret")


@pytest.fixture
def demo_app(demo_settings):
    from app import create_app

    return create_app(demo_settings)


@pytest.fixture(scope="module")
def shared_demo_app(demo_db_template, tmp_path_factory):
    """One demo app for the tests of a module that only read it (pages,
    callbacks, figures; each test signs in its own client): building an app and
    loading its frames costs 1-3 s, hundreds of times over in the suite. A test
    that writes (an import, a scenario, a user, a setting, the app's own
    registries) takes ``demo_app``, a copy of its own: when the module ends, the
    stored data's stamp and every row of the other tables must be as they were,
    so a test that wrote to this app fails here instead of changing the next."""
    from app import create_app
    from dashboard.runtime.config import Settings

    folder = tmp_path_factory.mktemp("shared-demo")
    copy_demo(demo_db_template, folder)
    app = create_app(Settings(instance_path=str(folder), demo=True, tile_url="",
                              secret_key="test-secret"))
    engine = app.server.extensions["territory_service"].engine
    before = _written_state(engine)
    yield app
    assert _written_state(engine) == before, "a test wrote to shared_demo_app: give it demo_app"


def _written_state(engine) -> dict:
    """The data's stamp and every row of the tables outside the dataset (users,
    scenarios, audit log, profiles, settings...): what a write would change."""
    from sqlalchemy import inspect, text

    from dashboard.storage import store
    from dashboard.storage.schema import TABLES

    with engine.connect() as conn:
        rows = {name: sorted(map(tuple, conn.execute(text(f'SELECT * FROM "{name}"'))), key=repr)
                for name in inspect(conn).get_table_names()
                if name not in TABLES and name != "alembic_version"}
    return {"data": store.data_stamp(engine), **rows}


@pytest.fixture
def empty_settings(tmp_path):
    from dashboard.runtime.config import Settings

    return Settings(instance_path=str(tmp_path / "empty"), demo=False, tile_url="",
                    secret_key="test-secret")


def _server_url(variable: str, server: str) -> str:
    """The URL of a real server that ``.ci/run`` starts, or skip without one."""
    url = os.environ.get(variable)
    if not url:
        pytest.skip(f"{variable} not set (.ci/run starts a {server} server)")
    return url


@pytest.fixture(scope="session")
def postgres_url():
    return _server_url("TEST_POSTGRES_URL", "PostgreSQL")


@pytest.fixture(scope="session")
def redis_url():
    return _server_url("TEST_REDIS_URL", "Redis")
