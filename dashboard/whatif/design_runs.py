"""The design engine (:mod:`dashboard.design`) on a what-if draft: "Suggest a
rebalance" (rebalance under a disruption budget) and "Design from scratch".

One :class:`Prepared` per run holds the engine's unit graph for the draft as it
stands (:func:`prepare`):

- one unit per county of the viewer's frames (a manager's frames hold their region
  only), its measures potential, accounts, workload (:mod:`dashboard.whatif.design_input`)
  and its T12 bookings (what the page's disruption budget is a share of);
- accounts under a named-account override do not follow their county: in a
  rebalance they sit in one locked unit per territory with no edge (it never moves
  and joins no piece); a design from scratch needs a connected graph, so there they
  are counted in their county (the figures shown are the app's own either way);
- locked counties, and counties holding a locked account, are locked to their
  territory; a locked territory and its counties are left out (nothing moves into or
  out of it), the balance target staying the mean over every territory;
- with ``split`` on, a county whose balanced measure alone is above the target ×
  (1 + tolerance) is replaced by pieces of its accounts (:mod:`dashboard.design.split`):
  pieces placed in another territory than the county come back as named-account
  overrides, each county's with its reason.

Figures of an answer are read the way the fairness card reads them
(:func:`dashboard.whatif.autobalance_graph.prepare`: the METRICS.md balance index of the
chosen metric with overrides in their territory), and compactness on the county graph
(cut edges, mean distance to the territory's centre in km).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd

from dashboard.design import engine
from dashboard.design import figures as design_figures
from dashboard.design.graph import UnitGraph
from dashboard.design.split import Items, Split, read_back, split_units
from dashboard.metrics.balance import DEFAULT_WEIGHTS, TRAVEL_CONSTANT, WorkloadWeights
from dashboard.metrics.balance import balance_index as metric_index
from dashboard.metrics.frames import Frames, latest_overrides
from dashboard.whatif import autobalance_graph, design_input
from dashboard.whatif.changeset import Changes

MEASURES = design_input.MEASURES
BOOKINGS = "bookings"
#: id prefix of the units holding a territory's overridden accounts
FIXED = "fixed:"


@dataclass(frozen=True)
class RunOptions:
    """What to balance and how long to look (both buttons)."""

    measures: tuple[str, ...] = ("potential",)
    tolerance: float = 0.05
    time_limit: float = 20.0
    seed: int = 7
    split: bool = True
    weights: WorkloadWeights = DEFAULT_WEIGHTS
    as_of: date | None = None


@dataclass(frozen=True)
class Prepared:
    """The engine's input for one draft, and how to read its answers."""

    frames: Frames                 # the scenario's frames (the viewer's scope)
    counties: pd.Index             # engine county position -> fips
    graph: UnitGraph               # counties (+ pieces, + fixed units), measures + bookings
    county_graph: UnitGraph        # counties only: compactness figures
    split: Split | None
    tids: pd.Index                 # engine territory k -> territory id (unlocked ones)
    start: np.ndarray              # engine territory per unit of ``graph``
    locks: dict[str, int]
    county_start: np.ndarray       # engine territory per county (today's draft)
    home_bases: tuple[str, ...]
    target: np.ndarray             # per measure of ``graph``
    readings: dict[str, autobalance_graph.Problem]   # per measure: the fairness card's
    all_tids: pd.Index             # every territory of the scope
    options: RunOptions
    bookings_share: float          # graph's bookings ÷ the scope's T12 bookings
    fixed: int                     # units at the end of ``graph`` holding overridden accounts
    oversize: tuple[str, ...] = field(default=())


def _as_of(frames: Frames, as_of: date | None) -> date:
    return as_of or autobalance_graph._default_as_of(frames)


def readings(frames: Frames, areas, adjacency, options: RunOptions
             ) -> dict[str, autobalance_graph.Problem]:
    """The fairness card's reading of each measure for ``frames`` (one graph, shared)."""
    first = autobalance_graph.prepare(frames, areas, adjacency, autobalance_graph.SearchOptions(
        budget_measure="accounts", as_of=_as_of(frames, options.as_of),
        weights=options.weights))
    return {m: replace(first, metric=m) for m in MEASURES}


