"""The pipeline view through its callback endpoint: its figures are the KPI
core's, and a bad selection is an empty state, not an error."""

from __future__ import annotations

import json

import pytest

from dashboard.i18n import formatting, translation
from dashboard.metrics.periods import to_day
from dashboard.views.overview import scope_for
from layouts import ids
from tests.dash_http import post_callback, sign_in, speaking
from tests.integration.test_attainment_http import (
    bar_values,
    decoded,
    find,
    opened,
    post_click,
    same,
)
from tests.kpi_expect import core

CONTENT = (ids.PIPELINE_CONTENT, "children")


@pytest.fixture(scope="module")
def demo_app(shared_demo_app):
    """Every test here only reads the app: one for the module (``tests/conftest.py``
    checks that nothing was written when it ends)."""
    return shared_demo_app


@pytest.fixture
def client(demo_app):
    return sign_in(demo_app.server.test_client())


def values(period="qtd", region="all", segment="all", healthy=3.0):
    return {f"{ids.PERIOD}.value": period, f"{ids.REGION}.value": region,
            f"{ids.SEGMENT}.value": segment, f"{ids.PIPELINE_HEALTHY}.value": healthy,
            f"{ids.URL}.search": ""}


def content_of(client, app, **given):
    status, body = post_callback(client, app, CONTENT, values(**given))
    assert status == 200
    return body["response"][ids.PIPELINE_CONTENT]["children"]


@pytest.mark.parametrize(("period", "region", "segment"), [
    ("qtd", "all", "all"), ("2025Q4", "West", "all"), ("ytd", "all", "Enterprise")])
def test_cards_funnel_coverage_and_table_are_the_kpi_tables(client, demo_app, period, region,
                                                             segment):
    content = content_of(client, demo_app, period=period, region=region, segment=segment)
    expected = core(demo_app, period, region, segment)
    table, totals = expected.table, expected.totals
    text = json.dumps(content, ensure_ascii=False)  # "87\u00a0d" as shown, not escaped
    for key, fmt in (("open_pipeline", formatting.money), ("weighted_pipeline", formatting.money),
                     ("coverage", formatting.multiple), ("win_rate", formatting.percent),
                     ("avg_deal_size", formatting.money), ("sales_cycle_days", formatting.days)):
        assert fmt(totals[key]) in text, key
    funnel = find(content, ids.PIPELINE_FUNNEL)["figure"]["data"][0]
    assert sum(decoded(funnel["x"])) == pytest.approx(totals["open_pipeline"])
    coverage = bar_values(find(content, ids.PIPELINE_COVERAGE)["figure"])
    by_name = table.set_index("name")
    # a bar for each territory with a coverage: under a segment, only those with a
    # quota for that segment (METRICS.md "Segment filter": the demo's one region)
    shown = {n for n, x in coverage.items() if not same(x, None)}
    assert shown == set(by_name.index[by_name["coverage"].notna()])
    if segment != "all":
        assert shown and by_name.loc[sorted(shown), "quota"].notna().all()
        assert by_name["quota"].isna().any()  # the others' quotas are totals: no bar
    assert all(same(x, by_name.at[n, "coverage"]) for n, x in coverage.items())
    rows = find(content, ids.PIPELINE_GRID)["rowData"]
    by_id = table.set_index("id")
    assert {r["id"] for r in rows} == set(table["id"])
    for row in rows:
        for key in ("open_pipeline", "weighted_pipeline", "coverage", "win_rate",
                    "avg_deal_size", "sales_cycle_days"):
            assert same(row[key], by_id.at[row["id"], key]), (row["id"], key)


