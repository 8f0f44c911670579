"""``GET /healthz``: the database and cache checks of ``dashboard/runtime/health.py``
for load balancers and operators. Public (no sign-in, see ``callbacks/auth.py``),
so it answers only ``{"status": "ok" | "degraded" | "down"}``: nothing about
the database, the cache, the data or the process. A caller that sends the
``TD_HEALTH_TOKEN`` setting in ``X-Health-Token`` also gets each check and the
answering worker's process id (an operator, or a test telling the workers
behind one address apart)."""

from __future__ import annotations

import hmac
import os
import secrets

from flask import jsonify, request

from dashboard.runtime import health
from dashboard.runtime.service import DataService

HEALTH_PATH = "/healthz"
TOKEN_HEADER = "X-Health-Token"


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
        if not may_see_details(service.settings.health_token):
            body = {"status": body["status"]}
        else:
            body["worker"] = os.getpid()
        return jsonify(body), code, {"Cache-Control": "no-store"}

    del healthz


def may_see_details(token: str) -> bool:
    """Whether this request carries the configured health token (none configured: no)."""
    sent = request.headers.get(TOKEN_HEADER, "")
    return bool(token) and hmac.compare_digest(sent.encode(), token.encode())
