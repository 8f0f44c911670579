"""What-if scenarios: a set of changes over the live alignment, and its frames.

METRICS.md "Scenario": a named set of changes (unit moves, account overrides,
quota changes) over a base alignment. The units are counties and ZIP areas
(issue 19): a ZIP move puts the accounts of that ZIP in another territory,
over its county's (``Changes.zip_moves``; an account's territory is its
override, else its ZIP's, else its county's, as in ``metrics.frames``). A scenario is plain data
(:class:`Changes`, JSON round-trip) so it can be saved, compared and undone;
:func:`apply` turns it into the :class:`~dashboard.metrics.frames.Frames` every KPI
reads, with accounts and their opportunities following their new territory
(METRICS.md: an opportunity belongs to its account's territory under the
alignment being viewed).

:func:`apply` is the one way a scenario's frames are built (the editor, the
comparison, the rebalance search) and touches only what changed: the accounts
in moved counties and the overridden accounts get a new territory code, then
their opportunities (found through an account -> opportunities index built
once per base frames). Everything else is shared with the base frames, which
pandas' copy-on-write keeps safe. When the base frames carry the KPI
aggregates (the service's frames do), the scenario gets them too, corrected
for the moved accounts' opportunities only (:mod:`dashboard.metrics.kpi_cube_moves`),
so a scenario's KPIs cost what the live ones do instead of a scan of every row.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np
import pandas as pd

from dashboard.geo import us_atlas, zip_areas
from dashboard.i18n.translation import _
from dashboard.metrics import kpi_cube, kpi_cube_build, kpi_cube_moves
from dashboard.metrics.frames import Frames, effective_codes, latest_overrides, zip_unit_codes
from dashboard.metrics.kpi_cube_build import grouped, members

#: How many names a lock message lists before "and N more".
_NAMED = 5


class LockedError(ValueError):
    """A change that a lock forbids; the message names the lock in plain words."""


def _names(ids: Iterable[str], separator: str = ", ") -> str:
    """"A, B, C" or "A, B, C, D, E and 3 more"."""
    ids = sorted(ids)
    shown = separator.join(ids[:_NAMED])
    if len(ids) <= _NAMED:
        return shown
    return _("{names} and {count} more").format(names=shown, count=len(ids) - _NAMED)


def _county_names(fips_list: Iterable[str]) -> str:
    """The counties a lock message names, as the map's tooltip does ("Ada, ID";
    the fips when the atlas has no such county), "; " between them."""
    counties = us_atlas.load_counties()
    return _names((f"{counties.at[f, 'name']}, {counties.at[f, 'state_abbr']}"
                   if f in counties.index else f for f in fips_list), separator="; ")


@dataclass(frozen=True)
class Changes:
    """A scenario's changes over the base alignment (METRICS.md Scenario).

    Entries equal to the base are dropped by the helpers, so an empty
    Changes is exactly the live alignment. Mappings are read-only views;
    every helper returns a new Changes, which is what makes undo a matter of
    keeping the previous snapshots.
    """

    county_moves: Mapping[str, str] = field(default_factory=dict)
    account_overrides: Mapping[str, str | None] = field(default_factory=dict)
    quota_changes: Mapping[str, float] = field(default_factory=dict)
    locked_counties: frozenset[str] = frozenset()
    locked_accounts: frozenset[str] = frozenset()
    locked_territories: frozenset[str] = frozenset()
    #: ZIP area id -> territory: the ZIP's accounts (those without an override)
    #: go there, whatever their county's territory (issue 19)
    zip_moves: Mapping[str, str] = field(default_factory=dict)
    #: ZIP areas nothing may move: neither a ZIP move nor their county's move
    locked_zips: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for name in ("county_moves", "account_overrides", "quota_changes", "zip_moves"):
            value = dict(sorted(dict(getattr(self, name)).items()))
            object.__setattr__(self, name, MappingProxyType(value))
        for name in ("locked_counties", "locked_accounts", "locked_territories", "locked_zips"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))
        for territory, change in self.quota_changes.items():
            if not (isinstance(change, int | float) and math.isfinite(change) and change >= -1):
                raise ValueError(_("the quota change of {territory} cannot be below "
                                   "-100%").format(territory=territory))

    __hash__ = None  # mappings inside: equal by value, not hashable

    def __reduce__(self):
        # read-only mapping views do not pickle; the JSON form does
        return (Changes.from_json, (self.to_json(),))

    @classmethod
    def empty(cls) -> Changes:
        return cls()

    @property
    def is_empty(self) -> bool:
        """No move and no quota change (locks alone change no figure)."""
        return not (self.county_moves or self.account_overrides or self.quota_changes
                    or self.zip_moves)

    def to_json(self) -> dict:
        return {
            "county_moves": dict(self.county_moves),
            "zip_moves": dict(self.zip_moves),
            "account_overrides": dict(self.account_overrides),
            "quota_changes": {k: float(v) for k, v in self.quota_changes.items()},
            "locked_counties": sorted(self.locked_counties),
            "locked_accounts": sorted(self.locked_accounts),
            "locked_territories": sorted(self.locked_territories),
            "locked_zips": sorted(self.locked_zips),
        }

    @classmethod
    def from_json(cls, data: Mapping) -> Changes:
        """Inverse of :meth:`to_json`; missing keys mean "no change"."""
        return cls(
            county_moves={str(k): str(v) for k, v in data.get("county_moves", {}).items()},
            zip_moves={str(k): str(v) for k, v in data.get("zip_moves", {}).items()},
            account_overrides={str(k): None if v is None else str(v)
                               for k, v in data.get("account_overrides", {}).items()},
            quota_changes={str(k): float(v) for k, v in data.get("quota_changes", {}).items()},
            locked_counties=frozenset(map(str, data.get("locked_counties", ()))),
            locked_accounts=frozenset(map(str, data.get("locked_accounts", ()))),
            locked_territories=frozenset(map(str, data.get("locked_territories", ()))),
            locked_zips=frozenset(map(str, data.get("locked_zips", ()))),
        )

    # -- locks ---------------------------------------------------------------
    def lock(self, counties=(), accounts=(), territories=(), zips=()) -> Changes:
        return replace(self, locked_counties=self.locked_counties | set(counties),
                       locked_accounts=self.locked_accounts | set(accounts),
                       locked_territories=self.locked_territories | set(territories),
                       locked_zips=self.locked_zips | set(zips))

    def unlock(self, counties=(), accounts=(), territories=(), zips=()) -> Changes:
        return replace(self, locked_counties=self.locked_counties - set(counties),
                       locked_accounts=self.locked_accounts - set(accounts),
                       locked_territories=self.locked_territories - set(territories),
                       locked_zips=self.locked_zips - set(zips))

    # -- moves ---------------------------------------------------------------
    def move_counties(self, frames: Frames, fips_list: Iterable[str],
                      territory_id: str, unit_labels: pd.Series | None = None) -> Changes:
        """Counties (with their accounts that have no override) to ``territory_id``.

        ``frames`` is the base (live) alignment the changes are relative to.
        Refused when a county is locked, when it would leave or enter a locked
        territory, or when a locked account without an override lies in it.
        ``unit_labels`` (id → name) on a layer of one's own: the messages then say
        "unit" and name the units by it.
        """
        own = unit_labels is not None
        index = index_of(frames)
        _known_territory(index.territory_ids, territory_id)
        base = frames.alignment["territory_id"]
        moves = dict(self.county_moves)
        moving = []
        for fips in dict.fromkeys(fips_list):
            if fips not in base.index:
                raise ValueError((_("unit {name} is not in the alignment") if own
                                  else _("county {name} is not in the alignment")).format(
                                      name=fips))
            if self.county_moves.get(fips, base[fips]) != territory_id:
                moving.append(fips)
        locked = self.locked_counties.intersection(moving)
        if locked and own:
            raise LockedError(_("unit {names} locked: cannot move").format(names=_names(
                (str(unit_labels.get(f, f)) for f in sorted(locked)), separator="; ")))
        if locked:
            raise LockedError(_("county {names} locked: cannot move").format(
                names=_county_names(locked)))
        leaving = {self.county_moves.get(f, base[f]) for f in moving}
        self._refuse_locked_territories(leaving | ({territory_id} if moving else set()))
        following = self._locked_zips_following(frames, moving)
        if following:
            raise LockedError(_("ZIP area {names} locked: a county move would change its "
                                "territory").format(names=_names(following)))
        if moving and self.locked_accounts:
            pinned = _pinned_in(frames, self, moving)
            if pinned:
                raise LockedError((_("account {names} locked: a unit move would change its "
                                     "territory") if own
                                   else _("account {names} locked: a county move would change "
                                          "its territory")).format(names=_names(pinned)))
        for fips in moving:
            moves[fips] = territory_id
            if base[fips] == territory_id:
                del moves[fips]
        return replace(self, county_moves=moves)

    def move_zips(self, frames: Frames, zips: Iterable[str], territory_id: str) -> Changes:
        """ZIP areas (with their accounts that have no override) to ``territory_id``.

        A ZIP may move when its county is in ``frames``' alignment or it has a ZIP
        row there (a manager's cut holds their region's only, so a ZIP of another
        region reads as unknown). A move back to the territory the ZIP would have
        without it (its ZIP row's, else its county's under these changes) is dropped.
        Refused like a county move: the ZIP's county locked, a locked territory
        left or entered, a locked account without an override in it.
        """
        index = index_of(frames)
        _known_territory(index.territory_ids, territory_id)
        moving, leaving = [], set()
        for zip_id in dict.fromkeys(zips):
            county = zip_county(frames, zip_id)
            without = self._zip_territory_without_move(frames, zip_id, county)
            if without is not None and without not in index.territory_ids:
                # its row gives it to a territory outside these frames (a cut's)
                raise ValueError(_("ZIP area {name} is not in the alignment").format(
                    name=zip_id))
            if self.zip_moves.get(zip_id, without) != territory_id:
                moving.append((zip_id, county, without))
                leaving.add(self.zip_moves.get(zip_id, without))
        locked = self.locked_counties.intersection(c for _z, c, _w in moving)
        if locked:
            raise LockedError(_("county {names} locked: cannot move").format(
                names=_county_names(locked)))
        locked = self.locked_zips.intersection(z for z, _c, _w in moving)
        if locked:
            raise LockedError(_("ZIP area {names} locked: cannot move").format(
                names=_names(locked)))
        self._refuse_locked_territories(
            {t for t in leaving if t is not None} | ({territory_id} if moving else set()))
        if moving and self.locked_accounts:
            pinned = _pinned_in(frames, self, [z for z, _c, _w in moving], "zip")
            if pinned:
                raise LockedError(_("account {names} locked: a ZIP move would change "
                                    "its territory").format(names=_names(pinned)))
        moves = dict(self.zip_moves)
        for zip_id, _county, without in moving:
            moves[zip_id] = territory_id
            if without == territory_id:
                del moves[zip_id]
        return replace(self, zip_moves=moves)

    def _locked_zips_following(self, frames: Frames, counties: list[str]) -> list[str]:
        """Locked ZIP areas of ``counties`` that follow their county (no ZIP row, no
        ZIP move), which a move of the county would take along."""
        if not self.locked_zips or not counties:
            return []
        moving, county_of = set(counties), zip_areas.cell_counties()
        return [z for z in self.locked_zips if county_of.get(z) in moving
                and z not in frames.zip_alignment.index and z not in self.zip_moves]

    def _zip_territory_without_move(self, frames: Frames, zip_id: str, county: str
                                    ) -> str | None:
        """The ZIP's territory under these changes but its own move: its ZIP row's,
        else its county's (moved or live)."""
        if zip_id in frames.zip_alignment.index:
            return frames.zip_alignment.at[zip_id, "territory_id"]
        return self.county_moves.get(county, frames.alignment["territory_id"].get(county))

    def override_accounts(self, frames: Frames, account_ids: Iterable[str],
                          territory_id: str | None) -> Changes:
        """Named-account overrides to ``territory_id``; None clears the override,
        so the account follows its county again. Refused when an account is
        locked or would leave or enter a locked territory."""
        index = index_of(frames)
        if territory_id is not None:
            _known_territory(index.territory_ids, territory_id)
        ids = list(dict.fromkeys(account_ids))
        positions = frames.accounts.index.get_indexer(ids)
        if (positions < 0).any():
            unknown = [a for a, p in zip(ids, positions, strict=True) if p < 0]
            raise ValueError(_("unknown account {names}").format(names=_names(unknown)))
        base_override = latest_overrides(frames)[positions]
        current = _effective(frames, self, positions)
        if territory_id is None:  # back to its ZIP's territory, else its county's
            units = index.unit_codes(frames, self)[positions]
            target = [index.territory_ids[c] if c >= 0 else None for c in units]
        else:
            target = [territory_id] * len(ids)
        changing = [i for i, (c, t) in enumerate(zip(current, target, strict=True))
                    if not _same(c, t)]
        locked = self.locked_accounts.intersection(ids[i] for i in changing)
        if locked:
            raise LockedError(_("account {names} locked: cannot move").format(
                names=_names(locked)))
        self._refuse_locked_territories(
            {current[i] for i in changing} | {target[i] for i in changing})
        overrides = dict(self.account_overrides)
        for account, base in zip(ids, base_override, strict=True):
            overrides[account] = territory_id
            if _same(base, territory_id):
                del overrides[account]
        return replace(self, account_overrides=overrides)

    def set_quota_change(self, territory_id: str, change: float) -> Changes:
        """Scale every quota of a territory by (1 + change); 0 removes the change.
        Refused for a locked territory: a lock freezes the territory as it is."""
        if territory_id in self.locked_territories:
            raise LockedError(_("territory {territory} is locked: its quota cannot "
                                "change").format(territory=territory_id))
        quotas = dict(self.quota_changes)
        quotas[territory_id] = float(change)
        if change == 0:
            del quotas[territory_id]
        return replace(self, quota_changes=quotas)

    def _refuse_locked_territories(self, territories: set) -> None:
        locked = self.locked_territories.intersection(t for t in territories if t is not None)
        if locked:
            raise LockedError(_("territory {names} locked: nothing may move into or out "
                                "of it").format(names=_names(locked)))


