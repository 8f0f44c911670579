"""Editor helpers that read a scenario's accounts and counties: the account
picker's rows (named-account overrides are made from them) and the
contiguity check a manual county move is warned by.

Issue 5 item 1: move single accounts "from the map or a table"; the table is
a search over names and ids, narrowed to the counties selected on the map.
Manual moves are warned about, never refused, when they split a territory:
a manager may mean it (an island account, a split metro), but should know.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from dashboard.geo import us_atlas
from dashboard.i18n.translation import _
from dashboard.metrics.frames import Frames, latest_overrides, potential_estimated
from dashboard.whatif.changeset import Changes, index_of, scenario_codes

#: rows the picker sends at most: a search narrows, a table never holds 20,000 rows
ACCOUNT_ROWS = 200


def account_rows(frames: Frames, changes: Changes, query: str = "",
                 counties: Iterable[str] = (), limit: int = ACCOUNT_ROWS,
                 aligned_only: bool = False,
                 unit_names: pd.Series | None = None) -> list[dict]:
    """Accounts matching ``query`` (case-insensitive, in name or id) and, when
    given, lying in ``counties``; largest potential first, at most ``limit``.

    Each row says where the account sits under the scenario (``territory``),
    whether that is a named-account override and whether it is locked, so the
    manager sees what a move would change before making it.

    ``aligned_only`` (a manager's or a rep's frames, cut to their scope) lists
    only the accounts in one of the frames' territories under the scenario:
    the cut also keeps, for the deals credited to its territories, accounts a
    dated override or a realignment has since moved out of the scope, which
    are not the viewer's to edit. A leader's list keeps unaligned accounts,
    which an override may name into a territory.

    ``unit_names``: each unit's name by id, the ``county`` column's words (the data's
    geography, ``Geography.table["name"]``; default: the US counties').
    """
    accounts = frames.accounts
    codes = scenario_codes(frames, changes)
    mask = codes >= 0 if aligned_only else np.ones(len(accounts), dtype=bool)
    counties = [c for c in counties if isinstance(c, str)]
    if counties:
        mask &= accounts["county_fips"].astype(object).isin(counties).to_numpy()
    text = (query or "").strip().lower()[:100]
    if text:
        names = accounts["account_name"].astype(object).fillna("").str.lower()
        ids = pd.Series(accounts.index.astype(object), index=accounts.index).str.lower()
        mask &= (names.str.contains(text, regex=False)
                 | ids.str.contains(text, regex=False)).to_numpy()
    order = frames.derived(("account_list_order",), lambda: _largest_first(accounts))
    positions = order[mask[order]][:limit]
    codes = codes[positions]
    territory_ids = index_of(frames).territory_ids.to_numpy(object)
    names = us_atlas.load_counties()["name"] if unit_names is None else unit_names
    shown = zip(accounts.index.to_numpy(object)[positions],
                accounts["account_name"].to_numpy(object)[positions],
                accounts["county_fips"].to_numpy(object)[positions], codes,
                latest_overrides(frames)[positions],
                accounts["annual_potential"].to_numpy("float64")[positions],
                potential_estimated(accounts)[positions], strict=True)
    rows = []
    for account, name, county, code, override, potential, estimated in shown:
        override = changes.account_overrides.get(account, override)
        rows.append({
            "id": str(account), "name": str(name),
            "county": str(names.get(county, county)) if isinstance(county, str) else "",
            "territory": str(territory_ids[code]) if code >= 0 else "",
            "override": _("yes") if isinstance(override, str) and override else "",
            "locked": _("locked") if account in changes.locked_accounts else "",
            "potential": None if np.isnan(potential) else float(potential),
            # said beside the potential: estimated at import, not given
            "potential_note": _("estimated") if estimated else "",
        })
    return rows



def _largest_first(accounts) -> np.ndarray:
    """Every account's position, largest potential first (missing last), ties by id:
    the list's order, sorted once per frames rather than on every keystroke."""
    potential = accounts["annual_potential"].to_numpy("float64")
    return np.lexsort((accounts.index.to_numpy(object).astype(str),
                       -np.nan_to_num(potential, nan=-np.inf)))


def split_territories(base: pd.Series, before: Changes, after: Changes,
                      adjacency: Mapping[str, Iterable[str]]) -> list[str]:
    """Territories the step from ``before`` to ``after`` breaks into pieces:
    in one piece (over the county adjacency graph) before, not after.

    Only territories whose counties changed are checked, so a territory that
    was already in pieces (Alaska's islands, an exempt region) never warns.
    """
    old = base.to_dict() | dict(before.county_moves)
    new = base.to_dict() | dict(after.county_moves)
    changed = {f for f in set(before.county_moves) | set(after.county_moves)
               if old.get(f) != new.get(f)}
    touched = {old.get(f) for f in changed} | {new.get(f) for f in changed}
    broken = []
    for territory in sorted(t for t in touched if t is not None):
        members_old = [f for f, t in old.items() if t == territory]
        members_new = [f for f, t in new.items() if t == territory]
        if us_atlas.is_contiguous(members_old, adjacency) and not us_atlas.is_contiguous(
                members_new, adjacency):
            broken.append(territory)
    return broken
