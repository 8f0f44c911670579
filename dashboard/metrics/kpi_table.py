"""The DATA_FORMAT.md ``kpis`` table: every METRICS.md Period KPI for one level.

A level (territory, rep, region or any level of levels.csv, company) is only
a ``groups`` mapping from territory_id to an entity key, so all share one
computation and the
METRICS.md "aggregate up" rule (sum the parts, recompute the ratios) holds at
every level. Rows, masks and group positions are built once per table, not
once per KPI, which is what keeps the view inside its time budget.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd

from dashboard.i18n.translation import N_
from dashboard.metrics import frames as frames_module
from dashboard.metrics import kpi_cube, kpi_cube_build
from dashboard.metrics.frames import Frames
from dashboard.metrics.kpi_blocks import (
    AccountRows,
    Grouping,
    OpportunityRows,
    Window,
    between,
    median_cycle,
    prorated_quota,
    ratio,
    top_share,
    won_in,
)
from dashboard.metrics.kpi_parts import (
    PART_COLUMNS,
    account_parts,
    kpis_from_parts,
    opportunity_parts,
    time_elapsed,
)
from dashboard.metrics.periods import Period, quarter_bounds, quarter_label, to_day

LEVELS = ("territory", "rep", "region", "company")
#: the company row's name is data (cached across languages): views that
#: show it translate it with ``_(COMPANY_NAME)``
COMPANY_ID, COMPANY_NAME = "company", N_("All territories")

#: DATA_FORMAT.md `kpis` columns, in order.
KPI_COLUMNS = (
    "id", "name", "bookings", "quota", "attainment", "time_elapsed", "pace",
    "open_pipeline", "weighted_pipeline", "remaining_quota", "coverage",
    "projected_attainment", "win_rate", "avg_deal_size", "sales_cycle_days",
    "customers_at_start", "acquisition_rate", "retention_rate", "penetration",
    "revenue_penetration", "revenue_growth", "concentration_top20",
)


class UnknownLevel(ValueError):
    """A ``kpis --level`` that is neither a built-in level nor one of the data's."""


def level_names(frames: Frames) -> list[str]:
    """Every level a KPI table can have: territory, rep, the levels above the
    territory bottom first (district..., region), company."""
    return ["territory", "rep", *frames_module.hierarchy_of(frames).columns, "company"]


def level_groups(
    frames: Frames, level: str, territory_ids: Iterable[str] | None = None
) -> tuple[pd.Series, pd.DataFrame]:
    """(territory_id -> entity id, entities with id and name) for a level.

    A rep's figures are those of the territory they own, so a rep is reached
    through the owner's territory; reps owning none are still listed (their
    sums are 0) unless the view is filtered to particular territories.
    """
    if level not in LEVELS and level not in frames_module.hierarchy_of(frames).columns:
        known = ", ".join(level_names(frames))
        raise UnknownLevel(f"level must be one of {known}, got {level!r}")  # i18n: not shown
    territories = frames.territories
    if territory_ids is not None:
        territories = territories[territories["territory_id"].isin(list(territory_ids))]
    tids = territories["territory_id"]
    if level == "territory":
        groups = pd.Series(tids.to_numpy(), index=tids.to_numpy())
        names = territories["territory_name"].to_numpy()
        entities = pd.DataFrame({"id": tids.to_numpy(), "name": names})
    elif level not in ("company", "rep"):  # region, district...: storage.hierarchy
        member = frames_module.hierarchy_of(frames)
        groups = pd.Series(member[level].reindex(tids.astype(str)).to_numpy(),
                           index=tids.to_numpy())
        units = pd.unique(groups.dropna().to_numpy())
        listed = frames_module.level_units(frames)
        listed = listed.loc[listed["level"] == level]
        names = dict(zip(listed["unit_id"], listed["unit_name"], strict=True))
        entities = pd.DataFrame({"id": units, "name": [names.get(u, u) for u in units]})
    elif level == "company":
        groups = pd.Series(COMPANY_ID, index=tids.to_numpy())
        entities = pd.DataFrame({"id": [COMPANY_ID], "name": [COMPANY_NAME]})
    else:
        reps = frames.reps
        owned = reps.dropna(subset=["territory_id"]).drop_duplicates("territory_id")
        owned = owned[owned["territory_id"].isin(tids)]
        groups = pd.Series(owned["rep_id"].to_numpy(), index=owned["territory_id"].to_numpy())
        if territory_ids is not None:
            reps = owned
        entities = pd.DataFrame(
            {"id": reps["rep_id"].to_numpy(), "name": reps["rep_name"].to_numpy()}
        )
    entities = entities.astype({"id": "str", "name": "str"})
    return groups, entities.sort_values("id", kind="stable").reset_index(drop=True)