def _same(a, b) -> bool:
    missing_a, missing_b = a is None or a is pd.NA or a != a, b is None or b is pd.NA or b != b
    return (missing_a and missing_b) or (not missing_a and not missing_b and a == b)


def _known_territory(territory_ids: pd.Index, territory_id: str) -> None:
    if territory_id not in territory_ids:
        raise ValueError(_("unknown territory {territory}").format(territory=territory_id))


def _effective(frames: Frames, changes: Changes, positions: np.ndarray) -> list:
    """Effective territory of some accounts under the changes, as ids (None = none)."""
    codes = scenario_codes(frames, changes)[positions]
    ids = index_of(frames).territory_ids.to_numpy(object)
    return [ids[c] if c >= 0 else None for c in codes]


def _pinned_in(frames: Frames, changes: Changes, units: list[str],
               column: str = "county_fips") -> list[str]:
    """Locked accounts that follow one of the units (counties, or ZIP areas with
    ``column="zip"``) without an override, and so would move."""
    locked = sorted(a for a in changes.locked_accounts if a in frames.accounts.index)
    positions = frames.accounts.index.get_indexer(locked)
    unit = frames.accounts[column].to_numpy(object)[positions]
    override = _override_values(frames, changes, positions)
    moving = set(units)
    return [a for a, u, o in zip(locked, unit, override, strict=True)
            if u in moving and _same(o, None)]


