"""Saved what-if scenarios: storage, optimistic locking, approval and apply.

METRICS.md "Scenario": a named set of changes over a base alignment; saved,
versioned, never silently overwritten. The changes themselves are
:class:`~dashboard.whatif.changeset.Changes` stored as JSON, so what is saved reopens
exactly as it was.

Every write bumps the scenario's ``revision`` through a conditional
``UPDATE ... WHERE id = :id AND revision = :seen``. Checking the row count
of that one statement (rather than reading, comparing, then writing) is what
makes two concurrent writers unable to both win: on PostgreSQL the second
UPDATE waits for the first one's row lock and then no longer matches; on
SQLite writers are serialised by the database lock. A save that loses keeps
its changes as a new draft copy, so neither version is lost.

States (issue 5): draft -> proposed (manager or leader) -> approved (leader)
-> applied (leader); a leader may reject a proposal back to draft. Every
write leaves an ``audit_log`` row saying who, when and what.

Scope (issue 15): every operation takes the viewer's
:class:`~dashboard.whatif.draft_scope.ScenarioScope` as ``access`` and judges
the **stored** scenario, read in the operation's own transaction, as well as
any new content (:func:`_judge`). A scenario the viewer may not see reads
exactly as one that does not exist; one they may see but not change (their
own, touching another region) is refused without naming what it touches.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session

from dashboard.access.rules import LEADER, MANAGER
from dashboard.i18n.translation import N_, _
from dashboard.i18n.unit_words import COUNTIES, UnitWords
from dashboard.ingest.export import format_numbers, format_text
from dashboard.storage.models import AuditLog, Scenario
from dashboard.storage.store import (
    AS_OF,
    DATA_VERSION,
    StaleData,
    advance_version,
    get_session_meta,
)
from dashboard.whatif.apply_plan import PlanError, check_effective_date
from dashboard.whatif.changeset import Changes
from dashboard.whatif.dated_writes import StepRefused, write_step
from dashboard.whatif.draft_scope import ALLOWED, HIDDEN, ScenarioScope

DRAFT, PROPOSED, APPROVED, APPLIED = "draft", "proposed", "approved", "applied"
#: how each status reads on screen (translated with ``_()`` where shown)
STATUS_NAMES = {DRAFT: N_("draft"), PROPOSED: N_("proposed"), APPROVED: N_("approved"),
                APPLIED: N_("applied")}
CSV_COLUMNS = ("kind", "key", "value")

_TABLE = Scenario.__table__


class ScenarioError(Exception):
    """A scenario operation refused; the message is meant for the user as is.
    ``out_of_scope`` (never shown) says what lay outside the viewer's scope,
    for the server log, when that was the reason."""

    out_of_scope: str | None = None


class ScenarioNotFoundError(ScenarioError, LookupError):
    pass


class ScenarioOutOfScopeError(ScenarioError):
    """The viewer may see the scenario (their own) but it, or what they would
    save over it, touches territories outside their scope."""


class ScenarioStateError(ScenarioError):
    """Wrong state or wrong role for the operation."""


class StaleScenarioError(ScenarioError):
    """The scenario changed after the user opened it. Their changes were kept
    as a new draft (``copy_id``) so the user can compare and merge by hand."""

    def __init__(self, message: str, *, copy_id: int, changed_by: str, changed_at: datetime):
        super().__init__(message)
        self.copy_id = copy_id
        self.changed_by = changed_by
        self.changed_at = changed_at


@dataclass(frozen=True)
class ScenarioRecord:
    id: int
    name: str
    status: str
    changes: Changes
    revision: int
    region: str | None
    created_by: str
    updated_by: str
    created_at: datetime
    updated_at: datetime
    base_data_version: int

    def to_json(self) -> dict:
        """Plain JSON (what the audit log keeps of a deleted scenario)."""
        # not dataclasses.asdict: it would deep-copy the read-only mappings of Changes
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        return data | {"changes": self.changes.to_json(),
                       "created_at": self.created_at.isoformat(),
                       "updated_at": self.updated_at.isoformat()}


def _now() -> datetime:
    """Naive UTC set by Python, not the server: SQLite and PostgreSQL would
    otherwise disagree on the time zone of ``now()``."""
    return datetime.now(UTC).replace(tzinfo=None)


def _record(row) -> ScenarioRecord:
    return ScenarioRecord(
        id=row.id, name=row.name, status=row.status, changes=Changes.from_json(row.changes),
        revision=row.revision, region=row.region, created_by=row.created_by,
        updated_by=row.updated_by, created_at=row.created_at, updated_at=row.updated_at,
        base_data_version=row.base_data_version,
    )


def _row(session: Session, scenario_id: int, *, deleted_too: bool = False):
    query = select(_TABLE).where(_TABLE.c.id == scenario_id)
    if not deleted_too:
        query = query.where(_TABLE.c.deleted.is_(False))
    return session.execute(query).one_or_none()


def _not_found(scenario_id: int) -> ScenarioNotFoundError:
    return ScenarioNotFoundError(_("There is no scenario {id}.").format(id=scenario_id))


def _judge(access: ScenarioScope | None, row, new: Changes | None = None) -> None:
    """Refuse the stored scenario ``row`` (and ``new`` content for it) unless
    ``access`` may change it: what every operation on a stored scenario calls.
    A hidden one raises what a missing one raises, word for word; what it
    touches goes to the log only. No ``access``: a trusted caller (the CLI)."""
    if access is None:
        return
    changes = Changes.from_json(row.changes)
    verdict = access.verdict(changes, row.created_by, new)
    if verdict == ALLOWED:
        return
    error = (_not_found(row.id) if verdict == HIDDEN else ScenarioOutOfScopeError(
        _("This scenario changes territories outside your region.")))
    outside = access.outside(changes) + ([] if new is None else access.outside(new))
    error.out_of_scope = (f"scenario {row.id} by {row.created_by} "  # i18n: not shown
                          f"touching {', '.join(sorted(set(outside))[:8]) or 'nothing'}")
    raise error


def check_draft(access: ScenarioScope | None, changes: Changes) -> None:
    """Refuse new content (a save as new, a what-if history) naming anything
    outside the viewer's scope, without naming it."""
    outside = [] if access is None else access.outside(changes)
    if outside:
        error = ScenarioOutOfScopeError(
            _("This scenario changes territories outside your region."))
        error.out_of_scope = f"draft touching {', '.join(outside[:8])}"  # i18n: not shown
        raise error


