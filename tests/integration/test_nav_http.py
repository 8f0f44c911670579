"""The navigation carries the global selection from view to view: a leader who
picked the West and 2025Q4 on the map keeps them when opening the pipeline."""

from __future__ import annotations

import json

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
