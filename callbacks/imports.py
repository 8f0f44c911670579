"""Import page: uploaded files go through the same import as the CLI."""

from __future__ import annotations

import base64

import dash
from dash import Input, Output, State

from callbacks import guard, import_mapping
from callbacks.limits import UPLOAD_FILE_LIMIT
from dashboard.ingest.mapping_page import is_native
from dashboard.ingest.service import import_files
from dashboard.runtime.service import DataService
from layouts import ids
from layouts import imports as layout


def render(service: DataService, selection) -> object:
    return layout.import_page(UPLOAD_FILE_LIMIT)


def decode_upload(contents: str) -> bytes:
    """dcc.Upload gives ``data:<mime>;base64,<payload>``."""
    _header, _comma, payload = contents.partition(",")
    return base64.b64decode(payload)


def register(app: dash.Dash, service: DataService) -> None:
    @app.callback(
        Output(ids.IMPORT_RESULT, "children"),
        Output(ids.IMPORT_MAP, "children"),
        Output(ids.IMPORT_MAP_TOKEN, "data"),
        Input(ids.IMPORT_UPLOAD, "contents"),
        State(ids.IMPORT_UPLOAD, "filename"),
        State(ids.IMPORT_MAP_TOKEN, "data"),
        prevent_initial_call=True,
    )
    @guard.level("leader")
    def run_import(contents, filenames, previous):
        """Fires on upload. Files named after their tables import at once
        (every problem, or what was loaded); any other layout opens the
        mapping step, its files kept server-side under a token.

        Problems are worded while this request speaks the user's language:
        the reasons when they are found, the place ("row", "column") here."""
        if not contents or not isinstance(filenames, list):
            return dash.no_update, dash.no_update, dash.no_update
        files = [(str(name), decode_upload(c))
                 for name, c in zip(filenames, contents, strict=True)]
        import_mapping.forget(service, previous)
        if not is_native([name for name, _data in files]):
            step, token = import_mapping.start(service, files)
            return None, step, token
        result = import_files(service.engine, files, actor="web",
                              stage_probabilities=service.settings.stage_probabilities)
        return layout.import_report(
            result.ok, [str(p) for p in result.errors], [str(p) for p in result.warnings],
            result.rows, result.unchanged,
        ), None, None

    del run_import
    import_mapping.register(app, service)
