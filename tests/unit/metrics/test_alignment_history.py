"""METRICS.md "Alignment history": the Period KPIs *as credited* (the default)
and *restated* (``kpis --restated``: the alignment in force on E), against
values worked out by hand on a small dataset with a dated county move and
dated named-account overrides.

The data (2026Q1 = 2026-01-01..2026-03-31, as-of 2026-03-31, so E = 03-31):

- county 00001 is T1's from the beginning and T2's from 2026-02-01;
  county 00002 is T2's throughout;
- A1 (00001, potential 1000, customer since 2025-06-01),
  A2 (00002, potential 2000, customer since 2025-01-01),
  A3 (00002, potential 500, never a customer), overridden to T1 from
  2026-03-01 and back to its county's territory (T2) from 2026-06-01;
- deals: O1 A1 won 100 closes 01-15 (created 2025-12-01, 45 days);
  O2 A1 won 200 closes 02-10 (created 01-20, 21 days); O3 A2 won 400
  closes 01-31 (created 01-01, 30 days); O4 A3 won 50 closes 02-20
  (created 02-01, 19 days); O5 A3 won 70 closes 03-10 (created 02-15,
  23 days); O6 A1 lost 10 closes 01-20; O7 A2 open 300 (Proposal, 50%)
  closes 03-25; O8 A1 won 80 closes 2025-02-10 (the prior year);
- quotas 2026Q1: T1 1000, T2 2000.

A1's territory: T1 until 01-31, T2 from 02-01. A2's: T2. A3's: T2 until
02-28, T1 from 03-01 to 05-31, T2 again from 06-01.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard.metrics import kpi_cube_build
from dashboard.metrics.frames import build_frames, has_history, latest_alignment
from dashboard.metrics.kpi_table import kpi_table, quarterly_series
from dashboard.metrics.periods import Period
from dashboard.storage.schema import Dataset
from dashboard.storage.schema import frame_from_rows as _frame

NAN = float("nan")
Q1 = Period.parse("2026Q1")
AS_OF = date(2026, 3, 31)
STAGE = {"won": "Closed Won", "lost": "Closed Lost", "open": "Proposal"}


def acct(aid, fips, potential, since=None, override=None):
    return (aid, f"Account {aid}", fips, None, None, "Retail", "SMB", potential, since,
            None, override)


def opp(oid, aid, amount, status, created, close):
    return (oid, aid, amount, STAGE[status], status, created, close)


def dataset(dated: bool = True) -> Dataset:
    alignment = [("00001", "T1", None), ("00002", "T2", None)]
    overrides = []
    if dated:
        alignment.append(("00001", "T2", "2026-02-01"))
        overrides = [("A3", "T1", "2026-03-01"), ("A3", None, "2026-06-01")]
    return Dataset(
        territories=_frame("territories", [("T1", "North", "West"), ("T2", "South", "West")]),
        reps=_frame("reps", [("R1", "Rep 1", "r1@example.com", "T1", None, None),
                             ("R2", "Rep 2", "r2@example.com", "T2", None, None)]),
        alignment=_frame("alignment", alignment),
        accounts=_frame("accounts", [acct("A1", "00001", 1000.0, "2025-06-01"),
                                     acct("A2", "00002", 2000.0, "2025-01-01"),
                                     acct("A3", "00002", 500.0)]),
        opportunities=_frame("opportunities", [
            opp("O1", "A1", 100.0, "won", "2025-12-01", "2026-01-15"),
            opp("O2", "A1", 200.0, "won", "2026-01-20", "2026-02-10"),
            opp("O3", "A2", 400.0, "won", "2026-01-01", "2026-01-31"),
            opp("O4", "A3", 50.0, "won", "2026-02-01", "2026-02-20"),
            opp("O5", "A3", 70.0, "won", "2026-02-15", "2026-03-10"),
            opp("O6", "A1", 10.0, "lost", "2026-01-02", "2026-01-20"),
            opp("O7", "A2", 300.0, "open", "2026-01-05", "2026-03-25"),
            opp("O8", "A1", 80.0, "won", "2025-01-10", "2025-02-10"),
        ]),
        quotas=_frame("quotas", [("T1", "2026Q1", 1000.0), ("T2", "2026Q1", 2000.0)]),
        overrides=_frame("overrides", overrides),
    )


def table(frames, restated=False, level="territory", period=Q1):
    return kpi_table(frames, period, AS_OF, level, restated=restated).set_index("id")


def test_the_frames_hold_the_latest_alignment_and_each_deal_its_credited_territory():
    frames = build_frames(dataset())
    # latest rows: 00001 -> T2; A3's latest override is blank (back to 00002's T2)
    assert frames.alignment["territory_id"].to_dict() == {"00001": "T2", "00002": "T2"}
    assert frames.accounts["territory_id"].astype(object).tolist() == ["T2", "T2", "T2"]
    credited = dict(zip(frames.opportunities["opportunity_id"],
                        frames.opportunities["credited_territory_id"].astype(object),
                        strict=True))
    # O1, O6 and O8 close while 00001 is T1's; O5 while A3's override is in force
    assert credited == {"O1": "T1", "O2": "T2", "O3": "T2", "O4": "T2", "O5": "T1",
                        "O6": "T1", "O7": "T2", "O8": "T1"}


EXPECTED_CREDITED = {
    # T1: O1 100 + O5 70 = 170 of 1000; won 2, lost 1 (O6); cycles 45 and 23 -> 34;
    # open on E: none; prior year O8 80 -> (170 - 80) / 80 = 1.125.
    # accounts on 2025-12-31: A1 (a customer) -> 1 at start, still one on 03-31;
    # accounts on E: A3 only -> penetration 0/1, T12 120 / 500 = 0.24, top 120/120.
    "T1": {"bookings": 170.0, "quota": 1000.0, "attainment": 0.17, "win_rate": 2 / 3,
           "avg_deal_size": 85.0, "sales_cycle_days": 34.0, "open_pipeline": 0.0,
           "weighted_pipeline": 0.0, "revenue_growth": 1.125, "customers_at_start": 1,
           "retention_rate": 1.0, "acquisition_rate": 0.0, "penetration": 0.0,
           "revenue_penetration": 0.24, "concentration_top20": 1.0},
    # T2: O2 200 + O3 400 + O4 50 = 650 of 2000; won 3, lost 0; cycles 21, 30, 19 -> 21;
    # open on E: O7 300 (weighted 150); no prior-year deal -> growth missing.
    # accounts on 2025-12-31: A2, A3 -> 1 customer at start, retained;
    # accounts on E: A1, A2 -> penetration 2/2, T12 (300 + 400) / 3000, top 400/700.
    "T2": {"bookings": 650.0, "quota": 2000.0, "attainment": 0.325, "win_rate": 1.0,
           "avg_deal_size": 650 / 3, "sales_cycle_days": 21.0, "open_pipeline": 300.0,
           "weighted_pipeline": 150.0, "revenue_growth": NAN, "customers_at_start": 1,
           "retention_rate": 1.0, "acquisition_rate": 0.0, "penetration": 1.0,
           "revenue_penetration": 700 / 3000, "concentration_top20": 400 / 700},
}

EXPECTED_RESTATED = {
    # everything by the accounts on E: T1 = {A3}, T2 = {A1, A2} (not the latest
    # alignment, where A3 is back in T2 from 06-01).
    # T1: O4 50 + O5 70 = 120; won 2; cycles 19, 23 -> 21; no prior year; A3 no
    # customer -> 0 at start (acquisition, retention missing).
    "T1": {"bookings": 120.0, "quota": 1000.0, "attainment": 0.12, "win_rate": 1.0,
           "avg_deal_size": 60.0, "sales_cycle_days": 21.0, "open_pipeline": 0.0,
           "weighted_pipeline": 0.0, "revenue_growth": NAN, "customers_at_start": 0,
           "retention_rate": NAN, "acquisition_rate": NAN, "penetration": 0.0,
           "revenue_penetration": 0.24, "concentration_top20": 1.0},
    # T2: O1 100 + O2 200 + O3 400 = 700; won 3, lost 1; cycles 45, 21, 30 -> 30;
    # prior year O8 80 -> (700 - 80) / 80 = 7.75; A1, A2 customers at start, retained.
    "T2": {"bookings": 700.0, "quota": 2000.0, "attainment": 0.35, "win_rate": 0.75,
           "avg_deal_size": 700 / 3, "sales_cycle_days": 30.0, "open_pipeline": 300.0,
           "weighted_pipeline": 150.0, "revenue_growth": 7.75, "customers_at_start": 2,
           "retention_rate": 1.0, "acquisition_rate": 0.0, "penetration": 1.0,
           "revenue_penetration": 700 / 3000, "concentration_top20": 400 / 700},
}


@pytest.mark.parametrize(("restated", "expected"), [(False, EXPECTED_CREDITED),
                                                    (True, EXPECTED_RESTATED)])
@pytest.mark.parametrize("with_cube", [False, True])
def test_kpis_as_credited_and_restated_by_hand(restated, expected, with_cube):
    frames = build_frames(dataset())
    if with_cube:  # the service's frames carry the KPI aggregates: same figures
        kpi_cube_build.prepare(frames)
    got = table(frames, restated)
    # the service's frames carry the credited aggregates the cube path reads
    assert (kpi_cube_build.CREDITED_KEY in frames.cache) == with_cube
    for territory, figures in expected.items():
        row = got.loc[territory]
        for column, value in figures.items():
            assert row[column] == pytest.approx(value, nan_ok=True), (territory, column)


def test_the_company_is_the_same_either_way_and_aggregates_up():
    frames = build_frames(dataset())
    credited, restated = table(frames, level="company"), table(frames, True, "company")
    # 170 + 650 = 120 + 700 = 820; win rate 5 of 6 either way
    assert credited.loc["company", "bookings"] == restated.loc["company", "bookings"] == 820.0
    assert credited.loc["company", "win_rate"] == pytest.approx(5 / 6)
    region = table(frames, level="region").loc["West"]
    assert region["bookings"] == 820.0


def test_without_dated_rows_both_readings_are_todays():
    frames = build_frames(dataset(dated=False))
    assert not has_history(frames)
    credited, restated = table(frames), table(frames, True)
    pd.testing.assert_frame_equal(credited, restated)
    # every deal where its account is today: T1 = A1's (O1, O2, O8 prior; O6 lost)
    assert credited.loc["T1", "bookings"] == 300.0


def test_a_period_after_every_change_reads_the_latest_alignment_from_the_cube():
    """2027Q3: its prior year starts 2026-07-01, after the last change (06-01):
    as credited = restated = the latest alignment, where the cube answers."""
    frames = build_frames(dataset())
    kpi_cube_build.prepare(frames)
    later = Period.parse("2027Q3")
    pd.testing.assert_frame_equal(
        kpi_table(frames, later, date(2027, 8, 1)),
        kpi_table(latest_alignment(frames), later, date(2027, 8, 1)))


def test_quarterly_bookings_are_as_credited():
    frames = build_frames(dataset())
    series = quarterly_series(frames, ["T1"], ["2026Q1"], AS_OF)
    assert series["bookings"].tolist() == [170.0]


def test_a_what_if_reads_its_own_alignment_restated():
    from dashboard.whatif.changeset import Changes, apply

    frames = build_frames(dataset())
    after = apply(frames, Changes(county_moves={"00002": "T1"}))
    assert not has_history(after)
    # latest alignment moved: A2 and A3 (00002, A3's override ended) go to T1 with
    # all their deals: O3 400 + O4 50 + O5 70
    assert table(after).loc["T1", "bookings"] == 520.0
    # T2 keeps A1 with all its deals: (O1 100 + O2 200 - O8 80) / 80
    assert table(after).loc["T2", "revenue_growth"] == 2.75


def demo_with_history() -> Dataset:
    """A small demo with every 5th county moved on 2026-02-01 and dated
    overrides of every 7th account (some back to their county's territory)."""
    from dashboard.demo.dataset import generate_demo

    data, _ = generate_demo(n_territories=8, n_accounts=400, n_opportunities=3000)
    alignment = data.alignment
    moved = alignment.iloc[::5].copy()
    moved["territory_id"] = np.roll(alignment["territory_id"].to_numpy(object), 1)[::5]
    moved["effective_from"] = pd.Timestamp("2026-02-01")
    data.alignment = pd.concat([alignment, moved], ignore_index=True).astype(
        {"effective_from": "datetime64[s]"})
    picked = data.accounts["account_id"].to_numpy(object)[::7]
    territories = data.territories["territory_id"].to_numpy(object)
    data.overrides = _frame("overrides", [
        (account, None if i % 3 == 0 else territories[i % len(territories)],
         f"2025-{1 + i % 12:02d}-15") for i, account in enumerate(picked)])
    return data


@pytest.mark.parametrize("segment", [None, "Enterprise"])
def test_the_cube_and_the_rows_agree_as_credited_and_restated(segment):
    data = demo_with_history()
    rows, cubed = build_frames(data), build_frames(data)
    kpi_cube_build.prepare(cubed)
    as_of = date(2026, 8, 14)
    for period in ("2026Q1", "2026Q3", "2026", "2025-11-01..2026-03-15"):
        for level in ("territory", "region", "company"):
            for restated in (False, True):
                args = (Period.parse(period), as_of, level)
                pd.testing.assert_frame_equal(
                    kpi_table(rows, *args, segment=segment, restated=restated),
                    kpi_table(cubed, *args, segment=segment, restated=restated))
    credited = kpi_table(cubed, Period.parse("2026Q1"), as_of, segment=segment)
    restated = kpi_table(cubed, Period.parse("2026Q1"), as_of, segment=segment, restated=True)
    assert not credited.equals(restated)  # the history shows


def test_a_scenario_touching_a_county_keeps_the_dated_override_in_force():
    """A3 is named to T1 from 2026-03-01 (no later row), so under the latest
    alignment it is T1's though its county 00002 is T2's. A what-if that
    touches 00002 (here: "moves" it to the territory it already has) must
    leave A3 with T1; reading only the undated override column put it back on
    its county's T2 (the demo's auto-balance figures differed by that)."""
    from dashboard.whatif.changeset import Changes, scenario_codes

    data = dataset()
    data.overrides = _frame("overrides", [("A3", "T1", "2026-03-01")])
    frames = build_frames(data)
    assert frames.accounts.loc["A3", "territory_id"] == "T1"
    assert frames.accounts.loc["A3", "territory_override"] is None  # only from the beginning
    latest = latest_alignment(frames)
    assert latest.accounts.loc["A3", "territory_override"] == "T1"
    ids = frames.accounts["territory_id"].dtype.categories
    codes = scenario_codes(frames, Changes(county_moves={"00002": "T2"}))
    assert dict(zip(frames.accounts.index, ids[codes], strict=True)) == {
        "A1": "T2", "A2": "T2", "A3": "T1"}