def test_aging_lists_open_deals_past_their_close_date(client, demo_app):
    content = content_of(client, demo_app, region="South")
    service = demo_app.server.extensions["territory_service"]
    frames = service.frames()
    south = set(scope_for(frames, "South", "all").territory_ids)
    opps = frames.opportunities
    late = opps[(opps["status"] == "open") & (opps["close_on"] < to_day(service.as_of()))
                & opps["territory_id"].isin(south)]
    rows = find(content, ids.PIPELINE_GRID)["rowData"]
    assert sum(r["overdue_count"] for r in rows) == len(late)
    assert sum(r["overdue_amount"] for r in rows) == pytest.approx(late["amount"].sum())
    oldest = find(content, ids.PIPELINE_OVERDUE)["rowData"]
    assert oldest[0]["days_overdue"] == to_day(service.as_of()) - late["close_on"].min()
    assert all(r["territory_id"] in south for r in oldest)


def test_the_healthy_line_recolours_coverage(client, demo_app):
    table = core(demo_app).table
    line = float(table["coverage"].median())
    figure = find(content_of(client, demo_app, healthy=line), ids.PIPELINE_COVERAGE)["figure"]
    red = [n for t in figure["data"] if t["marker"]["color"] == "#b2182b"
           for n in decoded(t["y"])]
    by_name = table.set_index("name")
    assert red and all(by_name.at[n, "coverage"] < line for n in red)
    assert figure["layout"]["shapes"][0]["x0"] == line


@pytest.mark.parametrize("typed", ["abc", None, -4])
def test_a_junk_healthy_line_is_read_as_a_number_in_range(client, demo_app, typed):
    content = content_of(client, demo_app, healthy=typed)
    assert "healthy line" in str(content)


def test_clicks_open_the_territory_or_the_deals_territory(client, demo_app):
    content = content_of(client, demo_app)
    deal = find(content, ids.PIPELINE_OVERDUE)["rowData"][0]
    status, body = post_click(client, demo_app, ids.PIPELINE_OVERDUE, "cellClicked",
                              {"rowId": deal["opportunity_id"]})
    assert opened(status, body) == deal["territory_id"]
    status, body = post_click(client, demo_app, ids.PIPELINE_COVERAGE, "clickData",
                              {"points": [{"customdata": "T07"}]})
    assert opened(status, body) == "T07"
    status, body = post_click(client, demo_app, ids.PIPELINE_GRID, "cellClicked",
                              {"rowId": "T999"})
    assert opened(status, body) is None


@pytest.mark.parametrize("bad", [
    values(period="1999Q9"),
    values(region="Atlantis"),
    values(segment="<img src=x onerror=alert(1)>"),
    values(period="2026-02-30..2026-03-01", healthy="lots"),
])
def test_bad_selection_gives_an_empty_state_not_an_error(client, demo_app, bad):
    status, body = post_callback(client, demo_app, CONTENT, bad)
    assert status == 200
    assert "No territory matches" in str(body["response"][ids.PIPELINE_CONTENT]["children"])


def test_french_cards_titles_stages_and_numbers(demo_app):
    french = sign_in(demo_app.server.test_client())
    speaking(french, "fr")
    content = content_of(french, demo_app)
    totals = core(demo_app).totals
    text = json.dumps(content, ensure_ascii=False)
    with translation.use("fr"):
        assert formatting.money(totals["open_pipeline"]) in text
        assert formatting.percent(totals["win_rate"]) in text
    assert "Pipeline en cours" in text and "Taux de réussite" in text
    assert "Cycle de vente" in text and "Couverture de l'objectif restant" in text
    funnel = find(content, ids.PIPELINE_FUNNEL)["figure"]["data"][0]
    assert decoded(funnel["y"])[:4] == ["Prospection", "Qualification", "Proposition",
                                        "Négociation"]
    assert "Pondéré" in funnel["hovertemplate"]
    headers = [c["headerName"] for c in find(content, ids.PIPELINE_GRID)["columnDefs"]]
    assert "Territoire" in headers and "Couverture" in headers
    money = find(content, ids.PIPELINE_GRID)["columnDefs"][2]["valueFormatter"]["function"]
    assert '"fr"' in money
    oldest = find(content, ids.PIPELINE_OVERDUE)["rowData"]
    assert {r["stage"] for r in oldest} <= {"Prospection", "Qualification", "Proposition",
                                            "Négociation"}
