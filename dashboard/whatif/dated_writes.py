"""One dated alignment step written into the live data, inside the caller's
transaction: new alignment and override rows effective from a date, and the
confirmed quotas of the quarters that start on or after it.

Nothing is updated or deleted in ``alignment`` or ``overrides``: a county, ZIP
area or account that already has a row from that very date is refused instead
(the key is (county, effective_from, zip)). A ZIP move becomes a ZIP row
(issue 19), dated like a county row. What was in force on the date before the
step is returned, so the step can be shown and rolled back by the reverse
rows (:mod:`dashboard.whatif.alignment_history`).

Quotas are plans for quarters that have not started when the step takes
effect, so they are set in place: a quarter with one quota for all segments
takes the confirmed amount; one with a quota per segment has each scaled to
the confirmed total (split evenly when they summed to 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from dashboard.geo import zip_areas
from dashboard.i18n.translation import N_, _
from dashboard.i18n.unit_words import COUNTIES, UnitWords
from dashboard.metrics.periods import parse_quarter_label, quarter_bounds, quarter_name
from dashboard.storage.models import Account, Alignment, Override, Quota, Territory
from dashboard.storage.schema import STORED_BLANK, TEXT, ZIP

_ALIGNMENT, _ACCOUNTS, _OVERRIDES = Alignment.__table__, Account.__table__, Override.__table__
_QUOTAS, _TERRITORIES = Quota.__table__, Territory.__table__
_BLANK_SEGMENT, _COUNTY_ROW = STORED_BLANK[TEXT], STORED_BLANK[ZIP]


class StepRefused(Exception):  # noqa: N818 - a refusal, not a programming error
    """The step cannot be written as asked; the message is for the user."""


def _in_force(rows, day: date):
    """The territory of the latest row dated on or before ``day`` (a blank
    date is stored as the earliest day, so it counts from the beginning)."""
    dated = sorted((r for r in rows if r.effective_from <= day), key=lambda r: r.effective_from)
    return dated[-1].territory_id if dated else None


def county_in_force(session: Session, fips: str, day: date) -> tuple[str | None, list]:
    """The county's territory on ``day`` and its rows (its ZIPs' rows left out)."""
    rows = session.execute(select(_ALIGNMENT.c.territory_id, _ALIGNMENT.c.effective_from)
                           .where((_ALIGNMENT.c.county_fips == fips)
                                  & (_ALIGNMENT.c.zip == _COUNTY_ROW))).all()
    return _in_force(rows, day), rows


def zip_in_force(session: Session, zip_id: str, day: date) -> tuple[str | None, list, str]:
    """A ZIP area's territory on ``day`` (its ZIP row in force, else its county's),
    its ZIP rows and its county; StepRefused when its county is not aligned."""
    county = zip_areas.cell_counties().get(zip_id)
    before, county_rows = county_in_force(session, county, day) if county else (None, [])
    if not county_rows:
        raise StepRefused(_("ZIP area {id} is not in the live data; nothing was "
                            "applied.").format(id=zip_id))
    rows = session.execute(select(_ALIGNMENT.c.territory_id, _ALIGNMENT.c.effective_from)
                           .where(_ALIGNMENT.c.zip == zip_id)).all()
    return _in_force(rows, day) or before, rows, county


def override_in_force(session: Session, account: str, day: date) -> tuple[str | None, list]:
    """The named-account override in force on ``day`` (None: its county's
    territory) and the account's dated rows; StepRefused when no such account."""
    base = session.execute(select(_ACCOUNTS.c.territory_override, _ACCOUNTS.c.county_fips)
                           .where(_ACCOUNTS.c.account_id == account)).one_or_none()
    if base is None:
        raise StepRefused(_("Account {id} is not in the live data; nothing was applied.").format(
            id=account))
    rows = session.execute(select(_OVERRIDES.c.territory_id, _OVERRIDES.c.effective_from)
                           .where(_OVERRIDES.c.account_id == account)).all()
    dated = [r for r in rows if r.effective_from <= day]
    return (_in_force(dated, day) if dated else base.territory_override), rows


