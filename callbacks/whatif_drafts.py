"""A posted what-if history, held to the viewer's scope before anything is
built from it: the editor, its figures and the auto-balance job all take
their draft through here (the history is page data, so it may be forged)."""

from __future__ import annotations

from callbacks import scenarios_panel
from dashboard.runtime.scoped import ScopedData
from dashboard.views import whatif as view
from dashboard.whatif import changeset, scenarios


def check_scope(data: ScopedData, changes: changeset.Changes) -> None:
    """Refuse (ValueError with the words to show) a draft that names anything
    outside the viewer's scope, judged on every territory's frames by the
    rule saved scenarios follow: managers edit their own region only. The
    words name nothing (the draft may be forged to probe other regions); the
    log says what it named."""
    try:
        scenarios.check_draft(scenarios_panel.access(data), changes)
    except scenarios.ScenarioError as exc:
        raise ValueError(scenarios_panel.refused(exc)) from exc


def posted_changes(data: ScopedData, steps) -> changeset.Changes:
    """The changes of a posted history, once they are known to lie in the
    viewer's scope (else ValueError naming nothing foreign) and to fit the
    viewer's frames (else ValueError naming what no longer exists)."""
    changes = view.current_changes(steps)
    check_scope(data, changes)
    return view.check_fits(data.frames(), changes, data.geography().words)
