"""How failed sign-ins are limited: the policy as plain data and functions.

The web layer (``callbacks/signin_limits.py``) applies it with Flask-Limiter,
whose counters are atomic (Redis ``INCR``/Lua when the app's cache is Redis,
a lock in memory otherwise) and fall back to memory when Redis is down.
Only failures count (a wrong password), never a successful sign-in.

* **Per client address** (the real one behind ``TD_TRUSTED_PROXIES`` proxy
  hops): 20 failures in 15 minutes, whatever the usernames, so spraying many
  usernames from one address is slowed too.
* **Per username**: the allowed pace drops as failures pile up, 5 in a
  minute, 10 in 15 minutes, 20 in an hour, 40 in a day, so a guesser gets at
  most 40 tries a day at one account. A sign-in from an address where that
  user signed in successfully before (in the last 90 days) is exempt from the
  username's limit: an attacker elsewhere slows the account down without
  locking its owner out (their address limit still holds).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

MINUTE, HOUR, DAY = 60, 3600, 86400


@dataclass(frozen=True)
class SignInPolicy:
    #: (failures, seconds): at most that many failures per address in the window
    per_address: tuple[tuple[int, int], ...] = ((20, 15 * MINUTE),)
    #: (failures, seconds) per username, from a short window to a long one
    per_username: tuple[tuple[int, int], ...] = ((5, MINUTE), (10, 15 * MINUTE),
                                                 (20, HOUR), (40, DAY))
    #: how long a successful sign-in keeps an address known for that user
    known_address_seconds: int = 90 * DAY


def limit_text(rules: tuple[tuple[int, int], ...]) -> str:
    """The rules in the rate-limit notation of the ``limits`` library
    (``"5 per 60 second; 10 per 900 second"``)."""
    return "; ".join(f"{count} per {seconds} second" for count, seconds in rules)


def digest(*parts: str) -> str:
    """A key part for a username and/or address, hashed: neither sits in clear
    in the shared cache. Usernames match whatever their case or spaces."""
    joined = "\x00".join(p.strip().lower() for p in parts)
    return hashlib.sha256(joined.encode()).hexdigest()[:32]


def known_address_key(username: str, address: str) -> str:
    """Cache key saying that ``username`` signed in from ``address``."""
    return f"td-signin-known-{digest(username, address)}"


def wait_minutes(seconds: float) -> int:
    """Whole minutes to tell a throttled user to wait (at least 1)."""
    return max(1, math.ceil(seconds / 60))
