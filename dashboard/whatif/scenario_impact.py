"""What a scenario does: before/after figures, fairness, disruption, per-rep impact.

Every figure comes from the functions that define it elsewhere: accounts,
potential, travel and workload from :func:`dashboard.metrics.balance.territory_workload`,
quota, open pipeline, projected attainment and trailing-12-month bookings from
:func:`dashboard.metrics.kpi_table.kpi_table`, the fairness card from
:func:`dashboard.metrics.balance.balance_summary` and disruption from
:func:`dashboard.metrics.balance.disruption`; this module only lines them up.

Speed: a territory no change reaches has the same figures before and after,
so the "after" side recomputes only the touched territories, on frames cut
down to their rows, and the "before" side is computed once per frames.
Slider (a), :func:`handover`, lives here too: it reads the scenario's frames
and answers with more :class:`~dashboard.whatif.changeset.Changes`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from dashboard.i18n.translation import _
from dashboard.metrics import kpi_cube
from dashboard.metrics.balance import (
    DEFAULT_WEIGHTS,
    WorkloadWeights,
    balance_summary,
    disruption,
    territory_workload,
)
from dashboard.metrics.frames import Frames, latest_alignment, potential_estimated
from dashboard.metrics.kpi_blocks import Grouping, Window, ratio
from dashboard.metrics.kpi_table import group_figures, kpi_table
from dashboard.metrics.periods import Period, trailing_twelve_months
from dashboard.whatif.changeset import Changes, LockedError, index_of, scenario_codes

#: Per-territory figures of the before/after table, in display order.
FIGURES = ("accounts", "potential", "workload", "travel_km", "t12_bookings",
           "open_pipeline", "quota", "projected_attainment")
#: Metrics the fairness card can rate.
BALANCE_METRICS = ("potential", "workload", "score")


def balance_score(workload_frame: pd.DataFrame, potential_weight: float) -> pd.Series:
    """Slider (c): w × potential ÷ mean potential + (1 − w) × workload ÷ mean workload.

    METRICS.md Balance and workload rates one metric at a time; the slider
    blends the two a manager trades off, each scaled by its mean so neither
    unit (money, accounts) dominates. A term whose mean is 0 is missing.
    """
    if not 0 <= potential_weight <= 1:
        got = potential_weight  # the callers clamp the slider: a programmer's error
        raise ValueError(f"potential weight must be between 0 and 1, got {got}")  # i18n: not shown
    potential = workload_frame["potential"].astype("float64")
    workload = workload_frame["workload"].astype("float64")
    scaled_potential = pd.Series(ratio(potential, potential.mean()), index=potential.index)
    scaled_workload = pd.Series(ratio(workload, workload.mean()), index=workload.index)
    score = potential_weight * scaled_potential + (1 - potential_weight) * scaled_workload
    # a weight of 0 or 1 ignores the other term entirely, even when it is missing
    if potential_weight == 1:
        score = scaled_potential
    elif potential_weight == 0:
        score = scaled_workload
    return score.rename("score")


def territory_figures(frames: Frames, areas: pd.Series, period: Period, as_of: date,
                      weights: WorkloadWeights = DEFAULT_WEIGHTS,
                      territory_ids: list[str] | None = None) -> pd.DataFrame:
    """The :data:`FIGURES` per territory (index territory_id), plus the bookings
    and weighted pipeline of the period that the alignment total needs.

    With ``territory_ids`` only those territories (a territory's figures depend
    on nothing else): their KPIs from the frames' aggregates when they carry
    them (any set of territories costs the same there), else from their own
    rows. The workload is one pass over the accounts either way."""
    # restated under the alignment being viewed (METRICS.md), like the scenario's side
    kpi_frames = latest_alignment(frames)
    if territory_ids is not None and kpi_cube.aggregates_of(frames) is None:
        kpi_frames = _rows_of(kpi_frames, _accounts_of(frames, territory_ids))
    work = territory_workload(frames, areas, weights)
    table = kpi_table(kpi_frames, period, as_of, territory_ids=territory_ids).set_index("id")
    t12 = kpi_table(kpi_frames, trailing_twelve_months(as_of), as_of,
                    territory_ids=territory_ids).set_index("id")
    tids = pd.Index(territory_ids if territory_ids is not None else work.index)
    figures = work.reindex(tids)[["accounts", "potential", "workload", "travel_km"]].copy()
    figures["estimated_potentials"] = estimated_potentials(frames).reindex(tids, fill_value=0)
    figures["t12_bookings"] = t12["bookings"].reindex(tids)
    for column in ("open_pipeline", "quota", "projected_attainment", "bookings",
                   "weighted_pipeline"):
        figures[column] = table[column].reindex(tids)
    return figures


def estimated_potentials(frames: Frames) -> pd.Series:
    """How many accounts of each territory have an annual potential estimated
    at import (``accounts.potential_estimated``): their potential figure holds
    estimates."""
    accounts = frames.accounts
    flags = pd.Series(potential_estimated(accounts), index=accounts.index)
    return flags.groupby(accounts["territory_id"], observed=True).sum().astype("int64")


def _accounts_of(frames: Frames, territory_ids: list[str]) -> np.ndarray:
    """Positions of the accounts of some territories."""
    codes = frames.accounts["territory_id"].dtype.categories.get_indexer(territory_ids)
    return np.flatnonzero(np.isin(frames.accounts["territory_id"].cat.codes.to_numpy(), codes))


def _rows_of(frames: Frames, accounts: np.ndarray) -> Frames:
    """Some accounts (positions) and their opportunities, found through the index."""
    rows = index_of(frames).opportunities_of(accounts)
    return replace(frames, accounts=frames.accounts.iloc[accounts],
                   opportunities=frames.opportunities.iloc[rows])


def _account_codes(before: Frames, after: Frames) -> tuple[np.ndarray, np.ndarray]:
    """Every account's territory before and after, as codes of the before frames'
    territories (-1 = none)."""
    dtype = before.accounts["territory_id"].dtype
    new = after.accounts["territory_id"]
    new = (new.cat.codes.to_numpy() if new.dtype == dtype
           else pd.Categorical(new.astype(object), dtype=dtype).codes)
    return before.accounts["territory_id"].cat.codes.to_numpy(), new


def _moved_accounts(before: Frames, after: Frames) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(positions of the accounts in another territory after, their codes before and
    after)."""
    old, new = _account_codes(before, after)
    moved = np.flatnonzero(old != new)
    return moved, old[moved], new[moved]


