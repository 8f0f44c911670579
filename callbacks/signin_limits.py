"""Flask-Limiter applying ``dashboard.access.signin_limits``' policy to ``POST /login``.

Counters live in Redis when the app's cache is Redis (``CACHE_REDIS_URL``),
in memory otherwise; Flask-Limiter falls back to memory while Redis is down,
so signing in keeps working and stays limited. Only an answer 401 (wrong
username or password, or a wrong current password on the password change
form) is counted, in the same counters for both forms. The address is
``request.remote_addr``, which ``callbacks/hardening.py`` makes the real client's behind
``TD_TRUSTED_PROXIES`` proxy hops.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import Flask, request
from flask_limiter import Limiter, RequestLimit
from flask_login import current_user

from dashboard.access.signin_limits import SignInPolicy, digest, known_address_key, limit_text
from dashboard.runtime.config import Settings


def client_address() -> str:
    return request.remote_addr or "?"


def _username_key() -> str:
    if request.endpoint == "password" and current_user.is_authenticated:  # i18n: not shown
        # the password change form: its signed-in viewer, not a form field
        return digest(current_user.viewer.username)
    return digest(request.form.get("username", "")[:100])


def _failed(response) -> bool:
    return response.status_code == 401


class SignInLimits:
    """The limits on the sign-in form, and the addresses known per user."""

    def __init__(self, server: Flask, settings: Settings, cache,
                 policy: SignInPolicy | None = None):
        self.policy = policy or SignInPolicy()
        self.cache = cache
        self.limiter = Limiter(
            key_func=client_address, app=server,
            storage_uri=settings.cache_redis_url or "memory://",
            strategy="moving-window", key_prefix="td-signin",
            in_memory_fallback_enabled=True, swallow_errors=True, headers_enabled=False)

    def protect(self, view: Callable, on_breach: Callable[[int], object]) -> Callable:
        """``view`` (the form's endpoint) limited per address and per username;
        ``on_breach(seconds_to_wait)`` builds the 429 answer."""

        def breached(limit: RequestLimit):
            return on_breach(max(1, int(limit.reset_at - time.time())))

        common = {"methods": ["POST"], "deduct_when": _failed, "on_breach": breached}
        view = self.limiter.limit(limit_text(self.policy.per_username), key_func=_username_key,
                                  exempt_when=self.from_known_address, scope="user",
                                  **common)(view)
        return self.limiter.limit(limit_text(self.policy.per_address), scope="address",
                                  **common)(view)

    def from_known_address(self) -> bool:
        """Whether the user named in the form signed in from this address before."""
        username = request.form.get("username", "")[:100]
        return bool(username) and bool(self.cache.get(known_address_key(username,
                                                                        client_address())))

    def remember(self, username: str) -> None:
        """After a successful sign-in: this address is now known for ``username``."""
        self.cache.set(known_address_key(username, client_address()), 1,
                       timeout=self.policy.known_address_seconds)
