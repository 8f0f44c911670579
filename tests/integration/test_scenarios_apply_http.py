"""The apply dialog and the alignment history through the callback endpoint,
by role: a leader opens the dialog on the next quarter's first day, sees the
quota step (and a warning for a date inside a quarter), edits an amount and
confirms; the past figures stay, the new quarter's quotas are the confirmed
ones, the step is listed and rolled back. A manager sees the steps touching
their region and may neither apply nor roll back."""

from __future__ import annotations

import pytest

from dashboard.metrics.kpi_table import kpi_table
from dashboard.metrics.periods import Period
from dashboard.whatif import scenarios
from dashboard.whatif.changeset import Changes
from layouts import ids
from tests.dash_http import post_by_input, post_callback, sign_in

DIALOG = (ids.SC_APPLY_MODAL, "is_open")
STEP = (ids.SC_APPLY_QUOTAS, "rowData")
STEPS = (ids.SC_STEPS, "rowData")


def service_of(app):
    return app.server.extensions["territory_service"]


def approved_scenario(app) -> tuple[scenarios.ScenarioRecord, Changes]:
    """A West scenario: the two counties with the most accounts of one West
    territory move to another."""
    frames = service_of(app).frames()
    west = frames.territories.index[frames.territories["region"] == "West"]
    losing, gaining = sorted(west)[:2]
    accounts = frames.accounts[frames.accounts["territory_id"] == losing]
    counties = list(accounts["county_fips"].value_counts().index[:2])
    changes = Changes(county_moves=dict.fromkeys(counties, gaining))
    engine = service_of(app).engine
    record = scenarios.save_scenario(engine, name="West move", changes=changes, user="leader")
    scenarios.propose(engine, record.id, "leader", "leader")
    return scenarios.approve(engine, record.id, "leader", "leader"), changes


def open_dialog(client, app, record):
    return post_by_input(client, app, ids.SC_APPLY_MODAL, ids.SC_APPLY, {
        f"{ids.SC_APPLY}.n_clicks": 1, f"{ids.SC_APPLY_CANCEL}.n_clicks": None,
        f"{ids.SC_GRID}.selectedRows": [{"id": record.id, "name": record.name}]},
        changed=[f"{ids.SC_APPLY}.n_clicks"])


def quota_step(client, app, record, day, basis="bookings"):
    return post_callback(client, app, STEP, {
        f"{ids.SC_APPLY_TARGET}.data": {"id": record.id}, f"{ids.SC_APPLY_DATE}.date": day,
        f"{ids.SC_APPLY_BASIS}.value": basis}, changed=[f"{ids.SC_APPLY_DATE}.date"])


def confirm(client, app, record, day, rows):
    return post_by_input(client, app, ids.SC_APPLY_MODAL, ids.SC_APPLY_CONFIRM, {
        f"{ids.SC_APPLY_CONFIRM}.n_clicks": 1, f"{ids.SC_APPLY_TARGET}.data": {"id": record.id},
        f"{ids.SC_APPLY_DATE}.date": day, f"{ids.SC_APPLY_BASIS}.value": "bookings",
        f"{ids.SC_APPLY_QUOTAS}.rowData": rows, f"{ids.SC_CHANGED}.data": 0},
        changed=[f"{ids.SC_APPLY_CONFIRM}.n_clicks"])


def rollback(client, app, step, day):
    return post_by_input(client, app, ids.SC_ALERT, ids.SC_ROLLBACK, {
        f"{ids.SC_ROLLBACK}.n_clicks": 1, f"{ids.SC_STEPS}.selectedRows": [{"step": step}],
        f"{ids.SC_ROLLBACK_DATE}.date": day, f"{ids.SC_CHANGED}.data": 0},
        changed=[f"{ids.SC_ROLLBACK}.n_clicks"])


def steps(client, app):
    status, body = post_callback(client, app, STEPS, {f"{ids.SC_CHANGED}.data": 1})
    assert status == 200
    return body["response"][ids.SC_STEPS]["rowData"]


def figures(app, period):
    service = service_of(app)
    return kpi_table(service.frames(), Period.parse(period), service.as_of(), "territory",
                     None, None)


