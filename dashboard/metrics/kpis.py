"""METRICS.md Period KPIs, one function per definition.

Every function takes the Frames' tables it reads, a ``groups`` Series that
maps territory_id to a group key (a territory maps to itself, to its region,
to one company key, or to its owning rep's id), the period P and, where the
definition needs it, the as-of date; it returns a Series indexed by every
group key (sorted), missing values NaN. Additive parts are summed per group
and ratios computed from the sums (:mod:`dashboard.metrics.kpi_parts`), so METRICS.md's
"aggregate up" rule holds at every level. Sales cycle and Concentration are
not sums of parts and are computed per group directly.

The whole DATA_FORMAT.md ``kpis`` table lives in :mod:`dashboard.metrics.kpi_table`
and is re-exported here.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.metrics.kpi_blocks import (
    AccountRows,
    Grouping,
    OpportunityRows,
    Window,
    median_cycle,
    prorated_quota,
    ratio,
    top_share,
)
from dashboard.metrics.kpi_parts import (
    account_parts,
    growth,
    kpi_parts,
    kpis_from_parts,
    opportunity_parts,
    remaining,
    time_elapsed,
)
from dashboard.metrics.kpi_table import format_kpi_csv, kpi_table, quarterly_series
from dashboard.metrics.periods import Period

__all__ = [
    "acquisition_rate", "attainment", "avg_deal_size", "bookings", "concentration_top20",
    "customers_at_start", "format_kpi_csv", "kpi_parts", "kpi_table", "kpis_from_parts",
    "open_pipeline", "pace", "penetration", "pipeline_coverage", "projected_attainment",
    "quarterly_series", "quota", "remaining_quota", "retention_rate", "revenue_growth",
    "revenue_penetration", "sales_cycle_days", "time_elapsed", "weighted_pipeline", "win_rate",
]


# --- opportunity KPIs -------------------------------------------------------


def _opp_parts(opportunities, groups, period, as_of=None) -> tuple[Grouping, dict]:
    grouping = Grouping.from_series(groups)
    window = Window.of(period, period.end if as_of is None else as_of)
    rows = OpportunityRows.of(opportunities, grouping)
    return grouping, opportunity_parts(rows, grouping, window)


def bookings(opportunities: pd.DataFrame, groups: pd.Series, period: Period) -> pd.Series:
    """METRICS.md Bookings: Σ amount of `won` opportunities with close date in P."""
    grouping, p = _opp_parts(opportunities, groups, period)
    return grouping.series(p["bookings"], "bookings")


def quota(quotas: pd.DataFrame, groups: pd.Series, period: Period) -> pd.Series:
    """METRICS.md Quota: quarters P covers, those covered in part pro rata by days."""
    grouping = Grouping.from_series(groups)
    values = prorated_quota(quotas, grouping, period.start_day, period.end_day)
    return grouping.series(values, "quota")


def attainment(
    opportunities: pd.DataFrame, quotas: pd.DataFrame, groups: pd.Series, period: Period
) -> pd.Series:
    """METRICS.md Attainment: Bookings ÷ Quota (missing when Quota is 0)."""
    values = ratio(bookings(opportunities, groups, period), quota(quotas, groups, period))
    return Grouping.from_series(groups).series(values, "attainment")


def pace(
    opportunities: pd.DataFrame,
    quotas: pd.DataFrame,
    groups: pd.Series,
    period: Period,
    as_of: date,
) -> pd.Series:
    """METRICS.md Pace: Attainment ÷ Time elapsed, missing before the period starts."""
    values = ratio(attainment(opportunities, quotas, groups, period), time_elapsed(period, as_of))
    return Grouping.from_series(groups).series(values, "pace")


def open_pipeline(opportunities: pd.DataFrame, groups: pd.Series, period: Period) -> pd.Series:
    """METRICS.md Open pipeline: Σ amount of `open` opportunities with close date in P."""
    grouping, p = _opp_parts(opportunities, groups, period)
    return grouping.series(p["open_pipeline"], "open_pipeline")


def weighted_pipeline(
    opportunities: pd.DataFrame, groups: pd.Series, period: Period
) -> pd.Series:
    """METRICS.md Weighted pipeline: Σ amount × stage probability over Open pipeline."""
    grouping, p = _opp_parts(opportunities, groups, period)
    return grouping.series(p["weighted_pipeline"], "weighted_pipeline")


def remaining_quota(
    opportunities: pd.DataFrame, quotas: pd.DataFrame, groups: pd.Series, period: Period
) -> pd.Series:
    """METRICS.md Remaining quota: max(Quota − Bookings, 0)."""
    values = remaining(
        bookings(opportunities, groups, period).to_numpy(),
        quota(quotas, groups, period).to_numpy(),
    )
    return Grouping.from_series(groups).series(values, "remaining_quota")


def pipeline_coverage(
    opportunities: pd.DataFrame, quotas: pd.DataFrame, groups: pd.Series, period: Period
) -> pd.Series:
    """METRICS.md Pipeline coverage: Open pipeline ÷ Remaining quota (missing when it is 0)."""
    values = ratio(
        open_pipeline(opportunities, groups, period),
        remaining_quota(opportunities, quotas, groups, period),
    )
    return Grouping.from_series(groups).series(values, "coverage")


def projected_attainment(
    opportunities: pd.DataFrame, quotas: pd.DataFrame, groups: pd.Series, period: Period
) -> pd.Series:
    """METRICS.md Projected attainment: (Bookings + Weighted pipeline) ÷ Quota."""
    grouping, p = _opp_parts(opportunities, groups, period)
    values = ratio(
        p["bookings"] + p["weighted_pipeline"],
        prorated_quota(quotas, grouping, period.start_day, period.end_day),
    )
    return grouping.series(values, "projected_attainment")


def win_rate(opportunities: pd.DataFrame, groups: pd.Series, period: Period) -> pd.Series:
    """METRICS.md Win rate: won ÷ (won + lost), both closed in P; missing with neither."""
    grouping, p = _opp_parts(opportunities, groups, period)
    values = ratio(p["won_count"], p["won_count"] + p["lost_count"])
    return grouping.series(values, "win_rate")


def avg_deal_size(opportunities: pd.DataFrame, groups: pd.Series, period: Period) -> pd.Series:
    """METRICS.md Average deal size: Bookings ÷ count `won` in P."""
    grouping, p = _opp_parts(opportunities, groups, period)
    return grouping.series(ratio(p["bookings"], p["won_count"]), "avg_deal_size")


def sales_cycle_days(opportunities: pd.DataFrame, groups: pd.Series, period: Period) -> pd.Series:
    """METRICS.md Sales cycle: median (close − created) in days over `won` in P.

    A median does not aggregate from parts, so it is taken over each group's
    own deals.
    """
    grouping = Grouping.from_series(groups)
    rows = OpportunityRows.of(opportunities, grouping)
    values = median_cycle(rows, grouping, Window.of(period, period.end))
    return grouping.series(values, "sales_cycle_days")


def revenue_growth(
    opportunities: pd.DataFrame, groups: pd.Series, period: Period, as_of: date
) -> pd.Series:
    """METRICS.md Revenue growth: Bookings over [start, E] vs the same dates a year earlier.

    Cutting both ranges at E compares a period in progress like for like.
    """
    grouping, p = _opp_parts(opportunities, groups, period, as_of)
    values = growth(p["bookings_to_date"], p["bookings_prior_year"])
    return grouping.series(values, "revenue_growth")


def concentration_top20(
    opportunities: pd.DataFrame, groups: pd.Series, period: Period, as_of: date
) -> pd.Series:
    """METRICS.md Concentration (80/20): the top ⌈20% × count⌉ accounts' share of T12 Bookings.

    Which accounts are "top" depends on the whole group, so it is computed
    per group, never summed up from territories.
    """
    grouping = Grouping.from_series(groups)
    rows = OpportunityRows.of(opportunities, grouping)
    values = top_share(rows, grouping, Window.of(period, as_of))
    return grouping.series(values, "concentration_top20")


# --- account KPIs -----------------------------------------------------------


def _acc_parts(accounts, groups, period) -> tuple[Grouping, dict]:
    grouping = Grouping.from_series(groups)
    rows = AccountRows.of(accounts, grouping)
    return grouping, account_parts(rows, grouping, Window.of(period, period.end))


def customers_at_start(accounts: pd.DataFrame, groups: pd.Series, period: Period) -> pd.Series:
    """METRICS.md Customers at start: customers at the end of the day before P.start."""
    grouping, p = _acc_parts(accounts, groups, period)
    return grouping.series(p["customers_at_start"], "customers_at_start")


def acquisition_rate(accounts: pd.DataFrame, groups: pd.Series, period: Period) -> pd.Series:
    """METRICS.md Acquisition rate: customer_since in P ÷ Customers at start."""
    grouping, p = _acc_parts(accounts, groups, period)
    return grouping.series(ratio(p["acquired"], p["customers_at_start"]), "acquisition_rate")


def retention_rate(accounts: pd.DataFrame, groups: pd.Series, period: Period) -> pd.Series:
    """METRICS.md Retention rate: Customers at start still customers at P.end ÷ those."""
    grouping, p = _acc_parts(accounts, groups, period)
    return grouping.series(ratio(p["retained"], p["customers_at_start"]), "retention_rate")


def penetration(accounts: pd.DataFrame, groups: pd.Series, period: Period) -> pd.Series:
    """METRICS.md Market penetration: customers at the end of P.end ÷ all accounts."""
    grouping, p = _acc_parts(accounts, groups, period)
    return grouping.series(ratio(p["customers_at_end"], p["accounts"]), "penetration")


def revenue_penetration(
    accounts: pd.DataFrame,
    opportunities: pd.DataFrame,
    groups: pd.Series,
    period: Period,
    as_of: date,
) -> pd.Series:
    """METRICS.md Revenue penetration: T12 Bookings ÷ Σ annual potential of the accounts."""
    grouping, p = _opp_parts(opportunities, groups, period, as_of)
    _, a = _acc_parts(accounts, groups, period)
    return grouping.series(ratio(p["bookings_t12"], a["potential"]), "revenue_penetration")
