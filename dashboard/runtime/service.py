"""The data service: one per app, shared by every request.

It owns the engine and a process-local memo of the analysis frames keyed by
the data version stored in the database. Frames are read-only and the same
for every user, so sharing them is safe; anything per user lives in the URL,
``dcc.Store`` or the session, never here. Several workers each keep their own
memo and notice a new data version on their next request, which is how an
import in one worker reaches the others.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import hashlib
import logging
import threading
from datetime import date

from sqlalchemy import Engine

from dashboard.access import users
from dashboard.metrics import kpi_cube_build
from dashboard.metrics.frames import Frames, build_frames
from dashboard.runtime import units as unit_layers
from dashboard.runtime.config import Settings
from dashboard.storage import db, snapshot, store

log = logging.getLogger(__name__)


@contextlib.contextmanager
def paused_cyclic_gc():
    """Loading millions of rows creates millions of tuples, which start the
    cyclic collector again and again, and each pass walks every object the
    process holds (a whole Dash app): the same load took 8 s in a bare process
    and 16 s in the app. Rows and frames hold no cycles, so the collector is
    paused while they are built (the objects are freed by reference count)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()



def settle_long_lived() -> None:
    """Move what lives until the next data version (the frames, the app) out of
    the collector's sight. A full collection walks every tracked object and
    took 100-165 ms at size L, landing on whichever request triggered it:
    the p95 outliers of the benchmark. Unfreezing first lets the previous
    version's frames be collected; the one full pass here runs while the
    frames were being rebuilt anyway."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


# at exit the frozen objects go back to the collector, so extension types
# (DuckDB's in the benchmarks) are finalised instead of reported as leaked
atexit.register(gc.unfreeze)


class DataService:
    def __init__(self, settings: Settings, engine: Engine | None = None, shared_cache=None):
        self.settings = settings
        self.engine = engine or db.make_engine(settings.resolved_database_url)
        #: any object with ``get(key)`` / ``set(key, value)`` (flask-caching in
        #: the app; shared by every worker when it is Redis), or None
        self.shared_cache = shared_cache
        self._lock = threading.Lock()
        self._frames: tuple[str, Frames] | None = None
        self._derived: dict[tuple, object] = {}
        #: (data stamp, the geography read under it): ``geography``
        self._geography: tuple[str, object] | None = None
        self._snapshot_writer: threading.Thread | None = None
        #: the settings results depend on besides the data: the shared cache
        #: outlives a restart, so a changed setting must not find old results
        self._settings_digest = _digest(
            (sorted(settings.stage_probabilities.items()), settings.workload_weights))

    def migrate(self) -> None:
        db.upgrade(self.engine)

    def ensure_demo(self) -> bool:
        """Build the demo into an empty database, and its sign-in accounts when
        there are none (README); True when it built the data."""
        built = store.is_empty(self.engine)
        if built:
            from dashboard.demo.dataset import generate_demo

            log.info("empty database: building the demo dataset (%s units)", self.settings.units)
            dataset, manifest = generate_demo()
            dataset = unit_layers.on_units(dataset, self.settings.units)
            try:
                store.replace_dataset(
                    self.engine, dataset, action="init-demo",
                    as_of=date.fromisoformat(manifest["as_of"]),
                    detail={"seed": manifest["seed"], "units": self.settings.units},
                )
                unit_layers.store_units(self.engine, self.settings.units)
            except store.StaleData:  # another worker on the same empty database built it first
                log.info("the demo was built by another worker meanwhile")
                built = False
        if not users.has_users(self.engine):  # frames only when accounts are missing
            frames = self.frames()
            users.ensure_demo_users(self.engine, frames.territories, frames.reps, frames.levels)
        return built

    def data_version(self) -> int:
        return store.data_version(self.engine)

    def units(self) -> str:
        """The unit layer of the stored data: ``county``, ``zip`` or ``mixed``
        (``dashboard.runtime.units``): what the what-if map draws and moves."""
        return unit_layers.stored_units(self.engine)

    def geography(self, stamp: str | None = None):
        """The stored units' geography (``dashboard.runtime.geography``): the layer the
        maps draw, each unit's area, neighbours and label. Kept for one data stamp
        (``stamp``: the one a request read, ``ScopedData``; default: read it now), so the
        many calls of a request read nothing more: switching the units or replacing the
        layer in use changes the stamp (``store.touch_stamp``), and every worker reads the
        new geography at its next request."""
        from dashboard.runtime import geography

        stamp = stamp or self.data_stamp()
        held = self._geography
        if held is not None and held[0] == stamp:
            return held[1]
        # the units are read after the stamp: a switch committed in between is kept
        # under the older stamp, which the next request no longer reads
        found = geography.of_units(self.engine, self.units())
        self._geography = (stamp, found)
        return found

    def data_stamp(self) -> str:
        return store.data_stamp(self.engine)

    def as_of(self) -> date:
        """Configured as-of, else the dataset's own, else today (DATA_FORMAT.md)."""
        if self.settings.as_of:
            return date.fromisoformat(self.settings.as_of)
        return store.dataset_as_of(self.engine) or date.today()

    def frames(self) -> Frames:
        return self.current()[1]

    def current(self) -> tuple[str, Frames]:
        """The data stamp and the frames of that stamp, read together: a result
        keyed by the stamp must be built from those very frames, not from
        whatever a concurrent import left in the memo a moment later."""
        version = self.data_stamp()
        cached = self._frames
        if cached is not None and cached[0] == version:
            return cached
        with self._lock:
            cached = self._frames
            if cached is not None and cached[0] == version:
                return cached
            probabilities = self.settings.stage_probabilities
            frames = snapshot.load(self.settings.instance_path, version, probabilities)
            if frames is None:
                with paused_cyclic_gc():
                    frames = build_frames(store.read_dataset(self.engine), probabilities)
                    # every request of this data version reads these frames: aggregate once
                    kpi_cube_build.prepare(frames)
                # the next worker (or restart) of this version starts from disk
                self._snapshot_writer = threading.Thread(
                    target=snapshot.save, name="frames-snapshot", daemon=True,
                    args=(self.settings.instance_path, version, probabilities, frames))
                self._snapshot_writer.start()
            self._frames = (version, frames)
            self._derived = {}
            settle_long_lived()
            return self._frames

    def wait_for_snapshot(self, timeout: float | None = None) -> None:
        """Block until the frames snapshot being written (if any) is on disk."""
        writer = self._snapshot_writer
        if writer is not None:
            writer.join(timeout)

    def memo(self, name: str, args: tuple, compute, at: tuple[str, Frames] | None = None):
        """Result of a pure query, shared through the cache across requests
        and workers. The key holds the data version, so an import or an
        applied scenario makes every older result unreachable at once; the
        arguments must include anything that scopes the result (user scope
        included), since the cache is shared by every user. The key also holds
        the settings that change figures (stage probabilities, workload
        weights), which a restart may change under a cache that survives it.
        ``at`` is the (stamp, frames) to compute from (a scope's cut of the
        current frames; default: the current frames themselves)."""
        version, frames = at or self.current()
        if self.shared_cache is None:
            return compute(frames)
        key = f"td:{name}:{version}:{self._settings_digest}:{_digest(args)}"
        try:
            value = self.shared_cache.get(key)
        except Exception:  # a cache outage must not take the app down
            log.warning("cache unavailable; computing %s directly", name, exc_info=True)
            return compute(frames)
        if value is None:
            value = compute(frames)
            try:
                self.shared_cache.set(key, value)
            except Exception:
                log.warning("cache unavailable; %s not stored", name, exc_info=True)
        return value

    def derived(self, key: tuple, compute, at: tuple[str, Frames] | None = None):
        """Memo of a value computed from the current frames (e.g. map shapes),
        dropped whenever the data version changes. ``at`` as for :meth:`memo`
        (the key must then name the scope)."""
        version, frames = at or self.current()
        token = (version, *key)
        memo = self._derived
        if token not in memo:
            memo[token] = compute(frames)
        return memo[token]


def _digest(args: tuple) -> str:
    return hashlib.sha1(repr(args).encode()).hexdigest()
