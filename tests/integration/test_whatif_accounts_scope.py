"""A manager's what-if account list holds the accounts of their region under
the alignment being edited (the latest), and no account a dated override or
a realignment has moved out of it, though the manager's frames keep such an
account for the deals it was credited with in the region (access.scope)."""

from __future__ import annotations

import shutil

import pytest
import sqlalchemy as sa

from layouts import ids
from tests.dash_http import post_callback, sign_in

ACCOUNTS = (ids.WI_ACCOUNTS, "rowData")
MOVED_ON = "2026-01-01"


@pytest.fixture(scope="module")
def moved(tmp_path_factory, demo_db_template):
    """The demo with the West's largest account named to a South territory from
    2026-01-01, and the South's largest to a West territory from that day."""
    from app import create_app
    from dashboard.runtime.config import Settings
    from dashboard.runtime.service import DataService
    from dashboard.storage import snapshot
    from dashboard.storage.db import make_engine
    from tests.conftest import copy_demo

    folder = tmp_path_factory.mktemp("moved-accounts")
    copy_demo(demo_db_template, folder)
    settings = Settings(instance_path=str(folder), demo=True, tile_url="",
                        secret_key="test-secret")
    service = DataService(settings)
    frames = service.frames()
    region = frames.accounts["territory_id"].astype(object).map(frames.territories["region"])
    by_potential = frames.accounts.assign(region=region).sort_values(
        "annual_potential", ascending=False)
    west = by_potential[by_potential["region"] == "West"].index[0]
    south = by_potential[by_potential["region"] == "South"].index[0]
    territories = frames.territories
    west_territory = territories.index[territories["region"] == "West"][0]
    south_territory = territories.index[territories["region"] == "South"][0]
    service.engine.dispose()
    engine = make_engine(settings.resolved_database_url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO overrides (account_id, territory_id, effective_from) "
                             "VALUES (:a, :t, :d)"),
                     [{"a": west, "t": south_territory, "d": MOVED_ON},
                      {"a": south, "t": west_territory, "d": MOVED_ON}])
    engine.dispose()
    # the edit bypasses the data version: drop the copied snapshot, read the database
    shutil.rmtree(folder / snapshot.FOLDER, ignore_errors=True)
    return create_app(settings), west, south, west_territory, south_territory


def listed(client, app, search=""):
    status, body = post_callback(client, app, ACCOUNTS, {
        f"{ids.WI_ACCOUNT_SEARCH}.value": search, f"{ids.WI_SELECT}.value": [],
        f"{ids.WI_HISTORY}.data": []})
    assert status == 200
    return body["response"][ids.WI_ACCOUNTS]["rowData"]


def test_a_managers_account_search_lists_only_the_accounts_in_their_region(moved):
    app, west, south, west_territory, south_territory = moved
    manager = sign_in(app.server.test_client(), "manager-west")
    frames = app.server.extensions["territory_service"].frames()
    west_ids = set(frames.territories.index[frames.territories["region"] == "West"])
    # the account moved out is not offered, by its id or in the unfiltered list
    assert listed(manager, app, west) == []
    everything = listed(manager, app)
    assert everything and {row["territory"] for row in everything} <= west_ids
    assert west not in {row["id"] for row in everything}
    # the one moved in is, in its new territory
    assert [(r["id"], r["territory"]) for r in listed(manager, app, south)] == \
        [(south, west_territory)]
    # the leader still finds the moved-out account, in its South territory
    leader = sign_in(app.server.test_client())
    assert [(r["id"], r["territory"]) for r in listed(leader, app, west)] == \
        [(west, south_territory)]
