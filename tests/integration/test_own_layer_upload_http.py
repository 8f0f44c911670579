"""A boundary file added as a unit layer from the import page (issue 19 item 2), over HTTP
as the browser calls the page's callbacks: the seven made-up départements
(tests/data/departements.geojson) uploaded by a leader, id ``code``, name ``nom``, parent
``region`` picked, checked, added, the empty instance switched onto the layer, the small
dataset of tests/data/departements_data imported; then the geometry route serves the
départements and ``kpis`` gives T1 the bookings tests/integration/test_own_layer.py works
out by hand (O1 30k + O2 20k won in 01 and 02). A refused file stores nothing and says
why; a manager's forged calls get nothing."""

from __future__ import annotations

import base64
import json

import pytest

from dashboard.access import users
from dashboard.ingest.service import import_files
from dashboard.layers import topojson
from dashboard.storage import store, unit_layers
from layouts import ids
from tests.dash_http import Job, find, post_callback, sign_in
from tests.integration.test_own_layer import (
    BOUNDARIES,
    DATA,
    PASSWORD,
    fetch,
    kpis,
    settings_of,
)


@pytest.fixture
def empty_app(tmp_path):
    """An app on an empty instance folder, with a leader (boss) and a manager (west)."""
    from app import create_app

    app = create_app(settings_of(tmp_path))
    engine = app.server.extensions["territory_service"].engine
    users.add_user(engine, "boss", PASSWORD, "leader")
    users.add_user(engine, "west", PASSWORD, "manager", scope="West")
    return app


def engine_of(app):
    return app.server.extensions["territory_service"].engine


def upload_boundaries(client, app, content: bytes = BOUNDARIES.read_bytes(),
                      name: str = "departements.geojson"):
    """Drop a boundary file on the section; (status, the answer's outputs)."""
    contents = "data:application/geo+json;base64," + base64.b64encode(content).decode()
    status, body = post_callback(client, app, (ids.LAYER_FORM, "children"), {
        f"{ids.LAYER_UPLOAD}.contents": contents, f"{ids.LAYER_UPLOAD}.filename": name})
    return status, (body or {}).get("response", {})


def press(client, app, button: str, data, id_property="code", name_property="nom",
          parent_property="region", layer="fr"):
    """Check or Add layer pressed with the properties picked (``data``: the upload's
    store, the file's token and the signed viewer); the job run to its end as the
    browser polls it. (status of the call that starts it, what it shows)."""
    job = Job(client, app, (ids.LAYER_RESULT, "children"), {
        f"{button}.n_clicks": 1, f"{ids.LAYER_TOKEN}.data": data,
        f"{ids.LAYER_ID_PROPERTY}.value": id_property,
        f"{ids.LAYER_NAME_PROPERTY}.value": name_property,
        f"{ids.LAYER_PARENT_PROPERTY}.value": parent_property,
        f"{ids.LAYER_NAME}.value": layer})
    if job.status != 200:
        return job.status, None
    return job.status, job.answer()[ids.LAYER_RESULT]["children"]


def use(client, app, data, layer="fr"):
    """"Use this layer for the data" pressed (``data``: the upload's store); the job run
    to its end. (status of the call that starts it, what it shows as JSON text)."""
    job = Job(client, app, (ids.LAYER_USE_RESULT, "children"), {
        f"{ids.LAYER_USE}.n_clicks": 1, f"{ids.LAYER_ADDED}.data": layer,
        f"{ids.LAYER_TOKEN}.data": data})
    if job.status != 200:
        return job.status, ""
    return job.status, json.dumps(job.answer(), ensure_ascii=False)


