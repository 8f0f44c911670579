"""Import: reading CSV/XLSX files and every DATA_FORMAT.md rule, reported in full."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from dashboard.ingest.reading import (
    MAX_PER_RULE,
    ROW,
    Problem,
    has_errors,
    load_files,
    read_table_file,
    validate,
)
from dashboard.storage.schema import LOAD_ORDER, Dataset

COUNTIES = {"06037", "36061", "17031"}

VALID = {
    "territories": "territory_id,territory_name,region\nT01,North,East\nT02,South,NA\n",
    "reps": (
        "rep_id,rep_name,email,territory_id,home_lat,home_lon\n"
        "R01,Ann,ann@example.com,T01,40.7,-74.0\n"
        "R02,Bob,bob@example.com,,,\n"
    ),
    "alignment": "county_fips,territory_id,effective_from\n06037,T01,\n36061,T02,\n",
    "accounts": (
        "account_id,account_name,county_fips,lat,lon,industry,segment,annual_potential,"
        "customer_since,churned_on,territory_override\n"
        "A1,Acme,06037,34.05,-118.25,Retail,SMB,1000.50,2024-01-15,,\n"
        "A2,Beta,36061,,,,,2000,2023-05-01,2025-06-30,T01\n"
    ),
    "opportunities": (
        "opportunity_id,account_id,amount,stage,status,created_on,close_on\n"
        "O1,A1,500,Proposal,open,2026-01-01,2026-03-31\n"
        "O2,A2,1200.25,Closed Won,won,2025-11-01,2026-02-15\n"
    ),
    "quotas": "territory_id,period,amount,segment\nT01,2026Q1,10000,\nT02,2026Q1,8000,\n",
    "overrides": "account_id,territory_id,effective_from\nA1,T02,2026-03-01\n",
}


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def read(folder: Path, name: str, text: str) -> pd.DataFrame:
    table, frame, problems = read_table_file(write(folder, name, text))
    assert problems == []
    return frame


def check(folder: Path, texts: dict[str, str], existing: Dataset | None = None):
    """Import ``texts`` (table -> CSV text) as files and validate them."""
    files = {table: read(folder, f"{table}.csv", text) for table, text in texts.items()}
    return validate(files, existing, COUNTIES)


def with_rows(table: str, *rows: str) -> dict[str, str]:
    """The valid files with extra data rows appended to one of them."""
    texts = dict(VALID)
    texts[table] = VALID[table] + "".join(row + "\n" for row in rows)
    return texts


def errors(problems: list[Problem]) -> list[tuple[str, int | None, str | None, str]]:
    return [(p.file, p.row, p.column, p.reason) for p in problems if p.severity == "error"]


def test_valid_files_import_with_canonical_dtypes(tmp_path):
    dataset, problems = check(tmp_path, VALID)
    assert problems == []
    accounts = dataset.accounts
    assert accounts["account_id"].dtype == object
    assert accounts["customer_since"].dtype == "datetime64[s]"
    assert accounts["annual_potential"].dtype == "float64"
    assert accounts["territory_override"].tolist() == [None, "T01"]
    assert accounts["county_fips"].tolist() == ["06037", "36061"]
    assert dataset.territories["region"].tolist() == ["East", "NA"]  # "NA" is text, not missing
    assert dataset.reps["territory_id"].tolist() == ["T01", None]
    assert dataset.opportunities["amount"].tolist() == [500.0, 1200.25]
    assert dataset.quotas["period"].tolist() == ["2026Q1", "2026Q1"]


# Each DATA_FORMAT.md rule, refused with its file, row, column and reason.
@pytest.mark.parametrize(("table", "row", "column", "reason"), [
    # required value missing
    ("territories", ",Nowhere,East", "territory_id", "territory_id is missing"),
    ("reps", "R09,,r9@example.com,,,", "rep_name", "rep_name is missing"),
    ("opportunities", "O9,A1,,Proposal,open,2026-01-01,2026-02-01", "amount", "amount is missing"),
    # wrong type
    ("opportunities", "O9,A1,12,Proposal,open,2026-13-01,2026-12-31", "created_on",
     "date 2026-13-01 is not a valid YYYY-MM-DD date"),
    ("opportunities", "O9,A1,lots,Proposal,open,2026-01-01,2026-02-01", "amount",
     "lots is not an amount of money (write it like 1234.50)"),
    ("opportunities", "O9,A1,5,Proposal,pending,2026-01-01,2026-02-01", "status",
     "status pending is not one of open, won, lost"),
    ("accounts", "A9,Gamma,06037,north,,,,5,,,", "lat", "north is not a number"),
    ("alignment", "603,T01", "county_fips", "county FIPS 603 is not a 5-digit code"),
    ("quotas", "T01,2026Q5,100", "period", "period 2026Q5 is not a quarter like 2026Q3"),
    # unknown reference
    ("reps", "R09,Cy,cy@example.com,T99,,", "territory_id", "territory T99 does not exist"),
    ("alignment", "17031,T99", "territory_id", "territory T99 does not exist"),
    ("alignment", "99999,T01", "county_fips", "county 99999 does not exist"),
    ("accounts", "A9,Gamma,99999,,,,,5,,,", "county_fips", "county 99999 does not exist"),
    ("accounts", "A9,Gamma,06037,,,,,5,,,T99", "territory_override",
     "territory T99 does not exist"),
    ("opportunities", "O9,A404,5,Proposal,open,2026-01-01,2026-02-01", "account_id",
     "account A404 does not exist"),
    ("quotas", "T99,2026Q2,100", "territory_id", "territory T99 does not exist"),
    # duplicate id; a county aligned twice
    ("territories", "T01,Again,East", "territory_id", "duplicate territory_id T01 (also on row 2)"),
    ("reps", "R01,Ann2,a2@example.com,,,", "rep_id", "duplicate rep_id R01 (also on row 2)"),
    ("accounts", "A1,Again,06037,,,,,5,,,", "account_id",
     "duplicate account_id A1 (also on row 2)"),
    ("opportunities", "O2,A1,5,Proposal,open,2026-01-01,2026-02-01", "opportunity_id",
     "duplicate opportunity_id O2 (also on row 3)"),
    ("quotas", "T01,2026q1,5", "period",
     "duplicate territory_id T01 and period 2026Q1 (also on row 2)"),
    ("alignment", "6037,T02", "county_fips", "county 06037 is aligned twice (also on row 2)"),
    # a county aligned twice from the same date (blank is a date too: the beginning)
    ("alignment", "6037,T02,2026-02-01\n6037,T01,2026-02-01", "effective_from",
     "county 06037 is aligned twice from 2026-02-01 (also on row 4)"),
    ("alignment", "6037,T02,", "county_fips", "county 06037 is aligned twice (also on row 2)"),
    # overrides: unknown account or territory, a date missing, the same date twice
    ("overrides", "A404,T01,2026-04-01", "account_id", "account A404 does not exist"),
    ("overrides", "A2,T99,2026-04-01", "territory_id", "territory T99 does not exist"),
    ("overrides", "A2,T01,", "effective_from", "effective_from is missing"),
    ("overrides", "A1,,2026-03-01", "effective_from",
     "duplicate account_id A1 and effective_from 2026-03-01 (also on row 2)"),
    # the same segment of a quarter twice
    ("quotas", "T02,2026Q2,5,SMB\nT02,2026Q2,6,smb\nT02,2026Q2,7,SMB", "segment",
     "duplicate territory_id T02, period 2026Q2 and segment SMB (also on row 4)"),
    # negative money
    ("opportunities", "O9,A1,-50.00,Proposal,open,2026-01-01,2026-02-01", "amount",
     "amount is negative (-50.00)"),
    ("accounts", "A9,Gamma,06037,,,,,(5),,,", "annual_potential",
     "annual_potential is negative ((5))"),
    ("quotas", "T01,2026Q2,-1", "amount", "amount is negative (-1)"),
    # dates out of order
    ("opportunities", "O9,A1,5,Proposal,open,2026-02-01,2026-01-31", "close_on",
     "close_on 2026-01-31 is before created_on 2026-02-01"),
    ("accounts", "A9,Gamma,06037,,,,,5,2024-01-02,2024-01-01,", "churned_on",
     "churned_on 2024-01-01 is before customer_since 2024-01-02"),
    # a rep assigned to a territory another rep owns
    ("reps", "R09,Cy,cy@example.com,T01,,", "territory_id",
     "territory T01 is already owned by rep R01 (row 2)"),
])
def test_each_rule_is_refused_with_file_row_column_and_reason(tmp_path, table, row, column, reason):
    _, problems = check(tmp_path, with_rows(table, row))
    last_new_row = VALID[table].count("\n") + row.count("\n") + 1
    assert errors(problems) == [(f"{table}.csv", last_new_row, column, reason)]


def test_a_quarter_with_a_quota_for_all_segments_and_by_segment_is_refused(tmp_path):
    """DATA_FORMAT.md: one blank-segment row or one row per segment, never both;
    each imported row of such a quarter is listed."""
    texts = with_rows("quotas", "T01,2026Q1,4000,SMB", "T02,2026Q2,1,SMB", "T02,2026Q2,2,Mid")
    _, problems = check(tmp_path, texts)
    reason = ("territory T01 has a quota for all segments and quotas by segment for 2026Q1; "
              "give one or the other")
    assert errors(problems) == [("quotas.csv", 2, "segment", reason),
                                ("quotas.csv", 4, "segment", reason)]


def test_segment_quotas_against_a_stored_quota_for_all_segments_are_refused(tmp_path):
    stored, problems = check(tmp_path, VALID)
    assert problems == []
    files = {"quotas": read(tmp_path, "quotas.csv",
                            "territory_id,period,amount,segment\nT02,2026Q1,5,SMB\n")}
    _, problems = validate(files, stored, COUNTIES)
    assert [(p.row, p.column) for p in problems] == [(2, "segment")]


def test_alignment_history_and_overrides_import_and_reimport_unchanged(tmp_path):
    texts = {**VALID,
             "alignment": "county_fips,territory_id,effective_from\n"
                          "06037,T01,\n36061,T02,\n06037,T02,2026-02-01 00:00:00\n"}
    dataset, problems = check(tmp_path, texts)
    assert problems == []
    since = dataset.alignment["effective_from"]
    assert since.isna().tolist() == [True, True, False]
    assert since.iat[2] == pd.Timestamp("2026-02-01")
    assert dataset.overrides.values.tolist()[0][:2] == ["A1", "T02"]
    again, problems = check(tmp_path, texts, dataset)
    assert problems == []
    for table in LOAD_ORDER:
        pd.testing.assert_frame_equal(again.table(table), dataset.table(table))
    # a new undated row replaces the county's undated row and keeps its dated one
    moved, _ = check(tmp_path, {"alignment": "county_fips,territory_id\n06037,T02\n"}, dataset)
    assert moved.alignment["territory_id"].tolist() == ["T02", "T02", "T02"]
    assert len(moved.alignment) == 3


@pytest.mark.parametrize(("table", "text", "missing"), [
    ("territories", "territory_id,region\nT01,East\nT02,NA\n", "territory_name"),
    ("opportunities", "opportunity_id,account_id,amount,stage,status,created_on\n", "close_on"),
    ("alignment", "territory_id\nT01\n", "county_fips"),
])
def test_required_column_missing_is_a_file_level_error(tmp_path, table, text, missing):
    _, problems = check(tmp_path, {**VALID, table: text})
    reason = f"required column {missing} is missing"
    assert errors(problems) == [(f"{table}.csv", None, missing, reason)]


def test_every_problem_is_listed_not_just_the_first(tmp_path):
    texts = with_rows(
        "opportunities",
        "O7,A1,-1,Proposal,open,2026-01-01,2026-02-01",
        "O8,A404,5,Proposal,open,2026-01-01,2026-02-01",
        "O9,A1,5,Proposal,open,someday,2026-02-01",
    )
    _, problems = check(tmp_path, texts)
    assert [(p.row, p.column) for p in problems] == [
        (4, "amount"), (5, "account_id"), (6, "created_on"),
    ]


def test_problems_in_several_files_and_several_columns_of_one_row(tmp_path):
    texts = with_rows("opportunities", "O2,A404,-5,Proposal,maybe,2026-01-01,2026-02-01")
    texts["quotas"] = with_rows("quotas", "T99,2026Q1,5")["quotas"]
    _, problems = check(tmp_path, texts)
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("opportunities.csv", 4, "opportunity_id"),
        ("opportunities.csv", 4, "account_id"),
        ("opportunities.csv", 4, "amount"),
        ("opportunities.csv", 4, "status"),
        ("quotas.csv", 4, "territory_id"),
    ]


def test_problem_reads_as_file_row_column_reason():
    problem = Problem("accounts.csv", 12, "close_on", "close_on 2026-01-01 is before ...")
    assert str(problem) == "accounts.csv row 12, column close_on: close_on 2026-01-01 is before ..."
    assert str(Problem("a.csv", None, None, "file is empty")) == "a.csv: file is empty"
    warning = Problem("a.csv", None, "x", "ignored", "warning")
    assert str(warning) == "warning: a.csv column x: ignored"


def test_extra_column_is_a_warning_only(tmp_path):
    text = "territory_id,territory_name,region,Notes\nT01,N,E,hi\nT02,S,W,\n"
    texts = {**VALID, "territories": text}
    dataset, problems = check(tmp_path, texts)
    assert [(p.row, p.column, p.severity) for p in problems] == [(None, "Notes", "warning")]
    assert "is ignored" in problems[0].reason
    assert not has_errors(problems)
    assert list(dataset.territories.columns) == ["territory_id", "territory_name", "region",
                                                 "parent_level", "parent_id"]


def stage_warnings(problems: list[Problem]) -> list[tuple[str, int | None, str | None, str]]:
    return [(p.file, p.row, p.column, p.reason) for p in problems
            if p.severity == "warning" and p.column == "stage"]


def test_an_open_deal_at_a_stage_without_probability_is_a_warning(tmp_path):
    # row 4: open at "Discovery" (no probability) -> warned; row 5: won at "Discovery" ->
    # its status sets 100%, nothing to say; row 6: "proposal" is not "Proposal" (stages
    # match exactly, as the weighting does) -> warned
    texts = with_rows("opportunities",
                      "O3,A1,700,Discovery,open,2026-01-01,2026-03-31",
                      "O4,A1,800,Discovery,won,2026-01-01,2026-02-01",
                      "O5,A1,900,proposal,open,2026-01-01,2026-03-31")
    dataset, problems = check(tmp_path, texts)
    reason = ("stage {} has no configured probability; this open opportunity counts at 0% "
              "in the weighted pipeline")
    assert stage_warnings(problems) == [
        ("opportunities.csv", 4, "stage", reason.format("Discovery")),
        ("opportunities.csv", 6, "stage", reason.format("proposal")),
    ]
    assert str([p for p in problems if p.column == "stage"][0]) == (
        "warning: opportunities.csv row 4, column stage: " + reason.format("Discovery"))
    assert not has_errors(problems) and len(dataset.opportunities) == 5


def test_a_configured_stage_is_not_warned_about():
    from dashboard.ingest.checks import Report, check_file

    raw = pd.DataFrame({"opportunity_id": ["O1", "O2"], "account_id": ["A1", "A1"],
                        "amount": ["1", "2"], "stage": ["Discovery", "Demo"],
                        "status": ["open", "open"], "created_on": ["2026-01-01"] * 2,
                        "close_on": ["2026-02-01"] * 2})

    def warned(probabilities):
        report = Report("opportunities.csv", pd.RangeIndex(2).to_numpy() + 2)
        check_file("opportunities", raw, report, probabilities)
        return [(p.row, p.severity) for p in report.problems()]

    assert warned(None) == [(2, "warning"), (3, "warning")]
    assert warned({"Discovery": 0.3}) == [(3, "warning")]
    assert warned({"Discovery": 0.3, "Demo": 0.0}) == []  # 0% on purpose is configured


def test_a_column_given_twice_is_an_error(tmp_path):
    text = "territory_id,Territory_Name,region,territory_name\nT01,N,E,M\nT02,S,W,T\n"
    dataset, problems = check(tmp_path, {**VALID, "territories": text})
    assert errors(problems) == [("territories.csv", None, "territory_name",
                                 "column territory_name appears more than once; remove the copy")]
    assert dataset.territories["territory_name"].tolist() == ["N", "S"]


def test_column_names_ignore_case_and_spaces_and_keep_leading_zeros(tmp_path):
    texts = {**VALID, "alignment": " County_FIPS , TERRITORY_ID\n06037,T01\n 36061 ,T02\n"}
    dataset, problems = check(tmp_path, texts)
    assert problems == []
    assert dataset.alignment["county_fips"].tolist() == ["06037", "36061"]


def test_bom_and_semicolon_delimiter_with_decimal_commas(tmp_path):
    text = "\ufeffterritory_id;period;amount\nT01;2026Q1;1.234,50\nT02;2026Q1;10 000,5 €\n"
    dataset, problems = check(tmp_path, {**VALID, "quotas": text})
    assert problems == []
    assert dataset.quotas["amount"].tolist() == [1234.5, 10000.5]


def test_formatted_money_and_time_part_dates(tmp_path):
    text = (
        "opportunity_id,account_id,amount,stage,status,created_on,close_on\n"
        'O1,A1,"$1,234.50",Proposal,OPEN,2026-01-01 00:00:00,2026-03-31T00:00:00Z\n'
    )
    dataset, problems = check(tmp_path, {**VALID, "opportunities": text})
    assert problems == []
    opp = dataset.opportunities.iloc[0]
    assert (opp["amount"], opp["status"]) == (1234.5, "open")
    assert opp["close_on"] == pd.Timestamp("2026-03-31")


def test_xlsx_first_sheet_with_numbers_and_date_cells(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Account_ID", "account_name", "County_FIPS", "annual_potential",
                  "customer_since"])
    sheet.append(["A1", "Acme", 6037, 1000.5, datetime(2024, 1, 15)])
    sheet.append(["A2", "Beta", "36061", "$2,000", "2023-05-01"])
    workbook.create_sheet("ignored").append(["nothing"])
    workbook.save(tmp_path / "Accounts.xlsx")

    table, frame, problems = read_table_file(tmp_path / "Accounts.xlsx")
    assert (table, problems) == ("accounts", [])
    dataset, problems = validate({**{"accounts": frame}}, None, COUNTIES)
    assert problems == []
    accounts = dataset.accounts
    assert accounts["county_fips"].tolist() == ["06037", "36061"]
    assert accounts["annual_potential"].tolist() == [1000.5, 2000.0]
    assert accounts["customer_since"].tolist() == [
        pd.Timestamp("2024-01-15"), pd.Timestamp("2023-05-01"),
    ]


def test_latin1_file_is_a_problem_not_an_exception(tmp_path):
    path = write(tmp_path, "territories.csv", "territory_id,territory_name,region\nT1,Zürich,E\n",
                 encoding="latin-1")
    table, frame, problems = read_table_file(path)
    assert table == "territories"
    [problem] = problems
    assert (problem.file, problem.row, problem.severity) == ("territories.csv", None, "error")
    assert problem.reason.startswith("file is not UTF-8 text (byte 0xfc at position 39, line 2")
    assert problem.reason.endswith("save it as UTF-8")


@pytest.mark.parametrize(("name", "reason"), [
    ("customers.csv", "file name customers.csv does not name a table"),
    ("accounts.txt", "file type .txt is not supported; use .csv or .xlsx"),
])
def test_file_name_must_name_a_table_and_type(tmp_path, name, reason):
    table, frame, problems = read_table_file(b"a,b\n1,2\n", name)
    assert problems[0].reason.startswith(reason)


def test_unreadable_csv_row_is_reported(tmp_path):
    path = write(tmp_path, "quotas.csv", "territory_id,period,amount\nT01,2026Q1,5,extra\n")
    _, _, problems = read_table_file(path)
    assert [p.reason for p in problems] == ["line 2 has 4 values but the header has 3 columns"]


def test_blank_rows_are_skipped_but_rows_keep_their_spreadsheet_numbers(tmp_path):
    text = "territory_id,period,amount\n\nT01,2026Q1,5\n,,\nT99,2026Q1,5\n"
    frame = read(tmp_path, "quotas.csv", text)
    assert frame.index.name == ROW
    assert frame.index.tolist() == [3, 5]
    _, problems = validate({"quotas": frame}, None, COUNTIES)
    assert [(p.row, p.reason) for p in problems] == [
        (3, "territory T01 does not exist"), (5, "territory T99 does not exist"),
    ]


def test_reference_may_point_to_an_existing_row(tmp_path):
    existing, problems = check(tmp_path, VALID)
    assert problems == []
    opportunities = "opportunity_id,account_id,amount,stage,status,created_on,close_on\n"
    more = opportunities + "O3,A2,7,Proposal,open,2026-01-01,2026-02-01\n"
    dataset, problems = check(tmp_path, {"opportunities": more}, existing)
    assert problems == []
    assert dataset.opportunities["opportunity_id"].tolist() == ["O1", "O2", "O3"]
    unknown = opportunities + "O4,A3,7,Proposal,open,2026-01-01,2026-02-01\n"
    _, problems = check(tmp_path, {"opportunities": unknown}, existing)
    assert errors(problems) == [("opportunities.csv", 2, "account_id", "account A3 does not exist")]


def test_reimporting_the_same_files_changes_nothing(tmp_path):
    first, _ = check(tmp_path, VALID)
    second, problems = check(tmp_path, VALID, first)
    assert problems == []
    for table in LOAD_ORDER:
        pd.testing.assert_frame_equal(second.table(table), first.table(table))


def test_upsert_replaces_rows_in_place_keeps_others_and_appends_new(tmp_path):
    existing, _ = check(tmp_path, VALID)
    text = "territory_id,territory_name,region\nT03,West,West\nT01,North Renamed,East\n"
    dataset, problems = check(tmp_path, {"territories": text}, existing)
    assert problems == []
    # (no parent unit given: each territory's parent is its region)
    assert dataset.territories.values.tolist() == [
        ["T01", "North Renamed", "East", None, None], ["T02", "South", "NA", None, None],
        ["T03", "West", "West", None, None],
    ]
    pd.testing.assert_frame_equal(dataset.accounts, existing.accounts)


def test_rep_may_not_take_a_territory_an_existing_rep_owns(tmp_path):
    existing, _ = check(tmp_path, VALID)
    text = "rep_id,rep_name,email,territory_id\nR03,Cy,cy@example.com,T01\n"
    _, problems = check(tmp_path, {"reps": text}, existing)
    assert errors(problems) == [
        ("reps.csv", 2, "territory_id", "territory T01 is already owned by rep R01"),
    ]


def test_rep_handover_within_one_import_is_allowed(tmp_path):
    existing, _ = check(tmp_path, VALID)
    text = ("rep_id,rep_name,email,territory_id\n"
            "R01,Ann,ann@example.com,T02\nR03,Cy,cy@example.com,T01\n")
    dataset, problems = check(tmp_path, {"reps": text}, existing)
    assert problems == []
    assert dataset.reps["territory_id"].tolist() == ["T02", None, "T01"]


def test_formula_quote_is_removed_on_import(tmp_path):
    text = "territory_id,territory_name,region\nT01,'=1+1,East\nT02,'plain,'-west\n"
    dataset, problems = check(tmp_path, {"territories": text})
    assert problems == []
    assert dataset.territories["territory_name"].tolist() == ["=1+1", "'plain"]
    assert dataset.territories["region"].tolist() == ["East", "-west"]


def test_a_garbage_file_gives_a_short_report(tmp_path):
    rows = [f"T{i},,East" for i in range(MAX_PER_RULE + 500)]
    text = "territory_id,territory_name,region\n" + "\n".join(rows) + "\n"
    _, problems = check(tmp_path, {"territories": text})
    assert len(problems) == MAX_PER_RULE + 1
    summary = problems[-1]
    assert (summary.row, summary.column) == (None, "territory_name")
    assert summary.reason == "… and 500 more rows with the same problem (missing)"


def test_load_files_expands_a_directory_and_refuses_two_files_for_one_table(tmp_path):
    for table, text in VALID.items():
        write(tmp_path, f"{table}.csv", text)
    write(tmp_path, "notes.txt", "not a table")
    files, problems = load_files(tmp_path)
    # every table but the optional levels.csv, which VALID does without
    assert (sorted(files), problems) == (sorted(set(LOAD_ORDER) - {"levels"}), [])
    assert validate(files, None, COUNTIES)[1] == []

    (tmp_path / "other").mkdir()
    write(tmp_path / "other", "QUOTAS.csv", VALID["quotas"])
    files, problems = load_files([tmp_path / "quotas.csv", tmp_path / "other" / "QUOTAS.csv"])
    assert list(files) == ["quotas"]
    assert [p.reason for p in problems] == [
        "quotas.csv and QUOTAS.csv both hold quotas; import only one",
    ]


def test_frames_built_by_hand_are_numbered_from_row_2():
    frame = pd.DataFrame({"territory_id": ["T1", "T1"], "territory_name": ["a", "b"],
                          "region": ["r", "r"]})
    _, problems = validate({"territories": frame}, None, COUNTIES)
    assert errors(problems) == [
        ("territories.csv", 3, "territory_id", "duplicate territory_id T1 (also on row 2)"),
    ]


# French: reasons are worded in the language of the moment (the web page's
# user's); file, column and table names and the quoted cells stay as written.
def test_a_bad_row_is_explained_in_french_with_its_row_and_column(tmp_path):
    from dashboard.i18n import translation

    texts = with_rows("opportunities", "O9,A1,12,Proposal,open,2026-13-01,2026-12-31",
                      "O10,A404,-5,Proposal,open,2026-01-01,2026-02-01")
    with translation.use("fr"):
        _, problems = check(tmp_path, texts)
        assert errors(problems) == [
            ("opportunities.csv", 4, "created_on",
             "la date 2026-13-01 n'est pas une date AAAA-MM-JJ valide"),
            ("opportunities.csv", 5, "account_id", "le compte A404 n'existe pas"),
            ("opportunities.csv", 5, "amount", "amount est négatif (-5)"),
        ]
        assert str(problems[0]) == ("opportunities.csv ligne 4, colonne created_on : "
                                    "la date 2026-13-01 n'est pas une date AAAA-MM-JJ valide")
        warning = Problem("a.csv", None, "x", "ignorée", "warning")
        assert str(warning) == "avertissement : a.csv colonne x : ignorée"
    # the command line (and anyone outside a French request) still reads English
    _, problems = check(tmp_path, texts)
    assert str(problems[0]) == ("opportunities.csv row 4, column created_on: "
                                "date 2026-13-01 is not a valid YYYY-MM-DD date")


def test_a_french_summary_counts_the_rows_left_out_in_french(tmp_path):
    from dashboard.i18n import translation

    rows = [f"T{i},,East" for i in range(MAX_PER_RULE + 1500)]
    text = "territory_id,territory_name,region\n" + "\n".join(rows) + "\n"
    with translation.use("fr"):
        _, problems = check(tmp_path, {"territories": text})
    assert problems[0].reason == "territory_name est manquant"
    assert problems[-1].reason == ("… et 1\u202f500 autres lignes avec le même problème "
                                   "(manquant)")


def test_file_problems_are_explained_in_french():
    from dashboard.i18n import translation

    with translation.use("fr"):
        _, _, [wrong_name] = read_table_file(b"a,b\n1,2\n", "customers.csv")
        _, _, [ragged] = read_table_file(b"territory_id,period,amount\nT01,2026Q1,5,x\n",
                                         "quotas.csv")
    assert wrong_name.reason.startswith(
        "le nom de fichier customers.csv ne correspond à aucune table")
    assert ragged.reason == "la ligne 2 a 4 valeurs mais l'en-tête a 3 colonnes"


def text_of(component) -> str:
    """The words a Dash component tree shows, joined."""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(text_of(c) for c in component)
    children = getattr(component, "children", None)
    return "" if children is None else text_of(children)


def test_the_import_report_speaks_french():
    from dashboard.i18n import translation
    from layouts.imports import import_page, import_report

    with translation.use("fr"):
        done = text_of(import_report(True, [], [], {"accounts": 12345, "quotas": 1}))
        refused = text_of(import_report(False, ["a.csv ligne 2 : x", "b.csv : y"], [], {}))
        page = text_of(import_page(max_file_bytes=16 * 2**20))
    assert "Données importées : accounts (12\u202f345), quotas (1)." in done
    assert "Rien n'a été importé : 2 problèmes doivent d'abord être corrigés." in refused
    assert "Fichiers acceptés" in page and "choisissez des fichiers" in page
    with translation.use("en"):
        assert "Nothing was imported: 1 problem must be fixed first." in text_of(
            import_report(False, ["x"], [], {}))


def test_the_stage_warning_in_french(tmp_path):
    from dashboard.i18n import translation

    texts = with_rows("opportunities", "O3,A1,700,Discovery,open,2026-01-01,2026-03-31")
    with translation.use("fr"):
        _dataset, problems = check(tmp_path, texts)
        (warning,) = [p for p in problems if p.column == "stage"]
        assert str(warning) == (
            "avertissement : opportunities.csv ligne 4, colonne stage : l'étape Discovery "
            "n'a pas de probabilité configurée ; cette opportunité ouverte compte pour 0 % "
            "dans le pipeline pondéré")


def test_the_history_rules_in_french(tmp_path):
    from dashboard.i18n import translation

    texts = with_rows("alignment", "6037,T02,2026-02-01", "6037,T01,2026-02-01")
    texts["quotas"] = with_rows("quotas", "T01,2026Q1,4000,SMB")["quotas"]
    with translation.use("fr"):
        _dataset, problems = check(tmp_path, texts)
        shown = [str(p) for p in problems]
    assert shown == [
        "alignment.csv ligne 5, colonne effective_from : le comté 06037 est aligné deux fois "
        "à partir du 2026-02-01 (aussi à la ligne 4)",
        "quotas.csv ligne 2, colonne segment : le territoire T01 a un quota pour tous les "
        "segments et des quotas par segment pour 2026Q1 ; donnez l'un ou l'autre",
        "quotas.csv ligne 4, colonne segment : le territoire T01 a un quota pour tous les "
        "segments et des quotas par segment pour 2026Q1 ; donnez l'un ou l'autre",
    ]
