"""METRICS.md Balance and workload, against values worked out by hand."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from dashboard.metrics.balance import (
    WorkloadWeights,
    balance_index,
    balance_summary,
    disruption,
    gini,
    max_min_ratio,
    share_within,
    territory_workload,
    travel_estimate,
)
from dashboard.metrics.frames import build_frames
from dashboard.storage.schema import Dataset
from dashboard.storage.schema import frame_from_rows as _frame

NAN = float("nan")
AS_OF = date(2026, 2, 14)  # T12 = 2025-02-15 .. 2026-02-14




def make_frames(opps=()):
    """T1 owns counties 00001 (300 km²) and 00002 (100 km²), T2 00003 (2,500 km²),
    T3 00004 (900 km²); 00009 is unaligned. A4 lies in T2's county but is a named
    account of T1, so T1 has A1..A4 (potential 100k) and T2 only A5 (50k); A6 has no
    territory."""
    accounts = [
        ("A1", "00001", 10_000, None), ("A2", "00002", 20_000, None),
        ("A3", "00002", 30_000, None), ("A4", "00003", 40_000, "T1"),
        ("A5", "00003", 50_000, None), ("A6", "00009", 60_000, None),
    ]
    return build_frames(Dataset(
        territories=_frame("territories", [("T1", "One", "East"), ("T2", "Two", "East"),
                                           ("T3", "Three", "West")]),
        alignment=_frame("alignment", [("00001", "T1"), ("00002", "T1"), ("00003", "T2"),
                                       ("00004", "T3")]),
        accounts=_frame("accounts", [
            (a, a, fips, None, None, None, None, pot, None, None, override)
            for a, fips, pot, override in accounts]),
        opportunities=_frame("opportunities", [
            (o, a, amount, "Closed Won" if status == "won" else "Proposal", status,
             "2024-01-01", close) for o, a, amount, status, close in opps]),
    ))


AREAS = pd.Series({"00001": 300.0, "00002": 100.0, "00003": 2_500.0, "00004": 900.0})


@pytest.mark.parametrize(
    "accounts, area, expected",
    [(4, 100, 14.248), (1, 2_500, 35.62), (0, 900, 0.0), (9, 0, 0.0)],  # 0.7124 × √(n A)
)
def test_travel_estimate(accounts, area, expected):
    assert travel_estimate(accounts, area) == pytest.approx(expected)


@pytest.mark.parametrize(
    "weights, areas, expected",
    [
        # T1: n 4, A 400 -> travel .7124 × √1600 = 28.496, workload 4 + 28.496/50 = 4.56992
        # T2: n 1, A 2500 -> 35.62, workload 1 + .7124; T3: no accounts -> 0
        (WorkloadWeights(), AREAS, {"T1": (4, 100_000, 400, 28.496, 4.56992),
                                    "T2": (1, 50_000, 2_500, 35.62, 1.7124),
                                    "T3": (0, 0, 900, 0.0, 0.0)}),
        # 2 per account + 1 per 10k of potential, travel ignored: T1 8 + 10, T2 2 + 5
        (WorkloadWeights(accounts=2, travel_km=0, potential=1e-4), AREAS,
         {"T1": (4, 100_000, 400, 28.496, 18.0), "T2": (1, 50_000, 2_500, 35.62, 7.0),
          "T3": (0, 0, 900, 0.0, 0.0)}),
        # 00002's area unknown: it adds nothing, T1 A = 300 -> .7124 × √1200
        (WorkloadWeights(), AREAS.drop("00002"),
         {"T1": (4, 100_000, 300, 0.7124 * math.sqrt(1200), 4 + 0.7124 * math.sqrt(1200) / 50),
          "T2": (1, 50_000, 2_500, 35.62, 1.7124), "T3": (0, 0, 900, 0.0, 0.0)}),
    ],
    ids=["default", "custom-weights", "missing-area"],
)
def test_territory_workload(weights, areas, expected):
    table = territory_workload(make_frames(), areas, weights)
    assert list(table.index) == ["T1", "T2", "T3"]
    assert list(table.columns) == ["accounts", "potential", "area_km2", "travel_km", "workload"]
    for territory, values in expected.items():
        assert table.loc[territory].tolist() == pytest.approx(list(values)), territory


@pytest.mark.parametrize(
    "values, expected",
    [
        ([10, 10, 10], 1.0),
        # mean 10, population std 5 -> 1 - .5 (a sample std, 7.07, would give .29)
        ([5, 15], 0.5),
        ([2, 4, 4, 4, 5, 5, 7, 9], 1 - 2 / 5),  # the textbook set: mean 5, std 2
        ([0, 0], NAN),
        ([], NAN),
    ],
)
def test_balance_index_uses_population_std(values, expected):
    assert balance_index(values) == pytest.approx(expected, nan_ok=True)


@pytest.mark.parametrize(
    "values, expected",
    [
        ([85, 100, 115, 130, 70], 0.6),  # mean 100: 85, 100, 115 inside (85 and 115 on the edge)
        ([100, 100], 1.0),
        ([50, 150], 0.0),  # both 50% off the mean of 100
        ([], NAN),
    ],
)
def test_share_within_15_percent(values, expected):
    assert share_within(values) == pytest.approx(expected, nan_ok=True)


@pytest.mark.parametrize(
    "values, expected",
    [([2, 8, 4], 4.0), ([5, 5], 1.0), ([0, 5], NAN), ([], NAN)],
)
def test_max_min_ratio(values, expected):
    assert max_min_ratio(values) == pytest.approx(expected, nan_ok=True)


@pytest.mark.parametrize(
    "values, expected",
    [
        ([1, 1, 1, 1], 0.0),
        # mean |xi - xj| over 16 ordered pairs = 6/16; ÷ (2 × mean .25) = .75
        ([0, 0, 0, 1], 0.75),
        # pairs |1-2|, |1-3|, |2-3| twice = 8 over 9; ÷ (2 × 2) = 2/9
        ([3, 1, 2], 2 / 9),
        ([0, 0], NAN),
    ],
)
def test_gini(values, expected):
    assert gini(values) == pytest.approx(expected, nan_ok=True)


def test_balance_summary_ignores_missing_values():
    summary = balance_summary(pd.Series([5.0, NAN, 15.0]))
    assert summary == pytest.approx(
        {"balance_index": 0.5, "within_tolerance": 0.0, "max_min_ratio": 3.0, "gini": 0.25})


# T12 bookings: A1 100k, A2 25k (its 50k closed the day before T12), A3 75k (on E),
# A5 50k, A6 10k -> 260k. Open pipeline (any close date): A1 30k, A3 20k, A5 50k -> 100k.
DISRUPTION_OPPS = [
    ("o1", "A1", 100_000, "won", "2026-01-10"), ("o2", "A1", 30_000, "open", "2026-06-01"),
    ("o3", "A2", 50_000, "won", "2025-02-14"), ("o4", "A2", 25_000, "won", "2025-02-15"),
    ("o5", "A3", 75_000, "won", "2026-02-14"), ("o6", "A3", 20_000, "open", "2026-03-01"),
    ("o7", "A5", 50_000, "won", "2025-06-01"), ("o8", "A5", 50_000, "open", "2025-01-01"),
    ("o9", "A6", 10_000, "won", "2025-07-01"), ("o10", "A4", 999, "lost", "2026-01-01"),
]


@pytest.mark.parametrize(
    "changes, opps, expected",
    [
        # A3 moves T1 -> T2 and A6 gains T3: 2 of 6 accounts, (75 + 10) of 260k bookings,
        # 20 of 100k pipeline
        ({"A3": "T2", "A6": "T3"}, DISRUPTION_OPPS,
         {"bookings": 85 / 260, "accounts": 2 / 6, "pipeline": 0.2}),
        # nothing moves (A6 stays unaligned in both) -> 0, not missing
        ({}, DISRUPTION_OPPS, {"bookings": 0.0, "accounts": 0.0, "pipeline": 0.0}),
        # A2 only: its T12 25k of 260k, no pipeline
        ({"A2": "T3"}, DISRUPTION_OPPS,
         {"bookings": 25 / 260, "accounts": 1 / 6, "pipeline": 0.0}),
        # no opportunities: the money shares have no denominator
        ({"A1": "T2"}, [], {"bookings": NAN, "accounts": 1 / 6, "pipeline": NAN}),
    ],
)
def test_disruption(changes, opps, expected):
    frames = make_frames(opps)
    before = frames.accounts["territory_id"]
    after = before.copy()
    for account, territory in changes.items():
        after[account] = territory
    assert disruption(frames, before, after, AS_OF) == pytest.approx(expected, nan_ok=True)
