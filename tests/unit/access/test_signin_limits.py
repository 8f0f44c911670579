"""Failed sign-ins are limited per username and per address over a window."""

from __future__ import annotations

from dashboard.access.signin_limits import SignInThrottle, ThrottleRules


class DictStore:
    """The two calls the throttle makes on flask-caching's cache."""

    def __init__(self):
        self.values = {}

    def get(self, key):
        return self.values.get(key)

    def set(self, key, value, timeout=None):
        self.values[key] = value


class Clock:
    def __init__(self):
        self.now = 1_000.0

    def __call__(self):
        return self.now


def throttle(rules=None):
    clock = Clock()
    return SignInThrottle(DictStore(), rules or ThrottleRules(60, 3, 5), clock), clock


def test_the_fourth_try_after_three_failures_waits_for_the_window():
    limiter, clock = throttle()
    for _ in range(3):
        assert limiter.wait_seconds("ana", "10.0.0.1") == 0
        limiter.record_failure("ana", "10.0.0.1")
        clock.now += 10
    # failures at 1000, 1010, 1020; now 1030: the oldest expires at 1060
    assert limiter.wait_seconds("ana", "10.0.0.1") == 30
    assert limiter.wait_seconds("ANA ", "10.0.0.9") == 30  # same user, any case or address
    assert limiter.wait_seconds("bob", "10.0.0.9") == 0
    clock.now = 1061
    assert limiter.wait_seconds("ana", "10.0.0.1") == 0


def test_many_usernames_from_one_address_are_limited_too():
    limiter, clock = throttle()
    for name in ("a", "b", "c", "d", "e"):
        limiter.record_failure(name, "10.0.0.7")
        clock.now += 1
    assert limiter.wait_seconds("f", "10.0.0.7") == 55  # first failure at 1000, now 1005
    assert limiter.wait_seconds("f", "10.0.0.8") == 0


def test_a_success_clears_the_username_count_but_not_the_address():
    limiter, _ = throttle()
    for _ in range(3):
        limiter.record_failure("ana", "10.0.0.1")
    limiter.record_success("ana")
    assert limiter.wait_seconds("ana", "10.0.0.2") == 0


def test_the_cache_holds_no_usernames_in_clear():
    limiter, _ = throttle()
    limiter.record_failure("secret-user", "192.168.1.1")
    assert not any("secret-user" in k or "192.168" in k for k in limiter.store.values)
