"""The what-if page names the units after the layer the data runs on (issue 19 item 2):
on the seven made-up départements (tests/data/departements*) its title, buttons, help
texts and lock / move messages say "units", never "counties"; on the demo's US counties
they say "counties" as before."""

from __future__ import annotations

import re

import pytest

from dashboard.access import users
from dashboard.whatif import changeset
from layouts import ids
from tests.dash_http import post_callback, sign_in, speaking
from tests.integration.test_own_layer import PASSWORD, build_instance, settings_of
from tests.integration.test_own_layer import press as press_for

#: the keys of a Dash layout whose string values a user reads
SHOWN_KEYS = {"children", "placeholder", "title", "label", "headerName", "noRowsToShow"}
COUNTY_WORD = re.compile(r"\bcount(y|ies)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def layer_app(tmp_path_factory):
    from app import create_app

    folder = tmp_path_factory.mktemp("own-layer-words")
    build_instance(folder)
    app = create_app(settings_of(folder))
    users.add_user(app.server.extensions["territory_service"].engine, "boss", PASSWORD,
                   "leader")
    return app


def shown_text(node) -> list[str]:
    """Every string of a layout a user reads (not ids, fields or classes)."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in SHOWN_KEYS and isinstance(value, str):
                found.append(value)
            else:
                found += shown_text(value)
    elif isinstance(node, list):
        for item in node:
            found += [item] if isinstance(item, str) else shown_text(item)
    return found


def page_text(client, app) -> list[str]:
    status, body = post_callback(client, app, (ids.PAGE, "children"),
                                 {f"{ids.URL}.pathname": "/what-if", f"{ids.URL}.search": ""})
    assert status == 200, body
    return shown_text(body["response"])


def press(client, app, button, steps=(), **form):
    """The alert an editor button answers with, on the history ``steps``."""
    return press_for(client, app, button, list(steps), **form)[ids.WI_ALERT]["children"]


def test_the_what_if_page_on_departements_says_units_not_counties(layer_app):
    client = sign_in(layer_app.server.test_client(), "boss", PASSWORD)
    text = page_text(client, layer_app)
    assert "Scenario map · units coloured by territory" in text
    assert "Click units on the map, or type a unit's name…" in text
    assert [t for t in text if COUNTY_WORD.search(t)] == []


def test_lock_and_move_messages_on_departements_say_units(layer_app):
    client = sign_in(layer_app.server.test_client(), "boss", PASSWORD)
    # 01 and 02 are both T1's (tests/data/departements_data/alignment.csv)
    assert press(client, layer_app, ids.WI_LOCK, **{ids.WI_SELECT: ["01", "02"]}) \
        == "Locked 2 units."
    assert press(client, layer_app, ids.WI_LOCK, **{ids.WI_SELECT: ["99"]}) \
        == "Unit 99 is not in the alignment."
    assert press(client, layer_app, ids.WI_MOVE, **{ids.WI_SELECT: [], ids.WI_TARGET: "T2"}) \
        == "Select units first: click them on the map or pick them by name."
    assert press(client, layer_app, ids.WI_MOVE, **{ids.WI_SELECT: ["01"]}) \
        == "Choose the territory to move the selected units to."
    # 02 is Basse-Rivière (tests/data/departements.geojson): locked, it refuses to move
    locked = press_for(client, layer_app, ids.WI_LOCK, [], **{ids.WI_SELECT: ["02"]})
    assert locked[ids.WI_ALERT]["children"] == "Locked Basse-Rivière."
    assert press(client, layer_app, ids.WI_MOVE, locked[ids.WI_HISTORY]["data"],
                 **{ids.WI_SELECT: ["02"], ids.WI_TARGET: "T2"}) \
        == "Unit Basse-Rivière locked: cannot move."


def test_in_french_the_page_and_messages_say_unites(layer_app):
    from dashboard.i18n import translation

    with translation.use("en"):  # the request's language is put back for later tests
        client = speaking(sign_in(layer_app.server.test_client(), "boss", PASSWORD),
                          "fr-FR,fr;q=0.9")
        text = page_text(client, layer_app)
        assert "Carte du scénario · unités colorées par territoire" in text
        assert [t for t in text if re.search(r"\bcomtés?\b", t, re.IGNORECASE)] == []
        assert press(client, layer_app, ids.WI_LOCK, **{ids.WI_SELECT: ["01", "02"]}) \
            == "Verrouillage de 2 unités."
        assert press(client, layer_app, ids.WI_MOVE, **{ids.WI_SELECT: ["01"]}) \
            == "Choisissez le territoire vers lequel déplacer les unités sélectionnées."


def test_the_demo_still_says_counties(shared_demo_app):
    client = sign_in(shared_demo_app.server.test_client())
    text = page_text(client, shared_demo_app)
    assert "Scenario map · counties coloured by territory" in text
    assert "Click counties on the map, or type a county name…" in text
    assert press(client, shared_demo_app, ids.WI_LOCK, **{ids.WI_SELECT: ["01001", "01003"]}) \
        == "Locked 2 counties."
    assert press(client, shared_demo_app, ids.WI_MOVE,
                 **{ids.WI_SELECT: [], ids.WI_TARGET: "T01"}) \
        == "Select counties first: click them on the map or pick them by name."


def test_a_design_and_a_rebalance_on_departements_say_units(layer_app):
    """The design engine's runs (called as the background job calls them): progress,
    step label and message name units; the scenario list counts unit moves."""
    from callbacks import scenarios_panel, whatif_design, whatif_rebalance
    from dashboard.access.rules import Viewer

    service = layer_app.server.extensions["territory_service"]
    leader, quick = Viewer(1, "boss", "leader"), whatif_rebalance.SearchSettings(time_limit=1)
    seen = []
    steps, message, _color, _points = whatif_design.design(
        service, [], 2, ["potential"], None, progress=seen.append, viewer=leader,
        settings=quick)
    assert seen[0] == (0, "preparing the units")
    moves = len(steps[-1]["changes"]["county_moves"])
    assert (f"{moves} unit move" in message) and not COUNTY_WORD.search(message)
    # one reason per territory: "T1 …: 4 units, potential 1.00×, … the target"
    assert [r for r in steps[-1]["reasons"] if COUNTY_WORD.search(r)] == []
    assert any(" unit" in r for r in steps[-1]["reasons"])
    steps, message, _color, _points, _budget = whatif_rebalance.rebalance(
        service, [], 50, "potential", None, viewer=leader, settings=quick)
    assert not COUNTY_WORD.search(message), message
    assert [r for step in steps for r in step["reasons"] if COUNTY_WORD.search(r)] == []
    record = type("Record", (), {"changes": changeset.Changes(county_moves={"02": "T2"})})
    assert scenarios_panel.summary(record, own_layer=True) == "1 unit move"
    assert scenarios_panel.summary(record) == "1 county move"


def test_the_comparison_counts_unit_moves_on_departements(layer_app):
    from dashboard.views.selection import resolve_period
    from dashboard.whatif import side_by_side

    service = layer_app.server.extensions["territory_service"]
    as_of = service.as_of()
    moved = changeset.Changes(county_moves={"02": "T2"})
    result = side_by_side.compare(service.frames(), changeset.Changes.empty(), moved,
                                  service.geography().areas, resolve_period("qtd", as_of),
                                  as_of, own_layer=True)
    labels = [row[0] for row in result.rows]
    assert "Unit moves" in labels and not [t for t in labels if COUNTY_WORD.search(t)]
    # B moves 02 alone: 0 live, 0 in A, 1 in B
    assert result.rows[labels.index("Unit moves")][1:] == ("0", "0", "1")
