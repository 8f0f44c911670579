"""Cached frames follow the data: a write through one service (one worker)
is seen by another on its next request, and memoised results refresh."""

from __future__ import annotations

from cachelib import SimpleCache

from dashboard.ingest.service import import_files
from dashboard.runtime.service import DataService

NEW_TERRITORY = b"territory_id,territory_name,region\nT90,Brand New,West\n"


def test_an_import_in_one_worker_reaches_another(demo_settings):
    worker_a, worker_b = DataService(demo_settings), DataService(demo_settings)
    assert "T90" not in worker_b.frames().territories.index
    result = import_files(worker_a.engine, [("territories.csv", NEW_TERRITORY)])
    assert result.ok, result.problems
    assert "T90" in worker_b.frames().territories.index


def test_memoised_results_are_recomputed_after_an_import(demo_settings):
    cache = SimpleCache()
    service = DataService(demo_settings, shared_cache=cache)

    def count_territories(frames):
        return len(frames.territories)

    before = service.memo("count", (), count_territories)
    # a second call is answered from the cache, not recomputed
    assert service.memo("count", (), lambda f: -1) == before
    assert import_files(service.engine, [("territories.csv", NEW_TERRITORY)]).ok
    assert service.memo("count", (), count_territories) == before + 1


def test_a_broken_cache_does_not_break_the_answer(demo_settings):
    class DownCache:
        def get(self, key):
            raise ConnectionError("redis is down")

        def set(self, key, value):
            raise ConnectionError("redis is down")

    service = DataService(demo_settings, shared_cache=DownCache())
    assert service.memo("count", (), lambda f: len(f.territories)) >= 50