def _graph_without(frames: Frames, keep: np.ndarray, locked_tids: set[str]) -> Frames:
    """The frames the engine's counties are built from: the accounts that follow their
    county (``keep``), unlocked territories and their counties only."""
    alignment = frames.alignment
    in_locked = alignment["territory_id"].astype(object).isin(locked_tids).to_numpy()
    territories = frames.territories[~frames.territories["territory_id"].astype(object)
                                     .isin(locked_tids)]
    accounts = frames.accounts[keep]
    accounts = accounts[~accounts["county_fips"].astype(object).isin(
        alignment.index[in_locked])]
    return replace(frames, alignment=alignment[~in_locked], territories=territories,
                   accounts=accounts)


def _zip_held(frames: Frames) -> pd.Series:
    """Each account's ZIP row territory (missing: its ZIP has no row, or it has no ZIP)."""
    territory = frames.zip_alignment["territory_id"]
    if territory.empty or "zip" not in frames.accounts:
        return pd.Series(None, index=frames.accounts.index, dtype=object)
    return pd.Series(territory.reindex(frames.accounts["zip"].to_numpy(object)).to_numpy(object),
                     index=frames.accounts.index, dtype=object)


def _fixed_rows(placed: np.ndarray, potential: np.ndarray, bookings: np.ndarray,
                tids: pd.Index, data: design_input.CountyInput,
                weights: WorkloadWeights) -> np.ndarray:
    """Per engine territory the overridden accounts placed there: potential, count, their
    workload (the accounts' and potential's terms; an override adds no area) and bookings."""
    code = tids.get_indexer(placed)
    ok = code >= 0
    size = len(tids)
    n = np.bincount(code[ok], minlength=size).astype(float)
    held = np.bincount(code[ok], minlength=size, weights=potential[ok])
    booked = np.bincount(code[ok], minlength=size, weights=bookings[ok])
    n_all, area_all = data.graph.measures[:, 1].sum() + n.sum(), data.area.sum()
    travel = TRAVEL_CONSTANT * n * (area_all / size) / (
        2 * np.sqrt(max(n_all / size, 1e-9) * max(area_all / size, 1e-9)))
    workload = weights.accounts * n + weights.travel_km * travel + weights.potential * held
    return np.column_stack([held, n, workload, booked])


