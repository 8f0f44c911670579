"""The language a page speaks: the browser's by default, the user's choice
once made (saved on the user, so it follows them), and never another user's."""

from __future__ import annotations

import json
import re

from dashboard.access import users
from layouts import ids
from tests.dash_http import post_callback, sign_in, speaking

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}


def csrf(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def layout_text(client, headers=None) -> str:
    response = client.get("/_dash-layout", headers=headers or {})
    assert response.status_code == 200
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_the_sign_in_page_follows_the_browser_language(demo_app):
    client = demo_app.server.test_client()
    french = client.get("/login", headers=FRENCH).get_data(as_text=True)
    english = client.get("/login", headers=ENGLISH).get_data(as_text=True)
    assert '<html lang="fr">' in french and "Mot de passe" in french and "Se connecter" in french
    assert '<html lang="en">' in english and "Password" in english


def test_a_wrong_password_is_explained_in_french(demo_app):
    client = demo_app.server.test_client()
    token = csrf(client)
    response = client.post("/login", headers=FRENCH, data={
        "csrf_token": token, "username": "leader", "password": "not-it"})
    assert response.status_code == 401
    assert "Identifiant ou mot de passe incorrect." in response.get_data(as_text=True)


def test_without_a_saved_choice_the_app_follows_the_browser(demo_app):
    client = sign_in(demo_app.server.test_client(), "leader")
    french, english = layout_text(client, FRENCH), layout_text(client, ENGLISH)
    assert '"Carte"' in french and '"Se déconnecter"' in french and '"lang": "fr"' in french
    assert '"Map"' in english and '"Sign out"' in english and '"lang": "en"' in english


def test_the_switch_saves_the_choice_on_the_user_and_it_follows_them(demo_app):
    engine = demo_app.server.extensions["territory_service"].engine
    users.add_user(engine, "bilingual", "a-long-password-1", "rep", "R046")
    client = sign_in(demo_app.server.test_client(), "bilingual", "a-long-password-1")
    response = client.post("/language", headers=ENGLISH, data={
        "csrf_token": csrf(client), "language": "fr", "next": "/scorecard?period=ytd"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/scorecard?period=ytd")
    # the English browser no longer matters: the user chose French
    assert '"Mon tableau de bord"' in layout_text(client, ENGLISH)
    # another browser, another session: still French, because it is saved on the user
    other = sign_in(demo_app.server.test_client(), "bilingual", "a-long-password-1")
    assert '"Mon tableau de bord"' in layout_text(other, ENGLISH)
    # and back
    other.post("/language", data={"csrf_token": csrf(other), "language": "en", "next": "/"})
    assert '"My scorecard"' in layout_text(client, FRENCH)


def test_the_switch_refuses_a_forged_or_odd_request(demo_app):
    client = sign_in(demo_app.server.test_client(), "leader")
    assert client.post("/language", data={"language": "fr"}).status_code == 400  # no CSRF
    token = csrf(client)
    assert client.post("/language", data={"csrf_token": token,
                                          "language": "de"}).status_code == 400
    response = client.post("/language", data={"csrf_token": token, "language": "fr",
                                              "next": "https://evil.example/"})
    assert response.status_code == 302 and response.headers["Location"] in ("/", "http://localhost/")


def test_the_sign_in_page_switch_works_before_signing_in(demo_app):
    client = demo_app.server.test_client()
    response = client.post("/language", headers=ENGLISH, data={
        "csrf_token": csrf(client), "language": "fr", "next": "/login"})
    assert response.status_code == 302
    assert "Mot de passe" in client.get("/login", headers=ENGLISH).get_data(as_text=True)


def test_two_users_in_one_process_keep_their_own_language(demo_app):
    french_user = sign_in(demo_app.server.test_client(), "leader")
    english_user = sign_in(demo_app.server.test_client(), "manager-west")
    for _ in range(3):  # interleaved requests on one app (one process, shared threads)
        assert '"Carte"' in layout_text(french_user, FRENCH)
        assert '"Map"' in layout_text(english_user, ENGLISH)


def test_callback_answers_speak_the_language_too(demo_app):
    client = sign_in(demo_app.server.test_client(), "leader")
    speaking(client, "fr")
    status, body = post_callback(client, demo_app, (ids.PAGE, "children"),
                                 {f"{ids.URL}.pathname": "/nowhere", f"{ids.URL}.search": ""})
    assert status == 200
    assert "Page introuvable" in json.dumps(body, ensure_ascii=False)


def test_a_french_request_leaves_its_thread_speaking_the_default(demo_app):
    from dashboard.i18n import translation

    client = sign_in(demo_app.server.test_client(), "leader")
    assert '"Carte"' in layout_text(client, FRENCH)
    assert translation.language() == "en"  # the test client ran the request in this thread
