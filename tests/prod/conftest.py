"""Fixtures for the production-stack tests: a real PostgreSQL (``TEST_POSTGRES_URL``)
and Redis (``TEST_REDIS_URL``), both started by ``.ci/run``; the tests skip
cleanly without them. Every test gets its own database, cloned from a
template holding the migrated demo (built once per test process), so tests
can import, save and break things without seeing each other."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for folder in (HERE, HERE.parent, HERE.parents[1]):  # prod_stack, dash_http, benchmarks/
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from tests.prod import prod_stack  # noqa: E402


@pytest.fixture(scope="session")
def prod_template(postgres_url, tmp_path_factory) -> str:
    """Name of a database holding the migrated demo and its demo users."""
    from dashboard.runtime.config import Settings
    from dashboard.runtime.service import DataService

    name = prod_stack.create_database(postgres_url)
    settings = Settings(database_url=prod_stack.database_url(postgres_url, name),
                        instance_path=str(tmp_path_factory.mktemp("prod-template")),
                        demo=True, tile_url="")
    service = DataService(settings)
    service.migrate()
    service.ensure_demo()
    service.engine.dispose()
    yield name
    prod_stack.drop_database(postgres_url, name)


@pytest.fixture
def prod_db(postgres_url, prod_template) -> str:
    """URL of a private copy of the demo database."""
    name = prod_stack.create_database(postgres_url, template=prod_template)
    yield prod_stack.database_url(postgres_url, name)
    prod_stack.drop_database(postgres_url, name)


@pytest.fixture(scope="module")
def module_db(postgres_url, prod_template) -> str:
    """URL of a copy of the demo database shared by one test module."""
    name = prod_stack.create_database(postgres_url, template=prod_template)
    yield prod_stack.database_url(postgres_url, name)
    prod_stack.drop_database(postgres_url, name)


@pytest.fixture(scope="module")
def stack(module_db, redis_url, tmp_path_factory):
    """gunicorn with 2 workers on ``module_db`` and the shared Redis, started
    once per module (a start reads the whole dataset: seconds)."""
    with prod_stack.Gunicorn(module_db, redis_url, tmp_path_factory.mktemp("stack")) as server:
        yield server


@pytest.fixture(scope="module")
def browser_factory(stack):
    """Signed-in browsers on ``stack``; one place to change how tests sign in."""
    made = []

    def make(username: str = "leader"):
        made.append(prod_stack.Browser(stack.base, username))
        return made[-1]

    yield make
    for browser in made:
        browser.close()
