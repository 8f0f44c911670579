"""The import page's boundary file section (leaders only, as the page): the file is kept
server-side (``dashboard.ingest.staging``, the page holds its token) and read to offer its
properties; Check and Add run ``custom_layers.check_layer`` and ``add_layer``, the very
functions of ``territory-dashboard layers add``; "Use this layer for the data" runs
``custom_layers.use_layer``, that of ``units layer:NAME``. All or nothing: a refused file
stores nothing, and data with an account or alignment row outside the layer is not
written.

Check, Add and Use run as background jobs (``callbacks/background.py``): 30,000 units
take 16 s of CPU to check, 23 s to add, longer than a request should; Use places every
account and writes the data. The job has no session:
the upload's answer signs the viewer for it (``guard.viewer_token``), for the staged
file's owner and the page's language, and the job checks that this user is still an
active leader."""

from __future__ import annotations

from pathlib import PurePosixPath

import dash
from dash import Input, Output, State, ctx, no_update
from flask import current_app

from callbacks import guard
from callbacks.import_job import job_leader, owner
from callbacks.imports import decode_upload
from dashboard.i18n import translation
from dashboard.i18n.translation import N_, _
from dashboard.ingest import staging
from dashboard.layers.boundary_checks import ERROR, BoundaryLayer, suggested_properties
from dashboard.layers.boundary_files import BoundaryFileError, read_boundary_file
from dashboard.runtime import custom_layers
from dashboard.runtime.service import DataService
from dashboard.storage import store
from dashboard.storage.unit_layers import NAME_PATTERN
from layouts import ids
from layouts import import_layer as layout

#: what the section says when the staged file or the signed leader is gone (the page is stale)
GONE = N_("The boundary file is no longer here: upload it again.")


def _staged(service: DataService, token, viewer=None) -> tuple[str, bytes] | None:
    """The file the viewer (the request's when not given) uploaded under ``token``
    (None: none, or another's)."""
    files = staging.load(service.settings.instance_path, token, owner(viewer))
    return files[0] if files else None


def _field(data, name: str):
    return data.get(name) if isinstance(data, dict) else None


def _layer_name(file_name: str) -> str:
    """A layer name from the file's: its stem, every other character a ``_``."""
    stem = PurePosixPath(file_name).stem
    name = "".join(c if NAME_PATTERN.fullmatch(c) else "_" for c in stem)[:100]
    return name or "units"


def _report(result: BoundaryLayer, name: str, added: bool):
    errors = [str(p) for p in result.problems if p.severity == ERROR]
    warnings = [str(p) for p in result.problems if p.severity != ERROR]
    units = None if result.refused else len(result.layer)
    return layout.checked(units, name, errors, warnings, added)


def _check_or_add(service: DataService, viewer, adding: bool, staged, id_property,
                  optional: tuple, name):
    """Check (``adding`` False) or add the staged file's layer as ``name``; what it found,
    or why the form's choice cannot be taken."""
    if staged is None:
        return layout.refused(_(GONE))
    if not isinstance(id_property, str) or not id_property:
        return layout.refused(_("Pick the property that holds the unit ids."))
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        return layout.refused(_("A layer's name takes letters, digits, - and _ only."))
    file_name, content = staged
    arguments = (service.engine, name, file_name, content, id_property,
                 *[p if isinstance(p, str) and p else None for p in optional])
    result = (custom_layers.add_layer(*arguments, actor=f"web:{viewer.username}"[:100]) if adding
              else custom_layers.check_layer(*arguments))
    return _report(result, name, adding)


def _use(service: DataService, name: str):
    """``units layer:NAME``: what it did, or why nothing was written."""
    try:
        switched = custom_layers.use_layer(service.engine, name)
    except LookupError as error:
        return layout.switched(None, [str(error)])
    except store.StaleData:
        return layout.switched(None, [_(
            "the data changed meanwhile (an import or an applied scenario): try again")])
    return layout.switched(switched.done, switched.problems)


