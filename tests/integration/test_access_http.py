"""Access enforced on the server, proved by posting to the endpoints directly."""

from __future__ import annotations

import json
import re

import pytest
from dash import Input, Output

from callbacks import guard
from dashboard.access.rules import LEVELS
from layouts import ids
from tests.dash_http import post_callback, post_key, sign_in

REP, REP_ID = "r046", "R046"  # the demo's Derek Taylor


#: the navigation's links as a rep's page holds them (its callback writes ALL)
NAV_LINKS = {"type": ids.NAV_LINK, "path": ["ALL"]}
LINKS = [{"type": ids.NAV_LINK, "path": path} for path in ("/scorecard", "/attainment")]


def every_callback(app):
    return list(app.callback_map.items())


#: (region asked for, another territory or rep, page) per forged request
VARIANTS = {"territory": ("all", "T01", "/"), "rep": ("West", "R001", "/attainment"),
            "region": ("Northeast", "T01", "/pipeline")}


def forged_value(dep: dict, variant: str):
    """A value for one input: the global controls valid (so a view that does
    not confine its data would answer with it), everything else naming
    someone outside a rep's scope."""
    region, other, page = VARIANTS[variant]
    valid = {
        (ids.PERIOD, "value"): "qtd", (ids.REGION, "value"): region,
        (ids.SEGMENT, "value"): "all", (ids.MAP_KPI_PICKER, "value"): "attainment",
        (ids.ATTAINMENT_LEVEL, "value"): "territory", (ids.URL, "search"): "",
        (ids.URL, "pathname"): page, (ids.MAP_ACCOUNTS_SWITCH, "value"): True,
    }
    if (dep["id"], dep["property"]) in valid:
        return valid[(dep["id"], dep["property"])]
    by_prop = {
        "clickData": {"properties": {"territory_id": other, "fips": "36029"},
                      "points": [{"customdata": [other], "y": other, "x": other}]},
        "cellClicked": {"rowId": other, "colId": "name", "value": other},
        "selectedRows": [{"id": 1, "territory_id": other, "rep_id": other}],
        "n_clicks": 1, "contents": None, "filename": None, "hideout": {},
    }
    return by_prop.get(dep["property"], other)


def payload(key, spec, variant):
    return {f"{d['id']}.{d['property']}": forged_value(d, variant)
            for d in spec["inputs"] + spec.get("state", []) if isinstance(d["id"], str)}


def other_people(app):
    """Names and ids the rep must never receive: every other territory and rep."""
    frames = app.server.extensions["territory_service"].frames()
    territories = frames.territories.drop(frames.reps.at[REP_ID, "territory_id"])
    reps = frames.reps.drop(REP_ID)
    return (set(territories["territory_name"]) | set(reps["rep_name"]),
            set(territories.index))


def test_every_callback_declares_who_may_call_it(demo_app):
    """A callback added without ``@guard.level`` fails here (and is refused to
    everyone by the request hook)."""
    undeclared = [key for key, spec in every_callback(demo_app)
                  if guard.declared_level(spec["callback"]) not in LEVELS]
    assert undeclared == []


@pytest.mark.parametrize("variant", ["territory", "rep", "region"])
def test_a_rep_forging_requests_gets_nothing_of_anyone_else(demo_app, variant):
    client = sign_in(demo_app.server.test_client(), REP)
    names, territory_ids = other_people(demo_app)
    # territory ids, not the "T12" of "T12 bookings" (trailing twelve months)
    id_pattern = re.compile(r"\b(T\d{2,3})\b(?! [Bb]ookings)")
    answered = 0
    for key, spec in every_callback(demo_app):
        values = payload(key, spec, variant)
        status, body = post_key(client, key, spec, values, changed=list(values)[:1],
                                expand={json.dumps(NAV_LINKS): LINKS})
        assert status in (200, 204, 403), (key, status)
        if status != 200:
            continue
        answered += 1
        text = json.dumps(body)
        leaked_names = {n for n in names if n in text}
        leaked_ids = set(id_pattern.findall(text)) & territory_ids
        assert not leaked_names and not leaked_ids, (key, leaked_names, leaked_ids)
    # the rep's own callbacks (navigation, scorecard, exports) did answer
    assert answered >= 3


