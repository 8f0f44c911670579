"""A layer of one's own whose unit ids are longer than a county's five digits (issue 19
item 2): three made-up UK LSOAs (tests/data/lsoa.geojson: E01000001, E01000002,
E01000003, 9 characters each, three adjacent squares west to east in WGS84, parent MSOA
E02000001) added with ``layers add`` (refused before: "ids of at most 5 characters are
stored with the data"), the data switched onto them, a small dataset imported naming them
(tests/data/lsoa_data), ``kpis`` worked out by hand, the map serving the ids, a click
naming one, and the what-if editor moving one between territories over HTTP.

The dataset: T1 (London West) holds E01000001 and E01000002, T2 (London East) E01000003.
Accounts A1 (E01000001, potential 100k), A2 (E01000002, 200k), A3 (E01000003, 300k).
2026Q3 as of 2026-08-31: won O1 A1 40k, O2 A2 10k, O3 A3 60k; open O4 A3 50k
(Negotiation, 75%). Quotas T1 100k, T2 120k.
"""

from __future__ import annotations

import pytest
from shapely.geometry import shape

from dashboard.layers import topojson
from layouts import ids
from tests.dash_http import find_where, post_key, sign_in
from tests.integration.test_own_layer import (
    DATA,
    PASSWORD,
    app_on,
    fetch,
    kpis,
    press,
    run_commands,
    show,
)

BOUNDARIES = DATA / "lsoa.geojson"
LSOAS = ["E01000001", "E01000002", "E01000003"]


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    """An instance folder on the layer ``lsoa`` with the small dataset imported; what the
    three commands printed."""
    folder = tmp_path_factory.mktemp("long-unit-ids")
    return folder, run_commands(
        folder, ["layers", "add", str(BOUNDARIES), "--name", "lsoa", "--id-property",
                 "LSOA21CD", "--name-property", "LSOA21NM", "--parent-property", "MSOA21CD"],
        ["units", "layer:lsoa"], ["import", str(DATA / "lsoa_data")])


@pytest.fixture(scope="module")
def app(instance):
    return app_on(instance[0])


@pytest.fixture
def client(app):
    return sign_in(app.server.test_client(), "boss", PASSWORD)


def test_the_layer_is_added_and_the_data_imported_on_it(instance):
    added, _switched, imported = instance[1]
    assert added.startswith("layer lsoa: 3 units added")
    assert imported.startswith("imported 3 accounts, 3 alignment, 4 opportunities, "
                               "2 quotas, 2 reps, 2 territories")


def test_kpis_on_the_lsoas_are_the_hand_worked_figures(instance, capsys):
    table = kpis(instance[0], "territory", capsys)
    t1, t2 = table["T1"], table["T2"]
    # T1: O1 40k + O2 10k won in E01000001 and E01000002; quota 100k
    assert float(t1["bookings"]) == 50_000 and float(t1["attainment"]) == 0.5
    assert float(t1["revenue_penetration"]) == pytest.approx(50_000 / 300_000)
    # T2: O3 60k won, O4 50k open in E01000003; quota 120k
    assert float(t2["bookings"]) == 60_000 and float(t2["attainment"]) == 0.5
    assert float(t2["open_pipeline"]) == 50_000
    assert float(t2["revenue_penetration"]) == pytest.approx(60_000 / 300_000)


def test_the_map_serves_the_long_ids_and_a_click_names_one(client, app):
    units = topojson.decode(fetch(client, "counties", app), "units")
    assert sorted(str(u.id) for u in units) == LSOAS
    clicked = {"properties": {"fips": "E01000002"}}
    on_click = find_where(app, lambda o, spec: o["id"] == ids.WI_SELECT and any(
        i["id"] == ids.WI_COUNTIES for i in spec["inputs"]))
    status, body = post_key(
        client, *on_click,
        {f"{ids.WI_COUNTIES}.n_clicks": 1, f"{ids.WI_COUNTIES}.clickData": clicked,
         f"{ids.WI_SELECT}.value": ["E01000001"]}, changed=[f"{ids.WI_COUNTIES}.n_clicks"])
    assert status == 200, body
    assert body["response"][ids.WI_SELECT]["value"] == ["E01000001", "E01000002"]


