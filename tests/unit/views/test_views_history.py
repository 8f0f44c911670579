"""The actuals views as credited by default and restated on request (issue 17
item 1), on the hand-worked data of tests/unit/metrics/test_alignment_history.py:
county 00001 moves T1 -> T2 on 2026-02-01; A3 (county 00002, T2) is overridden
to T1 from 2026-03-01 to 2026-05-31. As of 2026-03-31 (E of 2026Q1), T1's
accounts are {A3} and T2's {A1, A2}; the latest alignment puts all three in T2.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.metrics import kpi_cube_build
from dashboard.metrics.frames import build_frames
from dashboard.metrics.kpi_table import kpi_table, quarterly_series
from dashboard.metrics.periods import Period, to_day
from dashboard.storage.schema import frame_from_rows
from dashboard.views import drilldown, rankings
from dashboard.views.selection import Selection
from tests.unit.metrics.test_alignment_history import AS_OF, Q1, dataset, opp


@pytest.fixture(params=[False, True], ids=["rows", "cube"])
def frames(request):
    data = dataset()
    # an open deal of A1 closing in January, while 00001 (A1's county) is T1's
    data.opportunities = pd.concat([data.opportunities, frame_from_rows(
        "opportunities", [opp("O9", "A1", 40.0, "open", "2026-01-02", "2026-01-25")])],
        ignore_index=True)
    built = build_frames(data)
    if request.param:
        kpi_cube_build.prepare(built)
    return built


def test_the_drilldown_lists_the_territorys_accounts_on_e_with_all_their_deals(frames):
    accounts, opps = drilldown.territory_rows(frames, "T1", None, to_day(AS_OF))
    assert list(accounts.index) == ["A3"]
    book = drilldown.account_table(accounts, opps, Q1, AS_OF).set_index("account_id")
    # A3's T12: O4 50 (credited to T2) + O5 70 (T1): its own bookings wherever credited,
    # the figure T1's revenue penetration reads (120 / 500)
    assert book.loc["A3", "t12_bookings"] == 120.0
    row = kpi_table(frames, Q1, AS_OF).set_index("id").loc["T1"]
    assert row["revenue_penetration"] == book["t12_bookings"].sum() / 500.0


@pytest.mark.parametrize(("restated", "t1", "t2"), [(False, 170.0, 650.0),
                                                    (True, 120.0, 700.0)])
def test_quarterly_trend_as_credited_and_restated(frames, restated, t1, t2):
    """As credited: T1 O1 100 + O5 70, T2 O2 200 + O3 400 + O4 50. Restated to
    the as-of's alignment: T1 = A3's O4 + O5, T2 = A1's O1 + O2 and A2's O3."""
    for territory, expected in (("T1", t1), ("T2", t2)):
        series = quarterly_series(frames, [territory], ["2026Q1"], AS_OF, restated=restated)
        assert series["bookings"].tolist() == [expected]
        restated_kpis = kpi_table(frames, Q1, AS_OF, restated=restated).set_index("id")
        assert expected == restated_kpis.loc[territory, "bookings"]


def test_open_deals_count_for_the_accounts_territory_on_e(frames):
    """January as of 2026-01-20: O9 (A1, open 40, Proposal) is T1's, where A1 is
    on E, in the funnel as in the KPI; the latest alignment would put it in T2."""
    january = Period.parse("2026-01-01..2026-01-31")
    as_of = date(2026, 1, 20)
    deals = rankings.open_deals(frames, to_day(as_of))
    funnel = rankings.stage_funnel(deals, ["T1"], None, january)
    kpis = kpi_table(frames, january, as_of).set_index("id")
    assert funnel["amount"].sum() == kpis.loc["T1", "open_pipeline"] == 40.0
    late = rankings.overdue_deals(rankings.open_deals(frames, to_day(date(2026, 1, 31))),
                                  ["T1"], None, date(2026, 1, 31))
    assert late["opportunity_id"].tolist() == ["O9"]


def test_attainment_by_quarter_as_credited_and_restated(frames):
    credited = rankings.attainment_by_quarter(frames, ["2026Q1"], None)
    restated = rankings.attainment_by_quarter(frames, ["2026Q1"], None, restated_on=AS_OF)
    assert credited.loc["T1", "2026Q1"] == pytest.approx(0.17)   # 170 of 1000
    assert restated.loc["T1", "2026Q1"] == pytest.approx(0.12)   # 120 of 1000


@pytest.mark.parametrize(("query", "restated"), [("", False), ("?restated=1", True),
                                                 ("?restated=bogus", False)])
def test_the_switch_reads_from_and_writes_to_the_link(query, restated):
    selection = Selection.from_query(query)
    assert selection.restated is restated
    assert Selection.from_query(selection.to_query()).restated is restated
    assert ("restated=1" in selection.to_query()) is restated


@pytest.mark.parametrize(("deal", "on", "restated", "expected"), [
    # O9 (A1, open, closes 01-25) is overdue on 01-31, when A1 is still T1's:
    # the overdue list shows it under T1, so a click opens T1 (latest: T2)
    ("O9", date(2026, 1, 31), False, "T1"),
    ("O9", date(2026, 1, 31), True, "T1"),
    ("O9", AS_OF, False, "T2"),
    # O1 (A1, won 01-15): credited to T1, A1's on its close date; restated to
    # 03-31, A1's then: T2
    ("O1", AS_OF, False, "T1"),
    ("O1", AS_OF, True, "T2"),
    # O4 (A3, won 02-20): credited to T2 (A3's county); restated to 03-31, when
    # A3's override puts it in T1 (the latest alignment says T2 for both)
    ("O4", AS_OF, False, "T2"),
    ("O4", AS_OF, True, "T1"),
    # O5 (A3, won 03-10, while the override is in force): T1 either way
    ("O5", AS_OF, False, "T1"),
    ("O404", AS_OF, False, None),
])
def test_a_deal_opens_the_territory_it_counts_for(frames, deal, on, restated, expected):
    assert rankings.deal_territory(frames, deal, to_day(on), restated) == expected
