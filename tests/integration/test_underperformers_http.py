"""The underperformers view through the Dash callback endpoint."""

from __future__ import annotations

import json

import pytest

from dashboard.demo.dataset import generate_demo
from dashboard.geo import us_atlas
from dashboard.metrics.balance import DEFAULT_WEIGHTS, WorkloadWeights
from dashboard.metrics.underperformance import Thresholds, flag_territories
from dashboard.views.selection import resolve_period
from layouts import ids
from tests.dash_http import browser_headers, post_callback, sign_in, speaking

LIST = (ids.UP_LIST, "children")

#: planted cause -> the words its rule's reason starts with
CAUSE_REASON = {
    "thin_pipeline": "Pipeline coverage",
    "low_penetration": "Market penetration",
    "falling_bookings": "Revenue growth",
    "low_pace": "Pace ",
}


@pytest.fixture(scope="module")
def demo_app(shared_demo_app):
    """Every test here only reads the app: one for the module (``tests/conftest.py``
    checks that nothing was written when it ends)."""
    return shared_demo_app


@pytest.fixture
def client(demo_app):
    return sign_in(demo_app.server.test_client())


@pytest.fixture(scope="module")
def planted():
    _, manifest = generate_demo()
    return manifest["planted"]


def values(period="qtd", region="all", segment="all", pace=85, coverage=2.0, growth=0,
           potential_index=0.8, penetration=True, penetration_bottom=25, potential_top=50,
           search=""):
    return {
        f"{ids.PERIOD}.value": period, f"{ids.REGION}.value": region,
        f"{ids.SEGMENT}.value": segment, f"{ids.UP_PACE}.value": pace,
        f"{ids.UP_COVERAGE}.value": coverage, f"{ids.UP_GROWTH}.value": growth,
        f"{ids.UP_POTENTIAL_INDEX}.value": potential_index,
        f"{ids.UP_PENETRATION}.value": penetration,
        f"{ids.UP_PENETRATION_BOTTOM}.value": penetration_bottom,
        f"{ids.UP_POTENTIAL_TOP}.value": potential_top, f"{ids.URL}.search": search,
    }


def texts(component) -> list[str]:
    """Every string in a serialised component tree, in document order."""
    if isinstance(component, str):
        return [component]
    if isinstance(component, list):
        return [t for child in component for t in texts(child)]
    if isinstance(component, dict):
        return texts(component.get("props", {}).get("children"))
    return []


def cards_by_territory(children) -> dict[str, str]:
    """Territory id -> the text of its card, read from the card's button id."""
    cards = {}
    for card in children if isinstance(children, list) else []:
        body = json.dumps(card)
        button = body[body.index(ids.UP_OPEN) - 60: body.index(ids.UP_OPEN) + 60]
        tid = next(t for t in button.split('"') if t.startswith("T") and t[1:].isdigit())
        cards[tid] = " ".join(texts(card))
    return cards


def update(client, app, **kwargs):
    status, body = post_callback(client, app, LIST, values(**kwargs))
    assert status == 200
    return body["response"]


def test_planted_territories_are_listed_with_their_reason(client, demo_app, planted):
    response = update(client, demo_app)
    cards = cards_by_territory(response[ids.UP_LIST]["children"])
    for plant in planted:
        assert plant["territory_id"] in cards, plant
        assert CAUSE_REASON[plant["cause"]] in cards[plant["territory_id"]], plant
    hideout = response[ids.UP_MAP_TERRITORIES]["hideout"]
    assert {p["territory_id"] for p in planted} <= set(hideout["flagged"])
    assert "data" not in response[ids.UP_MAP_TERRITORIES]  # geometry is never resent
    rows = response[ids.UP_GRID]["rowData"]
    assert [r["territory_id"] for r in rows] == list(cards)


def test_the_page_arrives_with_the_flags_and_the_first_hideout(client, demo_app, planted):
    status, body = post_callback(client, demo_app, (ids.PAGE, "children"), {
        f"{ids.URL}.pathname": "/underperformers", f"{ids.URL}.search": ""})
    assert status == 200
    page = json.dumps(body["response"][ids.PAGE]["children"])
    for plant in planted:
        assert f'"index": "{plant["territory_id"]}"' in page
    assert '"key": "underperformers"' in page and ids.UP_MAP_TERRITORIES in page