def filtered_rows(
    frames: Frames, segment: str | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Accounts (and their opportunities) of one segment; all of them when None.

    Quota follows the segment separately (:func:`prorated_quota`).
    """
    if segment is None:
        return frames.accounts, frames.opportunities
    accounts = frames.accounts[frames.accounts["segment"] == segment]
    opps = frames.opportunities
    return accounts, opps[opps["account_id"].isin(accounts.index)]


def group_figures(
    frames: Frames,
    grouping: Grouping,
    window: Window,
    segment: str | None = None,
    non_additive: bool = True,
    restated: bool = False,
    restate_day: int | None = None,
) -> tuple[pd.DataFrame, np.ndarray | None, np.ndarray | None]:
    """(additive parts per group key, sales cycle, concentration) for one window.

    From the precomputed aggregates when the frames have them
    (:mod:`dashboard.metrics.kpi_cube`, the service's shared frames), else by scanning
    rows; both give the same numbers.

    METRICS.md "Alignment history": *as credited* by default, ``restated``
    (everything by the alignment in force on E) on request. Both are the
    latest alignment (``accounts.territory_id``, what the cube is built on)
    unless the frames hold a dated change after the first day the window
    reads; then the figures come from the rows, each read on its own day
    (:func:`_historic_parts`). ``restate_day`` (a day number) restates under
    the alignment of that day instead of E's: a view's quarters restated to
    the one alignment the view is read under.
    """
    history = frames_module.history_of(frames)
    restate_day = restate_day if restated and restate_day is not None else window.e
    if history is not None and history.last_change > _first_relevant_day(window, restated,
                                                                          restate_day):
        parts, cycle, top = _historic_parts(frames, history, grouping, window, segment,
                                            restated, non_additive, restate_day)
        parts["quota"] = prorated_quota(frames.quotas, grouping, window.start, window.end,
                                        None, segment)
        return pd.DataFrame({c: parts[c] for c in PART_COLUMNS}, index=grouping.keys), cycle, top
    agg = kpi_cube.aggregates_of(frames)
    cube = None if agg is None else agg.cube(segment)
    cycle = top = quota_at = None
    if cube is not None:
        by_code = kpi_cube.territory_lookup(agg, grouping)
        parts = kpi_cube.opportunity_parts(cube, by_code, grouping, window)
        from_accounts = kpi_cube.account_parts(agg, by_code, grouping, window, segment)
        if from_accounts is None:
            from_accounts = account_parts(kpi_cube.account_rows(agg, by_code, segment),
                                          grouping, window)
        parts |= from_accounts
        if non_additive:
            cycle = kpi_cube.median_cycle_of_groups(agg, by_code, grouping, window, segment)
            if cycle is None:
                won_group = kpi_cube.won_group(agg, by_code, segment)
                cycle = kpi_cube.median_cycle(agg, won_group, grouping, window)
            top = kpi_cube.top_share(agg, by_code, grouping, window, segment)
        quota_at = kpi_cube.quota_positions(frames, agg, by_code)
    else:
        accounts, opps = filtered_rows(frames, segment)
        opp_rows = OpportunityRows.of(opps, grouping)
        parts = opportunity_parts(opp_rows, grouping, window)
        parts |= account_parts(AccountRows.of(accounts, grouping), grouping, window)
        if non_additive:
            cycle = median_cycle(opp_rows, grouping, window)
            top = top_share(opp_rows, grouping, window)
    parts["quota"] = prorated_quota(frames.quotas, grouping, window.start, window.end, quota_at,
                                    segment)
    return pd.DataFrame({c: parts[c] for c in PART_COLUMNS}, index=grouping.keys), cycle, top


def _first_relevant_day(window: Window, restated: bool, restate_day: int) -> int:
    """The first day whose alignment the window reads: every change up to it
    leaves the figures as the latest alignment gives them. Restated reads E
    (or the ``restate_day``) only; as credited reads deals from the prior
    year's start (growth) or T12's, and the accounts on the day before P.start."""
    if restated:
        return restate_day
    return min(window.prior_start, window.t12_start, window.start - 1)


def _historic_parts(frames: Frames, history: frames_module.History, grouping: Grouping,
                    window: Window, segment: str | None, restated: bool,
                    non_additive: bool, restate_day: int
                    ) -> tuple[dict, np.ndarray | None, np.ndarray | None]:
    """Additive parts, cycle and concentration with each row read on its day
    (METRICS.md "As credited"): won and lost deals (bookings, counts, cycle,
    growth) by their ``credited_territory_id``; open pipeline, T12 bookings and
    concentration by the account's territory on E; customers at start and
    retention by the accounts on P.start − 1; the other account counts and
    potential by the accounts on E. Restated: everything by the accounts on E."""
    if not restated and kpi_cube.aggregates_of(frames) is not None:
        found = _credited_cube_parts(frames, grouping, window, segment, non_additive)
        if found is not None:
            return found
    accounts, opps = filtered_rows(frames, segment)
    dtype = frames.accounts["territory_id"].dtype
    account_at = frames.accounts.index.get_indexer(accounts.index)
    if opps is frames.opportunities:
        opp_at = frames.derived(("opportunity_accounts",), lambda: frames.accounts.index
                                .get_indexer(opps["account_id"].astype(object)))
    else:
        opp_at = frames.accounts.index.get_indexer(opps["account_id"].astype(object))

    def groups_on(day: int, at: np.ndarray) -> np.ndarray:
        codes = frames_module.territories_on(frames, day)[at]
        return grouping.positions(pd.Series(pd.Categorical.from_codes(codes, dtype=dtype)))

    e_day = restate_day if restated else window.e
    rows = OpportunityRows.of(opps, grouping)
    on_e = replace(rows, group=groups_on(e_day, opp_at))
    credited = on_e if restated else replace(rows, group=grouping.positions(
        opps["credited_territory_id"]))
    parts = opportunity_parts(credited, grouping, window)
    from_e = opportunity_parts(on_e, grouping, window)
    for name in ("open_pipeline", "weighted_pipeline", "bookings_t12"):
        parts[name] = from_e[name]
    account_rows = AccountRows.of(accounts, grouping)
    at_e = replace(account_rows, group=groups_on(e_day, account_at))
    parts |= account_parts(at_e, grouping, window)
    if not restated:
        at_start = replace(account_rows, group=groups_on(window.start - 1, account_at))
        before = account_parts(at_start, grouping, window)
        parts["customers_at_start"] = before["customers_at_start"]
        parts["retained"] = before["retained"]
    cycle = top = None
    if non_additive:
        cycle = median_cycle(credited, grouping, window)
        top = top_share(on_e, grouping, window)
    return parts, cycle, top


def _credited_cube_parts(frames: Frames, grouping: Grouping, window: Window,
                         segment: str | None, non_additive: bool
                         ) -> tuple[dict, np.ndarray | None, np.ndarray | None] | None:
    """:func:`_historic_parts` as credited from the credited aggregates
    (:func:`kpi_cube_build.credited`, None when their money is not exact):
    won and lost figures are cube lookups as they are without history; open
    pipeline scans the open rows only, T12 bookings the won rows, the
    account counts the accounts, each placed by its account's territory on
    E (or on P.start − 1) with one array index."""
    agg = kpi_cube_build.credited(frames)
    cube = agg.cube(segment)
    if cube is None:
        return None
    by_code = kpi_cube.territory_lookup(agg, grouping)
    parts = kpi_cube.opportunity_parts(cube, by_code, grouping, window)
    # group of each account on a day; a trailing -1 for rows without an account
    on_e = np.append(by_code[frames_module.territories_on(frames, window.e)], -1)
    on_start = by_code[frames_module.territories_on(frames, window.start - 1)]
    segment_code = kpi_cube.segment_code(agg, segment)

    def of_segment(mask: np.ndarray, segments: np.ndarray) -> np.ndarray:
        return mask if segment_code is None else mask & (segments == segment_code)

    open_ = kpi_cube_build.open_rows(frames, agg)
    group = on_e[open_.account]
    in_p = of_segment(between(open_.close, window.start, window.end), open_.segment)
    parts["open_pipeline"] = grouping.money_total(group, in_p, open_.amount)
    parts["weighted_pipeline"] = grouping.money_total(group, in_p,
                                                      open_.amount * open_.probability)
    won = agg.won
    t12 = of_segment(between(won.close, window.t12_start, window.e), won.segment)
    parts["bookings_t12"] = grouping.money_total(on_e[won.account], t12, won.amount)
    parts |= account_parts(kpi_cube.placed_accounts(agg, on_e[:-1], None, segment),
                           grouping, window)
    before = account_parts(kpi_cube.placed_accounts(agg, on_start, None, segment),
                           grouping, window)
    parts["customers_at_start"] = before["customers_at_start"]
    parts["retained"] = before["retained"]
    cycle = top = None
    if non_additive:
        cycle = kpi_cube.median_cycle(agg, kpi_cube.won_group(agg, by_code, segment),
                                      grouping, window)
        top = kpi_cube.top_share_of_ranked(agg, on_e, grouping, window, segment)
    return parts, cycle, top


def kpi_table(
    frames: Frames,
    period: Period,
    as_of: date,
    level: str = "territory",
    territory_ids: Iterable[str] | None = None,
    segment: str | None = None,
    restated: bool = False,
    restate_on: date | None = None,
) -> pd.DataFrame:
    """DATA_FORMAT.md ``kpis``: one row per entity at ``level``, sorted by id.

    Accounts and opportunities without a territory are outside every level.
    ``territory_ids`` and ``segment`` are the UI's region and segment filters.
    Figures are as credited unless ``restated`` (``kpis --restated``: under
    the alignment in force on E, or on ``restate_on`` when given).
    """
    groups, entities = level_groups(frames, level, territory_ids)
    grouping = Grouping.from_series(groups)
    window = Window.of(period, as_of)
    parts, cycle, top = group_figures(
        frames, grouping, window, segment, restated=restated,
        restate_day=None if restate_on is None else to_day(restate_on))

    # Entities no territory maps to (an unassigned rep) have zero parts, so
    # their sums read 0 and every ratio comes out missing.
    parts = parts.reindex(pd.Index(entities["id"].to_numpy()), fill_value=0.0)
    table = kpis_from_parts(parts, period, as_of)
    # Non-additive KPIs, aligned by key: entities without a group stay missing.
    table["sales_cycle_days"] = grouping.series(cycle)
    table["concentration_top20"] = grouping.series(top)
    for column in ("bookings", "quota", "open_pipeline", "weighted_pipeline"):
        table[column] = parts[column]
    table["customers_at_start"] = parts["customers_at_start"].astype("int64")
    table.insert(0, "name", entities["name"].to_numpy())
    table.insert(0, "id", entities["id"].to_numpy())
    return table.reset_index(drop=True)[list(KPI_COLUMNS)]


def format_kpi_csv(table: pd.DataFrame) -> str:
    """DATA_FORMAT.md ``kpis`` output: ratios as fractions, missing as empty, money unrounded.

    pandas writes floats with ``repr`` precision, so nothing is rounded away.
    """
    buffer = io.StringIO()
    table.to_csv(buffer, index=False, na_rep="", lineterminator="\n")
    return buffer.getvalue()


def quarterly_series(
    frames: Frames,
    territory_ids: Iterable[str] | None,
    quarters: Sequence[str | tuple[int, int]],
    as_of: date,
    segment: str | None = None,
    restated: bool = False,
) -> pd.DataFrame:
    """Bookings, Quota, Attainment and Pace per quarter for a set of territories (trends).

    Each quarter is a METRICS.md period of its own; the territories are summed
    as one group, so attainment is again a ratio of sums, not a mean. The
    quota follows ``segment`` (METRICS.md "Segment filter"); the bookings are
    the segment's, whether the caller filtered the rows or not.

    METRICS.md "Alignment history": as credited, a deal counts where its
    account was on its close date (the credited cube's lookups when the
    frames have it); ``restated``, every quarter's deals count where their
    accounts are on the as-of date, the one alignment the view is read under.
    """
    groups, _ = level_groups(frames, "company", territory_ids)
    grouping = Grouping.from_series(groups)
    periods = [
        Period.parse(q) if isinstance(q, str) else Period(*quarter_bounds(*q), quarter_label(*q))
        for q in quarters
    ]
    agg = kpi_cube.aggregates_of(frames)
    if agg is not None:
        quota_at = kpi_cube.quota_positions(frames, agg, kpi_cube.territory_lookup(agg, grouping))
    else:
        quota_at = grouping.positions(frames.quotas["territory_id"])
    booked = _quarterly_bookings(frames, grouping, territory_ids, periods, segment,
                                 restated, to_day(as_of))
    target = [_only(prorated_quota(frames.quotas, grouping, p.start_day, p.end_day, quota_at,
                                   segment)) for p in periods]
    series = pd.DataFrame(
        {"quarter": [p.label for p in periods], "bookings": booked, "quota": target}
    )
    series["attainment"] = ratio(series["bookings"], series["quota"])
    elapsed = [time_elapsed(p, as_of) for p in periods]
    series["pace"] = ratio(series["attainment"], elapsed)
    return series


def _quarterly_bookings(frames: Frames, grouping: Grouping, territory_ids, periods,
                        segment: str | None, restated: bool, restate_day: int) -> list[float]:
    """Bookings of the one group in each period (see :func:`quarterly_series`)."""
    history = frames_module.history_of(frames)
    agg = kpi_cube.aggregates_of(frames)
    if history is not None and not restated and agg is not None:
        credited = kpi_cube_build.credited(frames)
        cube = credited.cube(segment)
        if cube is not None:  # as credited: one cube lookup per quarter
            by_code = kpi_cube.territory_lookup(credited, grouping)
            return [_only(kpi_cube.opportunity_parts(
                cube, by_code, grouping, Window.of(p, p.end))["bookings"]) for p in periods]
    if history is not None and restated and agg is not None:
        # the won rows only, each placed by its account's territory on the day
        won = agg.won
        by_code = kpi_cube.territory_lookup(agg, grouping)
        group = by_code[frames_module.territories_on(frames, restate_day)][won.account]
        code = kpi_cube.segment_code(agg, segment)
        if code is not None:
            group = np.where(won.segment == code, group, -1)
        return [_only(grouping.money_total(group, between(won.close, p.start_day, p.end_day),
                                           won.amount)) for p in periods]
    _accounts, opps = filtered_rows(frames, segment)
    if history is None and agg is not None and territory_ids is not None:
        # only the territories' rows, in row order: the same additions in the same order
        _, positions = kpi_cube.territory_positions(agg, list(territory_ids), segment)
        opps = frames.opportunities.iloc[positions]
    rows = OpportunityRows.of(opps, grouping)
    if history is not None and restated:  # every deal where its account is on the as-of date
        at = frames.accounts.index.get_indexer(opps["account_id"].astype(object))
        codes = np.append(frames_module.territories_on(frames, restate_day), -1)[at]
        rows = replace(rows, group=grouping.positions(pd.Series(pd.Categorical.from_codes(
            codes, dtype=frames.accounts["territory_id"].dtype))))
    elif history is not None:  # as credited: a deal counts where its account was on its close date
        rows = replace(rows, group=grouping.positions(opps["credited_territory_id"]))
    return [_only(grouping.money_total(rows.group, won_in(rows, p.start_day, p.end_day),
                                       rows.amount)) for p in periods]


def _only(values: np.ndarray) -> float:
    """The single group's value; 0 when no territory is selected."""
    return float(values[0]) if len(values) else 0.0
