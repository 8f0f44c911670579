"""Rate limit for failed sign-ins, kept in the shared cache so every worker
counts the same failures.

The store is anything with ``get(key)`` and ``set(key, value, timeout=...)``
(flask-caching's cache, or a dict-backed stand-in in unit tests). Failures
are counted per username and per client address over a sliding window;
a success does not reset the address count, so spraying many usernames from
one address is limited too.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class ThrottleRules:
    window_seconds: int = 15 * 60
    max_per_username: int = 5
    max_per_address: int = 20


class SignInThrottle:
    def __init__(self, store, rules: ThrottleRules | None = None, clock=time.time):
        self.store = store
        self.rules = rules or ThrottleRules()
        self.clock = clock

    @staticmethod
    def _key(kind: str, value: str) -> str:
        # hashed: usernames and addresses do not sit in clear in the cache
        digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
        return f"td-signin-{kind}-{digest}"

    def _recent(self, key: str) -> list[float]:
        now = self.clock()
        stamps = self.store.get(key) or []
        return [t for t in stamps if now - t < self.rules.window_seconds]

    def wait_seconds(self, username: str, address: str) -> int:
        """Seconds until this username/address may try again; 0 when it may now."""
        now = self.clock()
        waits = [0.0]
        for kind, value, limit in (("user", username, self.rules.max_per_username),
                                   ("addr", address, self.rules.max_per_address)):
            recent = self._recent(self._key(kind, value))
            if len(recent) >= limit:
                oldest_that_counts = sorted(recent)[-limit]
                waits.append(oldest_that_counts + self.rules.window_seconds - now)
        return int(max(waits) + 0.999)

    def record_failure(self, username: str, address: str) -> None:
        now = self.clock()
        for kind, value in (("user", username), ("addr", address)):
            key = self._key(kind, value)
            self.store.set(key, self._recent(key) + [now], timeout=self.rules.window_seconds)

    def record_success(self, username: str) -> None:
        self.store.set(self._key("user", username), [], timeout=self.rules.window_seconds)
