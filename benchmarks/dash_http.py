"""Calling a Dash callback the way the browser does: a POST to
``/_dash-update-component`` built from the app's own callback map.

Copied from ``tests/dash_http.py`` (benchmarks do not import from tests/),
plus a finder that matches outputs by predicate and a timed raw POST.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable


def _split(item: str) -> dict:
    ident, _, prop = item.rpartition(".")
    if ident.startswith("{"):
        ident = json.loads(ident)
    return {"id": ident, "property": prop}


def outputs_of(key: str) -> list[dict]:
    if key.startswith("..") and key.endswith(".."):
        return [_split(part) for part in key[2:-2].split("...")]
    return [_split(key)]


def find_callback(app, output_id: str, output_prop: str) -> tuple[str, dict]:
    for key, spec in app.callback_map.items():
        outputs = outputs_of(key)
        if any(o["id"] == output_id and o["property"] == output_prop for o in outputs):
            return key, spec
    raise KeyError(f"no callback writes {output_id}.{output_prop}")


def find_where(app, match: Callable[[dict, dict], bool]) -> tuple[str, dict] | None:
    """The first callback with an output ``o`` such that ``match(o, spec)``, or None."""
    for key, spec in app.callback_map.items():
        if any(match(o, spec) for o in outputs_of(key)):
            return key, spec
    return None


def payload(key: str, spec: dict, values: dict, changed: list | None = None) -> dict:
    """The request body; ``values`` maps "id.prop" to the value sent (missing: None)."""
    outputs = outputs_of(key)

    def items(deps):
        return [
            {"id": d["id"], "property": d["property"],
             "value": values.get(f"{d['id']}.{d['property']}")}
            for d in deps
        ]

    return {
        "output": key,
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": items(spec["inputs"]),
        "state": items(spec.get("state", [])),
        "changedPropIds": changed if changed is not None else list(values)[:1],
    }


def timed_post(client, body: dict) -> tuple[int, int, float]:
    """POST one callback call: (status code, response bytes, seconds)."""
    started = time.perf_counter()
    response = client.post("/_dash-update-component", json=body)
    data = response.get_data()
    elapsed = time.perf_counter() - started
    return response.status_code, len(data), elapsed


def post_callback(client, app, output: tuple[str, str], values: dict, changed: list | None = None):
    """POST a callback call; returns (status code, parsed JSON or None)."""
    key, spec = find_callback(app, *output)
    response = client.post("/_dash-update-component", json=payload(key, spec, values, changed))
    return response.status_code, response.get_json(silent=True)


def sign_in(client, username: str = "leader", password: str | None = None):
    """Sign ``client`` in through the real form (CSRF token included): every
    callback refuses unsigned requests. Returns the client."""
    import re

    from dashboard.access import users
    from dashboard.access.users import DEMO_PASSWORD

    engine = client.application.extensions["territory_service"].engine
    if not any(u.username == username for u in users.list_users(engine)):
        users.add_user(engine, username, password or DEMO_PASSWORD, "leader")
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": token, "username": username,
                                           "password": password or DEMO_PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"sign-in as {username} failed: HTTP {response.status_code}")
    return client
