"""A big flat export through the mapping step (issue 16 item 6): one order-line
file of 1,000,000 rows imported into an empty database, timed, with its peak
memory.

    python -m benchmarks.import_big [--rows 1000000] [--write] [--profile]

The file is a retail order export as the page and ``import --mapping auto``
take it: Order ID, Order Date (``MM/DD/YYYY``), Ship Date, Customer ID,
Customer Name, Segment, City, State, Postal Code (real US ZIPs from the ZIP
table), Region, Sales; about 2.5 lines per order, 50,000 customers. Beside it,
``territories.csv`` and ``alignment.csv`` (one territory per Census region, every
county aligned), so the import ends in a usable plan.

The import runs in a child process (its own peak RSS, nothing of the
generator's): :func:`dashboard.ingest.mapped_import.run` with progress
reported, the same call the page's background job and the CLI make, each
phase timed. ``--write`` puts the figures into ``RESULTS.md`` between the
``<!-- import-big -->`` markers; ``--profile`` prints the child's top
functions by cumulative time (cProfile).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
START, END = "<!-- import-big -->", "<!-- /import-big -->"
SEGMENTS = np.array(["Consumer", "Corporate", "Home Office"])
REGION_OF_STATE = {  # Census regions, by state FIPS prefix
    "Northeast": "09 23 25 33 34 36 42 44 50",
    "Midwest": "17 18 19 20 26 27 29 31 38 39 46 55",
    "West": "02 04 06 08 15 16 30 32 35 41 49 53 56",
}


def region_of(state_fips: str) -> str:
    return next((r for r, codes in REGION_OF_STATE.items() if state_fips in codes.split()),
                "South")


def generate(folder: Path, rows: int, seed: int = 7) -> list[Path]:
    """The export and the plan's two files, written into ``folder``."""
    from dashboard.geo import us_atlas
    from dashboard.ingest import places

    rng = np.random.default_rng(seed)
    zips = places._zip_rows()
    codes = np.array(sorted(c for c, r in zips.items() if r[1]))
    customers = 50_000
    customer_zip = rng.choice(codes, customers)
    customer_state = np.array([zips[c][0] for c in customer_zip])
    customer_segment = rng.choice(SEGMENTS, customers, p=[0.5, 0.3, 0.2])
    orders = int(rows / 2.5)
    order_customer = rng.integers(0, customers, orders)
    order_day = np.datetime64("2024-07-01") + rng.integers(0, 760, orders)
    lines_per_order = np.bincount(rng.integers(0, orders, rows - orders), minlength=orders) + 1
    order_of_line = np.repeat(np.arange(orders), lines_per_order)
    customer = order_customer[order_of_line]
    day = pd.DatetimeIndex(order_day[order_of_line])
    export = pd.DataFrame({
        "Order ID": np.char.add("US-", np.arange(orders).astype(str))[order_of_line],
        "Order Date": day.strftime("%m/%d/%Y"),
        "Ship Date": (day + pd.Timedelta(days=4)).strftime("%m/%d/%Y"),
        "Customer ID": np.char.add("CU-", customer.astype(str)),
        "Customer Name": np.char.add("Customer ", customer.astype(str)),
        "Segment": customer_segment[customer],
        "City": "",
        "State": customer_state[customer],
        "Postal Code": customer_zip[customer],
        "Region": "",
        "Sales": np.round(rng.gamma(2.0, 120.0, rows) + 1, 2),
    })
    path = folder / "Orders 2024-2026.csv"
    export.to_csv(path, index=False)
    counties = us_atlas.load_counties()
    regions = [region_of(f[:2]) for f in counties.index]
    territories = pd.DataFrame({"territory_id": ["T1", "T2", "T3", "T4"],
                                "territory_name": ["Northeast", "Midwest", "South", "West"],
                                "region": ["Northeast", "Midwest", "South", "West"]})
    ids = dict(zip(territories["region"], territories["territory_id"], strict=True))
    alignment = pd.DataFrame({"county_fips": counties.index,
                              "territory_id": [ids[r] for r in regions]})
    territories.to_csv(folder / "territories.csv", index=False)
    alignment.to_csv(folder / "alignment.csv", index=False)
    return [path, folder / "territories.csv", folder / "alignment.csv"]


def run_import(paths: list[Path], instance: Path, profile: bool) -> dict:
    """The child: one mapped import into an empty database, each phase timed."""
    from dashboard.ingest import mapped_import
    from dashboard.runtime.config import Settings
    from dashboard.runtime.service import DataService

    service = DataService(Settings(instance_path=str(instance), demo=False, tile_url="",
                                   secret_key="bench"))
    service.migrate()
    files = [(p.name, p.read_bytes()) for p in paths]
    steps: list[tuple[str, float]] = []
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    started = time.perf_counter()

    def progress(step: str, share: float) -> None:
        steps.append((step, round(time.perf_counter() - started, 2)))

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    outcome = mapped_import.run(service.engine, files, mapped_import.Answers(),
                                actor="bench", progress=progress)
    seconds = time.perf_counter() - started
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    load = os.getloadavg()[0]
    return {"ok": outcome.ok, "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
            "load": round(load, 1), "peak_rss_mb": round(usage.ru_maxrss / 1024),
            "rows": outcome.result.rows if outcome.result else {},
            "errors": [str(p) for p in outcome.problems if p.severity == "error"][:5],
            "steps": steps}


def _write(figures: dict) -> None:
    rows = figures["rows"]
    steps = ", ".join(f"{name} {at} s" for name, at in figures["steps"])
    block = "\n".join([
        START, "### Big flat export (issue 16 item 6)", "",
        f"{figures['when']} · {figures['host']} · `python -m benchmarks.import_big`", "",
        f"- {figures['lines']:,} order lines ({figures['mb']:.0f} MB CSV) of 50,000 customers "
        f"through the mapping step into an empty SQLite database: "
        f"**{figures['seconds']} s** wall ({figures['cpu_seconds']} s of CPU; the host's load "
        f"average was {figures['load']} on its 2 cores), peak RSS "
        f"**{figures['peak_rss_mb']:,} MB** "
        f"(the importing process alone); imported {rows.get('opportunities', 0):,} orders, "
        f"{rows.get('accounts', 0):,} accounts",
        f"- progress reported at: {steps}",
        END])
    text = RESULTS.read_text(encoding="utf-8")
    if START in text:
        text = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _m: block, text,
                      flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        instance, *paths = args.child
        print(json.dumps(run_import([Path(p) for p in paths], Path(instance), args.profile)))
        return 0
    with tempfile.TemporaryDirectory(prefix="import-big-") as scratch:
        folder = Path(scratch)
        started = time.perf_counter()
        paths = generate(folder, args.rows)
        print(f"generated {args.rows:,} lines in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)
        child = [sys.executable, "-m", "benchmarks.import_big", "--child",
                 str(folder / "instance"), *map(str, paths)]
        if args.profile:
            child.append("--profile")
        done = subprocess.run(child, capture_output=True, text=True, check=False,
                              cwd=Path(__file__).resolve().parents[1])
        sys.stderr.write(done.stderr[-20000:])
        if done.returncode:
            return done.returncode
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        figures.update(lines=args.rows, mb=paths[0].stat().st_size / 1e6,
                       when=time.strftime("%Y-%m-%d %H:%M"),
                       host=f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
                            f"pandas {pd.__version__}")
    print(json.dumps(figures, indent=1))
    if args.write and figures["ok"]:
        _write(figures)
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
