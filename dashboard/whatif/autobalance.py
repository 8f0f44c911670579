"""Suggest a rebalance: move whole counties between neighbouring territories
to raise the METRICS.md Balance index (1 − std ÷ mean, population std) of
potential, accounts or workload, under a METRICS.md Disruption budget.

Method: a greedy boundary-move local search over the county adjacency graph,
the basic improvement heuristic of the sales-territory design literature
(Zoltners & Sinha, "Sales territory design: thirty years of modeling and
implementation", Marketing Science 24(3), 2005; Kalcsics, Nickel & Schröder,
"Towards a unified territorial design approach", OR Spectrum 27, 2005). Each
step looks at every *boundary move* (a county c of territory A that borders
territory B goes to B), scores it by the balance index it would give, and
takes the best improving move that passes the feasibility tests:

- c is movable (not locked, holds no locked account) and has not moved yet
  (each county moves at most once, so a proposal reads as a plain list of
  reassignments and cannot cycle); A and B are not locked; A keeps at least
  one county;
- the move fits the remaining budget (share of trailing-12-month bookings or
  of accounts changing territory, as :func:`dashboard.metrics.balance.disruption`
  counts it) — a hard constraint, and a budget of 0 changes nothing;
- A stays in one piece without c (a breadth-first articulation test, run only
  for the candidate about to be taken; on failure the next one is tried).
  B stays contiguous because c borders it. A contiguity-exempt territory
  (Alaska, Hawaii) trades only across land borders, never across water links.

What to balance, the locks and the seed are one :class:`SearchOptions` value,
shared by :func:`tradeoff_curve` and :func:`suggest_rebalance` so that the
curve's points and the proposal at the chosen budget come from the same search.

The search stops when no feasible move improves the index, after
``max_moves``, or when ``should_stop()`` says so; every prefix of the moves is
itself feasible, so a cancelled run still returns a valid proposal.

Speed: per-county totals (potential, accounts, T12 bookings, area) are summed
once with numpy; a move changes only two territories, so its new index comes
from the running Σm and Σm² in O(1), for all candidates at once. Accounts with
a named-account override stay in their override territory and are counted
there, never in their county. Determinism: candidates are sorted by gain
(rounded to 1e-12 so float noise cannot decide), then by a seeded random rank
of the county, then by the receiving territory: the seed only breaks ties.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.i18n.formatting import count, money, multiple, number
from dashboard.i18n.translation import N_, _, ngettext
from dashboard.metrics.balance import balance_index
from dashboard.metrics.frames import Frames
from dashboard.whatif.autobalance_graph import (
    BUDGET_MEASURES,
    METRICS,
    Problem,
    SearchOptions,
    boundary_moves,
    prepare,
)

__all__ = [
    "BUDGET_MEASURES", "METRICS", "Move", "Proposal",  # i18n: not shown
    "SearchOptions",  # i18n: not shown (a name)
    "suggest_rebalance", "tradeoff_curve",
]
#: how each balance metric reads in a reason (translated where used)
METRIC_NAMES = {"potential": N_("potential"), "workload": N_("workload"),
                "accounts": N_("accounts")}

#: A move must raise the index by more than this to count as an improvement.
MIN_GAIN = 1e-12


@dataclass(frozen=True)
class Move:
    """One county changing territory, with the reason in words and the
    balance index of the alignment once this move (and those before it) is made."""

    county_fips: str
    county_name: str
    from_tid: str
    to_tid: str
    reason: str
    balance_after: float


@dataclass(frozen=True)
class Proposal:
    """The suggested moves (in the order taken) and their effect.

    ``county_moves`` maps county_fips to its new territory_id, ready for a
    scenario's county moves; ``disruption`` is the share in ``budget_measure``.
    """

    moves: tuple[Move, ...]
    county_moves: dict[str, str]
    balance_before: float
    balance_after: float
    disruption: float
    seconds: float
    metric: str = "potential"
    budget: float = 0.0
    budget_measure: str = "bookings"
    cancelled: bool = False


def _index_after(problem: Problem, owner, totals, metric_now, county, to) -> np.ndarray:
    """Balance index after each candidate move, in O(1) per candidate from
    Σ(m − ref) and Σ(m − ref)² (shifted by the current mean so the variance
    does not cancel catastrophically); the mean may move (workload is not
    conserved: travel grows as √area)."""
    accounts, potential, area = totals
    give, size = owner[county], len(metric_now)
    ref = metric_now.mean()
    shifted = metric_now - ref
    s, q = shifted.sum(), (shifted**2).sum()
    new_give = problem.value(accounts[give] - problem.accounts[county],
                             potential[give] - problem.potential[county],
                             np.maximum(area[give] - problem.area[county], 0.0)) - ref
    new_take = problem.value(accounts[to] + problem.accounts[county],
                             potential[to] + problem.potential[county],
                             area[to] + problem.area[county]) - ref
    s2 = s - shifted[give] - shifted[to] + new_give + new_take
    q2 = q - shifted[give] ** 2 - shifted[to] ** 2 + new_give**2 + new_take**2
    variance = np.maximum(q2 / size - (s2 / size) ** 2, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1 - np.sqrt(variance) / (ref + s2 / size)


def _reason(problem: Problem, county: int, give: int, take: int, metric_now) -> str:
    """The move in words, with the figures a manager checks it by."""
    mean = metric_now.mean()
    n = problem.accounts[county]
    area = (", " + _("{area} km²").format(area=number(problem.area[county]))
            if problem.metric == "workload" else "")

    def territory(code):
        return f"{problem.tids[code]} {problem.names[code]}".strip()

    metric = METRIC_NAMES.get(problem.metric)
    return ngettext(
        "moves {count} account, {potential} potential, {bookings} trailing-12-month "
        "bookings{area}, from {source} ({metric} {source_ratio} mean) to {target} "
        "({target_ratio})",
        "moves {count} accounts, {potential} potential, {bookings} trailing-12-month "
        "bookings{area}, from {source} ({metric} {source_ratio} mean) to {target} "
        "({target_ratio})", int(n)).format(
        count=count(n), potential=money(problem.potential[county]),
        bookings=money(problem.bookings[county]), area=area, source=territory(give),
        metric=_(metric) if metric else problem.metric,
        source_ratio=multiple(metric_now[give] / mean, 2), target=territory(take),
        target_ratio=multiple(metric_now[take] / mean, 2))


def _search(problem: Problem, budget: float, max_moves: int, progress, should_stop):
    """The greedy local search (module docstring). Returns the moves, the
    spent budget and whether ``should_stop`` cut it short."""
    owner = problem.owner.copy()
    moved = np.zeros(len(owner), dtype=bool)
    counties_per = np.bincount(owner[owner >= 0], minlength=len(problem.tids))
    totals = problem.totals(owner)
    metric_now = problem.value(*totals)
    index_now = balance_index(metric_now)
    moves: list[Move] = []
    spent, cancelled = 0.0, False
    while budget > 0 and len(moves) < max_moves:
        if should_stop is not None and should_stop():
            cancelled = True
            break
        county, to = boundary_moves(problem, owner, moved, counties_per, budget - spent)
        gain = _index_after(problem, owner, totals, metric_now, county, to) - index_now
        keep = gain > MIN_GAIN
        county, to, gain = county[keep], to[keep], gain[keep]
        order = np.lexsort((to, problem.tiebreak[county], -np.round(gain, 12)))
        step = None
        for k in order:
            c, take = int(county[k]), int(to[k])
            if not problem.graph.keeps_connected(c, owner):
                continue
            give = int(owner[c])
            new_totals = tuple(t.copy() for t in totals)
            for total, part in zip(new_totals, (problem.accounts, problem.potential,
                                                problem.area), strict=True):
                total[give] -= part[c]
                total[take] += part[c]
            new_totals[2][give] = max(new_totals[2][give], 0.0)
            new_metric = problem.value(*new_totals)
            new_index = balance_index(new_metric)
            if new_index > index_now:  # exact check: the index never goes down
                step = c, give, take, new_totals, new_metric, new_index
                break
        if step is None:
            break
        c, give, take, totals, new_metric, new_index = step
        moves.append(Move(str(problem.graph.fips[c]), problem.county_names[c],
                          str(problem.tids[give]), str(problem.tids[take]),
                          _reason(problem, c, give, take, metric_now), new_index))
        owner[c], moved[c] = take, True
        counties_per[give] -= 1
        counties_per[take] += 1
        spent += problem.cost[c]
        metric_now, index_now = new_metric, new_index
        if progress is not None:
            progress(len(moves), max_moves)
    return moves, spent, cancelled


def _proposal(problem, budget, budget_measure, max_moves, progress, should_stop, started):
    before = balance_index(problem.value(*problem.totals(problem.owner)))
    moves, spent, cancelled = _search(problem, budget, max_moves, progress, should_stop)
    return Proposal(
        moves=tuple(moves),
        county_moves={m.county_fips: m.to_tid for m in moves},
        balance_before=before,
        balance_after=moves[-1].balance_after if moves else before,
        disruption=float(spent),
        seconds=time.perf_counter() - started,
        metric=problem.metric, budget=float(budget), budget_measure=budget_measure,
        cancelled=cancelled,
    )


#: The areas (county_fips -> km², needed for "workload" only) and the adjacency
#: (county_fips -> its bordering counties) a search runs over.
Areas = pd.Series | Mapping[str, float] | None
Adjacency = Mapping[str, Iterable[str]]


def suggest_rebalance(
    frames: Frames,
    areas: Areas,
    adjacency: Adjacency,
    budget: float = 0.10,
    options: SearchOptions | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Proposal:
    """Moves of whole counties that raise the balance index of ``options.metric``
    while keeping disruption (METRICS.md, ``options.budget_measure``: "bookings" =
    share of T12 bookings, "accounts" = share of accounts) at most ``budget``.

    ``progress(done, total)`` is called after each move (total =
    ``options.max_moves``); ``should_stop()`` is polled before each step and,
    when true, the moves so far are returned with ``cancelled=True``. Same
    inputs and seed give the same proposal.
    """
    started = time.perf_counter()
    options = options or SearchOptions()
    problem = prepare(frames, areas, adjacency, options)
    proposal = _proposal(problem, budget, options.budget_measure, options.max_moves, progress,
                         should_stop, started)
    if progress is not None:
        progress(options.max_moves, options.max_moves)
    return proposal


def tradeoff_curve(
    frames: Frames,
    areas: Areas,
    adjacency: Adjacency,
    budgets: Sequence[float] = (0.02, 0.05, 0.10, 0.15, 0.20),
    options: SearchOptions | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> pd.DataFrame:
    """:func:`suggest_rebalance` at each budget, for the trade-off chart
    (balance gained against disruption): one row per budget with budget,
    disruption, balance_before, balance_after, moves and seconds.

    The per-county totals and the graph are built once and shared. Rerunning
    :func:`suggest_rebalance` with the same options at a chosen budget gives
    that row's moves. ``progress(done, total)`` counts budgets;
    ``should_stop()`` ends the curve early: the rows of the budgets finished
    so far are returned.
    """
    options = options or SearchOptions()
    problem = prepare(frames, areas, adjacency, options)
    rows = []
    for done, budget in enumerate(budgets):
        if should_stop is not None and should_stop():
            break
        started = time.perf_counter()
        result = _proposal(problem, budget, options.budget_measure, options.max_moves, None,
                           should_stop, started)
        if result.cancelled:  # a cut-short run is not that budget's point
            break
        rows.append({"budget": float(budget), "disruption": result.disruption,
                     "balance_before": result.balance_before,
                     "balance_after": result.balance_after, "moves": len(result.moves),
                     "seconds": result.seconds})
        if progress is not None:
            progress(done + 1, len(budgets))
    columns = ["budget", "disruption", "balance_before", "balance_after", "moves", "seconds"]
    return pd.DataFrame(rows, columns=columns)
