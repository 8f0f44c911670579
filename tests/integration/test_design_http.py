"""The design engine on the what-if page (issue 18): "Suggest a rebalance" against the
old greedy search, "Design from scratch" as a draft, and each kept to the viewer's scope.

The background jobs' work (``whatif_rebalance.rebalance``, ``whatif_design.design``) runs
in-process, as the other what-if tests do; the figures are then read through the
editor's callback endpoint, as the fairness card shows them."""

from __future__ import annotations

import json

import pytest

from callbacks import whatif_design, whatif_rebalance
from dashboard.access.rules import Viewer
from dashboard.design import engine, seeding
from dashboard.geo import us_atlas
from dashboard.i18n import translation
from dashboard.whatif import autobalance
from layouts import ids
from tests.dash_http import post_callback, sign_in

LEADER = Viewer(1, "leader", "leader")
WEST = Viewer(2, "manager-west", "manager", "West")


def fairness(client, app, steps) -> dict:
    """The fairness card's balance index, live and scenario, as the page reads it."""
    values = {f"{ids.WI_HISTORY}.data": steps, f"{ids.PERIOD}.value": "qtd",
              f"{ids.WI_METRIC}.value": "potential", f"{ids.WI_WEIGHT}.value": 0.5,
              f"{ids.URL}.search": ""}
    status, body = post_callback(client, app, (ids.WI_FAIRNESS, "children"), values)
    assert status == 200
    rows = body["response"][ids.WI_FAIRNESS]["children"]["props"]["children"][0]
    for row in rows["props"]["children"][1]["props"]["children"]:
        cells = [c["props"]["children"] for c in row["props"]["children"]]
        if cells[0] == "Balance index":
            return {"live": float(cells[1]), "scenario": float(cells[3])}
    raise AssertionError("no balance index on the fairness card")


def test_the_suggestion_beats_the_old_greedy_search_by_a_clear_margin(demo_app):
    """Same demo, same 20% of T12 bookings: the old greedy search (whole counties, each
    moved once) against the engine's suggestion, as the fairness card reads both."""
    service = demo_app.server.extensions["territory_service"]
    frames = service.frames()
    greedy = autobalance.suggest_rebalance(
        frames, us_atlas.load_counties()["area_km2"], us_atlas.county_adjacency(), 0.20,
        autobalance.SearchOptions(as_of=service.as_of()))
    steps, _message, color, _points, _chosen = whatif_rebalance.rebalance(
        service, [], 20, "potential", None, viewer=LEADER,
        settings=whatif_rebalance.SearchSettings(time_limit=8))
    assert color == "success"
    shown = fairness(sign_in(demo_app.server.test_client()), demo_app, steps)
    assert shown["live"] == pytest.approx(greedy.balance_before, abs=5e-4)
    assert shown["scenario"] >= greedy.balance_after + 0.05, (shown, greedy.balance_after)


def test_oversize_counties_come_back_as_named_account_overrides_with_reasons(demo_app):
    service = demo_app.server.extensions["territory_service"]
    steps, message, _color, _points, _chosen = whatif_rebalance.rebalance(
        service, [], 10, "potential", None, viewer=LEADER,
        settings=whatif_rebalance.SearchSettings(time_limit=3))
    changes = steps[-1]["changes"]
    assert changes["account_overrides"] and "named-account overrides" in message
    accounts = service.frames().accounts
    split = set(accounts.loc[list(changes["account_overrides"]), "county_fips"])
    reasons = [r for r in steps[-1]["reasons"] if "named-account override" in r]
    assert {r.split("(")[1].split(")")[0] for r in reasons} == split
    assert all("the county alone holds" in r for r in reasons)


def test_design_from_scratch_opens_a_draft_of_every_territory(demo_app):
    service = demo_app.server.extensions["territory_service"]
    frames = service.frames()
    seen = []
    steps, message, color, points = whatif_design.design(
        service, [], len(frames.territories), ["potential", "accounts"], None,
        progress=seen.append, viewer=LEADER,
        settings=whatif_rebalance.SearchSettings(time_limit=4, seed=3))
    assert color == "success" and message.startswith("Designed 60 territories from scratch")
    assert "cut borders" in message and "mean distance to the centre" in message
    assert seen[0] == (0, "preparing the counties") and seen[-1] == (100, "done")
    step = steps[-1]
    assert len(step["reasons"]) >= len(frames.territories)
    assert step["reasons"][0].startswith("T01 ")
    moved = step["changes"]["county_moves"]
    assert moved and set(moved.values()) <= set(frames.territories["territory_id"])
    [point] = points
    assert point["kind"] == "design" and point["cut_after"] > 0
    shown = fairness(sign_in(demo_app.server.test_client()), demo_app, steps)
    assert shown["scenario"] == pytest.approx(point["balance_after"], abs=5e-4)


