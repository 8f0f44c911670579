"""A rep's own scorecard: their KPIs, trend, standing among peers and the
accounts that matter, every figure from the KPI core.

The peer standing is a percentile, never a list: a rep sees how many peers
they are ahead of, not who those peers are or what they booked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from dashboard.metrics.frames import Frames
from dashboard.metrics.kpi_table import kpi_table, quarterly_series
from dashboard.metrics.periods import Period, to_day
from dashboard.views import drilldown

#: the bookings share the "top accounts" list covers (METRICS.md 80/20)
TOP_SHARE = 0.8


@dataclass(frozen=True)
class Scorecard:
    rep_id: str
    rep_name: str
    territory_id: str | None
    territory_name: str | None
    #: the rep's row of the ``kpis`` table (rep level) for the period
    kpis: pd.Series
    #: share of peers (other reps with an attainment) this rep is ahead of;
    #: None when there is nobody to compare with or no attainment
    percentile: float | None
    peers: int
    trend: pd.DataFrame
    top_accounts: pd.DataFrame
    overdue_deals: pd.DataFrame
    lapsed_customers: pd.DataFrame


def peer_percentile(attainment_by_rep: pd.Series, rep_id: str) -> tuple[float | None, int]:
    """(share of other reps with a lower attainment, how many others have one).

    Ties count half, the usual percentile-rank convention, so two reps level
    with each other both sit at 50% of a two-person field."""
    known = attainment_by_rep.dropna()
    if rep_id not in known.index:
        return None, int(len(known))
    mine = known[rep_id]
    others = known.drop(rep_id).to_numpy(dtype="float64")
    if not len(others):
        return None, 0
    ahead = (others < mine).sum() + 0.5 * (others == mine).sum()
    return float(ahead / len(others)), int(len(others))


def top_accounts(book: pd.DataFrame, share: float = TOP_SHARE) -> pd.DataFrame:
    """The fewest biggest accounts whose T12 Bookings reach ``share`` of the
    territory's T12 Bookings (``book`` sorted biggest first, as
    ``drilldown.account_table`` returns it). Empty when nothing was booked."""
    booked = book[book["t12_bookings"] > 0]
    total = booked["t12_bookings"].sum()
    if total <= 0:
        return booked.iloc[:0].assign(cumulative_share=pd.Series(dtype="float64"))
    cumulative = booked["t12_bookings"].cumsum().to_numpy() / total
    # the first position at which the running share reaches the target
    count = int(np.searchsorted(cumulative, share - 1e-12) + 1)
    out = booked.iloc[:count].copy()
    out["cumulative_share"] = cumulative[:count]
    return out.reset_index(drop=True)


def build(frames: Frames, rep_id: str, period: Period, as_of: date,
          restated: bool = False) -> Scorecard | None:
    """The scorecard of ``rep_id`` (None when there is no such rep): as
    credited (METRICS.md "Alignment history"), or ``restated``."""
    if rep_id not in frames.reps.index:
        return None
    rep = frames.reps.loc[rep_id]
    reps = kpi_table(frames, period, as_of, "rep", restated=restated).set_index("id")
    row = reps.loc[rep_id]
    territory = rep["territory_id"] if isinstance(rep["territory_id"], str) else None
    # peers are reps who own a territory: an unassigned rep has no attainment
    owners = frames.reps.index[frames.reps["territory_id"].notna()]
    percentile, peers = peer_percentile(reps["attainment"].reindex(owners), rep_id)
    if territory is None:
        empty = drilldown.account_table(frames.accounts.iloc[:0],
                                        frames.opportunities.iloc[:0], period, as_of)
        return Scorecard(rep_id, str(rep["rep_name"]), None, None, row, percentile, peers,
                         quarterly_series(frames, [], drilldown.recent_quarters(as_of), as_of,
                                          restated=restated),
                         top_accounts(empty), _overdue(frames.opportunities.iloc[:0], as_of),
                         empty.iloc[:0])
    # the territory's accounts on E, with all their deals (as in the drill-down)
    accounts, opps = drilldown.territory_rows(frames, territory, None,
                                              to_day(min(period.end, as_of)))
    book = drilldown.account_table(accounts, opps, period, as_of)
    lapsed = book[book["customer"] & (book["t12_bookings"] <= 0)].reset_index(drop=True)
    return Scorecard(
        rep_id, str(rep["rep_name"]), territory,
        str(frames.territories.at[territory, "territory_name"]), row, percentile, peers,
        quarterly_series(frames, [territory], drilldown.recent_quarters(as_of), as_of,
                         restated=restated),
        top_accounts(book),
        _overdue(opps, as_of, accounts["account_name"]),
        lapsed,
    )


def _overdue(opps: pd.DataFrame, as_of: date, names: pd.Series | None = None) -> pd.DataFrame:
    names = names if names is not None else pd.Series(dtype="object")
    deals = drilldown.open_deals(opps, names, as_of)
    return deals[deals["overdue"]].reset_index(drop=True)
