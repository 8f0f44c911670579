"""The alignment history: every applied scenario and every rollback, as steps,
and rolling one step back by a new dated change.

A step is the audit row its write left (``scenario_apply`` by
:func:`dashboard.whatif.scenarios.apply_scenario`, ``alignment_rollback`` here):
who, when, effective from when, and what was in force before, county by
county and account by account. The rows a step wrote into ``alignment`` and
``overrides`` stay for good; a rollback adds the reverse rows, effective from
a date the leader picks (after the step's own), and puts back the quotas the
step found for the quarters that start on or after that date. Nothing is
deleted from the history.

A rollback is refused when a later step changed one of the same counties or
accounts (reversing would undo that one too: roll it back first), when a
quarter's quota changed since the step, and for a step already rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from dashboard.access.rules import LEADER
from dashboard.access.scope import Scope
from dashboard.i18n.translation import _
from dashboard.storage.models import AuditLog
from dashboard.storage.store import DATA_VERSION, advance_version, get_session_meta
from dashboard.whatif.apply_plan import PlanError, check_effective_date
from dashboard.whatif.dated_writes import (
    _ALIGNMENT,
    _COUNTY_ROW,
    _OVERRIDES,
    StepRefused,
    county_in_force,
    override_in_force,
    quarter_start,
    quota_amounts,
    restore_quota,
    zip_in_force,
)
from dashboard.whatif.scenarios import ScenarioStateError, _as_of, _now, step_territories

APPLIED, ROLLBACK = "scenario_apply", "alignment_rollback"
_LOG = AuditLog.__table__


@dataclass(frozen=True)
class Step:
    """One applied scenario or rollback, as the history table lists it."""

    id: int
    kind: str
    user: str
    at: datetime
    scenario_id: int | None
    name: str
    effective_from: date
    counties: int
    accounts: int
    quotas: int
    territories: frozenset[str]
    rolls_back: int | None
    rolled_back_by: int | None = None
    #: ZIP areas the step aligned by ZIP row (issue 19)
    zips: int = 0


def _step(row, rolled_back_by: int | None) -> Step:
    detail = row.detail
    return Step(id=row.id, kind=row.action, user=row.username, at=row.at,
                scenario_id=detail.get("scenario_id"), name=detail.get("name", ""),
                effective_from=date.fromisoformat(detail["effective_from"]),
                counties=len(detail.get("counties", {})),
                accounts=int(detail.get("accounts_moved", len(detail.get("accounts", {})))),
                quotas=len(detail.get("quotas", [])),
                territories=frozenset(step_territories(detail)),
                rolls_back=detail.get("rolls_back"), rolled_back_by=rolled_back_by,
                zips=len(detail.get("zips", {})))


def _rows(session: Session):
    """Every step's audit row, oldest first (steps from before effective dates,
    without one, are not steps of the history)."""
    rows = session.execute(select(_LOG).where(_LOG.c.action.in_((APPLIED, ROLLBACK)))
                           .order_by(_LOG.c.id)).all()
    return [r for r in rows if isinstance(r.detail, dict) and r.detail.get("effective_from")]


def list_steps(engine: Engine, scope: Scope | None = None) -> list[Step]:
    """The history, newest first. With a manager's ``scope``, only the steps
    that touch a territory of theirs."""
    with Session(engine) as session:
        rows = _rows(session)
    undone = {r.detail["rolls_back"]: r.id for r in rows if r.detail.get("rolls_back")}
    steps = [_step(r, undone.get(r.id)) for r in reversed(rows)]
    if scope is None or scope.everything:
        return steps
    return [s for s in steps if any(scope.has_territory(t) for t in s.territories)]


def _not_found(step_id) -> ScenarioStateError:
    return ScenarioStateError(_("There is no alignment step {id}.").format(id=step_id))


def rollback_step(engine: Engine, step_id: int, user: str, role: str,
                  scope: Scope | None = None, *, effective_from: date) -> Step:
    """Reverse step ``step_id`` from ``effective_from`` on, by new dated rows,
    in one transaction; a leader only. Returns the rollback's own step."""
    if role != LEADER:
        raise ScenarioStateError(_("Only a leader can roll back an alignment step."))
    with Session(engine) as session, session.begin():
        rows = _rows(session)
        found = next((r for r in rows if r.id == step_id), None)
        if found is None or (scope is not None and not scope.everything and not any(
                scope.has_territory(t) for t in step_territories(found.detail))):
            raise _not_found(step_id)
        step = found.detail
        undone = next((r.id for r in rows if r.detail.get("rolls_back") == step_id), None)
        if undone is not None:
            raise ScenarioStateError(_("Step {id} was already rolled back (step {by}).").format(
                id=step_id, by=undone))
        since = date.fromisoformat(step["effective_from"])
        if effective_from <= since:
            raise ScenarioStateError(_("A rollback takes effect after the step it reverses: "
                                       "pick a date after {date}.").format(date=since))
        # the first write: every later statement works on data no other writer changes
        advance_version(session, int(get_session_meta(session, DATA_VERSION, "0")))
        try:
            check_effective_date(effective_from, _as_of(session))
            detail = _reverse(session, step, since, effective_from)
        except (PlanError, StepRefused) as exc:
            raise ScenarioStateError(str(exc)) from exc
        detail |= {"rolls_back": step_id, "scenario_id": step.get("scenario_id"),
                   "name": step.get("name", ""), "accounts_moved": step.get("accounts_moved")}
        result = session.execute(insert(_LOG).values(username=user, action=ROLLBACK,
                                                     at=_now(), detail=detail))
        new_id = result.inserted_primary_key[0]
        row = session.execute(select(_LOG).where(_LOG.c.id == new_id)).one()
        return _step(row, None)


