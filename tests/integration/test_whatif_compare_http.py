"""The compare card through its callback endpoint: two saved scenarios side by
side, the diff map holding exactly the counties they assign differently."""

from __future__ import annotations

import json

import pytest

from dashboard.whatif import scenarios
from dashboard.whatif.changeset import Changes
from layouts import ids
from tests.dash_http import post_callback, sign_in


@pytest.fixture
def client(demo_app):
    return sign_in(demo_app.server.test_client())


def compare(client, app, a, b):
    values = {f"{ids.WI_CMP_A}.value": a, f"{ids.WI_CMP_B}.value": b,
              f"{ids.PERIOD}.value": "qtd", f"{ids.URL}.search": ""}
    status, body = post_callback(client, app, (ids.WI_CMP_TABLE, "children"), values)
    assert status == 200
    return body["response"]


def test_two_saved_scenarios_side_by_side_with_their_diff_map(client, demo_app):
    service = demo_app.server.extensions["territory_service"]
    frames = service.frames()
    alignment = frames.alignment["territory_id"]
    first, second = alignment.index[:2]
    target = next(t for t in frames.territories["territory_id"] if t != alignment[first])
    a = scenarios.save_scenario(service.engine, name="Move one <b>", user="t",
                                changes=Changes(county_moves={first: target}))
    b = scenarios.save_scenario(service.engine, name="Move two", user="t",
                                changes=Changes(county_moves={first: target, second: target}))
    answer = compare(client, demo_app, str(a.id), str(b.id))
    table = json.dumps(answer[ids.WI_CMP_TABLE]["children"], ensure_ascii=False)
    assert "A · Move one <b>" in table and "B · Move two" in table  # text, not markup
    assert "Disruption vs live" in table and "Balance index" in table
    drawn = answer[ids.WI_CMP_DIFF]["data"]["features"]
    assert [f["properties"]["fips"] for f in drawn] == [second]
    assert "1 county assigned differently" in json.dumps(answer[ids.WI_CMP_SUMMARY])

    live = compare(client, demo_app, "live", str(b.id))
    assert {f["properties"]["fips"] for f in live[ids.WI_CMP_DIFF]["data"]["features"]} == {
        first, second}
    same = compare(client, demo_app, "live", "live")
    assert same[ids.WI_CMP_DIFF]["data"]["features"] == []


def test_a_deleted_or_unknown_pick_shows_live_not_an_error(client, demo_app):
    answer = compare(client, demo_app, "999999", "not-a-number")
    assert "deleted: showing live" in json.dumps(answer[ids.WI_CMP_TABLE]["children"])


def test_the_pickers_offer_live_and_every_saved_scenario(client, demo_app):
    service = demo_app.server.extensions["territory_service"]
    record = scenarios.save_scenario(service.engine, name="Listed", user="t",
                                     changes=Changes())
    status, body = post_callback(client, demo_app, (ids.WI_CMP_A, "options"),
                                 {f"{ids.SC_GRID}.rowData": []})
    assert status == 200
    found = body["response"][ids.WI_CMP_A]["options"]
    assert found[0]["value"] == "live"
    assert {"label": f"Listed · draft · #{record.id}", "value": str(record.id)} in found


# --- a manager compares only the scenarios of their region --------------------

def moves_in(service, region, count=1):
    """``count`` counties of ``region`` moved to another territory of it."""
    frames = service.frames()
    mine = frames.territories.index[frames.territories["region"] == region]
    alignment = frames.alignment["territory_id"]
    counties = alignment[alignment.isin(mine)]
    return Changes(county_moves={f: next(t for t in mine if t != counties[f])
                                 for f in counties.index[:count]})


def foreign_words(service, region="West"):
    frames = service.frames()
    others = frames.territories[frames.territories["region"] != region]
    reps = frames.reps[frames.reps["territory_id"].isin(others.index)]
    # "T12" is also the trailing-twelve-months label ("T12 bookings"): its name is looked for
    return (set(others.index) - {"T12"}) | set(others["territory_name"]) | set(reps["rep_name"])


def pickers(client, app):
    status, body = post_callback(client, app, (ids.WI_CMP_A, "options"),
                                 {f"{ids.SC_GRID}.rowData": []})
    assert status == 200
    return body["response"][ids.WI_CMP_A]["options"]


def test_a_managers_pickers_and_comparison_hold_only_their_region(demo_app):
    service = demo_app.server.extensions["territory_service"]
    engine = service.engine
    theirs = scenarios.save_scenario(engine, name="NE secret", user="manager-northeast",
                                     changes=moves_in(service, "Northeast"))
    blank = scenarios.save_scenario(engine, name="Leader blank", user="leader",
                                    changes=Changes())
    west = scenarios.save_scenario(engine, name="West two", user="leader",
                                   changes=moves_in(service, "West", 2))
    client = sign_in(demo_app.server.test_client(), "manager-west")

    offered = pickers(client, demo_app)
    assert [o["value"] for o in offered] == ["live", str(west.id)]
    assert "NE secret" not in json.dumps(offered) and "Leader blank" not in json.dumps(offered)

    # a foreign pick reads as a deleted one: live, no diff, nothing of it named
    for hidden in (theirs, blank):
        answer = compare(client, demo_app, str(hidden.id), "live")
        text = json.dumps(answer, ensure_ascii=False)
        assert "deleted: showing live" in text
        assert answer[ids.WI_CMP_DIFF]["data"]["features"] == []
        assert hidden.name not in text
        assert not [w for w in foreign_words(service) if w in text]

    # their region's scenario: the diff and the shares are the region's
    answer = compare(client, demo_app, "live", str(west.id))
    drawn = {f["properties"]["fips"] for f in answer[ids.WI_CMP_DIFF]["data"]["features"]}
    assert drawn == set(west.changes.county_moves)
    text = json.dumps(answer, ensure_ascii=False)
    assert not [w for w in foreign_words(service) if w in text]
    leader = compare(sign_in(demo_app.server.test_client()), demo_app, "live", str(west.id))
    # the fairness of A and B is the West's, not the company's
    assert answer[ids.WI_CMP_TABLE] != leader[ids.WI_CMP_TABLE]