def _existing(session: Session, scenario_id: int, access: ScenarioScope | None = None):
    row = _row(session, scenario_id)
    if row is None:
        raise _not_found(scenario_id)
    _judge(access, row)
    return row


def _audit(session: Session, user: str, action: str, detail: dict) -> None:
    session.add(AuditLog(username=user, action=action, at=_now(), detail=detail))


def _create(session: Session, *, name: str, changes: Changes, user: str, region: str | None,
            base_data_version: int) -> int:
    now = _now()
    result = session.execute(insert(_TABLE).values(
        name=name, status=DRAFT, changes=changes.to_json(), base_data_version=base_data_version,
        revision=1, region=region, created_by=user, updated_by=user, created_at=now,
        updated_at=now, deleted=False,
    ))
    scenario_id = result.inserted_primary_key[0]
    _audit(session, user, "scenario_create", {"scenario_id": scenario_id, "name": name})
    return scenario_id


def _update(session: Session, row, user: str, *, only_if: str | None = None,
            **values) -> bool:
    """Conditional write: only if nobody changed the row since ``row`` was read
    (and, with ``only_if``, only while it is in that state)."""
    condition = (_TABLE.c.id == row.id) & (_TABLE.c.revision == row.revision)
    condition &= _TABLE.c.deleted.is_(False)
    if only_if is not None:
        condition &= _TABLE.c.status == only_if
    result = session.execute(update(_TABLE).where(condition).values(
        revision=row.revision + 1, updated_by=user, updated_at=_now(), **values))
    return result.rowcount == 1


