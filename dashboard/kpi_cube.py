"""Precomputed aggregates that answer a Period KPI query without scanning every opportunity.

At 2M opportunities even a plain column scan per request costs more than the
UI's budget, and every additive Period KPI is a sum over a *close-date range*
of one status's amounts or counts per territory. So, once per data version,
opportunities are summed into a cube (segment × territory × distinct close
day) and the cube is turned into running totals along the day axis: the sum
over any inclusive day range is then ``cum[hi] − cum[lo]`` for every territory
at once, a few microseconds whatever the row count.

Exactness: money is summed as whole cents (weighted pipeline as whole
1/10,000ths) in int64, which is what :meth:`Grouping.money_total` does per
request, so a group's sum is the same integer and the same float after the one
division. When the data are not whole cents (or too large to add exactly) the
aggregates say so and :mod:`dashboard.kpi_table` falls back to scanning rows.

Sales cycle (a median) and Concentration (a ranking of accounts) do not add
up from parts; they read the `won` rows only, kept in their original order as
plain arrays with integer territory, account and segment codes, so no string
is hashed per request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.kpi_core import AccountRows, Grouping, Window, between, top_share_by_amount

#: beyond this many segments a segment view scans rows instead (memory)
MAX_SEGMENTS = 12
#: T12 account rankings kept (one per distinct T12 window and segment)
MAX_RANKINGS = 16
_KEY = "kpi_aggregates"


@dataclass(frozen=True)
class Cube:
    """Running totals per territory (rows) over distinct close days (columns).

    Column k holds the sum over days[:k]; there is one more column than days.
    """

    days: np.ndarray
    won_cents: np.ndarray
    won_count: np.ndarray
    lost_count: np.ndarray
    open_cents: np.ndarray
    weighted: np.ndarray  # 1/10,000ths

    def between(self, name: str, first: int, last: int) -> np.ndarray:
        """Per-territory sum over close days in [first, last] (empty when first > last)."""
        lo = int(np.searchsorted(self.days, first, side="left"))
        hi = max(int(np.searchsorted(self.days, last, side="right")), lo)
        cum = getattr(self, name)
        return cum[:, hi] - cum[:, lo]


@dataclass(frozen=True)
class WonRows:
    """The `won` opportunities that have a territory, in their original row order."""

    territory: np.ndarray
    account: np.ndarray
    segment: np.ndarray
    amount: np.ndarray
    created: np.ndarray
    close: np.ndarray
    #: every cycle (close − created) is a whole day in [cycle_min, cycle_min + cycle_span)
    #: (span 0 when not: the median then sorts floats)
    cycle_min: int = 0
    cycle_span: int = 0


@dataclass(frozen=True)
class Aggregates:
    territory_ids: pd.Index
    segments: pd.Index
    account_territory: np.ndarray
    account_segment: np.ndarray
    potential: np.ndarray
    customer_since: np.ndarray
    churned_on: np.ndarray
    won: WonRows
    #: segment name (None = every segment) -> Cube; None when money is not exact
    cubes: dict | None
    #: (T12 start, E, segment) -> accounts ranked by T12 Bookings (see _ranked_accounts)
    rankings: dict = field(default_factory=dict, repr=False, compare=False)

    def cube(self, segment: str | None) -> Cube | None:
        return None if self.cubes is None else self.cubes.get(segment)


def _codes(values: pd.Series, categories: pd.Index) -> np.ndarray:
    if isinstance(values.dtype, pd.CategoricalDtype) and values.cat.categories.equals(categories):
        return values.cat.codes.to_numpy().astype(np.int64)
    return categories.get_indexer(values.astype(object)).astype(np.int64)


def _scaled(values: np.ndarray, scale: float) -> np.ndarray | None:
    """values × scale as int64 when every one is whole at that scale and the sum is exact."""
    product = values * scale
    scaled = np.round(product)
    whole = np.abs(product - scaled) <= 1e-6 + 1e-13 * np.abs(scaled)
    if not whole.all() or np.abs(scaled).sum() >= 2**53:
        return None
    return scaled.astype(np.int64)


def build(frames) -> Aggregates:
    """The aggregates of one Frames (a second or so at 2M opportunities)."""
    territory_ids = pd.Index(frames.territories["territory_id"].astype(object))
    accounts, opps = frames.accounts, frames.opportunities
    account_territory = _codes(accounts["territory_id"], territory_ids)
    seg_codes, segments = pd.factorize(accounts["segment"].astype(object), sort=True)
    segments = pd.Index(segments)
    account_segment = seg_codes.astype(np.int64)

    account = accounts.index.get_indexer(opps["account_id"].astype(object)).astype(np.int64)
    territory = _codes(opps["territory_id"], territory_ids)
    segment = np.append(account_segment, -1)[account]
    status = pd.Categorical(opps["status"])
    status_codes = status.codes
    cats = list(status.categories)

    def is_(name: str) -> np.ndarray:
        if name not in cats:
            return np.zeros(len(opps), bool)
        return status_codes == cats.index(name)

    won, lost, open_ = is_("won"), is_("lost"), is_("open")
    amount = opps["amount"].to_numpy(dtype="float64")
    created = opps["created_on"].to_numpy(dtype="float64")
    close = opps["close_on"].to_numpy(dtype="float64")

    keep = won & (territory >= 0)
    cycles = (close - created)[keep]
    cycles = cycles[~np.isnan(cycles)]
    cycle_min = cycle_span = 0
    if len(cycles) and (cycles == np.round(cycles)).all() and np.abs(cycles).max() < 2**40:
        cycle_min, cycle_span = int(cycles.min()), int(cycles.max() - cycles.min()) + 1
    won_rows = WonRows(
        territory=territory[keep], account=account[keep], segment=segment[keep],
        amount=amount[keep], created=created[keep], close=close[keep],
        cycle_min=cycle_min, cycle_span=cycle_span,
    )
    cubes = _cubes(territory, segment, len(segments), segments, close, amount,
                   opps["probability"].to_numpy(dtype="float64"), won, lost, open_,
                   len(territory_ids))
    return Aggregates(
        territory_ids=territory_ids, segments=segments,
        account_territory=account_territory, account_segment=account_segment,
        potential=np.nan_to_num(accounts["annual_potential"].to_numpy(dtype="float64")),
        customer_since=accounts["customer_since"].to_numpy(dtype="float64"),
        churned_on=accounts["churned_on"].to_numpy(dtype="float64"),
        won=won_rows, cubes=cubes,
    )


def _cubes(territory, segment, n_segments, segments, close, amount, probability,
           won, lost, open_, n_territories) -> dict | None:
    """Segment cubes (missing segment in a slot of its own) and their sum, or None
    when money would not add exactly or there are too many segments."""
    if n_segments > MAX_SEGMENTS:
        return None
    in_cube = (territory >= 0) & ~np.isnan(close)
    cents = _scaled(np.where(won | open_, amount, 0.0)[in_cube], 100.0)
    weighted = _scaled(np.where(open_, amount * probability, 0.0)[in_cube], 10_000.0)
    if cents is None or weighted is None:
        return None
    days = np.unique(close[in_cube])
    n_days = len(days)
    slots = n_segments + 1  # the last slot: accounts without a segment
    seg = np.where(segment[in_cube] >= 0, segment[in_cube], n_segments)
    flat = (seg * n_territories + territory[in_cube]) * n_days + np.searchsorted(
        days, close[in_cube])
    size = slots * n_territories * n_days
    st_won, st_lost, st_open = won[in_cube], lost[in_cube], open_[in_cube]

    def summed(mask, weights=None) -> np.ndarray:
        w = None if weights is None else weights[mask].astype("float64")
        counts = np.bincount(flat[mask], weights=w, minlength=size)
        return np.rint(counts).astype(np.int64).reshape(slots, n_territories, n_days)

    measures = {
        "won_cents": summed(st_won, cents), "won_count": summed(st_won),
        "lost_count": summed(st_lost), "open_cents": summed(st_open, cents),
        "weighted": summed(st_open, weighted),
    }

    def running(per_day: np.ndarray) -> np.ndarray:
        out = np.zeros((per_day.shape[0], n_days + 1), np.int64)
        np.cumsum(per_day, axis=1, out=out[:, 1:])
        return out

    cubes = {None: Cube(days, **{k: running(v.sum(axis=0)) for k, v in measures.items()})}
    for code, name in enumerate(segments):
        cubes[name] = Cube(days, **{k: running(v[code]) for k, v in measures.items()})
    return cubes


def prepare(frames) -> Aggregates:
    """Build (once) and attach the aggregates to long-lived frames.

    Only frames that serve many requests are worth it (the service's shared
    frames); a one-off what-if scans its rows instead.
    """
    found = frames.cache.get(_KEY)
    if found is None:
        found = build(frames)
        frames.cache[_KEY] = found
    return found


def aggregates_of(frames) -> Aggregates | None:
    cache = getattr(frames, "cache", None)
    return None if cache is None else cache.get(_KEY)


# --- answering a query ------------------------------------------------------------


def territory_lookup(agg: Aggregates, grouping: Grouping) -> np.ndarray:
    """Group position of every territory code, with a trailing -1 for code -1."""
    lookup = np.append(grouping.territory_group, -1)
    by_code = lookup[grouping.territory_ids.get_indexer(agg.territory_ids)]
    return np.append(by_code, -1).astype(np.int64)


def opportunity_parts(cube: Cube, by_code: np.ndarray, grouping: Grouping,
                      window: Window) -> dict:
    """The same dict as :func:`dashboard.kpi_parts.opportunity_parts`, from the cube."""
    group = by_code[:-1]
    keep = group >= 0
    where = group[keep]

    def per_group(values: np.ndarray, scale: float | None = None) -> np.ndarray:
        sums = np.bincount(where, weights=values[keep].astype("float64"),
                           minlength=grouping.size)
        return sums / scale if scale else sums.astype("float64")

    s, e = window.start, window.end
    return {
        "bookings": per_group(cube.between("won_cents", s, e), 100.0),
        "won_count": per_group(cube.between("won_count", s, e)),
        "lost_count": per_group(cube.between("lost_count", s, e)),
        "open_pipeline": per_group(cube.between("open_cents", s, e), 100.0),
        "weighted_pipeline": per_group(cube.between("weighted", s, e), 10_000.0),
        "bookings_t12": per_group(cube.between("won_cents", window.t12_start, window.e), 100.0),
        "bookings_to_date": per_group(cube.between("won_cents", s, window.e), 100.0),
        "bookings_prior_year": per_group(
            cube.between("won_cents", window.prior_start, window.prior_end), 100.0),
    }


def _segment_code(agg: Aggregates, segment: str | None) -> int | None:
    if segment is None:
        return None
    found = int(agg.segments.get_indexer([segment])[0])
    return found if found >= 0 else -2  # a segment no account has: matches nothing


def account_rows(agg: Aggregates, by_code: np.ndarray, segment: str | None) -> AccountRows:
    group = by_code[agg.account_territory]
    code = _segment_code(agg, segment)
    if code is not None:
        group = np.where(agg.account_segment == code, group, -1)
    return AccountRows(group=group, potential=agg.potential,
                       customer_since=agg.customer_since, churned_on=agg.churned_on)


def won_group(agg: Aggregates, by_code: np.ndarray, segment: str | None) -> np.ndarray:
    group = by_code[agg.won.territory]
    code = _segment_code(agg, segment)
    if code is not None:
        group = np.where(agg.won.segment == code, group, -1)
    return group


def median_cycle(agg: Aggregates, group: np.ndarray, grouping: Grouping,
                 window: Window) -> np.ndarray:
    """:func:`dashboard.kpi_core.median_cycle` over the `won` rows."""
    won = agg.won
    mask = between(won.close, window.start, window.end) & (group >= 0)
    mask &= ~np.isnan(won.created)
    g = group[mask]
    cycle = (won.close - won.created)[mask]
    span = won.cycle_span
    if span and grouping.size * span < 2**62:
        # whole-day cycles: one integer sort of (group, cycle) instead of a lexsort
        key = np.sort(g * span + (cycle - won.cycle_min).astype(np.int64))
        g, cycle = key // span, (key % span + won.cycle_min).astype("float64")
    else:
        order = np.lexsort((cycle, g))
        g, cycle = g[order], cycle[order]
    counts = np.bincount(g, minlength=grouping.size)
    starts = np.cumsum(counts) - counts
    result = np.full(grouping.size, np.nan)
    has = counts > 0
    lower = (starts + (counts - 1) // 2)[has]
    upper = (starts + counts // 2)[has]
    result[has] = (cycle[lower] + cycle[upper]) / 2
    return result


def _ranked_accounts(agg: Aggregates, window: Window, segment: str | None):
    """(booked account positions biggest T12 Bookings first, their T12 Bookings).

    The ranking does not depend on the level, so the territory table and the
    scope's total (the overview asks for both) share one, and every period
    ending on the same day (QTD, YTD, MTD all end at the as-of date) too.
    """
    key = (window.t12_start, window.e, segment)
    found = agg.rankings.get(key)
    if found is not None:
        return found
    won = agg.won
    mask = between(won.close, window.t12_start, window.e)
    code = _segment_code(agg, segment)
    if code is not None:
        mask &= won.segment == code
    # each account adds its rows in their original order, as the row scan does
    per_account = np.bincount(won.account[mask], weights=won.amount[mask],
                              minlength=len(agg.account_territory))
    booked = np.flatnonzero(per_account > 0)
    booked = booked[np.argsort(-per_account[booked], kind="stable")]
    found = (booked, per_account[booked])
    if len(agg.rankings) >= MAX_RANKINGS:
        agg.rankings.pop(next(iter(agg.rankings)), None)
    agg.rankings[key] = found
    return found


def top_share(agg: Aggregates, by_code: np.ndarray, grouping: Grouping, window: Window,
              segment: str | None) -> np.ndarray:
    """:func:`dashboard.kpi_core.top_share` from the ranked accounts: the same
    per-account sums in the same order, so the same shares to the last bit."""
    booked, amount = _ranked_accounts(agg, window, segment)
    group = by_code[agg.account_territory[booked]]
    keep = group >= 0
    return top_share_by_amount(group[keep], amount[keep], grouping)
