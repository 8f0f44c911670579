"""The import page's mapping step: files in another layout than DATA_FORMAT.md's
are kept server-side (``dashboard.ingest.staging``, the page holds their
token), their proposed mapping shown in grids, re-checked after each edit
(dry run: problems and the first rows as stored), and imported through the
same all-or-nothing path as every import (``dashboard.ingest.mapped_import``).

Import runs as a Dash background job (``callbacks/background.py``: a local
process, or a Celery worker in production): a big export takes most of a
minute, longer than a request should. The page shows its step and share of
the work; Cancel stops it at the next step before the write, never during it
(the write is one transaction: all or nothing either way). The job has no
session: the viewer comes signed in the step (``IMPORT_MAP_VIEWER``), for the
staged files' owner and the page's language."""

from __future__ import annotations

from datetime import date

import dash
from dash import Input, Output, State, html, no_update
from flask import current_app

from callbacks import guard
from callbacks.background import request_cancel, run_token, stopper
from dashboard.access import users
from dashboard.access.rules import Viewer
from dashboard.i18n import formatting, translation
from dashboard.ingest import first_run as first_run_rules
from dashboard.ingest import mapped_import, mapping_page, staging
from dashboard.runtime.service import DataService
from dashboard.storage import store
from layouts import first_run as first_run_layout
from layouts import ids
from layouts import import_mapping as layout
from layouts import imports as import_layout

#: the run kind in an import's run token (``callbacks.background.run_token``)
KIND = "import-"


class Cancelled(Exception):
    """Cancel was pressed: the import stops before its write."""


def _owner(viewer: Viewer | None = None) -> str:
    viewer = viewer or guard.viewer()
    return f"user:{viewer.user_id}" if viewer is not None else ""


def _check(service: DataService, files: list[tuple[str, bytes]],
           answers: mapped_import.Answers | None = None) -> mapped_import.MappedImport:
    return mapped_import.run(service.engine, files, answers, dry_run=True, actor="web",
                             stage_probabilities=service.settings.stage_probabilities)


def _checked_parts(outcome: mapped_import.MappedImport) -> tuple:
    ready = mapping_page.can_import(outcome)
    return (layout.problems(mapping_page.problem_rows(outcome.problems), ready),
            layout.preview(mapping_page.preview_tables(outcome)), ready)


def forget(service: DataService, token: object) -> None:
    """The files of an earlier mapping step, removed when another upload starts."""
    staging.discard(service.settings.instance_path, token, _owner())


def start(service: DataService, files: list[tuple[str, bytes]]) -> tuple[object, str]:
    """The mapping step for an upload: the files staged, their proposal shown."""
    token = staging.stage(service.settings.instance_path, files, _owner())
    outcome = _check(service, files)
    rows = mapping_page.grid_rows(outcome)
    problem_part, preview_part, ready = _checked_parts(outcome)
    step = layout.mapping_step(
        profile=outcome.profile_applied,
        files=layout.files_grid(rows.files, mapping_page.kind_labels()),
        columns=layout.columns_grid(rows.columns, list(mapping_page.FIELDS),
                                    mapping_page.order_labels()),
        stages=layout.stages_grid(rows.stages, mapping_page.status_labels()),
        problem_part=problem_part, preview_part=preview_part, ready=ready, as_of=outcome.as_of,
        signed_viewer=guard.viewer_token(current_app.config["SECRET_KEY"]))
    return step, token


def reporter(set_progress, should_stop):
    """``mapped_import.run``'s progress hook: the step and its share on the page's
    bar (Cancel disabled from the write on); raises :class:`Cancelled` at a step
    before the write once Cancel was pressed, so nothing is written."""
    def told(step: str, share: float) -> None:
        # the last look is as the write starts: nothing is written yet
        if step != mapped_import.DONE and should_stop is not None and should_stop():
            raise Cancelled
        writing = step in (mapped_import.WRITING, mapped_import.DONE)
        set_progress((round(share * 100), formatting.percent(share),
                      layout.step_label(step), writing))
    return told


def run_import(service: DataService, viewer: Viewer, token, files, columns, stages, profile,
               as_of, progress) -> tuple:
    """The job's work: the staged files imported with the edited mapping, all or
    nothing. Returns (what the import did, whether Import stays disabled)."""
    instance = service.settings.instance_path
    staged = staging.load(instance, token, _owner(viewer))
    if staged is None:
        return _gone(), True
    name = profile.strip()[:100] if isinstance(profile, str) and profile.strip() else None
    answers = mapped_import.Answers(
        profile=name, edited=mapping_page.edited(files, columns, stages),
        as_of=_picked_day(as_of))
    try:
        outcome = mapped_import.run(service.engine, staged, answers, actor="web",
                                    stage_probabilities=service.settings.stage_probabilities,
                                    progress=progress)
    except Cancelled:
        return layout.cancelled(), False
    errors = [str(p) for p in outcome.problems if p.severity == "error"]
    warnings = [str(p) for p in outcome.problems if p.severity != "error"]
    result = outcome.result
    if outcome.ok:
        staging.discard(instance, token, _owner(viewer))
    report = import_layout.import_report(
        outcome.ok, errors, warnings, result.rows if result else {},
        bool(result and result.unchanged), saved_profile=name if outcome.ok else None)
    if outcome.ok and _plan_needed(service):  # accounts and deals only
        report = html.Div([report, first_run_layout.next_step_link()])
    return report, outcome.ok


