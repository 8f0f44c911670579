"""Building the precomputed KPI aggregates once per data version (see
:mod:`dashboard.metrics.kpi_cube` for why they exist and how a query reads them).

Opportunities are summed into a cube (segment × territory × distinct close
day) of whole cents, turned into running totals along the day axis; the won
rows are kept as plain arrays with integer codes, and the accounts' rows are
indexed by account and county, so a query never hashes a string per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: beyond this many segments a segment view scans rows instead (memory)
MAX_SEGMENTS = 12
#: where the aggregates live in a Frames' cache
KEY = "kpi_aggregates"

@dataclass(frozen=True)
class Cube:
    """Running totals per territory (rows) over distinct close days (columns).

    Column k holds the sum over days[:k]; there is one more column than days.
    """

    days: np.ndarray
    won_cents: np.ndarray
    won_count: np.ndarray
    lost_count: np.ndarray
    open_cents: np.ndarray
    weighted: np.ndarray  # 1/10,000ths
    #: a what-if's correction (:mod:`dashboard.metrics.kpi_cube_moves`)
    moves: Moves | None = None

    def between(self, name: str, first: int, last: int) -> np.ndarray:
        """Per-territory sum over close days in [first, last] (empty when first > last)."""
        lo = int(np.searchsorted(self.days, first, side="left"))
        hi = max(int(np.searchsorted(self.days, last, side="right")), lo)
        cum = getattr(self, name)
        out = cum[:, hi] - cum[:, lo]
        if self.moves is not None:
            out += self.moves.between(name, lo, hi, len(out))
        return out


@dataclass(frozen=True)
class Moves:
    """A what-if's correction of a cube: one entry per moved opportunity and side
    (it leaves its old territory, −, and joins its new one, +), by territory code
    and close-day position (in :attr:`Cube.days`), with its signed measures."""

    territory: np.ndarray
    day: np.ndarray
    values: dict

    def between(self, name: str, lo: int, hi: int, n_territories: int) -> np.ndarray:
        """Per-territory correction over day positions lo..hi-1 (whole numbers, exact)."""
        pick = (self.day >= lo) & (self.day < hi)
        sums = np.bincount(self.territory[pick], weights=self.values[name][pick],
                           minlength=n_territories)
        return np.rint(sums).astype(np.int64)


@dataclass(frozen=True)
class WonRows:
    """The `won` opportunities of known accounts, in their original row order
    (territory -1 when the account has none: such rows count nowhere, but a
    what-if may give them one)."""

    territory: np.ndarray
    account: np.ndarray
    segment: np.ndarray
    amount: np.ndarray
    created: np.ndarray
    close: np.ndarray
    #: every cycle (close − created) is a whole day in [cycle_min, cycle_min + cycle_span)
    #: (span 0 when not: the median then sorts floats)
    cycle_min: int = 0
    cycle_span: int = 0


@dataclass(frozen=True)
class Aggregates:
    territory_ids: pd.Index
    segments: pd.Index
    account_territory: np.ndarray
    account_segment: np.ndarray
    potential: np.ndarray
    customer_since: np.ndarray
    churned_on: np.ndarray
    #: account position of every opportunity (-1: unknown account), int32
    opp_account: np.ndarray
    #: opportunity positions grouped by account (stable) and where each account's start
    #: (:func:`grouped`; read with :func:`members`)
    opp_order: np.ndarray
    opp_starts: np.ndarray
    won: WonRows
    #: segment name (None = every segment) -> Cube; None when money is not exact
    cubes: dict | None
    #: (T12 start, E, segment) -> accounts ranked by T12 Bookings (see _ranked_accounts);
    #: they do not depend on territories, so a what-if shares its base's
    rankings: dict = field(default_factory=dict, repr=False, compare=False)
    #: the aggregates of the data as stored, when these are a what-if's (see kpi_cube_moves)
    origin: Aggregates | None = field(default=None, repr=False, compare=False)
    #: per-territory figures of a window (see _memo); they depend on territories,
    #: so a what-if starts its own
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def cube(self, segment: str | None) -> Cube | None:
        return None if self.cubes is None else self.cubes.get(segment)


def _codes(values: pd.Series, categories: pd.Index) -> np.ndarray:
    if isinstance(values.dtype, pd.CategoricalDtype) and values.cat.categories.equals(categories):
        return values.cat.codes.to_numpy().astype(np.int64)
    return categories.get_indexer(values.astype(object)).astype(np.int64)


def whole_scaled(values: np.ndarray, scale: float) -> np.ndarray | None:
    """values × scale as int64 when every one is whole at that scale and the sum is exact."""
    product = values * scale
    scaled = np.round(product)
    whole = np.abs(product - scaled) <= 1e-6 + 1e-13 * np.abs(scaled)
    if not whole.all() or np.abs(scaled).sum() >= 2**53:
        return None
    return scaled.astype(np.int64)


def build(frames, opportunity_territory: str = "territory_id") -> Aggregates:
    """The aggregates of one Frames (a second or so at 2M opportunities), with
    each opportunity in the territory its column ``opportunity_territory`` names."""
    territory_ids = pd.Index(frames.territories["territory_id"].astype(object))
    accounts, opps = frames.accounts, frames.opportunities
    account_territory = _codes(accounts["territory_id"], territory_ids)
    seg_codes, segments = pd.factorize(accounts["segment"].astype(object), sort=True)
    segments = pd.Index(segments)
    account_segment = seg_codes.astype(np.int64)

    account = accounts.index.get_indexer(opps["account_id"].astype(object)).astype(np.int64)
    territory = _codes(opps[opportunity_territory], territory_ids)
    segment = np.append(account_segment, -1)[account]
    status = pd.Categorical(opps["status"])
    status_codes = status.codes
    cats = list(status.categories)

    def is_(name: str) -> np.ndarray:
        if name not in cats:
            return np.zeros(len(opps), bool)
        return status_codes == cats.index(name)

    won, lost, open_ = is_("won"), is_("lost"), is_("open")
    amount = opps["amount"].to_numpy(dtype="float64")
    created = opps["created_on"].to_numpy(dtype="float64")
    close = opps["close_on"].to_numpy(dtype="float64")

    keep = won & (account >= 0)
    cycles = (close - created)[keep]
    cycles = cycles[~np.isnan(cycles)]
    cycle_min = cycle_span = 0
    if len(cycles) and (cycles == np.round(cycles)).all() and np.abs(cycles).max() < 2**40:
        cycle_min, cycle_span = int(cycles.min()), int(cycles.max() - cycles.min()) + 1
    won_rows = WonRows(
        territory=territory[keep], account=account[keep], segment=segment[keep],
        amount=amount[keep], created=created[keep], close=close[keep],
        cycle_min=cycle_min, cycle_span=cycle_span,
    )
    cubes = _cubes(territory, segment, len(segments), segments, close, amount,
                   opps["probability"].to_numpy(dtype="float64"), won, lost, open_,
                   len(territory_ids))
    return Aggregates(
        territory_ids=territory_ids, segments=segments,
        account_territory=account_territory, account_segment=account_segment,
        potential=np.nan_to_num(accounts["annual_potential"].to_numpy(dtype="float64")),
        customer_since=accounts["customer_since"].to_numpy(dtype="float64"),
        churned_on=accounts["churned_on"].to_numpy(dtype="float64"),
        opp_account=account.astype(np.int32), won=won_rows, cubes=cubes,
        **_by_account(account, len(accounts)),
    )


def _by_account(account: np.ndarray, n_accounts: int) -> dict:
    order, starts = grouped(account, n_accounts)
    return {"opp_order": order.astype(np.int32), "opp_starts": starts}


def grouped(keys: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Row positions grouped by key (row order within a key) and where each key's
    run starts, for keys 0..size-1 (a CSR index; rows with key -1 belong to none)."""
    order = np.argsort(keys, kind="stable")
    starts = np.searchsorted(keys[order], np.arange(size + 1))
    return order, starts


