"""``GET /healthz``: the database and cache checks of ``dashboard/runtime/health.py``
as JSON, for load balancers and operators. Public (no sign-in, see
``callbacks/auth.py``) and free of data: it says whether the parts answer,
never what they hold. The answering worker's process id is included so an
operator (or a test) can tell the workers behind one address apart."""

from __future__ import annotations

import os
import secrets

from flask import jsonify

from dashboard.runtime import health
from dashboard.runtime.service import DataService

HEALTH_PATH = "/healthz"


def cache_ping(cache):
    """A function that talks to ``cache`` (a flask-caching ``Cache``) and
    raises when it cannot, or None when there is no cache."""
    backend = getattr(cache, "cache", None)
    if backend is None:
        return None
    if hasattr(backend, "ping"):  # Redis: ask it directly, errors included
        def ping() -> str:
            backend.ping()
            return "redis"
        return ping

    def round_trip() -> str:
        key, token = "td-health-probe", secrets.token_hex(8)
        if not backend.set(key, token, timeout=60) or backend.get(key) != token:
            raise RuntimeError(f"{type(backend).__name__} did not keep a value")  # i18n: not shown
        return type(backend).__name__
    return round_trip


def register(app, service: DataService) -> None:
    @app.server.route(HEALTH_PATH)
    def healthz():
        checks = [health.check_database(service.engine),
                  health.check_cache(cache_ping(service.shared_cache))]
        body, code = health.report(checks)
        body["worker"] = os.getpid()
        return jsonify(body), code, {"Cache-Control": "no-store"}

    del healthz