def test_a_leader_uploads_the_departements_and_the_data_runs_on_them(empty_app, tmp_path,
                                                                    capsys):
    client = sign_in(empty_app.server.test_client(), "boss", PASSWORD)
    status, answer = upload_boundaries(client, empty_app)
    assert status == 200
    form = answer[ids.LAYER_FORM]["children"]
    # the properties offered, the unique one picked as the id, nom and region as named
    assert find(form, ids.LAYER_ID_PROPERTY)["options"] == ["code", "nom", "region"]
    assert find(form, ids.LAYER_ID_PROPERTY)["value"] == "code"
    assert find(form, ids.LAYER_NAME_PROPERTY)["value"] == "nom"
    assert find(form, ids.LAYER_PARENT_PROPERTY)["value"] == "region"
    assert find(form, ids.LAYER_NAME)["value"] == "departements"
    assert "departements.geojson: 7 features" in json.dumps(form, ensure_ascii=False)
    token = answer[ids.LAYER_TOKEN]["data"]
    assert set(token) == {"token", "viewer"}

    status, shown = press(client, empty_app, ids.LAYER_CHECK, token)
    assert status == 200
    assert "The file makes 7 units: it can be added as layer fr." in json.dumps(shown)
    assert unit_layers.names(engine_of(empty_app)) == []  # a check stores nothing

    status, shown = press(client, empty_app, ids.LAYER_ADD, token)
    assert status == 200
    assert "Layer fr added: 7 units." in json.dumps(shown)
    assert find(shown, ids.LAYER_ADDED)["data"] == "fr"
    assert unit_layers.names(engine_of(empty_app)) == ["fr"]

    status, said = use(client, empty_app, token)
    assert status == 200
    assert "units: layer:fr (7 units); import data naming them next" in said
    files = [(p.name, p.read_bytes()) for p in sorted((DATA / "departements_data").iterdir())]
    assert import_files(engine_of(empty_app), files).ok

    units = topojson.decode(fetch(client, "counties", empty_app), "units")
    assert sorted(str(u.id) for u in units) == ["01", "02", "03", "04", "05", "06", "2A"]
    assert {str(u.id): u for u in units}["2A"].properties["label"] == "Île-Claire"
    table = kpis(tmp_path, "territory", capsys)
    assert float(table["T1"]["bookings"]) == 50_000


def test_using_the_layer_on_data_outside_it_writes_nothing_and_says_why(empty_app):
    """Data on US counties (an account in 06037 with no point in the départements): the
    switch lists the account and the alignment row, and the data stays as it was."""
    client = sign_in(empty_app.server.test_client(), "boss", PASSWORD)
    engine = engine_of(empty_app)
    data = upload_boundaries(client, empty_app)[1][ids.LAYER_TOKEN]["data"]
    press(client, empty_app, ids.LAYER_ADD, data)
    files = {"territories.csv": "territory_id,territory_name,region\nT1,One,West\n",
             "alignment.csv": "county_fips,territory_id,effective_from\n06037,T1,2026-01-01\n",
             "accounts.csv": "account_id,account_name,county_fips,lat,lon,annual_potential\n"
                             "A1,Acme,06037,34.05,-118.24,1000\n"}
    assert import_files(engine, [(n, t.encode()) for n, t in files.items()]).ok
    version = store.data_version(engine)
    status, said = use(client, empty_app, data)
    assert status == 200
    assert "Nothing was written: 2 problems, the data stays on its units." in said
    assert "account A1: outside every unit of fr and names none of its units (06037)" in said
    assert "alignment: 06037 is no unit of fr" in said
    assert store.data_version(engine) == version
    assert store.read_dataset(engine).accounts["county_fips"].tolist() == ["06037"]


@pytest.mark.parametrize(("id_property", "reason", "problems"), [
    # R1 holds features 1-3, R2 4-6: features 2, 3, 5 and 6 repeat an id (4 problems)
    ("region", "departements.geojson feature 2, property region: id R1 is already used "
               "by feature 1", "4 problems"),
    ("kode", "departements.geojson property kode: no feature has this property; "
             "the file's properties are code, nom, region", "1 problem,"),
])
def test_a_refused_file_says_why_and_stores_nothing(empty_app, id_property, reason, problems):
    client = sign_in(empty_app.server.test_client(), "boss", PASSWORD)
    _status, answer = upload_boundaries(client, empty_app)
    token = answer[ids.LAYER_TOKEN]["data"]
    for button in (ids.LAYER_CHECK, ids.LAYER_ADD):
        status, shown = press(client, empty_app, button, token, id_property=id_property,
                              parent_property=None)
        text = json.dumps(shown, ensure_ascii=False)
        assert status == 200
        assert reason in text
        assert ids.LAYER_USE not in text
    assert f"Layer fr not added: {problems}" in text and "nothing was stored" in text
    assert unit_layers.names(engine_of(empty_app)) == []


