"""What-if scenarios: a set of changes over the live alignment, and its frames.

METRICS.md "Scenario": a named set of changes (unit moves, account overrides,
quota changes) over a base alignment. A scenario is plain data
(:class:`Changes`, JSON round-trip) so it can be saved, compared and undone;
:func:`apply` turns it into the :class:`~dashboard.metrics.frames.Frames` every KPI
reads, with accounts and their opportunities following their new territory
(METRICS.md: an opportunity belongs to its account's territory under the
alignment being viewed).

:func:`apply` touches only what changed: the accounts in moved counties and
the overridden accounts get a new territory code, then their opportunities
(found through an account -> opportunities index built once per base frames).
Everything else is shared with the base frames, which pandas' copy-on-write
keeps safe.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np
import pandas as pd

from dashboard.i18n.translation import _
from dashboard.metrics.frames import Frames

#: How many names a lock message lists before "and N more".
_NAMED = 5


class LockedError(ValueError):
    """A change that a lock forbids; the message names the lock in plain words."""


def _names(ids: Iterable[str]) -> str:
    """"A, B, C" or "A, B, C, D, E and 3 more"."""
    ids = sorted(ids)
    shown = ", ".join(ids[:_NAMED])
    if len(ids) <= _NAMED:
        return shown
    return _("{names} and {count} more").format(names=shown, count=len(ids) - _NAMED)


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

    def __post_init__(self) -> None:
        for name in ("county_moves", "account_overrides", "quota_changes"):
            value = dict(sorted(dict(getattr(self, name)).items()))
            object.__setattr__(self, name, MappingProxyType(value))
        for name in ("locked_counties", "locked_accounts", "locked_territories"):
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
        return not (self.county_moves or self.account_overrides or self.quota_changes)

    def to_json(self) -> dict:
        return {
            "county_moves": dict(self.county_moves),
            "account_overrides": dict(self.account_overrides),
            "quota_changes": {k: float(v) for k, v in self.quota_changes.items()},
            "locked_counties": sorted(self.locked_counties),
            "locked_accounts": sorted(self.locked_accounts),
            "locked_territories": sorted(self.locked_territories),
        }

    @classmethod
    def from_json(cls, data: Mapping) -> Changes:
        """Inverse of :meth:`to_json`; missing keys mean "no change"."""
        return cls(
            county_moves={str(k): str(v) for k, v in data.get("county_moves", {}).items()},
            account_overrides={str(k): None if v is None else str(v)
                               for k, v in data.get("account_overrides", {}).items()},
            quota_changes={str(k): float(v) for k, v in data.get("quota_changes", {}).items()},
            locked_counties=frozenset(map(str, data.get("locked_counties", ()))),
            locked_accounts=frozenset(map(str, data.get("locked_accounts", ()))),
            locked_territories=frozenset(map(str, data.get("locked_territories", ()))),
        )

    # -- locks ---------------------------------------------------------------
    def lock(self, counties=(), accounts=(), territories=()) -> Changes:
        return replace(self, locked_counties=self.locked_counties | set(counties),
                       locked_accounts=self.locked_accounts | set(accounts),
                       locked_territories=self.locked_territories | set(territories))

    def unlock(self, counties=(), accounts=(), territories=()) -> Changes:
        return replace(self, locked_counties=self.locked_counties - set(counties),
                       locked_accounts=self.locked_accounts - set(accounts),
                       locked_territories=self.locked_territories - set(territories))

    # -- moves ---------------------------------------------------------------
    def move_counties(self, frames: Frames, fips_list: Iterable[str],
                      territory_id: str) -> Changes:
        """Counties (with their accounts that have no override) to ``territory_id``.

        ``frames`` is the base (live) alignment the changes are relative to.
        Refused when a county is locked, when it would leave or enter a locked
        territory, or when a locked account without an override lies in it.
        """
        index = index_of(frames)
        _known_territory(index.territory_ids, territory_id)
        base = frames.alignment["territory_id"]
        moves = dict(self.county_moves)
        moving = []
        for fips in dict.fromkeys(fips_list):
            if fips not in base.index:
                raise ValueError(_("county {name} is not in the alignment").format(name=fips))
            if self.county_moves.get(fips, base[fips]) != territory_id:
                moving.append(fips)
        locked = self.locked_counties.intersection(moving)
        if locked:
            raise LockedError(_("county {names} locked: cannot move").format(
                names=_names(locked)))
        leaving = {self.county_moves.get(f, base[f]) for f in moving}
        self._refuse_locked_territories(leaving | ({territory_id} if moving else set()))
        if moving and self.locked_accounts:
            pinned = _pinned_in(frames, self, moving)
            if pinned:
                raise LockedError(_("account {names} locked: a county move would change "
                                    "its territory").format(names=_names(pinned)))
        for fips in moving:
            moves[fips] = territory_id
            if base[fips] == territory_id:
                del moves[fips]
        return replace(self, county_moves=moves)

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
        base_override = frames.accounts["territory_override"].to_numpy(object)[positions]
        current = _effective(frames, self, positions)
        if territory_id is None:
            county = frames.accounts["county_fips"].to_numpy(object)[positions]
            alignment = frames.alignment["territory_id"]
            target = [self.county_moves.get(c, alignment.get(c)) for c in county]
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
    codes = effective_codes(frames, changes)[positions]
    ids = index_of(frames).territory_ids.to_numpy(object)
    return [ids[c] if c >= 0 else None for c in codes]


def _pinned_in(frames: Frames, changes: Changes, counties: list[str]) -> list[str]:
    """Locked accounts that follow one of the counties (no override) and so would move."""
    locked = sorted(a for a in changes.locked_accounts if a in frames.accounts.index)
    positions = frames.accounts.index.get_indexer(locked)
    county = frames.accounts["county_fips"].to_numpy(object)[positions]
    override = _override_values(frames, changes, positions)
    moving = set(counties)
    return [a for a, c, o in zip(locked, county, override, strict=True)
            if c in moving and _same(o, None)]


def _override_values(frames: Frames, changes: Changes, positions: np.ndarray) -> list:
    ids = frames.accounts.index[positions]
    base = frames.accounts["territory_override"].to_numpy(object)[positions]
    return [changes.account_overrides.get(a, b) if a in changes.account_overrides else b
            for a, b in zip(ids, base, strict=True)]


def effective_codes(frames: Frames, changes: Changes) -> np.ndarray:
    """Effective territory code of every account under the changes (-1 = none).

    METRICS.md: the override when set, else the county's territory. Only the
    accounts in moved counties and the overridden accounts are recomputed."""
    index = index_of(frames)
    codes = index.account_codes(frames).copy()
    touched = index.affected_accounts(frames, changes)
    if len(touched) == 0:
        return codes
    override = frames.accounts["territory_override"].to_numpy(object)[touched].copy()
    if changes.account_overrides:
        positions = frames.accounts.index.get_indexer(list(changes.account_overrides))
        override[np.searchsorted(touched, positions)] = list(changes.account_overrides.values())
    has_override = pd.notna(override)
    new = index.county_codes(frames, changes)[index.account_county[touched]]
    new[has_override] = index.territory_ids.get_indexer(override[has_override])
    codes[touched] = new
    return codes


def apply(frames: Frames, changes: Changes) -> Frames:
    """The frames under a scenario: county moves, account overrides, scaled quotas.

    Accounts take their METRICS.md effective territory under the new
    alignment and their opportunities follow them; quota rows of a territory
    are multiplied by (1 + its quota change). Cost grows with the accounts
    the changes reach, not with the size of the frames.
    """
    index = index_of(frames)
    if changes.is_empty:
        return frames
    accounts, opportunities, alignment = frames.accounts, frames.opportunities, frames.alignment
    if changes.county_moves:
        moved = pd.Series(changes.county_moves, dtype=object)
        alignment = alignment.copy()
        alignment.loc[moved.index, "territory_id"] = moved.to_numpy()
    if changes.county_moves or changes.account_overrides:
        codes = effective_codes(frames, changes)
        dtype = accounts["territory_id"].dtype
        accounts = accounts.copy(deep=False)
        if changes.account_overrides:
            positions = accounts.index.get_indexer(list(changes.account_overrides))
            override = accounts["territory_override"].to_numpy(object).copy()
            override[positions] = list(changes.account_overrides.values())
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
    after = replace(frames, alignment=alignment, accounts=accounts,
                    opportunities=opportunities, quotas=quotas)
    return remember(after, index)


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

    @classmethod
    def build(cls, frames: Frames) -> _Index:
        dtype = frames.accounts["territory_id"].dtype
        if not isinstance(dtype, pd.CategoricalDtype):
            raise TypeError("what-if needs frames from build_frames "  # i18n: not shown
                            "(categorical territory ids)")
        account_county, county_ids = pd.factorize(frames.accounts["county_fips"], sort=True)
        opportunity_account = frames.accounts.index.get_indexer(
            frames.opportunities["account_id"].astype(object))
        county_order, county_starts = _grouped(account_county, len(county_ids))
        order, starts = _grouped(opportunity_account, len(frames.accounts))
        return cls(pd.Index(dtype.categories), pd.Index(county_ids), account_county,
                   county_order, county_starts, opportunity_account, order, starts)

    @staticmethod
    def account_codes(frames: Frames) -> np.ndarray:
        return frames.accounts["territory_id"].cat.codes.to_numpy()

    def opportunities_of(self, account_positions: np.ndarray) -> np.ndarray:
        """Sorted row positions of the opportunities of some accounts."""
        return np.sort(_members(self.opportunity_order, self.opportunity_starts,
                                account_positions))

    def accounts_in(self, county_positions: np.ndarray) -> np.ndarray:
        return _members(self.county_order, self.county_starts, county_positions)

    def affected_accounts(self, frames: Frames, changes: Changes) -> np.ndarray:
        """Sorted positions of the accounts in moved counties and the overridden ones."""
        counties = self.county_ids.get_indexer(list(changes.county_moves))
        overridden = frames.accounts.index.get_indexer(list(changes.account_overrides))
        return np.union1d(self.accounts_in(counties[counties >= 0]), overridden[overridden >= 0])

    def county_codes(self, frames: Frames, changes: Changes) -> np.ndarray:
        """Territory code of each account county under the changes, then a -1 sentinel."""
        alignment = frames.alignment["territory_id"].to_dict() | dict(changes.county_moves)
        territory = [alignment.get(c) for c in self.county_ids]
        return np.append(self.territory_ids.get_indexer(territory), -1)

    def opportunity_codes(self, frames: Frames, account_codes: np.ndarray) -> np.ndarray:
        """Each opportunity takes its account's code; only moved accounts' rows are written."""
        moved = np.flatnonzero(account_codes != self.account_codes(frames))
        base = frames.opportunities["territory_id"].cat.codes.to_numpy()
        rows = _members(self.opportunity_order, self.opportunity_starts, moved)
        codes = base.copy()
        codes[rows] = account_codes[self.opportunity_account[rows]]
        return codes


def _grouped(keys: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Row positions sorted by key, and where each key's run starts (CSR)."""
    order = np.argsort(keys, kind="stable")
    starts = np.searchsorted(keys[order], np.arange(size + 1))
    return order, starts


