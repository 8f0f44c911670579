"""An annual potential estimated at import is marked "estimated" wherever an
account's potential is shown (issue 16 item 4): imported from an orders file
that has no potential, the drill-down's accounts grid and book summary, the
what-if account list and the underperformer rules' note say so, in the
request's language."""

from __future__ import annotations

import pytest

from dashboard.access import users
from dashboard.ingest import mapped_import
from dashboard.storage import store
from layouts import ids
from tests.browser.test_first_run_browser import two_years_of_orders
from tests.dash_http import post_callback, sign_in, speaking
from tests.integration.test_drilldown_http import PANEL, panel_values

PASSWORD = "a-long-password-1"
#: one territory over Washington and Colorado (customers 1, 5 and 2, 6 of the orders)
TERRITORIES = "territory_id,territory_name,region\nWEST,West,West\n"
ALIGNMENT = "county_fips,territory_id\nstate:WA,WEST\nstate:CO,WEST\n"


@pytest.fixture
def estimated_app(empty_settings):
    from app import create_app

    app = create_app(empty_settings)
    engine = app.server.extensions["territory_service"].engine
    users.add_user(engine, "boss", PASSWORD, "leader")
    outcome = mapped_import.run(engine, [
        ("orders.csv", two_years_of_orders().encode()),
        ("territories.csv", TERRITORIES.encode()), ("alignment.csv", ALIGNMENT.encode())])
    assert outcome.ok, [str(p) for p in outcome.problems]
    return app, engine


def _grid(tree, ident):
    """The rowData of the grid ``ident`` in a returned layout."""
    if isinstance(tree, dict):
        props = tree.get("props", {})
        if props.get("id") == ident:
            return props["rowData"]
        return next((g for g in map(lambda t: _grid(t, ident), tree.values()) if g is not None),
                    None)
    if isinstance(tree, list):
        return next((g for g in (_grid(t, ident) for t in tree) if g is not None), None)
    return None


def test_estimated_potentials_are_stored_and_marked_in_the_views(estimated_app):
    app, engine = estimated_app
    accounts = store.read_dataset(engine).accounts
    assert accounts["potential_estimated"].all() and len(accounts) == 8

    client = sign_in(app.server.test_client(), "boss", PASSWORD)
    status, body = post_callback(client, app, PANEL, panel_values("WEST", period="ytd"),
                                 changed=[f"{ids.DRILLDOWN_TERRITORY}.data"])
    assert status == 200, body
    panel = body["response"][ids.DRILLDOWN]["children"]
    rows = _grid(panel, ids.DRILLDOWN_ACCOUNTS)
    assert len(rows) == 4
    assert {row["potential_note"] for row in rows} == {"estimated"}
    assert "(4 accounts estimated)" in str(panel)

    status, body = post_callback(client, app, (ids.WI_ACCOUNTS, "rowData"), {
        f"{ids.WI_ACCOUNT_SEARCH}.value": "Customer", f"{ids.WI_SELECT}.value": [],
        f"{ids.WI_HISTORY}.data": None})
    assert status == 200, body
    listed = body["response"][ids.WI_ACCOUNTS]["rowData"]
    assert len(listed) == 8 and {row["potential_note"] for row in listed} == {"estimated"}

    # the underperformer rules that read potential say it is estimated
    status, body = post_callback(client, app, (ids.PAGE, "children"), {
        f"{ids.URL}.pathname": "/underperformers", f"{ids.URL}.search": ""})
    assert status == 200, body
    assert "8 accounts' annual potentials are estimated" in str(body["response"])

    french = speaking(sign_in(app.server.test_client(), "boss", PASSWORD), "fr")
    status, body = post_callback(french, app, PANEL, panel_values("WEST", period="ytd"),
                                 changed=[f"{ids.DRILLDOWN_TERRITORY}.data"])
    rows = _grid(body["response"][ids.DRILLDOWN]["children"], ids.DRILLDOWN_ACCOUNTS)
    assert {row["potential_note"] for row in rows} == {"estimé"}


def test_a_potential_given_in_the_file_is_not_marked(estimated_app):
    """A native accounts.csv re-imported with the potentials written in (and no
    flag column) states them as given: the mark goes."""
    app, engine = estimated_app
    from dashboard.ingest.export import dataset_to_csv_bytes

    accounts = store.read_dataset(engine).accounts.drop(columns=["potential_estimated"])
    from dashboard.ingest.service import import_files

    result = import_files(engine, [("accounts.csv", dataset_to_csv_bytes(accounts, "accounts"))])
    assert result.ok, [str(p) for p in result.problems]
    assert not store.read_dataset(engine).accounts["potential_estimated"].any()


def test_the_what_if_before_after_grid_counts_estimated_potentials(empty_settings):
    """Two territories (Washington, Colorado), every potential estimated: moving
    the Colorado county of customers 2 and 6 to the west says so beside each
    touched territory's potential, live and in the scenario."""
    from app import create_app
    from tests.integration.test_whatif_http import show

    app = create_app(empty_settings)
    engine = app.server.extensions["territory_service"].engine
    users.add_user(engine, "boss", PASSWORD, "leader")
    outcome = mapped_import.run(engine, [
        ("orders.csv", two_years_of_orders().encode()),
        ("territories.csv", b"territory_id,territory_name,region\nWEST,West,West\n"
                            b"MTN,Mountain,West\n"),
        ("alignment.csv", b"county_fips,territory_id\nstate:WA,WEST\nstate:CO,MTN\n")])
    assert outcome.ok, [str(p) for p in outcome.problems]
    accounts = store.read_dataset(engine).accounts
    colorado = accounts.loc[accounts["county_fips"].str.startswith("08"), "county_fips"]
    assert colorado.nunique() == 1 and len(colorado) == 2  # customers 2 and 6
    steps = [{"label": "move", "changes": {"county_moves": {colorado.iloc[0]: "WEST"}}}]

    client = sign_in(app.server.test_client(), "boss", PASSWORD)
    rows = {r["id"]: r for r in show(client, app, steps)[ids.WI_TOUCHED]["rowData"]}
    # the west: customers 1 and 5 live, 1, 5, 2 and 6 in the scenario; the mountain empties
    assert (rows["WEST"]["potential_before_note"], rows["WEST"]["potential_after_note"]) == (
        "2 accounts estimated", "4 accounts estimated")
    assert (rows["MTN"]["potential_before_note"], rows["MTN"]["potential_after_note"]) == (
        "2 accounts estimated", "")

    french = speaking(sign_in(app.server.test_client(), "boss", PASSWORD), "fr")
    rows = {r["id"]: r for r in show(french, app, steps)[ids.WI_TOUCHED]["rowData"]}
    assert rows["WEST"]["potential_after_note"] == "4 comptes estimés"
    # the grid writes the note after the potential: "$12,000 (4 accounts estimated)"
    from layouts.whatif import touched_grid

    potential = next(c for c in touched_grid([], {}).columnDefs
                     if c.get("headerName") == "Potential")
    formatters = [c["valueFormatter"]["function"] for c in potential["children"][:2]]
    assert "potential_before_note" in formatters[0] and "potential_after_note" in formatters[1]