def write_step(session: Session, *, county_moves: Mapping[str, str],
               account_overrides: Mapping[str, str | None], effective_from: date,
               quotas: Mapping[tuple[str, str], float],
               zip_moves: Mapping[str, str] | None = None, words: UnitWords = COUNTIES) -> dict:
    """Write the rows of one step; returns what it changed, as JSON (``words``: what a
    refusal calls the units, ``Geography.words``):
    ``counties``/``zips``/``accounts``: id -> [in force before, after];
    ``quotas``: [territory, quarter, {segment: amount before}, amount after]."""
    counties = {}
    for fips, territory in county_moves.items():
        before, rows = county_in_force(session, fips, effective_from)
        if not rows:
            raise StepRefused(words.say(
                N_("County {id} is not in the live data; nothing was applied."),
                N_("Unit {id} is not in the live data; nothing was applied.")).format(id=fips))
        _refuse_same_day(rows, effective_from, fips)
        session.execute(insert(_ALIGNMENT).values(county_fips=fips, zip=_COUNTY_ROW,
                                                  territory_id=territory,
                                                  effective_from=effective_from))
        counties[fips] = [before, territory]
    zips = {}
    for zip_id, territory in (zip_moves or {}).items():
        before, rows, county = zip_in_force(session, zip_id, effective_from)
        _refuse_same_day(rows, effective_from, zip_id)
        session.execute(insert(_ALIGNMENT).values(county_fips=county, zip=zip_id,
                                                  territory_id=territory,
                                                  effective_from=effective_from))
        zips[zip_id] = [before, territory]
    accounts = {}
    for account, territory in account_overrides.items():
        before, rows = override_in_force(session, account, effective_from)
        _refuse_same_day(rows, effective_from, account)
        session.execute(insert(_OVERRIDES).values(account_id=account, territory_id=territory,
                                                  effective_from=effective_from))
        accounts[account] = [before, territory]
    return {"effective_from": effective_from.isoformat(), "counties": counties,
            "zips": zips, "accounts": accounts,
            "quotas": set_quotas(session, quotas, effective_from),
            "accounts_moved": accounts_moved(session, counties, accounts, zips)}


def _refuse_same_day(rows, day: date, what: str) -> None:
    if any(r.effective_from == day for r in rows):
        raise StepRefused(_("{id} already has a change effective from {date}; pick another "
                            "date.").format(id=what, date=day.isoformat()))


def quarter_start(label: str) -> date:
    return quarter_bounds(*parse_quarter_label(label))[0]


def set_quotas(session: Session, quotas: Mapping[tuple[str, str], float],
               effective_from: date) -> list:
    """Set each (territory, quarter)'s quota; a quarter starting before
    ``effective_from`` is refused: the past keeps its quotas."""
    changed = []
    for (territory, period), amount in sorted(quotas.items()):
        if quarter_start(period) < effective_from:
            raise StepRefused(_("{quarter} starts before the effective date; its quotas stay "
                                "as they are.").format(
                quarter=quarter_name(*parse_quarter_label(period))))
        if session.scalar(select(func.count()).select_from(_TERRITORIES)
                          .where(_TERRITORIES.c.territory_id == territory)) != 1:
            raise StepRefused(_("Territory {id} is not in the live data; nothing was "
                                "applied.").format(id=territory))
        before = quota_amounts(session, territory, period)
        write_quota(session, territory, period, before, float(amount))
        changed.append([territory, period, before, float(amount)])
    return changed


def quota_amounts(session: Session, territory: str, period: str) -> dict[str, float]:
    """{segment ('' = all segments): amount} of a territory's quarter."""
    rows = session.execute(select(_QUOTAS.c.segment, _QUOTAS.c.amount).where(
        (_QUOTAS.c.territory_id == territory) & (_QUOTAS.c.period == period))).all()
    return {r.segment: float(r.amount) for r in rows}


def _where(territory: str, period: str, segment: str):
    return ((_QUOTAS.c.territory_id == territory) & (_QUOTAS.c.period == period)
            & (_QUOTAS.c.segment == segment))


def write_quota(session: Session, territory: str, period: str, before: dict[str, float],
                total: float) -> None:
    """Give the quarter the quota ``total`` (module docstring's segment rule)."""
    if not before:
        session.execute(insert(_QUOTAS).values(territory_id=territory, period=period,
                                               amount=total, segment=_BLANK_SEGMENT))
        return
    for segment, amount in split_total(total, before).items():
        session.execute(update(_QUOTAS).where(_where(territory, period, segment))
                        .values(amount=amount))


def split_total(total: float, before: dict[str, float]) -> dict[str, float]:
    """``total`` shared over the segments of ``before`` in their proportions,
    to the cent, the last segment taking the remainder: the parts add up to
    ``total`` exactly, so the quarter's quota reads back as confirmed (a lone
    segment takes ``total`` itself; ``total * a / a`` can be one ulp off)."""
    segments = list(before)
    old = sum(before.values())
    parts = {s: round(total * before[s] / old if old > 0 else total / len(segments), 2)
             for s in segments[:-1]}
    return parts | {segments[-1]: total - sum(parts.values())}


def restore_quota(session: Session, territory: str, period: str,
                  before: dict[str, float]) -> None:
    """Put back the amounts a step found (a quarter the step created goes)."""
    if not before:
        session.execute(delete(_QUOTAS).where((_QUOTAS.c.territory_id == territory)
                                              & (_QUOTAS.c.period == period)))
    for segment, amount in before.items():
        session.execute(update(_QUOTAS).where(_where(territory, period, segment))
                        .values(amount=amount))


def accounts_moved(session: Session, counties: dict, accounts: dict,
                   zips: dict | None = None) -> int:
    """Accounts in the moved counties and ZIPs plus the named accounts (each once)."""
    in_counties = set(session.scalars(select(_ACCOUNTS.c.account_id).where(
        _ACCOUNTS.c.county_fips.in_(list(counties))))) if counties else set()
    in_zips = set(session.scalars(select(_ACCOUNTS.c.account_id).where(
        _ACCOUNTS.c.zip.in_(list(zips))))) if zips else set()
    return len(in_counties | in_zips | set(accounts))
