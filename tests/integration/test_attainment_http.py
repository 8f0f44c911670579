"""The attainment view through its callback endpoint: the figures it sends are
the KPI core's, and a bad selection is an empty state, not an error."""

from __future__ import annotations

import base64
import json
import math

import numpy as np
import pytest

from dashboard.i18n import formatting, translation
from dashboard.metrics.kpi_table import kpi_table
from dashboard.metrics.periods import Period
from dashboard.views.overview import scope_for
from dashboard.views.rankings import closed_quarters
from layouts import ids
from tests.dash_http import post_by_input, post_callback, sign_in, speaking
from tests.kpi_expect import core

CONTENT = (ids.ATTAINMENT_CONTENT, "children")


@pytest.fixture(scope="module")
def demo_app(shared_demo_app):
    """Every test here only reads the app: one for the module (``tests/conftest.py``
    checks that nothing was written when it ends)."""
    return shared_demo_app


@pytest.fixture
def client(demo_app):
    return sign_in(demo_app.server.test_client())


def values(period="qtd", region="all", segment="all", level="territory"):
    return {f"{ids.PERIOD}.value": period, f"{ids.REGION}.value": region,
            f"{ids.SEGMENT}.value": segment, f"{ids.ATTAINMENT_LEVEL}.value": level,
            f"{ids.URL}.search": ""}


def find(tree, component_id):
    """The props of the component with this id in a serialized layout."""
    if isinstance(tree, dict):
        props = tree.get("props", {})
        if props.get("id") == component_id:
            return props
        children = props.get("children") if "props" in tree else None
        return find(children, component_id) if children is not None else None
    if isinstance(tree, list):
        for item in tree:
            found = find(item, component_id)
            if found is not None:
                return found
    return None