def touched_territories(before: Frames, after: Frames) -> list[str]:
    """Territories whose accounts, counties or quota differ between the frames."""
    _, old, new = _moved_accounts(before, after)
    codes = np.union1d(old, new)
    touched = set(before.accounts["territory_id"].dtype.categories[codes[codes >= 0]])
    align_old, align_new = (f.alignment["territory_id"] for f in (before, after))
    counties = align_old.index.union(align_new.index)
    align_old, align_new = align_old.reindex(counties), align_new.reindex(counties)
    differ = ~(align_old.isna() & align_new.isna()) & (align_old != align_new)
    touched |= set(align_old[differ]) | set(align_new[differ])
    if before.zip_alignment is not after.zip_alignment:  # a ZIP moved (issue 19)
        zip_old, zip_new = (f.zip_alignment["territory_id"] for f in (before, after))
        moved = zip_new.index.difference(zip_old.index).union(
            zip_old.index[zip_old.ne(zip_new.reindex(zip_old.index)).to_numpy()])
        touched |= set(zip_new.reindex(moved).dropna())
        touched |= {t for t in zip_old.reindex(moved) if isinstance(t, str)}
    if before.quotas is not after.quotas:
        quota_old = before.quotas.groupby("territory_id", observed=True)["amount"].sum()
        quota_new = after.quotas.groupby("territory_id", observed=True)["amount"].sum()
        both = quota_old.index.union(quota_new.index)
        differ = quota_old.reindex(both, fill_value=0) != quota_new.reindex(both, fill_value=0)
        touched |= set(both[differ])
    order = before.territories["territory_id"]
    return [t for t in order if t in touched]


