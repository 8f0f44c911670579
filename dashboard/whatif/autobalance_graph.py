"""What the auto-balance search (:mod:`dashboard.whatif.autobalance`) walks over:
the county adjacency graph and the per-county totals, computed once.

METRICS.md Geographic unit and Balance and workload; issue 5 item 5 (moves
keep every territory contiguous, honour locks and a disruption budget).

Counties become integer positions so the search can evaluate every boundary
move with numpy: the graph is held twice, as directed edge arrays (one row
per ordered pair of bordering counties, for vectorised candidate lists) and
as neighbour lists (for the breadth-first contiguity test of one chosen move).
Water links (island counties joined to the mainland, as the demo manifest
lists them) are ordinary edges flagged ``water`` so moves of contiguity-exempt
territories can refuse them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from dashboard.design.graph import keeps_connected
from dashboard.i18n.translation import _
from dashboard.metrics.balance import DEFAULT_WEIGHTS, WorkloadWeights, travel_estimate
from dashboard.metrics.frames import Frames, latest_overrides
from dashboard.metrics.periods import from_day, to_day


@dataclass(frozen=True)
class CountyGraph:
    """Counties 0..n-1 in ``fips`` order and who borders whom.

    src, dst: directed edges (both directions of every border), int arrays
    water:    True where the edge is a water link rather than a shared border
    neighbours: per county, the sorted positions of its neighbours (land and water)
    """

    fips: pd.Index
    src: np.ndarray
    dst: np.ndarray
    water: np.ndarray
    neighbours: tuple[tuple[int, ...], ...]

    @classmethod
    def build(
        cls,
        fips: Iterable[str],
        adjacency: Mapping[str, Iterable[str]],
        water_links: Iterable[Iterable[str]] = (),
    ) -> CountyGraph:
        """Graph over ``fips`` only: borders to counties outside it are dropped.

        Edges are sorted, so the graph (and everything the search derives from
        it) does not depend on the iteration order of the adjacency sets.
        """
        index = pd.Index(list(fips), dtype=object)
        position = {f: i for i, f in enumerate(index)}
        land = {
            (position[a], position[b])
            for a in index
            for b in adjacency.get(a, ())
            if b in position and b != a
        }
        land |= {(b, a) for a, b in land}
        water = set()
        for pair in water_links:
            a, b = tuple(pair)
            if a in position and b in position and a != b:
                water |= {(position[a], position[b]), (position[b], position[a])}
        water -= land  # a pair that also shares a border is a land edge
        edges = sorted(land | water)
        src = np.fromiter((e[0] for e in edges), dtype=np.int64, count=len(edges))
        dst = np.fromiter((e[1] for e in edges), dtype=np.int64, count=len(edges))
        is_water = np.fromiter((e in water for e in edges), dtype=bool, count=len(edges))
        lists: list[list[int]] = [[] for _ in range(len(index))]
        for a, b in edges:
            lists[a].append(b)
        return cls(index, src, dst, is_water, tuple(tuple(n) for n in lists))

    def keeps_connected(self, county: int, owner: np.ndarray) -> bool:
        """Whether removing ``county`` from its territory leaves the piece it
        sits in connected (the articulation-point test, for one vertex).

        Only the county's own neighbours in the territory need to stay linked
        to each other, so the breadth-first search starts at one of them and
        stops as soon as it has reached them all. A county with at most one
        such neighbour is never a cut vertex. Judging the piece rather than
        the whole territory lets territories that are already in several
        pieces (contiguity-exempt ones) trade land-border counties without
        making things worse. The test is the design engine's
        (:func:`dashboard.design.graph.keeps_connected`).
        """
        return keeps_connected(self.neighbours, owner, county)


METRICS = ("potential", "workload", "accounts")
BUDGET_MEASURES = ("bookings", "accounts")


@dataclass(frozen=True)
class SearchOptions:
    """What to balance and what to leave alone: everything a search reads
    besides the data, the budget and its progress/stop hooks, so that the
    trade-off curve and the proposal at the chosen budget search alike.

    ``metric`` is the balanced measure (:data:`METRICS`); ``budget_measure``
    what disruption is a share of (:data:`BUDGET_MEASURES`: T12 bookings or
    accounts). Locked counties, territories and accounts never move (nor do
    counties holding a locked account); contiguity-exempt territories trade
    only across land borders; ``water_links`` are county pairs treated as
    bordering. ``as_of`` ends the T12 window (None: the last won deal's close
    date). ``seed`` only breaks ties; ``max_moves`` caps one proposal.
    ``county_names`` maps county_fips to the name a move's reason shows.
    Collections are frozen on construction, so one value serves many runs.
    """

    metric: str = "potential"
    budget_measure: str = "bookings"
    locked_counties: Iterable[str] = frozenset()
    locked_territories: Iterable[str] = frozenset()
    locked_accounts: Iterable[str] = frozenset()
    exempt_territories: Iterable[str] = frozenset()
    water_links: Iterable[Iterable[str]] = ()
    as_of: date | None = None
    seed: int = 7
    max_moves: int = 500
    weights: WorkloadWeights = DEFAULT_WEIGHTS
    county_names: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        if self.metric not in METRICS:
            raise ValueError(
                f"metric must be one of {METRICS}, not {self.metric!r}")  # i18n: not shown
        if self.budget_measure not in BUDGET_MEASURES:
            raise ValueError(
                f"budget_measure must be one of {BUDGET_MEASURES}")  # i18n: not shown
        for name in ("locked_counties", "locked_territories", "locked_accounts",
                     "exempt_territories"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))
        object.__setattr__(self, "water_links", tuple(tuple(p) for p in self.water_links))


@dataclass(frozen=True)
class Problem:
    """Everything the search reads, computed once per (frames, options)."""

    graph: CountyGraph
    tids: pd.Index
    names: tuple[str, ...]
    county_names: tuple[str, ...]
    owner: np.ndarray            # territory code per county at the start (-1: none)
    accounts: np.ndarray         # per county: accounts that follow the county
    potential: np.ndarray
    bookings: np.ndarray         # their T12 bookings
    area: np.ndarray
    base_accounts: np.ndarray    # per territory: named-account overrides placed there
    base_potential: np.ndarray
    cost: np.ndarray             # per county: share of the budget measure it moves
    movable: np.ndarray          # per county
    frozen: np.ndarray           # per territory: locked
    exempt: np.ndarray           # per territory: contiguity-exempt
    metric: str
    weights: WorkloadWeights
    tiebreak: np.ndarray         # per county: seeded rank

    def totals(self, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Accounts, potential and area per territory under ``owner``."""
        inside = owner >= 0
        size = len(self.tids)

        def per_territory(values):
            return np.bincount(owner[inside], weights=values[inside], minlength=size)

        return (self.base_accounts + per_territory(self.accounts),
                self.base_potential + per_territory(self.potential),
                per_territory(self.area))

    def value(self, accounts, potential, area):
        """The chosen metric from territory totals (vectorised; workload per
        METRICS.md Workload index, with travel from the territory's area)."""
        if self.metric == "potential":
            return potential
        if self.metric == "accounts":
            return accounts
        w = self.weights
        return (w.accounts * accounts + w.travel_km * travel_estimate(accounts, area)
                + w.potential * potential)


