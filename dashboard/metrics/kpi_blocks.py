"""Vectorised building blocks for the METRICS.md Period KPIs.

The table in :mod:`dashboard.metrics.kpi_table` and the KPI cube
(:mod:`dashboard.metrics.kpi_cube`) reduce rows to *groups* (a territory, a rep,
a region, the company) through a ``groups`` Series that maps territory_id to a
group key. Turning every row into an integer group position once, then
summing with :func:`numpy.bincount`, is what keeps a 100k-opportunity view
well under the UI's time budget: there is no per-group Python loop anywhere,
and the METRICS.md "aggregate up" rule (sum the additive parts, recompute the
ratios) falls out of summing per group before dividing.

Rows whose territory is missing (unaligned accounts) or not in ``groups``
get position -1 and are left out of every sum.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from dashboard.metrics.periods import Period, ceil_share, one_year_earlier, to_day

#: METRICS.md Concentration (80/20): the share of accounts counted as "top".
TOP_SHARE = 0.2


@dataclass(frozen=True)
class Grouping:
    """Territory -> group position, and the group keys in output order."""

    keys: pd.Index
    territory_ids: pd.Index
    territory_group: np.ndarray

    @classmethod
    def from_series(cls, groups: pd.Series) -> Grouping:
        # A territory mapped to a missing key (a vacant territory at rep level)
        # belongs to no group; keys are sorted so outputs are deterministic.
        groups = groups[groups.notna()]
        keys = pd.Index(pd.unique(groups.to_numpy())).sort_values()
        return cls(
            keys=keys,
            territory_ids=pd.Index(groups.index),
            territory_group=keys.get_indexer(groups.to_numpy()),
        )

    @property
    def size(self) -> int:
        return len(self.keys)

    def positions(self, territory_ids: pd.Series) -> np.ndarray:
        """Group position of each row's territory, -1 when it has none."""
        lookup = np.append(self.territory_group, -1)  # found == -1 reads the sentinel
        if isinstance(territory_ids.dtype, pd.CategoricalDtype):
            # frames hold territory ids as categoricals: look up the few
            # categories, then index by the integer codes (-1 = missing)
            by_category = np.append(
                lookup[self.territory_ids.get_indexer(territory_ids.cat.categories)], -1
            )
            return by_category[territory_ids.cat.codes.to_numpy()].astype(np.int64)
        found = self.territory_ids.get_indexer(territory_ids)
        return lookup[found].astype(np.int64)

    def total(self, positions: np.ndarray, mask: np.ndarray, weights=None) -> np.ndarray:
        """Σ weights (or a count) per group over the rows selected by mask."""
        keep = mask & (positions >= 0)
        w = None if weights is None else weights[keep]
        return np.bincount(positions[keep], weights=w, minlength=self.size).astype("float64")

    def money_total(self, positions: np.ndarray, mask: np.ndarray, money: np.ndarray) -> np.ndarray:
        """Σ money per group, exact when every amount is a whole number of 1/10,000ths.

        DATA_FORMAT.md prints money unrounded, so a plain float sum would show
        its noise (``10475290.740000006``). Integer-valued floats add exactly
        below 2**53, so amounts are summed as whole cents (or 1/10,000ths, for
        weighted pipeline) and divided once; anything finer falls back to a
        plain float sum.
        """
        keep = mask & (positions >= 0)
        values, where = money[keep], positions[keep]
        for scale in (100.0, 10_000.0):
            scaled = np.round(values * scale)
            # the tolerance allows for the float error of the multiplication only
            whole = np.abs(values * scale - scaled) <= 1e-6 + 1e-13 * np.abs(scaled)
            if whole.all() and np.abs(scaled).sum() < 2**53:
                return np.bincount(where, weights=scaled, minlength=self.size) / scale
        return np.bincount(where, weights=values, minlength=self.size).astype("float64")

    def series(self, values: np.ndarray, name: str | None = None) -> pd.Series:
        return pd.Series(values, index=self.keys, name=name, dtype="float64")


@dataclass(frozen=True)
class Window:
    """The day ranges METRICS.md derives from a period and an as-of date."""

    start: int
    end: int
    as_of: int
    #: E = min(P.end, as-of)
    e: int
    #: T12 = the 365 days ending on E, inclusive
    t12_start: int
    #: [start, E] one year earlier (empty when E < start)
    prior_start: int
    prior_end: int

    @classmethod
    def of(cls, period: Period, as_of: date) -> Window:
        """The windows of ``period`` seen on ``as_of``.

        The prior-year window takes the start and E one year back separately
        (:func:`~dashboard.metrics.periods.one_year_earlier`: same calendar date, 29
        February falling back to the 28th), not "365 days earlier", so growth
        compares the same calendar dates. Hence a leap day can fall between
        the two: a T12 ending 2025-02-28 compares with 2023-03-01..2024-02-28,
        leaving a 2024-02-29 booking out of both; a period from 2024-02-29
        compares from 2023-02-28; and a prior window spanning a leap February
        (Q1 2025 against 2024-01-01..2024-03-31) is one day longer. T12 is
        always 365 days, leap year or not.
        """
        e_date = min(period.end, as_of)
        e = to_day(e_date)
        return cls(
            start=period.start_day,
            end=period.end_day,
            as_of=to_day(as_of),
            e=e,
            t12_start=e - 364,
            prior_start=to_day(one_year_earlier(period.start)),
            prior_end=to_day(one_year_earlier(e_date)),
        )


