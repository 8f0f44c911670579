"""A unit layer of one's own in headless Chromium (issue 19 item 2): on the seven made-up
départements (tests/integration/test_own_layer.py builds the instance), the map page draws
the two territories dissolved from them, and the what-if map draws the seven units; 02
picked by name and moved from T1 to T2 is a step, and the fairness card follows.

Potential: T1 300k (01 100k, 02 200k), T2 700k; mean 500k, so the balance index
(1 - the largest deviation from the mean) is 1 - 200/500 = 0.600. With 02 in T2: 100k and
900k, 1 - 400/500 = 0.200."""

from __future__ import annotations

import pytest

from dashboard.access import users
from layouts import ids
from tests.browser.signin_steps import serve, sign_in
from tests.browser.waits import until
from tests.browser.whatif_steps import choose, click
from tests.integration.test_own_layer import PASSWORD, build_instance, settings_of

pytestmark = pytest.mark.browser


@pytest.fixture
def layer_app(tmp_path):
    from app import create_app

    build_instance(tmp_path)
    app = create_app(settings_of(tmp_path))
    users.add_user(app.server.extensions["territory_service"].engine, "boss", PASSWORD,
                   "leader")
    return app


def drawn(duo, container: str) -> int:
    return duo.driver.execute_script(
        "return document.querySelectorAll(arguments[0]).length",
        f"#{container} path.leaflet-interactive")


def test_the_maps_draw_the_layer_and_a_departement_moves(dash_duo, layer_app):
    serve(dash_duo, layer_app)
    sign_in(dash_duo, "boss", "/", PASSWORD)
    until(dash_duo, lambda _d: drawn(dash_duo, ids.MAP) == 2,
          "the map page did not draw the two territories")

    dash_duo.driver.get(f"{dash_duo.server_url}/what-if")
    until(dash_duo, lambda _d: drawn(dash_duo, ids.WI_MAP) == 7,
          "the what-if map did not draw the seven départements")
    fairness = f"#{ids.WI_FAIRNESS}"
    dash_duo.wait_for_contains_text(fairness, "0.600")
    choose(dash_duo, ids.WI_SELECT, "Basse-Rivière")
    choose(dash_duo, ids.WI_TARGET, "T2 ·")
    click(dash_duo, f"#{ids.WI_MOVE}")
    dash_duo.wait_for_contains_text(f"#{ids.WI_ALERT}", "to T2")
    dash_duo.wait_for_contains_text(f"#{ids.WI_STEPS}", "1 step")
    dash_duo.wait_for_contains_text(fairness, "0.200")
    assert dash_duo.get_logs() == []