def zip_county(frames: Frames, zip_id: str) -> str:
    """The county of a ZIP area a move may name (see :meth:`Changes.move_zips`);
    ValueError naming the ZIP when it is unknown or outside ``frames``."""
    if zip_id in frames.zip_alignment.index:
        return str(frames.zip_alignment.at[zip_id, "county_fips"])
    county = zip_areas.cell_counties().get(zip_id)
    if county is None or county not in frames.alignment.index:
        raise ValueError(_("ZIP area {name} is not in the alignment").format(name=zip_id))
    return county


def zip_live_territory(frames: Frames, zip_id: str) -> str | None:
    """The live territory of a ZIP area: its ZIP row's in ``frames``, else its
    county's; None when neither is in ``frames`` (unknown, or outside a cut)."""
    if zip_id in frames.zip_alignment.index:
        return str(frames.zip_alignment.at[zip_id, "territory_id"])
    county = zip_areas.cell_counties().get(zip_id)
    territory = frames.alignment["territory_id"].get(county) if county else None
    return None if territory is None or pd.isna(territory) else str(territory)


def _override_values(frames: Frames, changes: Changes, positions: np.ndarray) -> list:
    ids = frames.accounts.index[positions]
    base = latest_overrides(frames)[positions]
    return [changes.account_overrides.get(a, b) if a in changes.account_overrides else b
            for a, b in zip(ids, base, strict=True)]