def decoded(values) -> list:
    """Plotly sends numeric numpy arrays as base64 typed arrays."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), values["dtype"]).tolist()
    return list(values)


def bar_values(figure) -> dict[str, float]:
    """name -> x over every bar trace (bars are split into one trace per colour)."""
    return {y: x for trace in figure["data"] if trace["type"] == "bar"
            for y, x in zip(decoded(trace["y"]), decoded(trace["x"]), strict=True)}


def same(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and math.isclose(a, b, rel_tol=1e-9)


@pytest.mark.parametrize(("period", "region"), [("qtd", "all"), ("2025Q4", "West")])
def test_ranking_growth_and_table_are_the_kpi_tables(client, demo_app, period, region):
    status, body = post_callback(client, demo_app, CONTENT, values(period, region))
    assert status == 200
    content = body["response"][ids.ATTAINMENT_CONTENT]["children"]
    expected = core(demo_app, period, region)
    table, totals = expected.table, expected.totals
    by_name = table.set_index("name")
    ranking = bar_values(find(content, ids.ATTAINMENT_RANKING)["figure"])
    assert set(ranking) == set(table["name"])
    assert all(same(x, by_name.at[n, "attainment"]) for n, x in ranking.items())
    growth = bar_values(find(content, ids.ATTAINMENT_GROWTH)["figure"])
    assert all(same(x, by_name.at[n, "revenue_growth"]) for n, x in growth.items())
    rows = find(content, ids.ATTAINMENT_GRID)["rowData"]
    assert [r["id"] for r in rows] == list(table.sort_values("attainment",
                                                             ascending=False)["id"])
    by_id = table.set_index("id")
    for row in rows:
        for key in ("attainment", "pace", "bookings", "quota", "projected_attainment",
                    "revenue_growth"):
            assert same(row[key], by_id.at[row["id"], key]), (row["id"], key)
    assert formatting.percent(totals["attainment"]) in str(content)
    assert formatting.percent(totals["pace"]) in str(content)


def test_heat_table_holds_each_quarters_attainment(client, demo_app):
    status, body = post_callback(client, demo_app, CONTENT, values(region="South"))
    assert status == 200
    rows = find(body["response"][ids.ATTAINMENT_CONTENT]["children"], ids.ATTAINMENT_HEAT)[
        "rowData"]
    service = demo_app.server.extensions["territory_service"]
    frames = service.frames()
    south = scope_for(frames, "South", "all").territory_ids
    assert {r["id"] for r in rows} == set(south)
    quarters = closed_quarters(service.as_of())
    assert len(quarters) == 8
    for quarter in (quarters[0], quarters[-1]):
        period = Period.parse(quarter)
        table = kpi_table(frames, period, period.end, "territory").set_index("id")
        assert all(same(r[quarter], table.at[r["id"], "attainment"]) for r in rows)


def test_rep_level_ranks_reps_and_opens_their_territory(client, demo_app):
    status, body = post_callback(client, demo_app, CONTENT, values(level="rep"))
    assert status == 200
    rows = find(body["response"][ids.ATTAINMENT_CONTENT]["children"], ids.ATTAINMENT_GRID)[
        "rowData"]
    table = core(demo_app, level="rep").table
    assert sorted(r["id"] for r in rows) == sorted(table["id"])
    owned = next(r for r in rows if r["territory_id"])
    status, body = post_click(client, demo_app, ids.ATTAINMENT_GRID, "cellClicked",
                              {"rowId": owned["id"], "colId": "name"}, level="rep")
    assert status == 200
    assert body["response"][ids.DRILLDOWN_TERRITORY]["data"] == owned["territory_id"]


def test_a_bar_click_opens_the_territory_and_a_region_opens_nothing(client, demo_app):
    click = {"points": [{"customdata": "T03", "y": "The Bronx NY"}]}
    status, body = post_click(client, demo_app, ids.ATTAINMENT_RANKING, "clickData", click)
    assert status == 200 and body["response"][ids.DRILLDOWN_TERRITORY]["data"] == "T03"
    status, body = post_click(client, demo_app, ids.ATTAINMENT_GRID, "cellClicked",
                              {"rowId": "West"}, level="region")
    assert opened(status, body) is None
    status, body = post_click(client, demo_app, ids.ATTAINMENT_HEAT, "cellClicked",
                              {"rowId": "<b>T404</b>"})
    assert opened(status, body) is None


def opened(status, body):
    """The territory a click wrote to the drill-down store; None for no_update."""
    assert status in (200, 204)
    if status == 204:
        return None
    return body["response"].get(ids.DRILLDOWN_TERRITORY, {}).get("data")


@pytest.mark.parametrize("bad", [
    values(period="1999Q9"),
    values(region="Atlantis"),
    values(segment="<script>alert(1)</script>"),
    values(period="2026-13-01..2026-14-01", level="galaxy"),
])
def test_bad_selection_gives_an_empty_state_not_an_error(client, demo_app, bad):
    status, body = post_callback(client, demo_app, CONTENT, bad)
    assert status == 200
    assert "No territory matches" in str(body["response"][ids.ATTAINMENT_CONTENT]["children"])


def test_an_unknown_level_falls_back_to_territories(client, demo_app):
    status, body = post_callback(client, demo_app, CONTENT, values(level="galaxy"))
    assert status == 200
    rows = find(body["response"][ids.ATTAINMENT_CONTENT]["children"], ids.ATTAINMENT_GRID)[
        "rowData"]
    assert len(rows) == len(core(demo_app).table)


def post_click(client, app, component, prop, payload, level="territory"):
    """POST the drill-down callback as if ``component.prop`` had just changed."""
    return post_by_input(client, app, ids.DRILLDOWN_TERRITORY, component,
                         {f"{component}.{prop}": payload, f"{ids.ATTAINMENT_LEVEL}.value": level},
                         changed=[f"{component}.{prop}"])


def test_french_cards_titles_headers_and_numbers(demo_app):
    french = sign_in(demo_app.server.test_client())
    speaking(french, "fr")
    status, body = post_callback(french, demo_app, CONTENT, values(level="rep"))
    assert status == 200
    content = body["response"][ids.ATTAINMENT_CONTENT]["children"]
    totals = core(demo_app).totals
    text = json.dumps(content, ensure_ascii=False)
    with translation.use("fr"):
        assert formatting.percent(totals["attainment"]) in text
        assert formatting.money(totals["quota"]) in text
    assert "Commerciaux par atteinte" in text and "Rythme" in text
    assert "Atteinte par trimestre · 8 derniers trimestres clos" in text
    headers = [c["headerName"] for c in find(content, ids.ATTAINMENT_GRID)["columnDefs"]]
    assert headers[:3] == ["Commercial", "Territoire", "Atteinte"]
    figure = find(content, ids.ATTAINMENT_RANKING)["figure"]
    assert any("Prises de commande" in h for t in figure["data"] for h in t["hovertext"])


def kpi_card_texts(tree) -> dict[str, tuple[str, str]]:
    """label -> (value, sub) of every KPI card (components.kpi_card) in a layout."""
    cards = {}
    if isinstance(tree, dict):
        props = tree.get("props", {})
        if props.get("className") == "kpi-card":
            label, value, sub = (div["props"]["children"]
                                 for div in props["children"]["props"]["children"])
            cards[label] = (value, sub)
            return cards
        tree = props.get("children")
    if isinstance(tree, list | dict):
        for item in tree if isinstance(tree, list) else [tree]:
            cards |= kpi_card_texts(item)
    return cards


@pytest.mark.parametrize(("level", "region"), [("territory", "all"), ("region", "all"),
                                               ("territory", "West")])
def test_acquisition_and_retention_in_the_table_and_strip_are_the_kpi_tables(
        client, demo_app, level, region):
    # METRICS.md Period KPIs at every level, not only on a rep's scorecard: each row
    # of the KPI table carries them, and the strip the scope's (company or region)
    status, body = post_callback(client, demo_app, CONTENT,
                                 values(period="2025Q4", region=region, level=level))
    assert status == 200
    content = body["response"][ids.ATTAINMENT_CONTENT]["children"]
    expected = core(demo_app, "2025Q4", region, level=level)
    by_id = expected.table.set_index("id")
    grid = find(content, ids.ATTAINMENT_GRID)
    rows = grid["rowData"]
    assert [r["id"] for r in rows] and {r["id"] for r in rows} == set(by_id.index)
    for row in rows:
        for key in ("acquisition_rate", "retention_rate"):
            assert same(row[key], by_id.at[row["id"], key]), (row["id"], key)
    fields = {c["field"]: c["headerName"] for c in grid["columnDefs"]}
    assert fields["acquisition_rate"] == "Acquisition"
    assert fields["retention_rate"] == "Retention"
    cards = kpi_card_texts(content)
    totals = expected.totals
    assert cards["Acquisition"][0] == formatting.percent(totals["acquisition_rate"])
    assert cards["Retention"][0] == formatting.percent(totals["retention_rate"])
