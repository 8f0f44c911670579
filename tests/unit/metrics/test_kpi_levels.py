"""The ``kpis`` table at a level of levels.csv (``kpis --level district``),
worked out by hand: a district sums its territories' parts and recomputes
its ratios (METRICS.md "Aggregating up"), never averages them."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.metrics.frames import build_frames
from dashboard.metrics.kpi_table import UnknownLevel, kpi_table, level_names
from dashboard.metrics.periods import Period
from dashboard.storage.schema import Dataset
from dashboard.storage.schema import frame_from_rows as rows

Q1 = Period.parse("2026Q1")
END = date(2026, 3, 31)


def frames(levels=True):
    """T1, T2 in district D1 "Coast", T3 in D2 "Hills" (both East), T4 West
    with no district. One account per territory, one won deal each in Q1."""
    won = [(f"O{i}", f"A{i}", amount, "Closed Won", "won", "2026-01-05", "2026-02-01")
           for i, amount in ((1, 10.0), (2, 30.0), (3, 5.0), (4, 7.0))]
    dataset = Dataset(
        territories=rows("territories", [
            ("T1", "North", "East", "district", "D1"), ("T2", "South", "East", "district", "D1"),
            ("T3", "Inland", "East", "district", "D2"), ("T4", "Far", "West")]
            if levels else [("T1", "North", "East"), ("T2", "South", "East"),
                            ("T3", "Inland", "East"), ("T4", "Far", "West")]),
        levels=rows("levels", [("district", "D1", "Coast", "region", "East", "ann"),
                               ("district", "D2", "Hills", "region", "East")] if levels else []),
        alignment=rows("alignment", [("0600" + str(i), f"T{i}") for i in range(1, 5)]),
        accounts=rows("accounts", [(f"A{i}", f"Acme {i}", "0600" + str(i), None, None, None,
                                    "SMB", 100.0) for i in range(1, 5)]),
        opportunities=rows("opportunities", won),
        quotas=rows("quotas", [("T1", "2026Q1", 100.0), ("T2", "2026Q1", 50.0),
                               ("T3", "2026Q1", 50.0), ("T4", "2026Q1", 70.0)]),
    )
    return build_frames(dataset)


def test_district_rows_sum_their_territories_and_recompute_attainment():
    table = kpi_table(frames(), Q1, END, "district").set_index("id")
    assert list(table.index) == ["D1", "D2"]  # T4 has no district: in no row
    assert table.loc["D1", "name"] == "Coast"
    # D1 = T1 + T2: bookings 10 + 30 = 40, quota 100 + 50 = 150, attainment 40/150
    # (the mean of T1's 0.1 and T2's 0.6 would be 0.35)
    assert table.loc["D1", "bookings"] == 40.0
    assert table.loc["D1", "quota"] == 150.0
    assert table.loc["D1", "attainment"] == pytest.approx(40 / 150)
    # D2 = T3 alone: 5 / 50
    assert table.loc["D2", "attainment"] == pytest.approx(0.1)


def test_region_rows_are_unchanged_by_the_districts():
    with_levels = kpi_table(frames(), Q1, END, "region").set_index("id")
    without = kpi_table(frames(levels=False), Q1, END, "region").set_index("id")
    assert list(with_levels.index) == ["East", "West"]
    # East = T1 + T2 + T3: 45 / 200
    assert with_levels.loc["East", "attainment"] == pytest.approx(45 / 200)
    assert with_levels.equals(without)


def test_levels_offered_and_an_unknown_level_refused():
    assert level_names(frames()) == ["territory", "rep", "district", "region", "company"]
    assert level_names(frames(levels=False)) == ["territory", "rep", "region", "company"]
    with pytest.raises(UnknownLevel, match="district, region, company, got 'zone'"):
        kpi_table(frames(), Q1, END, "zone")
    with pytest.raises(UnknownLevel):
        kpi_table(frames(levels=False), Q1, END, "district")
