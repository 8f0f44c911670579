"""The what-if editor through its callback endpoint: a move changes the
before/after figures exactly as scenario_impact.before_after computes them, undo
gives them back, and bad input is a message with status 200, never an error."""

from __future__ import annotations

import json
import re

import pytest

from callbacks import whatif_rebalance
from dashboard.access.rules import Viewer
from dashboard.geo import us_atlas
from dashboard.views.selection import resolve_period
from dashboard.whatif import changeset, scenario_impact
from layouts import ids
from tests.dash_http import browser_headers, post_callback, sign_in, speaking

HISTORY = (ids.WI_HISTORY, "data")
LEADER = Viewer(1, "leader", "leader")
#: a short search: these tests read what a run hands back, not how good it gets
QUICK = whatif_rebalance.SearchSettings(time_limit=3)
SHOW = (ids.WI_FAIRNESS, "children")


@pytest.fixture(scope="module")
def demo_app(shared_demo_app):
    """Every test here only reads the app: one for the module (``tests/conftest.py``
    checks that nothing was written when it ends)."""
    return shared_demo_app


@pytest.fixture
def client(demo_app):
    return sign_in(demo_app.server.test_client())


def press(client, app, button, steps, **form):
    """Click an editor button with the form filled; returns the response parts."""
    values = {f"{button}.n_clicks": 1, f"{ids.WI_HISTORY}.data": steps,
              f"{ids.URL}.search": ""}
    values.update({f"{key}.value": value for key, value in form.items()})
    status, body = post_callback(client, app, HISTORY, values, changed=[f"{button}.n_clicks"])
    assert status == 200
    return body["response"]


def show(client, app, steps, period="qtd", metric="potential", weight=0.5):
    values = {f"{ids.WI_HISTORY}.data": steps, f"{ids.PERIOD}.value": period,
              f"{ids.WI_METRIC}.value": metric, f"{ids.WI_WEIGHT}.value": weight,
              f"{ids.URL}.search": ""}
    status, body = post_callback(client, app, SHOW, values)
    assert status == 200
    return body["response"]


def a_county_and_target(app):
    """A county of the first territory and another territory to move it to."""
    frames = app.server.extensions["territory_service"].frames()
    alignment = frames.alignment["territory_id"]
    fips = alignment.index[0]
    target = next(t for t in frames.territories["territory_id"] if t != alignment[fips])
    return fips, alignment[fips], target


def expected(app, changes):
    service = app.server.extensions["territory_service"]
    frames, as_of = service.frames(), service.as_of()
    return scenario_impact.before_after(frames, changeset.apply(frames, changes),
                                      us_atlas.load_counties()["area_km2"],
                                      resolve_period("qtd", as_of), as_of)


def test_a_move_changes_the_figures_as_before_after_does_and_undo_restores(client, demo_app):
    fips, source, target = a_county_and_target(demo_app)
    moved = press(client, demo_app, ids.WI_MOVE, [],
                  **{ids.WI_SELECT: [fips], ids.WI_TARGET: target})
    steps = moved[ids.WI_HISTORY]["data"]
    # the first other territory is far away: the move is made, with a warning
    assert moved[ids.WI_ALERT]["color"] == "warning"
    warning = moved[ids.WI_ALERT]["children"]
    assert "no longer in one piece" in warning and target in warning.split("Note:")[1]
    assert moved[ids.WI_SELECT]["value"] == []  # the selection is spent
    assert steps[-1]["changes"]["county_moves"] == {fips: target}

    shown = show(client, demo_app, steps)
    core = expected(demo_app, changeset.Changes(county_moves={fips: target}))
    rows = {r["id"]: r for r in shown[ids.WI_TOUCHED]["rowData"]}
    assert set(rows) == set(core.touched) == {source, target}
    table = core.territories.set_index("territory_id")
    for territory in core.touched:
        for column in ("accounts_after", "potential_after", "t12_bookings_after",
                       "open_pipeline_after", "quota_after", "accounts_delta"):
            assert rows[territory][column] == pytest.approx(table.at[territory, column])
    assert shown[ids.WI_COUNTIES]["hideout"]  # a patch recolouring the map
    text = json.dumps(shown[ids.WI_FAIRNESS]["children"])
    assert f"{core.fairness.at['balance_index', 'after']:.3f}" in text
    assert "1 step" in shown[ids.WI_STEPS]["children"]

    undone = press(client, demo_app, ids.WI_UNDO, steps)
    assert undone[ids.WI_HISTORY]["data"] == []
    back = show(client, demo_app, [])
    assert back[ids.WI_TOUCHED]["rowData"] == []
    assert back[ids.WI_REPS]["rowData"] == []
    assert "no changes" in back[ids.WI_STEPS]["children"]


