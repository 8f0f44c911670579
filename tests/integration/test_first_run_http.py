"""The first-run checklist over HTTP (callbacks/first_run.py): only a leader
may take its steps; a step with a problem writes nothing and says why; the
steps land territories by region, reps with sign-ins and quotas split from a
company target; the map page shows the checklist until the plan is whole."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.access import users
from dashboard.ingest import mapped_import
from dashboard.storage import store
from dashboard.storage.schema import Dataset
from layouts import ids
from tests.browser.test_first_run_browser import two_years_of_orders
from tests.dash_http import post_by_input, post_callback, sign_in
from tests.integration.test_import_mapping_http import Step, drop, find

PASSWORD = "a-long-password-1"


@pytest.fixture
def started(empty_settings):
    """An app whose data is one orders file (8 accounts in WA, CO, TX, MA), a
    leader and a manager."""
    from app import create_app

    app = create_app(empty_settings)
    engine = app.server.extensions["territory_service"].engine
    users.add_user(engine, "boss", PASSWORD, "leader")
    users.add_user(engine, "manager-west", PASSWORD, "manager", "West")
    outcome = mapped_import.run(engine, [("orders.csv", two_years_of_orders().encode())])
    assert outcome.ok, [str(p) for p in outcome.problems]
    return app, engine


def _territories(client, app, start: str):
    return post_callback(client, app, (ids.FIRST_RUN, "children"), {
        f"{ids.FIRST_RUN_TERRITORIES_SAVE}.n_clicks": 1, f"{ids.FIRST_RUN_START}.value": start})


def _map_page(client, app) -> str:
    status, body = post_callback(client, app, (ids.PAGE, "children"),
                                 {f"{ids.URL}.pathname": "/", f"{ids.URL}.search": ""})
    assert status == 200, body
    return str(body["response"])


def test_only_a_leader_takes_the_steps(started):
    app, engine = started
    manager = sign_in(app.server.test_client(), "manager-west", PASSWORD)
    status, _body = _territories(manager, app, "region")
    assert status == 403
    assert store.read_dataset(engine).territories.empty


def test_the_steps_land_a_plan_and_the_map_shows_the_checklist_until_then(started):
    app, engine = started
    leader = sign_in(app.server.test_client(), "boss", PASSWORD)
    before = _map_page(leader, app)
    # the checklist, and the company as a whole with its accounts on a map
    assert "Design territories" in before and ids.FIRST_RUN_MAP in before
    assert "$29.8K" in before  # 2025: the sum over customers c = 1..8 of 800 c + 124
    status, body = _territories(leader, app, "region")
    assert status == 200, body
    territories = store.read_dataset(engine).territories
    # WA and CO are West, TX South, MA Northeast
    assert sorted(territories["territory_id"]) == ["NORTHEAST", "SOUTH", "WEST"]
    assert "Assign reps" in str(body) and ids.FIRST_RUN_REPS in str(body)

    # a rep named without an e-mail: refused, nothing written, no sign-in made
    rows = [{"rep_id": "R-WEST", "territory_id": "WEST", "rep_name": "Avery", "email": ""}]
    status, body = post_by_input(leader, app, ids.FIRST_RUN, ids.FIRST_RUN_REPS_SAVE, {
        f"{ids.FIRST_RUN_REPS_SAVE}.n_clicks": 1, f"{ids.FIRST_RUN_REPS}.rowData": rows})
    assert status == 200 and "email is missing" in str(body)
    assert store.read_dataset(engine).reps.empty
    assert "r-west" not in {u.username for u in users.list_users(engine)}

    rows[0]["email"] = "avery@example.com"
    status, body = post_by_input(leader, app, ids.FIRST_RUN, ids.FIRST_RUN_REPS_SAVE, {
        f"{ids.FIRST_RUN_REPS_SAVE}.n_clicks": 1, f"{ids.FIRST_RUN_REPS}.rowData": rows})
    assert status == 200 and "One-time password" in str(body)
    reps = store.read_dataset(engine).reps
    assert reps[["rep_id", "territory_id"]].values.tolist() == [["R-WEST", "WEST"]]

    # a company target of 10,000.01 for 2025, by potential alone: shares of the
    # estimated potential (each account's best year = its 2025 bookings)
    status, body = post_callback(leader, app, (ids.FIRST_RUN_QUOTAS, "rowData"), {
        f"{ids.FIRST_RUN_QUOTA_METHOD}.value": "target", f"{ids.FIRST_RUN_YEAR}.value": 2025,
        f"{ids.FIRST_RUN_GROWTH}.value": 10, f"{ids.FIRST_RUN_TARGET}.value": 10000.01,
        f"{ids.FIRST_RUN_WEIGHT}.value": 100}, changed=[f"{ids.FIRST_RUN_QUOTA_METHOD}.value"])
    assert status == 200, body
    grid = body["response"][ids.FIRST_RUN_QUOTAS]["rowData"]
    quarters = ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    assert round(sum(row[q] for row in grid for q in quarters), 2) == 10000.01
    status, body = post_by_input(leader, app, ids.FIRST_RUN, ids.FIRST_RUN_QUOTAS_SAVE, {
        f"{ids.FIRST_RUN_QUOTAS_SAVE}.n_clicks": 1, f"{ids.FIRST_RUN_QUOTAS}.rowData": grid,
        f"{ids.FIRST_RUN_YEAR}.value": 2025})
    assert status == 200 and "Your plan is ready" in str(body)
    quotas = store.read_dataset(engine).quotas
    assert len(quotas) == 12 and round(quotas["amount"].sum(), 2) == 10000.01
    west = quotas[quotas["territory_id"] == "WEST"]["amount"].sum()
    # West = WA (customers 1, 5) + CO (2, 6): 2025 bookings over all eight customers
    per_customer = {c: sum(2 * (100 * c + 10 * q) + 1 for q in range(4)) for c in range(1, 9)}
    expected = 10000.01 * sum(per_customer[c] for c in (1, 5, 2, 6)) / sum(per_customer.values())
    assert west == pytest.approx(expected, abs=0.05)
    assert store.dataset_as_of(engine) == date(2025, 12, 18)  # the last order
    page = _map_page(leader, app)
    assert ids.FIRST_RUN not in page and ids.OVERVIEW_RANKING in page


def test_the_as_of_date_is_shown_at_import_and_the_one_picked_is_stored(empty_settings):
    from app import create_app

    app = create_app(empty_settings)
    engine = app.server.extensions["territory_service"].engine
    users.add_user(engine, "boss", PASSWORD, "leader")
    leader = sign_in(app.server.test_client(), "boss", PASSWORD)
    step = Step(drop(leader, app, {"orders.csv": two_years_of_orders()}))
    assert find(step.tree, ids.IMPORT_MAP_AS_OF)["date"] == "2025-12-18"  # the last order
    report = step.confirm(leader, app, **{f"{ids.IMPORT_MAP_AS_OF}.date": "2025-09-30"})
    assert "Imported" in report, report
    assert "Set up your plan" in report  # accounts and deals only: the first-run path next
    assert store.dataset_as_of(engine) == date(2025, 9, 30)


def _mixed_plan_without_quotas():
    """Los Angeles (06037) is T1's by its county row, but its ZIP 90012 is T2's
    (a ZIP row, issue 19, listed after the county's). A1 lies in 90012, A2 in
    90013 (no ZIP row: its county's). No quotas yet: the first run's step 3."""
    from tests.integration.test_store import dates, obj

    nan = float("nan")
    return Dataset(
        territories=pd.DataFrame({"territory_id": obj("T1", "T2"),
                                  "territory_name": obj("North", "South"),
                                  "region": obj("West", "West")}),
        reps=pd.DataFrame({"rep_id": obj("R1", "R2"), "rep_name": obj("Ann Lee", "Bo Diaz"),
                           "email": obj("ann@example.com", "bo@example.com"),
                           "territory_id": obj("T1", "T2"), "home_lat": [nan, nan],
                           "home_lon": [nan, nan]}),
        alignment=pd.DataFrame({"county_fips": obj("06037", "06037"),
                                "territory_id": obj("T1", "T2"),
                                "effective_from": dates(None, None),
                                "zip": obj(None, "90012")}),
        accounts=pd.DataFrame({
            "account_id": obj("A1", "A2"), "account_name": obj("Acme", "Globex"),
            "county_fips": obj("06037", "06037"), "lat": [nan, nan], "lon": [nan, nan],
            "industry": obj(None, None), "segment": obj(None, None),
            "annual_potential": [100.0, 300.0], "customer_since": dates(None, None),
            "churned_on": dates(None, None), "territory_override": obj(None, None),
            "zip": obj("90012", "90013"), "potential_estimated": [False, False]}),
        opportunities=pd.DataFrame({
            "opportunity_id": obj("O1", "O2"), "account_id": obj("A1", "A2"),
            "amount": [100.0, 200.0], "stage": obj("Closed Won", "Closed Won"),
            "status": obj("won", "won"), "created_on": dates("2025-01-02", "2025-04-01"),
            "close_on": dates("2025-02-10", "2025-05-05")}),
    )


@pytest.mark.parametrize(("method", "expected"), [
    # last year's quarter × 1.1: A1's 100 of 2025Q1 is T2's, A2's 200 of 2025Q2 T1's
    ("history", {"T1": [0.0, 220.0, 0.0, 0.0], "T2": [110.0, 0.0, 0.0, 0.0]}),
    # 1,000 by half potential, half history: T1 0.5 × 300/400 + 0.5 × 200/300
    # = 0.708333 of each quarter's 250 = 177.08; T2 the remainder, 72.92
    ("target", {"T1": [177.08] * 4, "T2": [72.92] * 4}),
])
def test_suggested_quotas_place_accounts_by_their_zip_row_on_a_mixed_alignment(
        empty_settings, method, expected):
    """Issue 19: a ZIP row is not a second row of its county. The suggestions
    read the ZIP row as the county's last row, so all of Los Angeles (and both
    accounts' bookings and potential) went to T2."""
    from app import create_app

    app = create_app(empty_settings)
    engine = app.server.extensions["territory_service"].engine
    store.replace_dataset(engine, _mixed_plan_without_quotas(), action="test",
                          as_of=date(2025, 12, 31))
    users.add_user(engine, "boss", PASSWORD, "leader")
    leader = sign_in(app.server.test_client(), "boss", PASSWORD)
    status, body = post_callback(leader, app, (ids.FIRST_RUN_QUOTAS, "rowData"), {
        f"{ids.FIRST_RUN_QUOTA_METHOD}.value": method, f"{ids.FIRST_RUN_YEAR}.value": 2026,
        f"{ids.FIRST_RUN_GROWTH}.value": 10, f"{ids.FIRST_RUN_TARGET}.value": 1000,
        f"{ids.FIRST_RUN_WEIGHT}.value": 50}, changed=[f"{ids.FIRST_RUN_QUOTA_METHOD}.value"])
    assert status == 200, body
    grid = body["response"][ids.FIRST_RUN_QUOTAS]["rowData"]
    quarters = ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    assert {row["territory_id"]: [row[q] for q in quarters] for row in grid} == expected