def expected_flags(app, thresholds: Thresholds, weights=DEFAULT_WEIGHTS):
    service = app.server.extensions["territory_service"]
    as_of = service.as_of()
    return flag_territories(service.frames(), resolve_period("qtd", as_of), as_of, thresholds,
                            areas=us_atlas.load_counties()["area_km2"], weights=weights)


def expected_ids(app, thresholds: Thresholds) -> list[str]:
    return list(expected_flags(app, thresholds)["territory_id"])


def penetration_flagged(flags) -> set[str]:
    return {t for t, rules in zip(flags["territory_id"], flags["rules"], strict=True)
            if "penetration" in rules}


def test_wider_penetration_ranks_flag_the_territories_the_core_finds(client, demo_app):
    # bottom 10% of penetration and top 90% of potential instead of the bottom quartile
    # and the top half: the demo's planted low-penetration territories stay flagged and
    # at least one more joins them
    wider = Thresholds(penetration_bottom=0.1, potential_top=0.9)
    response = update(client, demo_app, penetration_bottom=10, potential_top=90)
    rows = response[ids.UP_GRID]["rowData"]
    assert [r["territory_id"] for r in rows] == expected_ids(demo_app, wider)
    before = penetration_flagged(expected_flags(demo_app, Thresholds()))
    after = penetration_flagged(expected_flags(demo_app, wider))
    assert before < after  # the change moves the flagged set
    reasons = {r["territory_id"]: r["reasons"] for r in rows}
    for tid in after:
        assert "in the bottom 10% while potential" in reasons[tid]
        assert "is in the top 90%" in reasons[tid]
    assert "bottom quartile" not in " ".join(reasons.values())
    assert response[ids.UP_NOTE]["children"] == []


def test_an_unusable_penetration_rank_is_named_and_the_default_used(client, demo_app):
    response = update(client, demo_app, penetration_bottom=0, potential_top="x")
    rows = response[ids.UP_GRID]["rowData"]
    assert [r["territory_id"] for r in rows] == expected_ids(demo_app, Thresholds())
    note = " ".join(texts(response[ids.UP_NOTE]["children"]))
    assert "Penetration in bottom, Potential in top: using the default" in note


def test_reset_puts_every_threshold_back(client, demo_app):
    key = next(k for k in demo_app.callback_map
               if k.startswith("..") and f"{ids.UP_POTENTIAL_TOP}.value" in k)
    outputs = [{"id": part.rpartition(".")[0], "property": "value"}
               for part in key[2:-2].split("...")]
    payload = {"output": key, "outputs": outputs,
               "inputs": [{"id": ids.UP_RESET, "property": "n_clicks", "value": 1}],
               "state": [], "changedPropIds": [f"{ids.UP_RESET}.n_clicks"]}
    response = client.post("/_dash-update-component", json=payload,
                           headers=browser_headers(client))
    assert response.status_code == 200
    got = {i: v["value"] for i, v in response.get_json()["response"].items()}
    assert got == {ids.UP_PACE: 85, ids.UP_COVERAGE: 2.0, ids.UP_GROWTH: 0,
                   ids.UP_POTENTIAL_INDEX: 0.8, ids.UP_PENETRATION_BOTTOM: 25,
                   ids.UP_POTENTIAL_TOP: 50, ids.UP_PENETRATION: True}


def test_the_diagnosis_uses_the_configured_workload_weights(demo_settings):
    from app import create_app

    # potential alone makes the workload: "overloaded" now means a lot of potential
    weights = WorkloadWeights(accounts=0, travel_km=0, potential=1e-6)
    app = create_app(demo_settings.with_(workload_weights=weights))
    client = sign_in(app.server.test_client())
    rows = update(client, app)[ids.UP_GRID]["rowData"]
    default = expected_flags(app, Thresholds())
    configured = expected_flags(app, Thresholds(), weights)
    shown = {r["territory_id"]: r["diagnosis"] for r in rows}
    labels = {"overloaded": "Design: overloaded", "under-covered": "Design: under-covered",
              "execution": "Execution"}
    assert shown == {t: labels[d] for t, d in zip(configured["territory_id"],
                                                   configured["diagnosis"], strict=True)}
    assert list(configured["diagnosis"]) != list(default["diagnosis"])


