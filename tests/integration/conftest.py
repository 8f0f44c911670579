import sys
from pathlib import Path

import pytest

# tests/dash_http.py is a helper module shared by integration and browser tests
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


@pytest.fixture(params=["sqlite", "postgres"])
def migrated_engine(request, tmp_path):
    """An empty, migrated database: an SQLite file, then (when .ci/run has
    started one) a real PostgreSQL with its schema wiped first."""
    from dashboard.storage import db

    if request.param == "sqlite":
        eng = db.make_engine(f"sqlite:///{tmp_path}/t.sqlite")
    else:
        url = request.getfixturevalue("postgres_url")
        eng = db.make_engine(url)
        with eng.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    db.upgrade(eng)
    yield eng
    eng.dispose()
