"""Demo opportunities and quotas, generated territory by territory with numpy.

The design goal is a dataset whose KPIs tell a clear story: ordinary
territories land near plan and a handful of planted ones fail in one
recognisable way each. Random deal sizes alone make quarter-to-date bookings
of a territory swing by ±25% (twenty-odd skewed deals), which would bury the
planted signal in noise, so close dates are *stratified by amount*: each
territory's won (and, separately, lost) deals are laid end to end in random
order along its seasonal booking curve, so every window of days receives very
nearly its expected share of money while individual deals stay random.

Won deals go to the accounts the customer plan makes customers (and, at a
customer that churned, only before its churn date): an account that wins a
deal is a customer from its first win (METRICS.md customer history), so a
won deal at a prospect would make the penetration the plan sets drift.
Quotas follow the territory each deal is *credited* to (its account's
territory on the close date, METRICS.md "Alignment history"), so the
quarters before the demo's realignment have the old territories' quotas and
those from it the new ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from dashboard.demo.alignment import allocate
from dashboard.metrics.periods import quarter_bounds, quarter_label, quarter_of, to_day

#: Relative booking intensity by calendar quarter (Q4 budget flush).
SEASON = {1: 0.85, 2: 1.0, 3: 0.95, 4: 1.25}
#: Share of T12 potential a territory books in a year (revenue penetration).
REVENUE_PENETRATION = 0.12
#: Open pipeline is fuller than what will close: deals slip or die. Lost-deal
#: intensity after the as-of date is raised by this much (current, next quarter).
PIPELINE_INFLATION = (0.6, 0.8)
STAGE_NAMES = ("Prospecting", "Qualification", "Proposal", "Negotiation")
#: Open-stage mix by days until the expected close (≤30, ≤75, later), for
#: deals that will be lost and for deals that will be won: deals that die
#: mostly stall early, so the stage-weighted pipeline forecasts roughly what
#: closes (projected attainment near 100%, not far above it).
STAGE_MIX = np.array(
    [[0.25, 0.35, 0.30, 0.10], [0.40, 0.35, 0.20, 0.05], [0.60, 0.30, 0.08, 0.02]]
)
STAGE_MIX_WINNERS = np.array(
    [[0.00, 0.05, 0.35, 0.60], [0.05, 0.20, 0.45, 0.30], [0.25, 0.35, 0.30, 0.10]]
)
CYCLE_BY_SEGMENT = {"Enterprise": 1.5, "Mid-Market": 1.1, "SMB": 0.75}


@dataclass(frozen=True)
class Timeline:
    """Day numbers of the generated window: the eight quarters before the
    current one, the current one, and the next."""

    as_of: int
    days: np.ndarray
    quarters: list[tuple[int, int]]
    quarter_starts: np.ndarray  # day number per quarter, plus the end + 1

    @classmethod
    def around(cls, as_of: date) -> Timeline:
        year, quarter = quarter_of(as_of)
        index = year * 4 + quarter - 1
        quarters = [divmod(i, 4) for i in range(index - 8, index + 2)]
        quarters = [(y, q + 1) for y, q in quarters]
        starts = [to_day(quarter_bounds(y, q)[0]) for y, q in quarters]
        starts.append(to_day(quarter_bounds(*quarters[-1])[1]) + 1)
        days = np.arange(starts[0], starts[-1])
        return cls(to_day(as_of), days, quarters, np.array(starts))

    def labels(self) -> list[str]:
        return [quarter_label(y, q) for y, q in self.quarters]

    @property
    def current(self) -> int:
        """Index of the quarter containing the as-of date."""
        return len(self.quarters) - 2


def base_intensity(timeline: Timeline) -> np.ndarray:
    """Bookings per day before trend: seasonal quarters, a month-end and a
    bigger quarter-end push, quiet weekends. Scaled to average 1 over the
    365 days ending on the as-of date."""
    days = timeline.days
    dates = (np.datetime64("1970-01-01") + days.astype("timedelta64[D]")).astype(object)
    quarter_idx = np.searchsorted(timeline.quarter_starts, days, side="right") - 1
    days_to_quarter_end = timeline.quarter_starts[quarter_idx + 1] - 1 - days
    season = np.array([SEASON[timeline.quarters[i][1]] for i in quarter_idx])
    month_end = np.array([(d + timedelta(days=3)).month != d.month for d in dates])
    weekend = (days + 3) % 7 >= 5  # 1970-01-01 was a Thursday
    intensity = season * np.where(days_to_quarter_end < 10, 1.6, np.where(month_end, 1.25, 1.0))
    intensity = intensity * np.where(weekend, 0.15, 1.0)
    t12 = (days > timeline.as_of - 365) & (days <= timeline.as_of)
    return intensity / intensity[t12].mean()


def _group_positions(groups: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Rank of each element within its group (elements sorted by group) and
    each group's first position."""
    counts = np.bincount(groups, minlength=n_groups)
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    return np.arange(len(groups)) - first[groups], first