def scenario_codes(frames: Frames, changes: Changes) -> np.ndarray:
    """Territory code of every account under the changes (-1 = none), by the one
    METRICS.md rule (:func:`dashboard.metrics.frames.effective_codes`). Only the
    accounts in moved counties and the overridden accounts are looked at again.

    Raises ValueError naming an overridden account the frames do not hold (a
    history saved before an import): its override must not land on another account.
    """
    index = index_of(frames)
    codes = index.account_codes(frames).copy()
    overridden = _overridden(frames, changes)
    counties = index.county_ids.get_indexer(list(changes.county_moves))
    zips = index.zip_ids.get_indexer(list(changes.zip_moves))
    touched = np.union1d(np.union1d(index.accounts_in(counties[counties >= 0]),
                                    index.accounts_in_zips(zips[zips >= 0])), overridden)
    if len(touched) == 0:
        return codes
    override = latest_overrides(frames)[touched]
    override[np.searchsorted(touched, overridden)] = list(changes.account_overrides.values())
    by_unit = index.unit_codes(frames, changes, touched)
    codes[touched] = effective_codes(by_unit, override, index.territory_ids)
    return codes


def _overridden(frames: Frames, changes: Changes) -> np.ndarray:
    """Positions of the overridden accounts, in the changes' order; ValueError when
    one is not in the frames."""
    positions = frames.accounts.index.get_indexer(list(changes.account_overrides))
    if (positions < 0).any():
        gone = next(a for a, p in zip(changes.account_overrides, positions, strict=True) if p < 0)
        raise ValueError(_("account {name} is not in the current data").format(name=gone))
    return positions


