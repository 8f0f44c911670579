"""METRICS.md "Balance and workload": how evenly an alignment spreads the work.

Territory figures (accounts, potential, travel, workload) are computed for
every territory of the frames in one groupby; the balance statistics take
any per-territory metric, so the same functions rate accounts, potential or
workload. County areas come in as an argument (county_fips -> km²) so this
module does not depend on where geography is loaded from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from dashboard.metrics.frames import Frames
from dashboard.metrics.periods import to_day

#: Beardwood–Halton–Hammersley constant for one tour through n random points.
TRAVEL_CONSTANT = 0.7124

#: Zoltners & Sinha's usual bar for a balanced alignment.
BALANCE_TOLERANCE = 0.15


@dataclass(frozen=True)
class WorkloadWeights:
    """METRICS.md Workload index weights; the default is accounts × 1 + travel ÷ 50."""

    accounts: float = 1.0
    travel_km: float = 1 / 50
    potential: float = 0.0


DEFAULT_WEIGHTS = WorkloadWeights()


def travel_estimate(accounts: np.ndarray | pd.Series, area_km2: np.ndarray | pd.Series):
    """METRICS.md Travel estimate: 0.7124 × √(n × A) km.

    The BHH length of one tour through n points spread over area A; it grows
    with both the account count and the ground to cover.
    """
    n = np.asarray(accounts, "float64")
    return TRAVEL_CONSTANT * np.sqrt(n * np.asarray(area_km2, "float64"))


def territory_workload(
    frames: Frames, areas: pd.Series, weights: WorkloadWeights = DEFAULT_WEIGHTS
) -> pd.DataFrame:
    """METRICS.md Accounts, Potential, Travel estimate and Workload index per territory.

    Indexed by every territory_id in the frames (an empty territory has 0
    accounts and 0 workload). A = Σ area of the counties aligned to the
    territory; a county missing from ``areas`` adds nothing, because an
    unknown area should not blank the whole territory's workload. Accounts
    placed by a named-account override count in n but bring no area, as
    METRICS.md defines A over the territory's own units.
    """
    tids = pd.Index(frames.territories["territory_id"].to_numpy())
    accounts = frames.accounts
    by_territory = accounts.groupby("territory_id", sort=False)["annual_potential"]
    count = by_territory.size().reindex(tids, fill_value=0).astype("int64")
    potential = by_territory.sum().reindex(tids, fill_value=0.0)
    alignment = frames.alignment["territory_id"]
    county_area = areas.reindex(alignment.index).to_numpy("float64")
    area = pd.Series(county_area).groupby(alignment.to_numpy()).sum()
    area = area.reindex(tids, fill_value=0.0)
    travel = travel_estimate(count.to_numpy(), area.to_numpy())
    workload = (
        weights.accounts * count.to_numpy()
        + weights.travel_km * travel
        + weights.potential * potential.to_numpy()
    )
    return pd.DataFrame(
        {
            "accounts": count.to_numpy(),
            "potential": potential.to_numpy("float64"),
            "area_km2": area.to_numpy("float64"),
            "travel_km": travel,
            "workload": workload,
        },
        index=tids,
    )


def _values(metric) -> np.ndarray:
    values = np.asarray(metric, dtype="float64")
    return values[~np.isnan(values)]


def balance_index(metric) -> float:
    """METRICS.md Balance index: 1 − standard deviation ÷ mean over territories.

    Uses the population standard deviation (ddof=0): the territories are the
    whole alignment, not a sample of one. Missing when there is no territory
    or the mean is 0.
    """
    values = _values(metric)
    if len(values) == 0 or values.mean() == 0:
        return float("nan")
    return float(1 - values.std(ddof=0) / values.mean())


def share_within(metric, tolerance: float = BALANCE_TOLERANCE) -> float:
    """METRICS.md Within ±15%: share of territories whose metric is within 15% of the mean."""
    values = _values(metric)
    if len(values) == 0:
        return float("nan")
    mean = values.mean()
    # a hair of slack so a value exactly on the ±15% boundary counts as inside
    inside = np.abs(values - mean) <= tolerance * abs(mean) * (1 + 1e-12)
    return float(inside.mean())


def max_min_ratio(metric) -> float:
    """Largest ÷ smallest territory; missing when the smallest is 0 (the ratio is unbounded)."""
    values = _values(metric)
    if len(values) == 0 or values.min() == 0:
        return float("nan")
    return float(values.max() / values.min())


def gini(metric) -> float:
    """Gini coefficient: 0 when every territory holds the same, → 1 as one holds it all.

    Mean absolute difference ÷ (2 × mean), computed from the sorted values
    (Σ (2i − n − 1) x₍ᵢ₎ ÷ (n Σ x)) so it is O(n log n). Missing when the total is 0.
    """
    values = np.sort(_values(metric))
    n, total = len(values), values.sum() if len(values) else 0.0
    if n == 0 or total == 0:
        return float("nan")
    rank = np.arange(1, n + 1)
    return float(((2 * rank - n - 1) * values).sum() / (n * total))


def balance_summary(metric, tolerance: float = BALANCE_TOLERANCE) -> dict[str, float]:
    """Every balance statistic of one per-territory metric, for the balance view."""
    return {
        "balance_index": balance_index(metric),
        "within_tolerance": share_within(metric, tolerance),
        "max_min_ratio": max_min_ratio(metric),
        "gini": gini(metric),
    }


def disruption(
    frames: Frames, before: pd.Series, after: pd.Series, as_of: date
) -> dict[str, float]:
    """METRICS.md Disruption: what share of the business changes territory.

    ``before`` and ``after`` map account_id to effective territory under two
    alignments. Returns the moved share of trailing-12-month Bookings (won,
    closing in the 365 days ending on ``as_of``), of accounts, and of open
    pipeline (every open opportunity: a move hands over all of it, whatever
    its close date). An account unaligned in both is not moved; one that
    gains or loses a territory is. Each share is missing when its total is 0.
    """
    ids = frames.accounts.index
    old = before.reindex(ids)
    new = after.reindex(ids)
    moved = (~(old.eq(new).fillna(False) | (old.isna() & new.isna()))).to_numpy(bool)

    opps = frames.opportunities
    position = ids.get_indexer(opps["account_id"])
    opp_moved = np.append(moved, False)[position]
    amount = opps["amount"].to_numpy("float64")
    close = opps["close_on"].to_numpy("float64")
    last = to_day(as_of)
    first = to_day(as_of - timedelta(days=364))
    status = opps["status"].to_numpy(object)
    t12 = (status == "won") & (close >= first) & (close <= last)
    open_ = status == "open"
    return {
        "bookings": _share(amount, t12 & opp_moved, t12),
        "accounts": _share(np.ones(len(moved)), moved, np.ones(len(moved), bool)),
        "pipeline": _share(amount, open_ & opp_moved, open_),
    }


def _share(weights: np.ndarray, part: np.ndarray, whole: np.ndarray) -> float:
    total = weights[whole].sum()
    return float(weights[part].sum() / total) if total else float("nan")
