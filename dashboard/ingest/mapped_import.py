"""One import of CRM exports through the mapping step, start to finish: read
the files, propose a mapping (a saved profile's, when one is named or when one
was saved from files with the same headers), lay the user's answers over it,
build the tables, and import them through :func:`service.import_read`, all or
nothing, with every existing check. Shared by the CLI and, later, the page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import Engine

from dashboard.ingest import first_run, mapping, profiles
from dashboard.ingest.checks import Problem, has_errors
from dashboard.ingest.reading import read_cells
from dashboard.ingest.service import (
    BUILDING,
    DONE,
    MAPPING,
    READING,
    WRITING,
    ImportResult,
    Progress,
    import_read,
    no_progress,
)
from dashboard.storage import db, store, unit_layers

#: The steps of an import as :func:`run` reports them are ``service``'s
#: (READING … DONE); the shares told with them were measured on a
#: 1,000,000-line order export (benchmarks/import_big.py).
#: the share of an import's work done when it starts writing (where a dry run ends)
WRITE_SHARE = 0.6
__all__ = ["BUILDING", "DONE", "MAPPING", "READING", "WRITING", "Answers", "MappedImport",
           "Progress", "WRITE_SHARE", "run"]


@dataclass
class Answers:
    """What the user said on top of the proposal: date orders by header
    (every file), statuses by stage, and a profile to apply or save."""

    date_orders: dict[str, str] = field(default_factory=dict)
    stage_status: dict[str, str] = field(default_factory=dict)
    profile: str | None = None
    #: the whole mapping as the user edited it (the upload page's grids): used
    #: instead of a saved profile or the recognised one
    edited: mapping.Proposal | None = None
    #: the data's as-of date the user gave (None: the stored one, else the
    #: last activity in the files, :func:`first_run.last_activity`)
    as_of: date | None = None


@dataclass
class MappedImport:
    proposal: mapping.Proposal
    problems: list[Problem] = field(default_factory=list)
    preview: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: the profile applied (by name or because the headers matched), if any
    profile_applied: str | None = None
    result: ImportResult | None = None
    #: file -> header -> the first few distinct values (what the page shows
    #: beside each column), and file -> its number of rows
    samples: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    row_counts: dict[str, int] = field(default_factory=dict)
    #: the as-of date the import stores: the user's, else (when the data has
    #: none yet) the last activity in the files; None keeps the stored one
    as_of: date | None = None
    #: whether :attr:`as_of` is the last activity in the files (not the user's)
    as_of_from_data: bool = False

    @property
    def ok(self) -> bool:
        return self.result is not None and self.result.ok


def _with_answers(proposal: mapping.Proposal, answers: Answers) -> mapping.Proposal:
    for file in proposal.files:
        for header, order in answers.date_orders.items():
            if header in file.columns:
                file.date_orders[header] = order
    proposal.stage_status.update(answers.stage_status)
    return proposal


def _samples(frame: pd.DataFrame, count: int = 3) -> dict[str, list[str]]:
    head = frame.head(500)
    return {str(header): [v for v in pd.unique(head[header].astype(str).str.strip())
                          if v][:count] for header in head.columns}


def _choose_as_of(engine: Engine, built: mapping.Built, answers: Answers,
                  outcome: MappedImport) -> None:
    """The user's as-of date; else, for data without one, the last activity in
    the files (DATA_FORMAT.md's default, today, would put a past export's
    whole history outside the quarter shown)."""
    if answers.as_of is not None:
        outcome.as_of = answers.as_of
    elif store.dataset_as_of(engine) is None and "opportunities" in built.tables:
        outcome.as_of = first_run.last_activity(built.tables["opportunities"])
        outcome.as_of_from_data = outcome.as_of is not None


def run(engine: Engine, files: list[tuple[str, bytes]], answers: Answers | None = None,
        dry_run: bool = False, actor: str = "cli",
        stage_probabilities: Mapping[str, float] | None = None,
        save_profile: bool = True, progress: Progress | None = None,
        units: mapping.OwnUnits | None = None) -> MappedImport:
    """Propose, build and (unless ``dry_run`` or a problem stops it) import.
    ``save_profile=False`` applies ``answers.profile`` without saving it again
    (the import API and ``import --mapping PROFILE``). ``progress`` is told
    each step as it starts, with the share of the work done before it.
    ``units``: the layer of one's own the stored data runs on, which the caller
    loads (``dashboard.runtime.units.own_units``); required then, None on US data."""
    if units is None and unit_layers.layer_of(db.get_meta(engine, unit_layers.META_KEY)):
        # i18n: not shown (a programming error: every caller passes the layer)
        raise ValueError("the data runs on a layer of its own: pass its units")
    answers = answers or Answers()
    step = progress or no_progress
    frames, read_problems = {}, []
    step(READING, 0.0)
    for name, data in files:
        frame, found = read_cells(data, name)
        read_problems += found
        if not found:
            frames[name] = frame
    saved, applied = None, None
    if answers.profile and answers.edited is None:
        saved = profiles.load(engine, answers.profile)
        applied = answers.profile if saved else None
    if saved is None and answers.edited is None:
        found_profile = profiles.matching(engine, frames)
        if found_profile:
            applied, saved = found_profile
    if saved is not None:
        saved = profiles.for_files(saved, frames)
    step(MAPPING, 0.1)
    first = mapping.propose(frames, answers.edited or saved)
    proposal = mapping.propose(frames, _with_answers(first, answers))
    outcome = MappedImport(proposal, read_problems + proposal.problems, profile_applied=applied,
                           samples={name: _samples(frame) for name, frame in frames.items()},
                           row_counts={name: len(frame) for name, frame in frames.items()})
    if saved is not None and answers.edited is None:
        known = set(saved.stage_status) | set(answers.stage_status)
        outcome.problems += mapping.unlisted_stages(frames, proposal, known, applied)
    if has_errors(outcome.problems):
        return outcome
    step(BUILDING, 0.12)
    built = mapping.build(frames, proposal, units)
    outcome.problems += built.problems
    outcome.preview = mapping.preview(built)
    _choose_as_of(engine, built, answers, outcome)
    if dry_run or has_errors(outcome.problems):
        return outcome
    step(WRITING, WRITE_SHARE)
    read = mapping.to_read_files(built)
    read.as_of = outcome.as_of
    result = import_read(engine, read, [n for n, _d in files], actor, stage_probabilities)
    result.problems = [mapping.in_source_terms(p, built, proposal) for p in result.problems]
    outcome.result = result
    # the import's own problems, now in the user's terms, after the mapping's
    outcome.problems = outcome.problems + result.problems[len(built.problems):]
    if result.ok and answers.profile and save_profile:
        profiles.save(engine, answers.profile, frames, proposal, actor)
    step(DONE, 1.0)
    return outcome