def test_rep_impact_rows_match_the_core(client, demo_app):
    fips, source, target = a_county_and_target(demo_app)
    steps = press(client, demo_app, ids.WI_MOVE, [],
                  **{ids.WI_SELECT: [fips], ids.WI_TARGET: target})[ids.WI_HISTORY]["data"]
    rows = {r["id"]: r for r in show(client, demo_app, steps)[ids.WI_REPS]["rowData"]}
    service = demo_app.server.extensions["territory_service"]
    frames, as_of = service.frames(), service.as_of()
    impact = scenario_impact.rep_impact(
        frames, changeset.apply(frames, changeset.Changes(county_moves={fips: target})),
        resolve_period("qtd", as_of), as_of).set_index("territory_id")
    assert rows[target]["accounts_gained"] == impact.at[target, "accounts_gained"]
    assert rows[source]["accounts_lost"] == impact.at[source, "accounts_lost"]


@pytest.mark.parametrize(("form", "says"), [
    ({ids.WI_SELECT: ["99999"], ids.WI_TARGET: "T01"}, "County 99999 is not in the alignment"),
    ({ids.WI_SELECT: ["01001"], ids.WI_TARGET: "NOPE"}, "Unknown territory NOPE"),
    ({ids.WI_SELECT: [], ids.WI_TARGET: "T01"}, "Select counties first"),
    ({ids.WI_SELECT: ["01001"], ids.WI_TARGET: None}, "Choose the territory"),
])
def test_a_bad_move_is_a_message_not_an_error(client, demo_app, form, says):
    answer = press(client, demo_app, ids.WI_MOVE, [], **form)
    assert ids.WI_HISTORY not in answer  # the history is left as it was
    assert answer[ids.WI_ALERT]["color"] == "danger"
    assert says in answer[ids.WI_ALERT]["children"]


def test_an_edit_on_a_history_that_no_longer_fits_the_data_is_refused(client, demo_app):
    """A history written before an import may name an account that is gone: an edit
    says so instead of building on it, and undo still takes the step back."""
    stale = [{"label": "moved account GONE to T02",
              "changes": {"account_overrides": {"GONE": "T02"}}, "reasons": []}]
    answer = press(client, demo_app, ids.WI_QUOTA_APPLY, stale,
                   **{ids.WI_QUOTA_TERRITORY: "T01", ids.WI_QUOTA_PCT: 10})
    assert ids.WI_HISTORY not in answer  # the history is left as it was
    assert answer[ids.WI_ALERT]["color"] == "danger"
    assert "Account GONE is not in the current data" in answer[ids.WI_ALERT]["children"]
    assert press(client, demo_app, ids.WI_UNDO, stale)[ids.WI_HISTORY]["data"] == []


def test_a_locked_county_refuses_to_move_with_the_lock_message(client, demo_app):
    fips, _, target = a_county_and_target(demo_app)
    steps = press(client, demo_app, ids.WI_LOCK, [],
                  **{ids.WI_SELECT: [fips]})[ids.WI_HISTORY]["data"]
    answer = press(client, demo_app, ids.WI_MOVE, steps,
                   **{ids.WI_SELECT: [fips], ids.WI_TARGET: target})
    assert ids.WI_HISTORY not in answer
    assert answer[ids.WI_ALERT]["color"] == "warning"
    assert "locked" in answer[ids.WI_ALERT]["children"]


