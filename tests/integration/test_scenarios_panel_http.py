"""The scenarios panel through its callback endpoint: what is saved reopens as
the same changes, a stale save keeps both versions, applying changes the live
figures, and every refusal is a message with status 200."""

from __future__ import annotations

import base64

import pytest

from callbacks import scenarios_panel as panel
from dashboard.metrics.kpi_table import kpi_table
from dashboard.views import whatif as view
from dashboard.views.selection import resolve_period
from dashboard.whatif import changeset
from layouts import ids
from tests.dash_http import post_callback, sign_in

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
    refused = press(client, demo_app, ids.SC_APPLY, selected=[row])  # still a draft
    assert refused[ids.SC_ALERT]["color"] == "danger"
    assert "only an approved scenario" in refused[ids.SC_ALERT]["children"]
    for button, status in ((ids.SC_PROPOSE, "proposed"), (ids.SC_APPROVE, "approved")):
        done = press(client, demo_app, button, selected=[row])
        assert done[ids.SC_ALERT]["color"] == "success", done[ids.SC_ALERT]["children"]
        row = listed(client, demo_app)[0]
        assert row["status"] == status
    applied = press(client, demo_app, ids.SC_APPLY, selected=[row])
    assert applied[ids.SC_ALERT]["color"] == "success", applied[ids.SC_ALERT]["children"]
    assert history_out(applied) == []
    assert listed(client, demo_app)[0]["status"] == "applied"
    assert service.data_version() == version + 1
    frames = service.frames()
    assert frames.alignment.at[fips, "territory_id"] == target != source
    after = kpi_table(frames, period, as_of, "territory", None, None)
    assert not before.equals(after)


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
    (ids.SC_OPEN, {"selected": [{"id": 999, "status": "draft"}]}, "no longer exists"),
    (ids.SC_DELETE, {"selected": [{"id": 999}]}, "no longer exists"),
    (ids.SC_APPROVE, {"selected": [{"id": 998}]}, "There is no scenario 998"),
    (ids.SC_PROPOSE, {"selected": [{"id": "x"}]}, "Select a scenario"),
    (ids.SC_SAVE, {"name": "x", "history": "garbage"}, "not readable"),
])
def test_refusals_are_messages_not_errors(client, demo_app, button, form, says):
    out = press(client, demo_app, button, **form)
    assert out[ids.SC_ALERT]["color"] == "danger"
    assert says in out[ids.SC_ALERT]["children"]
