"""Applying a scenario: its effective date and its quota step, as plain data.

METRICS.md "Alignment history": applying never rewrites the past; the new
alignment holds from an effective date the leader picks (by default the first
day of the quarter after the as-of date), and the quarters that start on or
after that date take the quotas the leader confirms here.

**A date inside a quarter** (``split_quarter``) is allowed: from that date
deals count for the new territories, but that quarter keeps its quotas as
they are (the reps were already measured against them); the confirmed
quotas apply from the first quarter that starts on or after the date.

**The quota step** (:func:`quota_lines`), for each territory the scenario
touches and each quarter from the effective date:

- *current*: the stored quota (all segments summed);
- *scenario*: current × (1 + the scenario's quota change for it);
- *proposed*: the scenario's quotas moved with the moved accounts. With m an
  account's weight (its T12 bookings, or its annual potential: the leader
  picks), a territory L that hands accounts to G hands G the share
  ``m(moved L→G) ÷ m(all of L's accounts today)`` of its scenario quota:
  ``proposed[t] = scenario[t] × (1 − Σ_G share[t→G]) + Σ_L scenario[L] × share[L→t]``,
  rounded to the cent, so the company's total is the scenario's to the cent;
- *run-rate attainment* before and after: a quarter of the T12 bookings of
  the territory's accounts (today's, then the scenario's) ÷ the quarter's
  quota (today's, then the confirmed one). It is what the quarter would
  read if the accounts sold as they did over the last twelve months, and so
  shows a territory left with a quota its accounts no longer carry.

Pure functions: frames in, rows out. The frames are read restated under
their latest alignment (``metrics.frames.latest_alignment``), as the what-if is.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from dashboard.i18n.translation import _
from dashboard.metrics.frames import Frames, latest_alignment
from dashboard.metrics.periods import (
    parse_quarter_label,
    quarter_bounds,
    quarter_label,
    quarter_name,
    quarter_of,
    to_day,
)
from dashboard.whatif.changeset import Changes, scenario_codes

#: the weights a quota can move by (what the leader picks)
BY_BOOKINGS, BY_POTENTIAL = "bookings", "potential"
BASES = (BY_BOOKINGS, BY_POTENTIAL)


class PlanError(ValueError):
    """An effective date or a confirmed quota refused; the message is for the user."""


def default_effective_date(as_of: date) -> date:
    """The first day of the quarter after the one holding ``as_of``."""
    return quarter_bounds(*quarter_of(as_of))[1] + timedelta(days=1)


def split_quarter(effective_from: date) -> str | None:
    """The quarter an effective date falls inside (``'2026Q4'``), or None when
    the date is the first day of its quarter."""
    year, quarter = quarter_of(effective_from)
    if quarter_bounds(year, quarter)[0] == effective_from:
        return None
    return quarter_label(year, quarter)


def first_planned_quarter(effective_from: date) -> str:
    """The first quarter that starts on or after ``effective_from``: the first
    to take the confirmed quotas."""
    year, quarter = quarter_of(effective_from)
    if split_quarter(effective_from) is not None:
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return quarter_label(year, quarter)


def check_effective_date(effective_from: date, as_of: date) -> None:
    """Refuse a date on or before the data's as-of date: what has been booked
    is credited as it was, so a change may only start after it."""
    if effective_from <= as_of:
        raise PlanError(_("The effective date must be after the data's as-of date ({as_of}): "
                          "applying never rewrites the past.").format(as_of=as_of.isoformat()))


def date_warning(effective_from: date) -> str | None:
    """What the apply dialog says about a date inside a quarter (None otherwise)."""
    split = split_quarter(effective_from)
    if split is None:
        return None
    return _("{date} falls inside {quarter}: {quarter} keeps its quotas, while deals closed "
             "from {date} count for the new territories, so the touched territories' "
             "attainment for {quarter} moves. The confirmed quotas apply from {next}, the "
             "first quarter that starts on or after the date.").format(
        date=effective_from.isoformat(), quarter=_quarter_name(split),
        next=_quarter_name(first_planned_quarter(effective_from)))


def _quarter_name(label: str) -> str:
    return quarter_name(*parse_quarter_label(label))


@dataclass(frozen=True)
class QuotaLine:
    """One touched territory's quarter in the quota step."""

    territory_id: str
    territory_name: str
    period: str
    current: float
    scenario: float
    proposed: float
    #: T12 bookings of its accounts today and under the scenario
    bookings_before: float
    bookings_after: float

    def to_row(self, confirmed: float | None = None) -> dict:
        """A grid row: the line, the amount to confirm (the proposal unless
        given) and the run-rate attainments that follow."""
        confirmed = self.proposed if confirmed is None else confirmed
        return asdict(self) | {
            "confirmed": confirmed,
            "attainment_before": run_rate_attainment(self.bookings_before, self.current),
            "attainment_after": run_rate_attainment(self.bookings_after, confirmed)}


def run_rate_attainment(t12_bookings: float, quota: float) -> float | None:
    """A quarter of ``t12_bookings`` ÷ ``quota``; missing without a quota."""
    if not quota or not math.isfinite(quota) or quota <= 0:
        return None
    return t12_bookings / 4.0 / quota


