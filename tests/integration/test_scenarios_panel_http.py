"""The scenarios panel through its callback endpoint: what is saved reopens as
the same changes, a stale save keeps both versions, applying changes the live
figures, and every refusal is a message with status 200."""

from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from callbacks import scenarios_panel as panel
from dashboard.metrics.kpi_table import kpi_table
from dashboard.storage.models import Scenario
from dashboard.views import whatif as view
from dashboard.views.selection import resolve_period
from dashboard.whatif import changeset, scenarios
from layouts import ids
from layouts import scenarios_panel as panel_layout
from tests.dash_http import post_callback, sign_in
from tests.integration import test_scenarios_apply_http as apply_http

ACTION = (ids.SC_ALERT, "children")
LIST = (ids.SC_GRID, "rowData")


@pytest.fixture
def client(demo_app):
    return sign_in(demo_app.server.test_client())


def service_of(app):
    return app.server.extensions["territory_service"]


def press(client, app, button, *, name=None, selected=None, opened=None, history=None):
    values = {f"{button}.n_clicks": 1, f"{ids.SC_NAME}.value": name,
              f"{ids.SC_GRID}.selectedRows": selected, f"{ids.SC_OPENED}.data": opened,
              f"{ids.WI_HISTORY}.data": history, f"{ids.SC_CHANGED}.data": 0}
    status, body = post_callback(client, app, ACTION, values, changed=[f"{button}.n_clicks"])
    assert status == 200
    return body["response"]


def listed(client, app) -> list[dict]:
    status, body = post_callback(client, app, LIST, {f"{ids.SC_CHANGED}.data": 1})
    assert status == 200
    return body["response"][ids.SC_GRID]["rowData"]


def history_out(response):
    """The editor history the action wrote (an allow_duplicate output)."""
    return next(v for k, v in response[ids.WI_HISTORY].items() if k.startswith("data"))


def a_move(app):
    frames = service_of(app).frames()
    alignment = frames.alignment["territory_id"]
    fips = alignment.index[0]
    target = next(t for t in frames.territories["territory_id"] if t != alignment[fips])
    changes = changeset.Changes(county_moves={fips: target})
    return fips, alignment[fips], target, view.push_step([], changes, "moved")


def test_save_lists_it_and_open_returns_the_same_changes(client, demo_app):
    fips, _source, target, steps = a_move(demo_app)
    saved = press(client, demo_app, ids.SC_SAVE, name="West", history=steps)
    assert saved[ids.SC_ALERT]["color"] == "success"
    opened = saved[ids.SC_OPENED]["data"]
    assert opened["revision"] == 1 and opened["name"] == "West"
    rows = listed(client, demo_app)
    assert [(r["name"], r["status"], r["revision"], r["updated_by"]) for r in rows] == [
        ("West", "draft", 1, "leader")]
    assert rows[0]["summary"] == "1 county move"

    back = press(client, demo_app, ids.SC_OPEN, selected=rows[:1])
    history = history_out(back)
    assert len(history) == 1
    assert history[0]["changes"] == steps[0]["changes"]
    assert view.current_changes(history).county_moves == {fips: target}
    assert back[ids.SC_NAME]["value"] == "West"


def test_a_stale_save_keeps_both_versions(client, demo_app):
    _fips, _source, _target, steps = a_move(demo_app)
    first = press(client, demo_app, ids.SC_SAVE, name="Plan", history=steps)
    opened = first[ids.SC_OPENED]["data"]
    again = press(client, demo_app, ids.SC_SAVE, name="Plan", history=steps, opened=opened)
    assert again[ids.SC_OPENED]["data"]["revision"] == 2
    stale = press(client, demo_app, ids.SC_SAVE, name="Plan", history=[], opened=opened)
    assert stale[ids.SC_ALERT]["color"] == "warning"
    message = stale[ids.SC_ALERT]["children"]
    assert "after you opened it" in message and "Plan (copy by leader)" in message
    names = {r["name"]: r for r in listed(client, demo_app)}
    assert set(names) == {"Plan", "Plan (copy by leader)"}
    assert names["Plan"]["revision"] == 2 and names["Plan"]["summary"] == "1 county move"
    assert names["Plan (copy by leader)"]["summary"] == "no changes"
    assert stale[ids.SC_OPENED]["data"]["name"] == "Plan (copy by leader)"


