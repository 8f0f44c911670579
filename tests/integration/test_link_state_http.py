"""A link's whole query survives signing in, and a link naming an unknown or
out-of-scope period, region or segment opens the default view (issue 17)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest

from dashboard.access.users import DEMO_PASSWORD
from layouts import ids
from tests.dash_http import post_callback, sign_in


@pytest.fixture(scope="module")
def demo_app(shared_demo_app):
    """Every test here only reads the app: one for the module (``tests/conftest.py``
    checks that nothing was written when it ends)."""
    return shared_demo_app


def follow_link_signed_out(client, link: str) -> str:
    """Open ``link`` signed out, sign in through the form the redirect leads
    to (its hidden ``next`` as the browser posts it), return where sign-in lands."""
    redirected = client.get(link)
    assert redirected.status_code == 302
    login = urlsplit(redirected.headers["Location"])
    page = client.get(f"{login.path}?{login.query}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    next_path = re.search(r'name="next" value="([^"]*)"', page).group(1)
    next_path = next_path.replace("&amp;", "&")  # the HTML attribute, as the browser reads it
    landed = client.post("/login", data={"csrf_token": token, "username": "leader",
                                         "password": DEMO_PASSWORD, "next": next_path})
    assert landed.status_code == 302
    return landed.headers["Location"]


def test_signing_in_from_a_link_lands_on_the_whole_link(demo_app):
    link = "/attainment?period=ytd&region=West&segment=SMB&territory=T05"
    assert follow_link_signed_out(demo_app.server.test_client(), link) == link


# --- a link naming what the data does not offer opens the default view ----------

def load_link(client, app, search: str) -> dict:
    """The URL sync's answer on opening a page at ``search`` (the controls at
    their defaults, as the page is first laid out)."""
    values = {f"{ids.URL}.search": search, f"{ids.PERIOD}.value": "qtd",
              f"{ids.REGION}.value": "all", f"{ids.SEGMENT}.value": "all",
              f"{ids.PERIOD_RANGE}.start_date": None, f"{ids.PERIOD_RANGE}.end_date": None,
              f"{ids.AS_OF_DATE}.date": None}
    status, body = post_callback(client, app, (ids.URL, "search"), values, changed=[])
    assert status == 200
    return body["response"]


def controls(response) -> tuple:
    return tuple(response[i]["value"] for i in (ids.PERIOD, ids.REGION, ids.SEGMENT))


@pytest.mark.parametrize(("search", "shown", "rewritten"), [
    ("?period=bogus", ("qtd", "all", "all"), ""),
    ("?period=1999Q9&region=West", ("qtd", "West", "all"), "?region=West"),
    ("?period=ytd&region=Atlantis&segment=SMB", ("ytd", "all", "SMB"),
     "?period=ytd&segment=SMB"),
    ("?segment=<script>&kpi=coverage&territory=T05", ("qtd", "all", "all"),
     "?kpi=coverage&territory=T05"),
    ("?period=2026-07-01..2026-07-31&segment=Nope", ("2026-07-01..2026-07-31", "all", "all"),
     "?period=2026-07-01..2026-07-31"),
])
def test_an_unknown_value_in_a_link_is_the_default_and_the_link_says_so(
        demo_app, search, shown, rewritten):
    client = sign_in(demo_app.server.test_client())
    response = load_link(client, demo_app, search)
    assert controls(response) == shown
    assert response[ids.URL]["search"] == rewritten
    assert "Invalid period" not in json.dumps(response[ids.PERIOD]["options"])


def test_a_sound_link_is_left_as_it_is(demo_app):
    client = sign_in(demo_app.server.test_client())
    response = load_link(client, demo_app, "?period=2026-07-01..2026-07-31&region=West&segment=SMB")
    assert controls(response) == ("2026-07-01..2026-07-31", "West", "SMB")
    assert ids.URL not in response


def test_a_managers_link_to_another_region_opens_their_own(demo_app, caplog):
    client = sign_in(demo_app.server.test_client(), "manager-west")
    response = load_link(client, demo_app, "?period=ytd&region=South")
    # "all" is the manager's one region choice (labelled West): never a blank box
    assert controls(response) == ("ytd", "all", "all")
    assert response[ids.URL]["search"] == "?period=ytd"
    assert "South" not in json.dumps(response)
    assert "out-of-scope request refused: user=manager-west" in caplog.text
    assert "'South' in a link" in caplog.text
    page = client.get("/?period=ytd&region=South")
    assert page.status_code == 200
    status, body = post_callback(client, demo_app, (ids.PAGE, "children"),
                                 {f"{ids.URL}.pathname": "/attainment",
                                  f"{ids.URL}.search": "?period=ytd&region=South"})
    assert status == 200
    text = json.dumps(body)
    assert "No territory matches" not in text and "South" not in text
