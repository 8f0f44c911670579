"""An import as a Dash background job (``callbacks/background.py``: a local
process, or a Celery worker in production), the one way the import page runs
one: the mapping step's Import (and its check again after a grid edit, the
same job) and the upload's job. A big file takes longer than a request should.

The page shows the job's step and share of the work on a progress bar
(``layouts/import_job.py``) with the upload box and the job's button disabled;
Cancel stops it at the next step before the write, never during it (the write
is one transaction: all or nothing either way). The job has no session: the
page signs the viewer for it (``guard.viewer_token``), for the staged files'
owner and the page's language, and the job checks in the database that this
user is still an active leader."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import dash
from dash import Input, Output, State, no_update

from callbacks import guard
from callbacks.background import forget_cancel, request_cancel, stopper
from dashboard.access import users
from dashboard.access.rules import Viewer
from dashboard.i18n import formatting, translation
from dashboard.ingest import service as import_service
from dashboard.runtime.service import DataService
from layouts import ids
from layouts.import_job import JobBox, step_label


class Cancelled(Exception):
    """Cancel was pressed: the import stops before its write."""


@dataclass(frozen=True)
class ImportJob:
    """One kind of import job on the page. ``outputs`` get what the job
    returns; ``viewer_of`` and ``run_of`` read the signed viewer and the run's
    name (``background.run_token``) from the trigger's and states' values,
    ``cancel_run_of`` the run's name from ``cancel_states``' values; ``work``
    imports, told the viewer, those values and the progress hook; ``gone`` is
    the answer when the signed viewer is no active leader."""

    box: JobBox
    trigger: Input
    states: list[State]
    outputs: list[Output]
    viewer_of: Callable[[tuple], object]
    run_of: Callable[[tuple], str | None]
    cancel_states: list[State]
    cancel_run_of: Callable[[tuple], str | None]
    work: Callable[[Viewer, tuple, Callable[[str, float], None]], object]
    gone: Callable[[], object]
    #: more (output, while running, after) for the running job
    running: list[tuple] = field(default_factory=list)
    #: more inputs that start the job (after ``trigger`` in the values), such
    #: as the mapping grids' edits that start its re-check
    more_triggers: list[Input] = field(default_factory=list)
    #: values for which the trigger fired without a job to run (no click yet)
    idle: Callable[[tuple], bool] = lambda _values: False
    prevent_initial_call: bool | str = True


def owner(viewer: Viewer | None = None) -> str:
    """Whose staged files these are: the viewer's (the request's when not given)."""
    viewer = viewer or guard.viewer()
    return f"user:{viewer.user_id}" if viewer is not None else ""


def reporter(set_progress, should_stop) -> Callable[[str, float], None]:
    """An import's progress hook: the step and its share on the page's bar
    (Cancel disabled from the write on); raises :class:`Cancelled` at a step
    before the write once Cancel was pressed, so nothing is written."""
    def told(step: str, share: float) -> None:
        # the last look is as the write starts: nothing is written yet
        if step != import_service.DONE and should_stop is not None and should_stop():
            raise Cancelled
        writing = step in (import_service.WRITING, import_service.DONE)
        set_progress((round(share * 100), formatting.percent(share), step_label(step), writing))
    return told


def still_leader(service: DataService, viewer: Viewer | None) -> bool:
    """Whether the viewer the page signed is still an active leader (the
    request hook checked the session's role; the job checks the signed one)."""
    if viewer is None:
        return False
    current = users.viewer_by_id(service.engine, viewer.user_id)
    return current is not None and current.is_leader


def job_leader(service: DataService, secret: str, signed) -> Viewer | None:
    """A leader-only background job's viewer: the one the page signed (``signed``) while
    still an active leader, else None (forged, expired, or no longer a leader: the page
    is stale). The job runs in a process forked from the web server's, whose pooled
    connections are the parent's and must not be used here (SQLAlchemy's "Using
    Connection Pools with Multiprocessing"): they are dropped first."""
    service.engine.dispose(close=False)
    viewer = guard.viewer_from_token(secret, signed)
    return viewer if still_leader(service, viewer) else None


def register(app: dash.Dash, service: DataService, job: ImportJob) -> None:
    """The job's background callback and its Cancel."""
    secret = app.server.config["SECRET_KEY"]
    box = job.box
    single = len(job.outputs) == 1

    @app.callback(
        *job.outputs, job.trigger, *job.more_triggers, *job.states,
        background=True,
        running=[(Output(box.running, "style"), {"display": "block"}, {"display": "none"}),
                 (Output(ids.IMPORT_UPLOAD, "disabled"), True, False), *job.running],
        progress=[Output(box.progress, "value"), Output(box.progress, "label"),
                  Output(box.step, "children"), Output(box.cancel, "disabled")],
        progress_default=[0, "", "", True],
        prevent_initial_call=job.prevent_initial_call,
    )
    @guard.level("leader")
    def run_job(set_progress, *values):
        """Fires on the job's trigger; imports in the background, all or
        nothing, the bar showing each step. Returns what the import did."""
        if job.idle(values):
            return no_update if single else (no_update,) * len(job.outputs)
        viewer = job_leader(service, secret, job.viewer_of(values))
        if viewer is None:
            return job.gone()
        # a run may bear an earlier run's name (a re-check after a cancelled
        # one): that run's Cancel is not this one's (Cancel is disabled until
        # the first progress, after this)
        run = job.run_of(values)
        forget_cancel(service, run)
        # a look at each step: a few in a whole import
        progress = reporter(set_progress, stopper(service, run, every=0.0))
        with translation.use(viewer.language):
            return job.work(viewer, values, progress)

    @app.callback(
        Output(box.cancel, "disabled", allow_duplicate=True),
        Input(box.cancel, "n_clicks"), *job.cancel_states,
        prevent_initial_call=True,
    )
    @guard.level("leader")
    def cancel(_clicks, *values):
        """Fires on Cancel; flags the running import to stop at its next step
        before the write."""
        return True if request_cancel(service, job.cancel_run_of(values)) else no_update

    del run_job, cancel
