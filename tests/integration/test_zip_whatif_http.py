"""What-if moves of a ZIP area through the callback endpoint, on the demo built on mixed
units (issue 19): the before/after figures and the fairness card follow the move as the
core computes them, and a manager's forged history moving another region's ZIP, or
sending one of theirs out, is refused without naming anything of it."""

from __future__ import annotations

import json

import pytest

from dashboard.geo import us_atlas
from dashboard.views.selection import resolve_period
from dashboard.whatif import changeset, scenario_impact
from dashboard.whatif.zip_units import zip_units
from layouts import ids
from tests.dash_http import post_callback, sign_in
from tests.forged_requests import steps

SHOW = (ids.WI_FAIRNESS, "children")
LOS_ANGELES, COOK = "06037", "17031"


@pytest.fixture(scope="module")
def app(units_demo_template, tmp_path_factory):
    from app import create_app
    from dashboard.runtime.config import Settings
    from tests.conftest import copy_demo

    folder = tmp_path_factory.mktemp("mixed-app")
    copy_demo(units_demo_template("mixed"), folder)
    return create_app(Settings(instance_path=str(folder), demo=True, tile_url="",
                               secret_key="test-secret", units="mixed"))


def show(client, app, history):
    values = {f"{ids.WI_HISTORY}.data": history, f"{ids.PERIOD}.value": "qtd",
              f"{ids.WI_METRIC}.value": "potential", f"{ids.WI_WEIGHT}.value": 0.5,
              f"{ids.URL}.search": ""}
    status, body = post_callback(client, app, SHOW, values)
    assert status == 200
    return body["response"]


def busiest_zip(frames, county: str) -> tuple[str, str, int]:
    """The ZIP area of ``county`` holding most accounts: id, territory, accounts."""
    units = zip_units(frames, counties=[county])
    assert units["own_row"].all()  # a metro county: its ZIPs are aligned by ZIP
    zip_id = units["accounts"].idxmax()
    return zip_id, units.at[zip_id, "territory_id"], int(units.at[zip_id, "accounts"])


def test_the_demo_on_mixed_units_says_so_and_reads_as_the_county_demo(app):
    service = app.server.extensions["territory_service"]
    assert service.units() == "mixed"
    frames = service.frames()
    assert frames.accounts["zip"].notna().mean() > 0.99
    assert set(frames.zip_alignment["county_fips"]) == {LOS_ANGELES, COOK, "36081"}


def test_moving_a_zip_changes_the_figures_and_the_fairness_card_as_the_core_does(app):
    service = app.server.extensions["territory_service"]
    frames, as_of = service.frames(), service.as_of()
    zip_id, source, accounts = busiest_zip(frames, LOS_ANGELES)
    target = next(t for t in frames.territories["territory_id"] if t != source)
    changes = changeset.Changes().move_zips(frames, [zip_id], target)
    client = sign_in(app.server.test_client())

    shown = show(client, app, steps(changes))
    core = scenario_impact.before_after(frames, changeset.apply(frames, changes),
                                        us_atlas.load_counties()["area_km2"],
                                        resolve_period("qtd", as_of), as_of)
    rows = {r["id"]: r for r in shown[ids.WI_TOUCHED]["rowData"]}
    assert set(rows) == {source, target}
    named = int((frames.accounts["zip"].eq(zip_id)
                 & frames.accounts["territory_id"].astype(object).ne(source)).sum())
    assert rows[target]["accounts_delta"] == accounts - named > 0
    assert rows[source]["accounts_delta"] == -(accounts - named)
    before, after = core.fairness.at["balance_index", "before"], core.fairness.at[
        "balance_index", "after"]
    assert before != after
    fairness = json.dumps(shown[ids.WI_FAIRNESS]["children"])
    assert f"{after:.3f}" in fairness
    # no move, no change: the card reads today's balance
    assert f"{before:.3f}" in json.dumps(show(client, app, [])[ids.WI_FAIRNESS]["children"])


def test_a_managers_history_moving_another_regions_zip_is_refused(app):
    """manager-west: Cook County (Midwest) is not theirs, nor are its ZIPs; and a ZIP
    of theirs may not be sent to another region's territory."""
    frames = app.server.extensions["territory_service"].frames()
    region = frames.territories.set_index("territory_id")["region"]
    west = sorted(region.index[region == "West"])
    elsewhere = sorted(region.index[region != "West"])
    cook_zip, _cook_territory, _ = busiest_zip(frames, COOK)
    la_zip, _la_territory, _ = busiest_zip(frames, LOS_ANGELES)
    client = sign_in(app.server.test_client(), "manager-west")
    assert show(client, app, [])[ids.WI_FAIRNESS]  # their own draft is answered
    for changes in (changeset.Changes(zip_moves={cook_zip: west[0]}),
                    changeset.Changes(zip_moves={la_zip: elsewhere[0]})):
        answer = json.dumps(show(client, app, steps(changes)))
        assert cook_zip not in answer and elsewhere[0] not in answer
        assert "This scenario changes territories outside your region." in answer
