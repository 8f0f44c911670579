"""Access enforced on the server, proved by posting to the endpoints directly."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import replace

import pytest
from dash import Input, Output

from callbacks import guard
from dashboard.access.rules import LEVELS
from layouts import ids
from tests.dash_http import browser_headers, post_callback, post_key, sign_in

REP, REP_ID = "r046", "R046"


def rep_name(app, rep_id: str) -> str:
    """A demo rep's name, from the data (the generator draws them)."""
    reps = app.server.extensions["territory_service"].frames().reps
    return reps.set_index("rep_id").loc[rep_id, "rep_name"]


def every_callback(app):
    return list(app.callback_map.items())


def test_every_callback_declares_who_may_call_it(shared_demo_app):
    """A callback added without ``@guard.level`` fails here (and is refused to
    everyone by the request hook)."""
    undeclared = [key for key, spec in every_callback(shared_demo_app)
                  if guard.declared_level(spec["callback"]) not in LEVELS]
    assert undeclared == []


def test_a_rep_is_refused_every_manager_and_leader_callback(shared_demo_app):
    client = sign_in(shared_demo_app.server.test_client(), REP)
    for key, spec in every_callback(shared_demo_app):
        if guard.declared_level(spec["callback"]) == "any":
            continue
        # the browser's Origin and CSRF token: a 403 of the CSRF check proves nothing here
        response = client.post("/_dash-update-component", headers=browser_headers(client), json={
            "output": key, "outputs": [], "inputs": [], "state": [], "changedPropIds": []})
        assert response.status_code == 403, key


def test_a_rep_asking_for_another_scorecard_gets_their_own(shared_demo_app):
    client = sign_in(shared_demo_app.server.test_client(), REP)
    status, body = post_callback(client, shared_demo_app, (ids.SCORECARD_CONTENT, "children"),
                                 {f"{ids.SCORECARD_REP}.value": "R001",
                                  f"{ids.PERIOD}.value": "qtd", f"{ids.URL}.search": ""})
    assert status == 200
    text = json.dumps(body)
    own, other = rep_name(shared_demo_app, REP_ID), rep_name(shared_demo_app, "R001")
    assert own != other
    assert own in text and other not in text


