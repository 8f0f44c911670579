"""Health checks for a load balancer or an operator: is the database there,
is the cache there.

The database is essential: without it no view can answer, so the app is
"down" and the probe fails (HTTP 503), which takes the instance out of a load
balancer's rotation. The cache is not: the app serves without it, only
slower, so a missing cache makes the app "degraded" and the probe still
passes (HTTP 200) -- pulling every instance out because Redis restarted
would turn a slowdown into an outage. Each check reports how long it took.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, text

log = logging.getLogger("territory_dashboard.health")

OK, DEGRADED, DOWN = "ok", "degraded", "down"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    ms: float
    essential: bool

    def as_dict(self) -> dict:
        return {"ok": self.ok, "detail": self.detail, "ms": round(self.ms, 1),
                "essential": self.essential}


def _timed(name: str, essential: bool, probe: Callable[[], str]) -> Check:
    started = time.perf_counter()
    try:
        detail, ok = probe(), True
    except Exception as error:  # any failure of the probe is the answer, not a crash
        # the full reason goes to the log only: the probe is public and the
        # driver's message names hosts and ports
        log.warning("health check %s failed: %s", name, _one_line(error))
        detail, ok = f"unavailable ({type(error).__name__})", False
    return Check(name, ok, detail, (time.perf_counter() - started) * 1000, essential)


def _one_line(error: Exception) -> str:
    message = str(getattr(error, "orig", None) or error).strip()
    first = message.splitlines()[0] if message else ""
    return f"{type(error).__name__}: {first}"[:300]


def check_database(engine: Engine) -> Check:
    """A round trip plus a read of the data version: reachable and migrated."""

    def probe() -> str:
        from dashboard.storage import store

        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        version = store.data_version(engine)
        return f"{engine.dialect.name}, data version {version}"  # i18n: not shown (JSON probe)

    return _timed("database", True, probe)


def check_cache(ping: Callable[[], str] | None) -> Check:
    """``ping`` talks to the cache and returns what it is, raising when it cannot;
    None means the app runs with no shared cache at all, which is fine."""
    if ping is None:
        return Check("cache", True, "none configured", 0.0, False)  # i18n: not shown (JSON)
    return _timed("cache", False, ping)


def report(checks: list[Check]) -> tuple[dict, int]:
    """The JSON body and HTTP status of the health endpoint."""
    if any(not c.ok and c.essential for c in checks):
        status, code = DOWN, 503
    elif any(not c.ok for c in checks):
        status, code = DEGRADED, 200
    else:
        status, code = OK, 200
    return {"status": status, "checks": {c.name: c.as_dict() for c in checks}}, code
