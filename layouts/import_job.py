"""An import running as a background job, as the import page shows it (no
data access; driven by callbacks/import_job.py): its step and share on a
progress bar with Cancel, shown only while it runs, and what a cancelled
import did. The same box serves the mapping step's Import and the import of
files named after their tables."""

from __future__ import annotations

from typing import NamedTuple

import dash_bootstrap_components as dbc
from dash import html

from dashboard.i18n.translation import N_, _
from layouts import ids


class JobBox(NamedTuple):
    """The ids of one progress box: the box, its step, its bar, its Cancel."""

    running: str
    step: str
    progress: str
    cancel: str


#: the mapping step's Import, and the import of files named after their tables
MAPPED = JobBox(ids.IMPORT_MAP_RUNNING, ids.IMPORT_MAP_STEP, ids.IMPORT_MAP_PROGRESS,
                ids.IMPORT_MAP_CANCEL)
NATIVE = JobBox(ids.IMPORT_RUN_RUNNING, ids.IMPORT_RUN_STEP, ids.IMPORT_RUN_PROGRESS,
                ids.IMPORT_RUN_CANCEL)

#: each step of an import as its progress bar names it (the steps of
#: ``dashboard.ingest.service``)
_STEP_LABELS = {
    "reading": N_("Reading the files…"),
    "mapping": N_("Mapping the columns…"),
    "building": N_("Building the tables…"),
    "writing": N_("Checking and writing the data (this cannot be cancelled)…"),
    "done": N_("Done."),
}


def step_label(step: str) -> str:
    """The words the progress bar shows for a step of the import."""
    label = _STEP_LABELS.get(step)
    return _(label) if label else step


def progress_box(box: JobBox) -> html.Div:
    """The running import's step, its share of the work and Cancel; shown only
    while the import runs (its ``style`` is set by the job's callback)."""
    return html.Div([
        html.Div([
            html.Span(id=box.step, className="small", role="status"),
            dbc.Button(_("Cancel"), id=box.cancel, color="secondary", outline=True,
                       size="sm", disabled=True, className="ms-auto"),
        ], className="d-flex align-items-center gap-2 mb-1"),
        dbc.Progress(id=box.progress, value=0, label="", striped=True,
                     animated=True, className="im-progress"),
    ], id=box.running, className="mt-3", style={"display": "none"})


def cancelled(again: str) -> dbc.Alert:
    """What a cancelled import did: nothing. ``again``: how to start it again."""
    return dbc.Alert(" ".join((_("Import cancelled before the data was written: nothing "
                                 "was imported."), again)), color="info")
