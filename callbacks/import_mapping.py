"""The import page's mapping step: files in another layout than DATA_FORMAT.md's
are kept server-side (``dashboard.ingest.staging``, the page holds their
token), their proposed mapping shown in grids, re-checked after each edit
(dry run: problems and the first rows as stored), and imported through the
same all-or-nothing path as every import (``dashboard.ingest.mapped_import``).

Import and the re-check after an edit run as one background job
(``callbacks/import_job.py``, shared with the import of files named after
their tables): its step and share on a progress bar, Cancel before the write.
The viewer comes signed in the step (``IMPORT_MAP_VIEWER``), for the staged
files' owner and the page's language."""

from __future__ import annotations

from datetime import date

import dash
from dash import Input, Output, State, html, no_update

from callbacks import import_job
from callbacks.background import run_token
from callbacks.import_job import Cancelled, owner
from dashboard.access.rules import Viewer
from dashboard.i18n.translation import _
from dashboard.ingest import first_run as first_run_rules
from dashboard.ingest import mapped_import, mapping_page, staging
from dashboard.ingest import service as import_service
from dashboard.ingest.mapping import OwnUnits
from dashboard.runtime.service import DataService
from dashboard.runtime.units import own_units
from dashboard.storage import store
from layouts import first_run as first_run_layout
from layouts import ids
from layouts import import_job as job_layout
from layouts import import_mapping as layout
from layouts import imports as import_layout

#: the run kind in an import's run token (``callbacks.background.run_token``)
KIND = "import-"


def _check(service: DataService, files: list[tuple[str, bytes]],
           answers: mapped_import.Answers | None = None,
           progress=None, units: OwnUnits | None = None) -> mapped_import.MappedImport:
    return mapped_import.run(service.engine, files, answers, dry_run=True, actor="web",
                             stage_probabilities=service.settings.stage_probabilities,
                             progress=progress, units=units or own_units(service.engine))


def _checked_parts(outcome: mapped_import.MappedImport) -> tuple:
    ready = mapping_page.can_import(outcome)
    return (layout.problems(mapping_page.problem_rows(outcome.problems), ready),
            layout.preview(mapping_page.preview_tables(outcome)), ready)


def forget(service: DataService, token: object) -> None:
    """The files of an earlier mapping step, removed when another upload starts."""
    staging.discard(service.settings.instance_path, token, owner())


def start(service: DataService, files: list[tuple[str, bytes]], signed_viewer: str,
          progress=None) -> object:
    """The mapping step for staged files: their proposal checked (a dry run,
    ``progress`` told its steps: the upload's background job) and shown.
    ``signed_viewer``: the viewer signed for the import's own job."""
    share = _dry_run_share(progress)
    units = own_units(service.engine)
    outcome = _check(service, files, progress=share, units=units)
    if share is not None:  # a last look as the check ends, as in recheck
        share(import_service.BUILDING, mapped_import.WRITE_SHARE)
    rows = mapping_page.grid_rows(outcome)
    problem_part, preview_part, ready = _checked_parts(outcome)
    return layout.mapping_step(
        profile=outcome.profile_applied,
        files=layout.files_grid(rows.files, mapping_page.kind_labels(units is not None)),
        columns=layout.columns_grid(rows.columns, list(mapping_page.FIELDS),
                                    mapping_page.order_labels()),
        stages=layout.stages_grid(rows.stages, mapping_page.status_labels()),
        problem_part=problem_part, preview_part=preview_part, ready=ready, as_of=outcome.as_of,
        signed_viewer=signed_viewer)


def _dry_run_share(progress):
    """A dry run's progress on its own bar: a whole import's shares up to its
    write (where a dry run ends) spread over the whole bar."""
    if progress is None:
        return None
    return lambda step, share: progress(step, share / mapped_import.WRITE_SHARE)


def run_import(service: DataService, viewer: Viewer, token, files, columns, stages, profile,
               as_of, progress) -> tuple:
    """The job's work: the staged files imported with the edited mapping, all or
    nothing. Returns (what the import did, whether Import stays disabled)."""
    instance = service.settings.instance_path
    staged = staging.load(instance, token, owner(viewer))
    if staged is None:
        return _gone(), True
    name = profile.strip()[:100] if isinstance(profile, str) and profile.strip() else None
    answers = mapped_import.Answers(
        profile=name, edited=mapping_page.edited(files, columns, stages),
        as_of=_picked_day(as_of))
    try:
        outcome = mapped_import.run(service.engine, staged, answers, actor="web",
                                    stage_probabilities=service.settings.stage_probabilities,
                                    progress=progress, units=own_units(service.engine))
    except Cancelled:
        return job_layout.cancelled(_("Press Import to start again.")), False
    errors = [str(p) for p in outcome.problems if p.severity == "error"]
    warnings = [str(p) for p in outcome.problems if p.severity != "error"]
    result = outcome.result
    if outcome.ok:
        staging.discard(instance, token, owner(viewer))
    report = import_layout.import_report(
        outcome.ok, errors, warnings, result.rows if result else {},
        bool(result and result.unchanged), saved_profile=name if outcome.ok else None)
    if outcome.ok and _plan_needed(service):  # accounts and deals only
        report = html.Div([report, first_run_layout.next_step_link()])
    return report, outcome.ok


