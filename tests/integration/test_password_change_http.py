"""A one-time password opens nothing but the form that replaces it
(callbacks/password_change.py): the first sign-in of a rep made by the
first-run path lands there, no page nor callback serves data until the rep
has set their own password, and then only the new one signs in (any other
session opened with the one-time password ends)."""

from __future__ import annotations

import re

import pytest

from dashboard.access import users
from layouts import ids
from tests.dash_http import browser_headers, post_callback, sign_in

REP_ID = "R046"
NEW = "my-own-password-9"


def _form_token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.fixture
def fresh_rep(demo_app):
    """A demo rep given a sign-in by the first-run step (a one-time password)."""
    engine = demo_app.server.extensions["territory_service"].engine
    [(username, one_time)] = users.add_rep_accounts(engine, [("avery", REP_ID, "Avery")])
    return demo_app, username, one_time


def _scorecard(client, app):
    return post_callback(client, app, (ids.SCORECARD_CONTENT, "children"), {
        f"{ids.SCORECARD_REP}.value": REP_ID, f"{ids.PERIOD}.value": "qtd",
        f"{ids.URL}.search": ""})


def _change(client, current: str, new: str, repeat: str | None = None):
    return client.post("/password", data={
        "csrf_token": _form_token(client, "/password"), "current_password": current,
        "new_password": new, "repeat_password": new if repeat is None else repeat,
        "next": "/"}, headers={"Origin": "http://localhost"})


def test_a_first_sign_in_must_set_a_password_before_any_data(fresh_rep):
    app, username, one_time = fresh_rep
    elsewhere = sign_in(app.server.test_client(), username, one_time)  # another browser
    client = app.server.test_client()
    token = _form_token(client, "/login")
    response = client.post("/login", data={"csrf_token": token, "username": username,
                                           "password": one_time, "next": "/scorecard"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/password?next=/scorecard"
    page = client.get("/password").get_data(as_text=True)
    assert "one-time password" in page and 'id="password-form"' in page
    # no page, no layout, no callback until then
    for path in ("/", "/scorecard", "/what-if"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith(
            "/password?next=")
    for path in ("/_dash-layout", "/_dash-dependencies", "/_td/accounts.geojson"):
        assert client.get(path).status_code == 403, path
    status, body = _scorecard(client, app)
    assert status == 403 and body == {"error": "set your own password first"}

    # the form's own checks: nothing changes, still locked
    assert _change(client, "not-the-one-time", NEW).status_code == 401
    short = _change(client, one_time, "short")
    assert short.status_code == 400 and "at least 8 characters" in short.get_data(as_text=True)
    assert _change(client, one_time, NEW, repeat=NEW + "x").status_code == 400
    assert _change(client, one_time, one_time).status_code == 400
    forged = client.post("/password", data={"csrf_token": "forged", "current_password": one_time,
                                            "new_password": NEW, "repeat_password": NEW})
    assert forged.status_code == 400
    assert _scorecard(client, app)[0] == 403

    done = _change(client, one_time, NEW)
    assert done.status_code == 302 and done.headers["Location"] == "/scorecard"
    status, body = _scorecard(client, app)
    reps = app.server.extensions["territory_service"].frames().reps
    assert status == 200 and reps.set_index("rep_id").at[REP_ID, "rep_name"] in str(body)
    # the session signed in elsewhere with the one-time password has ended
    assert elsewhere.get("/_dash-layout").status_code == 401

    # the one-time password is spent; the new one signs straight in
    again = app.server.test_client()
    response = again.post("/login", data={"csrf_token": _form_token(again, "/login"),
                                          "username": username, "password": one_time})
    assert response.status_code == 401
    response = again.post("/login", data={"csrf_token": _form_token(again, "/login"),
                                          "username": username, "password": NEW})
    assert response.status_code == 302 and response.headers["Location"] == "/scorecard"
    assert again.get("/_dash-layout").status_code == 200


def test_a_leader_hands_over_a_one_time_password_by_reset(demo_app):
    engine = demo_app.server.extensions["territory_service"].engine
    users.reset_password(engine, "manager-west", "handed-over-1", one_time=True)
    client = sign_in(demo_app.server.test_client(), "manager-west", "handed-over-1")
    assert client.get("/").headers["Location"].startswith("/password")
    assert client.post("/_dash-update-component", headers=browser_headers(client),
                       json={"output": "x"}).status_code == 403


def test_wrong_current_passwords_are_rate_limited_like_sign_ins(fresh_rep):
    app, username, one_time = fresh_rep
    client = sign_in(app.server.test_client(), username, one_time)
    for _ in range(5):
        assert _change(client, "wrong-password", NEW).status_code == 401
    response = _change(client, one_time, NEW)
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.get_data(as_text=True)
