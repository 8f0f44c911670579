"""The design engine's two entry points: :func:`design` (from scratch) and
:func:`rebalance` (improve an existing assignment under a disruption budget).

Both return a :class:`Result`: the best assignment found, its figures
(:mod:`dashboard.design.figures`), the moves from the start with their reasons,
the units too big for the tolerance (:class:`Oversize`: no assignment can put
their territory within the band; :mod:`dashboard.design.split` proposes how to
split them), by how much each measure still misses its tolerance, and why the
search stopped. Territories are numbered 0..K-1 in the engine; the caller maps
them to its own ids.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from dashboard.design.figures import Figures, figures, territory_totals
from dashboard.design.graph import DesignError, UnitGraph
from dashboard.design.search import Limits, Move, Progress, Search
from dashboard.design.seeding import grow, spread_seeds
from dashboard.design.state import Problem, State

#: the share of the time limit the search may use (from the design's start)
SEARCH_SHARE = 0.99


@dataclass(frozen=True)
class Settings:
    """What to balance and how long to look.

    tolerance: per measure (a mapping by name, or one value for all), e.g. 0.05 = ±5%
    weights:   per measure, its share in the score (default 1 each)
    targets:   per measure, the total a territory should hold (default: the mean)
    locks:     unit id -> territory (0..K-1); a locked unit never moves
    compactness: score per cut edge, the secondary objective (0 = ignore)
    budget:    rebalance only: the largest share of ``budget_measure`` (a measure name;
               None = the count of units) that may end in another territory than at the start
    time_limit, max_iterations, seed: when to stop and what decides ties (same seed and
               same iteration count -> same answer)
    flow:      take the global flow step (:mod:`dashboard.design.flow`) at the start and
               after a stall; False leaves the local search alone
    """

    tolerance: float | Mapping[str, float] = 0.05
    weights: Mapping[str, float] | None = None
    targets: Mapping[str, float] | None = None
    locks: Mapping[str, int] | None = None
    compactness: float = 1e-5
    budget: float | None = None
    budget_measure: str | None = None
    time_limit: float = 60.0
    max_iterations: int | None = None
    seed: int = 7
    patience: int = 200
    restarts: int = 30
    flow: bool = True


@dataclass(frozen=True)
class Oversize:
    """A unit whose ``measure`` alone is ``ratio`` × the target, above 1 + tolerance
    (``allowed``): its territory cannot be within the band unless it is split."""

    unit: str
    measure: str
    ratio: float
    allowed: float


@dataclass(frozen=True)
class Result:
    """The best assignment found and everything said about it."""

    assignment: np.ndarray           # territory 0..K-1 per unit position
    territories: int
    figures: Figures
    moves: tuple[Move, ...]          # path from the start (or the grown seed assignment)
    oversize: tuple[Oversize, ...]
    missed_by: dict[str, float]      # per measure: largest |deviation| beyond its tolerance
    disruption: float                # share of the budget measure away from the start
    iterations: int
    seconds: float
    stopped_by: str
    #: from scratch: units the growth did not reach before the time limit, given to the
    #: territory nearest in edges (0: the growth ran to its end; else ``stopped_by`` is "time")
    growth_cut: int = 0

    @property
    def within_tolerance(self) -> bool:
        return all(v <= 1e-12 for v in self.missed_by.values())


def _per_measure(graph: UnitGraph, value, default: float, name: str) -> np.ndarray:
    if value is None or isinstance(value, int | float):
        one = default if value is None else float(value)
        return np.full(len(graph.measure_names), one)
    unknown = set(value) - set(graph.measure_names)
    if unknown:
        message = f"{name} names unknown measures {sorted(unknown)}"  # i18n: not shown
        raise DesignError("bad_setting", message, name=name, value=sorted(unknown))
    return np.array([float(value.get(m, default)) for m in graph.measure_names])


def _problem(graph: UnitGraph, territories: int, settings: Settings,
             start: np.ndarray | None) -> tuple[Problem, np.ndarray]:
    if territories < 1 or territories > graph.size:
        message = f"{territories} territories from {graph.size} units"  # i18n: not shown
        raise DesignError("too_many_territories", message, territories=territories,
                          units=graph.size)
    total = graph.measures.sum(axis=0)
    target = _per_measure(graph, settings.targets, 0.0, "targets")
    target = np.where(target > 0, target, total / territories)
    if (target <= 0).any():
        empty = [m for m, t in zip(graph.measure_names, target, strict=False) if t <= 0]
        message = f"measures that are 0 everywhere: {empty}"  # i18n: not shown
        raise DesignError("bad_measures", message, columns=empty)
    locks = np.full(graph.size, -1, dtype=np.int64)
    for unit, territory in (settings.locks or {}).items():
        if not 0 <= int(territory) < territories:
            message = f"{unit} locked to {territory}, not 0..{territories - 1}"  # i18n: not shown
            raise DesignError("bad_lock", message, unit=unit, territory=territory)
        locks[graph.positions([unit])[0]] = int(territory)
    cost = np.zeros(graph.size)
    budget = np.inf
    if settings.budget is not None:
        if settings.budget_measure is None:
            cost = np.full(graph.size, 1.0 / graph.size)
        else:
            column = list(graph.measure_names).index(settings.budget_measure) \
                if settings.budget_measure in graph.measure_names else -1
            if column < 0:
                raise DesignError("bad_setting", "unknown budget measure",  # i18n: not shown
                                  name="budget_measure", value=settings.budget_measure)
            cost = graph.measures[:, column] / max(total[column], 1e-300)
        budget = float(settings.budget)
    problem = Problem(
        graph=graph, territories=territories, target=target,
        tolerance=_per_measure(graph, settings.tolerance, 0.05, "tolerance"),
        weight=_per_measure(graph, settings.weights, 1.0, "weights"),
        movable=locks < 0, start=start, cost=cost, budget=budget,
        compactness=float(settings.compactness),
        tiebreak=np.random.default_rng(settings.seed).permutation(graph.size))
    return problem, locks


def oversize_units(problem: Problem) -> tuple[Oversize, ...]:
    """Units whose measure alone exceeds the target × (1 + tolerance)."""
    g = problem.graph
    ratio = g.measures / problem.target
    rows, cols = np.nonzero(ratio > 1 + problem.tolerance)
    found = [Oversize(g.ids[r], g.measure_names[c], float(ratio[r, c]),
                      float(1 + problem.tolerance[c])) for r, c in zip(rows, cols, strict=False)]
    return tuple(sorted(found, key=lambda o: -o.ratio))


def _run(problem: Problem, assignment: np.ndarray, settings: Settings, started: float,
         progress, should_stop, growth_cut: int = 0) -> Result:
    # a stall on a small graph is over sooner: at most two iterations per unit
    patience = min(settings.patience, max(30, 2 * problem.graph.size))
    # the search stops at 99% of the limit: the rest is for the figures and the last
    # iteration's overrun (60.0-60.1 s for 60 at size L without it)
    limits = Limits(time_limit=settings.time_limit * SEARCH_SHARE,
                    max_iterations=settings.max_iterations, patience=patience,
                    restarts=settings.restarts, flow=settings.flow)
    state = State(problem, assignment)
    # the search's clock started with the design (seeding, growth and this set-up count)
    outcome = Search(state, limits, settings.seed, progress, should_stop,
                     started=started).run()
    g = problem.graph
    totals = territory_totals(g, outcome.assignment, problem.territories)
    deviation = np.abs(problem.deviation(totals))
    missed = {m: float(max(deviation[:, j].max() - problem.tolerance[j], 0.0))
              for j, m in enumerate(g.measure_names)}
    used = (float(problem.cost[outcome.assignment != problem.start].sum())
            if problem.start is not None else 0.0)
    return Result(
        assignment=outcome.assignment, territories=problem.territories,
        figures=figures(g, outcome.assignment, problem.territories, problem.tolerance,
                        problem.target),
        moves=tuple(outcome.moves), oversize=oversize_units(problem), missed_by=missed,
        disruption=used, iterations=outcome.iterations,
        seconds=time.monotonic() - started, stopped_by=outcome.stopped_by,
        growth_cut=growth_cut)


def design(graph: UnitGraph, territories: int, settings: Settings = Settings(),
           home_bases: Sequence[str] | None = None,
           progress: Callable[[Progress], None] | None = None,
           should_stop: Callable[[], bool] | None = None) -> Result:
    """Design ``territories`` contiguous territories from scratch.

    Seeds at ``home_bases`` (one unit id per territory, in territory order) when
    given, else spread by weighted k-means++; grown contiguous and balanced
    (:mod:`dashboard.design.seeding`), then improved by the search. The graph
    must be connected (``disconnected`` otherwise: add water links).
    """
    started = time.monotonic()
    graph.require_connected()
    problem, locks = _problem(graph, territories, settings, None)
    rng = np.random.default_rng(settings.seed)
    # the seeding and the growth stop where the search would (cut short, they leave the
    # search no time)
    deadline = started + settings.time_limit * SEARCH_SHARE
    if home_bases is not None:
        if len(home_bases) != territories:
            raise DesignError("bad_setting", "one home base per territory",  # i18n: not shown
                              name="home_bases", value=len(home_bases))
        seeds = graph.positions(home_bases)
    else:
        taken = [int(np.flatnonzero(locks == t)[0]) for t in range(territories)
                 if (locks == t).any()]
        weight = (graph.measures / problem.target).sum(axis=1)
        extra = spread_seeds(graph, territories, weight, rng,
                             np.array(taken, dtype=np.int64) if taken else None, deadline)
        free = [s for s in extra.tolist() if s not in taken]
        seeds = np.empty(territories, dtype=np.int64)
        for t in range(territories):
            own = np.flatnonzero(locks == t)
            seeds[t] = own[0] if len(own) else free.pop(0)
    assignment, cut = grow(graph, seeds, problem.target, locks, deadline=deadline)
    return _run(problem, assignment, settings, started, progress, should_stop, cut)


def rebalance(graph: UnitGraph, start: Sequence[int] | np.ndarray, territories: int | None = None,
              settings: Settings = Settings(),
              progress: Callable[[Progress], None] | None = None,
              should_stop: Callable[[], bool] | None = None) -> Result:
    """Improve ``start`` (territory 0..K-1 per unit position) within ``settings.budget``.

    Locked units are put in their territory first (that change counts against the
    budget). Territories the start leaves in several pieces may trade, never split
    further; every other territory stays one piece.
    """
    started = time.monotonic()
    start = np.asarray(start, dtype=np.int64)
    territories = int(start.max()) + 1 if territories is None else territories
    if start.shape != (graph.size,) or start.min() < 0 or start.max() >= territories:
        message = f"the start must give each unit one of 0..{territories - 1}"  # i18n: not shown
        raise DesignError("bad_start", message, units=graph.size)
    problem, locks = _problem(graph, territories, settings, start)
    assignment = np.where(locks >= 0, locks, start)
    return _run(problem, assignment, settings, started, progress, should_stop)