def test_a_rep_opening_another_page_is_told_it_is_not_theirs(shared_demo_app):
    client = sign_in(shared_demo_app.server.test_client(), REP)
    status, body = post_callback(client, shared_demo_app, (ids.PAGE, "children"),
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


def test_a_manager_sees_their_region_whatever_region_is_asked_for(shared_demo_app, caplog):
    client = sign_in(shared_demo_app.server.test_client(), "manager-west")
    west = region_territories(shared_demo_app, "West")
    assert set(overview(client, shared_demo_app, "all")) == west
    assert set(overview(client, shared_demo_app, "West")) == west
    assert overview(client, shared_demo_app, "South") == {}
    assert "out-of-scope request refused: user=manager-west" in caplog.text


def test_a_manager_cannot_open_a_territory_of_another_region(shared_demo_app):
    client = sign_in(shared_demo_app.server.test_client(), "manager-west")
    south = sorted(region_territories(shared_demo_app, "South"))[0]
    values = {f"{ids.DRILLDOWN_TERRITORY}.data": south, f"{ids.PERIOD}.value": "qtd",
              f"{ids.REGION}.value": "all", f"{ids.SEGMENT}.value": "all",
              f"{ids.URL}.search": "", f"{ids.DRILLDOWN}.is_open": False}
    status, body = post_callback(client, shared_demo_app, (ids.DRILLDOWN, "children"), values,
                                 changed=[f"{ids.DRILLDOWN_TERRITORY}.data"])
    assert status == 200
    name = shared_demo_app.server.extensions["territory_service"].frames().territories.at[
        south, "territory_name"]
    text = json.dumps(body)
    assert "No such territory" in text and name not in text


def test_a_manager_is_refused_the_import(shared_demo_app):
    client = sign_in(shared_demo_app.server.test_client(), "manager-west")
    status, _ = post_callback(client, shared_demo_app, (ids.IMPORT_RESULT, "children"),
                              {f"{ids.IMPORT_UPLOAD}.contents": None})
    assert status == 403


def test_account_points_follow_the_viewer_scope(shared_demo_app):
    client = sign_in(shared_demo_app.server.test_client(), "manager-west")
    south = client.get("/_td/accounts.geojson?region=South",
                       headers={"Accept-Encoding": "identity"}).get_json()
    west = client.get("/_td/accounts.geojson", headers={"Accept-Encoding": "identity"}).get_json()
    assert south["features"] == [] and len(west["features"]) > 100


# --- unsigned requests, the form, the cookie ------------------------------------

def test_unsigned_requests_are_refused_or_sent_to_sign_in(shared_demo_app):
    client = shared_demo_app.server.test_client()
    for path in ("/", "/attainment", "/scorecard", "/import", "/what-if"):
        response = client.get(path)
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    for path in ("/_dash-layout", "/_dash-dependencies", "/_td/accounts.geojson"):
        assert client.get(path).status_code == 401
    for key, _spec in every_callback(shared_demo_app):
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


def test_the_session_cookie_is_httponly_samesite_and_secure_over_https(shared_demo_app):
    for base, secure in (("http://localhost", False), ("https://localhost", True)):
        client = shared_demo_app.server.test_client()
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


def test_next_never_leaves_the_site(shared_demo_app):
    client = shared_demo_app.server.test_client()
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


# --- every callback forged, for a rep and a manager (issue 15) -------------------
# Each variant posts every callback of the app with one kind of value from
# outside the viewer's scope (tests/forged_requests.py) and scans every answer
# for anything outside it (tests/scope_leaks.py). The valid variant posts the
# viewer's own values: the callbacks must answer it, or the scan proves nothing.

ROLES = {"rep": (REP, lambda frames: frozenset(
             frames.territories.index[frames.territories["rep_id"] == REP_ID])),
         "manager": ("manager-west", lambda frames: frozenset(
             frames.territories.index[frames.territories["region"] == "West"])),
         # a district manager (issue 19): the demo's Pacific district of the West
         "district": ("manager-pacific", lambda frames: frozenset(
             frames.territories.index[frames.territories["parent_id"] == "pacific"]))}
#: the role each player signs in with (a district manager is a manager of a district)
SIGNED_IN_ROLE = {"rep": "rep", "manager": "manager", "district": "manager"}
#: the people whose saved scenarios the viewers must neither see nor change
AUTHORS = ("manager-northeast", "leader")
#: names no demo value contains: found in an answer, they can only come from these scenarios
SCENARIO_NAMES = {"manager-northeast": "Kestrel plan", "leader": "Osprey plan",
                  "manager-west": "Wren plan", "manager-pacific": "Heron plan"}
#: scenarios a viewer may see besides their own: the Pacific's touches the West only
SEEN_BY = {"manager-west": {"manager-pacific"}}
#: authors a viewer may see named: scenarios manager-west saves while forging
#: (earlier tests on the same app) may touch the Pacific only, and are its manager's to see
AUTHORS_SEEN_BY = {"manager-pacific": {"manager-west"}}


@pytest.fixture(scope="module")
def probe_app(demo_db_template, tmp_path_factory):
    """One demo app for the forged requests (a fresh one per test would load the
    frames two dozen times); each test makes its own scenarios on it."""
    from app import create_app
    from dashboard.runtime.config import Settings
    from tests.conftest import copy_demo

    folder = tmp_path_factory.mktemp("forged")
    copy_demo(demo_db_template, folder)  # with its frames snapshot: not rebuilt from the rows
    return create_app(Settings(instance_path=str(folder), demo=True, tile_url="",
                               secret_key="test-secret"))


def full_frames(app):
    return app.server.extensions["territory_service"].frames()


def region_move(frames, source_region, target_region):
    """One county of ``source_region`` moved to a territory of ``target_region``."""
    t = frames.territories
    alignment = frames.alignment["territory_id"].astype(object)
    sources = t.index[t["region"] == source_region]
    fips = sorted(alignment.index[alignment.isin(sources)])[0]
    target = next(x for x in sorted(t.index[t["region"] == target_region])
                  if x != alignment[fips])
    return {fips: target}


def district_move(frames, district):
    """One county of ``district`` moved to another of its territories."""
    t = frames.territories
    alignment = frames.alignment["territory_id"].astype(object)
    inside = sorted(t.index[t["parent_id"] == district])
    fips = sorted(alignment.index[alignment.isin(inside)])[0]
    return {fips: next(x for x in inside if x != alignment[fips])}


@pytest.fixture
def saved_scenarios(probe_app):
    """Scenarios saved by their authors through the core, as their panels would:
    manager-northeast's touches the Northeast only, the leader's the West and two
    other regions, manager-west's the West's Mountain district only,
    manager-pacific's the Pacific district only. Returns (author -> id)."""
    from dashboard.whatif import scenarios
    from dashboard.whatif.changeset import Changes

    frames = full_frames(probe_app)
    moves = {"manager-northeast": region_move(frames, "Northeast", "Northeast"),
             "leader": region_move(frames, "West", "Midwest") | region_move(
                 frames, "South", "West"),
             "manager-west": district_move(frames, "mountain"),
             "manager-pacific": district_move(frames, "pacific")}
    engine = probe_app.server.extensions["territory_service"].engine
    return {who: scenarios.save_scenario(
                engine, name=SCENARIO_NAMES[who], changes=Changes(county_moves=move),
                user=who).id
            for who, move in moves.items()}


def stored_scenarios(app) -> dict[int, dict]:
    """Every scenario row as stored, deleted ones included."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from dashboard.storage.models import Scenario

    engine = app.server.extensions["territory_service"].engine
    with Session(engine) as session:
        rows = session.execute(select(Scenario.__table__)).all()
    return {row.id: {"name": row.name, "status": row.status, "revision": row.revision,
                     "changes": row.changes, "deleted": bool(row.deleted),
                     "updated_by": row.updated_by, "created_by": row.created_by}
            for row in rows}


def data_version(app) -> str:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from dashboard.storage.models import Meta
    from dashboard.storage.store import DATA_VERSION

    engine = app.server.extensions["territory_service"].engine
    with Session(engine) as session:
        return session.execute(select(Meta.value).where(Meta.key == DATA_VERSION)).scalar()


def touched(frames, changes: dict) -> set[str]:
    """The territories a stored change set touches, judged on the live data."""
    county = frames.alignment["territory_id"].astype(object)
    account = frames.accounts["territory_id"].astype(object)
    found = set(changes.get("quota_changes", {})) | set(changes.get("locked_territories", []))
    for fips, target in changes.get("county_moves", {}).items():
        found |= {target, county.get(fips)}
    for account_id, target in changes.get("account_overrides", {}).items():
        found |= {target, account.get(account_id)}
    found |= {county.get(f) for f in changes.get("locked_counties", [])}
    found |= {account.get(a) for a in changes.get("locked_accounts", [])}
    return {t for t in found if isinstance(t, str)}


@pytest.fixture(scope="module")
def worlds(probe_app):
    """Per role: (own values, foreign values, what to look for); built once."""
    from tests.scope_leaks import world

    frames = full_frames(probe_app)
    found = {role: world(frames, scope_of(frames)) for role, (_user, scope_of) in ROLES.items()}
    # the district manager's own filter value is their district, and the forged
    # one a district of their own region; no other district's name may show
    own, foreign, outsiders = found["district"]
    levels = frames.levels
    others = levels.loc[levels["unit_id"] != "pacific", "unit_name"]
    pacific = ROLES["district"][1](frames)
    accounts = frames.accounts
    in_scope = "\n".join(["Pacific", *frames.territories.loc[list(pacific), "territory_name"],
                          *accounts.loc[accounts["territory_id"].astype(object).isin(pacific),
                                        "account_name"]])
    outsiders.add_names("district name", set(others), in_scope)
    found["district"] = (replace(own, region="district:pacific"),
                         replace(foreign, regions=("district:mountain", *foreign.regions)),
                         outsiders)
    return found


def forge(app, role: str, variant: str, scenario_ids: dict, worlds: dict):
    """Post every callback in one variant as the role's user; returns (problems,
    callbacks that answered with content, callbacks the role may call)."""
    from callbacks.pages import PAGES
    from dashboard.access.rules import Viewer
    from tests import forged_requests
    from tests.scope_leaks import described, leaks_in_answer

    username = ROLES[role][0]
    own, foreign, outsiders = copy.deepcopy(worlds[role])
    hidden = {who: i for who, i in scenario_ids.items()
              if who != username and who not in SEEN_BY.get(username, ())}
    outsiders.add_names("scenario name", {SCENARIO_NAMES[who] for who in hidden})
    outsiders.add_names("someone else's username", {
        who for who in hidden if who != "leader" and who not in AUTHORS_SEEN_BY.get(username, ())})
    mine = {} if role == "rep" else {"valid": scenario_ids[username]}
    forgeries = {f.name: f for f in forged_requests.variants(
        own, foreign, mine | {f"of {who}": hidden[who] for who in AUTHORS})}
    forgery = forgeries[variant]
    paths = [page.path for page in PAGES]
    viewer = Viewer(0, username, SIGNED_IN_ROLE[role])
    client = sign_in(app.server.test_client(), username)
    problems, answered, callable_ = [], set(), set()
    for key, spec in every_callback(app):
        if viewer.may_call(guard.declared_level(spec["callback"])):
            callable_.add(key)
        for request in forged_requests.requests(key, spec, forgery, paths):
            status, body = post_key(client, key, spec, request.values, request.changed,
                                    expand=request.expand)
            if status not in (200, 204, 403):
                problems.append(f"{request.label}: HTTP {status}")
                continue
            if status != 200:
                continue
            if body and body.get("response"):
                answered.add(key)
            leaks = leaks_in_answer(outsiders, body, json.dumps(body), request.values)
            if leaks:
                problems.append(f"{request.label}: {described(leaks)}")
    return problems, answered, callable_


VARIANTS = ("valid", "territory 1", "territory 2", "rep", "account", "deal", "county",
            "region", "history in", "history out", "history zip",
            "scenario of manager-northeast", "scenario of leader")


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("role", ["rep", "manager", "district"])
def test_forged_requests_get_nothing_outside_the_scope(probe_app, saved_scenarios, worlds,
                                                        role, variant):
    """Every callback, posted as a rep (r046), a manager (manager-west) or a
    district manager (manager-pacific) with
    other people's territory, rep, account, county, deal and scenario ids or a
    forged what-if history, answers nothing of theirs; no one else's scenario
    and not the live data change."""
    frames = full_frames(probe_app)
    before, version = stored_scenarios(probe_app), data_version(probe_app)
    problems, answered, callable_ = forge(probe_app, role, variant, saved_scenarios, worlds)

    after = stored_scenarios(probe_app)
    username, scope_of = ROLES[role]
    scope = scope_of(frames)
    for scenario_id, row in before.items():
        if row["created_by"] != username and after.get(scenario_id) != row:
            problems.append(f"scenario {scenario_id} of {row['created_by']} changed: "
                            f"{row} -> {after.get(scenario_id)}")
    for scenario_id, row in after.items():
        outside = touched(frames, row["changes"]) - scope
        if scenario_id not in before and outside:
            problems.append(f"{username} now holds scenario {scenario_id} touching "
                            f"{sorted(outside)}")
    if data_version(probe_app) != version:
        problems.append(f"the live data changed: {version} -> {data_version(probe_app)}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
    if variant == "valid":
        # a scan of refusals proves nothing: most callbacks the role may call answer
        assert len(answered) >= 0.6 * len(callable_), sorted(callable_ - answered)
