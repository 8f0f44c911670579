"""Per-account figures of the territory drill-down, worked out by hand on tiny frames."""

from __future__ import annotations

import json
import math
from datetime import date

import pandas as pd
import pytest

from dashboard.metrics.periods import Period, to_day
from dashboard.views import drilldown
from dashboard.views.overview import Scope, account_points

# Period 2026Q1 seen on 15 Feb 2026: E = 15 Feb 2026, T12 = 16 Feb 2025 .. 15 Feb 2026.
PERIOD = Period(date(2026, 1, 1), date(2026, 3, 31), "2026Q1")
AS_OF = date(2026, 2, 15)
NAN = float("nan")


def day(y, m, d) -> float:
    return float(to_day(date(y, m, d)))


@pytest.fixture
def accounts() -> pd.DataFrame:
    rows = pd.DataFrame({
        "account_id": ["A1", "A2", "A3", "A4"],
        "account_name": ["Acme <b>Corp</b>", "Bolt", "Crane", "Dune"],
        "segment": ["SMB", "SMB", "Enterprise", "SMB"],
        "industry": ["Retail", "Energy", "Retail", "Energy"],
        "annual_potential": [1000.0, 2000.0, 3000.0, NAN],
        # A1 customer; A2 churned before E; A3 never; A4 becomes one after E
        "customer_since": [day(2024, 1, 1), day(2024, 1, 1), NAN, day(2026, 3, 1)],
        "churned_on": [NAN, day(2026, 1, 10), NAN, NAN],
        "territory_id": ["T1", "T1", "T1", "T1"],
        "lat": [40.12345, 41.0, 42.0, NAN],
        "lon": [-100.98765, -101.0, -102.0, -103.0],
    })
    return rows.set_index("account_id", drop=False).rename_axis(None)


@pytest.fixture
def opps() -> pd.DataFrame:
    return pd.DataFrame({
        "opportunity_id": [f"O{i}" for i in range(1, 9)],
        "account_id": ["A1", "A1", "A1", "A2", "A2", "A2", "A3", "A3"],
        "amount": [100.0, 50.0, 30.0, 60.0, 40.0, 70.0, 20.0, 10.0],
        "stage": ["Closed Won", "Closed Won", "Proposal", "Closed Won", "Closed Won",
                  "Closed Lost", "Negotiation", "Prospecting"],
        "status": ["won", "won", "open", "won", "won", "lost", "open", "open"],
        "created_on": [day(2025, 1, 1)] * 8,
        "close_on": [
            day(2025, 6, 1),    # in T12
            day(2025, 1, 1),    # before T12
            day(2026, 3, 20),   # open, later this quarter
            day(2026, 2, 15),   # on E: in T12
            day(2026, 2, 20),   # after E: not in T12
            day(2026, 1, 5),
            day(2026, 1, 1),    # open and overdue
            day(2026, 3, 1),    # open, not yet due
        ],
        "probability": [1.0, 1.0, 0.5, 1.0, 1.0, 0.0, 0.75, 0.1],
        "territory_id": ["T1"] * 8,
    })


def test_account_table_sums_t12_bookings_and_open_pipeline_per_account(accounts, opps):
    table = drilldown.account_table(accounts, opps, PERIOD, AS_OF).set_index("account_id")
    assert list(table.index) == ["A1", "A2", "A3", "A4"]  # biggest T12 first, then pipeline
    assert table["t12_bookings"].tolist() == [100.0, 60.0, 0.0, 0.0]
    assert table["open_pipeline"].tolist() == [30.0, 0.0, 30.0, 0.0]
    # customer at the end of E (15 Feb 2026): A2 churned in January, A4 starts in March
    assert table["customer"].tolist() == [True, False, False, False]
    assert table.loc["A1", "name"] == "Acme <b>Corp</b>"  # escaped by the grid, not here