def test_the_what_if_editor_moves_an_lsoa_between_territories(client, app):
    moved = press(client, app, ids.WI_MOVE, [],
                  **{ids.WI_SELECT: ["E01000002"], ids.WI_TARGET: "T2"})
    steps = moved[ids.WI_HISTORY]["data"]
    assert steps[-1]["changes"]["county_moves"] == {"E01000002": "T2"}
    # the middle square borders both: T1 (E01000001) and T2 stay in one piece
    assert moved[ids.WI_ALERT] == {**moved[ids.WI_ALERT], "color": "success",
                                   "children": "Moved Market Green to T2."}
    shown = show(client, app, steps)
    # the proposed outlines: T1 the west square alone, T2 the two eastern ones
    outlines = {f["properties"]["territory_id"]: shape(f["geometry"]).bounds
                for f in shown[ids.WI_OUTLINES]["data"]["features"]}
    assert outlines.keys() == {"T1", "T2"}
    assert outlines["T1"] == pytest.approx((-0.12, 51.5, -0.11, 51.51))
    assert outlines["T2"] == pytest.approx((-0.11, 51.5, -0.09, 51.51))
    rows = {r["id"]: r for r in shown[ids.WI_TOUCHED]["rowData"]}
    # A2 (potential 200k, O2 10k won) goes with E01000002 from T1 to T2
    assert (rows["T1"]["accounts_before"], rows["T1"]["accounts_after"]) == (2, 1)
    assert (rows["T1"]["potential_before"], rows["T1"]["potential_after"]) == (300_000, 100_000)
    assert (rows["T2"]["potential_before"], rows["T2"]["potential_after"]) == (300_000, 500_000)
    assert rows["T1"]["t12_bookings_after"] == 40_000
    assert rows["T2"]["t12_bookings_after"] == 70_000
    # projected: (bookings + weighted pipeline) / quota; O4 50k at Negotiation counts 37.5k
    assert rows["T1"]["projected_attainment_after"] == pytest.approx(40_000 / 100_000)
    assert rows["T2"]["projected_attainment_before"] == pytest.approx(97_500 / 120_000)
    assert rows["T2"]["projected_attainment_after"] == pytest.approx(107_500 / 120_000)


def test_the_account_list_names_each_accounts_lsoa(client, app):
    """The list's unit column says the layer's own names (it gave the id before, and on a
    layer whose ids look like FIPS codes, a US county's name)."""
    listing = find_where(app, lambda o, spec: o["id"] == ids.WI_ACCOUNTS and any(
        i["id"] == ids.WI_ACCOUNT_SEARCH for i in spec["inputs"]))
    status, body = post_key(client, *listing, {
        f"{ids.WI_ACCOUNT_SEARCH}.value": "", f"{ids.WI_SELECT}.value": [],
        f"{ids.WI_HISTORY}.data": []}, changed=[f"{ids.WI_HISTORY}.data"])
    assert status == 200, body
    rows = {r["id"]: r for r in body["response"][ids.WI_ACCOUNTS]["rowData"]}
    assert {a: (r["county"], r["territory"]) for a, r in rows.items()} == {
        "A1": ("Riverside North", "T1"), "A2": ("Market Green", "T1"),
        "A3": ("Canal Wharf", "T2")}


def test_a_handover_measures_from_the_lsoas_centres(client, app):
    """The reps have no home: T2's base is the centre of its LSOA, E01000003 (0.095° W).
    Half of T1's two accounts, the nearest first: A2 (0.105° W) before A1 (0.115° W).
    Before, the base was looked up among the US counties: 'Territory T2 has no rep home
    and no county to measure distance from.'"""
    handed = press(client, app, ids.WI_HANDOVER_APPLY, [], **{
        ids.WI_HANDOVER_FROM: "T1", ids.WI_HANDOVER_TO: "T2", ids.WI_HANDOVER_SHARE: 50})
    assert handed[ids.WI_ALERT]["color"] == "success", handed[ids.WI_ALERT]
    assert handed[ids.WI_HISTORY]["data"][-1]["changes"]["account_overrides"] == {"A2": "T2"}