def _current_version(session: Session) -> int:
    return int(get_session_meta(session, DATA_VERSION, "0"))


# -- reading -------------------------------------------------------------------
def get_scenario(engine: Engine, scenario_id: int) -> ScenarioRecord | None:
    """The scenario, or None when it does not exist or was deleted."""
    with Session(engine) as session:
        row = _row(session, scenario_id)
    return None if row is None else _record(row)


def read_scenario(engine: Engine, scenario_id: int, access: ScenarioScope | None
                  ) -> ScenarioRecord:
    """The scenario to open, export or compare: ScenarioNotFoundError when it
    does not exist or the viewer may not see it (the same words),
    ScenarioOutOfScopeError when it touches territories outside their scope."""
    with Session(engine) as session:
        return _record(_existing(session, scenario_id, access))


def list_scenarios(engine: Engine, region: str | None = None,
                   access: ScenarioScope | None = None) -> list[ScenarioRecord]:
    """Scenarios not deleted, newest change first. With ``region``, that
    region's scenarios and the region-less (company-wide) ones; with
    ``access``, only those the viewer may see."""
    query = select(_TABLE).where(_TABLE.c.deleted.is_(False))
    if region is not None:
        query = query.where((_TABLE.c.region == region) | _TABLE.c.region.is_(None))
    query = query.order_by(_TABLE.c.updated_at.desc(), _TABLE.c.id.desc())
    with Session(engine) as session:
        records = [_record(row) for row in session.execute(query)]
    if access is None:
        return records
    return [r for r in records if access.may_see(r.changes, r.created_by)]


# -- editing -------------------------------------------------------------------
def save_scenario(engine: Engine, *, name: str, changes: Changes, user: str,
                  scenario_id: int | None = None, expected_revision: int | None = None,
                  region: str | None = None,
                  access: ScenarioScope | None = None) -> ScenarioRecord:
    """Create a draft (no ``scenario_id``) or save over one.

    Saving over needs the revision the user opened. When the stored one is
    newer, the save is refused with :class:`StaleScenarioError` and the
    incoming changes are stored as a new draft "<name> (copy by <user>)",
    committed before the error is raised. Only drafts can be edited.
    ``region`` applies to a new scenario; an update keeps its region.
    With ``access``, the changes and the scenario saved over (deleted or
    not) must be the viewer's to change; a scenario they may not see reads
    as missing, and its author is never named.
    """
    check_draft(access, changes)
    if scenario_id is None:
        with Session(engine) as session, session.begin():
            new_id = _create(session, name=name, changes=changes, user=user, region=region,
                             base_data_version=_current_version(session))
        return get_scenario(engine, new_id)
    if expected_revision is None:
        # a programmer's error: the panel always sends the revision it opened
        raise ValueError("saving over a scenario needs its opened revision")  # i18n: not shown
    with Session(engine) as session, session.begin():
        row = _row(session, scenario_id, deleted_too=True)
        if row is None:
            raise _not_found(scenario_id)
        _judge(access, row, changes)
        if row.revision == expected_revision and not row.deleted:
            if row.status != DRAFT:
                raise ScenarioStateError(
                    _("Scenario '{name}' is {status}; only a draft can be edited.").format(
                        name=row.name, status=status_name(row.status)))
            if _update(session, row, user, only_if=DRAFT, name=name,
                       changes=changes.to_json()):
                _audit(session, user, "scenario_save",
                       {"scenario_id": row.id, "revision": row.revision + 1})
                stale = None
            else:  # someone else's write landed between our read and our update
                stale = _row(session, scenario_id, deleted_too=True)
        else:
            stale = row
        if stale is not None:
            # the copy keeps the base the user's edits were made against
            copy_name = _("{name} (copy by {user})").format(name=name, user=user)
            copy_id = _create(session, name=copy_name, changes=changes, user=user,
                              region=stale.region, base_data_version=stale.base_data_version)
            message = (_("Scenario '{name}' was deleted by {user} at {time} UTC after you "
                         "opened it; your version was kept as '{copy}'") if stale.deleted else
                       _("Scenario '{name}' was changed by {user} at {time} UTC after you "
                         "opened it; your version was kept as '{copy}'")).format(
                name=stale.name, user=stale.updated_by, time=f"{stale.updated_at:%H:%M}",
                copy=copy_name)
    if stale is not None:
        raise StaleScenarioError(message, copy_id=copy_id, changed_by=stale.updated_by,
                                 changed_at=stale.updated_at)
    return get_scenario(engine, scenario_id)


