"""Scorecard pieces worked out by hand: peer percentile and the 80% accounts."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard.views.scorecard import peer_percentile, top_accounts


@pytest.mark.parametrize("rep, expected, peers", [
    ("R1", 1.0, 4),          # 0.9 beats 0.5, 0.7, 0.7, 0.2
    ("R2", 0.25, 4),         # 0.5 beats 0.2 only
    ("R3", 0.5 + 0.125, 4),  # 0.7 beats 0.5 and 0.2, ties R4: (2 + 0.5) / 4
    ("R5", 0.0, 4),
])
def test_peer_percentile(rep, expected, peers):
    attainment = pd.Series({"R1": 0.9, "R2": 0.5, "R3": 0.7, "R4": 0.7, "R5": 0.2,
                            "R6": float("nan")})
    share, count = peer_percentile(attainment, rep)
    assert math.isclose(share, expected) and count == peers


def test_no_percentile_without_an_attainment_or_peers():
    attainment = pd.Series({"R1": 0.9, "R6": float("nan")})
    assert peer_percentile(attainment, "R6") == (None, 1)
    assert peer_percentile(attainment, "R1") == (None, 0)


def book(bookings):
    return pd.DataFrame({"name": [f"A{i}" for i in range(len(bookings))],
                         "t12_bookings": bookings})


def test_top_accounts_are_the_fewest_that_reach_80_percent():
    # total 100: 50 → 0.5, +30 → 0.8 reaches 80% with two accounts
    top = top_accounts(book([50.0, 30.0, 15.0, 5.0, 0.0]))
    assert list(top["name"]) == ["A0", "A1"]
    assert list(top["cumulative_share"]) == pytest.approx([0.5, 0.8])


def test_top_accounts_just_short_of_80_percent_take_one_more():
    top = top_accounts(book([50.0, 29.0, 21.0]))
    assert list(top["name"]) == ["A0", "A1", "A2"]


def test_no_bookings_no_top_accounts():
    assert top_accounts(book([0.0, 0.0])).empty