def _stratified_days(
    groups: np.ndarray, amounts: np.ndarray, cdf: np.ndarray, rng
) -> np.ndarray:
    """Day index for each deal: deals of one group laid end to end (random
    order) along that group's cumulative curve ``cdf[group]``."""
    n_groups, n_days = cdf.shape
    order = np.lexsort((rng.random(len(groups)), groups))
    g_sorted, a_sorted = groups[order], amounts[order]
    cum = np.cumsum(a_sorted)
    totals = np.bincount(g_sorted, weights=a_sorted, minlength=n_groups)
    _, first = _group_positions(g_sorted, n_groups)
    before = np.concatenate(([0.0], cum))[first][g_sorted]
    # A deal sits at the middle of its slot: a window boundary then misses at
    # most half of the one deal straddling it.
    position = (cum - before - a_sorted / 2) / np.maximum(totals, 1e-9)[g_sorted]
    flat = (np.arange(n_groups)[:, None] + cdf).ravel()
    found = np.searchsorted(flat, g_sorted + np.clip(position, 0, 1 - 1e-12), side="left")
    day_idx = np.clip(found - g_sorted * n_days, 0, n_days - 1)
    result = np.empty(len(order), dtype=np.int64)
    result[order] = day_idx
    return result


def _pick_accounts(
    territory_of_account: np.ndarray, weight: np.ndarray, opps_per_territory: np.ndarray, rng
) -> np.ndarray:
    """Account index of every opportunity, drawn within its territory in
    proportion to ``weight`` (inverse CDF over one sorted array)."""
    n_territories = len(opps_per_territory)
    order = np.argsort(territory_of_account, kind="stable")
    t_sorted, w_sorted = territory_of_account[order], weight[order]
    totals = np.bincount(t_sorted, weights=w_sorted, minlength=n_territories)
    cum = np.cumsum(w_sorted)
    _, first = _group_positions(t_sorted, n_territories)
    before = np.concatenate(([0.0], cum))[first][t_sorted]
    scaled = t_sorted + (cum - before) / np.maximum(totals, 1e-12)[t_sorted]
    opp_territory = np.repeat(np.arange(n_territories), opps_per_territory)
    found = np.searchsorted(scaled, opp_territory + rng.random(len(opp_territory)), side="right")
    last = first + np.bincount(t_sorted, minlength=n_territories) - 1
    found = np.clip(found, first[opp_territory], last[opp_territory])
    return order[found]


def _repoint(acc: np.ndarray, which: np.ndarray, t_acc: np.ndarray, weight: np.ndarray,
             n_territories: int, rng) -> None:
    """Give the deals ``which`` (a mask) another account of their territory,
    drawn by ``weight``, in place; deals of a territory where every weight is
    zero keep theirs."""
    t_opp = t_acc[acc]
    has = np.bincount(t_acc, weights=weight, minlength=n_territories) > 0
    chosen = np.flatnonzero(which & has[t_opp])
    chosen = chosen[np.argsort(t_opp[chosen], kind="stable")]
    counts = np.bincount(t_opp[chosen], minlength=n_territories)
    acc[chosen] = _pick_accounts(t_acc, weight, counts, rng)