def members(order: np.ndarray, starts: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The rows of some keys from a :func:`grouped` index, key by key, without a
    Python loop (a slice per key, not a comparison of every row)."""
    keys = np.asarray(keys, dtype=np.int64)
    lengths = starts[keys + 1] - starts[keys]
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    offsets = np.repeat(starts[keys] - np.cumsum(lengths) + lengths, lengths)
    return order[offsets + np.arange(total)]


def _cubes(territory, segment, n_segments, segments, close, amount, probability,
           won, lost, open_, n_territories) -> dict | None:
    """Segment cubes (missing segment in a slot of its own) and their sum, or None
    when money would not add exactly or there are too many segments."""
    if n_segments > MAX_SEGMENTS:
        return None
    in_cube = (territory >= 0) & ~np.isnan(close)
    cents = whole_scaled(np.where(won | open_, amount, 0.0)[in_cube], 100.0)
    weighted = whole_scaled(np.where(open_, amount * probability, 0.0)[in_cube], 10_000.0)
    if cents is None or weighted is None:
        return None
    # every close day, not only those of rows with a territory: a what-if that
    # gives an account a territory adds its deals on days the cube already has
    days = np.unique(close[~np.isnan(close)])
    n_days = len(days)
    slots = n_segments + 1  # the last slot: accounts without a segment
    seg = np.where(segment[in_cube] >= 0, segment[in_cube], n_segments)
    flat = (seg * n_territories + territory[in_cube]) * n_days + np.searchsorted(
        days, close[in_cube])
    size = slots * n_territories * n_days
    st_won, st_lost, st_open = won[in_cube], lost[in_cube], open_[in_cube]

    def summed(mask, weights=None) -> np.ndarray:
        w = None if weights is None else weights[mask].astype("float64")
        counts = np.bincount(flat[mask], weights=w, minlength=size)
        return np.rint(counts).astype(np.int64).reshape(slots, n_territories, n_days)

    measures = {
        "won_cents": summed(st_won, cents), "won_count": summed(st_won),
        "lost_count": summed(st_lost), "open_cents": summed(st_open, cents),
        "weighted": summed(st_open, weighted),
    }

    def running(per_day: np.ndarray) -> np.ndarray:
        out = np.zeros((per_day.shape[0], n_days + 1), np.int64)
        np.cumsum(per_day, axis=1, out=out[:, 1:])
        return out

    cubes = {None: Cube(days, **{k: running(v.sum(axis=0)) for k, v in measures.items()})}
    for code, name in enumerate(segments):
        cubes[name] = Cube(days, **{k: running(v[code]) for k, v in measures.items()})
    return cubes


def prepare(frames) -> Aggregates:
    """Build (once) and attach the aggregates to long-lived frames.

    Only frames that serve many requests are worth it (the service's shared
    frames); a what-if of them gets them corrected for its moves instead
    (:mod:`dashboard.metrics.kpi_cube_moves`). Frames with a dated alignment
    get their credited aggregates too (:func:`credited`).
    """
    agg = frames.derived(KEY, lambda: build(frames))
    if any(len(getattr(frames, rows, ())) for rows in ("alignment_rows", "override_rows",
                                                        "zip_rows")):
        credited(frames)
    return agg


#: the aggregates with each opportunity in its credited territory (see credited)
CREDITED_KEY = "kpi_aggregates_credited"


def credited(frames) -> Aggregates:
    """The aggregates of ``frames`` with every opportunity in its *credited*
    territory (``opportunities.credited_territory_id``: its account's on its
    close date), built once and kept with the frames. Its cubes answer the
    as-credited won and lost figures with the same lookups as the live ones;
    its account columns are the live aggregates' own."""
    return frames.derived(CREDITED_KEY, lambda: build(frames, "credited_territory_id"))


@dataclass(frozen=True)
class OpenRows:
    """The `open` opportunities in row order: the few rows whose territory
    as credited is their account's on E, read per request."""

    account: np.ndarray
    segment: np.ndarray
    amount: np.ndarray
    probability: np.ndarray
    close: np.ndarray


def open_rows(frames, agg: Aggregates) -> OpenRows:
    def make() -> OpenRows:
        opps = frames.opportunities
        rows = np.flatnonzero((opps["status"] == "open").to_numpy(bool))
        account = agg.opp_account[rows].astype(np.int64)
        return OpenRows(
            account=account, segment=np.append(agg.account_segment, -1)[account],
            amount=opps["amount"].to_numpy("float64")[rows],
            probability=opps["probability"].to_numpy("float64")[rows],
            close=opps["close_on"].to_numpy("float64")[rows])
    return frames.derived(("open_rows",), make)


def attach(frames, agg: Aggregates | None) -> None:
    if agg is not None:
        frames.cache[KEY] = agg
