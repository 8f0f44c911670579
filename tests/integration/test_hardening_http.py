"""The web app's hardening through HTTP: security headers on every answer,
body size limits checked before a body is read, CSRF refusal of cross-site
posts, the sign-in limits by real client address and per username, and a
public /healthz that says only the status."""

from __future__ import annotations

import io
import json
import re
import threading

import pytest

from layouts import ids
from tests.dash_http import browser_headers, find_callback, payload, post_callback, sign_in

OVERVIEW = (ids.KPI_STRIP, "children")
OVERVIEW_VALUES = {f"{ids.PERIOD}.value": "qtd", f"{ids.REGION}.value": "all",
                   f"{ids.SEGMENT}.value": "all", f"{ids.MAP_KPI_PICKER}.value": "attainment",
                   f"{ids.URL}.search": ""}


@pytest.fixture
def proxied_app(demo_settings):
    """The app behind one trusted proxy (``TD_TRUSTED_PROXIES=1``)."""
    from app import create_app

    return create_app(demo_settings.with_(trusted_proxies=1))


def csp_of(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    return {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}


def assert_hardened(response, where):
    csp = csp_of(response)
    assert csp.get("frame-ancestors") == ["'none'"], where
    assert csp.get("object-src") == ["'none'"], where
    script = csp.get("script-src", [])
    assert "'self'" in script and "'unsafe-eval'" not in script, where
    assert "'unsafe-inline'" not in script, where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where
    assert "Strict-Transport-Security" not in response.headers, where  # plain http


# --- headers ---------------------------------------------------------------------

def test_security_headers_on_pages_callbacks_assets_errors_and_the_sign_in_form(demo_app):
    unsigned = demo_app.server.test_client()
    assert_hardened(unsigned.get("/login"), "/login")
    assert_hardened(unsigned.get("/healthz"), "/healthz")
    client = sign_in(demo_app.server.test_client())
    page = client.get("/")
    assert_hardened(page, "/")
    # Dash's one inline script (the renderer's start) is allowed by its hash
    inline = re.findall(r"<script>(.*?)</script>", page.get_data(as_text=True), re.S)
    assert inline and set(demo_app.csp_hashes()) <= set(csp_of(page)["script-src"])
    answer = client.post("/_dash-update-component", headers=browser_headers(client),
                         json=payload(*find_callback(demo_app, *OVERVIEW), OVERVIEW_VALUES))
    assert answer.status_code == 200
    assert_hardened(answer, "callback")
    assert_hardened(client.get("/assets/map.js"), "asset")
    assert_hardened(client.get("/no-such-page-at-all.txt"), "error")


def test_hsts_only_when_the_request_came_over_https(demo_app, proxied_app):
    hsts = "Strict-Transport-Security"
    plain = demo_app.server.test_client()
    assert hsts not in plain.get("/login").headers
    assert "max-age=" in plain.get("/login", base_url="https://localhost").headers[hsts]
    # X-Forwarded-Proto counts only from a trusted proxy
    forwarded = {"X-Forwarded-Proto": "https"}
    assert hsts not in plain.get("/login", headers=forwarded).headers
    behind = proxied_app.server.test_client()
    assert "max-age=" in behind.get("/login", headers=forwarded).headers[hsts]
    assert hsts not in behind.get("/login").headers


# --- body size ---------------------------------------------------------------------

def post_counted(client, path, data: bytes, content_type: str, headers=None):
    """POST ``data`` as a stream; the stream's position afterwards is how much
    of the body the server read."""
    body = io.BytesIO(data)
    response = client.post(path, input_stream=body, content_length=len(data),
                           content_type=content_type, headers=headers or {})
    return response, body.tell()


def test_an_oversize_sign_in_body_is_refused_unread(demo_app):
    client = demo_app.server.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    form = f"csrf_token={token}&username=leader&password=".encode() + b"x" * (60 * 1024 * 1024)
    response, read = post_counted(client, "/login", form, "application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert read == 0


def test_an_oversize_callback_body_is_refused_before_any_hook_reads_it(demo_app):
    from callbacks.limits import CALLBACK_LIMIT

    client = sign_in(demo_app.server.test_client(), "manager-west")
    call = payload(*find_callback(demo_app, *OVERVIEW), OVERVIEW_VALUES)
    call["state"] = [{"id": "padding", "property": "data", "value": "x" * CALLBACK_LIMIT}]
    response, read = post_counted(client, "/_dash-update-component", json.dumps(call).encode(),
                                  "application/json", browser_headers(client))
    assert response.status_code == 413
    assert "too large" in response.get_json()["error"]
    assert read == 0  # neither the access hook nor Dash parsed it
    # the same call at its real size is answered
    assert post_callback(client, demo_app, OVERVIEW, OVERVIEW_VALUES)[0] == 200


def test_a_leaders_import_may_be_larger_than_an_ordinary_callback(demo_app):
    from callbacks.limits import CALLBACK_LIMIT
    from tests.dash_http import upload

    leader = sign_in(demo_app.server.test_client())
    status, body = upload(leader, demo_app, {"notes.csv": b"x" * CALLBACK_LIMIT})
    assert status == 200 and "notes.csv" in json.dumps(body)


# --- CSRF ----------------------------------------------------------------------------

def test_a_callback_post_needs_the_token_and_the_sites_own_origin(demo_app):
    client = sign_in(demo_app.server.test_client(), "manager-west")
    call = payload(*find_callback(demo_app, *OVERVIEW), OVERVIEW_VALUES)
    real = browser_headers(client)
    assert "X-CSRFToken" in real
    no_token = {k: v for k, v in real.items() if k != "X-CSRFToken"}
    for headers in (no_token, {**real, "X-CSRFToken": "forged"},
                    {**real, "Origin": "http://evil.example"},
                    {**real, "Origin": "null"},
                    {**real, "Sec-Fetch-Site": "cross-site"}):
        response = client.post("/_dash-update-component", json=call, headers=headers)
        assert response.status_code == 403, headers
    assert client.post("/_dash-update-component", json=call, headers=real).status_code == 200


def test_the_sign_in_form_refuses_a_foreign_origin(demo_app):
    client = demo_app.server.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    form = {"csrf_token": token, "username": "leader", "password": "demo-pass"}
    assert client.post("/login", data=form,
                       headers={"Origin": "http://evil.example"}).status_code == 403
    assert client.post("/login", data=form,
                       headers={"Origin": "http://localhost"}).status_code == 302


# --- sign-in limits ------------------------------------------------------------------

def fail_sign_in(client, username="leader", headers=None, password="wrong-pass"):
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    return client.post("/login", headers=headers or {}, data={
        "csrf_token": token, "username": username, "password": password}).status_code


def test_behind_a_trusted_proxy_each_client_address_has_its_own_count(proxied_app):
    client = proxied_app.server.test_client()
    first, second = {"X-Forwarded-For": "203.0.113.5"}, {"X-Forwarded-For": "203.0.113.6"}
    assert [fail_sign_in(client, f"user-{n}", first) for n in range(20)] == [401] * 20
    assert fail_sign_in(client, "user-20", first) == 429
    # the other client behind the same proxy is not locked out
    assert fail_sign_in(client, "user-21", second) == 401


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(demo_app):
    client = demo_app.server.test_client()
    answers = [fail_sign_in(client, f"user-{n}", {"X-Forwarded-For": f"203.0.113.{n}"})
               for n in range(21)]
    assert answers == [401] * 20 + [429]  # all counted against the socket's address


def test_an_attack_on_a_username_does_not_lock_out_its_owner_at_a_known_address(proxied_app):
    client = proxied_app.server.test_client()
    home, attacker = {"X-Forwarded-For": "198.51.100.7"}, {"X-Forwarded-For": "203.0.113.9"}
    assert fail_sign_in(client, "manager-west", home, "demo-pass") == 302  # seen here before
    client.post("/logout", data={"csrf_token": "x"})
    owner = proxied_app.server.test_client()
    assert [fail_sign_in(client, "manager-west", attacker) for _ in range(6)] == [401] * 5 + [429]
    # the attacker is slowed down even with the right password ...
    assert fail_sign_in(client, "manager-west", attacker, "demo-pass") == 429
    # ... the owner at their usual address signs in
    assert fail_sign_in(owner, "manager-west", home, "demo-pass") == 302


@pytest.mark.parametrize("failures, next_answer", [(20, 429), (19, 401)])
def test_concurrent_failures_are_counted_exactly(demo_app, failures, next_answer):
    clients = [demo_app.server.test_client() for _ in range(failures)]
    tokens = [re.search(r'name="csrf_token" value="([^"]+)"',
                        c.get("/login").get_data(as_text=True)).group(1) for c in clients]
    start, answers = threading.Barrier(failures), []

    def fail(n):
        start.wait()
        answers.append(clients[n].post("/login", data={
            "csrf_token": tokens[n], "username": f"user-{n}", "password": "x"}).status_code)

    threads = [threading.Thread(target=fail, args=(n,)) for n in range(failures)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [401] * failures
    assert fail_sign_in(demo_app.server.test_client(), "someone-else") == next_answer


# --- health --------------------------------------------------------------------------

def test_healthz_tells_the_public_only_the_status(demo_settings):
    from app import create_app

    app = create_app(demo_settings.with_(health_token="operator-secret"))
    client = app.server.test_client()
    for headers in ({}, {"X-Health-Token": "guess"}):
        answer = client.get("/healthz", headers=headers)
        assert answer.status_code == 200 and answer.get_json() == {"status": "ok"}
    detailed = client.get("/healthz", headers={"X-Health-Token": "operator-secret"}).get_json()
    assert detailed["status"] == "ok" and detailed["checks"]["database"]["ok"]
    assert isinstance(detailed["worker"], int)