def test_quota_and_handover_sliders_add_steps(client, demo_app):
    steps = press(client, demo_app, ids.WI_QUOTA_APPLY, [],
                  **{ids.WI_QUOTA_TERRITORY: "T01", ids.WI_QUOTA_PCT: 10})[ids.WI_HISTORY]["data"]
    assert steps[-1]["changes"]["quota_changes"] == {"T01": pytest.approx(0.10)}
    rows = {r["id"]: r for r in show(client, demo_app, steps)[ids.WI_TOUCHED]["rowData"]}
    assert rows["T01"]["quota_after"] == pytest.approx(rows["T01"]["quota_before"] * 1.1)
    steps = press(client, demo_app, ids.WI_HANDOVER_APPLY, steps,
                  **{ids.WI_HANDOVER_FROM: "T01", ids.WI_HANDOVER_TO: "T02",
                     ids.WI_HANDOVER_SHARE: 10})[ids.WI_HISTORY]["data"]
    assert len(steps) == 2 and steps[-1]["changes"]["account_overrides"]
    rows = {r["id"]: r for r in show(client, demo_app, steps)[ids.WI_TOUCHED]["rowData"]}
    assert rows["T02"]["accounts_delta"] == -rows["T01"]["accounts_delta"] > 0


def test_suggest_a_rebalance_is_one_step_with_reasons_and_a_curve(client, demo_app):
    """The background job's work (whatif_rebalance.rebalance), run in-process."""
    service = demo_app.server.extensions["territory_service"]
    seen = []
    steps, message, color, points, chosen = whatif_rebalance.rebalance(
        service, [], 10, "potential", None, progress=seen.append, viewer=LEADER,
        settings=QUICK)
    assert color == "success" and message.startswith("Suggested rebalance of potential")
    assert len(steps) == 1 and steps[0]["reasons"] and steps[0]["changes"]["county_moves"]
    assert steps[0]["reasons"][0].split(":")[0].endswith(")")  # "County, ST (fips): moves"
    assert seen[-1] == (100, "done")
    assert chosen == 0.10 and [p["budget"] for p in points] == [0.02, 0.05, 0.10, 0.15, 0.20]
    assert all(p["disruption"] <= p["budget"] + 1e-9 for p in points)
    assert all(p["balance_after"] >= p["balance_before"] for p in points)
    shown = show(client, demo_app, steps)
    assert "balance" in json.dumps(shown[ids.WI_REASONS]["children"])
    core = expected(demo_app, changeset.Changes.from_json(steps[0]["changes"]))
    assert core.fairness.at["balance_index", "after"] > core.fairness.at["balance_index",
                                                                         "before"]
    assert core.disruption["bookings"] <= 0.10 + 1e-9
    point = next(p for p in points if p["budget"] == 0.10)
    assert point["balance_after"] == pytest.approx(core.fairness.at["balance_index", "after"])


def test_a_rebalance_cancelled_before_it_starts_changes_nothing(demo_app):
    service = demo_app.server.extensions["territory_service"]
    assert whatif_rebalance.request_cancel(service, "run-1")
    steps, message, color, points, _ = whatif_rebalance.rebalance(
        service, [], 10, "potential", None, token="run-1", viewer=LEADER, settings=QUICK)
    assert steps == [] and points == [] and color == "info"
    assert message == "Cancelled before any move."


@pytest.mark.parametrize("budget", [-5, 80, None])
def test_a_bad_budget_is_a_message(demo_app, budget):
    service = demo_app.server.extensions["territory_service"]
    with pytest.raises(ValueError, match="budget"):
        whatif_rebalance.rebalance(service, [], budget, "potential", None)


