"""The "Export CSV" button every grid has: one registration instead of a
copy of the same callback in each view."""

from __future__ import annotations

import dash
from dash import Input, Output

from callbacks import guard


def register_csv_export(app: dash.Dash, button_id: str, grid_id: str) -> None:
    """A click on ``button_id`` asks AG Grid ``grid_id`` to download its rows
    (as shown: sorted and filtered) as CSV, in the browser."""

    @app.callback(Output(grid_id, "exportDataAsCsv"), Input(button_id, "n_clicks"),
                  prevent_initial_call=True)
    @guard.level("any")
    def export_csv(_clicks):
        """Fires on the button; returns True, which starts the grid's download."""
        return True

    del export_csv
