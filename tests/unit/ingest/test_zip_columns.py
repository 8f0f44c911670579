"""The zip columns of accounts.csv and alignment.csv (issue 19): a ZIP row aligns one
ZIP area of its county, an account carries the ZIP area it lies in; old files without
the columns import unchanged."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.ingest.reading import read_table_file, validate
from dashboard.storage.schema import Dataset

COUNTIES = {"06075", "06081", "25025"}
TERRITORIES = "territory_id,territory_name,region\nT1,North,West\nT2,South,West\n"
ACCOUNTS = ("account_id,account_name,county_fips,annual_potential,zip\n"
            "A1,Acme,06075,100,94103\nA2,Beta,25025,200,2134\nA3,Gamma,06075,300,94142\n"
            "A4,Delta,06081,400,\n")


def check(tmp_path, texts: dict[str, str]):
    files = {}
    for name, text in texts.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        table, frame, problems = read_table_file(path)
        assert problems == []
        files[table] = frame
    return validate(files, Dataset(), COUNTIES)


def test_zip_rows_and_account_zips_are_stored_as_zip_areas(tmp_path):
    merged, problems = check(tmp_path, {
        "territories": TERRITORIES, "accounts": ACCOUNTS,
        "alignment": ("county_fips,territory_id,effective_from,zip\n06075,T1,,\n06081,T2,,\n"
                      "06075,T2,2026-10-01,94103\n06075,T2,,94110\n")})
    # 94142 is a PO box ZIP in 94141's area: placed there, and the import says so
    assert [(p.row, p.column, p.severity) for p in problems] == [(4, "zip", "warning")]
    assert "ZIP area 94141" in problems[0].reason
    assert merged.accounts["zip"].tolist() == ["94103", "02134", "94141", None]
    assert merged.alignment["zip"].tolist() == [None, None, "94103", "94110"]


@pytest.mark.parametrize(("row", "reason"), [
    ("06081,T2,,94103", "ZIP area 94103 lies in county 06075, not 06081"),
    ("06075,T2,,94142", "align ZIP area 94141"),
    ("06075,T2,,99999", "ZIP 99999 is not one of the approximate ZIP areas"),
])
def test_a_bad_zip_row_is_refused_with_its_reason(tmp_path, row, reason):
    _merged, problems = check(tmp_path, {
        "territories": TERRITORIES,
        "alignment": f"county_fips,territory_id,effective_from,zip\n06075,T1,,\n{row}\n"})
    assert [p.row for p in problems if p.severity == "error"] == [3]
    assert reason in problems[0].reason


def test_a_zip_aligned_twice_from_the_same_day_is_named(tmp_path):
    _merged, problems = check(tmp_path, {
        "territories": TERRITORIES,
        "alignment": "county_fips,territory_id,effective_from,zip\n"
                     "06075,T1,2026-10-01,94103\n06075,T2,2026-10-01,94103\n"})
    assert [p.reason for p in problems] == [
        "ZIP 94103 is aligned twice from 2026-10-01 (also on row 2)"]


def test_old_files_without_zip_columns_import_as_before(tmp_path):
    merged, problems = check(tmp_path, {
        "territories": TERRITORIES,
        "alignment": "county_fips,territory_id,effective_from\n06075,T1,\n06081,T2,\n",
        "accounts": "account_id,account_name,county_fips,annual_potential\nA1,Acme,06075,1\n"})
    assert problems == []
    assert merged.alignment["zip"].isna().all() and merged.accounts["zip"].isna().all()
    assert pd.isna(merged.accounts.at[0, "zip"])


def test_the_mapping_step_keeps_each_accounts_zip_area():
    """An orders export with postal codes: each account keeps its ZIP area beside
    the county it is placed in (a PO box ZIP: the area holding its centre)."""
    from dashboard.ingest import mapping

    lines = pd.DataFrame({
        "Order ID": ["O1", "O2", "O3"], "Order Date": ["2024-01-05", "2024-02-05", "2024-03-05"],
        "Customer ID": ["C1", "C2", "C3"], "Customer Name": ["Acme", "Beta", "Gamma"],
        "Postal Code": ["94103-1234", "94142", "2134"], "Sales": ["10.00", "5.00", "1.00"]},
        dtype=object)
    lines.index = pd.RangeIndex(2, 5, name="row")
    built = mapping.build({"o.csv": lines}, mapping.propose({"o.csv": lines}))
    accounts = built.tables["accounts"]
    assert accounts["zip"].tolist() == ["94103", "94141", "02134"]
    assert accounts["county_fips"].tolist() == ["06075", "06075", "25025"]