def test_a_bad_period_or_history_is_an_empty_state(client, demo_app):
    shown = show(client, demo_app, [], period="not-a-period")
    assert "No such period" in json.dumps(shown[ids.WI_FAIRNESS]["children"])
    junk = [{"label": "x", "changes": {"county_moves": {"01001": "NOPE"}}, "reasons": []}]
    shown = show(client, demo_app, junk)
    assert "no longer fits" in json.dumps(shown[ids.WI_FAIRNESS]["children"])
    assert shown[ids.WI_TOUCHED]["rowData"] == []
    assert "not readable" in json.dumps(show(client, demo_app, "junk")[ids.WI_FAIRNESS])


def test_the_page_renders_with_the_county_map(client, demo_app):
    status, body = post_callback(client, demo_app, (ids.PAGE, "children"),
                                 {f"{ids.URL}.pathname": "/what-if", f"{ids.URL}.search": ""})
    assert status == 200
    text = json.dumps(body)
    assert ids.WI_COUNTIES in text and ids.WI_HISTORY in text


def click(client, app, feature, selected):
    """POST the map-click callback (its output is a duplicate, so found by its input)."""
    key, spec = next((k, s) for k, s in app.callback_map.items()
                     if s["inputs"] == [{"id": ids.WI_COUNTIES, "property": "n_clicks"}])
    payload = {
        "output": key, "outputs": {"id": ids.WI_SELECT, "property": key.split(".", 1)[1]},
        "inputs": [{"id": ids.WI_COUNTIES, "property": "n_clicks", "value": 1}],
        "state": [{"id": ids.WI_COUNTIES, "property": "clickData", "value": feature},
                  {"id": ids.WI_SELECT, "property": "value", "value": selected}],
        "changedPropIds": [f"{ids.WI_COUNTIES}.n_clicks"],
    }
    response = client.post("/_dash-update-component", json=payload,
                           headers=browser_headers(client))
    assert response.status_code in (200, 204)
    answer = (response.get_json(silent=True) or {}).get("response") or {}
    return answer.get(ids.WI_SELECT, {}).get("value")  # None: selection left alone


def test_a_map_click_toggles_the_county_in_the_selection(client, demo_app):
    feature = {"properties": {"fips": "01001"}}
    assert click(client, demo_app, feature, ["06071"]) == ["06071", "01001"]
    assert click(client, demo_app, feature, ["06071", "01001"]) == ["06071"]
    assert click(client, demo_app, {"properties": {"fips": "<b>"}}, ["06071"]) is None


def test_accounts_move_clear_and_lock_from_the_account_list(client, demo_app):
    frames = demo_app.server.extensions["territory_service"].frames()
    account = frames.accounts.index[0]
    home = frames.accounts.at[account, "territory_id"]
    target = next(t for t in frames.territories["territory_id"] if t != home)
    ticked = [{"id": account}]
    answer = press(client, demo_app, ids.WI_ACCOUNT_MOVE, [],
                   **{ids.WI_ACCOUNT_TARGET: target})
    assert "Tick accounts" in answer[ids.WI_ALERT]["children"]
    values = {f"{ids.WI_ACCOUNTS}.selectedRows": ticked}
    steps = press_with(client, demo_app, ids.WI_ACCOUNT_MOVE, [], values,
                       **{ids.WI_ACCOUNT_TARGET: target})[ids.WI_HISTORY]["data"]
    assert steps[-1]["changes"]["account_overrides"] == {account: target}
    rows = {r["id"]: r for r in show(client, demo_app, steps)[ids.WI_TOUCHED]["rowData"]}
    assert rows[target]["accounts_delta"] == 1 and rows[home]["accounts_delta"] == -1
    steps = press_with(client, demo_app, ids.WI_ACCOUNT_LOCK, steps,
                       values)[ids.WI_HISTORY]["data"]
    assert steps[-1]["changes"]["locked_accounts"] == [account]
    refused = press_with(client, demo_app, ids.WI_ACCOUNT_CLEAR, steps, values)
    assert ids.WI_HISTORY not in refused and "locked" in refused[ids.WI_ALERT]["children"]
    steps = press_with(client, demo_app, ids.WI_ACCOUNT_LOCK, steps,
                       values)[ids.WI_HISTORY]["data"]  # a second press unlocks
    assert steps[-1]["changes"]["locked_accounts"] == []
    steps = press_with(client, demo_app, ids.WI_ACCOUNT_CLEAR, steps,
                       values)[ids.WI_HISTORY]["data"]
    assert steps[-1]["changes"]["account_overrides"] == {}