def test_a_leader_applies_with_a_date_and_an_edited_quota_and_rolls_it_back(demo_app):
    client = sign_in(demo_app.server.test_client())
    record, _changes = approved_scenario(demo_app)
    past = {p: figures(demo_app, p) for p in ("2026Q2", "2026Q3")}

    status, body = open_dialog(client, demo_app, record)
    assert status == 200
    opened = body["response"]
    assert opened[ids.SC_APPLY_MODAL]["is_open"] is True
    assert opened[ids.SC_APPLY_DATE] == {"date": "2026-10-01", "min_date_allowed": "2026-08-15"}

    status, body = quota_step(client, demo_app, record, "2026-11-15")
    warning = body["response"][ids.SC_APPLY_WARNING]
    assert warning["is_open"] is True
    assert "2026-11-15 falls inside 2026Q4: 2026Q4 keeps its quotas" in warning["children"]
    assert body["response"][ids.SC_APPLY_QUOTAS]["rowData"] == []  # no 2027 quota stored

    status, body = quota_step(client, demo_app, record, "2026-10-01")
    response = body["response"]
    assert response[ids.SC_APPLY_WARNING]["is_open"] is False
    assert "2 counties" in response[ids.SC_APPLY_SUMMARY]["children"]
    rows = response[ids.SC_APPLY_QUOTAS]["rowData"]
    assert {r["period"] for r in rows} == {"2026Q4"} and len(rows) == 2
    losing = next(r for r in rows if r["proposed"] < r["scenario"])
    assert "→" in losing["attainment_text"]
    edited = [r | {"confirmed": 123456.0} if r is losing else r for r in rows]

    status, body = confirm(client, demo_app, record, "2026-10-01", edited)
    response = body["response"]
    assert status == 200 and response[ids.SC_ALERT]["color"] == "success", response
    assert "Applied 'West move' from 2026-10-01" in response[ids.SC_ALERT]["children"]
    assert response[ids.SC_APPLY_MODAL]["is_open"] is False
    for period, before in past.items():
        assert figures(demo_app, period).equals(before), period
    q4 = figures(demo_app, "2026Q4")
    assert q4.set_index("id").loc[losing["territory_id"], "quota"] == pytest.approx(123456.0)

    (step,) = steps(client, demo_app)
    assert (step["effective_from"], step["counties"], step["user"]) == ("2026-10-01", 2,
                                                                        "leader")
    assert step["what"] == "Applied 'West move'"
    status, body = rollback(client, demo_app, step["step"], "2027-01-01")
    assert body["response"][ids.SC_ALERT]["color"] == "success", body
    listed = steps(client, demo_app)
    assert [s["what"] for s in listed] == [
        f"Rollback of step {step['step']} ('West move')",
        f"Applied 'West move' · rolled back by step {listed[0]['step']}"]
    for period, before in past.items():
        assert figures(demo_app, period).equals(before), period


def test_a_refused_confirm_stays_in_the_dialog_and_writes_nothing(demo_app):
    client = sign_in(demo_app.server.test_client())
    record, _changes = approved_scenario(demo_app)
    version = service_of(demo_app).data_version()
    status, body = confirm(client, demo_app, record, "2026-10-01", [])
    response = body["response"]
    assert response[ids.SC_APPLY_ERROR]["is_open"] is True
    assert "changed meanwhile" in response[ids.SC_APPLY_ERROR]["children"]
    status, body = quota_step(client, demo_app, record, "2026-08-01")
    assert "after the data's as-of date (2026-08-14)" in body["response"][ids.SC_APPLY_ERROR][
        "children"]
    assert service_of(demo_app).data_version() == version


def test_a_manager_may_not_apply_or_roll_back_and_sees_their_regions_steps(demo_app):
    leader = sign_in(demo_app.server.test_client())
    record, _changes = approved_scenario(demo_app)
    _status, body = quota_step(leader, demo_app, record, "2026-10-01")
    rows = body["response"][ids.SC_APPLY_QUOTAS]["rowData"]
    confirm(leader, demo_app, record, "2026-10-01", rows)
    (step,) = steps(leader, demo_app)

    west = sign_in(demo_app.server.test_client(), "manager-west")
    assert [s["step"] for s in steps(west, demo_app)] == [step["step"]]
    assert steps(sign_in(demo_app.server.test_client(), "manager-south"), demo_app) == []
    version = service_of(demo_app).data_version()
    for call in (lambda: open_dialog(west, demo_app, record),
                 lambda: quota_step(west, demo_app, record, "2026-10-01"),
                 lambda: confirm(west, demo_app, record, "2026-10-01", rows),
                 lambda: rollback(west, demo_app, step["step"], "2027-01-01")):
        status, _body = call()
        assert status == 403
    assert service_of(demo_app).data_version() == version
