"""The manager that runs Dash background callbacks (long jobs with progress
and a cancel button, such as the what-if auto-balance).

One place decides where jobs run so every view gets the same. With
``CACHE_REDIS_URL`` set (production: several gunicorn workers, maybe several
machines) jobs go to Celery through that same Redis, as broker and result
store, so any worker can start a job and any other can report its progress;
a Celery worker must then be running (README, "Production deployment"):

    celery -A wsgi:celery_app worker --concurrency 2 --loglevel INFO

Without Redis, jobs run in a local diskcache under the instance folder, which
is all the embedded single-process default needs. Background jobs run
outside the Flask request, so they have no session: callers pass the user's
scope in explicitly (see ``callbacks/guard.py``).

Cancel is cooperative rather than Dash's process kill (which could land in
the middle of a write): a Cancel button writes a flag under the run's name
(:func:`run_token`: a random token of the page or upload, the kind of run and
its button's click count) into the shared cache (a file cache, or Redis when
jobs run on Celery workers), and the job polls it where stopping is safe
(:func:`stopper`)."""

from __future__ import annotations

import time
from pathlib import Path

from dashboard.runtime.config import Settings
from dashboard.runtime.service import DataService

#: seconds a finished job's result is kept for the browser to collect
RESULT_EXPIRES = 3600
#: how often a running job looks at its cancel flag, in seconds
POLL_SECONDS = 0.1


def celery_app(redis_url: str):
    """The Celery application for background jobs, on ``redis_url``."""
    from celery import Celery

    app = Celery("territory_dashboard", broker=redis_url, backend=redis_url)
    app.conf.update(result_expires=RESULT_EXPIRES, broker_connection_retry_on_startup=True,
                    task_track_started=True, worker_hijack_root_logger=False)
    return app


def background_manager(settings: Settings):
    """A Dash background-callback manager for these settings."""
    if settings.cache_redis_url:
        from dash import CeleryManager

        return CeleryManager(celery_app(settings.cache_redis_url), expire=RESULT_EXPIRES)
    import diskcache
    from dash import DiskcacheManager

    folder = Path(settings.instance_path).resolve() / "background"
    folder.mkdir(parents=True, exist_ok=True)
    return DiskcacheManager(diskcache.Cache(str(folder)))


def forget_in_dash_globals(manager, functions_before: int) -> None:
    """Take ``manager`` and the background functions registered since
    ``functions_before`` out of Dash's class-level registries.

    Dash keeps every manager and every background function ever made in lists on
    its base class, registering each function with each manager under a key made
    of its source and callback id. One app per process (production) never
    notices; a process that builds several apps (the test suite builds hundreds)
    kept every one of them alive with its frames (about 60 MB and six open
    files each, 10 GB in a CI worker before the kernel killed it), and an older
    app's manager received the newer app's function under the same key, so its
    jobs ran on the newer app's data. The app's own manager keeps what it was
    given in its ``func_registry``, which is all Dash reads when a job starts."""
    from dash.background_callback.managers import BaseBackgroundCallbackManager as base

    del base.functions[functions_before:]
    base.managers[:] = [m for m in base.managers if m is not manager]


def dash_functions_count() -> int:
    """How many background functions Dash's class-level list holds now."""
    from dash.background_callback.managers import BaseBackgroundCallbackManager as base

    return len(base.functions)


def run_token(page, clicks, kind: str = "") -> str | None:
    """The name of one run: a random token of the page load (or of the upload), the
    kind of run ("" for the what-if's Suggest) and its button's click count."""
    if not isinstance(page, str) or not page or not isinstance(clicks, int):
        return None
    return f"{page[:64]}:{kind}{clicks}"


def _flag_key(token: str) -> str:
    return f"td:whatif-cancel:{token}"


def request_cancel(service: DataService, token) -> bool:
    """Flag the run named ``token`` to stop; False when there is nothing to flag."""
    cache = service.shared_cache
    if not isinstance(token, str) or not token or cache is None:
        return False
    cache.set(_flag_key(token), True, timeout=3600)
    return True


def forget_cancel(service: DataService, token) -> None:
    """Take back a Cancel of the run named ``token`` (a new run under that name)."""
    cache = service.shared_cache
    if isinstance(token, str) and token and cache is not None:
        cache.delete(_flag_key(token))


def stopper(service: DataService, token: str | None, every: float = POLL_SECONDS):
    """should_stop() for a job: true once Cancel was pressed for this run
    (looked up at most every ``every`` seconds, so a search that asks in its
    inner loop pays nothing measurable; a job asking at a few steps passes 0,
    else a Cancel pressed within that time of its last look goes unseen)."""
    cache = service.shared_cache
    if not token or cache is None:
        return None
    last = [0.0, False]

    def should_stop() -> bool:
        now = time.perf_counter()
        if not last[1] and now - last[0] >= every:
            last[0] = now
            try:
                last[1] = bool(cache.get(_flag_key(token)))
            except Exception:  # a cache outage must not break the job
                last[1] = False
        return last[1]

    return should_stop
