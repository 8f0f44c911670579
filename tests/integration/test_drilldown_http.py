"""The territory drill-down, the map clicks that open it and the account points,
through the HTTP endpoints a browser uses."""

from __future__ import annotations

import gzip
import json
import math

import pytest

from dashboard.i18n import formatting
from dashboard.metrics.kpi_table import kpi_table
from dashboard.views import rankings
from dashboard.views.drilldown import account_table, concentration_curve, territory_rows
from dashboard.views.overview import scope_for
from dashboard.views.selection import resolve_period
from layouts import ids
from tests.dash_http import post_by_input, post_callback, sign_in

PANEL = (ids.DRILLDOWN, "children")


@pytest.fixture(scope="module")
def demo_app(shared_demo_app):
    """Every test here only reads the app: one for the module (``tests/conftest.py``
    checks that nothing was written when it ends)."""
    return shared_demo_app


@pytest.fixture
def client(demo_app):
    return sign_in(demo_app.server.test_client())


@pytest.fixture
def service(demo_app):
    return demo_app.server.extensions["territory_service"]


def panel_values(territory, period="qtd", region="all", segment="all", is_open=False):
    return {f"{ids.DRILLDOWN_TERRITORY}.data": territory, f"{ids.PERIOD}.value": period,
            f"{ids.REGION}.value": region, f"{ids.SEGMENT}.value": segment,
            f"{ids.URL}.search": "", f"{ids.DRILLDOWN}.is_open": is_open}


def open_panel(client, app, territory, **kwargs):
    return post_callback(client, app, PANEL, panel_values(territory, **kwargs),
                         changed=[f"{ids.DRILLDOWN_TERRITORY}.data"])


def core_row(service, territory, period="qtd", region="all", segment="all"):
    frames = service.frames()
    as_of = service.as_of()
    scope = scope_for(frames, region, segment)
    table = kpi_table(frames, resolve_period(period, as_of), as_of, "territory",
                      territory_ids=scope.territory_ids, segment=scope.segment)
    company = kpi_table(frames, resolve_period(period, as_of), as_of, "company",
                        segment=scope.segment).iloc[0]
    return table.set_index("id").loc[territory], company


def test_drilldown_shows_the_territory_figures_from_the_kpi_core(client, demo_app, service):
    status, body = open_panel(client, demo_app, "T07")
    assert status == 200
    response = body["response"][ids.DRILLDOWN]
    assert response["is_open"] is True
    name = service.frames().territories.at["T07", "territory_name"]
    assert response["title"] == f"{name} · T07"
    text = json.dumps(response["children"], ensure_ascii=False)
    row, company = core_row(service, "T07")
    for figure in (formatting.percent(row["attainment"]), formatting.percent(row["pace"]),
                   formatting.multiple(row["coverage"]), formatting.money(row["bookings"]),
                   f"Company {formatting.percent(company['attainment'])}",
                   f"Company {formatting.percent(company['win_rate'])}"):
        assert figure in text
    rep = service.frames().territories.at["T07", "rep_name"]
    assert rep in text


def test_segment_filter_reaches_the_panel(client, demo_app, service):
    status, body = open_panel(client, demo_app, "T07", period="t12", segment="SMB")
    assert status == 200
    row, company = core_row(service, "T07", period="t12", segment="SMB")
    text = json.dumps(body["response"][ids.DRILLDOWN]["children"], ensure_ascii=False)
    assert formatting.money(row["bookings"]) in text
    assert f"Company {formatting.percent(company['attainment'])}" in text


def grid_rows(children, grid_id: str) -> list[dict]:
    """The rowData of the grid with this id in the panel's component tree."""
    if isinstance(children, dict):
        props = children.get("props")
        if isinstance(props, dict) and props.get("id") == grid_id:
            return props["rowData"]
        children = list(children.values())
    if isinstance(children, list):
        for child in children:
            found = grid_rows(child, grid_id)
            if found is not None:
                return found
    return None


