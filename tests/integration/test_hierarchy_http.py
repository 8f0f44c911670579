"""Districts in the web app (issue 19 item 5), through the callback endpoint:
the map and attainment views narrowed to a district by the region filter, the
attainment ranking by district, and a district manager's own views."""

from __future__ import annotations

import pytest

from dashboard.i18n import formatting
from layouts import ids
from tests.dash_http import post_callback, sign_in
from tests.integration.test_app_http import overview_values
from tests.integration.test_attainment_http import (
    CONTENT,
    bar_values,
    find,
    kpi_card_texts,
    same,
    values,
)
from tests.integration.test_drilldown_http import open_panel
from tests.kpi_expect import core

PACIFIC = "district:pacific"


@pytest.fixture(scope="module")
def demo_app(shared_demo_app):
    """Every test here only reads the app: one for the module (``tests/conftest.py``
    checks that nothing was written when it ends)."""
    return shared_demo_app


def pacific_territories(demo_app) -> set[str]:
    territories = demo_app.server.extensions["territory_service"].frames().territories
    return set(territories.index[territories["parent_id"] == "pacific"])


def map_rows(client, demo_app, region) -> list[dict]:
    status, body = post_callback(client, demo_app, (ids.KPI_STRIP, "children"),
                                 overview_values(region=region))
    assert status == 200
    return body["response"][ids.OVERVIEW_RANKING]["rowData"]


def attainment(client, demo_app, **chosen):
    status, body = post_callback(client, demo_app, CONTENT, values(**chosen))
    assert status == 200
    return body["response"][ids.ATTAINMENT_CONTENT]["children"]


def test_the_map_narrowed_to_a_district_shows_its_territories(demo_app):
    client = sign_in(demo_app.server.test_client())
    pacific = pacific_territories(demo_app)
    assert len(pacific) >= 2
    assert {r["territory_id"] if "territory_id" in r else r["id"]
            for r in map_rows(client, demo_app, PACIFIC)} == pacific


def test_attainment_ranks_districts_with_the_kpi_tables_figures(demo_app):
    client = sign_in(demo_app.server.test_client())
    content = attainment(client, demo_app, level="district")
    table = core(demo_app, level="district").table
    assert len(table) == 9  # the demo's Census divisions
    ranking = bar_values(find(content, ids.ATTAINMENT_RANKING)["figure"])
    by_name = table.set_index("name")
    assert set(ranking) == set(table["name"]) and "Pacific" in ranking
    assert all(same(x, by_name.at[n, "attainment"]) for n, x in ranking.items())
    assert "Districts by attainment" in str(content)
    # narrowed to the Pacific: its territories, ranked
    rows = find(attainment(client, demo_app, region=PACIFIC), ids.ATTAINMENT_GRID)["rowData"]
    assert {r["id"] for r in rows} == pacific_territories(demo_app)


def test_a_district_manager_sees_their_district_only(demo_app, caplog):
    client = sign_in(demo_app.server.test_client(), "manager-pacific")
    pacific = pacific_territories(demo_app)
    for region in ("all", "West"):  # "all" is their district; their region is not theirs
        rows = map_rows(client, demo_app, region)
        assert {r.get("territory_id", r.get("id")) for r in rows} == (
            pacific if region == "all" else set())
    assert "out-of-scope request refused: user=manager-pacific" in caplog.text
    rows = find(attainment(client, demo_app, level="district"), ids.ATTAINMENT_GRID)["rowData"]
    assert [r["name"] for r in rows] == ["Pacific"]
    leader = core(demo_app, level="district").table.set_index("id")
    assert same(rows[0]["attainment"], leader.at["pacific", "attainment"])


@pytest.mark.parametrize("user,expected", [
    ("leader", [("all", "All regions"), ("Midwest", "Midwest"),
                ("district:east-north-central", "Midwest › East North Central")]),
    ("manager-west", [("all", "West"), ("district:mountain", "West › Mountain"),
                      ("district:pacific", "West › Pacific")]),
    ("manager-pacific", [("all", "West › Pacific")]),
])
def test_the_region_filter_lists_the_viewers_units(demo_app, user, expected):
    client = sign_in(demo_app.server.test_client(), user)
    layout = client.get("/_dash-layout").get_json()
    options = find(layout, ids.REGION)["options"]
    shown = [(o["value"], o["label"]) for o in options]
    assert shown[:len(expected)] == expected
    if user != "leader":
        assert shown == expected  # nothing outside their unit


def test_a_district_managers_drill_down_compares_with_their_district(demo_app):
    territory = sorted(pacific_territories(demo_app))[0]
    client = sign_in(demo_app.server.test_client(), "manager-pacific")
    status, body = open_panel(client, demo_app, territory)
    assert status == 200
    cards = kpi_card_texts(body["response"][ids.DRILLDOWN]["children"])
    pacific = core(demo_app, level="district").table.set_index("id").loc["pacific"]
    assert cards["Attainment"][1] == f"District {formatting.percent(pacific['attainment'])}"