def prepare(frames: Frames, changes: Changes, counties: pd.DataFrame,
            adjacency: Mapping[str, Iterable[str]], options: RunOptions,
            fixed_overrides: bool = True) -> Prepared:
    """The engine's input for the scenario ``frames`` (``changeset.apply`` of
    ``changes``, in the viewer's scope); see the module docstring."""
    unknown = set(options.measures) - set(MEASURES)
    if unknown or not options.measures:
        raise ValueError(f"measures must be some of {MEASURES}")  # i18n: not shown
    as_of = _as_of(frames, options.as_of)
    bookings, total_bookings = autobalance_graph._account_bookings(frames, as_of)
    override = pd.Series(latest_overrides(frames), index=frames.accounts.index, dtype=object)
    overridden = override.notna().to_numpy() if fixed_overrides else np.zeros(
        len(override), dtype=bool)
    # an account whose ZIP has its own row (issue 19) does not follow its county's moves:
    # it is fixed load in its ZIP's territory, as a named account is in its override's
    held = _zip_held(frames).where(~overridden)
    zip_fixed = held.notna().to_numpy()
    placed_at = override.where(overridden, held)
    overridden = overridden | zip_fixed
    all_tids = pd.Index(frames.territories["territory_id"].astype(object))
    locked_tids = set(changes.locked_territories) & set(all_tids)
    base = _graph_without(frames, ~overridden, locked_tids)
    data = design_input.county_input(base, counties, adjacency, weights=options.weights)
    fips = pd.Index(data.graph.ids)
    county_of = fips.get_indexer(base.accounts["county_fips"].astype(object))
    known = county_of >= 0
    follow_bookings = bookings[frames.accounts.index.get_indexer(base.accounts.index)]
    county_bookings = np.bincount(county_of[known], weights=follow_bookings[known],
                                  minlength=len(fips))
    tids = data.territory_ids
    measures = np.column_stack([data.graph.measures, county_bookings])
    ids, xy = list(data.graph.ids), data.graph.xy
    edges = [(ids[a], ids[b]) for a, b in zip(data.graph.src.tolist(),
                                              data.graph.dst.tolist(), strict=True) if a < b]
    names = (*MEASURES, BOOKINGS)
    county_graph = UnitGraph.build(ids, xy, measures, edges, names)
    start = data.start.copy()
    fixed = 0
    graph = county_graph
    if overridden.any():
        rows = _fixed_rows(placed_at.to_numpy()[overridden],
                           frames.accounts["annual_potential"].to_numpy("float64")[overridden],
                           bookings[overridden], tids, data, options.weights)
        used = np.flatnonzero(rows[:, 1] > 0)
        centre = np.stack([xy[start == k].mean(axis=0) if (start == k).any() else xy.mean(0)
                           for k in used]).reshape(-1, 2)
        graph = UnitGraph.build(ids + [f"{FIXED}{tids[k]}" for k in used],
                                np.vstack([xy, centre]), np.vstack([measures, rows[used]]),
                                edges, names)
        start = np.concatenate([start, used])
        fixed = len(used)
    locks = {graph.ids[u]: int(start[u]) for u in range(county_graph.size, graph.size)}
    locked_counties = set(changes.locked_counties)
    holds_locked = base.accounts.index.isin(list(changes.locked_accounts)) & known
    locked_counties |= set(fips[np.unique(county_of[holds_locked])])
    locks.update({f: int(start[i]) for i, f in enumerate(ids) if f in locked_counties})
    whole = len(all_tids)
    totals = graph.measures.sum(axis=0)
    locked_load = _locked_load(frames, locked_tids, bookings, options.weights, data)
    target = (totals + locked_load) / whole
    split = None
    oversize: tuple[str, ...] = ()
    if options.split:
        balanced = [names.index(m) for m in options.measures]
        ratio = county_graph.measures[:, balanced] / target[balanced]
        big = np.flatnonzero((ratio > 1 + options.tolerance).any(axis=1))
        oversize = tuple(ids[u] for u in big if ids[u] not in locks)
        if oversize:
            items = _account_items(frames, base, data, oversize, follow_bookings,
                                   set(override.index[override.notna().to_numpy()]))
            split = split_units(graph, items, target, options.tolerance)
            start = split.expand(start)
            graph = split.graph
            locks = {graph.ids[u]: t for u, t in
                     ((graph.positions([k])[0], t) for k, t in locks.items())}
    return Prepared(
        frames=frames, counties=fips, graph=graph, county_graph=county_graph, split=split,
        tids=tids, start=start, locks=locks, county_start=data.start.copy(),
        home_bases=data.home_bases, target=target,
        readings=readings(frames, counties["area_km2"], adjacency, options),
        all_tids=all_tids, options=options,
        bookings_share=float(totals[3] / total_bookings) if total_bookings > 0 else 0.0,
        fixed=fixed, oversize=oversize)


def _locked_load(frames, locked_tids, bookings, weights, data) -> np.ndarray:
    """Potential, accounts, workload and bookings held by the locked territories."""
    if not locked_tids:
        return np.zeros(4)
    mine = frames.accounts["territory_id"].astype(object).isin(locked_tids).to_numpy()
    n = float(mine.sum())
    potential = float(frames.accounts["annual_potential"].to_numpy("float64")[mine].sum())
    workload = weights.accounts * n + weights.potential * potential
    return np.array([potential, n, workload, float(bookings[mine].sum())])


def _account_items(frames: Frames, base: Frames, data: design_input.CountyInput,
                   units: Iterable[str], bookings: np.ndarray,
                   overridden: set[str]) -> dict[str, Items]:
    """The accounts of the oversize counties as items: design_input's three measures and
    each account's T12 bookings. An account already under an override is no item (it
    keeps its override; a design from scratch counts it in its county's home piece)."""
    items = design_input.account_items(base, data, units)
    position = base.accounts.index.get_indexer
    found = {}
    for unit, item in items.items():
        keep = np.array([a not in overridden for a in item.ids], dtype=bool)
        ids = tuple(a for a, k in zip(item.ids, keep, strict=True) if k)
        found[unit] = Items(ids, np.column_stack(
            [item.measures[keep], bookings[position(list(ids))]]))
    return found