def test_account_open_pipeline_is_metrics_open_pipeline_closing_in_p(accounts, opps):
    """METRICS.md Open pipeline: open deals with close date in P (2026Q1, ends
    included), whatever the as-of date. Added: A1 open 500 closing 2026-04-01
    (next quarter), A2 open 80 closing 2025-12-31 (before P, overdue), A4 open
    5 on 2026-03-31 (last day of P, after E) and A2 open 7 on 2026-01-01 (first
    day). A1: 30 (O3) = 30; A2: 7; A3: 20 (O7) + 10 (O8) = 30; A4: 5."""
    extra = pd.DataFrame({
        "opportunity_id": ["O9", "O10", "O11", "O12"],
        "account_id": ["A1", "A2", "A4", "A2"],
        "amount": [500.0, 80.0, 5.0, 7.0],
        "stage": ["Proposal", "Negotiation", "Prospecting", "Qualification"],
        "status": ["open"] * 4,
        "created_on": [day(2025, 1, 1)] * 4,
        "close_on": [day(2026, 4, 1), day(2025, 12, 31), day(2026, 3, 31), day(2026, 1, 1)],
        "probability": [0.5, 0.75, 0.1, 0.2],
        "territory_id": ["T1"] * 4,
    })
    table = drilldown.account_table(accounts, pd.concat([opps, extra], ignore_index=True),
                                    PERIOD, AS_OF).set_index("account_id")
    assert table["open_pipeline"].to_dict() == {"A1": 30.0, "A2": 7.0, "A3": 30.0, "A4": 5.0}
    assert table["open_pipeline"].sum() == 72.0
    # the bookings column is untouched by open deals
    assert table["t12_bookings"].to_dict() == {"A1": 100.0, "A2": 60.0, "A3": 0.0, "A4": 0.0}


def test_account_table_of_a_territory_without_deals(accounts, opps):
    table = drilldown.account_table(accounts, opps.iloc[0:0], PERIOD, AS_OF)
    assert len(table) == 4
    assert table["t12_bookings"].sum() == 0 and table["open_pipeline"].sum() == 0


@pytest.mark.parametrize("values, expected", [
    # four buying accounts: 50/100, 80/100, 90/100, 100/100
    ([10, 50, 0, 30, 10], [(0, 0), (0.25, 0.5), (0.5, 0.8), (0.75, 0.9), (1, 1)]),
    ([100, 60, 0, 0], [(0, 0), (0.5, 100 / 160), (1, 1)]),
    ([7], [(0, 0), (1, 1)]),
])
def test_concentration_curve_is_cumulative_share_biggest_first(values, expected):
    curve = drilldown.concentration_curve(values)
    points = list(zip(curve["account_share"], curve["bookings_share"], strict=True))
    # pytest.approx compares flat sequences only (nested ones are refused since pytest 9.2)
    assert [v for point in points for v in point] == pytest.approx(
        [v for point in expected for v in point])


def test_concentration_curve_is_empty_when_nothing_was_booked():
    assert drilldown.concentration_curve([0, 0]).empty
    assert drilldown.concentration_curve([]).empty


def test_curve_at_the_top_fifth_is_the_metrics_concentration():
    """METRICS.md: top ⌈20% × n⌉ of buying accounts; n = 7 -> top 2 = (40 + 30) / 100."""
    values = [40, 30, 10, 8, 6, 4, 2]
    curve = drilldown.concentration_curve(values)
    top = math.ceil(0.2 * 7)
    assert curve["account_share"][top] == pytest.approx(2 / 7)
    assert curve["bookings_share"][top] == pytest.approx(0.7)


def test_open_deals_soonest_first_with_overdue_flag(accounts, opps):
    deals = drilldown.open_deals(opps, accounts["account_name"], AS_OF)
    assert deals["opportunity_id"].tolist() == ["O7", "O8", "O3"]
    assert deals["overdue"].tolist() == [True, False, False]
    assert deals["close_date"].tolist() == ["2026-01-01", "2026-03-01", "2026-03-20"]
    assert deals["account"].tolist() == ["Crane", "Crane", "Acme <b>Corp</b>"]


