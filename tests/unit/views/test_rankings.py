"""View models of the attainment and pipeline views, against hand-worked numbers.

Expected values are derived in the comments from the rows written out here.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from dashboard.i18n import translation
from dashboard.metrics.frames import build_frames
from dashboard.metrics.kpi_table import kpi_table
from dashboard.metrics.periods import Period
from dashboard.storage.schema import Dataset
from dashboard.storage.schema import frame_from_rows as _frame
from dashboard.views import rankings

NAN = float("nan")
Q1 = Period.parse("2026Q1")
AS_OF = date(2026, 2, 14)




def acct(aid, fips, segment):
    return (aid, f"Account {aid}", fips, None, None, "Retail", segment, 1000.0, None, None,
            None)


def opp(oid, aid, amount, status, stage, close):
    return (oid, aid, amount, stage, status, "2025-10-01", close)


@pytest.fixture(scope="module")
def frames():
    dataset = Dataset(
        territories=_frame("territories", [
            ("T1", "North", "East"), ("T2", "South", "East"), ("T3", "Coast", "West")]),
        reps=_frame("reps", [(r, f"Rep {r}", f"{r}@example.com", t, None, None)
                             for r, t in (("R1", "T1"), ("R2", "T2"), ("R3", None))]),
        alignment=_frame("alignment", [("00001", "T1"), ("00002", "T2"), ("00003", "T3")]),
        accounts=_frame("accounts", [
            acct("A1", "00001", "SMB"), acct("A2", "00002", "Ent"), acct("A3", "00003", "SMB")]),
        opportunities=_frame("opportunities", [
            opp("O1", "A1", 10_000, "open", "Prospecting", "2026-03-10"),  # in Q1, not late
            opp("O2", "A1", 20_000, "open", "Proposal", "2026-02-04"),  # in Q1, 10 days late
            opp("O3", "A2", 40_000, "open", "Proposal", "2026-03-20"),  # in Q1
            opp("O4", "A2", 5_000, "open", "Negotiation", "2025-12-15"),  # before Q1, 61 d late
            opp("O5", "A3", 8_000, "open", "Qualification", "2026-02-13"),  # in Q1, 1 day late
            opp("O6", "A1", 30_000, "won", "Closed Won", "2026-01-20"),
            opp("O7", "A3", 100_000, "open", "Prospecting", "2026-05-01"),  # after Q1
            opp("O8", "A2", 25_000, "won", "Closed Won", "2025-11-01"),
        ]),
        quotas=_frame("quotas", [
            ("T1", "2025Q4", 100_000), ("T1", "2026Q1", 100_000), ("T2", "2025Q4", 50_000)]),
    )
    return build_frames(dataset)


ALL_T = ("T1", "T2", "T3")


def deals(frames):
    return rankings.open_deals(frames)


def test_ranked_puts_the_best_first_missing_last_and_ties_by_id():
    table = pd.DataFrame({"id": ["b", "a", "c", "d"], "attainment": [0.5, NAN, 0.9, 0.5]})
    assert list(rankings.ranked(table, "attainment")["id"]) == ["c", "b", "d", "a"]
    assert list(rankings.ranked(table, "attainment", ascending=True)["id"]) == ["b", "d", "c", "a"]


@pytest.mark.parametrize(("typed", "expected"), [
    ("2.5", 2.5), (4, 4.0), (None, 3.0), ("abc", 3.0), (NAN, 3.0), (0, 0.5), (50, 10.0),
])
def test_healthy_line_is_clamped_and_junk_reads_as_three(typed, expected):
    assert rankings.healthy_line(typed) == expected


def test_stage_funnel_counts_open_deals_closing_in_the_period(frames):
    # Q1 open deals: O1 Prospecting 10k (×0.1 = 1k), O5 Qualification 8k (×0.2 = 1.6k),
    # O2 + O3 Proposal 60k (×0.5 = 30k); O4 closes before Q1 and O7 after it.
    funnel = rankings.stage_funnel(deals(frames), ALL_T, None, Q1)
    assert list(funnel["stage"]) == ["Prospecting", "Qualification", "Proposal", "Negotiation"]
    assert list(funnel["deals"]) == [1, 1, 2, 0]
    assert list(funnel["amount"]) == [10_000, 8_000, 60_000, 0]
    assert list(funnel["weighted"]) == pytest.approx([1_000, 1_600, 30_000, 0])


def test_stage_funnel_adds_up_to_the_kpi_tables_pipeline(frames):
    funnel = rankings.stage_funnel(deals(frames), ALL_T, None, Q1)
    company = kpi_table(frames, Q1, AS_OF, "company").iloc[0]
    assert funnel["amount"].sum() == company["open_pipeline"] == 78_000
    assert funnel["weighted"].sum() == pytest.approx(company["weighted_pipeline"])


def test_stage_funnel_follows_the_scope_and_segment(frames):
    smb = rankings.stage_funnel(deals(frames), ALL_T, "SMB", Q1)  # A1 and A3: O1, O5, O2
    assert list(smb["amount"]) == [10_000, 8_000, 20_000, 0]
    south = rankings.stage_funnel(deals(frames), ("T2",), None, Q1)  # O3 only
    assert list(south["deals"]) == [0, 0, 1, 0]
    assert rankings.stage_funnel(deals(frames), (), None, Q1)["deals"].sum() == 0


def test_overdue_deals_are_open_deals_past_their_close_date_oldest_first(frames):
    # as of 14 Feb 2026: O4 (15 Dec) is 16 + 31 + 14 = 61 days late, O2 (4 Feb) 10, O5 (13 Feb) 1
    late = rankings.overdue_deals(deals(frames), ALL_T, None, AS_OF)
    assert list(late["opportunity_id"]) == ["O4", "O2", "O5"]
    assert list(late["days_overdue"]) == [61, 10, 1]
    first = late.iloc[0]
    assert (first["account_name"], first["territory_name"], first["stage"], first["amount"],
            first["close_date"]) == ("Account A2", "South", "Negotiation", 5_000, "2025-12-15")


def test_aging_counts_and_sums_per_territory_with_zeros(frames):
    late = rankings.overdue_deals(deals(frames), ("T1", "T2"), None, AS_OF)  # O4 (T2) and O2 (T1)
    aging = rankings.aging_by_territory(late, ALL_T)
    assert list(aging["id"]) == ["T1", "T2", "T3"]
    assert list(aging["overdue_count"]) == [1, 1, 0]
    assert list(aging["overdue_amount"]) == [20_000, 5_000, 0]


def test_the_overdue_summary_keeps_the_oldest_and_counts_every_late_deal(frames):
    # the same three late deals as above; only the two oldest become rows
    summary = rankings.overdue_summary(deals(frames), ALL_T, None, AS_OF, oldest=2)
    assert list(summary["oldest"]["opportunity_id"]) == ["O4", "O2"]
    assert list(summary["oldest"]["days_overdue"]) == [61, 10]
    assert summary["count"] == 3
    assert summary["amount"] == 5_000 + 20_000 + 8_000
    assert list(summary["by_territory"]["overdue_count"]) == [1, 1, 1]  # O2 T1, O4 T2, O5 T3


def test_nothing_is_overdue_on_the_first_day(frames):
    assert rankings.overdue_deals(deals(frames), ALL_T, None, date(2025, 12, 15)).empty


def test_closed_quarters_end_before_the_as_of_quarter():
    assert rankings.closed_quarters(AS_OF, 3) == ["2025Q2", "2025Q3", "2025Q4"]
    assert rankings.closed_quarters(date(2026, 1, 1), 1) == ["2025Q4"]


def test_attainment_by_quarter(frames):
    # 2025Q4: T1 books 0 of 100k -> 0%; T2 books O8 25k of 50k -> 50%; T3 has no quota.
    # 2026Q1: T1 books O6 30k of 100k -> 30%; T2 has no quota that quarter.
    heat = rankings.attainment_by_quarter(frames, ["2025Q4", "2026Q1"], None)
    assert list(heat.index) == ["T1", "T2", "T3"]
    assert list(heat["name"]) == ["North", "South", "Coast"]
    assert heat.loc["T1", "2025Q4"] == 0.0 and heat.loc["T2", "2025Q4"] == 0.5
    assert math.isnan(heat.loc["T3", "2025Q4"])
    assert heat.loc["T1", "2026Q1"] == 0.3 and math.isnan(heat.loc["T2", "2026Q1"])


def test_with_territory_maps_reps_to_their_territory(frames):
    reps = rankings.with_territory(frames, kpi_table(frames, Q1, AS_OF, "rep"), "rep")
    assert list(reps["territory_id"]) == ["T1", "T2", None]
    assert list(reps["territory_name"]) == ["North", "South", None]
    regions = rankings.with_territory(frames, kpi_table(frames, Q1, AS_OF, "region"), "region")
    assert list(regions["territory_id"]) == [None, None]


@pytest.mark.parametrize(("level", "entity", "expected"), [
    ("territory", "T1", "T1"), ("rep", "R2", "T2"), ("rep", "R3", None),
    ("region", "East", None), ("territory", "T9", None), ("territory", None, None),
    ("rep", "R404", None),
])
def test_drill_target(frames, level, entity, expected):
    assert rankings.drill_target(frames, level, entity) == expected


def test_grid_records_send_missing_values_as_null():
    table = pd.DataFrame({"id": ["a", "b"], "x": [0.5, NAN], "n": [1, 2], "t": ["x", None]})
    assert rankings.grid_records(table, ["id", "x", "n", "t"]) == [
        {"id": "a", "x": 0.5, "n": 1, "t": "x"}, {"id": "b", "x": None, "n": 2, "t": None}]


@pytest.mark.parametrize(("deal", "expected"), [("O4", "T2"), ("O1", "T1"), ("O404", None),
                                                (None, None)])
def test_deal_territory(frames, deal, expected):
    assert rankings.deal_territory(frames, deal) == expected


def test_the_products_stages_read_in_french_and_data_stages_pass_through():
    assert rankings.stage_label("Negotiation") == "Negotiation"
    with translation.use("fr"):
        assert [rankings.stage_label(s) for s in ("Prospecting", "Proposal", "Negotiation")] \
            == ["Prospection", "Proposition", "Négociation"]
        assert rankings.stage_label("Legal review") == "Legal review"
