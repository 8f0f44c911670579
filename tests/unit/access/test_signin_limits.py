"""The sign-in limit policy: the limits in Flask-Limiter's notation, keys that
hold no username or address in clear, and the wait told to a throttled user."""

from __future__ import annotations

import pytest
from limits import parse_many

from dashboard.access.signin_limits import (
    SignInPolicy,
    digest,
    known_address_key,
    limit_text,
    wait_minutes,
)


def test_the_username_limits_slow_down_as_failures_pile_up():
    """Each later window allows more failures but at a slower pace (failures
    per hour): the guesser's speed drops, at most 40 tries a day."""
    rules = SignInPolicy().per_username
    paces = [count * 3600 / seconds for count, seconds in rules]
    assert paces == sorted(paces, reverse=True) and len(set(paces)) == len(paces)
    assert [count for count, _ in rules] == sorted(count for count, _ in rules)
    assert rules[-1] == (40, 86400)


def test_the_limits_read_back_in_the_limits_librarys_notation():
    policy = SignInPolicy()
    parsed = parse_many(limit_text(policy.per_username))
    assert [(p.amount, p.get_expiry()) for p in parsed] == list(policy.per_username)
    address = parse_many(limit_text(policy.per_address))
    assert [(p.amount, p.get_expiry()) for p in address] == [(20, 900)]


def test_keys_hold_no_username_or_address_in_clear_and_ignore_case():
    key = known_address_key("Secret-User ", "192.168.1.1")
    assert "secret" not in key.lower() and "192.168" not in key
    assert key == known_address_key("secret-user", "192.168.1.1")
    assert key != known_address_key("secret-user", "192.168.1.2")
    assert digest("a", "bc") != digest("ab", "c")  # parts are kept apart


@pytest.mark.parametrize("seconds, minutes", [(1, 1), (60, 1), (61, 2), (899, 15), (3600, 60)])
def test_a_throttled_user_is_told_whole_minutes(seconds, minutes):
    assert wait_minutes(seconds) == minutes
