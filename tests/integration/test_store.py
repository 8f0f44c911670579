"""Storage: what is written is read back unchanged, in one transaction, on
SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy.exc import IntegrityError

from dashboard.storage import db, store
from dashboard.storage.schema import Dataset


def obj(*values) -> pd.Series:
    """Object column keeping None for missing, as the Dataset contract says."""
    return pd.Series(list(values), dtype=object)


def dates(*values) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values))).astype("datetime64[s]")


def small_dataset() -> Dataset:
    nan = float("nan")
    return Dataset(
        territories=pd.DataFrame({"territory_id": obj("T1", "T2"),
                                  "territory_name": obj("North", "South"),
                                  "region": obj("West", "South"),
                                  "parent_level": obj("district", None),
                                  "parent_id": obj("pacific", None)}),
        # T1 > district pacific > region West; T2's parent is its region
        levels=pd.DataFrame({"level": obj("district"), "unit_id": obj("pacific"),
                             "unit_name": obj("Pacific"), "parent_level": obj("region"),
                             "parent_id": obj("West"), "manager": obj("manager-pacific")}),
        reps=pd.DataFrame({"rep_id": obj("R1", "R2"), "rep_name": obj("Ann Lee", "Bo Diaz"),
                           "email": obj("ann@example.com", "bo@example.com"),
                           "territory_id": obj("T1", None),
                           "home_lat": [47.6, nan], "home_lon": [-122.3, nan]}),
        # history: 06037 moves from T1 to T2 on 2026-02-01 (its first row has no date),
        # but its ZIP 90012 stays with T1 (a ZIP row, issue 19)
        alignment=pd.DataFrame({"county_fips": obj("06037", "48201", "06037", "06037"),
                                "territory_id": obj("T1", "T2", "T2", "T1"),
                                "effective_from": dates(None, None, "2026-02-01", "2026-02-01"),
                                "zip": obj(None, None, None, "90012")}),
        accounts=pd.DataFrame({
            "account_id": obj("A1", "A2"), "account_name": obj("Acme", "Globex"),
            "county_fips": obj("06037", "48201"), "lat": [34.0, 29.7], "lon": [-118.2, -95.4],
            "industry": obj("Retail", None), "segment": obj("SMB", "Enterprise"),
            "annual_potential": [1000.5, 250000.0],
            "customer_since": dates("2024-01-15", None),
            "churned_on": dates(None, None),
            "territory_override": obj(None, "T1"),
            "zip": obj("90012", None),
            # Globex's potential was estimated at import
            "potential_estimated": [False, True],
        }),
        opportunities=pd.DataFrame({
            "opportunity_id": obj("O1"), "account_id": obj("A1"), "amount": [1234.56],
            "stage": obj("Closed Won"), "status": obj("won"),
            "created_on": dates("2026-01-02"), "close_on": dates("2026-02-03"),
        }),
        # T1's quarter for all segments, T2's per segment
        quotas=pd.DataFrame({"territory_id": obj("T1", "T2", "T2"),
                             "period": obj("2026Q1", "2026Q1", "2026Q1"),
                             "amount": [5000.0, 300.0, 700.0],
                             "segment": obj(None, "SMB", "Enterprise")}),
        # A1 goes to T2 on 2026-03-01 and back to its county's territory on 2026-05-01
        overrides=pd.DataFrame({"account_id": obj("A1", "A1"), "territory_id": obj("T2", None),
                                "effective_from": dates("2026-03-01", "2026-05-01")}),
    )


def assert_same(left: Dataset, right: Dataset) -> None:
    for name, frame in left.tables().items():
        other = right.table(name)
        key = list(frame.columns)
        pd.testing.assert_frame_equal(
            frame.sort_values(key).reset_index(drop=True),
            other.sort_values(key).reset_index(drop=True), check_dtype=True,
        )


@pytest.fixture
def engine(migrated_engine):
    return migrated_engine


def test_round_trip_keeps_every_value_and_type(engine):
    dataset = small_dataset()
    version = store.replace_dataset(engine, dataset, as_of=date(2026, 8, 14))
    assert version == 1
    assert_same(dataset, store.read_dataset(engine))
    assert store.dataset_as_of(engine) == date(2026, 8, 14)


def test_each_write_bumps_the_data_version(engine):
    store.replace_dataset(engine, small_dataset())
    assert store.replace_dataset(engine, small_dataset(), expected_version=1) == 2
    assert store.data_version(engine) == 2


def test_a_failed_write_changes_nothing(engine):
    good = small_dataset()
    store.replace_dataset(engine, good)
    bad = small_dataset()
    # a second rep owning T1 violates the one-owner rule the database enforces
    bad.reps.loc[1, "territory_id"] = "T1"
    with pytest.raises(IntegrityError):
        store.replace_dataset(engine, bad, expected_version=1)
    assert_same(good, store.read_dataset(engine))
    assert store.data_version(engine) == 1


def test_migrations_run_twice_without_harm(engine):
    db.upgrade(engine)
    assert store.is_empty(engine)


def test_the_models_are_what_the_migrations_build(engine):
    """The data tables are built from ``schema`` (the importer's description);
    a change there (a length, a required column, a reference) that no
    migration makes shows up here as a difference, like ``alembic check``."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from dashboard.storage.models import Base

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_every_data_column_is_as_long_and_as_required_as_the_importer_says():
    from dashboard.storage.models import Base
    from dashboard.storage.schema import TABLES

    for table in TABLES.values():
        stored = Base.metadata.tables[table.name]
        for column in table.columns:
            database = stored.c[column.name]
            assert getattr(database.type, "length", None) == column.length, column.name
            # an optional key column stores blank as schema.STORED_BLANK, never NULL
            # a flag is never NULL either: blank in a file is "no"
            optional = (not column.required and column.name not in table.key
                        and column.kind != "flag")
            assert database.nullable == optional, column.name


def test_a_database_of_the_first_schema_keeps_its_rows_as_undated_history(engine):
    """Migration 0002 on data written before it: every alignment row counts
    from the beginning, every quota for all segments, and dated rows can join."""
    from sqlalchemy import text

    db.downgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO territories VALUES ('T1', 'North', 'West')"))
        connection.execute(text("INSERT INTO alignment VALUES ('06037', 'T1')"))
        connection.execute(text("INSERT INTO quotas VALUES ('T1', '2026Q1', 5000)"))
    db.upgrade(engine)
    stored = store.read_dataset(engine)
    assert stored.alignment.values.tolist() == [["06037", "T1", pd.NaT, None]]
    assert stored.quotas.values.tolist() == [["T1", "2026Q1", 5000.0, None]]
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO alignment VALUES ('06037', 'T1', '2026-02-01', '')"))
    assert len(store.read_dataset(engine).alignment) == 2


def test_a_filled_database_steps_back_and_forward_keeping_its_rows(migrated_engine):
    """Downgrading past 0005-0007 on a filled database (an operator rolling back
    a release), then upgrading again: on SQLite their column changes copy
    ``territories`` and ``accounts``, which other tables reference, and with
    the foreign keys enforced every such copy failed ('FOREIGN KEY constraint
    failed'), upgrades of a filled 0004 or 0005 database included. Every row
    other than the ZIP ones stays, and the new columns come back empty."""
    from sqlalchemy import text

    store.replace_dataset(migrated_engine, small_dataset())
    db.downgrade(migrated_engine, "0004")
    with migrated_engine.connect() as connection:
        counted = {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                   for table in ("territories", "accounts", "opportunities", "overrides",
                                 "alignment")}
    assert counted == {"territories": 2, "accounts": 2, "opportunities": 1, "overrides": 2,
                       "alignment": 3}
    db.upgrade(migrated_engine)
    stored = store.read_dataset(migrated_engine)
    assert stored.accounts.potential_estimated.tolist() == [False, False]
    assert stored.territories.parent_level.isna().all()
    assert len(stored.opportunities) == 1