def test_territory_rows_apply_the_segment_to_accounts_and_their_deals(accounts, opps):
    from dashboard.metrics.frames import Frames

    frames = Frames(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), accounts, opps,
                    pd.DataFrame())
    smb_accounts, smb_opps = drilldown.territory_rows(frames, "T1", "SMB")
    assert list(smb_accounts.index) == ["A1", "A2", "A4"]
    assert set(smb_opps["account_id"]) == {"A1", "A2"}
    all_accounts, all_opps = drilldown.territory_rows(frames, "T1", None)
    assert len(all_accounts) == 4 and len(all_opps) == 8
    none_accounts, none_opps = drilldown.territory_rows(frames, "T2", None)
    assert none_accounts.empty and none_opps.empty


def test_book_summary_counts_and_sums(accounts, opps):
    table = drilldown.account_table(accounts, opps, PERIOD, AS_OF)
    deals = drilldown.open_deals(opps, accounts["account_name"], AS_OF)
    summary = drilldown.book_summary(table, deals)
    assert summary == {
        "accounts": 4, "customers": 1, "potential": 6000.0, "t12_bookings": 160.0,
        "buying_accounts": 2, "open_deals": 3, "open_amount": 60.0,
        "overdue_deals": 1, "overdue_amount": 20.0, "estimated_potentials": 0,
    }


def test_grid_view_writes_flags_as_words(accounts, opps):
    table = drilldown.grid_view(drilldown.account_table(accounts, opps, PERIOD, AS_OF))
    assert table["customer"].tolist() == ["Yes", "No", "No", "No"]
    deals = drilldown.grid_view(drilldown.open_deals(opps, accounts["account_name"], AS_OF))
    assert deals["overdue"].tolist() == ["Overdue", "", ""]


def test_recent_quarters_end_with_the_as_of_quarter():
    assert drilldown.recent_quarters(date(2026, 2, 15), 3) == [(2025, 3), (2025, 4), (2026, 1)]
    assert len(drilldown.recent_quarters(date(2026, 8, 14))) == 8


def test_territory_info_unknown_ids_are_none():
    from dashboard.metrics.frames import Frames

    territories = pd.DataFrame({"territory_id": ["T1", "T2"], "territory_name": ["One", "Two"],
                                "region": ["West", "East"], "rep_id": ["R1", None],
                                "rep_name": ["Ann", None]}).set_index("territory_id", drop=False)
    reps = pd.DataFrame({"rep_id": ["R1"], "rep_name": ["Ann"], "email": ["ann@example.com"],
                         "territory_id": ["T1"]}).set_index("rep_id", drop=False)
    frames = Frames(territories, reps, pd.DataFrame(), pd.DataFrame(), pd.DataFrame(),
                    pd.DataFrame())
    assert drilldown.territory_info(frames, "T1") == drilldown.TerritoryInfo(
        "T1", "One", "West", "Ann", "ann@example.com")
    vacant = drilldown.territory_info(frames, "T2")
    assert vacant.rep_name is None and vacant.rep_email is None
    for bad in ("T999", "<script>", None, 7, {"id": "T1"}):
        assert drilldown.territory_info(frames, bad) is None


def test_account_points_are_filtered_compact_and_flag_customers(accounts):
    from dashboard.metrics.frames import Frames

    frames = Frames(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), accounts, pd.DataFrame(),
                    pd.DataFrame())
    points = json.loads(account_points(frames, Scope(("T1",), "SMB"), int(day(2026, 2, 15))))
    features = points["features"]
    # A3 is Enterprise, A4 has no latitude: both left out; 3 decimals (~100 m)
    assert [f["geometry"]["coordinates"] for f in features] == [[-100.988, 40.123],
                                                               [-101.0, 41.0]]
    assert [f["properties"] for f in features] == [{"c": 1}, {"c": 0}]
    assert all(set(f) == {"type", "geometry", "properties"} for f in features)
    empty = json.loads(account_points(frames, Scope((), None), 0))
    assert empty == {"type": "FeatureCollection", "features": []}
