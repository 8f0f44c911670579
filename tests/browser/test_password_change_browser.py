"""A rep given a one-time password by the first-run step sets their own at the
first sign-in, in a real browser, and then reaches their scorecard."""

from __future__ import annotations

import pytest

from dashboard.access import users
from layouts import ids
from tests.browser.signin_steps import serve

pytestmark = pytest.mark.browser


def test_a_one_time_password_is_replaced_at_the_first_sign_in(dash_duo, demo_app):
    engine = demo_app.server.extensions["territory_service"].engine
    [(username, one_time)] = users.add_rep_accounts(engine, [("avery", "R046", "Avery")])
    serve(dash_duo, demo_app)
    dash_duo.driver.get(dash_duo.server_url + "/login")
    dash_duo.wait_for_element("#username").send_keys(username)
    dash_duo.find_element("#password").send_keys(one_time)
    dash_duo.find_element("#login-submit").click()
    dash_duo.wait_for_element("#password-form")
    dash_duo.find_element("#current-password").send_keys(one_time)
    dash_duo.find_element("#new-password").send_keys("avery-own-pass-1")
    dash_duo.find_element("#repeat-password").send_keys("avery-own-pass-1")
    dash_duo.find_element("#password-submit").click()
    dash_duo.wait_for_element(f"#{ids.SCORECARD_CONTENT}")  # a rep's home page
    assert dash_duo.driver.current_url.endswith("/scorecard")
    assert dash_duo.get_logs() == []
