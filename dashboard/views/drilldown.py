"""View model of a territory's drill-down, as plain data.

The panel's KPIs come from :func:`dashboard.metrics.kpi_table.kpi_table` (through the
overview's memoized tables) and its quarters from
:func:`dashboard.metrics.kpi_table.quarterly_series`. What is new here is per-account
detail, which METRICS.md does not aggregate: each account's trailing-12-month
Bookings (the same T12 window and `won` rule as the Concentration KPI, so the
80/20 curve reads the KPI's figure at the ⌈20%⌉ mark), its Open pipeline
(METRICS.md's: open deals closing in P, so the column adds up to the
territory's KPI) and its open deals of any close date. An open deal is
*overdue* when its expected close date is before the as-of date, as in
:mod:`dashboard.views.rankings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from dashboard.i18n.translation import _
from dashboard.metrics import kpi_cube, kpi_cube_build
from dashboard.metrics.frames import Frames, has_history, potential_estimated, territories_on
from dashboard.metrics.kpi_blocks import Window, between
from dashboard.metrics.periods import Period, from_day, quarter_of, to_day
from dashboard.views.overview import customers_at_end_of

ACCOUNT_COLUMNS = (
    "account_id", "name", "segment", "industry", "potential", "potential_note", "customer",
    "t12_bookings", "open_pipeline",
)
DEAL_COLUMNS = ("opportunity_id", "account", "amount", "stage", "close_date", "overdue")


@dataclass(frozen=True)
class TerritoryInfo:
    territory_id: str
    name: str
    region: str
    rep_name: str | None
    rep_email: str | None


def territory_info(frames: Frames, territory_id) -> TerritoryInfo | None:
    """Who and where a territory is; None for anything that is not a known id."""
    if not isinstance(territory_id, str) or territory_id not in frames.territories.index:
        return None
    row = frames.territories.loc[territory_id]
    rep_id = row.get("rep_id")
    rep_name = email = None
    if isinstance(rep_id, str) and rep_id in frames.reps.index:
        rep_name = str(frames.reps.at[rep_id, "rep_name"])
        found = frames.reps.at[rep_id, "email"]
        email = str(found) if isinstance(found, str) and found else None
    return TerritoryInfo(territory_id, str(row["territory_name"]), str(row["region"]),
                         rep_name, email)


def territory_rows(
    frames: Frames, territory_id: str, segment: str | None, day: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The territory's accounts (of one segment when given) and their opportunities.

    The accounts are those of the latest alignment, or, when ``day`` is given
    and the frames hold alignment history, METRICS.md "the territory's
    accounts on d" (the drill-down's day is E, for both readings: open
    pipeline and the account sets are read on E), with all their deals
    wherever those were credited."""
    agg = kpi_cube.aggregates_of(frames)
    if day is not None and has_history(frames):
        code = frames.accounts["territory_id"].dtype.categories.get_indexer([territory_id])[0]
        keep = territories_on(frames, day) == code
        if segment is not None:
            keep &= (frames.accounts["segment"] == segment).to_numpy()
        positions = np.flatnonzero(keep & (code >= 0))
        accounts = frames.accounts.iloc[positions]
        if agg is not None:
            return accounts, frames.opportunities.iloc[
                np.sort(kpi_cube_build.members(agg.opp_order, agg.opp_starts, positions))]
        opps = frames.opportunities
        return accounts, opps[opps["account_id"].isin(accounts.index).to_numpy()]
    if agg is not None:  # a slice of the index, not a comparison of every row
        accounts, opps = kpi_cube.territory_positions(agg, [territory_id], segment)
        return frames.accounts.iloc[accounts], frames.opportunities.iloc[opps]
    accounts = frames.accounts[frames.accounts["territory_id"] == territory_id]
    if segment is not None:
        accounts = accounts[accounts["segment"] == segment]
    opps = frames.opportunities
    opps = opps[(opps["territory_id"] == territory_id).to_numpy()]
    return accounts, opps[opps["account_id"].isin(accounts.index)]


