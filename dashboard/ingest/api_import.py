"""One import through the API (``POST /api/v1/imports``): the files of a
scheduled sync, read through the mapping step with a saved profile or the
recognised mapping (``auto``), and every check of the upload, all or nothing.

The answer is plain data for the web layer to send as JSON: what happened
(``imported``, ``unchanged``, ``refused`` or ``stale``), the mapping used,
the rows and data version, and every problem as file, row, column and reason,
in the language of the request. Posting the same files again finds the stored
data unchanged and writes nothing (the data version stays).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import Engine

from dashboard.i18n.translation import _, ngettext
from dashboard.ingest import mapped_import, mapping, profiles
from dashboard.ingest.checks import ERROR, Problem

#: the mapping name that means "the recognised one" (or the profile whose
#: headers match, which the mapping step applies by itself)
AUTO = "auto"
#: what happened
IMPORTED, UNCHANGED, REFUSED, STALE = "imported", "unchanged", "refused", "stale"


@dataclass
class ApiImport:
    status: str
    message: str
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    data_version: int | None = None
    profile: str | None = None
    mapping: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "status": self.status, "message": self.message,
            "data_version": self.data_version, "rows": self.rows,
            "mapping": {"profile": self.profile, **self.mapping},
            "problems": [problem_json(p) for p in self.problems],
        }


def problem_json(problem: Problem) -> dict:
    return {"file": problem.file, "row": problem.row, "column": problem.column,
            "reason": problem.reason, "severity": problem.severity}


def _refused(problems: list[Problem], **extra) -> ApiImport:
    errors = sum(p.severity == ERROR for p in problems)
    return ApiImport(REFUSED, ngettext("Nothing was imported: {count} problem to fix.",
                                       "Nothing was imported: {count} problems to fix.",
                                       errors).format(count=errors), problems, **extra)


def run(engine: Engine, files: list[tuple[str, bytes]], mapping_name: str, actor: str,
        stage_probabilities: Mapping[str, float] | None = None,
        units: mapping.OwnUnits | None = None) -> ApiImport:
    """Import ``files`` (name, content) through the mapping ``mapping_name``:
    a saved profile's name, or ``auto``; ``units``: the layer of one's own the
    data runs on (``mapped_import.run``)."""
    mapping_name = (mapping_name or AUTO).strip()
    if not files:
        return _refused([Problem(_("(import)"), None, None, _("no files to import"))])
    profile = None if mapping_name == AUTO else mapping_name
    if profile is not None and profiles.load(engine, profile) is None:
        known = ", ".join(profiles.names(engine)) or _("none yet")
        return _refused([Problem(_("(import)"), None, None, _(
            "there is no mapping profile named {name} (saved profiles: {known}); send "
            "mapping=auto or a saved profile's name").format(name=profile, known=known))])
    outcome = mapped_import.run(engine, files, mapped_import.Answers(profile=profile),
                                actor=actor, stage_probabilities=stage_probabilities,
                                save_profile=False, units=units)
    used = {"files": [{"file": f.file, "kind": f.kind, "columns": f.columns}
                      for f in outcome.proposal.files],
            "stage_status": outcome.proposal.stage_status}
    extra = {"profile": outcome.profile_applied, "mapping": used}
    result = outcome.result
    if result is None or (result.errors and not result.stale):
        return _refused(outcome.problems, **extra)
    if result.stale:
        return ApiImport(STALE, _(
            "Another write changed the data while these files were being checked; nothing "
            "was imported: send them again."), outcome.problems, **extra)
    if result.unchanged:
        return ApiImport(UNCHANGED, _(
            "Nothing changed: the files hold the data already stored."), outcome.problems,
            result.rows, result.data_version, **extra)
    return ApiImport(IMPORTED, _("Imported."), outcome.problems, result.rows,
                     result.data_version, **extra)