def test_pace_threshold_zero_drops_the_pace_rule(client, demo_app):
    before = update(client, demo_app)
    after = update(client, demo_app, pace=0)
    assert "Pace " in " ".join(texts(before[ids.UP_LIST]["children"]))
    assert "Pace " not in " ".join(texts(after[ids.UP_LIST]["children"]))
    rows = after[ids.UP_GRID]["rowData"]
    assert [r["territory_id"] for r in rows] == expected_ids(demo_app, Thresholds(pace=0))
    # a territory flagged by pace alone leaves the list; others lose one rule
    pace_only = set(expected_ids(demo_app, Thresholds())) - {r["territory_id"] for r in rows}
    assert all(r["severity"] >= 1 for r in rows) and not pace_only & {r["territory_id"]
                                                                     for r in rows}


def test_a_higher_coverage_bar_flags_more_territories(client, demo_app):
    strict = update(client, demo_app, coverage=4.0)[ids.UP_GRID]["rowData"]
    assert [r["territory_id"] for r in strict] == expected_ids(demo_app, Thresholds(coverage=4))
    assert len(strict) > len(expected_ids(demo_app, Thresholds()))


def test_switching_the_penetration_rule_off_removes_its_reason(client, demo_app):
    response = update(client, demo_app, penetration=False)
    assert "Market penetration" not in " ".join(texts(response[ids.UP_LIST]["children"]))


@pytest.mark.parametrize("bad", [{"pace": None}, {"pace": -10}, {"coverage": "lots"},
                                 {"potential_index": -1, "growth": "x"}])
def test_bad_thresholds_fall_back_to_the_defaults(client, demo_app, bad):
    response = update(client, demo_app, **bad)
    rows = response[ids.UP_GRID]["rowData"]
    assert [r["territory_id"] for r in rows] == expected_ids(demo_app, Thresholds())
    assert "using the default" in " ".join(texts(response[ids.UP_NOTE]["children"]))


@pytest.mark.parametrize("selection", [
    {"region": "Atlantis"}, {"period": "1999Q9"}, {"period": "2026-13-01..2026-14-01"},
    {"segment": "<script>alert(1)</script>"},
])
def test_bad_selection_gives_an_empty_state(client, demo_app, selection):
    response = update(client, demo_app, **selection)
    assert "No territory matches" in " ".join(texts(response[ids.UP_LIST]["children"]))
    assert response[ids.UP_GRID]["rowData"] == []
    assert response[ids.UP_MAP_TERRITORIES]["hideout"]["flagged"] == []


def test_region_narrows_the_list_and_greys_the_rest(client, demo_app):
    territories = demo_app.server.extensions["territory_service"].frames().territories
    west = set(territories.loc[territories["region"] == "West", "territory_id"])
    response = update(client, demo_app, region="West")
    rows = response[ids.UP_GRID]["rowData"]
    assert rows and {r["territory_id"] for r in rows} <= west
    colors = response[ids.UP_MAP_TERRITORIES]["hideout"]["colors"]
    assert {t for t, c in colors.items() if c != "#ffffff"} == west


def drilldown_call(client, app, source: str, value, card_clicks=None):
    """POST the open-drill-down callback (its output key carries a hash suffix).

    ``source`` is the id that fired: the grid, the map, or a card button (dict)."""
    key, spec = next((k, s) for k, s in app.callback_map.items()
                     if k.startswith(ids.DRILLDOWN_TERRITORY + ".data")
                     and any(i["id"] == ids.UP_GRID for i in s["inputs"]))
    inputs = [card_clicks or [],
              {"id": ids.UP_GRID, "property": "cellClicked",
               "value": value if source == ids.UP_GRID else None},
              {"id": ids.UP_MAP_TERRITORIES, "property": "n_clicks",
               "value": 1 if source == ids.UP_MAP_TERRITORIES else None}]
    state = [{"id": ids.UP_MAP_TERRITORIES, "property": "clickData",
              "value": value if source == ids.UP_MAP_TERRITORIES else None}]
    props = {ids.UP_GRID: "cellClicked", ids.UP_MAP_TERRITORIES: "n_clicks"}
    prop = props.get(source) if isinstance(source, str) else None
    changed = f"{source}.{prop}" if prop else (
        json.dumps(source, separators=(",", ":"), sort_keys=True) + ".n_clicks")
    payload = {"output": key, "outputs": {"id": ids.DRILLDOWN_TERRITORY, "property": "data"},
               "inputs": inputs, "state": state, "changedPropIds": [changed]}
    response = client.post("/_dash-update-component", json=payload,
                           headers=browser_headers(client))
    return response.status_code, response.get_json(silent=True)