def test_a_manager_designs_within_their_region_only(demo_app):
    service = demo_app.server.extensions["territory_service"]
    frames = service.frames()
    west = frames.territories.index[frames.territories["region"] == "West"]
    counties = frames.alignment.index[frames.alignment["territory_id"].isin(west)]
    steps, message, _color, _points = whatif_design.design(
        service, [], len(west), ["potential"], None, viewer=WEST,
        settings=whatif_rebalance.SearchSettings(time_limit=2))
    changes = steps[-1]["changes"]
    assert set(changes["county_moves"]) <= set(counties)
    assert set(changes["county_moves"].values()) | set(
        changes["account_overrides"].values()) <= set(west)
    others = frames.territories[frames.territories["region"] != "West"]
    text = json.dumps(steps) + message
    assert not [t for t in others.index if f'"{t}"' in text or f"{t}:" in text]
    assert not [n for n in others["territory_name"] if n in text]
    with pytest.raises(ValueError, match="At most"):
        whatif_design.design(service, [], len(west) + 1, ["potential"], None, viewer=WEST,
                             settings=whatif_rebalance.SearchSettings(time_limit=1))


@pytest.mark.parametrize("form, words", [
    ({"measures": []}, "Tick at least one measure"),
    ({"territories": 0}, "number of territories"),
    ({"territories": "T05"}, "number of territories"),
])
def test_bad_design_input_is_a_message(demo_app, form, words):
    service = demo_app.server.extensions["territory_service"]
    args = {"territories": 60, "measures": ["potential"]} | form
    with pytest.raises(ValueError, match=words):
        whatif_design.design(service, [], args["territories"], args["measures"], None,
                             viewer=LEADER)


@pytest.mark.parametrize("values, words", [
    ((0, 20, 7, True), "tolerance"), ((5, 0, 7, True), "time limit"),
    ((5, 20, -1, True), "seed"), ((5, "x", 7, True), "time limit")])
def test_bad_search_settings_are_a_message(values, words):
    with pytest.raises(ValueError, match=words):
        whatif_rebalance.SearchSettings.read(*values)


def test_cancel_keeps_the_best_design_so_far_as_a_draft(demo_app):
    """Cancel pressed once the engine reports a best so far: the job stops well before
    its time limit and hands back that best as a step, said to be cancelled."""
    service = demo_app.server.extensions["territory_service"]

    def progress(value):
        if value[0] > 5:  # the engine is running and has a best so far
            whatif_rebalance.request_cancel(service, "design-run")

    steps, message, color, points = whatif_design.design(
        service, [], 60, ["potential"], None, token="design-run", progress=progress,
        viewer=LEADER, settings=whatif_rebalance.SearchSettings(time_limit=120))
    assert color == "warning" and "cancelled" in message
    assert "The best found before Cancel is kept as a draft" in message
    assert steps[-1]["changes"]["county_moves"] and points[0]["seconds"] < 60


def test_a_design_the_time_limit_cut_in_its_growth_says_so(demo_app, monkeypatch):
    """A time limit shorter than the first growth (at size L with splits, or on a loaded
    host): the page's text says how many units went to the nearest territory unbalanced
    and asks for more time, as a warning. The demo's growth takes milliseconds and the
    page's shortest limit is 0.1 s, so the growth here gets a deadline already past. The
    demo's graph holds 3,281 units (3,142 counties, the three oversize ones cut into 142
    pieces of their accounts); the growth stops before it takes one, so all but the 60
    home bases are given: 3,281 - 60 = 3,221. In French too."""
    monkeypatch.setattr(engine, "grow", lambda *args, **kwargs: seeding.grow(
        *args, **{**kwargs, "deadline": 0.0}))
    service = demo_app.server.extensions["territory_service"]
    _frames, _changes, prepared = whatif_rebalance.prepare(
        service, LEADER, [], whatif_rebalance.SearchSettings(), ["potential"], None, False)
    assert (prepared.county_graph.size, prepared.graph.size) == (3142, 3281)
    steps, message, color, _points = whatif_design.design(
        service, [], 60, ["potential"], None, viewer=LEADER,
        settings=whatif_rebalance.SearchSettings(time_limit=1))
    assert color == "warning" and steps[-1]["changes"]["county_moves"]
    assert message.endswith(
        " Stopped at the time limit while growing the territories: 3,221 counties or parts "
        "of counties were given to the nearest territory without balancing; give it more "
        "time.")
    with translation.use("fr"):
        _steps, message, _color, _points = whatif_design.design(
            service, [], 60, ["potential"], None, viewer=LEADER,
            settings=whatif_rebalance.SearchSettings(time_limit=1))
    assert "3\u202f221 comtés ou parties de comté" in message, message


def test_a_design_the_time_limit_stopped_before_the_band_says_more_time_may_help(demo_app):
    """One second is far too short to bring the 60 territories within ±5% (45 s does):
    the text says the time limit stopped it, after the label's 'not every territory is
    within ±5%'; the oversize counties are split, so more time can help."""
    service = demo_app.server.extensions["territory_service"]
    _steps, message, color, _points = whatif_design.design(
        service, [], 60, ["potential"], None, viewer=LEADER,
        settings=whatif_rebalance.SearchSettings(time_limit=1))
    assert color == "success"
    assert "not every territory is within ±5%" in message
    assert message.endswith(" Stopped at the time limit: more time may balance it further.")
