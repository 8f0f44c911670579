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
aggregates say so and :mod:`dashboard.metrics.kpi_table` falls back to scanning rows.

Alignment history (METRICS.md "As credited"). The cube above is built on
the latest alignment (``opportunities.territory_id``), which is also what
every figure reads when the window reads no day before the last dated
change, and what the restated reading and the what-if read. Frames with
dated rows get a second set of aggregates, built the same way once per data
version, with every opportunity in its *credited* territory
(``opportunities.credited_territory_id``, :func:`kpi_cube_build.credited`):
bookings, won and lost counts, growth and the sales cycle stay cube lookups
on it. What METRICS.md reads on a day instead (open pipeline and T12
bookings by the account's territory on E, account counts on E and on
P.start − 1) is placed per request with one array index from each account's
territory on that day (``frames.territories_on``, a searchsorted over the
change points): a pass over the open rows, the won rows' T12 and the
accounts, never a scan of every opportunity.

Sales cycle (a median) and Concentration (a ranking of accounts) do not add
up from parts; they read the `won` rows only, kept in their original order as
plain arrays with integer territory, account and segment codes, so no string
is hashed per request.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.metrics.kpi_blocks import (
    AccountRows,
    Grouping,
    Window,
    between,
    sorted_group_medians,
    top_share_by_amount,
)
from dashboard.metrics.kpi_cube_build import KEY, Aggregates, Cube, members, whole_scaled

#: T12 account rankings kept (one per distinct T12 window and segment)
MAX_RANKINGS = 16
#: per-territory figures of a window kept (see _memo)
MAX_MEMO = 64
#: beyond this many territory × cycle-day cells the median sorts instead
MAX_HISTOGRAM_CELLS = 4_000_000


def territory_positions(agg: Aggregates, territory_ids, segment: str | None = None
                        ) -> tuple[np.ndarray, np.ndarray]:
    """(account positions, opportunity positions) of some territories (and one
    segment), each in row order: the rows a boolean filter would keep, found
    through the index instead of comparing every row."""
    codes = agg.territory_ids.get_indexer(list(territory_ids))
    wanted = np.zeros(len(agg.territory_ids) + 1, bool)
    wanted[codes[codes >= 0]] = True
    keep = wanted[agg.account_territory]  # code -1 reads the trailing False
    code = segment_code(agg, segment)
    if code is not None:
        keep &= agg.account_segment == code
    accounts = np.flatnonzero(keep)
    return accounts, np.sort(members(agg.opp_order, agg.opp_starts, accounts))


def aggregates_of(frames) -> Aggregates | None:
    cache = getattr(frames, "cache", None)
    return None if cache is None else cache.get(KEY)


def quota_positions(frames, agg: Aggregates, by_code: np.ndarray) -> np.ndarray:
    """``grouping.positions(frames.quotas["territory_id"])`` from territory codes of
    the quota rows, found once per quotas table instead of hashing ids per request."""
    codes = frames.derived(("quota_codes",), lambda: agg.territory_ids.get_indexer(
        frames.quotas["territory_id"].astype(object).to_numpy()))
    return by_code[codes]


# --- answering a query ------------------------------------------------------------


def territory_lookup(agg: Aggregates, grouping: Grouping) -> np.ndarray:
    """Group position of every territory code, with a trailing -1 for code -1."""
    lookup = np.append(grouping.territory_group, -1)
    by_code = lookup[grouping.territory_ids.get_indexer(agg.territory_ids)]
    return np.append(by_code, -1).astype(np.int64)


def opportunity_parts(cube: Cube, by_code: np.ndarray, grouping: Grouping,
                      window: Window) -> dict:
    """The same dict as :func:`dashboard.metrics.kpi_parts.opportunity_parts`, from the cube."""
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


def segment_code(agg: Aggregates, segment: str | None) -> int | None:
    if segment is None:
        return None
    found = int(agg.segments.get_indexer([segment])[0])
    return found if found >= 0 else -2  # a segment no account has: matches nothing


