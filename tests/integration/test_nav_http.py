"""The navigation carries the global selection from view to view: a leader who
picked the West and 2025Q4 on the map keeps them when opening the pipeline."""

from __future__ import annotations

import json
import re

import pytest

from dashboard.access.users import DEMO_PASSWORD
from layouts import ids
from tests.dash_http import post_key, sign_in

PATHS = ["/", "/attainment", "/pipeline"]


#: the wildcard the navigation's callback names, and the links a page holds
NAV_LINKS = {"type": ids.NAV_LINK, "path": ["ALL"]}
LINKS = [{"type": ids.NAV_LINK, "path": path} for path in PATHS]


def nav_links(client, app, pathname: str, search: str):
    key, spec = next((k, s) for k, s in app.callback_map.items() if ids.NAV_LINK in k)
    status, body = post_key(client, key, spec,
                            {f"{ids.URL}.pathname": pathname, f"{ids.URL}.search": search},
                            changed=[f"{ids.URL}.search"], expand={json.dumps(NAV_LINKS): LINKS})
    assert status == 200
    answer = body["response"]
    return {link["path"]: tuple(answer[json.dumps(link, separators=(",", ":"),
                                                  sort_keys=True)][prop]
                                for prop in ("href", "active"))
            for link in LINKS}


def test_links_keep_the_selection_but_not_the_views_own_state(demo_app):
    client = sign_in(demo_app.server.test_client())
    search = "?period=2025Q4&region=West&as_of=2026-06-30&kpi=coverage&territory=T46"
    links = nav_links(client, demo_app, "/attainment", search)
    query = "?period=2025Q4&region=West&as_of=2026-06-30"
    assert links == {"/": ("/" + query, False), "/attainment": ("/attainment" + query, True),
                     "/pipeline": ("/pipeline" + query, False)}


def test_the_default_selection_gives_plain_links(demo_app):
    client = sign_in(demo_app.server.test_client())
    links = nav_links(client, demo_app, "/", "")
    assert links == {"/": ("/", True), "/attainment": ("/attainment", False),
                     "/pipeline": ("/pipeline", False)}


# --- what each role's navigation lists, and where signing in lands -------------

#: every page, in navigation order, with the label the navigation shows
EVERY_PAGE = [("/", "Map"), ("/attainment", "Attainment"), ("/pipeline", "Pipeline"),
              ("/underperformers", "Underperformers"), ("/what-if", "What-if"),
              ("/scorecard", "My scorecard"), ("/import", "Import")]


def navigation(client) -> list[tuple[str, str]]:
    """(path, label) of the navigation's links in the served layout, in order."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            props = node.get("props") or {}
            if isinstance(props.get("id"), dict) and props["id"].get("type") == ids.NAV_LINK:
                found.append((props["id"]["path"], props["children"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(client.get("/_dash-layout").get_json())
    return found


def landing(client, username: str) -> str:
    """Where the sign-in form sends ``username`` when no page was asked for."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": token, "username": username,
                                           "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return response.headers["Location"]


@pytest.mark.parametrize("username, pages, home", [
    ("leader", EVERY_PAGE, "/"),
    ("manager-west", EVERY_PAGE[:-1], "/"),  # the import stays with leaders
    ("r046", [("/scorecard", "My scorecard")], "/scorecard"),  # a rep: their scorecard only
])
def test_each_role_is_offered_its_pages_and_lands_on_the_first(demo_app, username, pages, home):
    client = demo_app.server.test_client()
    assert landing(client, username) == home
    assert navigation(client) == pages