def test_a_rep_is_refused_every_manager_and_leader_callback(demo_app):
    client = sign_in(demo_app.server.test_client(), REP)
    for key, spec in every_callback(demo_app):
        if guard.declared_level(spec["callback"]) == "any":
            continue
        response = client.post("/_dash-update-component", json={
            "output": key, "outputs": [], "inputs": [], "state": [], "changedPropIds": []})
        assert response.status_code == 403, key


def test_a_rep_asking_for_another_scorecard_gets_their_own(demo_app):
    client = sign_in(demo_app.server.test_client(), REP)
    status, body = post_callback(client, demo_app, (ids.SCORECARD_CONTENT, "children"),
                                 {f"{ids.SCORECARD_REP}.value": "R001",
                                  f"{ids.PERIOD}.value": "qtd", f"{ids.URL}.search": ""})
    assert status == 200
    text = json.dumps(body)
    assert "Derek Taylor" in text and "Grace Lee" not in text


def test_a_rep_opening_another_page_is_told_it_is_not_theirs(demo_app):
    client = sign_in(demo_app.server.test_client(), REP)
    status, body = post_callback(client, demo_app, (ids.PAGE, "children"),
                                 {f"{ids.URL}.pathname": "/attainment", f"{ids.URL}.search": ""})
    assert status == 200 and "Not available" in json.dumps(body)


# --- managers: their region only ------------------------------------------------

def region_territories(app, region):
    territories = app.server.extensions["territory_service"].frames().territories
    return set(territories.index[territories["region"] == region])


def overview(client, app, region):
    values = {f"{ids.PERIOD}.value": "qtd", f"{ids.REGION}.value": region,
              f"{ids.SEGMENT}.value": "all", f"{ids.MAP_KPI_PICKER}.value": "attainment",
              f"{ids.URL}.search": ""}
    status, body = post_callback(client, app, (ids.KPI_STRIP, "children"), values)
    assert status == 200
    ops = body["response"][ids.MAP_TERRITORIES]["hideout"]["operations"]
    return next(op["params"]["value"] for op in ops if op["location"] == ["colors"])


def test_a_manager_sees_their_region_whatever_region_is_asked_for(demo_app, caplog):
    client = sign_in(demo_app.server.test_client(), "manager-west")
    assert set(overview(client, demo_app, "all")) == region_territories(demo_app, "West")
    assert set(overview(client, demo_app, "West")) == region_territories(demo_app, "West")
    assert overview(client, demo_app, "South") == {}
    assert "out-of-scope request refused: user=manager-west" in caplog.text


def test_a_manager_cannot_open_a_territory_of_another_region(demo_app):
    client = sign_in(demo_app.server.test_client(), "manager-west")
    south = sorted(region_territories(demo_app, "South"))[0]
    values = {f"{ids.DRILLDOWN_TERRITORY}.data": south, f"{ids.PERIOD}.value": "qtd",
              f"{ids.REGION}.value": "all", f"{ids.SEGMENT}.value": "all",
              f"{ids.URL}.search": "", f"{ids.DRILLDOWN}.is_open": False}
    status, body = post_callback(client, demo_app, (ids.DRILLDOWN, "children"), values,
                                 changed=[f"{ids.DRILLDOWN_TERRITORY}.data"])
    assert status == 200
    name = demo_app.server.extensions["territory_service"].frames().territories.at[
        south, "territory_name"]
    text = json.dumps(body)
    assert "No such territory" in text and name not in text


def test_a_manager_is_refused_the_import(demo_app):
    client = sign_in(demo_app.server.test_client(), "manager-west")
    status, _ = post_callback(client, demo_app, (ids.IMPORT_RESULT, "children"),
                              {f"{ids.IMPORT_UPLOAD}.contents": None})
    assert status == 403