def between(days: np.ndarray, first: int, last: int) -> np.ndarray:
    """Inclusive day-range test; NaN (a missing date) is never inside."""
    return (days >= first) & (days <= last)


@dataclass(frozen=True)
class OpportunityRows:
    """Opportunity columns as arrays, with each row's group position."""

    group: np.ndarray
    amount: np.ndarray
    probability: np.ndarray
    created: np.ndarray
    close: np.ndarray
    won: np.ndarray
    lost: np.ndarray
    open: np.ndarray
    account_id: pd.Series

    @classmethod
    def of(cls, opportunities: pd.DataFrame, grouping: Grouping) -> OpportunityRows:
        # One factorize instead of three string comparisons over the status column.
        status = opportunities["status"]
        if isinstance(status.dtype, pd.CategoricalDtype):  # the frames' own: no hashing
            codes, statuses = status.cat.codes.to_numpy(), list(status.cat.categories)
        else:
            codes, statuses = pd.factorize(status)
            statuses = list(statuses)

        def status_is(name: str) -> np.ndarray:
            return codes == statuses.index(name) if name in statuses else np.zeros(len(codes), bool)

        return cls(
            group=grouping.positions(opportunities["territory_id"]),
            amount=opportunities["amount"].to_numpy(dtype="float64"),
            probability=opportunities["probability"].to_numpy(dtype="float64"),
            created=opportunities["created_on"].to_numpy(dtype="float64"),
            close=opportunities["close_on"].to_numpy(dtype="float64"),
            won=status_is("won"),
            lost=status_is("lost"),
            open=status_is("open"),
            account_id=opportunities["account_id"],
        )


@dataclass(frozen=True)
class AccountRows:
    group: np.ndarray
    potential: np.ndarray
    customer_since: np.ndarray
    churned_on: np.ndarray

    @classmethod
    def of(cls, accounts: pd.DataFrame, grouping: Grouping) -> AccountRows:
        return cls(
            group=grouping.positions(accounts["territory_id"]),
            potential=np.nan_to_num(accounts["annual_potential"].to_numpy(dtype="float64")),
            customer_since=accounts["customer_since"].to_numpy(dtype="float64"),
            churned_on=accounts["churned_on"].to_numpy(dtype="float64"),
        )

    def customer_at_end_of(self, day: int) -> np.ndarray:
        """METRICS.md: customer_since ≤ d and (churned_on missing or churned_on > d)."""
        churned = self.churned_on
        return (self.customer_since <= day) & (np.isnan(churned) | (churned > day))


def prorated_quota(quotas: pd.DataFrame, grouping: Grouping, start: int, end: int,
                   positions: np.ndarray | None = None, segment: str | None = None
                   ) -> np.ndarray:
    """METRICS.md Quota: each quarter's amount × (days of it inside [start, end]) ÷ its days.

    Without a segment, every row counts: a quarter's blank-segment row or the
    sum of its per-segment rows. With one (METRICS.md "Segment filter"), only
    that segment's rows count, and a group's quota is missing (NaN) when any
    of its territories has a blank-segment row in a quarter [start, end]
    touches: a territory's whole quota is never set against one segment. A
    quarter without rows is 0 in every segment, as it is in total.

    ``positions`` is ``grouping.positions(quotas["territory_id"])`` when the
    caller already has it (several periods, or codes kept with the frames)."""
    q_start = quotas["start_day"].to_numpy(dtype="float64")
    q_end = quotas["end_day"].to_numpy(dtype="float64")
    overlap = np.clip(np.minimum(q_end, end) - np.maximum(q_start, start) + 1, 0, None)
    share = overlap / (q_end - q_start + 1)
    amount = quotas["amount"].to_numpy(dtype="float64") * share
    if positions is None:
        positions = grouping.positions(quotas["territory_id"])
    if segment is None:
        return grouping.money_total(positions, np.ones(len(quotas), bool), amount)
    row_segment = quota_segments(quotas)
    quota = grouping.money_total(positions, row_segment == segment, amount)
    whole_only = grouping.total(positions, pd.isna(row_segment) & (overlap > 0))
    quota[whole_only > 0] = np.nan
    return quota


