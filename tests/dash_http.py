"""Calling a Dash callback the way the browser does: a POST to
``/_dash-update-component`` built from the app's own callback map.

The one such client of the tests and the benchmarks: ``python -m benchmarks.run``
runs from the repository root, where ``tests.dash_http`` imports as it does
under pytest, so a fix to how a call is built reaches the timings too.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable


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


def _split(item: str) -> dict:
    ident, _, prop = item.rpartition(".")
    prop = prop.partition("@")[0]  # allow_duplicate outputs carry "@<hash>"
    if ident.startswith("{"):
        ident = json.loads(ident)
    return {"id": ident, "property": prop}


def outputs_of(key: str) -> list[dict]:
    """The outputs a callback map key names, as ``{"id", "property"}``."""
    if key.startswith("..") and key.endswith(".."):
        return [_split(part) for part in key[2:-2].split("...")]
    return [_split(key)]


def post_callback(client, app, output: tuple[str, str], values: dict, changed: list | None = None):
    """POST a callback call; ``values`` maps "id.prop" to the value sent.

    Returns (status code, parsed JSON or None)."""
    return post_key(client, *find_callback(app, *output), values, changed)


def post_by_input(client, app, output_id: str, input_id, values: dict,
                  changed: list | None = None):
    """POST the callback that writes ``output_id`` and listens to ``input_id``:
    for an output several callbacks write (``allow_duplicate``), such as the
    drill-down's territory, which every view's clicks set."""
    key, spec = next((k, s) for k, s in app.callback_map.items()
                     if any(o["id"] == output_id for o in outputs_of(k))
                     and any(i["id"] == input_id for i in s["inputs"]))
    return post_key(client, key, spec, values, changed)


def post_key(client, key: str, spec: dict, values: dict, changed: list | None = None,
             expand: dict | None = None):
    """POST the callback ``key`` of the callback map (the body as :func:`payload`
    builds it). Returns (status code, parsed JSON or None)."""
    response = client.post("/_dash-update-component",
                           json=payload(key, spec, values, changed, expand),
                           headers=browser_headers(client))
    return response.status_code, response.get_json(silent=True)


#: what Dash's renderer calls the cookie it reads the CSRF token from, and the header it sends
CSRF_COOKIE, CSRF_HEADER = "_csrf_token", "X-CSRFToken"


def browser_headers(client) -> dict:
    """The headers a browser adds to a callback POST from the app's own page:
    its ``Origin`` (the test client's host), and the CSRF token dash-renderer
    copies from the ``_csrf_token`` cookie (set once signed in)."""
    cookie = client.get_cookie(CSRF_COOKIE)
    headers = {"Origin": "http://localhost"}
    if cookie is not None:
        headers[CSRF_HEADER] = cookie.value
    return headers


def session_headers(session, base: str) -> dict:
    """:func:`browser_headers` for a ``requests.Session`` signed in at ``base``
    (the production-stack tests and the load test)."""
    token = session.cookies.get(CSRF_COOKIE)
    return {"Origin": base, **({CSRF_HEADER: token} if token else {})}


def payload(key: str, spec: dict, values: dict, changed: list | None = None,
            expand: dict | None = None) -> dict:
    """The body the browser posts for the callback ``key``: ``values`` maps
    "id.prop" to the value sent (missing: None, or the id itself for an ``id``
    property). ``expand`` maps a wildcard id (as a dict, e.g. ``{"type":
    NAV_LINK, "path": ["ALL"]}``) to the concrete ids the page holds, as the
    browser sends them for ``ALL``. ``changed`` defaults to the first value's key."""
    expand = {_canonical(k): v for k, v in (expand or {}).items()}

    def dep(d, with_value=True):
        ident, prop = d["id"], d["property"]
        if _canonical(ident) in expand:
            return [dep({"id": one, "property": prop}, with_value)
                    for one in expand[_canonical(ident)]]
        item = {"id": ident, "property": prop}
        if with_value:
            item["value"] = values.get(f"{ident}.{prop}", ident if prop == "id" else None)
        return item

    outputs = [dep(o, with_value=False) for o in outputs_of(key)]
    return {
        "output": key,
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": [dep(d) for d in spec["inputs"]],
        "state": [dep(d) for d in spec.get("state", [])],
        "changedPropIds": changed if changed is not None else list(values)[:1],
    }


def timed_post(client, body: dict) -> tuple[int, int, float]:
    """POST one callback body (the benchmarks' clock): (status code, response
    bytes, seconds until the whole response is read)."""
    started = time.perf_counter()
    response = client.post("/_dash-update-component", json=body,
                           headers=browser_headers(client))
    data = response.get_data()
    elapsed = time.perf_counter() - started
    return response.status_code, len(data), elapsed


def _canonical(ident) -> str:
    if isinstance(ident, str):
        if not ident.startswith("{"):
            return ident
        ident = json.loads(ident)
    return json.dumps(ident, sort_keys=True, separators=(",", ":"))


def patched(value, base: dict | None = None) -> dict:
    """The value a browser holds after applying a returned Dash ``Patch`` of
    top-level assignments to ``base`` (a plain value passes through)."""
    if not (isinstance(value, dict) and "__dash_patch_update" in value):
        return value
    result = dict(base or {})
    for op in value["operations"]:
        assert op["operation"] == "Assign" and len(op["location"]) == 1, op
        result[op["location"][0]] = op["params"]["value"]
    return result


def speaking(client, accept_language: str):
    """``client`` sends ``Accept-Language`` with every request, as a browser set
    to that language does (the app's language when the user saved none)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = accept_language
    return client


def sign_in(client, username: str = "leader", password: str | None = None):
    """Sign ``client`` in through the real form (CSRF token included): every
    callback refuses unsigned requests. Returns the client. The demo accounts
    share ``users.DEMO_PASSWORD``; a benchmark database holds the leader's
    (``benchmarks.datasets.ensure``)."""
    import re

    from dashboard.access.users import DEMO_PASSWORD

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": token, "username": username,
                                           "password": password or DEMO_PASSWORD})
    if response.status_code != 302:  # raised, not asserted: benchmarks run without pytest
        raise RuntimeError(f"sign-in as {username} failed: HTTP {response.status_code}")
    # the page's first request after the redirect: it hands over the CSRF cookie
    client.get("/_dash-dependencies")
    return client


def upload(client, app, files: dict[str, bytes], previous: str | None = None):
    """Drop ``files`` (name -> bytes) on the import page's upload box; ``previous``:
    the token of the files an earlier upload left waiting.

    The upload answers with its job's panel, whose store starts a background
    job as it lands in the page (files named after their tables imported, any
    other layout checked for the mapping step): the job is run to its end as
    the browser runs it (:class:`Job`), and what it did is returned as the
    upload box's result (``IMPORT_RESULT``'s children) and the mapping step
    (``IMPORT_MAP``), as the page shows them. Returns (status code, parsed
    JSON or None)."""
    import base64

    from layouts import ids

    contents = ["data:text/csv;base64," + base64.b64encode(b).decode() for b in files.values()]
    status, body = post_callback(client, app, (ids.IMPORT_RESULT, "children"), {
        f"{ids.IMPORT_UPLOAD}.contents": contents,
        f"{ids.IMPORT_UPLOAD}.filename": list(files),
        f"{ids.IMPORT_MAP_TOKEN}.data": previous,
    })
    run = find(body["response"], ids.IMPORT_RUN) if status == 200 and body else None
    if run is None:
        return status, body
    answer = start_import(client, app, run["data"]).answer()
    body["response"][ids.IMPORT_RESULT]["children"] = answer[ids.IMPORT_RUN_RESULT]["children"]
    if ids.IMPORT_MAP in answer:  # the mapping step of files in another layout
        body["response"][ids.IMPORT_MAP] = answer[ids.IMPORT_MAP]
    return status, body


def start_import(client, app, data: dict) -> Job:
    """The import job of files named after their tables, started as the page
    starts it: its store (``data``: token and signed viewer) landing in the page."""
    from layouts import ids

    return Job(client, app, (ids.IMPORT_RUN_RESULT, "children"), {f"{ids.IMPORT_RUN}.data": data})


def find(tree, ident: str) -> dict | None:
    """The props of the component ``ident`` in a returned layout (or answer)."""
    if isinstance(tree, dict):
        props = tree.get("props", {})
        if props.get("id") == ident:
            return props
        for value in (props.values() if "props" in tree else tree.values()):
            found = find(value, ident)
            if found is not None:
                return found
    elif isinstance(tree, list):
        for item in tree:
            found = find(item, ident)
            if found is not None:
                return found
    return None


class Job:
    """A background callback called as the browser calls it: the first POST
    starts the job and answers its signed handles (``cacheKey``, ``job``); the
    same call is then posted again with them (its values cleared, as the
    renderer clears them) until the job answers. Each progress a poll sees is
    kept in ``progress``."""

    def __init__(self, client, app, output: tuple[str, str], values: dict,
                 changed: list | None = None):
        self.client = client
        key, spec = find_callback(app, *output)
        changed = changed if changed is not None else list(values)[:1]
        self.status, started = post_key(client, key, spec, values, changed)
        self.started = started or {}
        self.handles = {k: self.started[k] for k in ("cacheKey", "job") if k in self.started}
        self.body = payload(key, spec, {}, changed)
        self.progress: list[dict] = []

    def poll(self) -> dict:
        """One poll: the job's progress, then its answer once it has one."""
        response = self.client.post("/_dash-update-component", query_string=self.handles,
                                    json=self.body, headers=browser_headers(self.client))
        if response.status_code not in (200, 204):
            raise AssertionError(f"poll answered HTTP {response.status_code}")
        body = response.get_json(silent=True) or {}
        if "progress" in body:
            self.progress.append(body["progress"])
        return body

    def wait(self, done: Callable[[dict], bool] = lambda body: "response" in body,
             timeout: float = 120.0) -> dict:
        """Poll until ``done(body)`` (by default: the job answered); the body."""
        deadline = time.monotonic() + timeout
        while True:
            body = self.poll()
            if done(body):
                return body
            if time.monotonic() > deadline:
                raise AssertionError(f"the job did not get there in {timeout} s: {body}")
            time.sleep(0.05)  # the renderer polls every 0.5 s

    def answer(self) -> dict:
        """The job's outputs (``response``), once it has them."""
        return self.wait()["response"]


class Held:
    """``module.name`` (a function) holds, from now on, until :meth:`release`,
    in any process: a background job's process is forked from the test's, so
    it runs the patched function. The test sees the job mid-way, then lets it
    go on (``go``: a file path that does not exist yet)."""

    def __init__(self, monkeypatch, module, name: str, go):
        function = getattr(module, name)
        self.go = go

        def held(*args, **kwargs):
            deadline = time.monotonic() + 60
            while not go.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
            return function(*args, **kwargs)

        monkeypatch.setattr(module, name, held)

    def release(self) -> None:
        self.go.touch()
