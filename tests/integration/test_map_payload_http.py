"""What the map pages send a browser: the page response and its territories'
geometry (a TopoJSON fetched once from the geometry route) for the 60 demo
territories stay under issue #4's 500 kB budget of JSON to parse, the page crosses
the wire compressed, and a territory's tooltip carries its rep and the KPI core's
figures."""

from __future__ import annotations

import gzip
import html
import json

import pytest

from dashboard.i18n import formatting
from dashboard.metrics.kpi_table import kpi_table
from dashboard.views.selection import resolve_period
from layouts import ids
from tests.dash_http import browser_headers, find_callback, post_callback, sign_in

BUDGET = 500_000


@pytest.fixture
def client(demo_app):
    return sign_in(demo_app.server.test_client())


def page_call(client, app, path: str):
    """The page route's POST, as the browser sends it on opening ``path``."""
    return post_callback(client, app, (ids.PAGE, "children"),
                         {f"{ids.URL}.pathname": path, f"{ids.URL}.search": ""})


def component(node, component_id: str):
    """The serialised component with this id, anywhere in a response tree."""
    if isinstance(node, dict):
        if isinstance(node.get("props"), dict) and node["props"].get("id") == component_id:
            return node
        found = (component(v, component_id) for v in node.values())
    elif isinstance(node, list):
        found = (component(v, component_id) for v in node)
    else:
        return None
    return next((f for f in found if f is not None), None)


def raw_page(client, app, path: str, accept_encoding: str = ""):
    """The page route's raw response, its body as it crosses the wire to a
    client sending ``accept_encoding``."""
    key, _spec = find_callback(app, ids.PAGE, "children")
    payload = {"output": key, "outputs": {"id": ids.PAGE, "property": "children"},
               "inputs": [{"id": ids.URL, "property": "pathname", "value": path}],
               "state": [{"id": ids.URL, "property": "search", "value": ""}],
               "changedPropIds": [f"{ids.URL}.pathname"]}
    return client.post("/_dash-update-component", json=payload,
                       headers={"Accept-Encoding": accept_encoding,
                                **browser_headers(client)})


@pytest.mark.parametrize("path, geometry_id", [("/", ids.MAP_GEOMETRY),
                                               ("/underperformers", ids.UP_MAP_GEOMETRY)])
def test_a_map_page_for_60_territories_is_under_500_kb(client, demo_app, path, geometry_id):
    service = demo_app.server.extensions["territory_service"]
    assert len(service.frames().territories) == 60
    response = raw_page(client, demo_app, path)
    assert response.status_code == 200
    # the page names where every territory's shape comes from, and the two together (not
    # a lazy load that dodges the budget) stay under it: measured ~170 + ~142 kB
    source = component(response.get_json(), geometry_id)["props"]["data"]
    shapes = client.get(source["url"], headers={"Accept-Encoding": "identity"})
    assert len(shapes.get_json()["objects"]["territories"]["geometries"]) == 60
    total = len(response.data) + len(shapes.data)
    assert total < BUDGET, f"{path}: {len(response.data):,} + {len(shapes.data):,} bytes"


@pytest.mark.parametrize("path", ["/", "/underperformers"])
def test_a_map_page_crosses_the_wire_gzipped_to_a_client_that_accepts_it(client, demo_app,
                                                                         path):
    plain = raw_page(client, demo_app, path)
    assert "Content-Encoding" not in plain.headers  # a client that asks for nothing
    packed = raw_page(client, demo_app, path, "gzip")
    assert packed.status_code == 200 and packed.headers.get("Content-Encoding") == "gzip"
    assert json.loads(gzip.decompress(packed.data)) == plain.get_json()
    # measured ~115 kB of ~435 kB
    assert len(packed.data) < len(plain.data) / 3, f"{path}: {len(packed.data):,} bytes"


def test_the_served_tooltip_names_the_rep_and_the_kpi_core_attainment(client, demo_app):
    service = demo_app.server.extensions["territory_service"]
    frames = service.frames()
    as_of = service.as_of()
    row = kpi_table(frames, resolve_period("qtd", as_of), as_of, "territory") \
        .set_index("id").loc["T07"]
    rep = frames.territories.at["T07", "rep_name"]
    status, body = page_call(client, demo_app, "/")
    assert status == 200
    tip = component(body, ids.MAP_TERRITORIES)["props"]["hideout"]["tips"]["T07"]
    assert f"Rep: {html.escape(rep)}" in tip
    assert f"Attainment: {formatting.percent(row['attainment'])}" in tip
    assert f"Pace: {formatting.percent(row['pace'])}" in tip
    assert formatting.money(row["bookings"]) in tip
