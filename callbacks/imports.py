"""Import page: uploaded files go through the same import as the CLI. They
are staged (``dashboard.ingest.staging``) and a background job
(``callbacks/import_job.py``, a progress bar and Cancel) imports files named
after their tables, or checks any other layout and opens the mapping step."""

from __future__ import annotations

import base64

import dash
from dash import Input, Output, State
from flask import current_app

from callbacks import guard, import_job, import_mapping
from callbacks.background import run_token
from callbacks.import_job import Cancelled, owner
from callbacks.limits import UPLOAD_FILE_LIMIT
from dashboard.access.rules import Viewer
from dashboard.i18n.translation import _
from dashboard.ingest import staging
from dashboard.ingest.mapping_page import is_native
from dashboard.ingest.service import import_files
from dashboard.runtime.service import DataService
from layouts import ids
from layouts import import_job as job_layout
from layouts import imports as layout

#: the run kind in a native import's run token (``callbacks.background.run_token``)
KIND = "upload-"


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
        """Fires on upload. The files are kept server-side under a token and the
        upload's job opens (its progress box: the job starts as it lands in
        the page); the mapping step of an earlier upload goes."""
        if not contents or not isinstance(filenames, list):
            return dash.no_update, dash.no_update, dash.no_update
        files = [(str(name), decode_upload(c))
                 for name, c in zip(filenames, contents, strict=True)]
        import_mapping.forget(service, previous)
        token = staging.stage(service.settings.instance_path, files, owner())
        signed = guard.viewer_token(current_app.config["SECRET_KEY"])
        return layout.import_job(token, signed), None, token

    def upload_job(viewer: Viewer, values: tuple, progress) -> tuple:
        """The upload's job: files named after their tables imported, all or
        nothing (every problem, or what was loaded; the files go either way,
        Cancel too: drop them again); any other layout checked (a dry run)
        and shown as the mapping step. Words in the viewer's language.
        Returns what the import did, and the mapping step."""
        data = values[0]
        token = _token(data)
        instance = service.settings.instance_path
        files = staging.load(instance, token, owner(viewer))
        if files is None:
            return layout.upload_again(), dash.no_update
        native = is_native([name for name, _data in files])
        try:
            if not native:
                return None, import_mapping.start(service, files, _field(data, "viewer"),
                                                  progress)
            result = import_files(service.engine, files, actor="web",
                                  stage_probabilities=service.settings.stage_probabilities,
                                  progress=progress)
        except Cancelled:
            staging.discard(instance, token, owner(viewer))
            return job_layout.cancelled(_("Drop the files again to import them.")), None
        staging.discard(instance, token, owner(viewer))
        return layout.import_report(
            result.ok, [str(p) for p in result.errors], [str(p) for p in result.warnings],
            result.rows, result.unchanged), dash.no_update

    import_job.register(app, service, import_job.ImportJob(
        box=job_layout.NATIVE,
        trigger=Input(ids.IMPORT_RUN, "data"), states=[],
        outputs=[Output(ids.IMPORT_RUN_RESULT, "children"),
                 Output(ids.IMPORT_MAP, "children", allow_duplicate=True)],
        running=[(Output(ids.IMPORT_RUN_RESULT, "style"), {"display": "none"},
                  {"display": "block"})],
        viewer_of=lambda values: _field(values[0], "viewer"),
        run_of=lambda values: run_token(_token(values[0]), 0, KIND),
        cancel_states=[State(ids.IMPORT_RUN, "data")],
        cancel_run_of=lambda values: run_token(_token(values[0]), 0, KIND),
        work=upload_job, gone=lambda: (layout.upload_again(), dash.no_update),
        idle=lambda values: _token(values[0]) is None,
        # it starts as the upload's answer puts its store in the page (an
        # initial call; "initial_duplicate": the mapping step is written here too)
        prevent_initial_call="initial_duplicate"))

    del run_import
    import_mapping.register(app, service)


def _field(data, name: str):
    return data.get(name) if isinstance(data, dict) else None


def _token(data) -> str | None:
    """The staged files' token a job's store holds (None: none, or garbled)."""
    token = _field(data, "token")
    return token if isinstance(token, str) and token else None