def test_a_locked_territory_refuses_moves_and_unlocks_on_a_second_press(client, demo_app):
    fips, source, target = a_county_and_target(demo_app)
    steps = press(client, demo_app, ids.WI_LOCK_TERRITORY_APPLY, [],
                  **{ids.WI_LOCK_TERRITORY: target})[ids.WI_HISTORY]["data"]
    assert steps[-1]["changes"]["locked_territories"] == [target]
    refused = press(client, demo_app, ids.WI_MOVE, steps,
                    **{ids.WI_SELECT: [fips], ids.WI_TARGET: target})
    assert ids.WI_HISTORY not in refused and refused[ids.WI_ALERT]["color"] == "warning"
    steps = press(client, demo_app, ids.WI_LOCK_TERRITORY_APPLY, steps,
                  **{ids.WI_LOCK_TERRITORY: target})[ids.WI_HISTORY]["data"]
    assert steps[-1]["changes"]["locked_territories"] == []


def test_the_account_list_follows_search_selection_and_scenario(client, demo_app):
    frames = demo_app.server.extensions["territory_service"].frames()
    fips = frames.accounts["county_fips"].iloc[0]
    values = {f"{ids.WI_ACCOUNT_SEARCH}.value": "", f"{ids.WI_SELECT}.value": [fips],
              f"{ids.WI_HISTORY}.data": []}
    status, body = post_callback(client, demo_app, (ids.WI_ACCOUNTS, "rowData"), values)
    assert status == 200
    rows = body["response"][ids.WI_ACCOUNTS]["rowData"]
    in_county = frames.accounts.index[frames.accounts["county_fips"] == fips]
    assert {r["id"] for r in rows} == set(in_county[:200])


def test_outlines_are_drawn_for_the_reshaped_territories(client, demo_app):
    fips, source, target = a_county_and_target(demo_app)
    steps = press(client, demo_app, ids.WI_MOVE, [],
                  **{ids.WI_SELECT: [fips], ids.WI_TARGET: target})[ids.WI_HISTORY]["data"]
    values = {f"{ids.WI_HISTORY}.data": steps, f"{ids.PERIOD}.value": "qtd",
              f"{ids.WI_METRIC}.value": "potential", f"{ids.WI_WEIGHT}.value": 0.5,
              f"{ids.URL}.search": ""}
    _, body = post_callback(client, demo_app, (ids.WI_OUTLINES, "data"), values)
    drawn = body["response"][ids.WI_OUTLINES]["data"]["features"]
    assert {f["properties"]["territory_id"] for f in drawn} == {source, target}


def press_with(client, app, button, steps, values, **form):
    """press() with extra raw "id.prop" values (e.g. the ticked account rows)."""
    payload = {f"{button}.n_clicks": 1, f"{ids.WI_HISTORY}.data": steps,
               f"{ids.URL}.search": "", **values}
    payload.update({f"{key}.value": value for key, value in form.items()})
    status, body = post_callback(client, app, HISTORY, payload, changed=[f"{button}.n_clicks"])
    assert status == 200
    return body["response"]


# --- a manager edits their own region only ------------------------------------

def region_counties(app, region):
    frames = app.server.extensions["territory_service"].frames()
    mine = frames.territories.index[frames.territories["region"] == region]
    alignment = frames.alignment["territory_id"]
    return alignment[alignment.isin(mine)], list(mine)