def t12_bookings_by_account(frames: Frames, as_of: date) -> np.ndarray:
    """Each account's bookings over the 365 days ending on ``as_of`` (METRICS.md
    T12), in the order of ``frames.accounts``."""
    opps = frames.opportunities
    end = to_day(as_of)
    won = ((opps["status"] == "won").to_numpy() & (opps["close_on"].to_numpy() > end - 365)
           & (opps["close_on"].to_numpy() <= end))
    position = frames.accounts.index.get_indexer(opps["account_id"].astype(object)[won])
    known = position >= 0
    return np.bincount(position[known], weights=opps["amount"].to_numpy("float64")[won][known],
                       minlength=len(frames.accounts))


def quota_lines(frames: Frames, changes: Changes, effective_from: date, as_of: date,
                basis: str = BY_BOOKINGS) -> list[QuotaLine]:
    """The quota step of ``changes`` applied from ``effective_from``: one line
    per touched territory and quarter that starts on or after the date and has
    a quota (module docstring), sorted by territory then quarter."""
    if basis not in BASES:
        raise PlanError(_("Unknown basis {basis}.").format(basis=basis))
    frames = latest_alignment(frames)
    territory_ids = frames.accounts["territory_id"].dtype.categories
    before = frames.accounts["territory_id"].cat.codes.to_numpy().astype(np.int64)
    after = np.asarray(scenario_codes(frames, changes), dtype=np.int64)
    bookings = t12_bookings_by_account(frames, as_of)
    weight = (bookings if basis == BY_BOOKINGS
              else frames.accounts["annual_potential"].to_numpy("float64"))
    weight = np.nan_to_num(weight, nan=0.0)
    n = len(territory_ids)
    total = _sums(before, weight, n)
    moved = (before != after) & (before >= 0) & (after >= 0)
    flow = np.zeros((n, n))
    np.add.at(flow, (before[moved], after[moved]), weight[moved])
    share = np.divide(flow, total[:, None], out=np.zeros_like(flow), where=total[:, None] > 0)
    touched = sorted(set(np.flatnonzero(flow.sum(axis=0) + flow.sum(axis=1) > 0))
                     | {territory_ids.get_loc(t) for t in changes.quota_changes
                        if t in territory_ids})
    if not touched:
        return []
    booked_before, booked_after = _sums(before, bookings, n), _sums(after, bookings, n)
    quotas = frames.quotas
    start = to_day(quarter_bounds(*parse_quarter_label(first_planned_quarter(effective_from)))[0])
    planned = quotas[quotas["start_day"] >= start]
    current = planned.groupby(["period", "territory_id"], observed=True)["amount"].sum()
    change = np.array([changes.quota_changes.get(t, 0.0) for t in territory_ids])
    names = frames.territories["territory_name"]
    lines = []
    for period in sorted(planned["period"].unique(), key=parse_quarter_label):
        now = np.array([current.get((period, t), 0.0) for t in territory_ids])
        scenario = now * (1 + change)
        proposed = scenario * (1 - share.sum(axis=1)) + scenario @ share
        lines += [QuotaLine(str(territory_ids[i]), str(names.get(territory_ids[i], "")),
                            str(period), float(now[i]), float(scenario[i]),
                            round(float(proposed[i]), 2),
                            float(booked_before[i]), float(booked_after[i]))
                  for i in touched if now[i] or proposed[i]]
    return sorted(lines, key=lambda line: (line.territory_id, parse_quarter_label(line.period)))


def _sums(codes: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    known = codes >= 0
    return np.bincount(codes[known], weights=values[known], minlength=n)[:n]


def rows_with_confirmed(rows: list[dict]) -> list[dict]:
    """Grid rows after the leader edited some ``confirmed`` amounts: the
    after-attainment follows each edit. Unreadable amounts are kept as typed
    (:func:`confirmed_plan` refuses them)."""
    out = []
    for row in rows:
        amount = _amount(row.get("confirmed"))
        out.append(row | {"attainment_after": None if amount is None else
                          run_rate_attainment(float(row.get("bookings_after") or 0), amount)})
    return out


def _amount(value) -> float | None:
    try:
        amount = float(value)
    except (TypeError, ValueError):
        return None
    return amount if math.isfinite(amount) and amount >= 0 else None


def confirmed_plan(rows: list[dict], lines: list[QuotaLine]) -> dict[tuple[str, str], float]:
    """The quota plan to apply, from the grid's rows: ``(territory, quarter) ->
    amount``. Only the lines of the quota step may be set (a row naming
    anything else is refused, as is a missing, negative or unreadable amount)."""
    expected = {(line.territory_id, line.period) for line in lines}
    plan = {}
    for row in rows if isinstance(rows, list) else []:
        key = (row.get("territory_id"), row.get("period")) if isinstance(row, dict) else None
        if key not in expected:
            raise PlanError(_("The quota step changed meanwhile; open it again."))
        amount = _amount(row.get("confirmed"))
        if amount is None:
            raise PlanError(_("The quota of {territory} for {quarter} must be a number of "
                              "0 or more.").format(territory=key[0],
                                                   quarter=_quarter_name(key[1])))
        plan[key] = amount
    if set(plan) != expected:
        raise PlanError(_("The quota step changed meanwhile; open it again."))
    return plan


def plan_rows(lines: list[QuotaLine]) -> list[dict]:
    return [line.to_row() for line in lines]


def moved_summary(frames: Frames, changes: Changes) -> pd.Series:
    """How many accounts change territory under ``changes`` (today's latest
    alignment against the scenario's), for the dialog's headline."""
    frames = latest_alignment(frames)
    before = frames.accounts["territory_id"].cat.codes.to_numpy()
    after = scenario_codes(frames, changes)
    return pd.Series({"accounts": int((before != after).sum()),
                      "counties": len(changes.county_moves)})