def apply(frames: Frames, changes: Changes) -> Frames:
    """The frames under a scenario: county moves, account overrides, scaled quotas.

    Accounts take their METRICS.md effective territory under the new
    alignment and their opportunities follow them; quota rows of a territory
    are multiplied by (1 + its quota change); the KPI aggregates, when the
    frames carry them, are corrected for the moved accounts. Cost grows with
    the accounts the changes reach, not with the size of the frames. Raises
    ValueError when the changes name a county or an account the frames do not hold.
    """
    if changes.is_empty:
        return frames
    index = index_of(frames)
    accounts, opportunities, alignment = frames.accounts, frames.opportunities, frames.alignment
    codes = None
    if changes.county_moves:
        unknown = [f for f in changes.county_moves if f not in alignment.index]
        if unknown:
            raise ValueError(_("county {name} is not in the current data").format(
                name=unknown[0]))
        moved = pd.Series(changes.county_moves, dtype=object)
        alignment = alignment.copy()
        alignment.loc[moved.index, "territory_id"] = moved.to_numpy()
    zip_alignment = frames.zip_alignment
    if changes.zip_moves:
        zip_alignment = _zip_alignment_after(frames, changes)
    if changes.county_moves or changes.account_overrides or changes.zip_moves:
        codes = scenario_codes(frames, changes)
        dtype = accounts["territory_id"].dtype
        accounts = accounts.copy(deep=False)
        if changes.account_overrides:
            override = latest_overrides(frames).copy()
            override[_overridden(frames, changes)] = list(changes.account_overrides.values())
            accounts["territory_override"] = override
        accounts["territory_id"] = pd.Categorical.from_codes(codes, dtype=dtype)
        opportunities = opportunities.copy(deep=False)
        opportunities["territory_id"] = pd.Categorical.from_codes(
            index.opportunity_codes(frames, codes), dtype=dtype)
    quotas = frames.quotas
    if changes.quota_changes:
        factor = quotas["territory_id"].map(
            {t: 1 + c for t, c in changes.quota_changes.items()}).astype("float64").fillna(1.0)
        quotas = quotas.assign(amount=quotas["amount"] * factor.to_numpy())
    # a scenario is read restated under its own alignment (METRICS.md): no history
    after = replace(frames, alignment=alignment, accounts=accounts,
                    opportunities=opportunities, quotas=quotas,
                    alignment_rows=frames.alignment_rows.iloc[:0],
                    override_rows=frames.override_rows.iloc[:0],
                    zip_alignment=zip_alignment, zip_rows=frames.zip_rows.iloc[:0])
    after.derived(_INDEX, lambda: index)  # same rows, same order: the base's index holds
    agg = kpi_cube.aggregates_of(frames)
    if agg is not None:
        # a quota change moves no row: the aggregates (which hold no quota) are the base's
        kpi_cube_build.attach(
            after, agg if codes is None else kpi_cube_moves.follow(agg, codes, opportunities))
    return after