def duplicate_scenario(engine: Engine, scenario_id: int, user: str,
                       name: str | None = None,
                       access: ScenarioScope | None = None) -> ScenarioRecord:
    """A new draft with the same changes, based on the current data version:
    duplicating is how a scenario made on older data is rebased."""
    with Session(engine) as session, session.begin():
        row = _existing(session, scenario_id, access)
        new_id = _create(session, name=name or _("{name} (copy)").format(name=row.name),
                         changes=Changes.from_json(row.changes), user=user, region=row.region,
                         base_data_version=_current_version(session))
    return get_scenario(engine, new_id)


def rename_scenario(engine: Engine, scenario_id: int, user: str, name: str,
                    access: ScenarioScope | None = None) -> ScenarioRecord:
    """Rename in any state. The revision is bumped so that an editor who
    opened the old name cannot silently save it back."""
    with Session(engine) as session, session.begin():
        row = _existing(session, scenario_id, access)
        if not _update(session, row, user, name=name):
            raise ScenarioStateError(_changed_meanwhile(row.name))
        _audit(session, user, "scenario_rename",
               {"scenario_id": row.id, "old_name": row.name, "name": name})
    return get_scenario(engine, scenario_id)


def delete_scenario(engine: Engine, scenario_id: int, user: str,
                    access: ScenarioScope | None = None) -> None:
    """Soft delete; the audit row keeps the whole scenario so it can be restored."""
    with Session(engine) as session, session.begin():
        row = _existing(session, scenario_id, access)
        if not _update(session, row, user, deleted=True):
            raise ScenarioStateError(_changed_meanwhile(row.name))
        _audit(session, user, "scenario_delete",
               {"scenario_id": row.id, "scenario": _record(row).to_json()})


# -- approval ------------------------------------------------------------------
#: per verb: who may not, and which state may not (the words differ by verb in French)
_WRONG_ROLE = {
    "propose": N_("Only a manager or leader can propose a scenario."),
    "approve": N_("Only a leader can approve a scenario."),
    "reject": N_("Only a leader can reject a scenario."),
    "apply": N_("Only a leader can apply a scenario."),
}
_WRONG_STATE = {
    "propose": N_("Scenario '{name}' is {status}; only a draft scenario can be proposed."),
    "approve": N_("Scenario '{name}' is {status}; only a proposed scenario can be approved."),
    "reject": N_("Scenario '{name}' is {status}; only a proposed scenario can be rejected."),
    "apply": N_("Scenario '{name}' is {status}; only an approved scenario can be applied."),
}


def status_name(status: str) -> str:
    """A status as the user reads it, in their language."""
    return _(STATUS_NAMES[status]) if status in STATUS_NAMES else status


def _changed_meanwhile(name: str) -> str:
    return _("Scenario '{name}' changed meanwhile; reload it.").format(name=name)


def _transition(session: Session, scenario_id: int, user: str, role: str, *, verb: str,
                allowed: tuple[str, ...], source: str, target: str, detail: dict | None = None,
                access: ScenarioScope | None = None):
    """Check scope, role and state, then move ``source`` -> ``target`` conditionally."""
    row = _existing(session, scenario_id, access)
    _refuse_unless(row, role, verb=verb, allowed=allowed, source=source)
    if not _update(session, row, user, only_if=source, status=target):
        raise ScenarioStateError(_changed_meanwhile(row.name))
    _audit(session, user, f"scenario_{verb}", {"scenario_id": row.id, "from": source,
                                                "to": target, "role": role, **(detail or {})})
    return row