def test_a_manager_moves_counties_only_between_their_territories(demo_app):
    client = sign_in(demo_app.server.test_client(), "manager-west")
    west, west_ids = region_counties(demo_app, "West")
    south, _ = region_counties(demo_app, "South")
    fips = west.index[0]
    target = next(t for t in west_ids if t != west[fips])
    moved = press(client, demo_app, ids.WI_MOVE, [],
                  **{ids.WI_SELECT: [fips], ids.WI_TARGET: target})
    assert moved[ids.WI_HISTORY]["data"][-1]["changes"]["county_moves"] == {fips: target}
    # a southern county into a western territory, and a western county out of the
    # region: refused as a county or territory that does not exist would be
    for county, into, posted, unknown in ((south.index[0], target, south.index[0], "99999"),
                                          (fips, south.iloc[0], south.iloc[0], "T999")):
        refused = press(client, demo_app, ids.WI_MOVE, [],
                        **{ids.WI_SELECT: [county], ids.WI_TARGET: into})
        assert ids.WI_HISTORY not in refused
        nothing = press(client, demo_app, ids.WI_MOVE, [], **{
            ids.WI_SELECT: [unknown if county == posted else county],
            ids.WI_TARGET: unknown if into == posted else into})
        assert refused[ids.WI_ALERT]["children"] == \
            nothing[ids.WI_ALERT]["children"].replace(unknown, posted)


def test_a_manager_rebalance_moves_only_within_their_region(demo_app):
    service = demo_app.server.extensions["territory_service"]
    west, west_ids = region_counties(demo_app, "West")
    manager = Viewer(2, "manager-west", "manager", "West")
    steps, _, color, _, _ = whatif_rebalance.rebalance(service, [], 10, "potential", None,
                                                       viewer=manager, settings=QUICK)
    moves = steps[-1]["changes"]["county_moves"] if steps else {}
    assert color in ("success", "info")
    assert set(moves) <= set(west.index) and set(moves.values()) <= set(west_ids)


def test_a_rebalance_without_a_valid_signed_viewer_is_refused(demo_app):
    from callbacks import guard

    service = demo_app.server.extensions["territory_service"]
    secret = demo_app.server.config["SECRET_KEY"]
    token = guard.viewer_token(secret, Viewer(2, "manager-west", "manager", "West"))
    assert guard.viewer_from_token(secret, token).scope == "West"
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert guard.viewer_from_token(secret, forged) is None
    assert guard.viewer_from_token("another-secret", token) is None
    with pytest.raises(ValueError, match="sign-in could not be checked"):
        whatif_rebalance.rebalance(service, [], 10, "potential", None, viewer=None)


# -- French -------------------------------------------------------------------
def test_the_editor_speaks_french_to_a_french_browser(demo_app):
    from dashboard.i18n import translation

    # the test client serves requests in this thread: the language the request
    # sets is put back afterwards so later tests speak English
    with translation.use("en"):
        _editor_in_french(demo_app)


def _editor_in_french(demo_app):
    client = sign_in(demo_app.server.test_client())
    speaking(client, "fr-FR,fr;q=0.9")
    refused = press(client, demo_app, ids.WI_UNDO, [])
    assert refused[ids.WI_ALERT]["children"] == "Rien à annuler : c'est le découpage actuel."
    fips, _source, target = a_county_and_target(demo_app)
    moved = press(client, demo_app, ids.WI_MOVE, [],
                  **{ids.WI_SELECT: [fips], ids.WI_TARGET: target})
    assert " déplacé(s) vers " in moved[ids.WI_ALERT]["children"]
    shown = json.dumps(show(client, demo_app, moved[ids.WI_HISTORY]["data"]),
                       ensure_ascii=False)
    assert "Indice d'équilibre" in shown and "Prises de commande 12 derniers mois" in shown
    assert "1 étape · dernière : " in shown
    assert "\u00a0%" in shown  # French percent: "12,3 %"
    assert re.search(r"\d,\d{3}", shown)  # French decimals: the balance index "0,912"