def test_propose_approve_apply_changes_the_live_figures(client, demo_app):
    service = service_of(demo_app)
    fips, source, target, steps = a_move(demo_app)
    as_of = service.as_of()
    period = resolve_period("qtd", as_of)
    before = kpi_table(service.frames(), period, as_of, "territory", None, None)
    version = service.data_version()
    press(client, demo_app, ids.SC_SAVE, name="Go live", history=steps)
    row = listed(client, demo_app)[0]
    assert panel.disabled([row]) == [False, False, False, False, True, True, False]
    for button, status in ((ids.SC_PROPOSE, "proposed"), (ids.SC_APPROVE, "approved")):
        done = press(client, demo_app, button, selected=[row])
        assert done[ids.SC_ALERT]["color"] == "success", done[ids.SC_ALERT]["children"]
        row = listed(client, demo_app)[0]
        assert row["status"] == status
    # applying asks for a date and a quota step (tests/integration/test_scenarios_apply_http.py)
    record = scenarios.get_scenario(service.engine, row["id"])
    _status, body = apply_http.quota_step(client, demo_app, record, "2026-10-01")
    rows = body["response"][ids.SC_APPLY_QUOTAS]["rowData"]
    _status, body = apply_http.confirm(client, demo_app, record, "2026-10-01", rows)
    applied = body["response"]
    assert applied[ids.SC_ALERT]["color"] == "success", applied[ids.SC_ALERT]["children"]
    assert history_out(applied) == []
    assert listed(client, demo_app)[0]["status"] == "applied"
    assert service.data_version() == version + 1
    frames = service.frames()
    # the latest alignment holds the move; the current quarter is credited as before
    assert frames.alignment.at[fips, "territory_id"] == target != source
    after = kpi_table(frames, period, as_of, "territory", None, None)
    assert before.equals(after)


def test_export_returns_the_scenario_csv(client, demo_app):
    fips, _source, target, steps = a_move(demo_app)
    press(client, demo_app, ids.SC_SAVE, name="Export me", history=steps)
    row = listed(client, demo_app)[0]
    out = press(client, demo_app, ids.SC_EXPORT, selected=[row])
    download = out[ids.SC_DOWNLOAD]["data"]
    assert download["filename"] == f"scenario-{row['id']}.csv"
    content = base64.b64decode(download["content"]) if download["base64"] else \
        download["content"].encode()
    text = content.decode("utf-8")
    assert text.startswith("kind,key,value\n")
    assert f"county_move,{fips},{target}" in text and "scenario,name,Export me" in text


@pytest.mark.parametrize("button, form, says", [
    (ids.SC_SAVE, {"name": "  ", "history": []}, "name"),
    (ids.SC_OPEN, {"selected": []}, "Select a scenario"),
    (ids.SC_OPEN, {"selected": [{"id": 999, "status": "draft"}]}, "There is no scenario 999"),
    (ids.SC_DELETE, {"selected": [{"id": 999}]}, "There is no scenario 999"),
    (ids.SC_APPROVE, {"selected": [{"id": 998}]}, "There is no scenario 998"),
    (ids.SC_PROPOSE, {"selected": [{"id": "x"}]}, "Select a scenario"),
    (ids.SC_SAVE, {"name": "x", "history": "garbage"}, "not readable"),
])
def test_refusals_are_messages_not_errors(client, demo_app, button, form, says):
    out = press(client, demo_app, button, **form)
    assert out[ids.SC_ALERT]["color"] == "danger"
    assert says in out[ids.SC_ALERT]["children"]


# --- a manager sees and changes only the scenarios of their region ----------------
# Other people's scenarios are written through the core, as their own panel would.

def region_move(app, region):
    """A county of ``region`` moved to another territory of the same region."""
    frames = service_of(app).frames()
    mine = frames.territories.index[frames.territories["region"] == region]
    alignment = frames.alignment["territory_id"]
    counties = alignment[alignment.isin(mine)]
    fips = counties.index[0]
    target = next(t for t in mine if t != counties[fips])
    return changeset.Changes(county_moves={fips: target})


def foreign_words(app, region="West"):
    """Every territory id and name, rep name and county FIPS outside ``region``:
    none may appear in what a manager of ``region`` is told."""
    frames = service_of(app).frames()
    others = frames.territories[frames.territories["region"] != region]
    reps = frames.reps[~frames.reps["territory_id"].isin(
        frames.territories.index[frames.territories["region"] == region])]
    alignment = frames.alignment["territory_id"]
    # "T12" is also the trailing-twelve-months label ("T12 bookings"): its name is looked for
    return ((set(others.index) - {"T12"}) | set(others["territory_name"]) | set(reps["rep_name"])
            | set(alignment.index[alignment.isin(others.index)]))


@pytest.fixture
def foreign(demo_app):
    """Scenarios manager-west may not see: one per state by manager-northeast
    (touching the Northeast), and the leader's touching the South or nothing."""
    engine = service_of(demo_app).engine
    northeast, south = region_move(demo_app, "Northeast"), region_move(demo_app, "South")

    def made(name, user, changes, *moves):
        record = scenarios.save_scenario(engine, name=name, changes=changes, user=user)
        for move in moves:
            record = move(engine, record.id, "leader", "leader")
        return record

    return {
        "draft": made("NE secret plan", "manager-northeast", northeast),
        "proposed": made("NE proposal", "manager-northeast", northeast, scenarios.propose),
        "approved": made("South approved", "leader", south, scenarios.propose,
                         scenarios.approve),
        "empty": made("Leader blank", "leader", changeset.Changes()),
    }


