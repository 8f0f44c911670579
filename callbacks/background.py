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
scope in explicitly (see ``callbacks/guard.py``)."""

from __future__ import annotations

from pathlib import Path

from dashboard.runtime.config import Settings

#: seconds a finished job's result is kept for the browser to collect
RESULT_EXPIRES = 3600


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
