"""Engines, sessions and migrations.

The schema is owned by Alembic from the first revision: ``upgrade`` runs on
every start, so a database made by an older version of the app is brought
forward rather than recreated.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from dashboard.storage.models import Meta

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # references are checked by the importer; the database enforces them too
    cursor.execute("PRAGMA foreign_keys=ON")
    # readers (the web app) keep reading while an import writes
    cursor.execute("PRAGMA journal_mode=WAL")
    # a writer waits for another's commit instead of failing after sqlite3's 5 s
    # (a loaded host took longer: the CLI's import read "database is locked")
    cursor.execute("PRAGMA busy_timeout=60000")
    cursor.close()


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(False))
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision."""
    with _migrating(engine) as config:
        command.upgrade(config, "head")


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to ``revision`` (an operator rolling back a release)."""
    with _migrating(engine) as config:
        command.downgrade(config, revision)


class ForeignKeysBroken(RuntimeError):
    """A migration left rows referring to nothing; it was rolled back."""


@contextmanager
def _migrating(engine: Engine) -> Iterator[Config]:
    """An Alembic config on one connection, in one transaction.

    On SQLite, a migration that changes a column copies the table, drops the old
    one and renames the copy (Alembic's batch mode, SQLite having no ALTER
    COLUMN); with foreign keys enforced, dropping ``accounts`` or ``territories``
    while other tables refer to them fails on any filled database ('FOREIGN KEY
    constraint failed'). As SQLite's own procedure for such changes says, the
    checks are switched off for the migration (the pragma only takes effect
    outside a transaction), every reference is checked once at the end, before
    the commit, and the checks are switched on again."""
    config = alembic_config(engine)
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                yield config
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise ForeignKeysBroken(f"rows refer to nothing: {broken[:5]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def get_meta(engine: Engine, key: str, default: str | None = None) -> str | None:
    with Session(engine) as session:
        value = session.scalar(select(Meta.value).where(Meta.key == key))
    return default if value is None else value


def set_meta(session: Session, key: str, value: str) -> None:
    """Within the caller's transaction, so a meta change commits with its data."""
    row = session.get(Meta, key)
    if row is None:
        session.add(Meta(key=key, value=value))
    else:
        row.value = value