def register(app: dash.Dash, service: DataService) -> None:
    instance = service.settings.instance_path
    secret = app.server.config["SECRET_KEY"]

    @app.callback(
        Output(ids.IMPORT_MAP_COLUMNS, "rowData"),
        Output(ids.IMPORT_MAP_STAGES, "rowData"),
        Output(ids.IMPORT_MAP_PROBLEMS, "children"),
        Output(ids.IMPORT_MAP_PREVIEW, "children"),
        Output(ids.IMPORT_MAP_CONFIRM, "disabled"),
        Input(ids.IMPORT_MAP_FILES, "cellValueChanged"),
        Input(ids.IMPORT_MAP_COLUMNS, "cellValueChanged"),
        Input(ids.IMPORT_MAP_STAGES, "cellValueChanged"),
        State(ids.IMPORT_MAP_TOKEN, "data"),
        State(ids.IMPORT_MAP_FILES, "rowData"),
        State(ids.IMPORT_MAP_COLUMNS, "rowData"),
        State(ids.IMPORT_MAP_STAGES, "rowData"),
        prevent_initial_call=True,
    )
    @guard.level("leader")
    def remap(_files_edit, _columns_edit, _stages_edit, token, files, columns, stages):
        """Fires on each edit of the mapping: checked again, nothing written."""
        staged = staging.load(instance, token, _owner())
        if staged is None:
            return (no_update, no_update, _gone(), "", True)
        answers = mapped_import.Answers(edited=mapping_page.edited(files, columns, stages))
        outcome = _check(service, staged, answers)
        rows = mapping_page.grid_rows(outcome)
        problem_part, preview_part, ready = _checked_parts(outcome)
        return rows.columns, rows.stages, problem_part, preview_part, not ready

    @app.callback(
        Output(ids.IMPORT_MAP_RESULT, "children"),
        Output(ids.IMPORT_MAP_CONFIRM, "disabled", allow_duplicate=True),
        Input(ids.IMPORT_MAP_CONFIRM, "n_clicks"),
        State(ids.IMPORT_MAP_TOKEN, "data"),
        State(ids.IMPORT_MAP_FILES, "rowData"),
        State(ids.IMPORT_MAP_COLUMNS, "rowData"),
        State(ids.IMPORT_MAP_STAGES, "rowData"),
        State(ids.IMPORT_MAP_PROFILE, "value"),
        State(ids.IMPORT_MAP_AS_OF, "date"),
        State(ids.IMPORT_MAP_VIEWER, "data"),
        background=True,
        running=[(Output(ids.IMPORT_MAP_CONFIRM, "disabled"), True, False),
                 (Output(ids.IMPORT_MAP_RUNNING, "style"), {"display": "block"},
                  {"display": "none"}),
                 (Output(ids.IMPORT_MAP_RESULT, "style"), {"display": "none"},
                  {"display": "block"})],
        progress=[Output(ids.IMPORT_MAP_PROGRESS, "value"),
                  Output(ids.IMPORT_MAP_PROGRESS, "label"),
                  Output(ids.IMPORT_MAP_STEP, "children"),
                  Output(ids.IMPORT_MAP_CANCEL, "disabled")],
        progress_default=[0, "", "", True],
        prevent_initial_call=True,
    )
    @guard.level("leader")
    def confirm(set_progress, clicks, token, files, columns, stages, profile, as_of,
                signed_viewer):
        """Fires on Import; imports the mapped files in the background, all or
        nothing, the bar showing each step. Returns what the import did and
        whether Import stays disabled (it does once the files are imported)."""
        if not clicks:
            return no_update, no_update
        # the job runs in a process forked from the web server's: its pooled
        # connections are the parent's and must not be used here (SQLAlchemy's
        # "Using Connection Pools with Multiprocessing")
        service.engine.dispose(close=False)
        viewer = guard.viewer_from_token(secret, signed_viewer)
        if not _still_leader(service, viewer):
            return _gone(), True  # forged, expired, or no longer a leader: the page is stale
        progress = reporter(set_progress, stopper(service, run_token(token, clicks, KIND)))
        with translation.use(viewer.language):
            return run_import(service, viewer, token, files, columns, stages, profile, as_of,
                              progress)

    @app.callback(
        Output(ids.IMPORT_MAP_CANCEL, "disabled", allow_duplicate=True),
        Input(ids.IMPORT_MAP_CANCEL, "n_clicks"),
        State(ids.IMPORT_MAP_TOKEN, "data"),
        State(ids.IMPORT_MAP_CONFIRM, "n_clicks"),
        prevent_initial_call=True,
    )
    @guard.level("leader")
    def cancel(_clicks, token, confirm_clicks):
        """Fires on Cancel; flags the running import (this upload's latest Import)
        to stop at its next step before the write."""
        return True if request_cancel(service, run_token(token, confirm_clicks, KIND)) \
            else no_update

    del remap, confirm, cancel


def _plan_needed(service: DataService) -> bool:
    """Whether the data just imported needs the first-run path, from the stored
    rows' counts: the job builds no frames (the web server builds its own)."""
    counts = store.row_counts(service.engine, ("accounts", "territories", "reps", "quotas"))
    return first_run_rules.checklist(**counts).needed


def _still_leader(service: DataService, viewer: Viewer | None) -> bool:
    """Whether the viewer the page signed is still an active leader (the
    request hook checked the session's role; the job checks the signed one)."""
    if viewer is None:
        return False
    current = users.viewer_by_id(service.engine, viewer.user_id)
    return current is not None and current.is_leader


def _picked_day(value) -> date | None:
    """A date picker's value as a day (None: not shown, cleared or garbled)."""
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


def _gone():
    return import_layout.upload_again()

