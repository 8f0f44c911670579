# ruff: noqa: E501  (the exports are written as their CRMs write them, one line per row)
"""``territory-dashboard import --map``: a CRM export into an empty database, its
mapping printed, ambiguous dates asked for, a named profile saved and applied again."""

from __future__ import annotations

import csv
import io

import pytest

from dashboard.runtime.cli import main

SALESFORCE = """Opportunity ID,Opportunity Name,Account Name,Amount,Stage,Close Date,Created Date,Won,Closed,Billing Zip/Postal Code,Billing State/Province
006A1,Acme renewal,Acme Corp,"$1,200.00",Closed Won,3/15/2025,1/10/2025,1,1,77429,TX
006A2,Acme upsell,Acme Corp,$800.00,Closed Lost,4/20/2025,1/25/2025,0,1,77429,TX
006B1,Globex new,Globex,"$2,500.50",Closed Won,5/2/2025,3/3/2025,1,1,10001,NY
006B2,Globex expansion,Globex,$999.99,Negotiation,9/30/2025,6/1/2025,0,0,10001,NY
006C1,Initech old win,Initech,$300.00,Closed Won,11/30/2024,10/1/2024,1,1,07029,NJ
"""
#: a start of a plan in DATA_FORMAT.md's own files: the company level sums its territories
TERRITORIES = "territory_id,territory_name,region\nT1,East,Northeast\n"
ALIGNMENT = "county_fips,territory_id\n48201,T1\n36061,T1\n34017,T1\n"
#: every day 12 or less: the order cannot be told from the values
AMBIGUOUS = """Opportunity ID,Account Name,Amount,Stage,Close Date,Created Date,Billing Zip/Postal Code
006X1,Acme Corp,100,Closed Won,03/04/2025,01/02/2025,77429
"""


@pytest.fixture
def empty_env(tmp_path, monkeypatch):
    monkeypatch.setenv("TD_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("TD_DEMO", "0")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("TD_AS_OF", raising=False)
    return tmp_path


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def company_bookings(capsys, period: str) -> str:
    code, out, err = run(capsys, "kpis", "--period", period, "--level", "company",
                         "--as-of", "2025-12-31")
    assert code == 0, err
    return next(csv.DictReader(io.StringIO(out)))["bookings"]


def test_a_salesforce_export_imported_with_map_gives_the_company_bookings(empty_env, capsys):
    export = empty_env / "Opportunities report.csv"
    export.write_text(SALESFORCE)
    (empty_env / "territories.csv").write_text(TERRITORIES)
    (empty_env / "alignment.csv").write_text(ALIGNMENT)
    code, out, err = run(capsys, "import", "--map", export, empty_env / "territories.csv",
                         empty_env / "alignment.csv")
    assert code == 0, err
    # the mapping is printed before the import
    assert "Opportunities report.csv: flat_deals" in out
    assert "Close Date -> close_on (MM/DD/YYYY)" in out
    assert "Closed Lost -> lost" in out
    # the multi-county ZIP 07029 is said, as a warning that does not stop the import
    assert "07029 reaches into more than one county" in err
    assert "territories.csv: territories" in out and "alignment.csv: alignment" in out
    assert "imported 1 territories, 3 alignment, 3 accounts, 5 opportunities" in out
    # 2025 bookings by hand: 006A1 1,200.00 + 006B1 2,500.50 (006C1 closed in 2024)
    assert float(company_bookings(capsys, "2025")) == pytest.approx(3700.5)
    assert float(company_bookings(capsys, "2024")) == pytest.approx(300.0)


def test_dry_run_prints_the_rows_as_stored_and_writes_nothing(empty_env, capsys):
    export = empty_env / "export.csv"
    export.write_text(SALESFORCE)
    code, out, err = run(capsys, "import", "--map", "--dry-run", export)
    assert code == 0, err
    assert "1200.0" in out and "2025-03-15" in out  # amounts and dates as stored
    assert "nothing imported (dry run)" in out
    code, out, err = run(capsys, "kpis", "--period", "2025", "--level", "company",
                         "--as-of", "2025-12-31")
    assert next(csv.DictReader(io.StringIO(out)))["bookings"] in ("", "0.0")


def plan(folder):
    (folder / "territories.csv").write_text(TERRITORIES)
    (folder / "alignment.csv").write_text(ALIGNMENT)
    return [folder / "territories.csv", folder / "alignment.csv"]


def test_an_ambiguous_date_column_stops_the_import_until_the_user_answers(empty_env, capsys):
    export = empty_env / "deals.csv"
    export.write_text(AMBIGUOUS)
    code, _out, err = run(capsys, "import", "--map", export, *plan(empty_env))
    assert code == 1
    assert "deals.csv column Close Date: every date in Close Date reads both" in err
    assert "nothing imported" in err
    assert 'answer each date order with --date-order "Close Date=mdy"' in err
    code, _out, err = run(capsys, "import", "--map", "--date-order", "Close Date=dmy",
                          "--date-order", "Created Date=dmy", "--profile", "acme", export,
                          *plan(empty_env))
    assert code == 0, err
    # 03/04/2025 day first: 3 April 2025, in Q2
    assert float(company_bookings(capsys, "2025Q2")) == pytest.approx(100.0)


def test_a_saved_profile_is_applied_by_itself_when_the_same_headers_come(empty_env, capsys):
    code, _out, err = run(capsys, "import", "--map", *plan(empty_env))
    assert code == 0, err
    first = empty_env / "deals.csv"
    first.write_text(AMBIGUOUS)
    code, _out, err = run(capsys, "import", "--map", "--date-order", "Close Date=dmy",
                          "--date-order", "Created Date=dmy", "--profile", "acme", first)
    assert code == 0, err
    later = empty_env / "deals-may.csv"
    later.write_text(AMBIGUOUS.replace("006X1", "006X2").replace("03/04/2025", "05/04/2025"))
    code, out, err = run(capsys, "import", "--map", later)
    assert code == 0, err
    assert "profile acme applied" in out
    # 05/04/2025 day first: 5 April; both deals in 2025Q2
    assert float(company_bookings(capsys, "2025Q2")) == pytest.approx(200.0)


def test_the_existing_checks_still_apply_and_name_the_users_file_row_and_column(
        empty_env, capsys):
    export = empty_env / "export.csv"
    # 006A2 closes before it was created: the importer's own date-order rule
    export.write_text(SALESFORCE.replace("4/20/2025,1/25/2025", "1/20/2025,1/25/2025"))
    code, _out, err = run(capsys, "import", "--map", export, *plan(empty_env))
    assert code == 1
    assert "export.csv row 3, column Close Date: " in err
    assert "nothing imported: 1 problem(s)" in err
