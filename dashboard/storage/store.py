"""Reading and writing the Dataset in the database.

A write replaces the data tables in one transaction, so an import either
lands whole or not at all, and the data version is bumped in that same
transaction so every cache keyed by it refreshes exactly when the data does.

Every data write (an import, the demo build, an applied scenario) names the
data version it was built from, and its transaction starts with
:func:`advance_version`: a compare-and-swap on that version. Of two writers
built from the same version, the second finds it moved and raises
:class:`StaleData` before writing anything, instead of silently putting back
what it read (an import reverting an applied scenario, or another import).
"""

from __future__ import annotations

import uuid
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from dashboard.storage.db import get_meta, set_meta
from dashboard.storage.models import (
    Account,
    Alignment,
    AuditLog,
    Level,
    Meta,
    Opportunity,
    Override,
    Quota,
    Rep,
    Territory,
)
from dashboard.storage.schema import (
    DATE,
    FLAG,
    LOAD_ORDER,
    MONEY,
    NUMBER,
    STORED_BLANK,
    TABLES,
    Dataset,
    as_flags,
    blank_keys,
    empty_frame,
)

MODELS = {
    "territories": Territory,
    "levels": Level,
    "reps": Rep,
    "alignment": Alignment,
    "accounts": Account,
    "overrides": Override,
    "opportunities": Opportunity,
    "quotas": Quota,
}

DATA_VERSION = "data_version"
DATA_TOKEN = "data_token"
AS_OF = "as_of"
CHUNK = 20_000


class StaleData(Exception):  # noqa: N818 - the name the issue and the callers use
    """The stored data changed after the writer read the version it built its
    write from (another import, an applied scenario); nothing was written.
    The caller tells the user to reload and try again."""

    def __init__(self, expected: int):
        super().__init__(f"the data is no longer at version {expected}")  # i18n: not shown
        self.expected = expected


def data_version(engine: Engine) -> int:
    return int(get_meta(engine, DATA_VERSION, "0"))


def advance_version(session: Session, expected: int) -> int:
    """Compare-and-swap the data version from ``expected`` to the next one,
    with a new token; returns the new version or raises :class:`StaleData`.

    Must be the transaction's first write: one conditional UPDATE whose row
    count decides. On PostgreSQL a second writer's UPDATE waits for the
    first's row lock, then no longer matches; on SQLite the UPDATE takes the
    database's write lock, and as no read snapshot is held yet it reads the
    version the last writer committed. Every later statement of the
    transaction then works on data no other writer can change before commit.
    A database never written to has no version row: the first write inserts
    it, and a racing first write collides on its key.
    """
    new = expected + 1
    meta = Meta.__table__
    moved = session.execute(
        update(meta).where((meta.c.key == DATA_VERSION) & (meta.c.value == str(expected)))
        .values(value=str(new))
    ).rowcount
    if moved != 1:
        if expected != 0 or session.get(Meta, DATA_VERSION) is not None:
            raise StaleData(expected)
        try:
            session.execute(insert(meta).values(key=DATA_VERSION, value=str(new)))
        except IntegrityError as exc:  # a racing first write inserted it first
            raise StaleData(expected) from exc
    set_meta(session, DATA_TOKEN, uuid.uuid4().hex)
    return new


def touch_stamp(session: Session) -> None:
    """A new data token, the version kept: within the caller's transaction, for a write
    that changes what the pages show without changing the dataset (the unit layer the
    data runs on, a stored layer's shapes). The data stamp changes with it, so what every
    worker keeps by the stamp (frames, ``DataService.geography``) is built afresh at its
    next request."""
    set_meta(session, DATA_TOKEN, uuid.uuid4().hex)


def data_stamp(engine: Engine) -> str:
    """Version plus a random token written with it: unique across databases,
    so a cache never mistakes a rebuilt database's version 1 for an old one."""
    with Session(engine) as session:
        rows = dict(session.execute(
            select(Meta.key, Meta.value).where(Meta.key.in_((DATA_VERSION, DATA_TOKEN)))
        ).all())
    return f"{rows.get(DATA_VERSION, '0')}-{rows.get(DATA_TOKEN, '')}"


