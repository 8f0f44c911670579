"""A snapshot of the prepared frames on disk, so a restarted worker skips the database read.

Reading 2M opportunities through SQLite and converting them costs ~20 s; the
same frames (and their KPI aggregates) unpickle in a couple of seconds. The
file name holds everything the frames depend on — the data stamp (version +
the random token written with every change), the stage probabilities, the
pandas version and this format's version — so a snapshot is only ever read
for exactly the data it was made from; any other file is stale and removed.
The file is the app's own, written under its instance folder (as trusted as
the database next to it); it is written to a temporary name and renamed, so
a reader never sees half a file, and anything that fails to load is deleted
and ignored: the database is always the fallback.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from dataclasses import fields, replace
from pathlib import Path

import pandas as pd

from dashboard.metrics import kpi_cube, kpi_cube_build
from dashboard.metrics.frames import Frames

log = logging.getLogger(__name__)

# 2: frames carry the alignment history; 3: and their credited aggregates; 4: levels;
# 5: ZIP rows (zip_alignment, zip_rows, accounts.zip); 6: accounts.potential_estimated
FORMAT = 6
FOLDER = "frames-snapshots"
PREFIX = "frames-"


def _name(stamp: str, stage_probabilities: dict | None) -> str:
    key = repr((FORMAT, stamp, sorted((stage_probabilities or {}).items()), pd.__version__))
    return f"{PREFIX}{hashlib.sha1(key.encode()).hexdigest()}.pickle"


def folder(instance_path: str | os.PathLike) -> Path:
    return Path(instance_path) / FOLDER


def load(instance_path, stamp: str, stage_probabilities: dict | None) -> Frames | None:
    """The frames of ``stamp`` from their snapshot (aggregates attached), or None."""
    path = folder(instance_path) / _name(stamp, stage_probabilities)
    if not path.exists():
        return None
    try:
        with path.open("rb") as handle:
            header = pickle.load(handle)
            tables = {}
            for name, (index, columns) in header["tables"].items():
                data = {column: pickle.load(handle) for column in columns}
                tables[name] = pd.DataFrame(data, columns=columns).set_axis(index, axis=0)
            aggregates = pickle.load(handle)
            credited = pickle.load(handle)
        frames = Frames(**tables)
        kpi_cube_build.attach(frames, aggregates)
        if credited is not None:  # as credited, the cube answers from the first request
            frames.cache[kpi_cube_build.CREDITED_KEY] = credited
        return frames
    except Exception:  # a damaged or foreign file: the database is the fallback
        log.warning("frames snapshot %s unreadable; removed", path.name, exc_info=True)
        path.unlink(missing_ok=True)
        return None


def save(instance_path, stamp: str, stage_probabilities: dict | None, frames: Frames) -> None:
    """Write the snapshot of ``frames`` and remove every other one (best effort)."""
    target = folder(instance_path)
    name = _name(stamp, stage_probabilities)
    try:
        target.mkdir(parents=True, exist_ok=True)
        agg = kpi_cube.aggregates_of(frames)
        credited = frames.cache.get(kpi_cube_build.CREDITED_KEY)
        # without the per-request memos, which requests fill while this runs
        agg = None if agg is None else replace(agg, rankings={}, memo={})
        credited = None if credited is None else replace(credited, rankings={}, memo={})
        tables = {f.name: getattr(frames, f.name) for f in fields(Frames) if f.init}
        header = {"tables": {name: (table.index, list(table.columns))
                             for name, table in tables.items()}}
        fd, temporary = tempfile.mkstemp(dir=target, prefix=".writing-")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(header, handle, protocol=pickle.HIGHEST_PROTOCOL)
                # column by column: pickling a text column converts it, and a
                # whole table at once would hold every converted column (~0.4 GB at 2M rows)
                for table in tables.values():
                    for column in table.columns:
                        values = table[column]
                        values = (values.to_numpy(copy=False) if values.dtype.kind in "biuf"
                                  else values.reset_index(drop=True))  # keeps object columns
                        pickle.dump(values, handle, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(agg, handle, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(credited, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, target / name)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        for old in target.glob(f"{PREFIX}*.pickle"):
            if old.name != name:
                old.unlink(missing_ok=True)
    except Exception:
        log.warning("frames snapshot not written", exc_info=True)