def _refuse_unless(row, role: str, *, verb: str, allowed: tuple[str, ...], source: str) -> None:
    """Refuse ``verb`` on ``row`` unless ``role`` may and it is in state ``source``."""
    if role not in allowed:
        raise ScenarioStateError(_(_WRONG_ROLE[verb]))
    if row.status != source:
        raise ScenarioStateError(_(_WRONG_STATE[verb]).format(
            name=row.name, status=status_name(row.status)))


def _transition_and_read(engine: Engine, scenario_id: int, user: str, role: str,
                         **kwargs) -> ScenarioRecord:
    with Session(engine) as session, session.begin():
        _transition(session, scenario_id, user, role, **kwargs)
    return get_scenario(engine, scenario_id)


def propose(engine: Engine, scenario_id: int, user: str, role: str,
            access: ScenarioScope | None = None) -> ScenarioRecord:
    """Draft -> proposed, by a manager or a leader."""
    return _transition_and_read(engine, scenario_id, user, role, verb="propose",
                                allowed=(MANAGER, LEADER), source=DRAFT, target=PROPOSED,
                                access=access)


def approve(engine: Engine, scenario_id: int, user: str, role: str,
            access: ScenarioScope | None = None) -> ScenarioRecord:
    """Proposed -> approved, by a leader only."""
    return _transition_and_read(engine, scenario_id, user, role, verb="approve",
                                allowed=(LEADER,), source=PROPOSED, target=APPROVED,
                                access=access)


def reject(engine: Engine, scenario_id: int, user: str, role: str,
            access: ScenarioScope | None = None) -> ScenarioRecord:
    """Proposed -> draft, by a leader: the proposer can edit it again."""
    return _transition_and_read(engine, scenario_id, user, role, verb="reject",
                                allowed=(LEADER,), source=PROPOSED, target=DRAFT,
                                access=access)


def apply_scenario(engine: Engine, scenario_id: int, user: str, role: str,
                   access: ScenarioScope | None = None, *, effective_from: date,
                   quotas: Mapping[tuple[str, str], float],
                   words: UnitWords = COUNTIES) -> ScenarioRecord:
    """Make an approved scenario the live alignment from ``effective_from`` on,
    all in one transaction (METRICS.md "Alignment history").

    Nothing of the past is rewritten: county moves and account overrides
    become *new* alignment and override rows effective from that date
    (:func:`dashboard.whatif.dated_writes.write_step`), and ``quotas``, the
    quota plan the leader confirmed (``(territory, quarter) -> amount``, see
    :mod:`dashboard.whatif.apply_plan`), sets the quarters that start on or
    after it; earlier quarters never change. The date must be after the
    data's as-of date. The data version and token are bumped so every cached
    frame refreshes. Refused when the live data changed since the scenario
    was made, because its changes were worked out against data that no
    longer exists. Any failure (an unknown county or territory) rolls
    everything back. The audit row (``scenario_apply``) holds the step: what
    was in force before, so it can be listed and rolled back. ``words``: what a
    refusal calls the units (``Geography.words``).
    """
    with Session(engine) as session, session.begin():
        row = _existing(session, scenario_id, access)
        changes = Changes.from_json(row.changes)
        # the first write: a compare-and-swap from the version the changes were
        # built from, so no import lands between this check and the writes below
        try:
            advance_version(session, row.base_data_version)
            stale = False
        except StaleData:
            stale = True
        _refuse_unless(row, role, verb="apply", allowed=(LEADER,), source=APPROVED)
        if stale:
            raise ScenarioStateError(
                _("Scenario '{name}' cannot be applied: the live data changed since this "
                  "scenario was made; duplicate it to rebase").format(name=row.name))
        try:
            check_effective_date(effective_from, _as_of(session))
            step = write_step(session, county_moves=changes.county_moves,
                              account_overrides=changes.account_overrides,
                              effective_from=effective_from, quotas=quotas,
                              zip_moves=changes.zip_moves, words=words)
        except (PlanError, StepRefused) as exc:
            raise ScenarioStateError(str(exc)) from exc
        _refuse_foreign_quotas(step, changes)
        _transition(session, scenario_id, user, role, verb="apply", allowed=(LEADER,),
                    source=APPROVED, target=APPLIED, detail={
                        "name": row.name, "county_moves": len(changes.county_moves),
                        "zip_moves": len(changes.zip_moves),
                        "account_overrides": len(changes.account_overrides),
                        "quota_changes": len(changes.quota_changes), **step})
    return get_scenario(engine, scenario_id)