@dataclass(frozen=True)
class BeforeAfter:
    """What a scenario changes, for the before/after view.

    territories: one row per territory, ``<figure>_before/_after/_delta``;
    touched: territory ids whose accounts, counties or quota changed;
    totals: index figure, columns before/after/delta, for the whole alignment;
    fairness: index balance statistic, columns before/after/delta, of ``metric``;
    disruption: METRICS.md Disruption shares (accounts, bookings, pipeline).
    """

    territories: pd.DataFrame
    touched: list[str]
    totals: pd.DataFrame
    metric: str
    fairness: pd.DataFrame
    disruption: dict[str, float]


def before_after(before: Frames, after: Frames, areas: pd.Series, period: Period,
                 as_of: date, weights: WorkloadWeights = DEFAULT_WEIGHTS, *,
                 metric: str = "potential", potential_weight: float = 0.5) -> BeforeAfter:
    """Before/after figures of a scenario (issue 5 part 2).

    ``metric`` picks what the fairness card rates: potential, workload, or the
    slider-(c) blend ``score`` with ``potential_weight``. Disruption counts
    all open pipeline (METRICS.md: a move hands over all of it), while the
    per-territory open pipeline is the period's KPI.
    """
    if metric not in BALANCE_METRICS:
        known = ", ".join(BALANCE_METRICS)
        raise ValueError(f"metric must be one of {known}, got {metric!r}")  # i18n: not shown
    key = ("before_after_figures", period, as_of, weights)
    cached_areas, old = before.derived(key, lambda: (
        areas, territory_figures(before, areas, period, as_of, weights)))
    if cached_areas is not areas and not cached_areas.equals(areas):
        old = territory_figures(before, areas, period, as_of, weights)
    touched = touched_territories(before, after)
    new = old.copy()
    if touched:
        new.loc[touched] = territory_figures(after, areas, period, as_of, weights,
                                             territory_ids=touched)
    table = before.territories[["territory_id", "territory_name"]].rename(
        columns={"territory_name": "name"}).reset_index(drop=True)
    table["rep_name"] = (before.territories["rep_name"].to_numpy(object)
                         if "rep_name" in before.territories else None)
    for figure in FIGURES:
        table[f"{figure}_before"] = old[figure].to_numpy("float64")
        table[f"{figure}_after"] = new[figure].to_numpy("float64")
        table[f"{figure}_delta"] = table[f"{figure}_after"] - table[f"{figure}_before"]
    for side, figures in (("before", old), ("after", new)):
        table[f"estimated_potentials_{side}"] = figures["estimated_potentials"].to_numpy("int64")
    totals = pd.DataFrame({"before": _totals(old), "after": _totals(new)})
    totals["delta"] = totals["after"] - totals["before"]
    fairness = pd.DataFrame({
        "before": balance_summary(_metric(old, metric, potential_weight)),
        "after": balance_summary(_metric(new, metric, potential_weight)),
    })
    fairness["delta"] = fairness["after"] - fairness["before"]
    return BeforeAfter(table, touched, totals, metric, fairness,
                       _disruption(before, after, as_of))


def _totals(figures: pd.DataFrame) -> pd.Series:
    """Whole-alignment figures: sums, and projected attainment recomputed from the
    summed parts (METRICS.md aggregate-up rule: ratios are never averaged)."""
    sums = figures.sum()
    total = sums[[f for f in FIGURES if f != "projected_attainment"]].astype("float64")
    total["projected_attainment"] = float(
        ratio(sums["bookings"] + sums["weighted_pipeline"], sums["quota"]))
    return total[list(FIGURES)]


def _metric(figures: pd.DataFrame, metric: str, potential_weight: float) -> pd.Series:
    if metric == "score":
        return balance_score(figures, potential_weight)
    return figures[metric]


def _disruption(before: Frames, after: Frames, as_of: date) -> dict[str, float]:
    """balance.disruption of the two alignments, on the opportunities it counts, with
    accounts named by position and territories by code (see _disruption_frames)."""
    slim = before.derived(("disruption_rows", as_of), lambda: _disruption_frames(before, as_of))
    old, new = _account_codes(before, after)
    return disruption(slim, pd.Series(old), pd.Series(new), as_of)


