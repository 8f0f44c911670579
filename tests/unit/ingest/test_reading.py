"""Reading an import's files before checking them: an unreadable file does not
hide the others, and ``as_of.txt`` carries the dataset's as-of date; merging
keeps one row per key."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.ingest.reading import (
    load_files,
    read_files,
    read_table_file,
    upsert,
    validate,
)

TERRITORIES = b"territory_id,territory_name,region\nT1,North,West\n"
ALIGNMENT = b"county_fips,territory_id\n06037,T1\n06059,T2\n"


def test_an_unreadable_file_leaves_the_others_to_be_checked():
    read = read_files([("territories.csv", "T1,Zoé\n".encode("latin-1")),
                       ("alignment.csv", ALIGNMENT)])
    assert read.unreadable == {"territories"}
    assert list(read.tables) == ["alignment"]
    assert [p.file for p in read.problems] == ["territories.csv"]


def test_references_into_an_unreadable_table_are_not_judged():
    """T1 and T2 may well be in the territories file that could not be read;
    a county that does not exist is still reported."""
    read = read_files([("territories.csv", b"\xff\xfe"), ("alignment.csv", ALIGNMENT +
                                                          b"99999,T1\n")])
    _, problems = validate(read.tables, None, {"06037", "06059"}, read.unreadable)
    assert [(p.row, p.column) for p in problems] == [(4, "county_fips")]
    _, judged = validate(read.tables, None, {"06037", "06059"})
    assert {(p.row, p.column) for p in judged} == {
        (2, "territory_id"), (3, "territory_id"), (4, "territory_id"), (4, "county_fips")}


def test_as_of_file_gives_the_date_and_a_bad_one_is_a_problem():
    assert read_files([("as_of.txt", b"\xef\xbb\xbf2026-08-14\n")]).as_of == date(2026, 8, 14)
    bad = read_files([("AS_OF.TXT", b"14/08/2026")])
    assert bad.as_of is None
    assert [str(p) for p in bad.problems] == [
        "AS_OF.TXT: expected one date as YYYY-MM-DD (the dataset's as-of date), "
        "found '14/08/2026'"]


def test_an_unreadable_as_of_file_is_reported_like_an_unreadable_table(tmp_path):
    """A folder or a missing file named as_of.txt is a problem in the report,
    worded as for a table file, and the other files are still read."""
    folder = tmp_path / "as_of.txt"
    folder.mkdir()
    read = read_files([("as_of.txt", folder), ("territories.csv", TERRITORIES)])
    assert read.as_of is None
    assert list(read.tables) == ["territories"]
    assert [str(p) for p in read.problems] == ["as_of.txt: cannot read the file: Is a directory"]
    gone = tmp_path / "gone"
    table_missing = read_table_file(gone / "territories.csv")[2]
    as_of_missing = load_files([gone / "as_of.txt"])[1]
    assert [p.reason for p in as_of_missing] == [p.reason for p in table_missing] == [
        "cannot read the file: No such file or directory"]


def territories(*rows: str) -> pd.DataFrame:
    """A territories frame from "id:name" rows (region East)."""
    ids, names = zip(*(row.split(":") for row in rows), strict=True)
    return pd.DataFrame({"territory_id": ids, "territory_name": names, "region": "East"})


def names(frame: pd.DataFrame) -> list[str]:
    return [f"{t}:{n}" for t, n in zip(frame["territory_id"], frame["territory_name"],
                                        strict=True)]


@pytest.mark.parametrize(("stored", "imported", "merged"), [
    # an import repeating a key: the first of its rows wins
    (["T1:a"], ["T2:x", "T2:y"], ["T1:a", "T2:x"]),
    (["T1:a", "T2:b"], ["T2:x", "T2:y"], ["T1:a", "T2:x"]),
    # stored rows repeating a key: the last wins, in its own place
    (["T1:a", "T2:b", "T1:c"], ["T3:x"], ["T2:b", "T1:c", "T3:x"]),
    (["T1:a", "T2:b", "T1:c"], ["T1:x"], ["T2:b", "T1:x"]),
    # nothing imported: the stored rows come back as they are
    (["T1:a", "T2:b", "T1:c"], None, ["T1:a", "T2:b", "T1:c"]),
])
def test_a_repeated_key_keeps_the_first_imported_row_or_the_last_stored(stored, imported, merged):
    imported = None if imported is None else territories(*imported)
    assert names(upsert("territories", territories(*stored), imported)) == merged


def test_two_files_for_one_table_are_refused_and_the_first_kept():
    read = read_files([("territories.csv", TERRITORIES), ("Territories.CSV", TERRITORIES)])
    assert list(read.tables) == ["territories"]
    assert "both hold territories" in read.problems[0].reason


def test_every_ragged_line_is_named_not_only_the_first():
    text = b"territory_id,period,amount\nT01,2026Q1,5,x\nT02,2026Q1,5\nT03,2026Q1,5,x,y\n"
    _, _, [problem] = read_table_file(text, "quotas.csv")
    assert problem.reason == "2 lines have more values than the header's 3 columns: lines 2, 4"



def test_a_configured_stage_is_not_warned_about():
    """TD_STAGE_PROBABILITIES may add stages: an open deal at one of them has a
    probability, so only the default set's unknown stages are warned about."""
    opportunities = (b"opportunity_id,account_id,amount,stage,status,created_on,close_on\n"
                     b"X1,A1,100,Discovery,open,2026-01-05,2026-09-01\n")
    read = read_files([("opportunities.csv", opportunities)])

    def warned(probabilities):
        _, problems = validate(read.tables, None, None, stage_probabilities=probabilities)
        return [p.column for p in problems if p.severity == "warning"]

    assert warned(None) == ["stage"]
    assert warned({"Discovery": 0.05}) == []