# -- runs ------------------------------------------------------------------------
def _settings(p: Prepared, budget: float | None, time_limit: float) -> engine.Settings:
    names = p.graph.measure_names
    share = p.bookings_share
    # the engine's global flow step plans flows no disruption budget pays for (on the
    # demo at 10% it ran past the time limit and left no move): local moves only then
    extra = ({"flow": False} if budget is not None
             and "flow" in engine.Settings.__dataclass_fields__ else {})
    return engine.Settings(
        tolerance=p.options.tolerance,
        weights={m: 1.0 if m in p.options.measures else 0.0 for m in names},
        targets={m: max(float(t), 1e-9) for m, t in zip(names, p.target, strict=True)},
        locks=p.locks or None,
        budget=None if budget is None else (budget / share if share > 0 else 1.0),
        budget_measure=None if budget is None else BOOKINGS,
        time_limit=max(float(time_limit), 0.1), seed=p.options.seed, **extra)


Hook = Callable[[engine.Progress], None] | None


def rebalance(p: Prepared, budget: float | None, time_limit: float | None = None,
              progress: Hook = None, should_stop: Callable[[], bool] | None = None
              ) -> engine.Result:
    """The engine's rebalance of today's draft within ``budget`` (share of the scope's
    T12 bookings; None: no limit)."""
    limit = p.options.time_limit if time_limit is None else time_limit
    return engine.rebalance(p.graph, p.start, len(p.tids), _settings(p, budget, limit),
                            progress=progress, should_stop=should_stop)


def design(p: Prepared, territories: int, progress: Hook = None,
           should_stop: Callable[[], bool] | None = None) -> engine.Result:
    """The engine's design of ``territories`` from scratch: seeded at the reps' home
    bases when there are as many territories as today, else spread by the engine."""
    bases = None
    if territories == len(p.tids):
        units = p.graph.positions(p.home_bases) if p.split is None else np.array(
            [int(np.flatnonzero(p.graph.parent == c)[0])
             for c in p.county_graph.positions(p.home_bases)])
        bases = [p.graph.ids[u] for u in units]
    return engine.design(p.graph, territories, _settings(p, None, p.options.time_limit),
                         home_bases=bases, progress=progress, should_stop=should_stop)


def labels(p: Prepared, county_assignment: np.ndarray, territories: int) -> np.ndarray:
    """Territory id code (in ``p.tids``) of each engine territory: itself when there are
    as many as today; else the territory it shares most counties' potential with,
    pairs taken greedily, largest overlap first."""
    if territories == len(p.tids):
        return np.arange(territories)
    weight = p.county_graph.measures[:, 0] + 1e-9
    overlap = np.zeros((territories, len(p.tids)))
    np.add.at(overlap, (county_assignment, p.county_start), weight)
    chosen = np.full(territories, -1)
    free = set(range(len(p.tids)))
    for flat in np.argsort(-overlap, axis=None, kind="stable").tolist():
        k, t = divmod(flat, len(p.tids))
        if chosen[k] < 0 and t in free:
            chosen[k] = t
            free.discard(t)
    return chosen


def read(p: Prepared, assignment: np.ndarray) -> tuple[np.ndarray, dict[str, int]]:
    """Engine territory per county of ``p.counties`` and the new named-account overrides
    (account -> engine territory) of an assignment on ``p.graph``."""
    if p.split is None:
        return assignment[:p.county_graph.size], {}
    tolerance = np.full(len(p.target), p.options.tolerance)
    per_unit, overrides = read_back(p.split, assignment, p.target, tolerance)
    return per_unit[:p.county_graph.size], {o.item: o.territory for o in overrides}