@pytest.mark.parametrize("territory, period, segment", [
    ("T46", "qtd", "all"), ("T07", "t12", "all"), (None, "2026Q2", "SMB"),
])
def test_accounts_open_pipeline_column_sums_to_the_kpi_core(
        client, demo_app, service, territory, period, segment):
    """METRICS.md's Open pipeline (open deals closing in P), not every open deal.
    A past quarter's open pipeline is its overdue deals: None picks the
    territory with the most of them in that segment."""
    if territory is None:
        frames, as_of = service.frames(), service.as_of()
        table = kpi_table(frames, resolve_period(period, as_of), as_of, "territory",
                          segment=segment)
        territory = table.set_index("id")["open_pipeline"].idxmax()
    status, body = open_panel(client, demo_app, territory, period=period, segment=segment)
    assert status == 200
    rows = grid_rows(body["response"][ids.DRILLDOWN]["children"], ids.DRILLDOWN_ACCOUNTS)
    row, _company = core_row(service, territory, period=period, segment=segment)
    assert row["open_pipeline"] > 0
    assert sum(r["open_pipeline"] for r in rows) == pytest.approx(row["open_pipeline"])
    # deals closing outside P exist, so summing every open deal would differ
    deals = grid_rows(body["response"][ids.DRILLDOWN]["children"], ids.DRILLDOWN_DEALS)
    assert sum(d["amount"] for d in deals) > row["open_pipeline"] * 1.01


@pytest.mark.parametrize("territory, values, words", [
    ("T999", {}, "No such territory"),
    ("<script>alert(1)</script>", {}, "No such territory"),
    (["T07"], {}, "No such territory"),
    ("T07", {"period": "1999Q9"}, "Unknown period"),
    ("T07", {"region": "Atlantis"}, "outside this selection"),
    ("T07", {"segment": "<b>Nope</b>"}, "outside this selection"),
])
def test_bad_ids_and_selections_give_an_empty_state(client, demo_app, territory, values, words):
    status, body = open_panel(client, demo_app, territory, **values)
    assert status == 200
    response = body["response"][ids.DRILLDOWN]
    assert words in json.dumps(response["children"], ensure_ascii=False)
    assert "<script>" not in response["title"]


def test_a_control_change_refreshes_an_open_panel_without_reopening(client, demo_app):
    status, body = post_callback(client, demo_app, PANEL,
                                 panel_values("T07", period="t12", is_open=True),
                                 changed=[f"{ids.PERIOD}.value"])
    assert status == 200
    assert "is_open" not in body["response"][ids.DRILLDOWN]
    # closed panel: a control change does nothing
    status, body = post_callback(client, demo_app, PANEL, panel_values("T07", is_open=False),
                                 changed=[f"{ids.PERIOD}.value"])
    assert status in (200, 204)
    assert not (body or {}).get("response")


def click_call(client, app, source: str, value):
    """POST the overview's open-drill-down callback as a click on the map (its
    click count changes; the feature is read beside it) or on a ranking row."""
    if source == ids.MAP_TERRITORIES:
        values = {f"{source}.n_clicks": 1, f"{source}.clickData": value}
        changed = [f"{source}.n_clicks"]
    else:
        values, changed = {f"{source}.cellClicked": value}, [f"{source}.cellClicked"]
    return post_by_input(client, app, ids.DRILLDOWN_TERRITORY, ids.OVERVIEW_RANKING,
                         values, changed)


def test_map_click_and_ranking_click_open_the_drilldown(client, demo_app):
    feature = {"type": "Feature", "properties": {"territory_id": "T12", "label": "x"},
               "geometry": None}
    status, body = click_call(client, demo_app, ids.MAP_TERRITORIES, feature)
    assert status == 200
    assert body["response"][ids.DRILLDOWN_TERRITORY]["data"] == "T12"
    # the outline is a patch of the hideout: no colours or tooltips resent
    patch = json.dumps(body["response"][ids.MAP_TERRITORIES]["hideout"])
    assert "T12" in patch and "colors" not in patch

    status, body = click_call(client, demo_app, ids.OVERVIEW_RANKING,
                              {"rowId": "T33", "colId": "name"})
    assert status == 200 and body["response"][ids.DRILLDOWN_TERRITORY]["data"] == "T33"


@pytest.mark.parametrize("source, value", [
    (ids.MAP_TERRITORIES, {"properties": {"territory_id": ["T1"]}}),
    (ids.MAP_TERRITORIES, "junk"),
    (ids.OVERVIEW_RANKING, {"rowId": None}),
])
def test_clicks_without_a_territory_change_nothing(client, demo_app, source, value):
    status, body = click_call(client, demo_app, source, value)
    assert status in (200, 204)
    assert not (body or {}).get("response")