def _default_as_of(frames: Frames) -> date:
    """The last close date of a won deal: the data's own "today" (with no won
    deal there are no bookings, so any fixed day will do)."""
    opps = frames.opportunities
    won = opps.loc[opps["status"].astype(object) == "won", "close_on"]
    return from_day(int(won.max()) if won.notna().any() else 0)


def _account_bookings(frames: Frames, as_of: date) -> tuple[np.ndarray, float]:
    """T12 bookings per account (frames.accounts order) and the company total."""
    opps = frames.opportunities
    close = opps["close_on"].to_numpy("float64")
    t12 = ((opps["status"].astype(object) == "won").to_numpy(bool)
           & (close >= to_day(as_of - timedelta(days=364))) & (close <= to_day(as_of)))
    amount = np.where(t12, opps["amount"].to_numpy("float64"), 0.0)
    position = frames.accounts.index.get_indexer(opps["account_id"].astype(object))
    known = position >= 0
    per_account = np.bincount(position[known], weights=amount[known],
                              minlength=len(frames.accounts))
    return per_account, float(amount.sum())


def prepare(frames: Frames, areas: pd.Series | Mapping[str, float] | None,
            adjacency: Mapping[str, Iterable[str]], options: SearchOptions) -> Problem:
    """Per-county and per-territory totals, costs and locks, summed once with numpy.

    Accounts with a named-account override are counted in their override
    territory (``base_*``), not in their county, because a county move does
    not change their territory (METRICS.md Account). A county is immovable
    when it is locked, unaligned, or holds a locked account (even one kept in
    place by an override: the lock is on the account's rep relationship, and
    leaving its county alone is the reading no reviewer can dispute).
    """
    alignment = frames.alignment["territory_id"].astype(object)
    graph = CountyGraph.build(alignment.index, adjacency, options.water_links)
    tids = pd.Index(frames.territories["territory_id"].astype(object))
    owner = tids.get_indexer(alignment.to_numpy())
    size, n_counties = len(tids), len(graph.fips)

    accounts = frames.accounts
    override = pd.Series(latest_overrides(frames), index=accounts.index, dtype=object)
    follows = override.isna().to_numpy().copy()
    county = graph.fips.get_indexer(accounts["county_fips"].astype(object))
    follows &= county >= 0
    placed = tids.get_indexer(override.to_numpy())  # -1 where no override
    placed_ok = (~follows) & (placed >= 0)
    potential = accounts["annual_potential"].to_numpy("float64")
    bookings, total_bookings = _account_bookings(
        frames, options.as_of or _default_as_of(frames))

    def per_county(values):
        return np.bincount(county[follows], weights=values[follows], minlength=n_counties)

    ones = np.ones(len(accounts))
    county_accounts, county_bookings = per_county(ones), per_county(bookings)
    if options.budget_measure == "bookings":
        if total_bookings <= 0:
            raise ValueError(_("There are no trailing-12-month bookings to measure "
                               "disruption by."))
        cost = county_bookings / total_bookings
    else:
        cost = county_accounts / max(len(accounts), 1)

    movable = owner >= 0
    movable &= ~graph.fips.isin(list(options.locked_counties))
    holds_locked = accounts.index.isin(list(options.locked_accounts)) & (county >= 0)
    movable[np.unique(county[holds_locked])] = False
    area = (pd.Series(areas, dtype="float64").reindex(graph.fips).fillna(0.0).to_numpy()
            if areas is not None else np.zeros(n_counties))
    names = frames.territories["territory_name"].reindex(tids).astype(object)
    names = tuple("" if pd.isna(n) else str(n) for n in names)
    cnames = tuple(str((options.county_names or {}).get(f, f)) for f in graph.fips)
    return Problem(
        graph=graph, tids=tids, names=names, county_names=cnames, owner=owner,
        accounts=county_accounts, potential=per_county(potential), bookings=county_bookings,
        area=area,
        base_accounts=np.bincount(placed[placed_ok], minlength=size).astype("float64"),
        base_potential=np.bincount(placed[placed_ok], weights=potential[placed_ok],
                                   minlength=size),
        cost=cost, movable=movable, frozen=tids.isin(list(options.locked_territories)),
        exempt=tids.isin(list(options.exempt_territories)), metric=options.metric,
        weights=options.weights,
        tiebreak=np.random.default_rng(options.seed).permutation(n_counties),
    )


def boundary_moves(problem: Problem, owner, moved, counties_per, remaining):
    """Feasible boundary moves (county, receiving territory), unique, before the
    contiguity test: every filter here is a vectorised mask over directed edges."""
    graph = problem.graph
    src, dst = graph.src, graph.dst
    give, take = owner[src], owner[dst]
    ok = (give >= 0) & (take >= 0) & (give != take)
    give, take = np.where(ok, give, 0), np.where(ok, take, 0)
    ok &= problem.movable[src] & ~moved[src]
    ok &= ~problem.frozen[give] & ~problem.frozen[take]
    ok &= ~graph.water | ~(problem.exempt[give] | problem.exempt[take])
    ok &= counties_per[give] > 1
    ok &= problem.cost[src] <= remaining + 1e-12  # slack for float sums only
    keys = np.unique(src[ok] * len(problem.tids) + take[ok])
    return keys // len(problem.tids), keys % len(problem.tids)
