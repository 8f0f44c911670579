"""The design engine on the demo (issue 18): from scratch and rebalance, by county and
with oversize counties split by their accounts.

    python -m benchmarks.design [--time-limit 45] [--only scratch,rebalance,...]
                                [--split-above 0.4]

Balances potential within ±5% (accounts and workload are reported, weight 0; the "multi"
run also balances accounts within ±10%). Each run prints METRICS.md figures of the result,
computed from the accounts (:func:`dashboard.whatif.design_input.territory_figures`):
balance index, share of territories within ±5% / ±10% / ±15% of the mean, max ÷ min, for
potential, accounts and the
true Workload index; contiguity, cut edges, moves and seconds. The 10% budget is a
share of accounts changing territory (the engine's graph holds no bookings).

"split" runs cut the counties whose potential alone exceeds 1.05 × the mean territory
(the oversize ones: no assignment puts their territory within ±5% otherwise) into pieces
of their accounts of ≤ 5% of the target; "split above 0.4" runs also cut every county
above ``--split-above`` × the mean (lumpy counties that leave the search no fine steps).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from dashboard.demo.dataset import generate_demo
from dashboard.design.engine import Settings, design, rebalance
from dashboard.design.figures import balance_index, max_min, share_within
from dashboard.design.split import read_back, split_units
from dashboard.geo.us_atlas import county_adjacency, load_counties
from dashboard.metrics.frames import build_frames
from dashboard.whatif.design_input import account_items, county_input, territory_figures

TOLERANCE = 0.05
RUNS = ("start", "scratch", "rebalance", "rebalance10", "scratch_split", "rebalance_split",
        "scratch_lumpy", "rebalance_lumpy", "scratch_lumpy_multi")


def _row(name, frames, data, per_county, overrides, result, seconds) -> dict:
    table = territory_figures(frames, data, per_county,
                              {o.item: o.territory for o in overrides})
    row = {"run": name, "seconds": round(seconds, 1)}
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=45.0)
    parser.add_argument("--only", default=",".join(RUNS))
    parser.add_argument("--split-above", type=float, default=0.4,
                        help="the lumpy runs split every county above this x the target")
    args = parser.parse_args(argv)
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
        started = time.monotonic()
        result = run()
        seconds = time.monotonic() - started
        if uses_split is None:
            per_county, overrides = result.assignment, []
        else:
            per_county, overrides = read_back(uses_split, result.assignment, target, tolerance)
        rows.append(_row(name, frames, data, per_county, overrides, result, seconds))
        missed = {m: round(v, 4) for m, v in result.missed_by.items() if v > 0}
        print(rows[-1], "missed by", missed, flush=True)
    print("\n| run | potential: index, ±5%, ±10%, ±15%, max÷min | accounts | workload "
          "| contiguous | cut edges | moves | overrides | s |")
    print("|---|---|---|---|---|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['run']} | {row['potential']} | {row['accounts']} | {row['workload']} | "
              f"{row.get('contiguous', '')} | {row.get('cut_edges', '')} | {row.get('moves', '')} "
              f"| {row.get('overrides', '')} | {row['seconds']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
