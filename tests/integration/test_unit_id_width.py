"""Unit ids longer than a county's five digits are stored (migration 0009, issue 19 item
2): a layer of one's own names UK LSOAs (E01000001, 9 characters), German AGS (8),
Canadian postal codes (K1A 0B1, 7). On SQLite and on a real PostgreSQL, which enforced the
old VARCHAR(5); US data is unchanged; stepping back below 0009 refuses while a longer id is
stored, and keeps every row of data that fits."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import text

from dashboard.storage import db, store
from tests.integration.test_store import assert_same, obj, small_dataset

#: the longest unit id the data may hold (schema.UNIT_ID_LENGTH)
LONGEST = "U" * 20


def on_long_ids(dataset):
    """The small dataset with its two units (06037, 48201) renamed to long ids, its ZIP
    rows and ZIPs dropped (a layer of one's own has none)."""
    renamed = {"06037": "E01000001", "48201": "K1A 0B1"}
    alignment = dataset.alignment[dataset.alignment["zip"].isna()].copy()
    alignment["county_fips"] = alignment["county_fips"].map(renamed).astype(object)
    accounts = dataset.accounts.assign(
        county_fips=dataset.accounts["county_fips"].map(renamed).astype(object),
        zip=obj(None, None))
    return dataclasses.replace(dataset, alignment=alignment.reset_index(drop=True),
                               accounts=accounts)


def test_long_unit_ids_are_written_and_read_back(migrated_engine):
    dataset = on_long_ids(small_dataset())
    store.replace_dataset(migrated_engine, dataset)
    assert_same(dataset, store.read_dataset(migrated_engine))
    with migrated_engine.begin() as connection:  # the longest id the column holds
        connection.execute(text(f"UPDATE accounts SET county_fips = '{LONGEST}' "
                                "WHERE account_id = 'A1'"))
    accounts = store.read_dataset(migrated_engine).accounts.set_index("account_id")
    assert accounts["county_fips"].to_dict() == {"A1": LONGEST, "A2": "K1A 0B1"}


def test_stepping_back_refuses_while_a_long_id_is_stored(migrated_engine):
    store.replace_dataset(migrated_engine, on_long_ids(small_dataset()))
    with pytest.raises(RuntimeError, match="3 alignment rows name a unit id longer than 5"):
        db.downgrade(migrated_engine, "0008")
    assert len(store.read_dataset(migrated_engine).alignment) == 3  # nothing changed


def test_us_data_steps_back_and_forward_unchanged(migrated_engine):
    dataset = small_dataset()
    store.replace_dataset(migrated_engine, dataset)
    db.downgrade(migrated_engine, "0008")
    db.upgrade(migrated_engine)
    assert_same(dataset, store.read_dataset(migrated_engine))