def test_a_huge_cell_beside_a_ragged_line_is_still_a_clean_problem():
    """The csv module refuses cells over 128 KiB; the report falls back to
    pandas' first ragged line rather than failing (found by the fuzz test)."""
    text = b"territory_id\nT1," + b"9" * 200_000 + b"\n"
    _, _, [problem] = read_table_file(text, "territories.csv")
    assert problem.reason == "line 2 has 2 values but the header has 1 columns"


def test_a_native_alignment_file_may_name_a_whole_state_as_the_mapping_step_does():
    """``state:RI`` in alignment.csv aligns Rhode Island's five counties (its
    own row keeps 44001); an unknown state is an error at its file, row and
    column, and the counties left out are counted in a warning."""
    read = read_files([("territories.csv", TERRITORIES + b"T2,South,West\n"),
                       ("alignment.csv", b"County_FIPS,territory_id\nstate:RI,T1\n"
                                         b"44001,T2\nstate:XX,T1\n")])
    merged, problems = validate(read.tables, None, None, read.unreadable)
    problems = read.problems + problems
    assert dict(zip(merged.alignment["county_fips"], merged.alignment["territory_id"],
                    strict=True)) == {"44001": "T2", "44003": "T1", "44005": "T1",
                                      "44007": "T1", "44009": "T1"}
    errors = [(p.file, p.row, p.column, p.reason) for p in problems if p.severity == "error"]
    assert errors == [("alignment.csv", 4, "County_FIPS", "'state:XX' names no US state (a "
                       "postal code such as state:WA) nor Census region (region:Northeast, "
                       "Midwest, South or West)")]
    assert any(p.severity == "warning" and "Texas (254)" in p.reason for p in problems)


def test_an_accounts_file_may_say_which_potentials_were_estimated():
    """``potential_estimated`` (the app's own export writes it): true, yes or 1
    in any case is yes, blank is no, anything else is an error at its row."""
    read = read_files([("accounts.csv", b"account_id,account_name,county_fips,annual_potential,"
                                        b"Potential_Estimated\nA1,Acme,06037,10,TRUE\n"
                                        b"A2,Beta,06037,20,\nA3,Gamma,06037,30,maybe\n")])
    merged, problems = validate(read.tables, None, {"06037"})
    assert merged.accounts["potential_estimated"].tolist() == [True, False, False]
    assert merged.accounts["potential_estimated"].dtype == bool
    assert [(p.row, p.column, p.reason) for p in problems] == [
        (4, "potential_estimated", "maybe is not true or false")]
