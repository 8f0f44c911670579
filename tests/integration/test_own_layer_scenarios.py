"""Saving, comparing and applying a scenario on a layer of one's own, over HTTP (issue 19
item 2): on the seven made-up départements (tests/data/departements*, see
tests/integration/test_own_layer.py for the dataset) a leader moves 02 (Basse-Rivière,
T1's) to T2 in the editor, saves it, compares it with the live alignment, proposes,
approves and applies it from 2026-10-01; ``kpis`` and the map then show 02 in T2.

By hand: 02 holds A2 (potential 200k, O2 20k won 2026-08-01): 2026Q3 does not change,
the move counting from 2026-10-01; as of 2026-10-15 the revenue penetration (T12 bookings
of the territory's accounts ÷ their potential) reads T1 30k / 100k, T2 70k / 900k.

The comparison's diff map drew nothing on such a layer before (it took its shapes from
the US counties).
"""

from __future__ import annotations

import json

import pytest

from dashboard.layers import topojson
from layouts import ids
from tests.dash_http import post_callback, sign_in, speaking
from tests.integration import test_scenarios_apply_http as apply_http
from tests.integration import test_scenarios_panel_http as panel_http
from tests.integration.test_own_layer import (
    PASSWORD,
    app_on,
    build_instance,
    fetch,
    kpis,
    press,
)
from tests.integration.test_whatif_compare_http import compare

NAME = "Basse-Rivière to Est"


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    folder = tmp_path_factory.mktemp("own-layer-scenarios")
    build_instance(folder)
    return folder


@pytest.fixture(scope="module")
def app(instance):
    return app_on(instance)


@pytest.fixture(scope="module")
def client(app):
    return sign_in(app.server.test_client(), "boss", PASSWORD)


def test_a_departement_move_is_saved_compared_and_applied(client, app, instance, capsys):
    moved = press(client, app, ids.WI_MOVE, [], **{ids.WI_SELECT: ["02"], ids.WI_TARGET: "T2"})
    history = moved[ids.WI_HISTORY]["data"]
    saved = panel_http.press(client, app, ids.SC_SAVE_NEW, name=NAME, history=history)
    assert saved[ids.SC_ALERT]["children"] == f"Saved '{NAME}' as a new draft."
    (row,) = panel_http.listed(client, app)
    assert (row["name"], row["summary"]) == (NAME, "1 unit move")
    selected = [{"id": row["id"], "name": NAME}]

    answer = compare(client, app, "live", str(row["id"]))
    assert [f["properties"]["fips"] for f in answer[ids.WI_CMP_DIFF]["data"]["features"]] \
        == ["02"]
    assert "1 unit assigned differently" in json.dumps(answer[ids.WI_CMP_SUMMARY])
    table = json.dumps(answer[ids.WI_CMP_TABLE]["children"], ensure_ascii=False)
    assert "Unit moves" in table and "ount" not in table.replace("Account", "")

    for button in (ids.SC_PROPOSE, ids.SC_APPROVE):
        done = panel_http.press(client, app, button, selected=selected)
        assert done[ids.SC_ALERT]["color"] == "success", done
    record = type("Picked", (), {"id": row["id"]})
    _status, body = apply_http.quota_step(client, app, record, "2026-10-01")
    step = body["response"]
    # no quota is stored after 2026Q3: nothing to confirm
    assert step[ids.SC_APPLY_QUOTAS]["rowData"] == []
    assert step[ids.SC_APPLY_SUMMARY]["children"] == (
        f"'{NAME}': 1 unit and 1 account change territory from 2026-10-01; the confirmed "
        "quotas apply from 2026Q4.")
    _status, body = apply_http.confirm(client, app, record, "2026-10-01", [])
    assert body["response"][ids.SC_ALERT]["color"] == "success", body
    (applied,) = apply_http.steps(client, app)
    assert (applied["what"], applied["counties"]) == (f"Applied '{NAME}'", 1)

    # 2026Q3 is as it was: the move counts from 2026-10-01
    q3 = kpis(instance, "territory", capsys)
    assert (float(q3["T1"]["bookings"]), float(q3["T2"]["bookings"])) == (50_000, 50_000)
    # as of 2026-10-15, A2 is T2's: revenue penetration is the T12 bookings of the
    # territory's accounts over their potential: T1 A1 30k / 100k (300k before, with
    # A2's 20k); T2 (O3 50k + O2 20k) / (A2 200k + A3 300k + A4 150k + A5 250k)
    q4 = kpis(instance, "territory", capsys, "2026Q4", as_of="2026-10-15")
    assert float(q4["T1"]["revenue_penetration"]) == pytest.approx(30_000 / 100_000)
    assert float(q4["T2"]["revenue_penetration"]) == pytest.approx(70_000 / 900_000)
    # the map and the editor start from the applied alignment
    units = {str(u.id): u for u in topojson.decode(fetch(client, "counties", app), "units")}
    assert units["02"].properties["t"] == "T2"


def test_the_scenario_list_counts_unit_moves(client, app):
    status, body = post_callback(client, app, (ids.SC_GRID, "rowData"),
                                 {f"{ids.SC_CHANGED}.data": 1})
    assert status == 200
    assert [r["summary"] for r in body["response"][ids.SC_GRID]["rowData"]] == ["1 unit move"]


def test_a_history_or_scenario_naming_a_unit_not_in_the_data_says_unit(client, app):
    """Page data from before an import, or a scenario whose unit left the data: the
    refusals name a unit (they said county before), in English and in French."""
    from dashboard.i18n import translation
    from dashboard.whatif import scenarios
    from dashboard.whatif.changeset import Changes

    gone = Changes(county_moves={"99": "T2"})
    history = [{"label": "moved 99", "changes": gone.to_json(), "reasons": []}]
    pressed = press(client, app, ids.WI_LOCK, history, **{ids.WI_SELECT: ["01"]})
    assert pressed[ids.WI_ALERT]["children"] == "Unit 99 is not in the current data."

    engine = app.server.extensions["territory_service"].engine
    record = scenarios.save_scenario(engine, name="Gone", changes=gone, user="boss")
    answer = json.dumps(compare(client, app, "live", str(record.id)), ensure_ascii=False)
    assert "unit 99 is not in the current data" in answer and "county" not in answer

    scenarios.propose(engine, record.id, "boss", "leader")
    scenarios.approve(engine, record.id, "boss", "leader")
    _status, body = apply_http.confirm(client, app, record, "2026-10-01", [])
    assert body["response"][ids.SC_APPLY_ERROR]["children"] \
        == "Unit 99 is not in the live data; nothing was applied."
    with translation.use("en"):
        french = speaking(sign_in(app.server.test_client(), "boss", PASSWORD),
                          "fr-FR,fr;q=0.9")
        _status, body = apply_http.confirm(french, app, record, "2026-10-01", [])
        assert body["response"][ids.SC_APPLY_ERROR]["children"] \
            == "L'unité 99 n'est pas dans les données actuelles ; rien n'a été appliqué."