def generate_sales(
    accounts: pd.DataFrame, territories: pd.DataFrame, n_opportunities: int, as_of: date, rng,
    change_day: int | None = None, segment_quotas: np.ndarray | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Opportunities and quotas.

    ``accounts``: positional rows with annual_potential, segment, is_customer
    (ever a customer in the plan), churn_day (NaN: not churned) and t
    (territory position today); with ``change_day``, t_before too (the
    territory before the realignment of that day). ``territories``: positional
    rows with territory_id, win_rate, growth and cause (planted cause or None).
    ``segment_quotas``: a mask of the territories whose quotas are set per
    segment.
    """
    timeline = Timeline.around(as_of)
    n_t = len(territories)
    base = base_intensity(timeline)
    rel_years = (timeline.days - timeline.as_of) / 365.0
    growth = territories["growth"].to_numpy()
    won_curve = base[None, :] * (1.0 + growth[:, None]) ** rel_years[None, :]
    falling = (territories["cause"] == "falling_bookings").to_numpy()
    boom_end = timeline.quarter_starts[timeline.current - 3]
    # A falling territory had a boom year (one big programme) that has ended.
    won_curve[falling] *= np.where(timeline.days < boom_end, 1.45, 1.0)
    lost_curve = won_curve.copy()
    q_idx = np.searchsorted(timeline.quarter_starts, timeline.days, side="right") - 1
    future = timeline.days > timeline.as_of
    lost_curve[:, future & (q_idx == timeline.current)] *= PIPELINE_INFLATION[0]
    lost_curve[:, future & (q_idx == timeline.current + 1)] *= PIPELINE_INFLATION[1]

    t_acc = accounts["t"].to_numpy()
    potential = accounts["annual_potential"].to_numpy()
    is_customer = accounts["is_customer"].to_numpy()
    win_rate = territories["win_rate"].to_numpy()
    pick_weight = potential**0.65 * np.where(is_customer, 1.5, 1.0)
    need = np.bincount(t_acc, weights=pick_weight, minlength=n_t) * won_curve.sum(axis=1)
    per_territory = allocate(need / win_rate, n_opportunities, minimum=0)
    acc = _pick_accounts(t_acc, pick_weight, per_territory, rng)
    t_opp = t_acc[acc]
    n = len(acc)

    # Customers win more often; the rate is renormalised per territory so the
    # rep's overall win rate is what the territory table says.
    affinity = np.where(is_customer[acc], 1.5, 0.75)
    mean_affinity = np.bincount(t_opp, weights=affinity, minlength=n_t) / np.maximum(
        per_territory, 1
    )
    p_win = np.clip(win_rate[t_opp] * affinity / mean_affinity[t_opp], 0, 0.95)
    will_win = rng.random(n) < p_win
    # Amounts are scaled to each territory's won total, which needs a won deal.
    territories_with_opps, first_opp = np.unique(t_opp, return_index=True)
    no_win = np.bincount(t_opp, weights=will_win, minlength=n_t)[territories_with_opps] == 0
    will_win[first_opp[no_win]] = True
    # A won deal belongs to a customer of the plan (same territory, same weights).
    _repoint(acc, will_win & ~is_customer[acc], t_acc, pick_weight * is_customer, n_t, rng)

    raw = potential[acc] ** 0.3 * rng.lognormal(0.0, 0.35, n)
    won_raw = np.bincount(t_opp, weights=raw * will_win, minlength=n_t)
    potential_t = np.bincount(t_acc, weights=potential, minlength=n_t)
    target = potential_t * REVENUE_PENETRATION / 365 * won_curve.sum(axis=1)
    amount = raw * (target / np.maximum(won_raw, 1e-9))[t_opp]
    amount = np.maximum(np.round(amount / 100) * 100, 500.0)

    cdf = np.empty((2 * n_t, len(timeline.days)))
    cdf[0::2] = np.cumsum(lost_curve, axis=1) / lost_curve.sum(axis=1, keepdims=True)
    cdf[1::2] = np.cumsum(won_curve, axis=1) / won_curve.sum(axis=1, keepdims=True)
    close = timeline.days[_stratified_days(2 * t_opp + will_win, amount, cdf, rng)]
    # ...and to one still a customer on the close date.
    churn_day = accounts["churn_day"].to_numpy(dtype=float)
    current = is_customer & np.isnan(churn_day)
    _repoint(acc, will_win & (close >= churn_day[acc]), t_acc, pick_weight * current, n_t, rng)

    segment_factor = accounts["segment"].map(CYCLE_BY_SEGMENT).to_numpy(dtype=float)[acc]
    cycle = 20 + rng.lognormal(np.log(45), 0.55, n) * segment_factor
    cycle = np.clip(np.maximum(np.round(cycle), close - timeline.as_of), 20, 180)
    created = close - cycle.astype(np.int64)

    credited = t_opp
    if change_day is not None:
        credited = np.where(close < change_day, accounts["t_before"].to_numpy()[acc], t_opp)
    segment = accounts["segment"].to_numpy(dtype=object)[acc]
    quotas = _quotas(territories, timeline, credited, close, amount * will_win, rng)
    if segment_quotas is not None and segment_quotas.any():
        quotas = _by_segment(quotas, territories, segment_quotas, credited, segment,
                             amount * will_win)

    past = close <= timeline.as_of
    status = np.where(past, np.where(will_win, "won", "lost"), "open").astype(object)
    stalled = past & ~will_win & (close > timeline.as_of - 60) & (rng.random(n) < 0.25)
    status[stalled] = "open"
    q_of_close = np.searchsorted(timeline.quarter_starts, close, side="right") - 1
    in_current = q_of_close == timeline.current
    cause = territories["cause"].to_numpy()[t_opp]
    # Planted slump: this quarter the rep loses most deals that would have closed.
    slump = (cause == "low_pace") & in_current & (status == "won") & (rng.random(n) < 0.6)
    status[slump] = "lost"
    keep = ~((cause == "thin_pipeline") & in_current & (status == "open") & (rng.random(n) < 0.8))

    to_close = close - timeline.as_of
    bucket = np.where(to_close <= 30, 0, np.where(to_close <= 75, 1, 2))
    mix = np.where(will_win[:, None], np.cumsum(STAGE_MIX_WINNERS, axis=1)[bucket],
                   np.cumsum(STAGE_MIX, axis=1)[bucket])
    draws = rng.random(n)[:, None] > mix
    stage = np.asarray(STAGE_NAMES, dtype=object)[np.minimum(draws.sum(axis=1), 3)]
    stage = np.where(status == "lost", "Closed Lost", stage)
    stage = np.where(status == "won", "Closed Won", stage)

    frame = pd.DataFrame(
        {
            "account_pos": acc[keep],
            "amount": amount[keep],
            "stage": stage[keep].astype(object),
            "status": status[keep],
            "created_day": created[keep],
            "close_day": close[keep],
        }
    )
    return frame, quotas


def _quotas(territories, timeline, t_opp, close, won_amount, rng) -> pd.DataFrame:
    """Quota per territory and quarter: the bookings the territory was on
    course for (computed before any planted slump, by the territory each deal
    is credited to), times a plan factor, so ordinary territories land
    between about 96% and 111% attainment."""
    n_t, n_q = len(territories), len(timeline.quarters)
    q_of_close = np.searchsorted(timeline.quarter_starts, close, side="right") - 1
    expected = np.bincount(t_opp * n_q + q_of_close, weights=won_amount, minlength=n_t * n_q)
    plan = rng.uniform(0.90, 1.04, n_t * n_q)
    amount = np.round(expected * plan / 1000) * 1000
    return pd.DataFrame(
        {
            "territory_id": np.repeat(territories["territory_id"].to_numpy(), n_q).astype(object),
            "period": np.tile(np.asarray(timeline.labels(), dtype=object), n_t),
            "amount": amount.astype(float),
        }
    )


def _by_segment(quotas: pd.DataFrame, territories: pd.DataFrame, chosen: np.ndarray,
                t_opp: np.ndarray, segment: np.ndarray, won_amount: np.ndarray) -> pd.DataFrame:
    """The quotas of the ``chosen`` territories split into one row per segment
    (DATA_FORMAT.md quotas.csv ``segment``), by the territory's mix of won
    bookings by segment over the whole window, in thousands, the biggest
    segment taking the rounding so a quarter's rows sum to its total."""
    segments = np.array(sorted(CYCLE_BY_SEGMENT), dtype=object)
    position = np.searchsorted(segments, segment)
    n_t = len(territories)
    mix = np.bincount(t_opp * len(segments) + position, weights=won_amount,
                      minlength=n_t * len(segments)).reshape(n_t, len(segments))
    mix = np.where(mix.sum(axis=1, keepdims=True) > 0, mix, 1.0)
    mix = mix / mix.sum(axis=1, keepdims=True)
    ids = territories["territory_id"].to_numpy()
    split = quotas[quotas["territory_id"].isin(ids[chosen])]
    t_pos = pd.Index(ids).get_indexer(split["territory_id"])
    total = split["amount"].to_numpy()
    parts = np.round(total[:, None] * mix[t_pos] / 1000) * 1000
    biggest = mix[t_pos].argmax(axis=1)
    rows = np.arange(len(split))
    parts[rows, biggest] = 0.0
    parts[rows, biggest] = total - parts.sum(axis=1)
    by_segment = pd.DataFrame({
        "territory_id": np.repeat(split["territory_id"].to_numpy(), len(segments)),
        "period": np.repeat(split["period"].to_numpy(), len(segments)),
        "amount": parts.ravel(),
        "segment": np.tile(segments, len(split)),
    })
    whole = quotas[~quotas["territory_id"].isin(ids[chosen])].assign(segment=None)
    return pd.concat([whole, by_segment], ignore_index=True).sort_values(
        ["territory_id", "period", "segment"], na_position="first", kind="stable"
    ).reset_index(drop=True)
