"""The "restate to today's alignment" switch through the callbacks a browser
posts (issue 17 item 1), on data with alignment history: the small demo with
every 5th county moved on 2026-02-01 and dated overrides
(tests/unit/metrics/test_alignment_history.py). The map's strip says which
reading it shows, its ranking holds the core's figures of that reading, a
manager's are the leader's for their territories, and the switch lives in
the URL like the rest of the selection."""

from __future__ import annotations

import json
from datetime import date

import pytest

from dashboard.metrics.kpi_table import kpi_table
from dashboard.metrics.periods import Period
from layouts import ids
from tests.dash_http import post_callback, sign_in

AS_OF = date(2026, 8, 14)
PERIOD = "2025"  # 5 of the 8 territories read another attainment restated


@pytest.fixture(scope="module")
def history_app(tmp_path_factory):
    from app import create_app
    from dashboard.access import users
    from dashboard.runtime.config import Settings
    from dashboard.runtime.service import DataService
    from dashboard.storage import store
    from tests.unit.metrics.test_alignment_history import demo_with_history

    folder = tmp_path_factory.mktemp("history-app")
    settings = Settings(instance_path=str(folder), demo=False, tile_url="",
                        secret_key="test-secret")
    service = DataService(settings)
    service.migrate()
    store.replace_dataset(service.engine, demo_with_history(), action="test", as_of=AS_OF)
    frames = service.frames()
    users.ensure_demo_users(service.engine, frames.territories, frames.reps)
    service.engine.dispose()
    return create_app(settings)


def values(restated) -> dict:
    return {f"{ids.PERIOD}.value": PERIOD, f"{ids.REGION}.value": "all",
            f"{ids.SEGMENT}.value": "all", f"{ids.RESTATED}.value": restated,
            f"{ids.MAP_KPI_PICKER}.value": "attainment", f"{ids.URL}.search": ""}


def map_answer(app, username: str, restated) -> dict:
    client = sign_in(app.server.test_client(), username)
    status, body = post_callback(client, app, (ids.KPI_STRIP, "children"), values(restated))
    assert status == 200
    return body["response"]


def core(app, restated: bool, territory_ids=None):
    frames = app.server.extensions["territory_service"].frames()
    return kpi_table(frames, Period.parse(PERIOD), AS_OF, territory_ids=territory_ids,
                     restated=restated).set_index("id")


def shown(series) -> dict:
    """A KPI column as the ranking sends it: a missing figure is null."""
    return {key: None if value != value else value for key, value in series.items()}


@pytest.mark.parametrize(("restated", "says"), [
    (False, "As credited: each deal counts for the territory its account had on the close date."),
    (True, "Restated to today's alignment"),
])
def test_the_map_shows_the_reading_asked_for_and_says_which(history_app, restated, says):
    response = map_answer(history_app, "leader", restated)
    strip = json.dumps(response[ids.KPI_STRIP]["children"], ensure_ascii=False)
    assert says in strip
    ranking = {row["id"]: row["value"] for row in response[ids.OVERVIEW_RANKING]["rowData"]}
    expected = core(history_app, restated)["attainment"]
    assert ranking == pytest.approx(shown(expected))


def test_the_two_readings_differ_on_data_with_history(history_app):
    credited = {r["id"]: r["value"] for r in
                map_answer(history_app, "leader", False)[ids.OVERVIEW_RANKING]["rowData"]}
    restated = {r["id"]: r["value"] for r in
                map_answer(history_app, "leader", True)[ids.OVERVIEW_RANKING]["rowData"]}
    assert credited != restated


@pytest.mark.parametrize("restated", [False, True])
def test_a_managers_map_holds_the_leaders_figures_for_their_territories(history_app, restated):
    """manager-west's ranking (the cut frames) is the leader's core figures of
    the West territories, in either reading."""
    frames = history_app.server.extensions["territory_service"].frames()
    west = list(frames.territories.index[frames.territories["region"] == "West"])
    response = map_answer(history_app, "manager-west", restated)
    ranking = {row["id"]: row["value"] for row in response[ids.OVERVIEW_RANKING]["rowData"]}
    expected = core(history_app, restated, west)["attainment"].loc[west]
    assert ranking == pytest.approx(shown(expected))


def test_the_switch_is_written_to_the_url_and_read_back_from_a_link(history_app):
    client = sign_in(history_app.server.test_client())
    controls = {f"{ids.PERIOD}.value": "qtd", f"{ids.REGION}.value": "all",
                f"{ids.SEGMENT}.value": "all", f"{ids.URL}.search": "?segment=all"}
    status, body = post_callback(client, history_app, (ids.URL, "search"),
                                 controls | {f"{ids.RESTATED}.value": True},
                                 changed=[f"{ids.RESTATED}.value"])
    assert status == 200
    assert body["response"][ids.URL]["search"] == "?restated=1"
    # a link with the switch on sets it on
    status, body = post_callback(client, history_app, (ids.URL, "search"),
                                 controls | {f"{ids.URL}.search": "?period=2025&restated=1",
                                             f"{ids.RESTATED}.value": False},
                                 changed=[f"{ids.URL}.search"])
    assert status == 200
    assert body["response"][ids.RESTATED]["value"] is True
