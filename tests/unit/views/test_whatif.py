"""The what-if editor's view model: map colours and shapes, the history kept as
page data, and the rows of its tables, on small hand-made inputs."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from dashboard.views import whatif as view
from dashboard.whatif.changeset import Changes

# a chain of counties A1 - A2 - B1 - C1 and an island D1
ALIGNMENT = pd.Series({"A1": "TA", "A2": "TA", "B1": "TB", "C1": "TC", "D1": "TD"},
                      name="territory_id")
ADJACENCY = {"A1": {"A2"}, "A2": {"A1", "B1"}, "B1": {"A2", "C1"}, "C1": {"B1"}, "D1": set()}


def test_bordering_territories_get_different_colours():
    colors = view.territory_colors(ALIGNMENT, ADJACENCY, ("red", "blue", "green"))
    assert colors["TA"] != colors["TB"] and colors["TB"] != colors["TC"]
    # TB has the most neighbours, so it takes the first colour; the rest reuse it freely
    assert colors == {"TB": "red", "TA": "blue", "TC": "blue", "TD": "red"}
    assert view.territory_colors(ALIGNMENT, ADJACENCY, ("red", "blue", "green")) == colors


def test_the_demo_colouring_never_paints_two_neighbours_alike():
    from dashboard.geo.us_atlas import county_adjacency, load_counties

    counties = load_counties().index[:400]  # Alabama to California: many borders
    owner = pd.Series({fips: f"T{i // 12}" for i, fips in enumerate(counties)})
    colors = view.territory_colors(owner, county_adjacency())
    for fips, territory in owner.items():
        for other in county_adjacency()[fips]:
            if other in owner.index and owner[other] != territory:
                assert colors[territory] != colors[owner[other]]


def test_the_hideout_paints_a_moved_county_in_its_new_territory():
    colors = {"TA": "#a", "TB": "#b", "TC": "#c", "TD": "#d"}
    changes = Changes(county_moves={"A2": "TB"}, locked_counties={"C1"})
    hideout = view.map_hideout(ALIGNMENT, changes, colors, {"TB": "TB · B"}, ["A1"])
    assert hideout["colors"] == {"A1": "#a", "A2": "#b", "B1": "#b", "C1": "#c", "D1": "#d"}
    assert hideout["changed"] == ["A2"] and hideout["moved"] == {"A2": "TB"}
    assert hideout["locked"] == ["C1"] and hideout["selected"] == ["A1"]
    json.dumps(hideout)  # page data: plain JSON


def test_county_shapes_carry_fips_an_escaped_label_and_the_live_territory():
    from dashboard.runtime import geography

    frames = SimpleNamespace(alignment=pd.DataFrame(
        {"territory_id": ["T1", "T2"]}, index=pd.Index(["06071", "01001"], name="county_fips")))
    shapes = view.build_unit_shapes(frames, geography.counties())
    props = {f["properties"]["fips"]: f["properties"] for f in shapes["features"]}
    assert props["06071"] == {"fips": "06071", "label": "San Bernardino, CA", "t": "T1"}
    assert props["01001"]["t"] == "T2"
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in shapes["features"])


def test_territory_labels_are_escaped_for_tooltips_only():
    frames = SimpleNamespace(territories=pd.DataFrame({
        "territory_id": ["T1", "T2"], "territory_name": ["<b>North</b>", "South"],
        "rep_name": ["Ann & Bo", None]}))
    assert view.territory_labels(frames)["T1"] == "T1 · &lt;b&gt;North&lt;/b&gt; (Ann &amp; Bo)"
    assert view.territory_labels(frames, escape=False)["T2"] == "T2 · South (vacant)"


@pytest.mark.parametrize(("selected", "fips", "expected"), [
    ([], "01001", ["01001"]), (["01001"], "01001", []), (None, "06071", ["06071"]),
    (["06071", "01001"], "06071", ["01001"]), (["x", 5], "01001", ["x", "01001"]),
])
def test_toggle_adds_or_removes_a_county(selected, fips, expected):
    assert view.toggle(selected, fips) == expected


@pytest.mark.parametrize(("feature", "expected"), [
    ({"properties": {"fips": "01001"}}, "01001"), ({"properties": {"fips": "<img>"}}, None),
    ({"properties": {}}, None), (None, None), ("01001", None),
    ({"properties": {"fips": 1001}}, None),
    # a layer of one's own: départements 02 and 2A, a UK LSOA, a German AGS, a Canadian
    # postal code, the longest id the data holds (20 characters); too long, or not a plain id
    ({"properties": {"fips": "02"}}, "02"), ({"properties": {"fips": "2A"}}, "2A"),
    ({"properties": {"fips": "E01000001"}}, "E01000001"),
    ({"properties": {"fips": "09162000"}}, "09162000"),
    ({"properties": {"fips": "K1A 0B1"}}, "K1A 0B1"),
    ({"properties": {"fips": "U" * 20}}, "U" * 20),
    ({"properties": {"fips": "U" * 21}}, None), ({"properties": {"fips": " 01"}}, None),
    ({"properties": {"fips": "0  1"}}, None), ({"properties": {"fips": "a\nb"}}, None),
    ({"properties": {"fips": "x'y"}}, None),
])
def test_a_click_names_a_county_only_when_it_is_a_fips(feature, expected):
    assert view.clicked_fips(feature) == expected


def test_history_push_and_undo_round_trip_through_json():
    first = Changes(county_moves={"A2": "TB"})
    second = first.lock(counties=["C1"])
    steps = view.push_step(view.push_step([], first, "move"), second, "lock")
    steps = json.loads(json.dumps(steps))  # as the browser stores it
    assert view.current_changes(steps) == second
    assert view.current_changes(steps[:-1]) == first
    assert view.current_changes([]) == Changes.empty()
    assert view.history_of(steps) == (first, second)


@pytest.mark.parametrize("junk", ["text", [{"nope": 1}], [1, 2], {"changes": {}}])
def test_an_unreadable_history_is_refused(junk):
    with pytest.raises(ValueError, match="not readable"):
        view.history_of(junk)


def test_the_history_has_a_ceiling():
    steps = [{"label": "x", "changes": {}, "reasons": []}] * view.MAX_STEPS
    with pytest.raises(ValueError, match="at most"):
        view.push_step(steps, Changes.empty(), "one more")


def test_latest_reasons_come_from_the_newest_rebalance_still_in_the_history():
    steps = [{"label": "rebalance", "changes": {}, "reasons": ["r1", "r2"]},
             {"label": "move", "changes": {}, "reasons": []}]
    assert view.latest_reasons(steps) == ("rebalance", ["r1", "r2"])
    assert view.latest_reasons(steps[1:]) == ("", [])
    assert view.latest_reasons("junk") == ("", [])


def test_changes_naming_something_the_data_lacks_do_not_fit():
    frames = SimpleNamespace(territories=pd.DataFrame({"territory_id": ["TA", "TB"]}),
                             alignment=ALIGNMENT.to_frame(),
                             accounts=pd.DataFrame(index=pd.Index(["a1"])))
    fine = Changes(county_moves={"A1": "TB"}, account_overrides={"a1": None})
    assert view.check_fits(frames, fine) is fine
    for bad, says in ((Changes(county_moves={"A1": "TZ"}), "territory TZ"),
                      (Changes(county_moves={"ZZ": "TA"}), "county ZZ"),
                      (Changes(quota_changes={"TQ": 0.1}), "territory TQ"),
                      (Changes(account_overrides={"a9": "TA"}), "account a9")):
        with pytest.raises(ValueError, match=says):
            view.check_fits(frames, bad)


def fairness(before, after):
    frame = pd.DataFrame({"before": before, "after": after},
                         index=["balance_index", "within_tolerance", "max_min_ratio", "gini"])
    frame["delta"] = frame["after"] - frame["before"]
    return frame


def test_fairness_rows_say_which_way_is_fairer():
    rows = view.fairness_rows(fairness([0.5, 0.3, 2.0, 0.2], [0.6, 0.3, 2.5, 0.1]))
    assert [(r["label"], r["before"], r["after"], r["tone"]) for r in rows] == [
        ("Balance index", "0.500", "0.600", "good"),
        ("Within ±15% of mean", "30%", "30%", ""),
        ("Max ÷ min", "2.0×", "2.5×", "bad"),   # a wider spread is less fair
        ("Gini", "0.200", "0.100", "good"),     # a lower Gini is fairer
    ]
    missing = view.fairness_rows(fairness([np.nan] * 4, [np.nan] * 4))
    assert {r["after"] for r in missing} == {"—"} and {r["tone"] for r in missing} == {""}


def test_disruption_rows_are_three_shares():
    assert view.disruption_rows({"accounts": 0.0125, "bookings": 0.1, "pipeline": None}) == [
        ("Accounts", "1.2%"), ("T12 bookings", "10.0%"), ("Open pipeline", "—")]


def test_touched_and_total_rows_carry_before_after_and_delta():
    figures = [f for f, _, _ in view.FIGURE_COLUMNS]
    table = pd.DataFrame({"territory_id": ["TA", "TB"], "name": ["A", "B"],
                          "rep_name": ["Ann", None]})
    for figure in figures:
        table[f"{figure}_before"] = [10.0, 20.0]
        table[f"{figure}_after"] = [12.0, np.nan]
        table[f"{figure}_delta"] = table[f"{figure}_after"] - table[f"{figure}_before"]
    rows = view.touched_rows(table, ["TB", "TA"])
    assert [r["id"] for r in rows] == ["TB", "TA"]
    assert rows[0]["rep"] == "vacant" and rows[0]["quota_after"] is None
    assert rows[1]["accounts_before"] == 10 and rows[1]["accounts_delta"] == 2
    totals = pd.DataFrame({"before": 30.0, "after": 32.0, "delta": 2.0}, index=figures)
    total = view.total_row(totals)
    assert total["id"] == "All" and total["potential_delta"] == 2.0
    json.dumps(rows + [total], allow_nan=False)


def test_rep_rows_net_the_gains_and_losses():
    impact = pd.DataFrame([{
        "rep_id": "R1", "rep_name": "Ann", "territory_id": "TA", "territory_name": "North",
        "accounts_gained": 4, "accounts_lost": 1,
        "gained_account_ids": ["a1", "a2", "a3", "a4"],
        "gained_account_names": ["One", "Two", "Three", "Four"],
        "lost_account_ids": ["a9"], "lost_account_names": ["Nine"],
        "t12_bookings_gained": 500.0, "t12_bookings_lost": 200.0,
        "open_pipeline_gained": 0.0, "open_pipeline_lost": 50.0,
        "quota_before": 1000.0, "quota_after": 1100.0}])
    (row,) = view.rep_rows(impact)
    assert row["gained"] == "One, Two, Three +1 more" and row["lost"] == "Nine"
    assert row["t12_bookings_net"] == 300.0 and row["open_pipeline_net"] == -50.0
    assert (row["quota_before"], row["quota_after"]) == (1000.0, 1100.0)


def test_the_view_model_speaks_french():
    from dashboard.i18n import translation
    from layouts import whatif as layout
    from layouts import whatif_accounts as accounts_layout

    with translation.use("fr"):
        rows = view.fairness_rows(fairness([0.5, 0.3, 2.0, 0.2], [0.6, 0.3, 2.5, 0.1]))
        shares = view.disruption_rows({"accounts": 0.0125, "bookings": 0.1, "pipeline": None})
        with pytest.raises(ValueError, match="le comté ZZ n'est pas dans les données"):
            view.check_fits(SimpleNamespace(
                territories=pd.DataFrame({"territory_id": ["TA"]}),
                alignment=pd.DataFrame(index=["A1"]), accounts=pd.DataFrame(index=["a1"])),
                Changes(county_moves={"ZZ": "TA"}))
        names = view._names(["One", "Two", "Three", "Four"])
        grid = layout.touched_grid([], {})
        figure = accounts_layout.tradeoff_figure([], None)
    assert [(r["label"], r["before"], r["after"]) for r in rows] == [
        ("Indice d'équilibre", "0,500", "0,600"),
        ("À ±15 % de la moyenne", "30\u00a0%", "30\u00a0%"),
        ("Max ÷ min", "2,0×", "2,5×"),
        ("Gini", "0,200", "0,100"),
    ]
    assert shares == [("Comptes", "1,2\u00a0%"),
                      ("Prises de commande 12 derniers mois", "10,0\u00a0%"),
                      ("Pipeline en cours", "—")]
    assert names == "One, Two, Three +1 autres"
    headers = [c["headerName"] for c in grid.columnDefs]
    assert "Territoire" in headers and "Objectif" in headers
    assert 'tdFormat.moneyCompact(params.value, "fr"' in str(grid.columnDefs)  # French cells
    assert figure.layout.title.text == "Compromis : équilibre et perturbation"
