"""The apply dialog's core: the effective date's rules and the quota step,
on three accounts worked out by hand.

T1 holds counties 00001 (A1: T12 bookings 300, potential 1,000) and 00002
(A2: 100, 3,000); T2 holds 00003 (A3: 200, 1,000). The scenario moves 00002
to T2 and raises T2's quota by 10%. 2026Q4's quotas: T1 500, T2 300.

By T12 bookings T1 hands over 100 / 400 = 25% of its accounts' weight:
scenario quotas T1 500, T2 330; proposed T1 = 500 × 0.75 = 375,
T2 = 330 + 500 × 0.25 = 455 (total 830, the scenario's). By potential T1
hands over 3,000 / 4,000 = 75%: T1 125, T2 330 + 375 = 705. Run-rate
attainment, a quarter of T12 bookings ÷ quota: T1 100 / 500 = 20% before,
75 / 375 = 20% after (its quota followed its accounts); T2 50 / 300 before,
75 / 455 after."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.metrics.frames import build_frames
from dashboard.storage.schema import Dataset
from dashboard.storage.schema import frame_from_rows as _frame
from dashboard.whatif import apply_plan
from dashboard.whatif.changeset import Changes

AS_OF = date(2026, 8, 14)
CHANGES = Changes(county_moves={"00002": "T2"}, quota_changes={"T2": 0.1})


def acct(aid, fips, potential):
    return (aid, f"Account {aid}", fips, None, None, "Retail", "SMB", potential, None, None,
            None)


def won(oid, aid, amount, close, status="won"):
    return (oid, aid, amount, "Closed Won", status, "2025-01-01", close)


def frames():
    return build_frames(Dataset(
        territories=_frame("territories", [("T1", "North", "West"), ("T2", "South", "West"),
                                           ("T3", "East", "East")]),
        reps=_frame("reps", []),
        alignment=_frame("alignment", [("00001", "T1"), ("00002", "T1"), ("00003", "T2")]),
        accounts=_frame("accounts", [acct("A1", "00001", 1000.0), acct("A2", "00002", 3000.0),
                                     acct("A3", "00003", 1000.0)]),
        opportunities=_frame("opportunities", [
            won("O1", "A1", 300.0, "2026-05-01"), won("O2", "A2", 100.0, "2026-03-01"),
            won("O3", "A3", 200.0, "2025-12-01"),
            won("O4", "A1", 999.0, "2025-06-01"),  # before the T12 window
            won("O5", "A2", 500.0, "2026-04-01", status="lost")]),
        quotas=_frame("quotas", [("T1", "2026Q3", 400.0), ("T2", "2026Q3", 200.0),
                                 ("T1", "2026Q4", 500.0), ("T2", "2026Q4", 300.0),
                                 ("T3", "2026Q4", 900.0)]),
    ))


def figures(lines):
    return {(line.territory_id, line.period): (line.current, line.scenario, line.proposed)
            for line in lines}


@pytest.mark.parametrize(("as_of", "expected"), [
    (date(2026, 8, 14), date(2026, 10, 1)), (date(2026, 12, 31), date(2027, 1, 1)),
    (date(2026, 1, 1), date(2026, 4, 1))])
def test_the_default_effective_date_is_the_next_quarters_first_day(as_of, expected):
    assert apply_plan.default_effective_date(as_of) == expected


@pytest.mark.parametrize(("effective", "split", "first"), [
    (date(2026, 10, 1), None, "2026Q4"), (date(2026, 11, 15), "2026Q4", "2027Q1"),
    (date(2026, 12, 31), "2026Q4", "2027Q1"), (date(2026, 8, 15), "2026Q3", "2026Q4")])
def test_a_date_inside_a_quarter_splits_it_and_the_quotas_start_at_the_next(effective, split,
                                                                            first):
    assert apply_plan.split_quarter(effective) == split
    assert apply_plan.first_planned_quarter(effective) == first
    warning = apply_plan.date_warning(effective)
    if split is None:
        assert warning is None
    else:
        assert f"{effective.isoformat()} falls inside {split}" in warning
        assert f"{split} keeps its quotas" in warning and f"apply from {first}" in warning


def test_an_effective_date_on_or_before_the_as_of_date_is_refused():
    with pytest.raises(apply_plan.PlanError, match="after the data's as-of date"):
        apply_plan.check_effective_date(AS_OF, AS_OF)
    apply_plan.check_effective_date(date(2026, 8, 15), AS_OF)


def test_t12_bookings_per_account_by_hand():
    assert list(apply_plan.t12_bookings_by_account(frames(), AS_OF)) == [300.0, 100.0, 200.0]


def test_the_quota_moves_with_the_accounts_by_their_t12_bookings():
    lines = apply_plan.quota_lines(frames(), CHANGES, date(2026, 10, 1), AS_OF)
    # T3 is not touched; 2026Q3 starts before the date
    assert figures(lines) == {("T1", "2026Q4"): (500.0, 500.0, 375.0),
                              ("T2", "2026Q4"): (300.0, pytest.approx(330.0),
                                                 pytest.approx(455.0))}
    rows = {row["territory_id"]: row for row in apply_plan.plan_rows(lines)}
    assert rows["T1"]["attainment_before"] == pytest.approx(0.2)
    assert rows["T1"]["attainment_after"] == pytest.approx(0.2)
    assert rows["T2"]["attainment_before"] == pytest.approx(50 / 300)
    assert rows["T2"]["attainment_after"] == pytest.approx(75 / 455)
    assert rows["T1"]["territory_name"] == "North" and rows["T2"]["confirmed"] == \
        pytest.approx(455.0)


def test_the_quota_moves_by_potential_when_the_leader_picks_it():
    lines = apply_plan.quota_lines(frames(), CHANGES, date(2026, 10, 1), AS_OF,
                                   apply_plan.BY_POTENTIAL)
    assert figures(lines) == {("T1", "2026Q4"): (500.0, 500.0, 125.0),
                              ("T2", "2026Q4"): (300.0, pytest.approx(330.0),
                                                 pytest.approx(705.0))}


def test_the_total_is_the_scenarios_and_a_mid_quarter_date_plans_from_the_next_quarter():
    lines = apply_plan.quota_lines(frames(), CHANGES, date(2026, 8, 20), AS_OF)
    assert {line.period for line in lines} == {"2026Q4"}
    assert sum(line.proposed for line in lines) == pytest.approx(
        sum(line.scenario for line in lines))
    # no quota is stored for 2027Q1 or later: nothing to plan
    assert apply_plan.quota_lines(frames(), CHANGES, date(2026, 11, 15), AS_OF) == []


def test_an_edited_amount_moves_the_after_attainment_and_becomes_the_plan():
    lines = apply_plan.quota_lines(frames(), CHANGES, date(2026, 10, 1), AS_OF)
    rows = apply_plan.plan_rows(lines)
    rows[0] = rows[0] | {"confirmed": "300"}
    edited = apply_plan.rows_with_confirmed(rows)
    assert edited[0]["attainment_after"] == pytest.approx(75 / 300)
    assert apply_plan.confirmed_plan(edited, lines) == {
        ("T1", "2026Q4"): 300.0, ("T2", "2026Q4"): pytest.approx(455.0)}


@pytest.mark.parametrize("bad", [
    {"confirmed": -1}, {"confirmed": "abc"}, {"confirmed": None}, {"territory_id": "T3"},
    {"period": "2026Q3"}])
def test_a_bad_or_foreign_row_in_the_confirmed_plan_is_refused(bad):
    lines = apply_plan.quota_lines(frames(), CHANGES, date(2026, 10, 1), AS_OF)
    rows = apply_plan.plan_rows(lines)
    rows[0] = rows[0] | bad
    with pytest.raises(apply_plan.PlanError):
        apply_plan.confirmed_plan(rows, lines)
    with pytest.raises(apply_plan.PlanError, match="changed meanwhile"):
        apply_plan.confirmed_plan(rows[1:], lines)