def _changed_later(rows, since: date) -> date | None:
    later = [r.effective_from for r in rows if r.effective_from > since]
    return min(later) if later else None


def _reverse(session: Session, step: dict, since: date, day: date) -> dict:
    """Write the reverse rows of ``step`` from ``day``; the rollback's detail."""
    counties, accounts = {}, {}
    for fips, (before, after) in step.get("counties", {}).items():
        in_force, rows = county_in_force(session, fips, day)
        _refuse_later(_changed_later(rows, since), fips)
        session.execute(insert(_ALIGNMENT).values(county_fips=fips, zip=_COUNTY_ROW,
                                                  territory_id=before, effective_from=day))
        counties[fips] = [in_force or after, before]
    zips = {}
    for zip_id, (before, after) in step.get("zips", {}).items():
        in_force, rows, county = zip_in_force(session, zip_id, day)
        _refuse_later(_changed_later(rows, since), zip_id)
        session.execute(insert(_ALIGNMENT).values(county_fips=county, zip=zip_id,
                                                  territory_id=before, effective_from=day))
        zips[zip_id] = [in_force or after, before]
    for account, (before, _after) in step.get("accounts", {}).items():
        in_force, rows = override_in_force(session, account, day)
        _refuse_later(_changed_later(rows, since), account)
        session.execute(insert(_OVERRIDES).values(account_id=account, territory_id=before,
                                                  effective_from=day))
        accounts[account] = [in_force, before]
    quotas = []
    for territory, period, before, after in step.get("quotas", []):
        if quarter_start(period) < day:
            continue  # a quarter under way when the rollback takes effect keeps its quota
        now = quota_amounts(session, territory, period)
        if abs(sum(now.values()) - after) > 0.005:
            raise StepRefused(_("The quota of {territory} for {quarter} changed since this "
                                "step; nothing was rolled back.").format(
                territory=territory, quarter=period))
        restore_quota(session, territory, period, before)
        quotas.append([territory, period, now, sum(before.values())])
    return {"effective_from": day.isoformat(), "counties": counties, "zips": zips,
            "accounts": accounts, "quotas": quotas}


def _refuse_later(later: date | None, what: str) -> None:
    if later is not None:
        raise StepRefused(_("{id} changed again from {date}, after this step: roll that "
                            "change back first.").format(id=what, date=later.isoformat()))