def _disruption_frames(frames: Frames, as_of: date) -> Frames:
    """Only the opportunities METRICS.md Disruption weighs (open, or won in T12), and
    accounts named by their position (a RangeIndex; -1 = unknown account):
    balance.disruption then finds each row's account by arithmetic instead of
    hashing hundreds of thousands of ids, and compares territory codes. Every other
    row adds 0 to both sides of every share, so the shares are unchanged."""
    opps = frames.opportunities
    t12 = trailing_twelve_months(as_of)
    status = opps["status"].to_numpy(object)
    close = opps["close_on"].to_numpy("float64")
    counted = (status == "open") | (
        (status == "won") & (close >= t12.start_day) & (close <= t12.end_day))
    slim = pd.DataFrame({
        "account_id": index_of(frames).opportunity_account[counted].astype(np.int64),
        "amount": opps["amount"].to_numpy("float64")[counted],
        "close_on": close[counted], "status": status[counted],
    })
    accounts = pd.DataFrame(index=pd.RangeIndex(len(frames.accounts)))
    return replace(frames, accounts=accounts, opportunities=slim)


def rep_impact(before: Frames, after: Frames, period: Period, as_of: date) -> pd.DataFrame:
    """Per-rep impact (issue 5 part 3): one row per touched territory.

    Accounts gained and lost (counts, ids, names), the trailing-12-month
    Bookings and the period's Open pipeline that go with them (the kpi_table
    parts of the moved accounts alone, so gained − lost is exactly the
    territory's change), and Quota before and after. A vacant territory is
    listed with no rep: the manager still needs to see what it takes on.
    """
    touched = touched_territories(before, after)
    if not touched:
        return pd.DataFrame(columns=list(REP_IMPACT_COLUMNS))
    moved, old, new = _moved_accounts(before, after)
    moved_before, moved_after = _rows_of(before, moved), _rows_of(after, moved)
    grouping = Grouping.from_series(pd.Series(touched, index=touched))

    def parts(frames: Frames, window: Period) -> pd.DataFrame:
        # the additive parts kpi_table shows as Bookings, Open pipeline and Quota;
        # the ratios and the non-additive KPIs are not needed here
        found, _cycle, _top = group_figures(latest_alignment(frames), grouping,
                                            Window.of(window, as_of),
                                            non_additive=False)
        return found.reindex(touched)

    t12 = trailing_twelve_months(as_of)
    lost_t12 = parts(moved_before, t12)["bookings"].to_numpy()
    gained_t12 = parts(moved_after, t12)["bookings"].to_numpy()
    lost_p, gained_p = parts(moved_before, period), parts(moved_after, period)
    ids = before.accounts.index.to_numpy(object)[moved]
    names = before.accounts["account_name"].to_numpy(object)[moved]
    codes = before.accounts["territory_id"].dtype.categories.get_indexer(touched)
    owners = before.territories.set_index("territory_id").reindex(touched)
    rep_ids = owners["rep_id"] if "rep_id" in owners else pd.Series(None, index=owners.index)
    rows = []
    for i, territory in enumerate(touched):
        lost, gained = old == codes[i], new == codes[i]
        rep_id = rep_ids.iat[i]
        vacant = pd.isna(rep_id)
        rows.append({
            "rep_id": None if vacant else rep_id,
            "rep_name": None if vacant else owners["rep_name"].iat[i],
            "territory_id": territory, "territory_name": owners["territory_name"].iat[i],
            "accounts_gained": int(gained.sum()), "accounts_lost": int(lost.sum()),
            "gained_account_ids": ids[gained].tolist(),
            "gained_account_names": names[gained].tolist(),
            "lost_account_ids": ids[lost].tolist(), "lost_account_names": names[lost].tolist(),
            "t12_bookings_gained": gained_t12[i], "t12_bookings_lost": lost_t12[i],
            "open_pipeline_gained": gained_p["open_pipeline"].iat[i],
            "open_pipeline_lost": lost_p["open_pipeline"].iat[i],
            "quota_before": lost_p["quota"].iat[i], "quota_after": gained_p["quota"].iat[i],
        })
    table = pd.DataFrame(rows, columns=REP_IMPACT_COLUMNS)
    for column in ("rep_id", "rep_name", "territory_id", "territory_name"):
        # object columns with None for a vacant territory, as the Dataset holds text
        table[column] = pd.Series([row[column] for row in rows], dtype=object)
    return table


