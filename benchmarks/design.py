"""The design engine on the demo (issue 18): from scratch and rebalance, by county and
with oversize counties split by their accounts.

    python -m benchmarks.design [--time-limit 45] [--only scratch,rebalance,...]
                                [--split-above 0.4]
    python -m benchmarks.design --planar 30 [--time-limit 60]
    python -m benchmarks.design --size-l [--time-limit 60] [--split-above 1.05]

Balances potential within ±5% (accounts and workload are reported, weight 0; the "multi"
run also balances accounts within ±10%). Each run prints METRICS.md figures of the result,
computed from the accounts (:func:`dashboard.whatif.design_input.territory_figures`):
balance index, share of territories within ±5% / ±10% / ±15% of the mean, max ÷ min, for
potential, accounts and the
true Workload index; contiguity, cut edges, moves and seconds. The 10% budget is a
share of accounts changing territory (the engine's graph holds no bookings).

``--planar N``: N random instances built as Ríos-Mercado & Fernández (2009) describe:
500, 600 and 700 units (in turn) uniform in a 500 × 500 square, Delaunay adjacency, three
activity measures uniform on [4, 20], [15, 400] and [15, 100], 10 territories, ±5% on each
measure; prints per instance whether every territory is contiguous and within tolerance,
and the share of instances that are. ``--size-l``: the size-L data's 3,142 counties
(the demo generator at 500 territories and 200,000 accounts) designed from scratch into
500 territories on potential ±5%: the seconds to a first answer within the limit.

"split" runs cut the counties whose potential alone exceeds 1.05 × the mean territory
(the oversize ones: no assignment puts their territory within ±5% otherwise) into pieces
of their accounts of ≤ 5% of the target; "split above 0.4" runs also cut every county
above ``--split-above`` × the mean (lumpy counties that leave the search no fine steps).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

from dashboard.demo.dataset import generate_demo
from dashboard.design.engine import Settings, design, rebalance
from dashboard.design.figures import balance_index, max_min, share_within
from dashboard.design.graph import UnitGraph
from dashboard.design.split import read_back, split_units
from dashboard.geo.us_atlas import county_adjacency, load_counties
from dashboard.metrics.frames import build_frames
from dashboard.whatif.design_input import account_items, county_input, territory_figures

TOLERANCE = 0.05
RUNS = ("start", "scratch", "rebalance", "rebalance10", "scratch_split", "rebalance_split",
        "scratch_lumpy", "rebalance_lumpy", "scratch_lumpy_multi")


def _load() -> str:
    """The host's load average (1, 5, 15 min): the host is shared, and its load says how
    much of the wall time was this process's."""
    return ", ".join(f"{v:.1f}" for v in os.getloadavg())


def _row(name, frames, data, per_county, overrides, result, seconds, cpu=0.0,
         load="") -> dict:
    table = territory_figures(frames, data, per_county,
                              {o.item: o.territory for o in overrides})
    row = {"run": name, "seconds": round(seconds, 1), "cpu": round(cpu, 1), "load": load}
    for measure in ("potential", "accounts", "workload"):
        values = table[measure].to_numpy()
        row[measure] = (f"{balance_index(values):.3f} | {share_within(values, 0.05):.0%} | "
                        f"{share_within(values, 0.10):.0%} | {share_within(values, 0.15):.0%} | "
                        f"{max_min(values):.2f}")
    if result is not None:
        row.update(contiguous=result.figures.contiguous, cut_edges=result.figures.cut_edges,
                   moves=len(result.moves), overrides=len(overrides),
                   stopped=result.stopped_by, iterations=result.iterations)
    return row


def planar_instance(units: int, seed: int) -> UnitGraph:
    """A Ríos-Mercado & Fernández style instance (see the module doc)."""
    from scipy.spatial import Delaunay

    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 500, (units, 2))
    measures = np.column_stack([rng.uniform(4, 20, units), rng.uniform(15, 400, units),
                                rng.uniform(15, 100, units)])
    edges = set()
    for a, b, c in Delaunay(xy).simplices.tolist():
        edges |= {(min(a, b), max(a, b)), (min(b, c), max(b, c)), (min(a, c), max(a, c))}
    ids = [str(i) for i in range(units)]
    return UnitGraph.build(ids, xy, measures, [(ids[a], ids[b]) for a, b in sorted(edges)],
                           ("customers", "sales", "workload"))