def register(app: dash.Dash, service: DataService) -> None:
    @app.callback(
        Output(ids.LAYER_FORM, "children"),
        Output(ids.LAYER_TOKEN, "data"),
        Input(ids.LAYER_UPLOAD, "contents"),
        State(ids.LAYER_UPLOAD, "filename"),
        State(ids.LAYER_TOKEN, "data"),
        prevent_initial_call=True,
    )
    @guard.level("leader")
    def read_upload(contents, file_name, previous):
        """Fires on upload. Keeps the file server-side and offers its properties for the
        units' id, name and parent (a new form: what an earlier file found goes); or
        says why it cannot be read. The store gets the file's token and the viewer
        signed for Check and Add."""
        if not isinstance(contents, str) or not isinstance(file_name, str):
            return no_update, no_update
        instance = service.settings.instance_path
        staging.discard(instance, _field(previous, "token"), owner())
        content = decode_upload(contents)
        try:
            source = read_boundary_file(file_name, content)
        except BoundaryFileError as error:
            return layout.unreadable(_("{file}: {reason}").format(
                file=file_name, reason=error)), None
        token = staging.stage(instance, [(file_name, content)], owner())
        signed = guard.viewer_token(current_app.config["SECRET_KEY"])
        return (layout.form(file_name, len(source.features), source.properties,
                            suggested_properties(source), _layer_name(file_name)),
                {"token": token, "viewer": signed})

    secret = app.server.config["SECRET_KEY"]

    @app.callback(
        Output(ids.LAYER_RESULT, "children"),
        Input(ids.LAYER_CHECK, "n_clicks"),
        Input(ids.LAYER_ADD, "n_clicks"),
        State(ids.LAYER_TOKEN, "data"),
        State(ids.LAYER_ID_PROPERTY, "value"),
        State(ids.LAYER_NAME_PROPERTY, "value"),
        State(ids.LAYER_PARENT_PROPERTY, "value"),
        State(ids.LAYER_NAME, "value"),
        background=True,
        running=[(Output(ids.LAYER_CHECK, "disabled"), True, False),
                 (Output(ids.LAYER_ADD, "disabled"), True, False),
                 (Output(ids.LAYER_RUNNING, "style"), {"display": "block"},
                  {"display": "none"})],
        prevent_initial_call=True,
    )
    @guard.level("leader")
    def check_or_add(checks, adds, data, id_property, name_property, parent_property,
                     name):
        """Fires on Check or Add layer; runs in the background. Runs the checks of
        ``layers add`` on the uploaded file with the properties picked (Add: and stores
        the layer unless refused); returns what they found."""
        if not checks and not adds:
            return no_update
        viewer = job_leader(service, secret, _field(data, "viewer"))
        if viewer is None:
            return layout.refused(_(GONE))
        with translation.use(viewer.language):
            return _check_or_add(service, viewer, ctx.triggered_id == ids.LAYER_ADD,
                                 _staged(service, _field(data, "token"), viewer),
                                 id_property, (name_property, parent_property), name)

    @app.callback(
        Output(ids.LAYER_USE_RESULT, "children"),
        Input(ids.LAYER_USE, "n_clicks"),
        State(ids.LAYER_ADDED, "data"),
        State(ids.LAYER_TOKEN, "data"),
        background=True,
        running=[(Output(ids.LAYER_USE, "disabled"), True, False)],
        prevent_initial_call=True,
    )
    @guard.level("leader")
    def use_layer(clicks, name, data):
        """Fires on "Use this layer for the data"; runs in the background (every account
        placed, the data written). Does what ``units layer:NAME`` does, all or nothing;
        returns what it did or why nothing was written."""
        if not clicks or not isinstance(name, str):
            return no_update
        viewer = job_leader(service, secret, _field(data, "viewer"))
        if viewer is None:
            return layout.refused(_(GONE))
        with translation.use(viewer.language):
            return _use(service, name)

    del read_upload, check_or_add, use_layer