def recheck(service: DataService, viewer: Viewer, token, files, columns, stages,
            progress) -> tuple:
    """The job's work after a grid edit: the staged files checked again with
    the edited mapping (a dry run). Returns the job's outputs: no note, whether
    Import is disabled, the grids' rows, the problems and the first rows."""
    staged = staging.load(service.settings.instance_path, token, owner(viewer))
    if staged is None:
        return _gone(), True, no_update, no_update, "", ""
    answers = mapped_import.Answers(edited=mapping_page.edited(files, columns, stages))
    share = _dry_run_share(progress)
    try:
        outcome = _check(service, staged, answers, progress=share)
        # a last look as the check ends (a dry run has no write step to look
        # at): a Cancel pressed while the tables were built is honoured
        share(import_service.BUILDING, mapped_import.WRITE_SHARE)
    except Cancelled:
        # Import checks everything again before it writes: it stays as it was
        return layout.check_cancelled(), *(no_update,) * 5
    rows = mapping_page.grid_rows(outcome)
    problem_part, preview_part, ready = _checked_parts(outcome)
    return None, not ready, rows.columns, rows.stages, problem_part, preview_part


def register(app: dash.Dash, service: DataService) -> None:

    def confirm(viewer: Viewer, values: tuple, progress) -> tuple:
        """Import pressed: the mapped files imported, all or nothing (what the
        import did and whether Import stays disabled: it does once the files
        are imported). A grid edited: the mapping checked again, nothing
        written (the grids, problems and first rows anew)."""
        _clicks, *_edits, token, files, columns, stages, profile, as_of, _signed = values
        if dash.ctx.triggered_id != ids.IMPORT_MAP_CONFIRM:
            return recheck(service, viewer, token, files, columns, stages, progress)
        return (*run_import(service, viewer, token, files, columns, stages, profile, as_of,
                            progress), *(no_update,) * 4)

    import_job.register(app, service, import_job.ImportJob(
        box=job_layout.MAPPED,
        trigger=Input(ids.IMPORT_MAP_CONFIRM, "n_clicks"),
        more_triggers=[Input(ids.IMPORT_MAP_FILES, "cellValueChanged"),
                       Input(ids.IMPORT_MAP_COLUMNS, "cellValueChanged"),
                       Input(ids.IMPORT_MAP_STAGES, "cellValueChanged")],
        states=[State(ids.IMPORT_MAP_TOKEN, "data"), State(ids.IMPORT_MAP_FILES, "rowData"),
                State(ids.IMPORT_MAP_COLUMNS, "rowData"), State(ids.IMPORT_MAP_STAGES, "rowData"),
                State(ids.IMPORT_MAP_PROFILE, "value"), State(ids.IMPORT_MAP_AS_OF, "date"),
                State(ids.IMPORT_MAP_VIEWER, "data")],
        outputs=[Output(ids.IMPORT_MAP_RESULT, "children"),
                 Output(ids.IMPORT_MAP_CONFIRM, "disabled", allow_duplicate=True),
                 Output(ids.IMPORT_MAP_COLUMNS, "rowData"),
                 Output(ids.IMPORT_MAP_STAGES, "rowData"),
                 Output(ids.IMPORT_MAP_PROBLEMS, "children"),
                 Output(ids.IMPORT_MAP_PREVIEW, "children")],
        running=[(Output(ids.IMPORT_MAP_CONFIRM, "disabled"), True, False),
                 (Output(ids.IMPORT_MAP_RESULT, "style"), {"display": "none"},
                  {"display": "block"})],
        viewer_of=lambda values: values[-1],
        # a re-check runs under the last Import's name (0 before any)
        run_of=lambda values: run_token(values[4], values[0] or 0, KIND),
        cancel_states=[State(ids.IMPORT_MAP_TOKEN, "data"),
                       State(ids.IMPORT_MAP_CONFIRM, "n_clicks")],
        cancel_run_of=lambda values: run_token(values[0], values[1] or 0, KIND),
        work=confirm, gone=lambda: (_gone(), True, *(no_update,) * 4),
        idle=lambda values: not any(values[:4])))


def _plan_needed(service: DataService) -> bool:
    """Whether the data just imported needs the first-run path, from the stored
    rows' counts: the job builds no frames (the web server builds its own)."""
    counts = store.row_counts(service.engine, ("accounts", "territories", "reps", "quotas"))
    return first_run_rules.checklist(**counts).needed


def _picked_day(value) -> date | None:
    """A date picker's value as a day (None: not shown, cleared or garbled)."""
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


def _gone():
    return import_layout.upload_again()

