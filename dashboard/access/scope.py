"""The one scope rule: what a viewer may see and change, and the frames cut to it.

A leader's scope is everything; a manager's is the territories under their
unit (a region, or a unit of any level of levels.csv: a district manager's
district) and every rep, account, county, opportunity and quota of them; a
rep's is their own territory. With alignment history the cut keeps it (dated rows and
overrides, so the cut's figures are as credited like the leader's) and every
account that was in one of the scope's territories on some day, with its
deals: a deal credited to a West territory on its close date is West's, even
when its account has since moved to another region (see
:func:`_history_accounts`). Views are built from :func:`restrict`'s frames, so an answer
cannot hold another region's ids, names, shapes or figures however a request
was forged: what is outside the scope is not there to be shown, and an id
posted from outside reads as unknown. Totals over the cut frames are the
region's, never the company's.

Saved scenarios follow the same rule through :func:`may_see_scenario` and
:func:`may_change_scenario`, which judge the territories a scenario touches
(stored and new content alike) against the scope.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.access.rules import LEADER, MANAGER, REP, Viewer, territory_scope
from dashboard.metrics.frames import Frames, has_history, hierarchy_of


@dataclass(frozen=True)
class Scope:
    """The territories a viewer may see; ``territories`` is None for a leader
    (everything, including what an import adds later)."""

    role: str
    #: names the scope in cache keys: results are shared by everyone with the same key
    key: str
    territories: frozenset[str] | None

    @property
    def everything(self) -> bool:
        return self.territories is None

    def has_territory(self, territory: object) -> bool:
        if not isinstance(territory, str):
            return False
        return self.everything or territory in self.territories

    def covers(self, territory_ids: Collection[str]) -> bool:
        """Whether every one of ``territory_ids`` is in scope."""
        return self.everything or set(territory_ids) <= self.territories


def of(viewer: Viewer, frames: Frames) -> Scope:
    """The viewer's scope in ``frames``. An unknown role, region or rep gets an
    empty scope (sees nothing), never a leader's."""
    if viewer.role == LEADER:
        return Scope(LEADER, LEADER, None)
    territories = territory_scope(viewer, frames.territories, frames.reps, hierarchy_of(frames))
    if viewer.role == MANAGER:
        return Scope(MANAGER, f"{MANAGER}:{viewer.unit_filter}", territories)
    if viewer.role == REP:
        return Scope(REP, f"{REP}:{viewer.scope}", territories)
    return Scope(viewer.role, f"none:{viewer.role}", frozenset())


def restrict(frames: Frames, scope: Scope) -> Frames:
    """``frames`` holding only what ``scope`` covers, kept with ``frames`` so
    every request of the scope shares one cut (and its KPI aggregates).

    Territory categoricals are re-coded to the scope's territories: a
    categorical carrying every territory id as a category would hand them to
    any group-by that lists unobserved categories."""
    if scope.everything:
        return frames
    return frames.derived(("scope", scope.key), lambda: _cut(frames, scope.territories))


def _cut(frames: Frames, territories: frozenset[str]) -> Frames:
    kept = [t for t in frames.territories.index if t in territories]
    dtype = pd.CategoricalDtype(pd.Index(kept, dtype=object))

    def recode(table: pd.DataFrame, rows) -> pd.DataFrame:
        table = table.loc[rows].copy()
        for column in ("territory_id", "credited_territory_id"):
            if column in table and isinstance(table[column].dtype, pd.CategoricalDtype):
                # a territory outside the scope reads as none (code -1)
                codes = dtype.categories.get_indexer(table[column].astype(object).to_numpy())
                table[column] = pd.Categorical.from_codes(codes, dtype=dtype)
        return table

    def mine(table: pd.DataFrame) -> np.ndarray:
        return table["territory_id"].astype(object).isin(territories).to_numpy()

    history = _history_accounts(frames, territories) if has_history(frames) else None
    if history is None:
        accounts = recode(frames.accounts, mine(frames.accounts))
        opportunities = recode(frames.opportunities, mine(frames.opportunities))
    else:
        accounts = recode(frames.accounts, history)
        accounts["territory_override"] = _outside_blanked(accounts["territory_override"],
                                                          territories)
        opportunities = recode(frames.opportunities, frames.opportunities["account_id"]
                               .astype(object).isin(accounts.index).to_numpy())
    opportunities = opportunities.reset_index(drop=True)
    for table in (accounts, opportunities):
        for column in table.columns:
            if column not in ("territory_id", "credited_territory_id") and isinstance(
                    table[column].dtype, pd.CategoricalDtype):
                table[column] = table[column].cat.remove_unused_categories()
    rows = frames.alignment_rows
    rows = rows.loc[rows["county_fips"].astype(object).isin(
        accounts["county_fips"].astype(object)).to_numpy()].copy()
    rows["territory_id"] = _outside_blanked(rows["territory_id"], territories)
    overrides = frames.override_rows
    overrides = overrides.loc[overrides["account_id"].astype(object).isin(
        accounts.index).to_numpy()].copy()
    overrides["territory_id"] = _outside_blanked(overrides["territory_id"], territories)
    zip_alignment, zip_rows = _zip_rows_of(frames, accounts, territories)
    return Frames(
        levels=_levels_of(frames, kept),
        territories=frames.territories.loc[kept].copy(),
        reps=frames.reps.loc[frames.reps["territory_id"].astype(object).isin(territories)].copy(),
        alignment=frames.alignment.loc[mine(frames.alignment)].copy(),
        accounts=accounts,
        opportunities=opportunities,
        quotas=frames.quotas.loc[mine(frames.quotas)].reset_index(drop=True),
        alignment_rows=rows.reset_index(drop=True),
        override_rows=overrides.reset_index(drop=True),
        zip_alignment=zip_alignment,
        zip_rows=zip_rows,
    )