def stored(app, scenario_id):
    """Everything a write could change, read back from the database."""
    with Session(service_of(app).engine) as session:
        row = session.execute(select(Scenario.__table__).where(
            Scenario.id == scenario_id)).one()
    return row._asdict()


def count_scenarios(app) -> int:
    with Session(service_of(app).engine) as session:
        return len(session.execute(select(Scenario.id)).all())


def manager(app):
    return sign_in(app.server.test_client(), "manager-west")


def test_a_manager_lists_only_their_regions_scenarios(demo_app, foreign):
    client = manager(demo_app)
    west = scenarios.save_scenario(service_of(demo_app).engine, name="Leader's West plan",
                                   user="leader", changes=region_move(demo_app, "West"))
    rows = listed(client, demo_app)
    assert [r["id"] for r in rows] == [west.id]
    page = json.dumps(rows)
    assert not [r.name for r in foreign.values() if r.name in page]
    leader_rows = listed(sign_in(demo_app.server.test_client()), demo_app)
    assert {r["id"] for r in leader_rows} == {west.id, *(r.id for r in foreign.values())}


@pytest.mark.parametrize("which, button", [
    ("draft", ids.SC_OPEN), ("draft", ids.SC_DUPLICATE), ("draft", ids.SC_DELETE),
    ("draft", ids.SC_EXPORT), ("draft", ids.SC_PROPOSE), ("proposed", ids.SC_APPROVE),
    # Apply opens the leader's dialog, refused to a manager with 403
    # (tests/integration/test_scenarios_apply_http.py)
    ("empty", ids.SC_OPEN), ("empty", ids.SC_DELETE),
    ("approved", ids.SC_EXPORT),
])
def test_a_foreign_scenario_reads_as_one_that_does_not_exist(demo_app, foreign, which,
                                                             button, caplog):
    client = manager(demo_app)
    record = foreign[which]
    before, how_many = stored(demo_app, record.id), count_scenarios(demo_app)
    missing = 987654
    nothing = press(client, demo_app, button, selected=[{"id": missing, "status": which}])
    out = press(client, demo_app, button, selected=[{"id": record.id, "status": which}])
    message = out[ids.SC_ALERT]["children"]
    assert out[ids.SC_ALERT]["color"] == "danger"
    assert message == nothing[ids.SC_ALERT]["children"].replace(str(missing), str(record.id))
    assert not {"manager-northeast", "leader", record.name, record.status} & set(
        message.replace(".", " ").split()), message
    assert not [w for w in foreign_words(demo_app) if w in json.dumps(out)]
    assert ids.SC_DOWNLOAD not in out and ids.WI_HISTORY not in out
    assert stored(demo_app, record.id) == before
    assert count_scenarios(demo_app) == how_many
    assert f"scenario {record.id} by {record.created_by}" in caplog.text  # logged, not shown


@pytest.mark.parametrize("revision", [1, 2])
def test_saving_over_a_foreign_scenario_is_refused_and_names_no_one(demo_app, foreign,
                                                                    revision):
    """The issue's overwrite (revision 1 = the stored one) and the stale save
    that named the other author (2 = an older/newer one)."""
    client = manager(demo_app)
    record = foreign["empty"] if revision == 1 else foreign["draft"]
    before, how_many = stored(demo_app, record.id), count_scenarios(demo_app)
    steps = view.push_step([], region_move(demo_app, "West"), "moved")
    out = press(client, demo_app, ids.SC_SAVE, name="Mine now", history=steps,
                opened={"id": record.id, "revision": revision, "name": "x"})
    message = out[ids.SC_ALERT]["children"]
    assert out[ids.SC_ALERT]["color"] == "danger"
    assert message == f"There is no scenario {record.id}."
    assert stored(demo_app, record.id) == before
    assert count_scenarios(demo_app) == how_many  # no "copy by" draft either
    assert ids.SC_OPENED not in out


def test_a_forged_history_naming_another_regions_county_is_refused_unnamed(demo_app, caplog):
    client = manager(demo_app)
    forged = region_move(demo_app, "Northeast")
    (fips, target), = forged.county_moves.items()
    how_many = count_scenarios(demo_app)
    for button in (ids.SC_SAVE_NEW, ids.SC_SAVE):
        out = press(client, demo_app, button, name="Forged",
                    history=view.push_step([], forged, "moved"))
        message = out[ids.SC_ALERT]["children"]
        assert out[ids.SC_ALERT]["color"] == "danger"
        assert message == "This scenario changes territories outside your region."
        assert fips not in json.dumps(out) and target not in json.dumps(out)
    assert count_scenarios(demo_app) == how_many
    assert fips in caplog.text or target in caplog.text