def test_the_80_20_curve_reads_the_kpi_concentration(service):
    """The curve at the top ⌈20%⌉ of buying accounts is METRICS.md's Concentration."""
    frames = service.frames()
    as_of = service.as_of()
    period = resolve_period("qtd", as_of)
    table = kpi_table(frames, period, as_of, "territory").set_index("id")
    for territory in ("T01", "T20", "T46"):
        accounts, opps = territory_rows(frames, territory, None)
        curve = concentration_curve(account_table(accounts, opps, period, as_of)["t12_bookings"])
        count = len(curve) - 1
        top = math.ceil(round(0.2 * count, 9))
        assert curve["bookings_share"][top] == pytest.approx(
            table.at[territory, "concentration_top20"])


def test_stage_breakdown_adds_up_to_open_pipeline(service):
    from dataclasses import replace

    frames = service.frames()
    as_of = service.as_of()
    period = resolve_period("qtd", as_of)
    row = kpi_table(frames, period, as_of, "territory").set_index("id").loc["T05"]
    accounts, opps = territory_rows(frames, "T05", None)
    local = replace(frames, accounts=accounts, opportunities=opps)
    funnel = rankings.stage_funnel(rankings.open_deals(local), ["T05"], None, period)
    assert funnel["amount"].sum() == pytest.approx(row["open_pipeline"])
    assert funnel["weighted"].sum() == pytest.approx(row["weighted_pipeline"])


def test_account_points_are_gzipped_filtered_and_compact(client, service):
    response = client.get("/_td/accounts.geojson", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(response.data) < 400_000  # measured ~170 kB for the 20k demo accounts
    points = json.loads(gzip.decompress(response.data))
    assert len(points["features"]) == len(service.frames().accounts.dropna(subset=["lat"]))

    west = client.get("/_td/accounts.geojson?region=West&segment=SMB")
    frames = service.frames()
    in_west = frames.territories.loc[frames.territories["region"] == "West", "territory_id"]
    accounts = frames.accounts
    expected = accounts[accounts["territory_id"].isin(in_west) & (accounts["segment"] == "SMB")]
    assert len(json.loads(west.data)["features"]) == len(expected.dropna(subset=["lat"]))


@pytest.mark.parametrize("query", ["region=Atlantis", "period=1999Q9", "segment=%3Cscript%3E"])
def test_account_points_for_a_bad_selection_are_empty(client, query):
    response = client.get(f"/_td/accounts.geojson?{query}")
    assert response.status_code == 200
    assert json.loads(response.data)["features"] == []


def test_switch_points_the_layer_at_the_selection(client, demo_app):
    values = {f"{ids.MAP_ACCOUNTS_SWITCH}.value": True, f"{ids.PERIOD}.value": "t12",
              f"{ids.REGION}.value": "West", f"{ids.SEGMENT}.value": "all",
              f"{ids.URL}.search": ""}
    status, body = post_callback(client, demo_app, (ids.MAP_ACCOUNTS, "url"), values)
    assert status == 200
    assert body["response"][ids.MAP_ACCOUNTS]["url"] == \
        "/_td/accounts.geojson?period=t12&region=West"
    values[f"{ids.MAP_ACCOUNTS_SWITCH}.value"] = False
    status, body = post_callback(client, demo_app, (ids.MAP_ACCOUNTS, "url"), values)
    assert status == 200 and body["response"][ids.MAP_ACCOUNTS]["url"] is None


@pytest.mark.parametrize(("user", "territory", "whole"),
                         [("leader", "T07", "Company"), ("manager-west", None, "Region")])
def test_the_strip_shows_acquisition_and_retention_against_the_whole(
        demo_app, service, user, territory, whole):
    # METRICS.md acquisition and retention rates for the territory, with the company's
    # (a manager: the region's) beneath, from kpi_table for the same selection
    from tests.integration.test_attainment_http import kpi_card_texts

    frames, as_of = service.frames(), service.as_of()
    period = resolve_period("t12", as_of)
    if territory is None:
        west = frames.territories[frames.territories["region"] == "West"]
        territory = west["territory_id"].iloc[0]
        level, key = "region", "West"
    else:
        level, key = "company", "company"
    client = sign_in(demo_app.server.test_client(), user)
    status, body = open_panel(client, demo_app, territory, period="t12")
    assert status == 200
    cards = kpi_card_texts(body["response"][ids.DRILLDOWN]["children"])
    row, _company = core_row(service, territory, period="t12")
    whole_row = kpi_table(frames, period, as_of, level).set_index("id").loc[key]
    for label, column in (("Acquisition", "acquisition_rate"), ("Retention", "retention_rate")):
        assert cards[label] == (formatting.percent(row[column]),
                                f"{whole} {formatting.percent(whole_row[column])}"), label
