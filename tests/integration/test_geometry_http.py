"""The maps' unit geometry route: a versioned URL the browser keeps a year, a 304 for a
repeated request, compressed on the wire, refused unsigned, and cut to the viewer's scope
(issue 15: a manager gets no id, name or shape of another region, whatever the URL names)."""

from __future__ import annotations

import gzip
import json

import pytest

from dashboard.geo import us_atlas
from tests.dash_http import sign_in

COOK, LOS_ANGELES = "17031", "06037"  # Midwest, West


@pytest.fixture
def service(demo_app):
    return demo_app.server.extensions["territory_service"]


def get(client, path: str, **headers):
    return client.get(path, headers={"Accept-Encoding": "identity", **headers})


def units(response) -> list[dict]:
    return response.get_json()["objects"]["units"]["geometries"]


def test_a_versioned_url_is_kept_a_year_and_a_repeat_gets_304(demo_app, service):
    client = sign_in(demo_app.server.test_client())
    stamp = service.data_stamp()
    current = get(client, f"/_td/geometry/counties.json?v={stamp}")
    assert current.status_code == 200 and current.mimetype == "application/json"
    assert current.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert len(units(current)) == len(service.frames().alignment)
    tag = current.headers["ETag"]
    again = get(client, f"/_td/geometry/counties.json?v={stamp}", **{"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    # an old or missing version: served, but checked again before each use
    stale = get(client, "/_td/geometry/counties.json?v=0-old")
    assert stale.status_code == 200 and stale.headers["Cache-Control"] == "private, no-cache"
    packed = client.get(f"/_td/geometry/counties.json?v={stamp}",
                        headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.data)) == current.get_json()
    assert len(packed.data) < len(current.data) / 3
    assert get(client, "/_td/geometry/secrets.json").status_code == 404


def test_unsigned_requests_get_no_geometry(demo_app):
    response = get(demo_app.server.test_client(), "/_td/geometry/territories.json")
    assert response.status_code == 401 and b"arcs" not in response.data


def test_the_zip_areas_of_an_expanded_county(demo_app, service):
    client = sign_in(demo_app.server.test_client())
    cells = units(get(client, f"/_td/geometry/zip-cells.json?county={LOS_ANGELES}"))
    assert len(cells) > 200
    territory = service.frames().alignment.at[LOS_ANGELES, "territory_id"]
    assert {c["properties"]["county"] for c in cells} == {LOS_ANGELES}
    assert {c["properties"]["t"] for c in cells} == {territory}  # no ZIP row: its county's


def test_a_manager_gets_their_region_only_even_from_a_forged_url(demo_app, service):
    west = sign_in(demo_app.server.test_client(), "manager-west")
    frames = service.frames()
    region = us_atlas.load_counties()["region"]
    mine = set(frames.territories.index[frames.territories["region"] == "West"])
    others = set(frames.territories.index) - mine
    counties = units(get(west, "/_td/geometry/counties.json"))
    assert counties and {region[c["id"]] for c in counties} == {"West"}
    territories = get(west, "/_td/geometry/territories.json").get_json()
    drawn = {t["id"] for t in territories["objects"]["territories"]["geometries"]}
    assert drawn == mine
    # a forged request naming another region's county gets none of its ZIP areas, ids or names
    forged = get(west, f"/_td/geometry/zip-cells.json?county={COOK},{LOS_ANGELES}")
    text = forged.get_data(as_text=True)
    assert {c["properties"]["county"] for c in units(forged)} == {LOS_ANGELES}
    assert "60601" not in text and "Chicago" not in text and COOK not in text
    assert not any(f'"{t}"' in text for t in others)


def test_the_map_page_preloads_its_territories(demo_app, service):
    """The map page names its territories' URL (the one its content answer gives) in a
    preload header, so the browser fetches them with the page; a rep's or a signed-out
    answer names none."""
    leader = get(sign_in(demo_app.server.test_client()), "/")
    assert leader.status_code == 200 and leader.mimetype == "text/html"
    url = f"/_td/geometry/territories.json?v={service.data_stamp()}"
    assert leader.headers.get_all("Link") == [
        f"<{url}>; rel=preload; as=fetch; crossorigin=anonymous"]
    west = get(sign_in(demo_app.server.test_client(), "manager-west"), "/")
    assert west.headers.get_all("Link") == [leader.headers["Link"]]  # scoped by the session
    assert get(sign_in(demo_app.server.test_client(), "r046"), "/").headers.get_all("Link") == []
    assert get(demo_app.server.test_client(), "/").headers.get_all("Link") == []
