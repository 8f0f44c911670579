"""Benchmark datasets: the demo generator at fixed sizes, stored in SQLite.

``python -m benchmarks.datasets --size M`` builds (or reuses) the database of
one size. Each lives in ``benchmarks/out/<size>/seed-<seed>/territory.sqlite``
(``benchmarks/out/`` is gitignored) next to ``dataset.json``, which records the
size, seed and counts; a database is reused only when that record matches, and
is written under a temporary name and renamed when complete, so an interrupted
build is never mistaken for a finished one. :func:`ensure` also gives it the
leader account the runner signs in with.

``--units zip`` (or ``mixed``) builds the same data switched to that unit layer
(``dashboard.runtime.units``: accounts placed into approximate ZIP areas, the
alignment carried) in a folder of its own, ``<size>/seed-<seed>-<units>``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "out"
DB_NAME = "territory.sqlite"
MANIFEST = "dataset.json"
DEFAULT_SEED = 7
COUNTY = "county"
UNITS = (COUNTY, "zip", "mixed")


@dataclass(frozen=True)
class Size:
    name: str
    #: None = the demo generator's default for that count
    territories: int | None
    accounts: int | None
    opportunities: int | None


SIZES = {
    "tiny": Size("tiny", 8, 500, 3_000),
    "S": Size("S", None, None, None),  # the demo: 60 territories, 20k accounts, 100k opps
    "M": Size("M", 200, 100_000, 500_000),
    "L": Size("L", 500, 200_000, 2_000_000),
}


def instance_path(size: str, seed: int = DEFAULT_SEED, root: Path = OUT,
                  units: str = COUNTY) -> Path:
    return Path(root) / size / (f"seed-{seed}" + ("" if units == COUNTY else f"-{units}"))


def _record(size: Size, seed: int, units: str = COUNTY) -> dict:
    # county databases were recorded before units existed: they name none
    return {"size": asdict(size), "seed": seed, **({} if units == COUNTY else {"units": units})}


def existing(size: str, seed: int = DEFAULT_SEED, root: Path = OUT,
             units: str = COUNTY) -> dict | None:
    """The stored manifest when a complete database of this size, seed and units is present."""
    folder = instance_path(size, seed, root, units)
    manifest = folder / MANIFEST
    if not (folder / DB_NAME).exists() or not manifest.exists():
        return None
    stored = json.loads(manifest.read_text())
    wanted = _record(SIZES[size], seed, units)
    return stored if all(stored.get(k) == v for k, v in wanted.items()) else None


def build(size: str, seed: int = DEFAULT_SEED, root: Path = OUT, log=print,
          units: str = COUNTY) -> dict:
    """Generate the dataset on ``units`` and write it into a fresh SQLite file; returns
    the manifest."""
    from dashboard.demo.dataset import generate_demo
    from dashboard.runtime import units as unit_layers
    from dashboard.storage import db, store

    spec = SIZES[size]
    folder = instance_path(size, seed, root, units)
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / (DB_NAME + ".partial")
    for stale in (partial, folder / DB_NAME, folder / MANIFEST):
        stale.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        (folder / (DB_NAME + ".partial" + suffix)).unlink(missing_ok=True)

    started = time.perf_counter()
    dataset, manifest = generate_demo(
        seed=seed, n_territories=spec.territories, n_accounts=spec.accounts,
        n_opportunities=spec.opportunities,
    )
    dataset = unit_layers.on_units(dataset, units)
    generated = time.perf_counter() - started
    log(f"[{size}] generated {manifest['counts']} on {units} units in {generated:.1f} s")

    engine = db.make_engine(f"sqlite:///{partial}")
    db.upgrade(engine)
    started = time.perf_counter()
    store.replace_dataset(
        engine, dataset, action="init-demo", as_of=date.fromisoformat(manifest["as_of"]),
        detail={"seed": seed, "benchmark_size": size, "units": units},
    )
    unit_layers.store_units(engine, units)
    with engine.connect() as connection:  # fold the WAL into the file before renaming
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    written = time.perf_counter() - started
    log(f"[{size}] written to SQLite in {written:.1f} s")
    partial.rename(folder / DB_NAME)

    record = {
        **_record(spec, seed, units),
        "counts": manifest["counts"],
        "as_of": manifest["as_of"],
        "generate_s": round(generated, 2),
        "write_s": round(written, 2),
    }
    (folder / MANIFEST).write_text(json.dumps(record, indent=2) + "\n")
    return record


def ensure(size: str, seed: int = DEFAULT_SEED, root: Path = OUT, *,
           subprocess_build: bool = True, log=print, units: str = COUNTY) -> Path:
    """The instance folder of a complete database, building it when missing,
    with the leader account the runner signs in with.

    With ``subprocess_build`` the build runs in a child process, so its memory
    does not count in the runner's peak RSS."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}, got {size!r}")
    if existing(size, seed, root, units) is None:
        if subprocess_build:
            cmd = [sys.executable, "-m", "benchmarks.datasets", "--size", size,
                   "--seed", str(seed), "--root", str(root), "--units", units]
            subprocess.run(cmd, check=True, cwd=ROOT.parent)
        else:
            build(size, seed, root, log=log, units=units)
        if existing(size, seed, root, units) is None:
            raise RuntimeError(f"building the {size} dataset did not produce a database")
    folder = instance_path(size, seed, root, units)
    _ensure_leader(folder)
    return folder


def _ensure_leader(folder: Path) -> None:
    """The demo leader's account (``users.DEMO_LEADER``, the demo password), for
    ``tests.dash_http.sign_in``: the generator writes data only, and callbacks
    refuse unsigned requests. Added here rather than at build time so that
    databases built before it get one too; migrated first, as ``create_app``
    would, so the account has today's columns."""
    from dashboard.access import users
    from dashboard.storage import db

    engine = db.make_engine(f"sqlite:///{folder / DB_NAME}")
    try:
        db.upgrade(engine)
        if not any(u.username == users.DEMO_LEADER for u in users.list_users(engine)):
            users.add_user(engine, users.DEMO_LEADER, users.DEMO_PASSWORD, "leader")
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build a benchmark dataset.")
    parser.add_argument("--size", choices=list(SIZES), required=True)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--root", type=Path, default=OUT)
    parser.add_argument("--units", choices=UNITS, default=COUNTY,
                        help="the unit layer (zip, mixed: a folder of their own)")
    parser.add_argument("--force", action="store_true", help="rebuild even if present")
    args = parser.parse_args(argv)
    if args.force or existing(args.size, args.seed, args.root, args.units) is None:
        build(args.size, args.seed, args.root, units=args.units)
    else:
        print(f"[{args.size}] reusing "
              f"{instance_path(args.size, args.seed, args.root, args.units)}")
    # benchmarks.map_browser --instance signs in to the folder as it is
    _ensure_leader(instance_path(args.size, args.seed, args.root, args.units))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