def _members(order: np.ndarray, starts: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Rows of the given keys, from a CSR grouping, without a Python loop."""
    keys = np.asarray(keys, dtype=np.int64)
    lengths = starts[keys + 1] - starts[keys]
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    offsets = np.repeat(starts[keys] - np.cumsum(lengths) + lengths, lengths)
    return order[offsets + np.arange(total)]


_INDEXES: dict[int, tuple[weakref.ref, _Index]] = {}


def index_of(frames: Frames) -> _Index:
    """The frames' index, built on first use and forgotten with the frames."""
    found = _INDEXES.get(id(frames))
    if found is not None and found[0]() is frames:
        return found[1]
    index = _Index.build(frames)
    remember(frames, index)
    return index


def remember(frames: Frames, index: _Index) -> Frames:
    key = id(frames)
    _INDEXES[key] = (weakref.ref(frames), index)
    weakref.finalize(frames, _INDEXES.pop, key, None)
    return frames


# -- history -------------------------------------------------------------------
def push(history: tuple[Changes, ...], changes: Changes) -> tuple[Changes, ...]:
    """The history with a new snapshot on top (the scenario is its last one)."""
    return (*history, changes)


def undo(history: tuple[Changes, ...]) -> tuple[Changes, ...]:
    """Drop the last snapshot: the scenario goes back to the one before."""
    return history[:-1]


def current(history: tuple[Changes, ...]) -> Changes:
    return history[-1] if history else Changes.empty()