def test_a_table_row_or_a_map_shape_opens_the_drilldown(client, demo_app):
    status, body = drilldown_call(client, demo_app, ids.UP_GRID,
                                  {"rowId": "T46", "colId": "name"})
    assert status == 200 and body["response"][ids.DRILLDOWN_TERRITORY]["data"] == "T46"
    status, body = drilldown_call(client, demo_app, ids.UP_MAP_TERRITORIES,
                                  {"properties": {"territory_id": "T07"}})
    assert status == 200 and body["response"][ids.DRILLDOWN_TERRITORY]["data"] == "T07"


def test_a_card_button_opens_the_drilldown(client, demo_app):
    button = {"index": "T19", "type": ids.UP_OPEN}
    clicks = [{"id": button, "property": "n_clicks", "value": 1}]
    status, body = drilldown_call(client, demo_app, button, None, clicks)
    assert status == 200 and body["response"][ids.DRILLDOWN_TERRITORY]["data"] == "T19"


def test_a_re_rendered_card_does_not_open_the_drilldown(client, demo_app):
    button = {"index": "T19", "type": ids.UP_OPEN}
    clicks = [{"id": button, "property": "n_clicks", "value": None}]
    status, body = drilldown_call(client, demo_app, button, None, clicks)
    # no_update: nothing is written to the drill-down store
    assert status in (200, 204)
    assert ids.DRILLDOWN_TERRITORY not in ((body or {}).get("response") or {})


def test_french_cards_reasons_counts_and_money(demo_app):
    french = sign_in(demo_app.server.test_client())
    speaking(french, "fr")
    response = update(french, demo_app, pace="abc")
    cards = cards_by_territory(response[ids.UP_LIST]["children"])
    assert cards
    words = " ".join(cards.values())
    assert "Ouvrir le détail →" in words
    assert "règle" in words  # "1 règle" / "2 règles" badges
    # a money amount in French: "123,4 k $US" (no-break spaces, comma decimals)
    assert "\u00a0$US" in words or "\u00a0€" in words
    assert any(s in words for s in ("sous l'objectif", "au-dessus de l'objectif",
                                    "pile sur l'objectif", "pas d'objectif"))
    assert any(w in words for w in ("Rythme ", "Couverture du pipeline ",
                                    "Croissance du chiffre d'affaires ",
                                    "Pénétration du marché ", "Indice de potentiel "))
    strip = " ".join(texts(response[ids.UP_SUMMARY]["children"]))
    assert "Territoires signalés" in strip and " sur " in strip
    note = " ".join(texts(response[ids.UP_NOTE]["children"]))
    assert "Valeur inutilisable pour Rythme sous" in note
    tips = response[ids.UP_MAP_TERRITORIES]["hideout"]["tips"]
    assert any("Signalé : " in tip for tip in tips.values())
    legend = " ".join(texts(response[ids.UP_MAP_LEGEND]["children"]))
    assert "Règles déclenchées" in legend and "Non signalé" in legend


@pytest.mark.parametrize("switch, greyed", [(False, True), (True, False), (None, True)])
def test_the_penetration_ranks_are_greyed_out_while_the_rule_is_off(client, demo_app, switch,
                                                                    greyed):
    status, body = post_callback(client, demo_app, (ids.UP_PENETRATION_BOTTOM, "disabled"),
                                 {f"{ids.UP_PENETRATION}.value": switch})
    assert status == 200
    answer = body["response"]
    assert answer[ids.UP_PENETRATION_BOTTOM]["disabled"] is greyed
    assert answer[ids.UP_POTENTIAL_TOP]["disabled"] is greyed