def _zip_rows_of(frames: Frames, accounts: pd.DataFrame, territories: frozenset[str]
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cut's ZIP rows (issue 19): the latest of every ZIP in one of the
    scope's counties or territories, and the dated ones of the cut's accounts'
    ZIPs, another region's territory reading as :data:`OUTSIDE` (so a ZIP of the
    scope's county given to another region is not taken back by a what-if)."""
    latest = frames.zip_alignment
    counties = frames.alignment.index[frames.alignment["territory_id"].astype(object).isin(
        territories).to_numpy()]
    latest = latest.loc[(latest["county_fips"].isin(set(counties))
                         | latest["territory_id"].isin(territories)).to_numpy()].copy()
    latest["territory_id"] = _outside_blanked(latest["territory_id"], territories)
    rows = frames.zip_rows
    rows = rows.loc[rows["zip"].isin(set(accounts["zip"].dropna())).to_numpy()].copy()
    rows["territory_id"] = _outside_blanked(rows["territory_id"], territories)
    return latest, rows.reset_index(drop=True)


def _levels_of(frames: Frames, kept: list[str]) -> pd.DataFrame:
    """The levels.csv rows of the units the kept territories roll up to (a
    district manager's cut names no other district, nor its manager)."""
    member = hierarchy_of(frames).loc[kept]
    used = {(level, unit) for level in member.columns for unit in member[level].dropna()}
    levels = frames.levels
    keep = [(lvl, u) in used for lvl, u in zip(levels["level"], levels["unit_id"], strict=True)]
    return levels.loc[keep].reset_index(drop=True)


#: what a territory outside the scope reads as in the cut's history rows: no
#: territory of the scope (and not blank, which in an override row means "back
#: to the county's territory"), without naming another region's territory
OUTSIDE = "(outside the scope)"  # i18n: not shown (never a territory id of the scope)


def _outside_blanked(territory_ids: pd.Series, territories: frozenset[str]) -> pd.Series:
    values = territory_ids.astype(object)
    outside = values.notna() & ~values.isin(territories)
    return values.where(~outside, OUTSIDE)


def _history_accounts(frames: Frames, territories: frozenset[str]) -> np.ndarray:
    """Which accounts a scope's cut keeps when the frames hold alignment
    history: those in one of its territories on some day (today, or while a
    dated alignment row or override put them there), so every deal credited
    to the scope's territories on its close date, and every account the
    scope's territories held on a past E or P.start − 1, is in the cut
    (METRICS.md "As credited"). Accounts aligned elsewhere today carry no
    territory in the cut: restated, they count nowhere in it."""
    accounts = frames.accounts
    keep = np.array(accounts["territory_id"].astype(object).isin(territories))
    rows = frames.alignment_rows
    counties = rows.loc[rows["territory_id"].astype(object).isin(territories).to_numpy(),
                        "county_fips"]
    keep |= accounts["county_fips"].astype(object).isin(set(counties)).to_numpy()
    zip_rows = frames.zip_rows
    zips = zip_rows.loc[zip_rows["territory_id"].astype(object).isin(territories).to_numpy(),
                        "zip"]
    keep |= accounts["zip"].astype(object).isin(set(zips)).to_numpy()
    overrides = frames.override_rows
    named = overrides.loc[overrides["territory_id"].astype(object).isin(territories).to_numpy(),
                          "account_id"]
    keep |= accounts.index.isin(set(named))
    keep |= accounts["territory_override"].astype(object).isin(territories).to_numpy()
    return keep


# --- saved scenarios ---------------------------------------------------------

def may_see_scenario(viewer: Viewer, scope: Scope, touched: Collection[str],
                     author: str | None) -> bool:
    """Whether the viewer may list or open a scenario touching ``touched``
    (territory ids, judged against the live alignment) written by the user
    named ``author``.

    A leader sees every scenario; a manager those they wrote and those that
    touch their region's territories only; a rep none. A scenario touching
    nothing is its author's (and the leaders') alone: it says nothing of a
    region to tie it to."""
    if viewer.role == LEADER:
        return True
    if viewer.role != MANAGER:
        return False
    if author is not None and author == viewer.username:
        return True
    return bool(touched) and scope.covers(touched)


def may_change_scenario(viewer: Viewer, scope: Scope, stored_touched: Collection[str],
                        author: str | None, new_touched: Collection[str] = ()) -> bool:
    """Whether the viewer may save over, duplicate, delete, export, propose,
    approve or apply a stored scenario: they may see it, and both what it
    touches now and what the new content touches are in their scope."""
    return (may_see_scenario(viewer, scope, stored_touched, author)
            and scope.covers(stored_touched) and scope.covers(new_touched))