def account_rows(agg: Aggregates, by_code: np.ndarray, segment: str | None) -> AccountRows:
    return placed_accounts(agg, by_code[agg.account_territory], None, segment)


def placed_accounts(agg: Aggregates, group: np.ndarray, accounts: np.ndarray | None,
                     segment: str | None) -> AccountRows:
    """Some accounts (positions; every one when None) with the group ``group`` gives
    each account (-1 = none), and no group outside ``segment``."""
    pick = slice(None) if accounts is None else accounts
    group = group[pick]
    code = segment_code(agg, segment)
    if code is not None:
        group = np.where(agg.account_segment[pick] == code, group, -1)
    return AccountRows(group=group, potential=agg.potential[pick],
                       customer_since=agg.customer_since[pick], churned_on=agg.churned_on[pick])


def won_group(agg: Aggregates, by_code: np.ndarray, segment: str | None) -> np.ndarray:
    group = by_code[agg.won.territory]
    code = segment_code(agg, segment)
    if code is not None:
        group = np.where(agg.won.segment == code, group, -1)
    return group


def median_cycle(agg: Aggregates, group: np.ndarray, grouping: Grouping,
                 window: Window) -> np.ndarray:
    """:func:`dashboard.metrics.kpi_blocks.median_cycle` over the `won` rows."""
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
    return sorted_group_medians(g, cycle, grouping.size)


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
    code = segment_code(agg, segment)
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


def _memo(agg: Aggregates, key: tuple, compute):
    """Per-territory figures of one window and segment, kept with the aggregates:
    a view asks for its territory table and its scope total (and the drill-down
    for the company's), and each is then a sum over ≤ 500 territories."""
    found = agg.memo.get(key)
    if found is None and key not in agg.memo:
        found = compute()
        if len(agg.memo) >= MAX_MEMO:
            agg.memo.pop(next(iter(agg.memo)), None)
        agg.memo[key] = found
    return found


def _per_territory(agg: Aggregates, key: tuple, figures):
    """Per-territory figures kept with the aggregates (:func:`_memo`).

    ``figures(territory, accounts)`` sums over some accounts (positions; every
    one when None) each placed in the territory code ``territory`` gives it. A
    what-if's figures are its live ones corrected for the accounts it moves:
    plus the moved accounts in their new territory, minus them in their old
    one. Every such figure is a count or whole cents, so the correction is
    exact, as the cube's is, and costs what the moved accounts do.
    """
    root = agg.origin
    if root is None:
        return _memo(agg, key, lambda: figures(agg.account_territory, None))

    def corrected():
        live = _per_territory(root, key, figures)
        moved = np.flatnonzero(agg.account_territory != root.account_territory)
        if live is None or not len(moved):
            return live
        gained = figures(agg.account_territory, moved)
        lost = figures(root.account_territory, moved)
        if gained is None or lost is None:
            return figures(agg.account_territory, None)
        if isinstance(live, dict):
            return {name: live[name] + gained[name] - lost[name] for name in live}
        return live + gained - lost

    return _memo(agg, key, corrected)


def _territory_grouping(agg: Aggregates) -> Grouping:
    n = len(agg.territory_ids)
    return Grouping(keys=pd.RangeIndex(n), territory_ids=agg.territory_ids,
                    territory_group=np.arange(n))


def _group_rows(by_code: np.ndarray, per_territory: np.ndarray, size: int,
                scale: float | None = None) -> np.ndarray:
    group = by_code[:-1]
    keep = group >= 0
    sums = np.bincount(group[keep], weights=per_territory[keep].astype("float64"),
                       minlength=size)
    return sums / scale if scale else sums


