"""Export: DATA_FORMAT.md files that import back into an identical Dataset."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from dashboard.ingest.export import dataset_to_csv_bytes, export_dataset
from dashboard.ingest.reading import load_files, read_table_file, validate
from dashboard.storage.schema import LOAD_ORDER, TABLES, Dataset

COUNTIES = {"06037", "36061"}


def text(*values) -> pd.Series:
    return pd.Series(values, dtype=object)


def dates(*values) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values)), dtype="datetime64[s]")


def money(*values) -> pd.Series:
    return pd.Series(values, dtype="float64")


def tricky_dataset() -> Dataset:
    """Values that are easy to get wrong in a CSV: formulas, quotes, commas,
    newlines, leading zeros, unrounded floats, missing values of every kind."""
    territories = pd.DataFrame({
        "territory_id": text("007", "T2"),
        "territory_name": text('=HYPERLINK("http://evil","x")', 'Köln, "Süd"\nzweite Zeile'),
        "region": text("+East", "'=quoted already"),
        # 007 in district "-D1" (a formula-like id) of +East; T2 under its region
        "parent_level": text("district", None), "parent_id": text("-D1", None),
    })
    levels = pd.DataFrame({
        "level": text("district"), "unit_id": text("-D1"), "unit_name": text("=Coast"),
        "parent_level": text("region"), "parent_id": text("+East"), "manager": text(None),
    })
    reps = pd.DataFrame({
        "rep_id": text("R1", "@R2"),
        "rep_name": text("-Ann", "Bob"),
        "email": text("ann@example.com", "bob@example.com"),
        "territory_id": text("007", None),
        "home_lat": money(40.712800000000001, np.nan),
        "home_lon": money(-74.006, np.nan),
    })
    # history: 36061 moves from T2 to 007 on 2026-02-01, but its ZIP 10001 stays
    # with T2 (a ZIP row, issue 19)
    alignment = pd.DataFrame({
        "county_fips": text("06037", "36061", "36061", "36061"),
        "territory_id": text("007", "T2", "007", "T2"),
        "effective_from": dates(None, None, "2026-02-01", "2026-02-01"),
        "zip": text(None, None, None, "10001"),
    })
    accounts = pd.DataFrame({
        "account_id": text("A1", "A2"),
        "account_name": text("Acme; Inc.", "'plain quote"),
        "county_fips": text("06037", "36061"),
        "lat": money(34.05, np.nan),
        "lon": money(-118.25, np.nan),
        "industry": text("Retail", None),
        "segment": text(None, "SMB"),
        "annual_potential": money(0.1 + 0.2, 1e20),
        "customer_since": dates("2024-01-15", None),
        "churned_on": dates(None, None),
        "territory_override": text(None, "007"),
        "zip": text(None, "10001"),
        # A1's potential was estimated at import: the flag survives export and import
        "potential_estimated": [True, False],
    })
    opportunities = pd.DataFrame({
        "opportunity_id": text("O1", "O2", "O3"),
        "account_id": text("A1", "A2", "A1"),
        "amount": money(1234.5, 1e-7, 123456789.123456),
        "stage": text("Proposal", "Closed Won", "Closed Lost"),
        "status": text("open", "won", "lost"),
        "created_on": dates("2026-01-01", "2025-02-28", "2024-02-29"),
        "close_on": dates("2026-03-31", "2025-03-01", "2024-03-01"),
    })
    # 007's quarter for all segments, T2's by segment
    quotas = pd.DataFrame({
        "territory_id": text("007", "T2", "T2"), "period": text("2026Q1", "2026Q1", "2026Q1"),
        "amount": money(10000.0, 0.0, 25.5), "segment": text(None, "SMB", "=Enterprise"),
    })
    # A1 goes to T2 on 2026-03-01, back to its county's territory on 2026-06-01
    overrides = pd.DataFrame({
        "account_id": text("A1", "A1"), "territory_id": text("T2", None),
        "effective_from": dates("2026-03-01", "2026-06-01"),
    })
    return Dataset(territories, reps, alignment, accounts, opportunities, quotas, overrides,
                   levels)


def import_folder(folder) -> tuple[Dataset, list]:
    files, problems = load_files(folder)
    assert problems == []
    return validate(files, Dataset(), COUNTIES)


def test_export_then_import_gives_an_identical_dataset(tmp_path):
    original = tricky_dataset()
    written = export_dataset(original, tmp_path / "out")
    assert [p.name for p in written] == [TABLES[t].file_name for t in LOAD_ORDER]
    imported, problems = import_folder(tmp_path / "out")
    assert problems == []
    for table in LOAD_ORDER:
        pd.testing.assert_frame_equal(imported.table(table), original.table(table))


def test_export_of_an_import_is_stable(tmp_path):
    first = export_dataset(tricky_dataset(), tmp_path / "a")
    once, _ = import_folder(tmp_path / "a")
    export_dataset(once, tmp_path / "b")
    for path in first:
        assert (tmp_path / "b" / path.name).read_bytes() == path.read_bytes()


def test_empty_dataset_exports_headers_only_and_round_trips(tmp_path):
    export_dataset(Dataset(), tmp_path)
    assert (tmp_path / "quotas.csv").read_text() == "territory_id,period,amount,segment\n"
    imported, problems = import_folder(tmp_path)
    assert problems == []
    for table in LOAD_ORDER:
        pd.testing.assert_frame_equal(imported.table(table), Dataset().table(table))


def test_values_are_written_plainly(tmp_path):
    text = dataset_to_csv_bytes(tricky_dataset().opportunities, "opportunities").decode()
    assert text.splitlines() == [
        "opportunity_id,account_id,amount,stage,status,created_on,close_on",
        "O1,A1,1234.5,Proposal,open,2026-01-01,2026-03-31",
        "O2,A2,0.0000001,Closed Won,won,2025-02-28,2025-03-01",
        "O3,A1,123456789.123456,Closed Lost,lost,2024-02-29,2024-03-01",
    ]
    accounts = dataset_to_csv_bytes(tricky_dataset().accounts, "accounts").decode()
    # whole numbers without ".0", no exponent, missing as empty; a flag "true" or empty
    assert accounts.splitlines()[1].endswith(",true")
    assert accounts.splitlines()[2] == (
        "A2,'plain quote,36061,,,,SMB,100000000000000000000,,,007,10001,"
    )


def test_formula_like_text_is_neutralised(tmp_path):
    frame = pd.read_csv(
        io.BytesIO(dataset_to_csv_bytes(tricky_dataset().territories, "territories")),
        dtype=str, keep_default_na=False,
    )
    assert frame["territory_name"].tolist()[0] == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert frame["region"].tolist() == ["'+East", "''=quoted already"]
    reps = dataset_to_csv_bytes(tricky_dataset().reps, "reps").decode().splitlines()
    assert reps[1].startswith("R1,'-Ann,")
    assert reps[2].startswith("'@R2,Bob,")


def test_excel_bom_download_imports_too():
    data = dataset_to_csv_bytes(tricky_dataset().quotas, "quotas", excel_bom=True)
    assert data.startswith(b"\xef\xbb\xbf")
    table, frame, problems = read_table_file(data, "quotas.csv")
    assert (table, problems) == ("quotas", [])
    assert frame.columns.tolist() == ["territory_id", "period", "amount", "segment"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_amounts_round_trip_exactly(tmp_path, seed):
    rng = np.random.default_rng(seed)
    amounts = np.concatenate([
        rng.random(300) * 1e6, rng.random(100) * 1e-4, np.round(rng.random(100) * 1e5, 2),
        rng.integers(0, 10**15, 100).astype(float), rng.random(10) * 1e22,
    ])
    quotas = pd.DataFrame({
        "territory_id": text(*["T"] * len(amounts)),
        "period": text(*(f"{2000 + i // 4}Q{i % 4 + 1}" for i in range(len(amounts)))),
        "amount": amounts,
    })
    territories = pd.DataFrame({
        "territory_id": text("T"), "territory_name": text("t"), "region": text("r"),
    })
    export_dataset(Dataset(territories=territories, quotas=quotas), tmp_path)
    imported, problems = import_folder(tmp_path)
    assert problems == []
    assert (imported.quotas["amount"].to_numpy() == amounts).all()


@pytest.mark.parametrize("cell", ["\t=1+1", "\r=1+1", "'\t=cmd", "=A1", "-5 net", "@SUM(A1)"])
def test_tab_and_carriage_return_starts_are_neutralised_like_the_grids_export(cell):
    """The rule of assets/grid_export.js: = + - @ tab or carriage return first
    (after any quotes) gets a quote; the importer takes it off again."""
    from dashboard.ingest.export import _safe_text
    from dashboard.ingest.parsing import clean_cell

    assert _safe_text(cell) == "'" + cell
    assert clean_cell(_safe_text(cell)) == cell  # the round trip holds