def account_table(
    accounts: pd.DataFrame, opps: pd.DataFrame, period: Period, as_of: date
) -> pd.DataFrame:
    """One row per account: T12 Bookings (METRICS.md T12 ending on E), Open
    pipeline (METRICS.md: open deals with close date in P, the same rule as
    the KPI strip and the stage chart beside the grid, so the column sums to
    the territory's figure) and whether it is a customer at the end of E.
    Biggest first."""
    window = Window.of(period, as_of)
    close = opps["close_on"].to_numpy(dtype="float64")
    status = opps["status"].to_numpy()
    won_t12 = (status == "won") & between(close, window.t12_start, window.e)
    open_in_p = (status == "open") & between(close, window.start, window.end)
    amount = opps["amount"].to_numpy(dtype="float64")
    by_account = pd.DataFrame({
        "account_id": opps["account_id"].to_numpy(),
        "t12": np.where(won_t12, amount, 0.0),
        "open": np.where(open_in_p, amount, 0.0),
    }).groupby("account_id", sort=False)[["t12", "open"]].sum()
    customer = customers_at_end_of(accounts, window.e)
    ids = accounts.index
    out = pd.DataFrame({
        "account_id": ids.astype(str),
        "name": accounts["account_name"].astype(str).to_numpy(),
        "segment": accounts["segment"].astype(str).to_numpy(),
        "industry": accounts["industry"].astype(str).to_numpy(),
        "potential": accounts["annual_potential"].to_numpy(dtype="float64"),
        "potential_estimated": potential_estimated(accounts),
        "customer": customer,
        "t12_bookings": by_account["t12"].reindex(ids, fill_value=0.0).to_numpy(),
        "open_pipeline": by_account["open"].reindex(ids, fill_value=0.0).to_numpy(),
    })
    return out.sort_values(["t12_bookings", "open_pipeline", "account_id"],
                           ascending=[False, False, True], kind="stable").reset_index(drop=True)


def potential_notes(estimated) -> np.ndarray:
    """The word shown beside an estimated potential ("" beside one given), in
    the request's language."""
    return np.where(np.asarray(estimated, dtype=bool), _("estimated"), "")


def concentration_curve(t12_bookings) -> pd.DataFrame:
    """The 80/20 (Lorenz-style) curve over accounts with T12 Bookings > 0.

    Accounts sorted biggest first; row k is (k ÷ n, share of T12 Bookings of
    the top k), starting at (0, 0). Empty when no account booked anything.
    """
    values = np.asarray(t12_bookings, dtype="float64")
    values = np.sort(values[values > 0])[::-1]
    if not len(values):
        return pd.DataFrame({"account_share": [], "bookings_share": []}, dtype="float64")
    count = len(values)
    return pd.DataFrame({
        "account_share": np.arange(count + 1) / count,
        "bookings_share": np.concatenate([[0.0], np.cumsum(values) / values.sum()]),
    })


def open_deals(
    opps: pd.DataFrame, account_names: pd.Series, as_of: date
) -> pd.DataFrame:
    """Open deals, soonest expected close first; overdue when that date is past."""
    open_rows = opps[(opps["status"] == "open").to_numpy()]
    close = open_rows["close_on"].to_numpy(dtype="float64")
    out = pd.DataFrame({
        "opportunity_id": open_rows["opportunity_id"].astype(str).to_numpy(),
        "account": open_rows["account_id"].map(account_names).astype(str).to_numpy(),
        "amount": open_rows["amount"].to_numpy(dtype="float64"),
        "stage": open_rows["stage"].astype(str).to_numpy(),
        "close_day": close,
        "overdue": close < to_day(as_of),
    })
    out = out.sort_values(["close_day", "amount", "opportunity_id"],
                          ascending=[True, False, True], kind="stable").reset_index(drop=True)
    out["close_date"] = [from_day(d).isoformat() if np.isfinite(d) else None
                         for d in out["close_day"]]
    return out[list(DEAL_COLUMNS)]


def recent_quarters(as_of: date, count: int = 8) -> list[tuple[int, int]]:
    """The ``count`` quarters ending with the one holding the as-of date, oldest first."""
    year, quarter = quarter_of(as_of)
    found = []
    for _step in range(count):
        found.append((year, quarter))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return found[::-1]


def book_summary(accounts: pd.DataFrame, deals: pd.DataFrame) -> dict:
    """Counts and sums of an ``account_table`` and its ``open_deals``."""
    overdue = deals[deals["overdue"]]
    return {
        "accounts": len(accounts),
        "customers": int(accounts["customer"].sum()),
        "potential": float(accounts["potential"].fillna(0).sum()),
        "estimated_potentials": int(accounts["potential_estimated"].sum()),
        "t12_bookings": float(accounts["t12_bookings"].sum()),
        "buying_accounts": int((accounts["t12_bookings"] > 0).sum()),
        "open_deals": len(deals),
        "open_amount": float(deals["amount"].sum()),
        "overdue_deals": len(overdue),
        "overdue_amount": float(overdue["amount"].sum()),
    }


def grid_view(table: pd.DataFrame) -> pd.DataFrame:
    """Yes/no flags as words for a table widget (a grid would draw checkboxes),
    in the request's language."""
    out = table.copy()
    if "customer" in out:
        out["customer"] = np.where(out["customer"], _("Yes"), _("No"))
    if "overdue" in out:
        out["overdue"] = np.where(out["overdue"], _("Overdue"), "")
    if "potential_estimated" in out:
        out["potential_note"] = potential_notes(out["potential_estimated"])
    return out