def quota_segments(quotas: pd.DataFrame) -> np.ndarray:
    """Each quota row's segment, NaN for a blank one (all segments); a quotas
    table without the optional column holds totals only."""
    if "segment" not in quotas.columns:
        return np.full(len(quotas), np.nan, dtype=object)
    segments = quotas["segment"].astype(object).to_numpy()
    blank = pd.isna(segments) | (segments == "")
    return np.where(blank, np.nan, segments)


def won_in(rows: OpportunityRows, first: int, last: int) -> np.ndarray:
    return rows.won & between(rows.close, first, last)


def median_cycle(rows: OpportunityRows, grouping: Grouping, window: Window) -> np.ndarray:
    """METRICS.md Sales cycle: per-group median of close − created over won in P.

    A median cannot be aggregated from parts, so each group's values are
    sorted together (one lexsort) and the middle one or two are read off.
    """
    mask = won_in(rows, window.start, window.end) & (rows.group >= 0)
    mask &= ~np.isnan(rows.created)
    group = rows.group[mask]
    cycle = (rows.close - rows.created)[mask]
    order = np.lexsort((cycle, group))
    return sorted_group_medians(group[order], cycle[order], grouping.size)


def sorted_group_medians(group: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Median of each group's values, given pairs sorted by (group, value):
    the middle one or two of each run; missing for a group with none."""
    counts = np.bincount(group, minlength=size)
    starts = np.cumsum(counts) - counts
    result = np.full(size, np.nan)
    has = counts > 0
    lower = (starts + (counts - 1) // 2)[has]
    upper = (starts + counts // 2)[has]
    result[has] = (values[lower] + values[upper]) / 2
    return result


def top_share(rows: OpportunityRows, grouping: Grouping, window: Window) -> np.ndarray:
    """METRICS.md Concentration (80/20) per group over T12 Bookings.

    Accounts are ranked within their group by T12 Bookings (one lexsort);
    the top ⌈20% × count⌉ of those with Bookings > 0 are summed. Accounts tied
    at the cut-off have equal Bookings, so which of them is taken does not
    change the share.
    """
    mask = won_in(rows, window.t12_start, window.e) & (rows.group >= 0)
    account_pos, _ = pd.factorize(rows.account_id[mask])
    per_account = np.bincount(account_pos, weights=rows.amount[mask])
    account_group = np.empty(len(per_account), np.int64)
    account_group[account_pos] = rows.group[mask]  # an account's opps share its territory
    return top_share_of_accounts(per_account, account_group, grouping)


def top_share_of_accounts(per_account: np.ndarray, account_group: np.ndarray,
                          grouping: Grouping) -> np.ndarray:
    """The 80/20 share per group from each account's T12 Bookings and group."""
    booked = per_account > 0
    group, amount = account_group[booked], per_account[booked]
    order = np.argsort(-amount, kind="stable")
    return top_share_by_amount(group[order], amount[order], grouping)


def top_share_by_amount(group: np.ndarray, amount: np.ndarray, grouping: Grouping) -> np.ndarray:
    """The 80/20 share per group from booked accounts already ordered biggest first."""
    # with that order, = np.lexsort((-amount, group)), but a radix sort on small ints
    narrow = np.int16 if grouping.size < 2**15 else np.int64
    order = np.argsort(group.astype(narrow), kind="stable")
    group, amount = group[order], amount[order]
    counts = np.bincount(group, minlength=grouping.size)
    starts = np.cumsum(counts) - counts
    rank = np.arange(len(group)) - starts[group]
    # ceil_share keeps 0.2 × 10 = 2 exact; one call per distinct count, not per group.
    distinct, which = np.unique(counts, return_inverse=True)
    top_n = np.array([ceil_share(TOP_SHARE, n) for n in distinct.tolist()], np.int64)[which]
    in_top = rank < top_n[group]
    top = np.bincount(group[in_top], weights=amount[in_top], minlength=grouping.size)
    total = np.bincount(group, weights=amount, minlength=grouping.size)
    return ratio(top, total)


def whole_cents(values: np.ndarray) -> np.ndarray:
    """Which values are a whole number of cents, up to the float error of × 100."""
    scaled = np.asarray(values, dtype="float64") * 100
    return np.abs(scaled - np.round(scaled)) <= 1e-6 + 1e-13 * np.abs(scaled)


def ratio(numerator, denominator) -> np.ndarray:
    """numerator ÷ denominator, missing (NaN) wherever the denominator is 0 or missing."""
    num = np.asarray(numerator, dtype="float64")
    den = np.asarray(denominator, dtype="float64")
    num, den = np.broadcast_arrays(num, den)
    out = np.full(num.shape, np.nan)
    ok = (den != 0) & ~np.isnan(den)
    np.divide(num, den, out=out, where=ok)
    return out
