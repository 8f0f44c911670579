"""The precomputed KPI aggregates (dashboard.metrics.kpi_cube) give exactly the row scan's numbers.

The service's frames answer every KPI from the aggregates, and a what-if of them
from the aggregates corrected for its moves (checked against a full rebuild in
``tests/unit/whatif/test_changeset.py``); other frames (a test's) scan rows. Both
must agree to the last bit, on a hand-worked case and on the whole demo across
periods, levels and filters.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard.demo.dataset import generate_demo
from dashboard.metrics import kpi_cube, kpi_cube_build
from dashboard.metrics.frames import build_frames
from dashboard.metrics.kpi_table import LEVELS, kpi_table
from dashboard.metrics.periods import Period
from dashboard.metrics.underperformance import territory_signals
from dashboard.storage.schema import Dataset
from dashboard.storage.schema import frame_from_rows as _frame
from dashboard.views.selection import period_options, resolve_period
from dashboard.whatif.changeset import Changes, apply


def _small():
    """T1 and T2; A3 is Ent, the rest SMB; O6 is whole dollars + cents."""
    accounts = [
        ("A1", "A1", "00001", None, None, "Retail", "SMB", 400_000.0, "2025-06-01", None, None),
        ("A2", "A2", "00002", None, None, "Retail", "SMB", 500_000.0, "2026-02-01", None, None),
        ("A3", "A3", "00002", None, None, "Retail", "Ent", 100_000.0, "2024-01-01",
         "2026-03-31", None),
    ]
    opps = [
        ("O1", "A1", 60_000.0, "Closed Won", "won", "2025-12-01", "2026-01-20"),  # 50 d
        ("O2", "A1", 20_000.0, "Closed Won", "won", "2026-01-01", "2026-02-10"),  # 40 d
        ("O3", "A1", 10_000.0, "Closed Lost", "lost", "2026-01-05", "2026-02-01"),
        ("O4", "A1", 40_000.0, "Proposal", "open", "2026-01-10", "2026-03-15"),
        ("O5", "A2", 150_000.0, "Closed Won", "won", "2026-01-31", "2026-03-01"),  # 29 d
        ("O6", "A3", 30_000.25, "Closed Won", "won", "2025-02-01", "2025-02-10"),  # last year
        ("O7", "A3", 25_000.0, "Negotiation", "open", "2026-01-02", "2026-03-30"),
    ]
    dataset = Dataset(
        territories=_frame("territories", [("T1", "North", "East"), ("T2", "South", "East")]),
        reps=_frame("reps", [("R1", "Rep 1", "r1@example.com", "T1", None, None)]),
        alignment=_frame("alignment", [("00001", "T1"), ("00002", "T2")]),
        accounts=_frame("accounts", accounts),
        opportunities=_frame("opportunities", opps),
        quotas=_frame("quotas", [("T1", "2026Q1", 200_000.0), ("T2", "2026Q1", 100_000.0)]),
    )
    return build_frames(dataset)


def _prepared(frames):
    shared = replace(frames)  # same tables, its own (empty) cache
    kpi_cube_build.prepare(shared)
    return shared


def test_frames_start_without_aggregates_and_a_replace_does_not_share_them():
    frames = _small()
    assert kpi_cube.aggregates_of(frames) is None
    shared = _prepared(frames)
    assert kpi_cube.aggregates_of(shared) is not None
    assert kpi_cube.aggregates_of(replace(shared)) is None


def test_hand_worked_figures_from_the_aggregates():
    frames = _prepared(_small())
    q1 = Period.parse("2026Q1")
    table = kpi_table(frames, q1, date(2026, 2, 14), "territory").set_index("id")
    # T1: won O1 + O2 = 80,000 of 200,000; open O4 40,000 × Proposal 0.5
    assert table.at["T1", "bookings"] == 80_000.0
    assert table.at["T1", "attainment"] == 0.4
    assert table.at["T1", "weighted_pipeline"] == 20_000.0
    assert table.at["T1", "win_rate"] == 2 / 3
    assert table.at["T1", "sales_cycle_days"] == 45.0  # median of 50 and 40
    # T2: won O5 150,000; open O7 25,000 × Negotiation 0.75
    assert table.at["T2", "bookings"] == 150_000.0
    assert table.at["T2", "weighted_pipeline"] == 18_750.0
    # T2 growth to E = 2026-02-14: nothing yet this year vs O6 (2025-02-10) → −100%
    assert table.at["T2", "revenue_growth"] == -1.0
    # segment Ent: only A3 and its deals; T1 has none of them
    ent = kpi_table(frames, q1, date(2026, 2, 14), "territory", segment="Ent").set_index("id")
    assert ent.at["T2", "open_pipeline"] == 25_000.0
    assert ent.at["T2", "bookings"] == 0.0
    assert ent.at["T1", "open_pipeline"] == 0.0


@pytest.fixture(scope="module")
def demo():
    dataset, manifest = generate_demo()
    frames = build_frames(dataset)
    return frames, _prepared(frames), date.fromisoformat(manifest["as_of"])


def test_demo_kpi_tables_equal_the_row_scan_exactly(demo):
    frames, shared, as_of = demo
    assert kpi_cube.aggregates_of(shared).cubes is not None  # demo money is whole cents
    regions = sorted(frames.territories["region"].unique())
    east = tuple(frames.territories.loc[frames.territories["region"] == regions[0],
                                        "territory_id"])
    periods = [resolve_period(o["value"], as_of) for o in period_options(as_of)]
    periods.append(Period.parse("2025Q3"))
    for period in periods:
        for level in LEVELS:
            for segment in (None, "SMB", "Enterprise", "no-such-segment"):
                for scope in (None, east):
                    expected = kpi_table(frames, period, as_of, level, scope, segment)
                    got = kpi_table(shared, period, as_of, level, scope, segment)
                    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_demo_underperformance_signals_equal_the_row_scan(demo):
    frames, shared, as_of = demo
    period = resolve_period("qtd", as_of)
    pd.testing.assert_frame_equal(territory_signals(shared, period, as_of),
                                  territory_signals(frames, period, as_of), check_exact=True)


def test_money_that_is_not_whole_cents_falls_back_to_the_row_scan():
    frames = _small()
    opps = frames.opportunities.copy()
    opps.loc[0, "amount"] = 60_000.001  # a tenth of a cent
    odd = replace(frames, opportunities=opps)
    shared = _prepared(odd)
    assert kpi_cube.aggregates_of(shared).cubes is None
    q1 = Period.parse("2026Q1")
    expected = kpi_table(odd, q1, date(2026, 2, 14))
    pd.testing.assert_frame_equal(kpi_table(shared, q1, date(2026, 2, 14)), expected,
                                  check_exact=True)
    assert np.isclose(expected.set_index("id").at["T1", "bookings"], 80_000.001)


def test_territory_rows_and_quarters_through_the_index_equal_the_row_filter(demo):
    from dashboard.metrics.kpi_table import quarterly_series
    from dashboard.views import drilldown

    frames, shared, as_of = demo
    quarters = drilldown.recent_quarters(as_of)
    first = frames.territories["territory_id"].iloc[0]
    changes = Changes(account_overrides={a: first for a in frames.accounts.index[::50]})
    moved, plain = apply(shared, changes), apply(frames, changes)
    for tid in list(frames.territories["territory_id"])[:6]:
        for segment in (None, "SMB"):
            for indexed, scanned in ((shared, frames), (moved, plain)):
                got = drilldown.territory_rows(indexed, tid, segment)
                expected = drilldown.territory_rows(scanned, tid, segment)
                pd.testing.assert_frame_equal(got[0], expected[0])
                pd.testing.assert_frame_equal(got[1], expected[1])
        pd.testing.assert_frame_equal(quarterly_series(shared, [tid], quarters, as_of),
                                      quarterly_series(frames, [tid], quarters, as_of),
                                      check_exact=True)
