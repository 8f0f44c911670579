"""Analysis frames: the Dataset reshaped for fast KPI arithmetic.

Ids become categoricals, dates become integer day numbers (NaN = missing) and
every account and opportunity carries the territory it belongs to *under the
alignment being viewed* (METRICS.md: an account's territory is its override
when set, else its county's territory; an opportunity follows its account).
A what-if (``dashboard.whatif.changeset.apply``) builds new frames by giving
the moved accounts their new territory, so history moves with the accounts.

Alignment history (METRICS.md "Alignment history"). The alignment and the
named-account overrides are effective-dated. ``accounts.territory_id`` (and
``alignment``, and each opportunity's ``territory_id``) is the *latest*
alignment: each county's row with the latest effective_from and each
account's latest override, whatever their dates. That is the alignment the
what-if, the design engine and the balance figures work on, and the restated
reading of history. What the *as credited* reading needs besides:

- ``opportunities.credited_territory_id``: the territory of the opportunity's
  account on its close date (the override in force then when there is one,
  else the county's row with the latest effective_from ≤ that date);
- :class:`History` (``history_of(frames)``): every account's change points,
  from which ``territories_on(frames, d)`` gives the territory of every
  account on day d ("the territory's accounts on d") with one
  :func:`numpy.searchsorted`, no Python loop per row.

With no dated row and no overrides row the history is empty, every lookup
above gives the latest alignment, and the frames are exactly what they were
before history existed.

ZIP rows (issue 19, mixed alignments). An alignment row may name a ZIP area of
its county (``alignment.zip``) and an account may carry the ZIP area it lies in
(``accounts.zip``). An account's territory on day d is then, in this order: its
named-account override in force on d; else its ZIP's row with the latest
effective_from ≤ d; else its county's row with the latest effective_from ≤ d.
A ZIP without a row in force follows its county, so a county alignment carried
to ZIP areas changes nothing until someone moves a ZIP. ``zip_alignment`` holds
each ZIP's latest row, ``zip_rows`` every ZIP row when any alignment row is
dated. In the history each (ZIP, county) pair of the accounts whose ZIP has rows
is an owner of its own: the county's change points before the ZIP's first row,
then the ZIP's rows, so the one searchsorted still answers every lookup.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from dashboard.metrics.periods import EPOCH, parse_quarter_label, quarter_bounds, to_day
from dashboard.storage import hierarchy
from dashboard.storage.schema import Dataset, empty_frame, merged_stage_probabilities

_EPOCH64 = np.datetime64(EPOCH, "D")


def day_numbers(dates: pd.Series) -> pd.Series:
    """datetime64 column -> float day numbers, NaN where the date is missing."""
    values = pd.to_datetime(dates).to_numpy(dtype="datetime64[D]")
    days = (values - _EPOCH64).astype("timedelta64[D]").astype("float64")
    days[np.isnat(values)] = np.nan
    return pd.Series(days, index=dates.index)


def potential_estimated(accounts: pd.DataFrame) -> np.ndarray:
    """Whether each account's annual potential was estimated at import
    (``accounts.potential_estimated``); accounts framed by hand without the
    flag have every potential as given."""
    if "potential_estimated" not in accounts:
        return np.zeros(len(accounts), dtype=bool)
    return accounts["potential_estimated"].to_numpy(dtype=bool)


@dataclass(frozen=True)
class Frames:
    """Everything a KPI function reads.

    territories: index territory_id; territory_name, region, rep_id, rep_name
    reps:        index rep_id; rep_name, email, territory_id, home_lat, home_lon
    alignment:   index county_fips; territory_id
    accounts:    index account_id; ..., annual_potential, customer_since and
                 churned_on as day numbers, territory_id (effective)
    opportunities: opportunity_id, account_id, amount, stage, status,
                 created_on, close_on (int day numbers), probability,
                 territory_id (effective, from the account)
    quotas:      territory_id, period, amount, start_day, end_day
    alignment_rows: county_fips, territory_id, start_day (NaN: from the
                 beginning): every county alignment row, when any alignment
                 row is dated; else empty
    zip_alignment: index zip (ZIP area id); territory_id, county_fips: each
                 ZIP row's latest (empty: a county-only alignment)
    zip_rows:    zip, county_fips, territory_id, start_day: every ZIP row,
                 when any alignment row is dated; else empty
    override_rows: account_id, territory_id (None: back to the county's),
                 start_day: the dated overrides; empty when there are none
    levels:      the levels.csv rows (level, unit_id, unit_name, parent_level,
                 parent_id, manager); territories carry their parent_level
                 and parent_id
    """

    territories: pd.DataFrame
    reps: pd.DataFrame
    alignment: pd.DataFrame
    accounts: pd.DataFrame
    opportunities: pd.DataFrame
    quotas: pd.DataFrame
    alignment_rows: pd.DataFrame = field(default_factory=lambda: _history_frame("county_fips"))
    override_rows: pd.DataFrame = field(default_factory=lambda: _history_frame("account_id"))
    zip_alignment: pd.DataFrame = field(default_factory=lambda: _zip_latest_frame())
    zip_rows: pd.DataFrame = field(default_factory=lambda: _zip_rows_frame())
    #: the units above the territory (DATA_FORMAT levels.csv; empty: the
    #: single region level); see :func:`hierarchy_of`
    levels: pd.DataFrame = field(default_factory=lambda: empty_frame("levels"))
    #: values derived from these frames alone (see :meth:`derived`); not an init
    #: field, so ``dataclasses.replace`` starts a what-if with an empty one
    cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def derived(self, key, compute):
        """``compute()``, run once per key and kept with these frames, so it is
        forgotten with them: the KPI aggregates, a what-if's row index, the
        before side of a scenario's figures. Only for values that depend on
        these frames and the key alone."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]


def _history_frame(key: str) -> pd.DataFrame:
    return pd.DataFrame({key: pd.Series([], dtype=object),
                         "territory_id": pd.Series([], dtype=object),
                         "start_day": pd.Series([], dtype="float64")})


def _zip_rows_frame() -> pd.DataFrame:
    return _history_frame("zip").assign(county_fips=pd.Series([], dtype=object))[
        ["zip", "county_fips", "territory_id", "start_day"]]


def _zip_latest_frame() -> pd.DataFrame:
    return pd.DataFrame({"territory_id": pd.Series([], dtype=object),
                         "county_fips": pd.Series([], dtype=object)},
                        index=pd.Index([], dtype=object, name="zip"))


#: Change points are int64 keys ``owner × _SPAN + day + _OFFSET`` (owner: a
#: county or account code), sorted, so one searchsorted finds, for many
#: (owner, day) pairs at once, each owner's last change on or before its day.
_SPAN, _OFFSET = 2**32, 2**31
#: day numbers of "from the beginning" and of "after every change"
_FIRST_DAY, _LAST_DAY = -_OFFSET, _OFFSET - 1
#: an override row whose territory is blank: back to the county's territory
_BACK_TO_COUNTY = -2


@dataclass(frozen=True)
class History:
    """Every account's territory change points, as territory codes (positions
    in the accounts' ``territory_id`` categories; -1 = none)."""

    county_keys: np.ndarray
    county_codes: np.ndarray
    override_keys: np.ndarray
    override_codes: np.ndarray
    #: each account's owner of change points, as a code into the owners of
    #: ``county_keys``: its county, or its (ZIP, county) pair when its ZIP has rows
    account_owner: np.ndarray
    #: the latest dated change (a day number), -inf when nothing is dated
    last_change: float

    def codes_on(self, accounts: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Territory code of each account (a position in the frames' accounts)
        on its day: METRICS.md "an account's territory on day d". A missing
        day reads the latest alignment."""
        day = np.nan_to_num(np.asarray(days, dtype="float64"), nan=_LAST_DAY)
        day = np.clip(day, _FIRST_DAY, _LAST_DAY).astype(np.int64) + _OFFSET
        accounts = np.asarray(accounts, dtype=np.int64)
        county = self.account_owner[accounts]
        codes = _last_on_or_before(self.county_keys, self.county_codes, county, day, -1)
        override = _last_on_or_before(self.override_keys, self.override_codes, accounts, day,
                                      _BACK_TO_COUNTY)
        return np.where(override != _BACK_TO_COUNTY, override, codes)


def _keys(owner: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Change-point keys; a missing day (NaN) is the beginning."""
    day = np.nan_to_num(day, nan=_FIRST_DAY).astype(np.int64)
    return owner.astype(np.int64) * _SPAN + day + _OFFSET


def _last_on_or_before(keys: np.ndarray, values: np.ndarray, owner: np.ndarray,
                       day: np.ndarray, none: int) -> np.ndarray:
    """``values`` of each owner's last key on or before its day; ``none``
    where the owner has none (or no owner, -1)."""
    at = np.searchsorted(keys, owner * _SPAN + day, side="right") - 1
    found = (at >= 0) & (owner >= 0)
    found[found] = keys[at[found]] // _SPAN == owner[found]
    out = np.full(len(owner), none, dtype=np.int64)
    out[found] = values[at[found]]
    return out


def hierarchy_of(frames: Frames) -> pd.DataFrame:
    """Each territory's unit at every level above it (index territory_id, one
    column per level, bottom first, ``region`` last): ``storage.hierarchy``."""
    return frames.derived(("hierarchy",), lambda: hierarchy.membership(
        frames.territories, frames.levels))


def level_units(frames: Frames) -> pd.DataFrame:
    """Every unit above the territory, the derived regions included
    (``storage.hierarchy.units``), limited to those some territory of these
    frames rolls up to."""
    def compute() -> pd.DataFrame:
        table = hierarchy.units(frames.territories, frames.levels)
        member = hierarchy_of(frames)
        used = {(level, unit) for level in member.columns
                for unit in member[level].dropna().unique()}
        keep = [(lvl, u) in used for lvl, u in zip(table["level"], table["unit_id"], strict=True)]
        return table.loc[keep].reset_index(drop=True)
    return frames.derived(("level_units",), compute)


def has_history(frames: Frames) -> bool:
    return (len(frames.alignment_rows) > 0 or len(frames.override_rows) > 0
            or len(frames.zip_rows) > 0)


def history_of(frames: Frames) -> History | None:
    """The change points of ``frames`` (None without dated rows), kept with them."""
    if not has_history(frames):
        return None
    return frames.derived(("history",), lambda: _history(frames))


def _history(frames: Frames) -> History:
    accounts = frames.accounts
    territory_ids = accounts["territory_id"].dtype.categories
    rows = frames.alignment_rows
    if rows.empty:  # overrides only: each county's one row, from the beginning
        rows = frames.alignment["territory_id"].astype(object).rename_axis(
            "county_fips").reset_index().assign(start_day=np.nan)
    counties = pd.Index(pd.unique(rows["county_fips"].to_numpy(object)))
    zip_points, account_owner = _zip_owners(frames, rows, counties)
    county_keys = _keys(counties.get_indexer(rows["county_fips"].to_numpy(object)),
                        rows["start_day"].to_numpy("float64"))
    county_keys = np.concatenate([county_keys, _keys(
        zip_points["owner"].to_numpy(np.int64), zip_points["start_day"].to_numpy("float64"))])
    county_codes = territory_ids.get_indexer(np.concatenate([
        rows["territory_id"].astype(object).to_numpy(),
        zip_points["territory_id"].astype(object).to_numpy()]))
    # accounts.territory_override is an override from the beginning
    base = accounts["territory_override"].to_numpy(object)
    has_base = np.flatnonzero(pd.notna(base))
    dated = frames.override_rows
    owners = np.concatenate([has_base, accounts.index.get_indexer(
        dated["account_id"].to_numpy(object))])
    days = np.concatenate([np.full(len(has_base), np.nan), dated["start_day"].to_numpy("float64")])
    named = np.concatenate([base[has_base], dated["territory_id"].to_numpy(object)])
    override_codes = np.where(pd.isna(named), _BACK_TO_COUNTY,
                              territory_ids.get_indexer(np.where(pd.isna(named), "", named)))
    keep = owners >= 0
    override_keys = _keys(owners[keep], days[keep])
    county_order = np.argsort(county_keys, kind="stable")
    override_order = np.argsort(override_keys, kind="stable")
    changes = np.concatenate([rows["start_day"].to_numpy("float64"), days,
                              zip_points["start_day"].to_numpy("float64")])
    return History(
        county_keys=county_keys[county_order],
        county_codes=county_codes[county_order].astype(np.int64),
        override_keys=override_keys[override_order],
        override_codes=override_codes[keep][override_order].astype(np.int64),
        account_owner=account_owner,
        last_change=float(np.nanmax(changes)) if np.isfinite(changes).any() else -np.inf,
    )


def _zip_owners(frames: Frames, county_rows: pd.DataFrame, counties: pd.Index
                ) -> tuple[pd.DataFrame, np.ndarray]:
    """The change points of the (ZIP, county) owners (owner, territory_id,
    start_day) and every account's owner code: its county's position in
    ``counties``, or ``len(counties)`` + its pair's number when its ZIP has rows.

    A pair's points are its county's rows dated before the ZIP's first row
    (blank dates first), then the ZIP's rows: the ZIP follows its county until
    its own row is in force."""
    accounts = frames.accounts
    account_owner = counties.get_indexer(accounts["county_fips"].to_numpy(object))
    zip_rows = frames.zip_rows
    if zip_rows.empty:
        zip_rows = frames.zip_alignment.rename_axis("zip").reset_index().assign(start_day=np.nan)
    empty = pd.DataFrame({"owner": pd.Series([], dtype=np.int64),
                          "territory_id": pd.Series([], dtype=object),
                          "start_day": pd.Series([], dtype="float64")})
    account_zip = accounts["zip"].to_numpy(object) if "zip" in accounts else None
    if zip_rows.empty or account_zip is None:
        return empty, account_owner
    in_zip = np.flatnonzero(pd.Index(pd.unique(zip_rows["zip"].to_numpy(object))).get_indexer(
        account_zip) >= 0)
    if len(in_zip) == 0:
        return empty, account_owner
    pairs = pd.DataFrame({"zip": account_zip[in_zip],
                          "county_fips": accounts["county_fips"].to_numpy(object)[in_zip]})
    pair_code, pair_table = pd.factorize(pd.MultiIndex.from_frame(pairs))
    account_owner = account_owner.copy()
    account_owner[in_zip] = len(counties) + pair_code
    pairs = pair_table.to_frame(index=False, name=["zip", "county_fips"]).assign(
        owner=len(counties) + np.arange(len(pair_table)))
    ordered = zip_rows["start_day"].fillna(-np.inf)
    first = ordered.groupby(zip_rows["zip"].to_numpy(object)).min()
    own = pairs.merge(zip_rows[["zip", "territory_id", "start_day"]], on="zip")
    carried = pairs.merge(county_rows[["county_fips", "territory_id", "start_day"]],
                          on="county_fips")
    before = (carried["start_day"].fillna(-np.inf).to_numpy()
              < first.reindex(carried["zip"].to_numpy(object)).to_numpy())
    points = pd.concat([carried.loc[before], own], ignore_index=True)
    return points[["owner", "territory_id", "start_day"]], account_owner


def territories_on(frames: Frames, day: int) -> np.ndarray:
    """Territory code (position in the accounts' ``territory_id`` categories,
    -1 = none) of every account of ``frames`` on ``day``: METRICS.md "the
    territory's accounts on d". The latest alignment without history."""
    history = history_of(frames)
    if history is None:
        return frames.accounts["territory_id"].cat.codes.to_numpy().astype(np.int64)
    return frames.derived(("territories_on", int(day)), lambda: history.codes_on(
        np.arange(len(frames.accounts)), np.full(len(frames.accounts), float(day))))


def latest_overrides(frames: Frames) -> np.ndarray:
    """Each account's named-account override under the latest alignment (object
    array, missing = none): the latest dated override when it has one, else
    ``accounts.territory_override``.

    ``territory_override`` holds only the override from the beginning (the
    history is built on it), while ``territory_id`` is the latest alignment
    with the dated overrides: the what-if and the balance read this, so an
    account a dated override moved is not put back on its county by a
    scenario that never touched it."""
    base = frames.accounts["territory_override"].to_numpy(object)
    rows = frames.override_rows
    if rows.empty:
        return base

    def compute() -> np.ndarray:
        order = rows.assign(order=rows["start_day"].fillna(-np.inf)).sort_values(
            "order", kind="stable").drop_duplicates("account_id", keep="last")
        positions = frames.accounts.index.get_indexer(order["account_id"].to_numpy(object))
        named = order["territory_id"].to_numpy(object)
        found = positions >= 0
        latest = base.copy()
        latest[positions[found]] = [None if pd.isna(t) else t for t in named[found]]
        return latest

    return frames.derived(("latest_overrides",), compute)


def latest_alignment(frames: Frames) -> Frames:
    """``frames`` read restated under their latest alignment, as the what-if,
    the design engine and the balance figures read them (METRICS.md): the
    same tables without the history, sharing what was derived from them."""
    if not has_history(frames):
        return frames
    accounts = frames.accounts
    if not frames.override_rows.empty:
        accounts = accounts.copy(deep=False)
        accounts["territory_override"] = latest_overrides(frames)
    latest = replace(frames, accounts=accounts, alignment_rows=frames.alignment_rows.iloc[:0],
                     override_rows=frames.override_rows.iloc[:0],
                     zip_rows=frames.zip_rows.iloc[:0])
    latest.cache.update(frames.cache)
    return latest


def effective_codes(county_codes: np.ndarray, overrides: np.ndarray,
                    territory_ids: pd.Index) -> np.ndarray:
    """METRICS.md effective territory of some accounts, as positions in ``territory_ids``
    (-1 = none): the override when set, else the territory of the account's county.

    ``county_codes`` holds the code of each account's county territory and
    ``overrides`` each account's override (missing = none). The live frames
    and every what-if use this one rule; integer codes let KPI code group
    without hashing a string per row."""
    codes = np.array(county_codes, dtype=np.int64)  # a copy: the caller's stays
    overrides = np.asarray(overrides, dtype=object)
    has_override = pd.notna(overrides)
    codes[has_override] = territory_ids.get_indexer(overrides[has_override])
    return codes


def _follow_accounts(opps: pd.DataFrame, accounts: pd.DataFrame) -> pd.Series:
    """Each opportunity's territory from its account, by position (fast)."""
    territory = accounts["territory_id"]
    position = accounts.index.get_indexer(opps["account_id"].astype(object))
    if isinstance(territory.dtype, pd.CategoricalDtype):
        codes = np.append(territory.cat.codes.to_numpy(), -1)[position]
        return pd.Series(pd.Categorical.from_codes(codes, dtype=territory.dtype),
                         index=opps.index)
    return opps["account_id"].map(territory)


def build_frames(
    dataset: Dataset, stage_probabilities: dict[str, float] | None = None
) -> Frames:
    """The analysis frames of ``dataset``.

    ``stage_probabilities`` is laid over the METRICS.md defaults, not put in
    their place: configuring one stage must not drop every other stage to 0%
    in the weighted pipeline. A stage known to neither counts at 0% (the
    importer warns about such open opportunities).
    """
    probabilities = merged_stage_probabilities(stage_probabilities)

    reps = dataset.reps.set_index("rep_id", drop=False).rename_axis(None)
    owners = (
        dataset.reps.dropna(subset=["territory_id"])
        .drop_duplicates("territory_id")
        .set_index("territory_id")[["rep_id", "rep_name"]]
    )
    territories = dataset.territories.set_index("territory_id", drop=False).rename_axis(None)
    territories = territories.join(owners, how="left")

    alignment, zip_rows, zip_alignment = _split_zip_rows(dataset.alignment)
    dated = zip_rows["start_day"].notna().any() or (
        "effective_from" in alignment and alignment["effective_from"].notna().any())
    if dated:
        alignment_rows = pd.DataFrame({
            "county_fips": alignment["county_fips"].to_numpy(object),
            "territory_id": alignment["territory_id"].to_numpy(object),
            "start_day": day_numbers(alignment["effective_from"]).to_numpy()})
        # the latest alignment: each county's row with the latest effective_from
        latest = alignment_rows.assign(order=alignment_rows["start_day"].fillna(-np.inf))
        latest = latest.sort_values("order", kind="stable").drop_duplicates(
            "county_fips", keep="last")
        alignment_map = latest.set_index("county_fips")["territory_id"].rename_axis(
            "county_fips")
    else:
        alignment_rows = _history_frame("county_fips")
        alignment_map = alignment.set_index("county_fips")["territory_id"]
    override_rows = _override_rows(dataset)

    accounts = dataset.accounts.copy()
    if "zip" not in accounts:  # a frame built before ZIP areas existed (by hand)
        accounts["zip"] = pd.Series(None, index=accounts.index, dtype=object)
    accounts["customer_since"] = day_numbers(accounts["customer_since"])
    accounts["churned_on"] = day_numbers(accounts["churned_on"])
    territory_ids = pd.Index(dataset.territories["territory_id"].astype(object))
    by_county = territory_ids.get_indexer(
        accounts["county_fips"].map(alignment_map).astype(object).to_numpy())
    by_unit = zip_unit_codes(by_county, accounts["zip"].to_numpy(object),
                             zip_alignment["territory_id"], territory_ids)
    codes = effective_codes(by_unit, accounts["territory_override"].to_numpy(object),
                            territory_ids)
    dtype = pd.CategoricalDtype(territory_ids)
    accounts["territory_id"] = pd.Categorical.from_codes(codes, dtype=dtype)
    accounts = accounts.set_index("account_id", drop=False).rename_axis(None)
    history = None
    if not dated:
        zip_rows = zip_rows.iloc[:0]  # nothing dated: the latest rows say it all
    if dated or len(override_rows):
        staged = Frames(territories=territories, reps=reps, alignment=alignment_map.to_frame(),
                        accounts=accounts, opportunities=pd.DataFrame(), quotas=pd.DataFrame(),
                        alignment_rows=alignment_rows, override_rows=override_rows,
                        zip_alignment=zip_alignment, zip_rows=zip_rows)
        history = _history(staged)
        # the latest alignment, overrides included (the dated ones too)
        accounts["territory_id"] = pd.Categorical.from_codes(
            history.codes_on(np.arange(len(accounts)), np.full(len(accounts), np.nan)),
            dtype=dtype)

    opps = dataset.opportunities.copy()
    opps["created_on"] = day_numbers(opps["created_on"])
    opps["close_on"] = day_numbers(opps["close_on"])
    opps["probability"] = _probabilities(opps, probabilities)
    opps["status"] = opps["status"].astype("category")
    opps["territory_id"] = _follow_accounts(opps, accounts)
    if history is None:
        opps["credited_territory_id"] = opps["territory_id"]
    else:
        opps["credited_territory_id"] = pd.Categorical.from_codes(history.codes_on(
            accounts.index.get_indexer(opps["account_id"].astype(object)),
            opps["close_on"].to_numpy("float64")), dtype=dtype)

    quotas = dataset.quotas.copy()
    bounds = [quarter_bounds(*parse_quarter_label(p)) for p in quotas["period"]]
    quotas["start_day"] = [to_day(b[0]) for b in bounds]
    quotas["end_day"] = [to_day(b[1]) for b in bounds]

    return Frames(
        territories=territories,
        reps=reps,
        alignment=alignment_map.to_frame(),
        accounts=accounts,
        opportunities=opps.reset_index(drop=True),
        quotas=quotas.reset_index(drop=True),
        alignment_rows=alignment_rows,
        override_rows=override_rows,
        levels=dataset.levels.copy(),
        zip_alignment=zip_alignment,
        zip_rows=zip_rows,
    )


def _split_zip_rows(alignment: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The county rows of an alignment table, its ZIP rows (zip, county_fips,
    territory_id, start_day) and each ZIP's latest row (index zip)."""
    if "zip" not in alignment or alignment["zip"].isna().all():
        return alignment, _zip_rows_frame(), _zip_latest_frame()
    is_zip = alignment["zip"].notna().to_numpy()
    zips = alignment.loc[is_zip]
    rows = pd.DataFrame({"zip": zips["zip"].to_numpy(object),
                         "county_fips": zips["county_fips"].to_numpy(object),
                         "territory_id": zips["territory_id"].to_numpy(object),
                         "start_day": day_numbers(zips["effective_from"]).to_numpy()})
    latest = rows.assign(order=rows["start_day"].fillna(-np.inf)).sort_values(
        "order", kind="stable").drop_duplicates("zip", keep="last")
    latest = latest.set_index("zip")[["territory_id", "county_fips"]].sort_index()
    return alignment.loc[~is_zip], rows, latest


def zip_unit_codes(county_codes: np.ndarray, account_zips: np.ndarray | None,
                   zip_territory: pd.Series, territory_ids: pd.Index) -> np.ndarray:
    """Each account's territory code by its alignment unit (issue 19): its ZIP's
    territory when ``zip_territory`` (index ZIP area id) names its ZIP, else its
    county's (``county_codes``). A new array; -1 = none."""
    codes = np.array(county_codes, dtype=np.int64)
    if account_zips is None or len(zip_territory) == 0:
        return codes
    at = zip_territory.index.get_indexer(account_zips)
    has = at >= 0
    codes[has] = territory_ids.get_indexer(zip_territory.to_numpy(object))[at[has]]
    return codes


def _override_rows(dataset: Dataset) -> pd.DataFrame:
    overrides = getattr(dataset, "overrides", None)
    if overrides is None or overrides.empty:
        return _history_frame("account_id")
    return pd.DataFrame({"account_id": overrides["account_id"].to_numpy(object),
                         "territory_id": overrides["territory_id"].to_numpy(object),
                         "start_day": day_numbers(overrides["effective_from"]).to_numpy()})


def _probabilities(opps: pd.DataFrame, probabilities: dict[str, float]) -> pd.Series:
    """Stage probability; won is always 1 and lost 0 whatever the stage says."""
    by_stage = opps["stage"].map(probabilities).astype("float64").fillna(0.0)
    by_stage = by_stage.where(opps["status"] != "won", 1.0)
    return by_stage.where(opps["status"] != "lost", 0.0)
