"""``territory-dashboard design`` and ``design-graph``: the design engine
(:mod:`dashboard.design`) from the command line (issue 18 item 5).

``design`` works on the app's data, as "Design from scratch" on the what-if page does
(:mod:`dashboard.whatif.design_runs`): K territories from scratch over the counties, or,
with ``--budget``, a rebalance of today's alignment moving at most that share of the
trailing-12-month bookings; the answer (county moves and named-account overrides for the
counties split by their accounts) is saved as a draft scenario.

``design-graph`` works on a plain unit graph, for benchmarks and batch use: UNITS.csv
``unit_id,x,y,<measure columns>``, EDGES.csv ``unit_a,unit_b``, optionally START.csv
``unit_id,territory`` (then a rebalance of that alignment); writes ASSIGNMENT.csv
``unit_id,territory`` and prints, per measure, the largest deviation from the mean, whether
every territory is one piece, the cut edges and the seconds. Exit status 0 when every
territory is within tolerance, 1 when not (the best assignment found is written all the
same, with what it misses by), 2 on bad input.

Messages about bad input are :func:`dashboard.whatif.design_input.refusal`'s, the
same the what-if page shows.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

MEASURES = ("potential", "accounts", "workload")


def add_design_parsers(sub) -> None:
    design = sub.add_parser(
        "design", help="design territories on the app's data and save them as a draft scenario")
    design.add_argument("--territories", type=int, required=True,
                        help="how many territories (at most today's)")
    design.add_argument("--balance", default="potential",
                        help="measures to balance, comma-separated: potential,accounts,workload")
    design.add_argument("--tolerance", type=float, default=0.05,
                        help="the band around the mean each territory should be in (0.05 = ±5%%)")
    design.add_argument("--budget", type=float, default=None,
                        help="rebalance today's alignment instead, moving at most this share "
                             "of T12 bookings (0.10 = 10%%)")
    design.add_argument("--seed", type=int, default=7, help="same seed, same answer")
    design.add_argument("--time-limit", type=float, default=60.0, help="seconds")
    design.add_argument("--no-split", action="store_true",
                        help="never split a county too big for the tolerance by its accounts")
    design.add_argument("--save-as", required=True, help="the draft scenario's name")

    graph = sub.add_parser("design-graph",
                           help="design territories on a unit graph from CSV files")
    graph.add_argument("--units", type=Path, required=True, help="unit_id,x,y,<measures>")
    graph.add_argument("--edges", type=Path, required=True, help="unit_a,unit_b")
    graph.add_argument("--territories", type=int, required=True)
    graph.add_argument("--balance", required=True, help="measure columns, comma-separated")
    graph.add_argument("--tolerance", default="0.05",
                       help="one value (0.05 = ±5%%) or COL=value,COL=value")
    graph.add_argument("--start", type=Path, default=None,
                       help="unit_id,territory: rebalance this alignment")
    graph.add_argument("--seed", type=int, default=7)
    graph.add_argument("--time-limit", type=float, default=60.0, help="seconds")
    graph.add_argument("--out", type=Path, required=True, help="unit_id,territory")


def _user_error(message: str):
    from dashboard.runtime.cli import UserError

    return UserError(message)


def _columns(text: str) -> list[str]:
    wanted = [c.strip() for c in text.split(",") if c.strip()]
    if not wanted:
        raise _user_error("--balance names no measure")
    return list(dict.fromkeys(wanted))


def _tolerance(text: str, measures: list[str]) -> dict[str, float]:
    """``0.05`` for every measure, or ``potential=0.05,accounts=0.1``."""
    try:
        if "=" not in text:
            value = float(text)
            values = dict.fromkeys(measures, value)
        else:
            values = {}
            for part in text.split(","):
                name, _, value = part.partition("=")
                values[name.strip()] = float(value)
    except ValueError as exc:
        raise _user_error(f"--tolerance {text!r} is not a number or COL=number list") from exc
    unknown = sorted(set(values) - set(measures))
    if unknown:
        raise _user_error(f"--tolerance names measures not balanced: {', '.join(unknown)}")
    if any(not 0 <= v < 1 for v in values.values()):
        raise _user_error("--tolerance must be between 0 and 1 (0.05 = ±5%)")
    return {m: values.get(m, 0.05) for m in measures}


def _read_csv(path: Path, required: list[str]):
    import pandas as pd

    if not path.exists():
        raise _user_error(f"{path} does not exist")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (ValueError, pd.errors.ParserError) as exc:
        raise _user_error(f"{path} is not a CSV file: {exc}") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise _user_error(f"{path.name} has no column {', '.join(missing)} "
                          f"(it has {', '.join(frame.columns)})")
    return frame


def _numbers(frame, column: str, path: Path) -> np.ndarray:
    import pandas as pd

    text = frame[column].str.strip()
    values = pd.to_numeric(text.where(text != ""), errors="coerce").to_numpy("float64")
    bad = np.flatnonzero(np.isnan(values) & (text != "").to_numpy())
    if len(bad):
        row = int(bad[0])
        raise _user_error(f"{path.name} row {row + 2}: {column} {text.iloc[row]!r} is not a "
                          f"number")
    return values


def load_graph(units: Path, edges: Path, balance: list[str]):
    """The unit graph of UNITS.csv and EDGES.csv (``DesignError`` on a bad graph)."""
    from dashboard.design.graph import UnitGraph

    table = _read_csv(units, ["unit_id", "x", "y", *balance])
    ids = table["unit_id"].str.strip()
    duplicated = ids[ids.duplicated()].tolist()
    if duplicated:
        raise _user_error(f"{units.name} lists unit {duplicated[0]} twice")
    xy = np.column_stack([_numbers(table, "x", units), _numbers(table, "y", units)])
    measures = np.column_stack([_numbers(table, c, units) for c in balance])
    blank = np.flatnonzero(np.isnan(measures).any(axis=1))
    if len(blank):
        raise _user_error(f"{units.name}: unit {ids.iloc[int(blank[0])]} has no value for "
                          f"every measure")
    links = _read_csv(edges, ["unit_a", "unit_b"])
    pairs = zip(links["unit_a"].str.strip(), links["unit_b"].str.strip(), strict=True)
    return UnitGraph.build(ids.tolist(), xy, measures, pairs, balance)


def _start(path: Path, graph, territories: int) -> tuple[np.ndarray, list[str]]:
    table = _read_csv(path, ["unit_id", "territory"])
    given = dict(zip(table["unit_id"].str.strip(), table["territory"].str.strip(), strict=True))
    missing = [u for u in graph.ids if not given.get(u)]
    if missing:
        raise _user_error(f"{path.name} gives no territory to {len(missing)} unit(s), e.g. "
                          f"{', '.join(missing[:5])}")
    labels = sorted(set(given[u] for u in graph.ids))
    if len(labels) != territories:
        raise _user_error(f"{path.name} has {len(labels)} territories, --territories says "
                          f"{territories}")
    code = {t: i for i, t in enumerate(labels)}
    return np.array([code[given[u]] for u in graph.ids], dtype=np.int64), labels


def _stopped(result) -> str:
    """Why the design stopped; a growth the time limit cut short says how many units it
    left to the nearest territory (the design then had no time for the search)."""
    if result.growth_cut:
        return (f"{result.stopped_by}, in the growth: {result.growth_cut} units given to "
                f"the nearest territory")
    return result.stopped_by


def _print_missed(result, measures, out=None) -> None:
    """What an answer outside the tolerance misses by on the balanced ``measures``, and
    the units that force it."""
    out = out or sys.stdout
    for measure in measures:
        by = result.missed_by.get(measure, 0.0)
        if by > 1e-12:
            print(f"not within tolerance: {measure} misses by {by * 100:.2f} points",
                  file=out)
    oversize = [o for o in result.oversize if o.measure in measures]
    if oversize:
        whole = len({o.unit for o in oversize})
        print(f"infeasible: no assignment puts every territory within the tolerance while "
              f"{'this unit stays' if whole == 1 else f'these {whole} units stay'} whole "
              f"(its territory holds at least the unit)", file=out)
    for unit in oversize[:10]:
        print(f"  unit {unit.unit} alone holds {unit.ratio:.2f} x the target {unit.measure}, "
              f"above the {unit.allowed:.2f} allowed: its territory at least "
              f"{(unit.ratio - 1) * 100:+.1f}%, {(unit.ratio - unit.allowed) * 100:.1f} "
              f"points outside", file=out)


def cmd_design_graph(args: argparse.Namespace) -> int:
    from dashboard.design.engine import Settings, design, rebalance
    from dashboard.design.graph import DesignError
    from dashboard.whatif.design_input import refusal

    balance = _columns(args.balance)
    tolerance = _tolerance(args.tolerance, balance)
    if args.time_limit <= 0:
        raise _user_error("--time-limit must be above 0 seconds")
    started = time.monotonic()
    try:
        graph = load_graph(args.units, args.edges, balance)
        settings = Settings(tolerance=tolerance, time_limit=args.time_limit, seed=args.seed)
        if args.start is not None:
            start, labels = _start(args.start, graph, args.territories)
            result = rebalance(graph, start, args.territories, settings)
        else:
            labels = [str(t + 1) for t in range(args.territories)]
            result = design(graph, args.territories, settings)
    except DesignError as exc:
        raise _user_error(refusal(exc)) from exc
    seconds = time.monotonic() - started
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        handle.write("unit_id,territory\n")
        for unit, territory in zip(graph.ids, result.assignment.tolist(), strict=True):
            handle.write(f"{unit},{labels[territory]}\n")
    for m, name in zip(result.figures.measures, balance, strict=True):
        print(f"{name}: largest deviation from the mean {m.max_deviation * 100:.2f}% "
              f"(tolerance ±{tolerance[name] * 100:g}%), balance index {m.balance_index:.3f}, "
              f"within tolerance {m.within_tolerance:.0%} of territories")
    print(f"contiguous: {'yes' if result.figures.contiguous else 'no'}")
    print(f"cut edges: {result.figures.cut_edges}")
    print(f"seconds: {seconds:.1f} (stopped: {_stopped(result)})")
    print(f"written: {args.out}")
    if not result.within_tolerance:
        _print_missed(result, balance)
        return 1
    return 0


def _draft(frames, changes, reading):
    """``changes`` with the answer's county moves and named-account overrides."""
    new = changes
    for mapping, method in ((reading.county_moves, "move_counties"),
                            (reading.overrides, "override_accounts")):
        grouped: dict[str, list[str]] = {}
        for key, territory in mapping.items():
            grouped.setdefault(territory, []).append(key)
        for territory, keys in sorted(grouped.items()):
            new = getattr(new, method)(frames, keys, territory)
    return new


