"""Exports and empty states over HTTP: the XLSX export only re-formats the
rows the browser sent, and an empty store tells people what to do."""

from __future__ import annotations

import base64
import io
import json

import openpyxl

from dashboard.access import users
from layouts import ids
from tests.dash_http import post_callback, sign_in


def test_the_xlsx_export_writes_exactly_the_rows_it_was_sent(demo_app):
    client = sign_in(demo_app.server.test_client(), "r046")
    rows = [{"name": "=cmd|' /C calc'!A0", "segment": "SMB", "t12_bookings": 1500,
             "cumulative_share": 0.5}]
    columns = [{"field": "name", "headerName": "Account"},
               {"field": "t12_bookings", "headerName": "T12 bookings"}]
    status, body = post_callback(client, demo_app, (ids.SCORECARD_TOP_DOWNLOAD, "data"), {
        f"{ids.SCORECARD_TOP_XLSX}.n_clicks": 1,
        f"{ids.SCORECARD_TOP}.virtualRowData": None,
        f"{ids.SCORECARD_TOP}.rowData": rows,
        f"{ids.SCORECARD_TOP}.columnDefs": columns,
        f"{ids.SCORECARD_TOP}.csvExportParams": {"fileName": "R046-top-accounts.csv"},
    })
    assert status == 200
    data = body["response"][ids.SCORECARD_TOP_DOWNLOAD]["data"]
    assert data["filename"] == "R046-top-accounts.xlsx" and data["base64"]
    sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(data["content"]))).active
    assert [[c.value for c in r] for r in sheet.iter_rows()] == [
        ["Account", "T12 bookings"], ["'=cmd|' /C calc'!A0", 1500]]


def test_an_empty_store_says_to_import_the_accounts(empty_settings):
    from app import create_app

    app = create_app(empty_settings)
    engine = app.server.extensions["territory_service"].engine
    users.add_user(engine, "boss", "a-long-password-1", "leader")
    client = sign_in(app.server.test_client(), "boss", "a-long-password-1")
    for path in ("/", "/attainment", "/underperformers"):
        status, body = post_callback(client, app, (ids.PAGE, "children"),
                                     {f"{ids.URL}.pathname": path, f"{ids.URL}.search": ""})
        text = json.dumps(body)
        assert status == 200 and "No data yet" in text and "Import page" in text, path
    status, body = post_callback(client, app, (ids.PAGE, "children"),
                                 {f"{ids.URL}.pathname": "/import", f"{ids.URL}.search": ""})
    assert status == 200 and "No data yet" not in json.dumps(body)