def test_the_background_rebalance_speaks_the_language_of_the_page(demo_app):
    from callbacks import guard
    from dashboard.i18n import translation

    service = demo_app.server.extensions["territory_service"]
    secret = demo_app.server.config["SECRET_KEY"]
    with translation.use("fr"):
        token = guard.viewer_token(secret, LEADER)
    viewer = guard.viewer_from_token(secret, token)
    assert viewer.language == "fr" and viewer.scope == LEADER.scope
    with translation.use("en"):
        english = guard.viewer_token(secret, LEADER)
    assert guard.viewer_from_token(secret, english).language == "en"
    with translation.use(viewer.language):
        steps, message, color, _points, _chosen = whatif_rebalance.rebalance(
            service, [], 10, "potential", None, viewer=viewer, settings=QUICK)
    assert color == "success"
    assert message.startswith("Rééquilibrage proposé de potentiel : ")
    assert "des prises de commande des 12 derniers mois" in message
    assert re.search(r"\d,\d\u00a0%", message)  # "3,2 %"
    assert steps[-1]["reasons"][0].split(": ", 1)[1].startswith("déplace ")


def test_a_managers_county_map_names_only_their_own_territories(demo_app):
    client = sign_in(demo_app.server.test_client(), "manager-west")
    frames = demo_app.server.extensions["territory_service"].frames()
    territories = frames.territories
    status, body = post_callback(client, demo_app, (ids.PAGE, "children"),
                                 {f"{ids.URL}.pathname": "/what-if", f"{ids.URL}.search": ""})
    assert status == 200
    page = json.dumps(body, ensure_ascii=False)
    west = territories[territories["region"] == "West"]
    others = territories[territories["region"] != "West"]
    assert all(name in page for name in west["territory_name"])
    leaked = [name for name in others["territory_name"] if f" · {name} (" in page]
    assert not leaked, f"other regions' territories named on a manager's map: {leaked[:5]}"


# --- a posted history is judged against the viewer's scope --------------------

def northeast_move(app):
    """A Northeast county moved to another Northeast territory, as a one-step history."""
    counties, northeast = region_counties(app, "Northeast")
    fips = counties.index[0]
    target = next(t for t in northeast if t != counties[fips])
    return fips, target, changeset.Changes(county_moves={fips: target})


def test_a_forged_history_naming_another_region_is_refused_without_naming_it(demo_app,
                                                                             caplog):
    client = sign_in(demo_app.server.test_client(), "manager-west")
    fips, target, forged = northeast_move(demo_app)
    steps = [{"label": "moved", "changes": forged.to_json(), "reasons": []}]
    frames = demo_app.server.extensions["territory_service"].frames()
    west = frames.territories.index[frames.territories["region"] == "West"]
    others = frames.territories[~frames.territories.index.isin(west)]

    shown = show(client, demo_app, steps)
    text = json.dumps(shown[ids.WI_FAIRNESS], ensure_ascii=False)
    assert "This scenario changes territories outside your region." in text
    assert fips not in text and target not in text
    assert shown[ids.WI_TOUCHED]["rowData"] == [] and shown[ids.WI_REPS]["rowData"] == []
    assert target in caplog.text  # the server log says what was asked for

    # an edit on top of it is refused the same way, naming nothing
    counties, west_ids = region_counties(demo_app, "West")
    mine = counties.index[0]
    into = next(t for t in west_ids if t != counties[mine])
    refused = press(client, demo_app, ids.WI_MOVE, steps,
                    **{ids.WI_SELECT: [mine], ids.WI_TARGET: into})
    assert ids.WI_HISTORY not in refused
    message = refused[ids.WI_ALERT]["children"]
    assert message == "This scenario changes territories outside your region."

    # the account list is the region's, whatever the history names
    status, body = post_callback(client, demo_app, (ids.WI_ACCOUNTS, "rowData"), {
        f"{ids.WI_ACCOUNT_SEARCH}.value": "", f"{ids.WI_SELECT}.value": [fips],
        f"{ids.WI_HISTORY}.data": steps})
    assert status == 200
    listed = body["response"][ids.WI_ACCOUNTS]["rowData"]
    assert not {r.get("territory") for r in listed} & set(others.index)
    assert fips not in json.dumps(listed)

    # the leader's same history is shown in full
    leader = show(sign_in(demo_app.server.test_client()), demo_app, steps)
    assert {r["id"] for r in leader[ids.WI_TOUCHED]["rowData"]} >= {target}
