"""XLSX exports of grid rows: what a spreadsheet user gets when they open one."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from dashboard.views.xlsx import columns_of, sheet_title, workbook_bytes

MONEY = {"function": "params.value == null ? '—' : d3.format('$,.0f')(params.value)"}
PCT = {"function": "params.value == null ? '—' : Math.round(params.value * 100) + '%'"}

COLUMNS = [
    {"field": "name", "headerName": "Account"},
    {"field": "amount", "headerName": "Amount", "valueFormatter": MONEY},
    {"field": "share", "headerName": "Share", "valueFormatter": PCT},
    {"field": "deals", "headerName": "Deals"},
    {"field": "close_date", "headerName": "Close date"},
]


def read(data: bytes):
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return sheet, [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_header_names_in_grid_order_then_one_row_per_record():
    rows = [{"deals": 3, "name": "Acme", "amount": 1234.5, "share": 0.25,
             "close_date": "2026-08-14", "hidden_id": "A1"}]
    sheet, values = read(workbook_bytes(rows, COLUMNS, "T01-accounts"))
    assert sheet.title == "T01-accounts"
    assert values[0] == ["Account", "Amount", "Share", "Deals", "Close date"]
    # fields not in the grid's columns (hidden_id) are not exported
    assert values[1] == ["Acme", 1234.5, 0.25, 3, dt.datetime(2026, 8, 14)]


def test_numbers_stay_numbers_with_the_grid_display_format():
    rows = [{"name": "Acme", "amount": 1234.5, "share": 0.25, "deals": 3,
             "close_date": "2026-08-14"}]
    sheet, _ = read(workbook_bytes(rows, COLUMNS))
    amount, share, deals, close = sheet["B2"], sheet["C2"], sheet["D2"], sheet["E2"]
    assert amount.data_type == "n" and amount.number_format == '"$"#,##0'
    assert share.data_type == "n" and share.number_format == "0%"
    assert deals.data_type == "n" and isinstance(deals.value, int)
    assert close.is_date and close.number_format == "yyyy-mm-dd"


def test_text_that_would_run_as_a_formula_gets_a_leading_quote():
    rows = [{"name": n} for n in ("=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)",
                                  "'=already quoted", "Plain", "Mid=dle")]
    sheet, values = read(workbook_bytes(rows, [{"field": "name", "headerName": "Account"}]))
    assert [v[0] for v in values[1:]] == [
        "'=HYPERLINK(\"http://x\")", "'+1", "'-2+3", "'@SUM(A1)", "''=already quoted",
        "Plain", "Mid=dle"]
    # stored as text, never as a formula
    assert all(cell.data_type == "s" for cell in sheet["A"][1:])


def test_missing_values_are_empty_cells_and_negative_numbers_stay_numbers():
    rows = [{"name": None, "amount": float("nan"), "share": -0.125, "deals": None}]
    _, values = read(workbook_bytes(rows, COLUMNS))
    assert values[1] == [None, None, -0.125, None, None]


def test_garbage_from_a_tampered_request_gives_an_empty_table_not_an_error():
    _, values = read(workbook_bytes("T01", "T01"))
    assert values == [[]] or values == []
    _, values = read(workbook_bytes([1, "x", {"name": "ok\x00"}], [{"field": "name"}, 7]))
    assert values == [["name"], ["ok"]]


def test_column_groups_are_flattened_and_hidden_columns_skipped():
    defs = [{"headerName": "Who", "children": [{"field": "a", "headerName": "A"},
                                               {"field": "b", "hide": True}]},
            {"field": "c"}]
    assert [c[:2] for c in columns_of(defs)] == [("a", "A"), ("c", "c")]


def test_sheet_titles_excel_accepts():
    assert sheet_title("a/b:c*d?[e]") == "a b c d  e"
    assert len(sheet_title("x" * 50)) == 31
    assert sheet_title("") == "Export"


def test_grid_formatters_of_the_request_language_become_excel_formats():
    from dashboard.i18n import translation
    from dashboard.views.xlsx import number_format
    from layouts import grid_format

    with translation.use("en", "USD"):
        assert number_format(grid_format.money()) == '"$"#,##0'
        assert number_format(grid_format.percent(1, signed=True)) == "+0.0%;-0.0%;0.0%"
        assert number_format(grid_format.number(1, suffix="×")) == '#,##0.0"×"'
    with translation.use("fr", "EUR"):
        # the euro after the amount, as a French grid shows it; headers come translated
        assert number_format(grid_format.money_compact()) == '#,##0"\u00a0€"'
        assert number_format(grid_format.percent(0)) == "0%"
        book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(
            [{"amount": 1234.5}],
            [{"field": "amount", "headerName": translation._("Amount"),
              "valueFormatter": grid_format.money()}])))
        sheet = book.active
        assert sheet.title == "Export"
        assert sheet["A1"].value == "Montant"
        assert sheet["A2"].number_format == '#,##0"\u00a0€"'
