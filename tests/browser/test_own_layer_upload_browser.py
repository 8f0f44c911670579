"""A boundary file added as a unit layer from the import page, in headless Chromium
(issue 19 item 2): the seven made-up départements dropped on the section, their
properties pre-selected (id code, name nom, parent region), Add layer, then "Use this
layer for the data" on the empty instance."""

from __future__ import annotations

import pytest

from dashboard.access import users
from dashboard.storage import unit_layers
from layouts import ids
from tests.browser.signin_steps import serve, sign_in
from tests.browser.whatif_steps import click
from tests.integration.test_own_layer import BOUNDARIES, PASSWORD, settings_of

pytestmark = pytest.mark.browser


@pytest.fixture
def empty_app(tmp_path):
    from app import create_app

    app = create_app(settings_of(tmp_path))
    users.add_user(app.server.extensions["territory_service"].engine, "boss", PASSWORD,
                   "leader")
    return app


def test_a_leader_drops_the_departements_and_gets_a_layer(dash_duo, empty_app):
    serve(dash_duo, empty_app)
    sign_in(dash_duo, "boss", "/import", PASSWORD)
    dash_duo.wait_for_element(f"#{ids.LAYER_UPLOAD} input[type=file]").send_keys(
        str(BOUNDARIES))
    dash_duo.wait_for_contains_text(f"#{ids.LAYER_FORM}", "departements.geojson: 7 features")
    dash_duo.wait_for_contains_text(f"#{ids.LAYER_ID_PROPERTY}", "code")
    dash_duo.wait_for_contains_text(f"#{ids.LAYER_NAME_PROPERTY}", "nom")
    dash_duo.wait_for_contains_text(f"#{ids.LAYER_PARENT_PROPERTY}", "region")

    click(dash_duo, f"#{ids.LAYER_ADD}")
    dash_duo.wait_for_contains_text(f"#{ids.LAYER_RESULT}",
                                    "Layer departements added: 7 units.")
    engine = empty_app.server.extensions["territory_service"].engine
    assert unit_layers.names(engine) == ["departements"]

    click(dash_duo, f"#{ids.LAYER_USE}")
    dash_duo.wait_for_contains_text(f"#{ids.LAYER_USE_RESULT}",
                                    "units: layer:departements (7 units)")
    assert dash_duo.get_logs() == []
