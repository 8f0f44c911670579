"""Additive parts of the METRICS.md Period KPIs, and the ratios built from them.

METRICS.md's "aggregate up" rule says ratios are recomputed from summed
parts, never averaged. Splitting the arithmetic into per-group sums
(:func:`kpi_parts`) and a division step (:func:`kpis_from_parts`) makes the
rule hold by construction: a caller holding per-territory parts can
``groupby().sum()`` them to any level and divide again.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dashboard.metrics.kpi_blocks import (
    AccountRows,
    Grouping,
    OpportunityRows,
    Window,
    between,
    prorated_quota,
    ratio,
    whole_cents,
    won_in,
)
from dashboard.metrics.periods import Period

#: Additive parts, in the order :func:`kpi_parts` returns them.
PART_COLUMNS = (
    "bookings", "won_count", "lost_count", "open_pipeline", "weighted_pipeline", "quota",
    "customers_at_start", "acquired", "retained", "customers_at_end", "accounts",
    "potential", "bookings_t12", "bookings_to_date", "bookings_prior_year",
)


def opportunity_parts(rows: OpportunityRows, grouping: Grouping, window: Window) -> dict:
    """Per-group sums over opportunities that every opportunity KPI divides."""
    in_p = between(rows.close, window.start, window.end)
    won_p, open_p = rows.won & in_p, rows.open & in_p
    group, amount, money = rows.group, rows.amount, grouping.money_total
    t12 = won_in(rows, window.t12_start, window.e)
    to_date = won_in(rows, window.start, window.e)
    prior_year = won_in(rows, window.prior_start, window.prior_end)
    return {
        "bookings": money(group, won_p, amount),
        "won_count": grouping.total(group, won_p),
        "lost_count": grouping.total(group, rows.lost & in_p),
        "open_pipeline": money(group, open_p, amount),
        "weighted_pipeline": money(group, open_p, amount * rows.probability),
        "bookings_t12": money(group, t12, amount),
        "bookings_to_date": money(group, to_date, amount),
        "bookings_prior_year": money(group, prior_year, amount),
    }


def account_parts(rows: AccountRows, grouping: Grouping, window: Window) -> dict:
    """Per-group customer counts; "at start" is the end of the day before P.start."""
    at_start = rows.customer_at_end_of(window.start - 1)
    at_end = rows.customer_at_end_of(window.end)
    every = np.ones(len(rows.group), bool)
    total = grouping.total
    return {
        "customers_at_start": total(rows.group, at_start),
        "acquired": total(rows.group, between(rows.customer_since, window.start, window.end)),
        "retained": total(rows.group, at_start & at_end),
        "customers_at_end": total(rows.group, at_end),
        "accounts": total(rows.group, every),
        "potential": grouping.money_total(rows.group, every, rows.potential),
    }


def kpi_parts(
    accounts: pd.DataFrame,
    opportunities: pd.DataFrame,
    quotas: pd.DataFrame,
    groups: pd.Series,
    period: Period,
    as_of: date,
) -> pd.DataFrame:
    """Every additive part of the Period KPIs per group (columns PART_COLUMNS)."""
    grouping = Grouping.from_series(groups)
    window = Window.of(period, as_of)
    parts = opportunity_parts(OpportunityRows.of(opportunities, grouping), grouping, window)
    parts |= account_parts(AccountRows.of(accounts, grouping), grouping, window)
    parts["quota"] = prorated_quota(quotas, grouping, window.start, window.end)
    return pd.DataFrame({c: parts[c] for c in PART_COLUMNS}, index=grouping.keys)


def kpis_from_parts(parts: pd.DataFrame, period: Period, as_of: date) -> pd.DataFrame:
    """The ratio KPIs recomputed from (possibly re-aggregated) additive parts."""
    p = {c: parts[c].to_numpy(dtype="float64") for c in PART_COLUMNS}
    elapsed = time_elapsed(period, as_of)
    att = ratio(p["bookings"], p["quota"])
    left = remaining(p["bookings"], p["quota"])
    out = {
        "attainment": att,
        "time_elapsed": np.full(len(parts), elapsed),
        "pace": ratio(att, elapsed),
        "remaining_quota": left,
        "coverage": ratio(p["open_pipeline"], left),
        "projected_attainment": ratio(p["bookings"] + p["weighted_pipeline"], p["quota"]),
        "win_rate": ratio(p["won_count"], p["won_count"] + p["lost_count"]),
        "avg_deal_size": ratio(p["bookings"], p["won_count"]),
        "acquisition_rate": ratio(p["acquired"], p["customers_at_start"]),
        "retention_rate": ratio(p["retained"], p["customers_at_start"]),
        "penetration": ratio(p["customers_at_end"], p["accounts"]),
        "revenue_penetration": ratio(p["bookings_t12"], p["potential"]),
        "revenue_growth": growth(p["bookings_to_date"], p["bookings_prior_year"]),
    }
    return pd.DataFrame(out, index=parts.index)


def remaining(bookings: np.ndarray, quota: np.ndarray) -> np.ndarray:
    """METRICS.md Remaining quota: max(Quota − Bookings, 0); over-delivery leaves none.

    When both sums are whole cents the exact difference is too, so it is
    snapped to cents rather than printed with float noise (money is unrounded).
    """
    left = np.maximum(quota - bookings, 0.0)
    exact = whole_cents(bookings) & whole_cents(quota)
    return np.where(exact, np.round(left * 100) / 100, left)


def growth(current: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """METRICS.md Revenue growth from its two sums; missing without prior-year Bookings."""
    return ratio(current - prior, prior)


def time_elapsed(period: Period, as_of: date) -> float:
    """METRICS.md Time elapsed: (as-of − start + 1) ÷ (end − start + 1), clamped to [0, 1].

    It depends on the period alone, so it is one number for every group.
    """
    return min(max(((as_of - period.start).days + 1) / period.days, 0.0), 1.0)
