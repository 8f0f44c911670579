"""``territory-dashboard units zip|mixed|county`` (issue 19): switching a stored dataset
to ZIP areas places every account into its ZIP area and keeps the alignment, so the
``kpis`` table, as credited and restated, is the same byte for byte."""

from __future__ import annotations

from datetime import date

from dashboard.runtime import units
from dashboard.runtime.cli import main
from dashboard.runtime.config import Settings
from dashboard.storage import db, store
from tests.integration.test_store import small_dataset


def kpis(capsys, *extra) -> str:
    assert main(["kpis", "--period", "2026Q1", "--level", "territory", *extra]) == 0
    return capsys.readouterr().out


def test_switching_to_zip_then_mixed_units_changes_no_figure(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TD_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("TD_DEMO", "0")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("TD_AS_OF", raising=False)
    engine = db.make_engine(Settings.from_env().resolved_database_url)
    db.upgrade(engine)
    store.replace_dataset(engine, small_dataset(), as_of=date(2026, 3, 31))
    credited, restated = kpis(capsys), kpis(capsys, "--restated")
    assert units.stored_units(engine) == "county"

    assert main(["units", "zip"]) == 0
    assert "units: zip (2 of 2 accounts in a ZIP area" in capsys.readouterr().out
    stored = store.read_dataset(engine)
    # A1 kept the ZIP it came with; A2 (Houston) was placed by its point
    assert stored.accounts["zip"].tolist() == ["90012", "77030"]
    assert units.stored_units(engine) == "zip"
    assert (kpis(capsys), kpis(capsys, "--restated")) == (credited, restated)

    assert main(["units", "mixed"]) == 0
    capsys.readouterr()
    zip_rows = store.read_dataset(engine).alignment.dropna(subset=["zip"])
    # Harris County holds more potential than the average territory: its ZIPs get rows
    assert (zip_rows["county_fips"] == "48201").sum() > 100
    assert (kpis(capsys), kpis(capsys, "--restated")) == (credited, restated)


def test_units_refuses_an_empty_database(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TD_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("TD_DEMO", "0")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    db.upgrade(db.make_engine(Settings.from_env().resolved_database_url))
    assert main(["units", "zip"]) == 2
    assert "holds no data yet" in capsys.readouterr().err