def test_a_manager_saves_opens_duplicates_and_proposes_their_own(demo_app, foreign):
    client = manager(demo_app)
    steps = view.push_step([], region_move(demo_app, "West"), "moved")
    saved = press(client, demo_app, ids.SC_SAVE_NEW, name="West plan", history=steps)
    assert saved[ids.SC_ALERT]["color"] == "success", saved[ids.SC_ALERT]["children"]
    opened = saved[ids.SC_OPENED]["data"]
    again = press(client, demo_app, ids.SC_SAVE, name="West plan", history=steps, opened=opened)
    assert again[ids.SC_OPENED]["data"]["revision"] == 2
    row = next(r for r in listed(client, demo_app) if r["id"] == opened["id"])
    back = press(client, demo_app, ids.SC_OPEN, selected=[row])
    assert history_out(back)[0]["changes"] == steps[0]["changes"]
    copied = press(client, demo_app, ids.SC_DUPLICATE, selected=[row])
    assert copied[ids.SC_ALERT]["color"] == "success", copied[ids.SC_ALERT]["children"]
    proposed = press(client, demo_app, ids.SC_PROPOSE, selected=[row])
    assert proposed[ids.SC_ALERT]["children"] == "'West plan' is now proposed."
    assert {r["name"] for r in listed(client, demo_app)} == {"West plan", "West plan (copy)"}

    # the leader approves the manager's and applies another region's
    leader = sign_in(demo_app.server.test_client())
    done = press(leader, demo_app, ids.SC_APPROVE, selected=[row])
    assert done[ids.SC_ALERT]["children"] == "'West plan' is now approved."
    other = foreign["approved"]
    _status, body = apply_http.quota_step(leader, demo_app, other, "2026-10-01")
    rows = body["response"][ids.SC_APPLY_QUOTAS]["rowData"]
    _status, body = apply_http.confirm(leader, demo_app, other, "2026-10-01", rows)
    applied = body["response"]
    assert applied[ids.SC_ALERT]["color"] == "success", applied[ids.SC_ALERT]["children"]
    assert stored(demo_app, foreign["approved"].id)["status"] == "applied"


def test_a_managers_own_scenario_that_reaches_another_region_is_refused_unnamed(demo_app):
    """Their own draft, over which the leader saved a move in the Northeast."""
    client = manager(demo_app)
    engine = service_of(demo_app).engine
    mine = scenarios.save_scenario(engine, name="Was West", user="manager-west",
                                   changes=region_move(demo_app, "West"))
    reaching = region_move(demo_app, "Northeast")
    scenarios.save_scenario(engine, name="Was West", user="leader", changes=reaching,
                            scenario_id=mine.id, expected_revision=1)
    row = next(r for r in listed(client, demo_app) if r["id"] == mine.id)  # still theirs
    before = stored(demo_app, mine.id)
    for button in (ids.SC_OPEN, ids.SC_EXPORT, ids.SC_DUPLICATE, ids.SC_DELETE,
                   ids.SC_PROPOSE):
        out = press(client, demo_app, button, selected=[row])
        assert out[ids.SC_ALERT]["children"] == \
            "This scenario changes territories outside your region.", button
        assert not [w for w in foreign_words(demo_app) if w in json.dumps(out)]
    assert stored(demo_app, mine.id) == before


def _buttons(node, found=None) -> dict:
    """Every scenario action button of a layout, by id, with its class."""
    found = {} if found is None else found
    if isinstance(node, dict):
        props = node.get("props") or {}
        if props.get("id") in {b for b, _label, _colour in panel_layout.ACTIONS}:
            found[props["id"]] = props.get("className") or ""
        for value in props.values():
            _buttons(value, found)
    elif isinstance(node, list):
        for item in node:
            _buttons(item, found)
    return found


@pytest.mark.parametrize("username, hidden", [
    ("manager-west", {ids.SC_APPROVE, ids.SC_APPLY}), ("leader", set())])
def test_the_panel_offers_only_the_actions_the_role_may_take(demo_app, username, hidden):
    """A manager is not offered Approve and Apply (the server refuses them
    anyway); the buttons stay in the page, hidden, for their callbacks."""
    client = sign_in(demo_app.server.test_client(), username)
    status, body = post_callback(client, demo_app, (ids.PAGE, "children"), {
        f"{ids.URL}.pathname": "/what-if", f"{ids.URL}.search": ""})
    assert status == 200
    buttons = _buttons(body["response"][ids.PAGE]["children"])
    assert set(buttons) == {b for b, _label, _colour in panel_layout.ACTIONS}
    assert {b for b, cls in buttons.items() if "d-none" in cls.split()} == hidden