def dataset_as_of(engine: Engine) -> date | None:
    value = get_meta(engine, AS_OF)
    return date.fromisoformat(value) if value else None


def is_empty(engine: Engine) -> bool:
    with Session(engine) as session:
        return session.scalar(select(Territory.territory_id).limit(1)) is None


def row_counts(engine: Engine, tables: tuple[str, ...]) -> dict[str, int]:
    """The rows stored in each of ``tables``: a look that reads no data (the
    import's background job asks whether the first-run path is needed)."""
    with Session(engine) as session:
        return {table: session.scalar(select(func.count()).select_from(MODELS[table]))
                for table in tables}


def _columns(frame: pd.DataFrame, table: str) -> dict[str, np.ndarray]:
    """Frame columns as arrays of plain Python values the DB driver accepts."""
    spec = TABLES[table]
    columns = {}
    # whole columns converted at once (numpy makes the dates and floats): a
    # value at a time was a sixth of a million-row import
    for col in spec.columns:
        # a frame made before a column existed (a hand-built one) holds it blank
        values = (frame[col.name] if col.name in frame
                  else pd.Series(None, index=frame.index, dtype=object))
        if col.kind == DATE:
            days = pd.to_datetime(values).to_numpy(dtype="datetime64[D]")
            converted = days.astype(object)  # datetime.date, None where NaT
        elif col.kind in (MONEY, NUMBER):
            array = values.to_numpy(dtype="float64", na_value=np.nan)
            converted = array.astype(object)
            converted[np.isnan(array)] = None
        elif col.kind == FLAG:
            converted = np.array([bool(v) for v in as_flags(values)], dtype=object)
        else:
            missing = pd.isna(values).to_numpy(bool)
            converted = values.astype(str).to_numpy(dtype=object)
            converted[missing] = None
        columns[col.name] = converted
    for col in blank_keys(table):  # a key column is never NULL in the database
        blank = STORED_BLANK[col.kind]
        column = columns[col.name]
        column[pd.isna(column)] = blank
    return columns


def _records(frame: pd.DataFrame, table: str) -> list[dict]:
    """Frame rows as dicts of plain Python values the DB driver accepts."""
    columns = _columns(frame, table)
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def _insert(session: Session, table: str, frame: pd.DataFrame) -> None:
    """Insert a table's rows. On SQLite, straight through the driver's
    executemany with tuples, dates as the ISO text SQLAlchemy's SQLite ``Date``
    stores: SQLAlchemy's per-row parameter processing was a third of a
    million-row import. Elsewhere a Core insert (executemany, no ORM)."""
    model_table = MODELS[table].__table__
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        records = _records(frame, table)
        for start in range(0, len(records), CHUNK):
            connection.execute(insert(model_table), records[start : start + CHUNK])
        return
    columns = _columns(frame, table)
    for col in TABLES[table].columns:
        if col.kind == DATE:
            columns[col.name] = [None if d is None else d.isoformat() for d in columns[col.name]]
    names = list(columns)
    sql = (f'INSERT INTO "{model_table.name}" ({", ".join(names)}) '  # i18n: not shown (SQL)
           f'VALUES ({", ".join("?" * len(names))})')
    rows = list(zip(*columns.values(), strict=True))
    dbapi = connection.dialect.loaded_dbapi
    cursor = connection.connection.driver_connection.cursor()
    try:
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(sql, rows[start : start + CHUNK])
    except dbapi.Error as exc:  # raised as SQLAlchemy raises it (IntegrityError...)
        raise DBAPIError.instance(sql, None, exc, dbapi.Error) from exc
    finally:
        cursor.close()


