"""The app through its HTTP endpoints, as a browser would use it."""

from __future__ import annotations

import pytest
from dash_http import patched, post_callback, sign_in, speaking

from layouts import ids


@pytest.fixture
def client(demo_app):
    return sign_in(demo_app.server.test_client())


def test_pages_are_served(client):
    for path in ("/", "/import", "/attainment"):
        assert client.get(path).status_code == 200
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200
    assert b"Territory Dashboard" in layout.data


OVERVIEW = (ids.KPI_STRIP, "children")


def overview_values(period="qtd", region="all", segment="all", kpi="attainment"):
    return {f"{ids.PERIOD}.value": period, f"{ids.REGION}.value": region,
            f"{ids.SEGMENT}.value": segment, f"{ids.MAP_KPI_PICKER}.value": kpi,
            f"{ids.URL}.search": ""}


def test_overview_recolours_through_hideout_only(client, demo_app):
    status, body = post_callback(client, demo_app, OVERVIEW, overview_values(kpi="pace"))
    assert status == 200
    response = body["response"]
    hideout = patched(response[ids.MAP_TERRITORIES]["hideout"])
    # every territory of the demo gets a colour and an escaped tooltip
    assert len(hideout["colors"]) >= 50
    assert all(c.startswith("#") for c in hideout["colors"].values())
    assert "data" not in response[ids.MAP_TERRITORIES]
    # a recolour leaves the clicked territory's outline alone
    assert "selected" not in hideout


@pytest.mark.parametrize("values", [
    overview_values(period="1999Q9"),
    overview_values(region="Atlantis"),
    overview_values(segment="<script>alert(1)</script>"),
    overview_values(kpi="nonsense", period="2026-13-01..2026-14-01"),
])
def test_bad_selection_gives_an_empty_state_not_an_error(client, demo_app, values):
    status, body = post_callback(client, demo_app, OVERVIEW, values)
    assert status == 200
    strip = body["response"][ids.KPI_STRIP]["children"]
    assert "No territory matches" in str(strip)
    assert patched(body["response"][ids.MAP_TERRITORIES]["hideout"])["colors"] == {}


def test_region_filter_limits_the_map_to_that_region(client, demo_app):
    service = demo_app.server.extensions["territory_service"]
    territories = service.frames().territories
    west = set(territories.loc[territories["region"] == "West", "territory_id"])
    status, body = post_callback(client, demo_app, OVERVIEW, overview_values(region="West"))
    assert status == 200
    assert set(patched(body["response"][ids.MAP_TERRITORIES]["hideout"])["colors"]) == west


def upload(client, app, files: dict[str, bytes]):
    import base64

    contents = ["data:text/csv;base64," + base64.b64encode(b).decode() for b in files.values()]
    return post_callback(client, app, (ids.IMPORT_RESULT, "children"), {
        f"{ids.IMPORT_UPLOAD}.contents": contents,
        f"{ids.IMPORT_UPLOAD}.filename": list(files),
    })


def test_upload_with_bad_rows_lists_them_and_writes_nothing(client, demo_app):
    from dashboard import store

    service = demo_app.server.extensions["territory_service"]
    version = store.data_version(service.engine)
    status, body = upload(client, demo_app, {
        "territories.csv": b"territory_id,territory_name,region\nT90,,West\nT91,Nine,West\n",
        "alignment.csv": b"county_fips,territory_id\n06037,T404\n",
    })
    assert status == 200
    text = str(body["response"][ids.IMPORT_RESULT]["children"])
    assert "Nothing was imported" in text
    assert "territories.csv row 2" in text and "alignment.csv row 2" in text
    assert store.data_version(service.engine) == version


def test_upload_of_valid_rows_is_imported(client, demo_app):
    from dashboard import store

    service = demo_app.server.extensions["territory_service"]
    status, body = upload(client, demo_app, {
        "territories.csv": b"\xef\xbb\xbfterritory_id;territory_name;region\nT90;New One;West\n",
    })
    assert status == 200
    assert "Imported 1 territories" in str(body["response"][ids.IMPORT_RESULT]["children"])
    assert "T90" in set(store.read_dataset(service.engine).territories["territory_id"])


def test_import_problems_are_listed_in_the_browsers_language(client, demo_app):
    from dashboard import store

    service = demo_app.server.extensions["territory_service"]
    version = store.data_version(service.engine)
    speaking(client, "fr-FR,fr;q=0.9,en;q=0.5")
    status, body = upload(client, demo_app, {
        "territories.csv": b"territory_id,territory_name,region\nT90,,West\nT91,Nine,West\n",
        "alignment.csv": b"county_fips,territory_id\n06037,T404\n",
    })
    assert status == 200
    text = str(body["response"][ids.IMPORT_RESULT]["children"])
    assert "Rien n'a été importé : 2 problèmes doivent d'abord être corrigés." in text
    assert ("territories.csv ligne 2, colonne territory_name : territory_name est manquant"
            in text)
    assert "alignment.csv ligne 2, colonne territory_id : le territoire T404 n'existe pas" in text
    assert store.data_version(service.engine) == version

    status, body = upload(client, demo_app, {
        "territories.csv": b"territory_id,territory_name,region\nT92,Nouveau,West\n",
    })
    assert status == 200
    assert "Données importées : territories (1)." in str(
        body["response"][ids.IMPORT_RESULT]["children"])


def test_a_picked_date_range_becomes_the_period_in_the_url(client, demo_app):
    status, body = post_callback(client, demo_app, (ids.URL, "search"), {
        f"{ids.URL}.search": "?region=West",
        f"{ids.PERIOD}.value": "qtd", f"{ids.REGION}.value": "West",
        f"{ids.SEGMENT}.value": "all",
        f"{ids.PERIOD_RANGE}.start_date": "2026-07-01",
        f"{ids.PERIOD_RANGE}.end_date": "2026-07-31",
    }, changed=[f"{ids.PERIOD_RANGE}.end_date"])
    assert status == 200
    response = body["response"]
    assert response[ids.URL]["search"] == "?period=2026-07-01..2026-07-31&region=West"
    assert response[ids.PERIOD]["value"] == "2026-07-01..2026-07-31"


def test_controls_that_match_the_url_leave_it_alone(client, demo_app):
    """Rewriting an unchanged query re-renders the page (dcc.Location re-announces
    its pathname), which dropped a territory outline clicked meanwhile."""
    values = {f"{ids.URL}.search": "?period=ytd", f"{ids.PERIOD}.value": "ytd",
              f"{ids.REGION}.value": "all", f"{ids.SEGMENT}.value": "all",
              f"{ids.PERIOD_RANGE}.start_date": None, f"{ids.PERIOD_RANGE}.end_date": None}
    status, body = post_callback(client, demo_app, (ids.URL, "search"), values,
                                 changed=[f"{ids.PERIOD}.value"])
    assert status in (200, 204)
    assert ids.URL not in ((body or {}).get("response") or {})
    values[f"{ids.PERIOD}.value"] = "t12"
    status, body = post_callback(client, demo_app, (ids.URL, "search"), values,
                                 changed=[f"{ids.PERIOD}.value"])
    assert status == 200 and body["response"][ids.URL]["search"] == "?period=t12"
