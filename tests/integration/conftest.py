import sys
from pathlib import Path

import pytest

# tests/dash_http.py is a helper module shared by integration and browser tests
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


@pytest.fixture(scope="session")
def worker_postgres_url(postgres_url, worker_id):
    """A database of this test worker's own on the server ``.ci/run`` started:
    the two xdist workers wipe and migrate their schema at the same time, and
    on one shared database they raced (a duplicate ``alembic_version`` type)."""
    from tests.prod import prod_stack

    name = f"td_test_{worker_id}"
    engine = prod_stack.admin_engine(postgres_url)
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    yield prod_stack.database_url(postgres_url, name)
    prod_stack.drop_database(postgres_url, name)


@pytest.fixture(params=["sqlite", "postgres"])
def migrated_engine(request, tmp_path):
    """An empty, migrated database: an SQLite file, then (when .ci/run has
    started one) a real PostgreSQL with its schema wiped first."""
    from dashboard.storage import db

    if request.param == "sqlite":
        eng = db.make_engine(f"sqlite:///{tmp_path}/t.sqlite")
    else:
        url = request.getfixturevalue("worker_postgres_url")
        eng = db.make_engine(url)
        with eng.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    db.upgrade(eng)
    yield eng
    eng.dispose()