REP_IMPACT_COLUMNS = (
    "rep_id", "rep_name", "territory_id", "territory_name", "accounts_gained",
    "accounts_lost", "gained_account_ids", "gained_account_names", "lost_account_ids",
    "lost_account_names", "t12_bookings_gained", "t12_bookings_lost",
    "open_pipeline_gained", "open_pipeline_lost", "quota_before", "quota_after",
)


# -- slider (a): hand over a share of a territory ----------------------------
def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance on a 6,371 km sphere."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, "float64"))
                              for v in (lat1, lon1, lat2, lon2))
    a = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def home_base(frames: Frames, changes: Changes, territory_id: str,
              centroids: pd.DataFrame | None = None) -> tuple[float, float]:
    """The receiving rep's home (lat, lon); for a vacant territory (or a rep
    with no home recorded) the mean centroid of its counties under the changes."""
    owners = frames.territories.set_index("territory_id")
    rep_id = owners["rep_id"].get(territory_id) if "rep_id" in owners else None
    if not pd.isna(rep_id) and rep_id in frames.reps.index:
        lat, lon = frames.reps.loc[rep_id, ["home_lat", "home_lon"]].astype("float64")
        if not (np.isnan(lat) or np.isnan(lon)):
            return float(lat), float(lon)
    if centroids is None:
        from dashboard.geo.us_atlas import load_counties

        centroids = load_counties()
    alignment = frames.alignment["territory_id"].copy()
    for fips, territory in changes.county_moves.items():
        alignment[fips] = territory
    counties = alignment.index[alignment.to_numpy(object) == territory_id]
    points = centroids.reindex(counties)[["lat", "lon"]].dropna()
    if points.empty:
        raise ValueError(_("territory {territory} has no rep home and no county to measure "
                           "distance from").format(territory=territory_id))
    return float(points["lat"].mean()), float(points["lon"].mean())


def handover(frames: Frames, changes: Changes, from_tid: str, to_tid: str, share: float,
             centroids: pd.DataFrame | None = None) -> Changes:
    """Slider (a): hand ``share`` of from_tid's accounts to to_tid as account overrides.

    round(share × from_tid's accounts) accounts move, closest to to_tid's
    home base first (great-circle distance; ties and accounts without a
    position last, by account_id), so the neighbour takes the ones it can
    reach best. Locked accounts are skipped; a locked territory refuses.
    """
    if not 0 <= share <= 1:
        raise ValueError(_("share must be between 0 and 1, got {share}").format(share=share))
    if from_tid == to_tid:
        raise ValueError(_("hand over to another territory, not to the same one"))
    territory_ids = index_of(frames).territory_ids
    for territory in (from_tid, to_tid):
        if territory not in territory_ids:
            raise ValueError(_("unknown territory {territory}").format(territory=territory))
    locked = changes.locked_territories.intersection((from_tid, to_tid))
    if locked and share > 0:
        raise LockedError(_("territory {territory} is locked: nothing may move into or out "
                            "of it").format(territory=min(locked)))
    codes = scenario_codes(frames, changes)
    mine = np.flatnonzero(codes == territory_ids.get_loc(from_tid))
    count = math.floor(round(share * len(mine), 9) + 0.5)
    if count == 0:
        return changes
    ids = frames.accounts.index.to_numpy(object)[mine]
    free = ~np.isin(ids, list(changes.locked_accounts))
    mine, ids = mine[free], ids[free]
    lat, lon = home_base(frames, changes, to_tid, centroids)
    distance = haversine_km(lat, lon, frames.accounts["lat"].to_numpy("float64")[mine],
                            frames.accounts["lon"].to_numpy("float64")[mine])
    distance = np.where(np.isnan(distance), np.inf, distance)
    order = np.lexsort((ids.astype(str), distance))[:count]
    return changes.override_accounts(frames, ids[order].tolist(), to_tid)