def cmd_design(settings, args: argparse.Namespace) -> int:
    from dashboard.design.graph import DesignError
    from dashboard.runtime.cli import _service
    from dashboard.whatif import changeset, design_runs, scenarios
    from dashboard.whatif.design_input import refusal

    balance = _columns(args.balance)
    unknown = [m for m in balance if m not in MEASURES]
    if unknown:
        raise _user_error(f"--balance {', '.join(unknown)}: choose among {', '.join(MEASURES)}")
    if not 0 <= args.tolerance < 1:
        raise _user_error("--tolerance must be between 0 and 1 (0.05 = ±5%)")
    if args.budget is not None and not 0 <= args.budget <= 1:
        raise _user_error("--budget must be between 0 and 1 (0.10 = 10% of T12 bookings)")
    if args.time_limit <= 0:
        raise _user_error("--time-limit must be above 0 seconds")
    if not args.save_as.strip():
        raise _user_error("--save-as needs a name")
    service = _service(settings)
    frames = service.frames()
    today = len(frames.territories)
    if not 1 <= args.territories <= today:
        raise _user_error(f"--territories must be between 1 and today's {today} (a design "
                          f"fills today's territories; add territories by an import first)")
    if args.budget is not None and args.territories != today:
        raise _user_error(f"--budget rebalances today's {today} territories: "
                          f"--territories must be {today}")
    changes = changeset.Changes.empty()
    options = design_runs.RunOptions(
        measures=tuple(balance), tolerance=args.tolerance, time_limit=args.time_limit,
        seed=args.seed, split=not args.no_split, weights=settings.workload_weights,
        as_of=service.as_of())
    started = time.monotonic()
    try:
        geography = service.geography()
        prepared = design_runs.prepare(changeset.apply(frames, changes), changes,
                                       geography.table, geography.adjacency,
                                       options, fixed_overrides=args.budget is not None)
        if args.budget is None:
            result = design_runs.design(prepared, args.territories)
        else:
            result = design_runs.rebalance(prepared, args.budget)
    except DesignError as exc:
        raise _user_error(refusal(exc)) from exc
    reading = design_runs.reading(prepared, result)
    seconds = time.monotonic() - started
    new = _draft(frames, changes, reading)
    record = scenarios.save_scenario(service.engine, name=args.save_as.strip(), changes=new,
                                     user="cli")
    for measure in MEASURES:
        mark = " (balanced)" if measure in balance else ""
        print(f"{measure}{mark}: balance index {reading.balance_before[measure]:.3f} -> "
              f"{reading.balance_after[measure]:.3f}")
    for m in result.figures.measures:
        if m.name in balance:
            print(f"{m.name}: largest deviation from the target {m.max_deviation * 100:.2f}%, "
                  f"within ±{args.tolerance * 100:g}%: {m.within_tolerance:.0%} of territories")
    # on the engine's units (a split county's accounts are units of their own); by
    # county a territory may hold a split county's accounts beyond its own counties
    one, many = ("unit", "units") if geography.own else ("county", "counties")
    print(f"contiguous: {'yes' if result.figures.contiguous else 'no'} "
          f"(by {one} alone: {'yes' if reading.contiguous else 'no'}); cut edges between "
          f"{many} {reading.cut_before} -> {reading.cut_after}")
    print(f"{len(reading.county_moves)} {many} moved, {len(reading.overrides)} named-account "
          f"overrides, {reading.disruption:.1%} of T12 bookings change territory")
    if reading.empty:
        print(f"left without a {one}: {', '.join(reading.empty)}")
    print(f"seconds: {seconds:.1f} (stopped: {_stopped(result)})")
    print(f"saved as draft scenario {record.id}: {record.name}")
    if any(result.missed_by.get(m, 0.0) > 1e-12 for m in balance):
        _print_missed(result, balance)
    return 0


DESIGN_COMMANDS = {"design": cmd_design,
                   "design-graph": lambda settings, args: cmd_design_graph(args)}
