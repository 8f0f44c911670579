"""Production entry points: gunicorn and Celery targets, and ``serve --prod``.

    gunicorn --workers 4 --worker-class gthread --threads 4 --preload 'wsgi:server'
    celery -A wsgi:celery_app worker --concurrency 2 --loglevel INFO

Both names are built on first access, from the environment (``DATABASE_URL``,
``CACHE_REDIS_URL``, ``SECRET_KEY``, ...), so importing this module costs
nothing. A start that cannot work -- the database unreachable, a setting
missing -- prints one line saying why and exits non-zero (3: database, 2:
configuration) instead of a traceback per worker.

``territory-dashboard serve --prod`` runs the same thing in-process: the app
is built once in the master (migrations and the demo build happen exactly
once, before any worker exists, and the frames are shared copy-on-write),
then forked into ``WEB_CONCURRENCY`` gthread workers, each of which opens its
own database connections.
"""

from __future__ import annotations

import logging
import sys

log = logging.getLogger("territory_dashboard")

#: request threads per worker: callbacks block on the database and pandas
THREADS = 4
#: seconds a request may take before gunicorn restarts the worker
TIMEOUT = 120
EXIT_DATABASE, EXIT_CONFIGURATION = 3, 2


def build_app(settings=None):
    """``create_app``, or one line on stderr and ``SystemExit`` when it cannot start."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    from app import ConfigurationError, create_app

    try:
        return create_app(settings)
    except (OperationalError, DBAPIError) as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        print(f"error: cannot reach the database ({reason[0] if reason else 'no answer'})",
              file=sys.stderr)
        raise SystemExit(EXIT_DATABASE) from None
    except (ConfigurationError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIGURATION) from None


def __getattr__(name: str):
    """``wsgi:server`` / ``wsgi:application`` / ``wsgi:celery_app``, built once."""
    if name not in ("server", "application", "dash_app", "celery_app"):
        raise AttributeError(name)
    dash_app = globals().get("dash_app")
    if dash_app is None:
        dash_app = build_app()
        if name != "celery_app":
            warm(dash_app.server.extensions["territory_service"])
    manager = dash_app._background_manager
    values = {"dash_app": dash_app, "server": dash_app.server, "application": dash_app.server,
              "celery_app": getattr(manager, "handle", None)}
    globals().update(values)
    if values[name] is None:
        raise AttributeError(f"{name}: set CACHE_REDIS_URL to run background jobs on Celery")
    return values[name]


def warm(service) -> None:
    """Build the frames and KPI cube in the master, before the fork: every
    worker then starts with them (copy-on-write) instead of each spending its
    first requests building its own."""
    try:
        service.frames()
    except Exception:  # an empty or odd database still serves its empty states
        log.warning("could not prepare the frames before forking", exc_info=True)


def gunicorn_options(host: str, port: int, workers: int) -> dict:
    return {
        "bind": f"{host}:{port}", "workers": workers, "worker_class": "gthread",
        "threads": THREADS, "timeout": TIMEOUT, "graceful_timeout": 30, "keepalive": 5,
        "preload_app": True, "accesslog": None, "errorlog": "-", "loglevel": "info",
        "proc_name": "territory-dashboard",
        # no admin socket in a shared home folder (gunicorn 24+): one per instance collides
        "control_socket_disable": True,
    }


def run(settings, host: str, port: int, workers: int) -> int:
    """Build the app once, then serve it with gunicorn's ``workers`` processes."""
    from gunicorn.app.base import BaseApplication

    dash_app = build_app(settings)
    service = dash_app.server.extensions["territory_service"]
    warm(service)

    def post_fork(_arbiter, _worker):
        # connections opened in the master must not be shared by the children
        service.engine.dispose(close=False)

    class Gunicorn(BaseApplication):
        def load_config(self):
            for key, value in {**gunicorn_options(host, port, workers),
                               "post_fork": post_fork}.items():
                if key in self.cfg.settings:  # older gunicorn lacks some settings
                    self.cfg.set(key, value)

        def load(self):
            return dash_app.server

    log.info("Territory Dashboard (production) on http://%s:%s with %d workers",
             host, port, workers)
    Gunicorn().run()
    return 0