def account_parts(agg: Aggregates, by_code: np.ndarray, grouping: Grouping, window: Window,
                  segment: str | None) -> dict | None:
    """:func:`dashboard.metrics.kpi_parts.account_parts` from per-territory counts (integers,
    so any grouping of them is exact); None when potential is not whole cents."""
    from dashboard.metrics.kpi_parts import account_parts as parts_of

    def potential(territory, accounts):
        return _potential_cents(agg, placed_accounts(agg, territory, accounts, segment))

    def counts(territory, accounts):
        found = parts_of(placed_accounts(agg, territory, accounts, segment),
                         _territory_grouping(agg), window)
        del found["potential"]  # a float sum; the whole cents above are the exact one
        return found

    cents = _per_territory(agg, ("potential", segment), potential)
    if cents is None:
        return None
    per_territory = _per_territory(agg, ("accounts", window.start, window.end, segment), counts)
    per_territory = per_territory | {"potential": cents}
    return {name: _group_rows(by_code, values, grouping.size,
                              100.0 if name == "potential" else None)
            for name, values in per_territory.items()}


def _potential_cents(agg: Aggregates, rows: AccountRows) -> np.ndarray | None:
    """Annual potential per territory in whole cents (None when it is not whole cents)."""
    inside = rows.group >= 0
    cents = whole_scaled(rows.potential[inside], 100.0)
    if cents is None:
        return None
    return np.bincount(rows.group[inside], weights=cents, minlength=len(agg.territory_ids))


def median_cycle_of_groups(agg: Aggregates, by_code: np.ndarray, grouping: Grouping,
                           window: Window, segment: str | None) -> np.ndarray | None:
    """:func:`median_cycle` from per-territory histograms of whole-day cycles: a
    group's histogram is the sum of its territories', and its median the middle
    rank(s) read off the running count. None when cycles are not whole days."""
    won, span = agg.won, agg.won.cycle_span
    n = len(agg.territory_ids)
    if not span or n * span > MAX_HISTOGRAM_CELLS:
        return None

    def histogram(territory, accounts):
        rows = slice(None)
        if accounts is not None:  # the won rows of these accounts
            chosen = np.zeros(len(territory), bool)
            chosen[accounts] = True
            rows = np.flatnonzero(chosen[won.account])
        place, close, created = territory[won.account[rows]], won.close[rows], won.created[rows]
        mask = between(close, window.start, window.end) & (place >= 0) & ~np.isnan(created)
        code = segment_code(agg, segment)
        if code is not None:
            mask &= won.segment[rows] == code
        cycle = (close - created)[mask].astype(np.int64) - won.cycle_min
        return np.bincount(place[mask] * span + cycle, minlength=n * span).reshape(n, span)

    hist = _per_territory(agg, ("cycles", window.start, window.end, segment), histogram)
    group = by_code[:-1]
    members = np.flatnonzero(group >= 0)
    members = members[np.argsort(group[members], kind="stable")]
    result = np.full(grouping.size, np.nan)
    if not len(members):
        return result
    g = group[members]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    summed = np.add.reduceat(hist[members], starts, axis=0)
    running = np.cumsum(summed, axis=1)
    counts = running[:, -1]
    has = counts > 0
    running, counts = running[has], counts[has]
    lower = np.argmax(running > ((counts - 1) // 2)[:, None], axis=1)
    upper = np.argmax(running > (counts // 2)[:, None], axis=1)
    values = ((lower + won.cycle_min).astype("float64")
              + (upper + won.cycle_min).astype("float64")) / 2
    result[g[starts][has]] = values
    return result


def top_share(agg: Aggregates, by_code: np.ndarray, grouping: Grouping, window: Window,
              segment: str | None) -> np.ndarray:
    """:func:`dashboard.metrics.kpi_blocks.top_share` from the ranked accounts: the same
    per-account sums in the same order, so the same shares to the last bit."""
    return top_share_of_ranked(agg, by_code[agg.account_territory], grouping, window, segment)


def top_share_of_ranked(agg: Aggregates, account_group: np.ndarray, grouping: Grouping,
                        window: Window, segment: str | None) -> np.ndarray:
    """:func:`top_share` with each account in the group ``account_group`` gives
    it (as credited: its territory's on E, wherever its bookings were credited)."""
    booked, amount = _ranked_accounts(agg, window, segment)
    group = account_group[booked]
    keep = group >= 0
    return top_share_by_amount(group[keep], amount[keep], grouping)
