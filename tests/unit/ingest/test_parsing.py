"""Cell parsers: DATA_FORMAT.md values, worked out by hand."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from dashboard.ingest.parsing import (
    cell_text,
    clean_cell,
    clean_cells,
    parse_column,
    parse_date,
    parse_fips,
    parse_money,
    parse_number,
    parse_quarter,
    parse_status,
)


@pytest.mark.parametrize("parse", [
    parse_date, parse_money, parse_number, parse_fips, parse_quarter, parse_status,
])
@pytest.mark.parametrize("blank", ["", "   ", None, np.nan, "\u00a0"])
def test_blank_is_missing_not_an_error(parse, blank):
    assert parse(blank) == (None, None)


@pytest.mark.parametrize("text", [
    "2026-03-15",
    " 2026-03-15 ",
    "2026-03-15 00:00:00",
    "2026-03-15T00:00:00Z",
    "2026-03-15T23:59:59.123+02:00",
    "2026-03-15 8:30",
])
def test_date_drops_the_time_part(text):
    assert parse_date(text) == (date(2026, 3, 15), None)


@pytest.mark.parametrize("text", ["2026-13-01", "2026-02-30", "2026-3-5", "15/03/2026", "soon"])
def test_date_refuses_what_is_not_iso(text):
    value, reason = parse_date(text)
    assert value is None
    assert reason == f"date {text} is not a valid YYYY-MM-DD date"


@pytest.mark.parametrize(("text", "expected"), [
    ("1234.5", 1234.5),
    ("1234", 1234.0),
    ("-12", -12.0),
    ("12-", -12.0),
    ("(1,234.50)", -1234.5),
    ("$1,234.50", 1234.5),
    ("-$12", -12.0),
    ("1 234,50 €", 1234.5),
    ("1\u00a0234,50\u00a0€", 1234.5),
    ("€1.234,50", 1234.5),
    ("1.234.567,8", 1234567.8),
    ("1,234,567.89", 1234567.89),
    ("1'234.50 CHF", 1234.5),
    ("12 USD", 12.0),
    # a lone comma and exactly three digits groups thousands ...
    ("1,234", 1234.0),
    ("12,345", 12345.0),
    # ... unless the part before it is 0; any other lone comma is decimal
    ("0,125", 0.125),
    ("1,5", 1.5),
    ("1234,50", 1234.5),
    ("1,2345", 1.2345),
    # a lone point is always decimal: that is how plain decimals are written
    ("1.234", 1.234),
    (".5", 0.5),
    ("1e5", 100000.0),
    ("0.30000000000000004", 0.30000000000000004),
])
def test_money_formats(text, expected):
    assert parse_money(text) == (expected, None)


@pytest.mark.parametrize("text", [
    "abc", "12abc", "1.2.3", "12,34,567", "1,23,4", "5,", "(-12)", "nan", "inf", "1e400", "$",
])
def test_money_refuses_what_is_not_an_amount(text):
    value, reason = parse_money(text)
    assert value is None
    assert reason == f"{text} is not an amount of money (write it like 1234.50)"


@pytest.mark.parametrize(("text", "expected"), [
    ("40.7128", 40.7128), ("-73.935", -73.935), ("40,7128", 40.7128), ("-73,935", -73.935),
    ("+1", 1.0), ("0", 0.0),
])
def test_number_accepts_a_decimal_comma_but_no_grouping(text, expected):
    assert parse_number(text) == (expected, None)


@pytest.mark.parametrize("text", ["x", "1,234.5", "1.2.3", "nan"])
def test_number_refuses_non_numbers(text):
    assert parse_number(text) == (None, f"{text} is not a number")


@pytest.mark.parametrize(("text", "expected"), [
    ("06037", "06037"),
    ("6037", "06037"),  # a spreadsheet dropped the leading zero
    (" 36061 ", "36061"),
])
def test_fips_keeps_and_restores_leading_zeros(text, expected):
    assert parse_fips(text) == (expected, None)


@pytest.mark.parametrize("text", ["123", "123456", "6037.0", "O6037", "٠٦٠٣٧"])
def test_fips_refuses_non_codes(text):
    assert parse_fips(text) == (None, f"county FIPS {text} is not a 5-digit code")


@pytest.mark.parametrize(("text", "expected"), [
    ("2026Q3", "2026Q3"), ("2026q3", "2026Q3"), ("2026 Q 1", "2026Q1"),
])
def test_quarter_label_is_canonical(text, expected):
    assert parse_quarter(text) == (expected, None)


@pytest.mark.parametrize("text", ["2026Q5", "2026", "Q3 2026", "2026-07-01"])
def test_quarter_refuses_other_periods(text):
    assert parse_quarter(text) == (None, f"period {text} is not a quarter like 2026Q3")


@pytest.mark.parametrize(("text", "expected"), [("open", "open"), ("Won", "won"), ("LOST", "lost")])
def test_status_any_case(text, expected):
    assert parse_status(text) == (expected, None)


def test_status_refuses_others():
    assert parse_status("pending") == (None, "status pending is not one of open, won, lost")


@pytest.mark.parametrize(("cell", "expected"), [
    ("'=SUM(A1)", "=SUM(A1)"),
    ("'+1", "+1"),
    ("'-x", "-x"),
    ("'@x", "@x"),
    ("''=x", "'=x"),  # exactly one quote comes off
    ("'hello", "'hello"),  # not a neutralised formula: left alone
    ("  plain ", "plain"),
])
def test_clean_cell_undoes_formula_neutralisation(cell, expected):
    assert clean_cell(cell) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (6037, "6037"),
    (6037.0, "6037"),
    (1234.5, "1234.5"),
    (True, "TRUE"),
    (datetime(2026, 3, 15), "2026-03-15"),
    (datetime(2026, 3, 15, 8, 30), "2026-03-15 08:30:00"),
    (date(2026, 3, 15), "2026-03-15"),
    (None, ""),
])
def test_cell_text_of_spreadsheet_values(value, expected):
    assert cell_text(value) == expected


def test_parse_column_dates_are_datetime64_with_nat_and_errors_by_row():
    cells = clean_cells(pd.Series(["2026-01-01", "", "2026-13-01", "2026-01-01 00:00:00"]))
    parsed = parse_column("date", cells)
    assert parsed.values.dtype == "datetime64[s]"
    assert parsed.values.isna().tolist() == [False, True, True, False]
    assert parsed.errors.to_dict() == {2: "date 2026-13-01 is not a valid YYYY-MM-DD date"}


def test_parse_column_money_fast_and_slow_paths_agree_with_the_cell_parser():
    texts = ["1234.5", "$1,234.50", "-3", "", "abc", "1e5", "0,125", "nan"]
    parsed = parse_column("money", clean_cells(pd.Series(texts)))
    assert parsed.values.dtype == "float64"
    for position, text in enumerate(texts):
        value, reason = parse_money(text)
        got = parsed.values.iat[position]
        assert (np.isnan(got) if value is None else got == value), text
        assert parsed.errors.get(position) == reason, text


def test_parse_column_money_reads_shortest_repr_exactly():
    floats = np.random.default_rng(7).normal(scale=1e6, size=2000)
    cells = clean_cells(pd.Series([repr(float(v)) for v in floats]))
    assert (parse_column("money", cells).values.to_numpy() == floats).all()


@pytest.mark.parametrize(("kind", "texts", "expected"), [
    ("fips", ["6037", "06037", None], ["06037", "06037", None]),
    ("status", ["Won", "open", None], ["won", "open", None]),
    ("quarter", ["2026q3", None], ["2026Q3", None]),
    ("id", ["007", None], ["007", None]),
])
def test_parse_column_strings_are_object_with_none(kind, texts, expected):
    parsed = parse_column(kind, pd.Series(texts, dtype=object))
    assert parsed.values.dtype == object
    assert parsed.values.tolist() == expected
    assert parsed.errors.empty