def index_of(p: Prepared, measure: str, county_code: Mapping[str, str] | None = None,
             overrides: Mapping[str, str] | None = None,
             empty: Iterable[str] = ()) -> float:
    """The fairness card's balance index of ``measure`` with counties moved to the
    territories ``county_code`` names and accounts overridden (both by territory id),
    over every territory of the scope but those ``empty`` names (a design with fewer
    territories than today leaves them without counties)."""
    problem = p.readings[measure]
    owner = problem.owner.copy()
    if county_code:
        fips = list(county_code)
        owner[problem.graph.fips.get_indexer(fips)] = problem.tids.get_indexer(
            [county_code[f] for f in fips])
    accounts, potential, area = (t.copy() for t in problem.totals(owner))
    if overrides:
        frame = p.frames.accounts
        ids = list(overrides)
        rows = frame.index.get_indexer(ids)
        county = problem.graph.fips.get_indexer(frame["county_fips"].to_numpy(object)[rows])
        into = problem.tids.get_indexer([overrides[a] for a in ids])
        value = frame["annual_potential"].to_numpy("float64")[rows]
        np.add.at(accounts, owner[county], -1.0)
        np.add.at(potential, owner[county], -value)
        np.add.at(accounts, into, 1.0)
        np.add.at(potential, into, value)
    kept = ~problem.tids.isin(list(empty))
    return float(metric_index(problem.value(accounts, potential, area)[kept]))


@dataclass(frozen=True)
class Reading:
    """An engine answer as counties, accounts and figures (territory ids)."""

    county_territory: dict[str, str]   # every county of the run
    county_moves: dict[str, str]       # those that changed
    overrides: dict[str, str]          # new named-account overrides
    code: np.ndarray                   # engine territory per county, relabelled
    label: np.ndarray                  # engine territory -> code in ``tids``
    balance_before: dict[str, float]
    balance_after: dict[str, float]
    disruption: float
    cut_before: int
    cut_after: int
    distance_before: float
    distance_after: float
    contiguous: bool
    empty: tuple[str, ...]             # territories left with nothing


def reading(p: Prepared, result: engine.Result) -> Reading:
    """Counties, overrides and figures of ``result`` (relabelled onto today's
    territories when it has fewer)."""
    per_county, overrides = read(p, result.assignment)
    label = labels(p, per_county, result.territories)
    code = label[per_county]
    tids = p.tids.to_numpy(object)
    county_territory = dict(zip(p.counties, tids[code], strict=True))
    moves = {f: t for f, t, s in zip(p.counties, tids[code], p.county_start, strict=True)
             if t != tids[s]}
    named = {a: str(tids[label[k]]) for a, k in overrides.items()}
    moved_units = label[result.assignment] != p.start
    bookings = p.graph.measures[:, list(p.graph.measure_names).index(BOOKINGS)]
    total = bookings.sum()
    disruption = float(bookings[moved_units].sum() / total * p.bookings_share) if total else 0.0
    k = len(p.tids)
    g = p.county_graph
    # pieces on the engine's graph: a territory may hold its way through a split county's
    # accounts; the fixed units of overridden accounts have no edge and are no piece
    fixed = [u for u, name in enumerate(p.graph.ids) if name.startswith(FIXED)]
    pieces = (design_figures.pieces(p.graph, result.assignment, result.territories)
              - np.bincount(result.assignment[fixed], minlength=result.territories))
    held = np.bincount(label[result.assignment], minlength=k)  # units, pieces included
    empty = [str(t) for t, n in zip(tids, held, strict=True) if not n]
    return Reading(
        county_territory=county_territory, county_moves=moves, overrides=named, code=code,
        label=label,
        balance_before={m: index_of(p, m) for m in MEASURES},
        balance_after={m: index_of(p, m, moves, named, empty) for m in MEASURES},
        empty=tuple(empty),
        disruption=disruption,
        cut_before=design_figures.cut_edges(g, p.county_start),
        cut_after=design_figures.cut_edges(g, code),
        distance_before=design_figures.mean_distance_to_centre(g, p.county_start, k),
        distance_after=design_figures.mean_distance_to_centre(g, code, k),
        contiguous=bool((pieces <= 1).all()))


def best_index(p: Prepared, measure: str, assignment: np.ndarray) -> float:
    """The engine's own balance index of ``measure`` for a best-so-far assignment
    (progress only: the fairness card's reading comes with the answer)."""
    column = list(p.graph.measure_names).index(measure)
    totals = np.bincount(assignment, weights=p.graph.measures[:, column],
                         minlength=len(p.tids))
    return design_figures.balance_index(totals)