def _zip_alignment_after(frames: Frames, changes: Changes) -> pd.DataFrame:
    """The frames' ZIP rows with the changes' ZIP moves laid over them (a moved
    ZIP without a row gains one, its county from :func:`zip_county`)."""
    moved = pd.DataFrame({"territory_id": pd.Series(dict(changes.zip_moves), dtype=object)})
    moved["county_fips"] = [zip_county(frames, z) for z in moved.index]
    kept = frames.zip_alignment.drop(index=moved.index, errors="ignore")
    return pd.concat([kept, moved.rename_axis("zip")]).sort_index()


# -- the index: where each account and opportunity sits, built once per base --
@dataclass(frozen=True)
class _Index:
    """Positions that do not change with the alignment: accounts by county,
    opportunities by account. Shared by the base frames and every frames
    :func:`apply` derives from them (same rows, same order)."""

    territory_ids: pd.Index
    county_ids: pd.Index
    #: county position of each account, then accounts grouped by county
    account_county: np.ndarray
    county_order: np.ndarray
    county_starts: np.ndarray
    #: account position of each opportunity (-1 = unknown account), then grouped
    opportunity_account: np.ndarray
    opportunity_order: np.ndarray
    opportunity_starts: np.ndarray
    #: the accounts' ZIP areas: ZIP position of each account (-1 = none), then
    #: accounts grouped by ZIP
    zip_ids: pd.Index = field(default_factory=lambda: pd.Index([], dtype=object))
    account_zip: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    zip_order: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    zip_starts: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))

    @classmethod
    def build(cls, frames: Frames) -> _Index:
        dtype = frames.accounts["territory_id"].dtype
        if not isinstance(dtype, pd.CategoricalDtype):
            raise TypeError("what-if needs frames from build_frames "  # i18n: not shown
                            "(categorical territory ids)")
        account_county, county_ids = pd.factorize(frames.accounts["county_fips"], sort=True)
        county_order, county_starts = grouped(account_county, len(county_ids))
        agg = kpi_cube.aggregates_of(frames)
        if agg is not None:  # the aggregates already hold the opportunities by account
            by_account = agg.opp_account, agg.opp_order, agg.opp_starts
        else:
            opportunity_account = frames.accounts.index.get_indexer(
                frames.opportunities["account_id"].astype(object))
            by_account = (opportunity_account,
                          *grouped(opportunity_account, len(frames.accounts)))
        zip_column = frames.accounts["zip"] if "zip" in frames.accounts else pd.Series(
            None, index=frames.accounts.index, dtype=object)
        account_zip, zip_ids = pd.factorize(zip_column, sort=True)
        zip_order, zip_starts = grouped(account_zip, len(zip_ids))
        return cls(pd.Index(dtype.categories), pd.Index(county_ids), account_county,
                   county_order, county_starts, *by_account, pd.Index(zip_ids, dtype=object),
                   account_zip, zip_order, zip_starts)

    @staticmethod
    def account_codes(frames: Frames) -> np.ndarray:
        return frames.accounts["territory_id"].cat.codes.to_numpy()

    def opportunities_of(self, account_positions: np.ndarray) -> np.ndarray:
        """Sorted row positions of the opportunities of some accounts."""
        return np.sort(members(self.opportunity_order, self.opportunity_starts,
                               account_positions))

    def accounts_in(self, county_positions: np.ndarray) -> np.ndarray:
        return members(self.county_order, self.county_starts, county_positions)

    def accounts_in_zips(self, zip_positions: np.ndarray) -> np.ndarray:
        return members(self.zip_order, self.zip_starts, zip_positions)

    def unit_codes(self, frames: Frames, changes: Changes,
                   accounts: np.ndarray | None = None) -> np.ndarray:
        """Territory code of some accounts' alignment unit under the changes (all
        accounts when None): their ZIP's (ZIP row or ZIP move), else their county's."""
        accounts = np.arange(len(self.account_county)) if accounts is None else accounts
        by_county = self.county_codes(frames, changes)[self.account_county[accounts]]
        if frames.zip_alignment.empty and not changes.zip_moves:
            return by_county
        zips = self.zip_ids.to_numpy(object)
        zip_of = np.append(zips, None)[self.account_zip[accounts]]
        territory = frames.zip_alignment["territory_id"]
        if changes.zip_moves:
            territory = territory.drop(index=list(changes.zip_moves), errors="ignore")
            territory = pd.concat([territory, pd.Series(dict(changes.zip_moves), dtype=object)])
        return zip_unit_codes(by_county, zip_of, territory, self.territory_ids)

    def county_codes(self, frames: Frames, changes: Changes) -> np.ndarray:
        """Territory code of each account county under the changes, then a -1 sentinel."""
        codes = frames.derived(("whatif_county_codes",), lambda: self._aligned(frames)).copy()
        moved = self.county_ids.get_indexer(list(changes.county_moves))
        codes[moved[moved >= 0]] = self.territory_ids.get_indexer(
            [t for t, m in zip(changes.county_moves.values(), moved, strict=True) if m >= 0])
        return codes

    def _aligned(self, frames: Frames) -> np.ndarray:
        alignment = frames.alignment["territory_id"]
        by_row = self.territory_ids.get_indexer(alignment.to_numpy(object))
        # a county no alignment row names reads the trailing -1
        return np.append(np.append(by_row, -1)[alignment.index.get_indexer(self.county_ids)], -1)

    def opportunity_codes(self, frames: Frames, account_codes: np.ndarray) -> np.ndarray:
        """Each opportunity takes its account's code; only moved accounts' rows are written."""
        moved = np.flatnonzero(account_codes != self.account_codes(frames))
        base = frames.opportunities["territory_id"].cat.codes.to_numpy()
        rows = members(self.opportunity_order, self.opportunity_starts, moved)
        codes = base.copy()
        codes[rows] = account_codes[self.opportunity_account[rows]]
        return codes


#: where a frames' what-if index is kept (:meth:`Frames.derived`)
_INDEX = "whatif_index"


def index_of(frames: Frames) -> _Index:
    """The frames' index, built on first use and forgotten with the frames."""
    return frames.derived(_INDEX, lambda: _Index.build(frames))


# -- history -------------------------------------------------------------------
def push(history: tuple[Changes, ...], changes: Changes) -> tuple[Changes, ...]:
    """The history with a new snapshot on top (the scenario is its last one)."""
    return (*history, changes)


def undo(history: tuple[Changes, ...]) -> tuple[Changes, ...]:
    """Drop the last snapshot: the scenario goes back to the one before."""
    return history[:-1]


def current(history: tuple[Changes, ...]) -> Changes:
    return history[-1] if history else Changes.empty()