def test_a_file_that_is_no_boundary_file_is_refused_with_the_reason(empty_app):
    client = sign_in(empty_app.server.test_client(), "boss", PASSWORD)
    status, answer = upload_boundaries(client, empty_app, b"code,nom\n01,Ain\n", "dep.csv")
    assert status == 200
    text = json.dumps(answer[ids.LAYER_FORM]["children"], ensure_ascii=False)
    assert "dep.csv: not a GeoJSON, TopoJSON or zipped Shapefile" in text
    assert answer[ids.LAYER_TOKEN]["data"] is None


def test_a_managers_forged_calls_get_nothing_and_store_nothing(empty_app):
    leader = sign_in(empty_app.server.test_client(), "boss", PASSWORD)
    token = upload_boundaries(leader, empty_app)[1][ids.LAYER_TOKEN]["data"]
    manager = sign_in(empty_app.server.test_client(), "west", PASSWORD)
    status, answer = upload_boundaries(manager, empty_app)
    assert status == 403 and answer == {}
    for button in (ids.LAYER_CHECK, ids.LAYER_ADD):
        status, shown = press(manager, empty_app, button, token)
        assert status == 403 and shown is None
    assert use(manager, empty_app, token)[0] == 403
    assert unit_layers.names(engine_of(empty_app)) == []


def test_the_zipped_shapefile_of_the_departements_is_added_the_same_way(empty_app):
    """The same seven départements as a zipped Shapefile with its .prj (Lambert-93)."""
    from tests.unit.layers.test_boundary_files import _features, _zipped_shapefile

    client = sign_in(empty_app.server.test_client(), "boss", PASSWORD)
    status, answer = upload_boundaries(client, empty_app, _zipped_shapefile(_features()),
                                       "departements.zip")
    assert status == 200
    form = answer[ids.LAYER_FORM]["children"]
    assert find(form, ids.LAYER_ID_PROPERTY)["options"] == ["code", "nom", "region"]
    assert find(form, ids.LAYER_ID_PROPERTY)["value"] == "code"
    status, shown = press(client, empty_app, ids.LAYER_ADD, answer[ids.LAYER_TOKEN]["data"])
    assert "Layer fr added: 7 units." in json.dumps(shown)
    assert unit_layers.names(engine_of(empty_app)) == ["fr"]


def test_add_with_a_forged_viewer_stores_nothing(empty_app):
    """The job has no session: it trusts only the viewer the upload signed."""
    client = sign_in(empty_app.server.test_client(), "boss", PASSWORD)
    data = upload_boundaries(client, empty_app)[1][ids.LAYER_TOKEN]["data"]
    status, shown = press(client, empty_app, ids.LAYER_ADD, {**data, "viewer": "forged"})
    assert status == 200
    assert "The boundary file is no longer here: upload it again." in json.dumps(shown)
    assert unit_layers.names(engine_of(empty_app)) == []


def test_repairs_and_overlaps_are_listed_as_warnings_and_the_layer_is_added(empty_app):
    """Feature 1 (01, the square 650-700 km x 6,600-6,650 km) drawn as a bow tie: repaired
    into two triangles, which leave the rest of the square a gap; and feature 2 (02)
    pushed 10 km west over 01's square: an overlap. Warnings, not refusals."""
    data = json.loads(BOUNDARIES.read_bytes())
    data["features"][0]["geometry"]["coordinates"] = [[
        [650000, 6600000], [700000, 6650000], [700000, 6600000], [650000, 6650000],
        [650000, 6600000]]]
    ring = data["features"][1]["geometry"]["coordinates"][0]
    data["features"][1]["geometry"]["coordinates"] = [[[x - 10000, y] for x, y in ring]]
    client = sign_in(empty_app.server.test_client(), "boss", PASSWORD)
    _status, answer = upload_boundaries(client, empty_app, json.dumps(data).encode())
    status, shown = press(client, empty_app, ids.LAYER_ADD, answer[ids.LAYER_TOKEN]["data"])
    text = json.dumps(shown, ensure_ascii=False)
    assert status == 200
    assert "Layer fr added: 7 units." in text and "Warnings:" in text
    assert "warning: departements.geojson feature 1: invalid geometry repaired (" in text
    assert "property code: unit 02 overlaps unit 01 (feature 1) over" in text
    assert unit_layers.names(engine_of(empty_app)) == ["fr"]