def test_account_points_follow_the_viewer_scope(demo_app):
    client = sign_in(demo_app.server.test_client(), "manager-west")
    south = client.get("/_td/accounts.geojson?region=South",
                       headers={"Accept-Encoding": "identity"}).get_json()
    west = client.get("/_td/accounts.geojson", headers={"Accept-Encoding": "identity"}).get_json()
    assert south["features"] == [] and len(west["features"]) > 100


# --- unsigned requests, the form, the cookie ------------------------------------

def test_unsigned_requests_are_refused_or_sent_to_sign_in(demo_app):
    client = demo_app.server.test_client()
    for path in ("/", "/attainment", "/scorecard", "/import", "/what-if"):
        response = client.get(path)
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    for path in ("/_dash-layout", "/_dash-dependencies", "/_td/accounts.geojson"):
        assert client.get(path).status_code == 401
    for key, _spec in every_callback(demo_app):
        response = client.post("/_dash-update-component", json={"output": key})
        assert response.status_code == 401, key
    assert client.get("/login").status_code == 200


def login_form(client):
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_the_sign_in_form_needs_its_csrf_token(demo_app):
    client = demo_app.server.test_client()
    login_form(client)
    for token in (None, "forged"):
        data = {"username": "leader", "password": "demo-pass"}
        if token:
            data["csrf_token"] = token
        response = client.post("/login", data=data)
        assert response.status_code == 400
    assert client.get("/_dash-layout").status_code == 401  # still signed out


def form_token(node):
    """The sign-out form's hidden CSRF value in the layout JSON."""
    if isinstance(node, dict):
        props = node.get("props") or {}
        if props.get("name") == "csrf_token":
            return props["value"]
        return next((t for t in map(form_token, node.values()) if t), None)
    if isinstance(node, list):
        return next((t for t in map(form_token, node) if t), None)
    return None


def test_sign_out_needs_the_token_and_ends_the_session(demo_app):
    client = sign_in(demo_app.server.test_client())
    assert client.post("/logout").status_code == 400
    assert client.get("/_dash-layout").status_code == 200
    token = form_token(client.get("/_dash-layout").get_json())
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/_dash-layout").status_code == 401


def test_failed_sign_ins_are_rate_limited(demo_app):
    client = demo_app.server.test_client()
    for _ in range(5):
        response = client.post("/login", data={"csrf_token": login_form(client),
                                               "username": "leader", "password": "wrong-pass"})
        assert response.status_code == 401
        assert "Wrong username or password" in response.get_data(as_text=True)
    # even the right password waits now
    response = client.post("/login", data={"csrf_token": login_form(client),
                                           "username": "leader", "password": "demo-pass"})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.get_data(as_text=True)


def test_the_session_cookie_is_httponly_samesite_and_secure_over_https(demo_app):
    for base, secure in (("http://localhost", False), ("https://localhost", True)):
        client = demo_app.server.test_client()
        page = client.get("/login", base_url=base).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = client.post("/login", base_url=base, data={
            "csrf_token": token, "username": "leader", "password": "demo-pass"})
        assert response.status_code == 302
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert ("Secure" in cookie) is secure


def test_a_wrong_or_unknown_user_gets_the_same_answer(demo_app):
    client = demo_app.server.test_client()
    answers = []
    for username in ("leader", "nobody-at-all"):
        response = client.post("/login", data={"csrf_token": login_form(client),
                                               "username": username, "password": "bad-pass"})
        answers.append((response.status_code, "Wrong username or password"
                        in response.get_data(as_text=True)))
    assert answers == [(401, True), (401, True)]


def test_next_never_leaves_the_site(demo_app):
    client = demo_app.server.test_client()
    response = client.post("/login", data={"csrf_token": login_form(client), "username": "leader",
                                           "password": "demo-pass",
                                           "next": "//evil.example.com/x"})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_callback_registered_without_a_level_is_refused_even_to_a_leader(demo_app):
    @demo_app.callback(Output(ids.AS_OF, "title"), Input(ids.PERIOD, "value"))
    def careless(period):
        return "leaks?"

    client = sign_in(demo_app.server.test_client())
    status, _ = post_callback(client, demo_app, (ids.AS_OF, "title"),
                              {f"{ids.PERIOD}.value": "qtd"})
    assert status == 403
