"""The first-run path's rules (dashboard/ingest/first_run.py), worked out by
hand: starter territories by state and region, alignment rows naming a whole
state or region, suggested quotas from history and from a company target,
the as-of date from the last activity, customer_since from the first win."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.ingest import areas, first_run, mapping
from dashboard.storage.schema import frame_from_rows

RHODE_ISLAND = ["44001", "44003", "44005", "44007", "44009"]


def test_one_territory_per_state_holding_an_account_with_all_its_counties():
    accounts = pd.DataFrame({"county_fips": ["53033", "08031", "48453", "53033"]})
    territories, alignment, unaligned = first_run.starter_territories(accounts, "state")
    assert territories.to_dict("list") == {
        "territory_id": ["CO", "TX", "WA"], "territory_name": ["Colorado", "Texas", "Washington"],
        "region": ["West", "South", "West"]}
    counts = alignment.groupby("territory_id").size().to_dict()
    assert counts == {"CO": 64, "TX": 254, "WA": 39}  # every county of the three states
    assert len(unaligned) == 48 and "Alabama" in unaligned and "Texas" not in unaligned


def test_one_territory_per_census_region():
    accounts = pd.DataFrame({"county_fips": ["53033", "08031"]})  # both in the West
    territories, alignment, unaligned = first_run.starter_territories(accounts, "region")
    assert territories.to_dict("list") == {"territory_id": ["WEST"], "territory_name": ["West"],
                                           "region": ["West"]}
    assert len(alignment) == 448 and set(alignment["territory_id"]) == {"WEST"}
    assert "Texas" in unaligned and "Oregon" not in unaligned


def test_an_alignment_row_may_name_a_whole_state_and_a_county_row_wins_over_it():
    rows = pd.DataFrame({"county_fips": ["state:ri", "44001", "region:Nowhere"],
                         "territory_id": ["T1", "T2", "T3"], "_file": "a.csv",
                         "_row": [2, 3, 4]})
    expanded, unknown = areas.expand_alignment(rows)
    assert dict(zip(expanded["county_fips"], expanded["territory_id"], strict=True)) == {
        "44001": "T2", "44003": "T1", "44005": "T1", "44007": "T1", "44009": "T1"}
    assert unknown == [(2, "region:Nowhere")]
    # each county row keeps the source row it came from
    assert set(expanded.loc[expanded["territory_id"] == "T1", "_row"]) == {2}


def test_counties_left_unaligned_are_counted_by_state():
    left = areas.unaligned_counties(pd.DataFrame({"county_fips": RHODE_ISLAND[:3]}))
    assert left["Rhode Island"] == 2 and left["Texas"] == 254


def _plan():
    """Two territories: A (county 44001) and B (44003); a1 in A, a2 in B."""
    territories = frame_from_rows("territories", [("A", "Alpha", "Northeast"),
                                                  ("B", "Beta", "Northeast")])
    territory_of = pd.Series({"a1": "A", "a2": "B"})  # the frames' placement
    accounts = frame_from_rows("accounts", [
        ("a1", "One", "44001", None, None, None, None, 300.0),
        ("a2", "Two", "44003", None, None, None, None, 100.0)])
    deals = frame_from_rows("opportunities", [
        ("o1", "a1", 100.0, "Closed Won", "won", "2024-01-02", "2024-02-10"),
        ("o2", "a1", 50.0, "Closed Won", "won", "2024-01-02", "2024-03-01"),
        ("o3", "a2", 200.0, "Closed Won", "won", "2024-04-01", "2024-05-05"),
        ("o4", "a1", 999.0, "Closed Lost", "lost", "2024-01-02", "2024-02-01"),
        ("o5", "a1", 70.0, "Closed Won", "won", "2025-01-01", "2025-01-01")])
    return territories, accounts, deals, territory_of


def test_quotas_from_history_are_last_years_quarter_times_growth():
    table = first_run.suggest_quotas(*_plan(), year=2025, method="history", growth=0.1)
    # A: 2024Q1 won 100 + 50 = 150 (the lost 999 and 2025's 70 do not count) × 1.1
    assert table.loc["A"].tolist() == [165.0, 0.0, 0.0, 0.0]
    assert table.loc["B"].tolist() == [0.0, 220.0, 0.0, 0.0]  # 200 × 1.1


def test_a_company_target_is_split_by_a_blend_of_potential_and_history():
    table = first_run.suggest_quotas(*_plan(), year=2025, method="target", target=1000.0,
                                     potential_weight=0.5)
    # A's share: 0.5 × 300/400 + 0.5 × 150/350 = 0.589286; each quarter 250
    assert table.loc["A"].tolist() == [147.32] * 4
    assert table.loc["B"].tolist() == [102.68] * 4  # the remainder: 250 - 147.32
    assert table.to_numpy().sum() == pytest.approx(1000.0)


def test_without_history_the_target_follows_potential_alone():
    table = first_run.suggest_quotas(*_plan(), year=2024, method="target", target=1000.0,
                                     potential_weight=0.5)
    assert table.loc["A"].tolist() == [187.5] * 4 and table.loc["B"].tolist() == [62.5] * 4


def test_a_target_in_cents_is_kept_to_the_cent():
    table = first_run.suggest_quotas(*_plan(), year=2024, method="target", target=1000.01,
                                     potential_weight=1.0)
    assert round(float(table.to_numpy().sum()), 2) == 1000.01


def test_the_grids_become_tables_leaving_blank_rows_out():
    reps = first_run.reps_table([
        {"rep_id": "R-A", "territory_id": "A", "rep_name": " Ann ", "email": "ann@x.com"},
        {"rep_id": "R-B", "territory_id": "B", "rep_name": "", "email": ""}])
    assert reps.to_dict("records") == [{"rep_id": "R-A", "rep_name": "Ann",
                                        "email": "ann@x.com", "territory_id": "A"}]
    quotas = first_run.quotas_table([{"territory_id": "A", "2025Q1": 10.5, "2025Q2": ""}],
                                    ["2025Q1", "2025Q2"])
    assert quotas.to_dict("records") == [{"territory_id": "A", "period": "2025Q1",
                                          "amount": "10.5"}]


def test_the_as_of_date_is_the_last_activity_not_an_open_deals_forecast():
    deals = pd.DataFrame({"created_on": ["2025-01-05", "2025-02-01"],
                          "close_on": ["2025-03-01", "2025-12-31"], "status": ["won", "open"]})
    assert first_run.last_activity(deals) == date(2025, 3, 1)
    later = pd.concat([deals, pd.DataFrame({"created_on": ["2025-04-01"],
                                            "close_on": ["2025-09-30"], "status": ["open"]})])
    assert first_run.last_activity(later) == date(2025, 4, 1)


@pytest.mark.parametrize(("counts", "step", "needed"), [
    ((10, 0, 0, 0), "territories", True), ((10, 4, 0, 0), "reps", True),
    ((10, 4, 4, 0), "quotas", True), ((10, 4, 4, 16), None, False), ((0, 0, 0, 0), "territories",
                                                                     False)])
def test_the_checklist_goes_territories_reps_quotas(counts, step, needed):
    state = first_run.checklist(*counts)
    assert (state.next_step, state.needed) == (step, needed)


def test_an_orders_file_gives_customer_since_from_the_first_won_order():
    orders = pd.DataFrame({
        "Order ID": ["O1", "O2", "O3"], "Order Date": ["2025-03-04", "2025-01-20", "2025-02-02"],
        "Customer ID": ["C1", "C1", "C2"], "Customer Name": ["One", "One", "Two"],
        "county_fips": ["53033", "53033", "08031"], "Sales": ["10", "20", "30"]})
    frames = {"orders.csv": orders}
    built = mapping.build(frames, mapping.propose(frames))
    since = built.tables["accounts"].set_index("account_id")["customer_since"].to_dict()
    assert since == {"C1": "2025-01-20", "C2": "2025-02-02"}
    assert any("customer_since" in p.reason for p in built.problems)


def test_the_company_before_territories_counts_the_12_months_to_the_as_of_date():
    _territories, accounts, deals, _alignment = _plan()
    summary = first_run.company_summary(accounts, deals, date(2025, 2, 10))
    # after 2024-02-10 up to 2025-02-10: o2 50, o3 200, o5 70 (o1 closed on 2024-02-10 itself)
    assert summary == {"accounts": 2, "customers": 2, "bookings": 320.0, "won_deals": 3,
                       "prior_bookings": 100.0, "open_pipeline": 0.0}


def test_a_zip_row_beside_a_state_row_keeps_both():
    """A ZIP row (issue 19) aligns part of a county: the state's row for that
    county is not a duplicate of it and stays."""
    rows = pd.DataFrame({"county_fips": ["state:ri", "44001"], "territory_id": ["T1", "T2"],
                         "ZIP": ["", "02806"]})
    expanded, unknown = areas.expand_alignment(rows)
    assert unknown == []
    assert sorted(zip(expanded["county_fips"], expanded["ZIP"], expanded["territory_id"],
                      strict=True))[:2] == [("44001", "", "T1"), ("44001", "02806", "T2")]
    assert len(expanded) == 6
