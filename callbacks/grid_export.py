"""The "Export CSV" and "Export XLSX" buttons every grid has: one
registration instead of a copy of the same callbacks in each view."""

from __future__ import annotations

import re

import dash
from dash import Input, Output, State, dcc

from callbacks import guard
from dashboard.views.xlsx import workbook_bytes
from layouts import ids

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,80}")


def register_csv_export(app: dash.Dash, button_id: str, grid_id: str) -> None:
    """A click on ``button_id`` asks AG Grid ``grid_id`` to download its rows
    (as shown: sorted and filtered) as CSV, in the browser. When
    ``ids.XLSX_EXPORTS`` gives the button an XLSX twin, that one is
    registered too, so every call site gets both formats."""

    @app.callback(Output(grid_id, "exportDataAsCsv"), Input(button_id, "n_clicks"),
                  prevent_initial_call=True)
    @guard.level("any")
    def export_csv(_clicks):
        """Fires on the button; returns True, which starts the grid's download."""
        return True

    del export_csv
    if button_id in ids.XLSX_EXPORTS:
        xlsx_button, download = ids.XLSX_EXPORTS[button_id]
        register_xlsx_export(app, xlsx_button, grid_id, download)


def xlsx_file_name(csv_params: object) -> str:
    """The grid's CSV file name with ``.xlsx``; a plain default for anything
    that is not a simple file name."""
    name = csv_params.get("fileName") if isinstance(csv_params, dict) else None
    if not isinstance(name, str) or not _SAFE_NAME.fullmatch(name):
        return "export.xlsx"
    return name.removesuffix(".csv") + ".xlsx"


def register_xlsx_export(app: dash.Dash, button_id: str, grid_id: str, download_id: str) -> None:
    """A click on ``button_id`` sends back the rows grid ``grid_id`` holds (as
    shown: sorted and filtered, when the grid has reported that) and returns
    them as an XLSX download. Nothing is read from the store: the file holds
    what the browser already has, so any signed-in viewer may call it."""

    @app.callback(Output(download_id, "data"), Input(button_id, "n_clicks"),
                  State(grid_id, "virtualRowData"), State(grid_id, "rowData"),
                  State(grid_id, "columnDefs"), State(grid_id, "csvExportParams"),
                  prevent_initial_call=True)
    @guard.level("any")
    def export_xlsx(_clicks, shown_rows, all_rows, columns, csv_params):
        """Fires on the button; returns the workbook for dcc.Download."""
        rows = shown_rows if isinstance(shown_rows, list) else all_rows
        name = xlsx_file_name(csv_params)
        data = workbook_bytes(rows, columns, title=name.removesuffix(".xlsx"))
        return dcc.send_bytes(data, name)

    del export_xlsx