def replace_dataset(
    engine: Engine,
    dataset: Dataset,
    *,
    expected_version: int = 0,
    actor: str = "system",
    action: str = "import",
    as_of: date | None = None,
    detail: dict | None = None,
) -> int:
    """Write the whole dataset in one transaction; returns the new data version.

    ``expected_version`` is the data version ``dataset`` was built from (an
    import: the version it read before reading the stored data it merged
    into); 0, the default, is a database never written to, which is what a
    build from nothing (the demo) starts from. Raises :class:`StaleData`,
    writing nothing, when the stored version is another.
    """
    with Session(engine) as session, session.begin():
        version = advance_version(session, expected_version)
        for table in reversed(LOAD_ORDER):
            session.execute(delete(MODELS[table]))
        for table in LOAD_ORDER:
            _insert(session, table, dataset.table(table))
        if as_of is not None:
            set_meta(session, AS_OF, as_of.isoformat())
        counts = {t: len(dataset.table(t)) for t in LOAD_ORDER}
        session.add(
            AuditLog(username=actor, action=action, detail={"rows": counts, **(detail or {})})
        )
    return version


def get_session_meta(session: Session, key: str, default: str) -> str:
    row = session.get(Meta, key)
    return default if row is None else row.value


def read_dataset(engine: Engine) -> Dataset:
    """The stored data as a Dataset with canonical dtypes.

    Rows come straight from the driver and are turned into columns in bulk:
    building a DataFrame from millions of SQLAlchemy rows, and parsing each
    date and string one by one, was most of a worker's start-up time.
    """
    frames = {}
    with engine.connect() as connection:
        for table in LOAD_ORDER:
            spec = TABLES[table]
            names = spec.column_names
            table_name = MODELS[table].__table__.name
            sql = f'SELECT {", ".join(names)} FROM "{table_name}"'  # i18n: not shown (SQL)
            rows = _fetch_all(connection, sql)
            if not rows:  # an empty table (e.g. no quotas imported yet)
                frames[table] = empty_frame(table)
                continue
            # one 2-D object array, then its columns: 3× faster than zip(*rows)
            table_values = np.array(rows, dtype=object)
            del rows
            columns = [table_values[:, i] for i in range(len(names))]
            for col in blank_keys(table):
                _unblank(columns[names.index(col.name)], STORED_BLANK[col.kind])
            frames[table] = _typed(dict(zip(names, columns, strict=True)), table)
    return Dataset(**frames)


def _fetch_all(connection, sql: str) -> list[tuple]:
    """All rows as plain tuples from the driver's own cursor: SQLAlchemy's
    Row objects double the time of 2M rows (4.3 s against 2.4 s)."""
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def _unblank(values: np.ndarray, blank) -> None:
    """Put None back where the store wrote :data:`STORED_BLANK` (in place).
    SQLite hands dates back as ISO text, other drivers as dates."""
    if isinstance(blank, date):
        values[(values == blank) | (values == blank.isoformat())] = None
    else:
        values[values == blank] = None


def _typed(columns: dict[str, np.ndarray], table: str) -> pd.DataFrame:
    if not columns:
        return empty_frame(table)
    out = {}
    for col in TABLES[table].columns:
        values = columns.pop(col.name)
        if col.kind == DATE:
            out[col.name] = _dates(values)
        elif col.kind in (MONEY, NUMBER):
            out[col.name] = pd.Series(np.array(values, dtype="float64"))
        elif col.kind == FLAG:
            out[col.name] = as_flags(values)
        else:
            # object dtype with None for missing (pandas 3 would read None as NaN)
            array = np.array(values, dtype=object)
            if pd.api.types.infer_dtype(array, skipna=True) not in ("string", "empty"):
                array = np.array([None if v is None else str(v) for v in array], dtype=object)
            out[col.name] = pd.Series(array, dtype="object")
    return pd.DataFrame(out)


def _dates(values: np.ndarray) -> pd.Series:
    """ISO date text (SQLite) or date objects (other drivers) -> datetime64[s], NaT if missing."""
    series = pd.Series(np.array(values, dtype=object))
    first = next((v for v in values if v is not None), None)
    if isinstance(first, str):
        try:  # plain dates: parsed in C, 3× faster than slicing first
            parsed = pd.to_datetime(series, format="%Y-%m-%d")
        except ValueError:  # dates stored with a time part
            parsed = pd.to_datetime(series.str.slice(0, 10), format="%Y-%m-%d")
    else:
        parsed = pd.to_datetime(series)
    return parsed.astype("datetime64[s]")