def step_territories(step: dict) -> set[str]:
    """Every territory a written step moved something into or out of, or re-quotaed."""
    moved = [*step.get("counties", {}).values(), *step.get("zips", {}).values(),
             *step.get("accounts", {}).values()]
    return ({t for pair in moved for t in pair if t}
            | {entry[0] for entry in step.get("quotas", [])})


def _refuse_foreign_quotas(step: dict, changes: Changes) -> None:
    """A confirmed quota may only be for a territory the scenario touches."""
    touched = step_territories(step | {"quotas": []}) | set(changes.quota_changes)
    foreign = sorted({entry[0] for entry in step["quotas"]} - touched)
    if foreign:
        raise ScenarioStateError(_("The quota plan names {ids}, which this scenario does not "
                                   "touch; nothing was applied.").format(ids=", ".join(foreign)))


def _as_of(session: Session) -> date:
    value = get_session_meta(session, AS_OF, "")
    return date.fromisoformat(value) if value else datetime.now(UTC).date()


# -- export --------------------------------------------------------------------
def scenario_csv(record: ScenarioRecord, excel_bom: bool = False) -> bytes:
    """The scenario as a long CSV ``kind,key,value``: one change per row.

    A long format (rather than one section per kind) sorts and filters in a
    spreadsheet like any table. Kinds: ``scenario`` (key name/status/revision/
    base_data_version), ``county_move`` (county FIPS -> territory), ``zip_move``
    (ZIP area -> territory),
    ``account_override`` (account -> territory; empty value clears the
    override), ``quota_change`` (territory -> fraction, 0.05 = +5 %),
    ``lock_county``/``lock_account``/``lock_territory``/``lock_zip`` (value ``locked``).
    Text that a spreadsheet would run as a formula gets a leading ``'``
    (:func:`dashboard.ingest.export.format_text`); numbers are written as numbers.
    """
    changes = record.changes
    text_rows = [
        ("scenario", "name", record.name),
        ("scenario", "status", record.status),
        ("scenario", "revision", str(record.revision)),
        ("scenario", "base_data_version", str(record.base_data_version)),
        *(("county_move", k, v) for k, v in changes.county_moves.items()),
        *(("zip_move", k, v) for k, v in changes.zip_moves.items()),
        *(("account_override", k, v) for k, v in changes.account_overrides.items()),
    ]
    quota_keys = list(changes.quota_changes)
    quota_values = format_numbers(pd.Series(list(changes.quota_changes.values()),
                                            dtype="float64"))
    lock_rows = [(f"lock_{kind}", key, "locked")
                 for kind, keys in (("county", changes.locked_counties),
                                    ("account", changes.locked_accounts),
                                    ("territory", changes.locked_territories),
                                    ("zip", changes.locked_zips))
                 for key in sorted(keys)]
    rows = [tuple(_safe(cell) for cell in row) for row in text_rows]
    rows += [("quota_change", _safe(k), v) for k, v in zip(quota_keys, quota_values,
                                                             strict=True)]
    rows += [tuple(_safe(cell) for cell in row) for row in lock_rows]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)
    return (("\ufeff" if excel_bom else "") + out.getvalue()).encode("utf-8")


def _safe(value: str | None) -> str:
    return format_text(pd.Series([value], dtype=object))[0]