def run_planar(count: int, time_limit: float) -> int:
    good = 0
    print("| instance | units | contiguous | largest deviation (customers, sales, workload) "
          "| within ±5% | iterations | s | CPU s | load average |")
    print("|---|---:|---|---|---|---:|---:|---:|---|")
    for i in range(count):
        units = (500, 600, 700)[i % 3]
        graph = planar_instance(units, 1000 + i)
        started, cpu, load = time.monotonic(), time.process_time(), _load()
        result = design(graph, 10, Settings(tolerance=0.05, time_limit=time_limit, seed=7))
        seconds, cpu = time.monotonic() - started, time.process_time() - cpu
        ok = result.figures.contiguous and result.within_tolerance
        good += ok
        deviation = ", ".join(f"{m.max_deviation:.1%}" for m in result.figures.measures)
        print(f"| {i + 1} | {units} | {result.figures.contiguous} | {deviation} | "
              f"{result.within_tolerance} | {result.iterations} | {seconds:.1f} | {cpu:.1f} "
              f"| {load} |", flush=True)
    print(f"\ncontiguous and within ±5% on all three measures: {good} of {count} "
          f"({good / count:.0%}), {time_limit:g} s each")
    return 0


def run_size_l(time_limit: float, split_above: float | None = None) -> int:
    from benchmarks.datasets import SIZES

    size = SIZES["L"]
    started = time.monotonic()
    # the design reads territories, reps and accounts only: few opportunities suffice
    dataset, _manifest = generate_demo(n_territories=size.territories,
                                       n_accounts=size.accounts, n_opportunities=20_000)
    frames = build_frames(dataset)
    data = county_input(frames, load_counties(), county_adjacency(), _manifest["water_links"])
    k = len(data.territory_ids)
    print(f"size L: {data.graph.size} counties, {k} territories, "
          f"{len(frames.accounts):,} accounts; input built in "
          f"{time.monotonic() - started:.1f} s", flush=True)
    graph, bases = data.graph, list(data.home_bases)
    if split_above is not None:
        cut_at = time.monotonic()
        target = graph.measures.sum(axis=0) / k
        big = [graph.ids[i] for i in
               np.flatnonzero(graph.measures[:, 0] > split_above * target[0])]
        split = split_units(graph, account_items(frames, data, big), target, TOLERANCE)
        graph = split.graph
        bases = [graph.ids[int(np.flatnonzero(graph.parent == p)[0])]
                 for p in data.graph.positions(data.home_bases)]
        print(f"{len(big)} counties above {split_above} x the target split: "
              f"{graph.size} units, {len(graph.src) // 2:,} edges, in "
              f"{time.monotonic() - cut_at:.1f} s", flush=True)
    started, cpu = time.monotonic(), time.process_time()
    firsts: list[float] = []
    result = design(graph, k,
                    Settings(tolerance=TOLERANCE, weights={"accounts": 0.0, "workload": 0.0},
                             time_limit=time_limit, seed=7),
                    home_bases=bases,
                    progress=lambda p: firsts.append(p.seconds) if not firsts else None)
    seconds, cpu = time.monotonic() - started, time.process_time() - cpu
    m = result.figures.by_name("potential")
    load = _load()
    print(f"from scratch into {k}: {seconds:.1f} s wall, {cpu:.1f} s CPU, load average "
          f"{load} (first best reported at "
          f"{firsts[0] if firsts else float('nan'):.1f} s), stopped by {result.stopped_by}, "
          f"{result.iterations} iterations; potential index {m.balance_index:.3f}, within "
          f"±5% {m.within_tolerance:.0%}, largest deviation {m.max_deviation:.1%}; "
          f"contiguous {result.figures.contiguous}, cut edges {result.figures.cut_edges}; "
          f"oversize counties {len({o.unit for o in result.oversize})}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=45.0)
    parser.add_argument("--planar", type=int, default=0,
                        help="run this many random planar instances instead of the demo")
    parser.add_argument("--size-l", action="store_true",
                        help="design the size-L data's counties into 500 territories")
    parser.add_argument("--only", default=",".join(RUNS))
    parser.add_argument("--split-above", type=float, default=0.4,
                        help="the lumpy runs split every county above this x the target")
    args = parser.parse_args(argv)
    if args.planar:
        return run_planar(args.planar, args.time_limit)
    if args.size_l:
        return run_size_l(args.time_limit,
                          args.split_above if "--split-above" in (argv or sys.argv) else None)
    wanted = args.only.split(",")
    dataset, manifest = generate_demo()
    frames = build_frames(dataset)
    data = county_input(frames, load_counties(), county_adjacency(), manifest["water_links"])
    graph, k = data.graph, len(data.territory_ids)
    settings = Settings(tolerance=TOLERANCE, weights={"accounts": 0.0, "workload": 0.0},
                        time_limit=args.time_limit, seed=7)
    target = graph.measures.sum(axis=0) / k
    tolerance = np.full(3, TOLERANCE)
    rows = []
    if "start" in wanted:
        rows.append(_row("today's alignment", frames, data, data.start, [], None, 0.0))
    first = rebalance(graph, data.start, k, Settings(**{**settings.__dict__, "max_iterations": 1}))
    oversize = sorted({o.unit for o in first.oversize if o.measure == "potential"})
    print("oversize counties (potential):",
          [(o.unit, round(o.ratio, 2)) for o in first.oversize if o.measure == "potential"])
    split = split_units(graph, account_items(frames, data, oversize), target, TOLERANCE)
    lumpy_units = [graph.ids[i] for i in
                   np.flatnonzero(graph.measures[:, 0] > args.split_above * target[0])]
    lumpy = split_units(graph, account_items(frames, data, lumpy_units), target, TOLERANCE)
    print(f"counties above {args.split_above} x the target: {len(lumpy_units)}")

    def homes(on) -> list[str]:
        return [on.graph.ids[int(np.flatnonzero(on.graph.parent == p)[0])]
                for p in graph.positions(data.home_bases)]

    multi = Settings(**{**settings.__dict__, "weights": {"workload": 0.0},
                        "tolerance": {"potential": TOLERANCE, "accounts": 0.10}})
    plans = {
        "scratch": ("from scratch, by county", lambda: design(
            graph, k, settings, home_bases=data.home_bases), None),
        "rebalance": ("rebalance, no limit, by county", lambda: rebalance(
            graph, data.start, k, settings), None),
        "rebalance10": ("rebalance, 10% of accounts, by county", lambda: rebalance(
            graph, data.start, k, Settings(**{**settings.__dict__, "budget": 0.10,
                                              "budget_measure": "accounts"})), None),
        "scratch_split": ("from scratch, oversize counties split", lambda: design(
            split.graph, k, settings, home_bases=homes(split)), split),
        "rebalance_split": ("rebalance, no limit, oversize counties split", lambda: rebalance(
            split.graph, split.expand(data.start), k, settings), split),
        "scratch_lumpy": (f"from scratch, counties above {args.split_above} split",
                          lambda: design(lumpy.graph, k, settings, home_bases=homes(lumpy)),
                          lumpy),
        "rebalance_lumpy": (f"rebalance, no limit, counties above {args.split_above} split",
                            lambda: rebalance(lumpy.graph, lumpy.expand(data.start), k,
                                              settings), lumpy),
        "scratch_lumpy_multi": (f"from scratch, above {args.split_above} split, potential "
                                "±5% and accounts ±10%",
                                lambda: design(lumpy.graph, k, multi, home_bases=homes(lumpy)),
                                lumpy),
    }
    for key, (name, run, uses_split) in plans.items():
        if key not in wanted:
            continue
        started, cpu, load = time.monotonic(), time.process_time(), _load()
        result = run()
        seconds, cpu = time.monotonic() - started, time.process_time() - cpu
        if uses_split is None:
            per_county, overrides = result.assignment, []
        else:
            per_county, overrides = read_back(uses_split, result.assignment, target, tolerance)
        rows.append(_row(name, frames, data, per_county, overrides, result, seconds, cpu,
                         load))
        missed = {m: round(v, 4) for m, v in result.missed_by.items() if v > 0}
        print(rows[-1], "missed by", missed, flush=True)
    print("\n| run | potential: index, ±5%, ±10%, ±15%, max÷min | accounts | workload "
          "| contiguous | cut edges | moves | overrides | s | CPU s | load average |")
    print("|---|---|---|---|---|---:|---:|---:|---:|---:|---|")
    for row in rows:
        print(f"| {row['run']} | {row['potential']} | {row['accounts']} | {row['workload']} | "
              f"{row.get('contiguous', '')} | {row.get('cut_edges', '')} | {row.get('moves', '')} "
              f"| {row.get('overrides', '')} | {row['seconds']} | {row['cpu']} | {row['load']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
