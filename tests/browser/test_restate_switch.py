"""The "Restate to today's alignment" switch in headless Chromium (issue 17
item 1), on data with alignment history: turning it on rereads the map,
writes ``restated=1`` in the URL, and the next view opened from the
navigation keeps it and says it shows the restated reading."""

from __future__ import annotations

import pytest

from layouts import ids
from tests.browser.signin_steps import serve, sign_in
from tests.browser.waits import settled, until
from tests.integration.test_restated_http import history_app  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


def reading(driver) -> str:
    """Which reading the page's note says it shows ("" while there is none)."""
    notes = driver.find_elements("css selector", ".reading-note")
    return notes[0].get_attribute("data-reading") if notes else ""


def test_the_switch_rereads_the_views_and_is_kept_across_pages(dash_duo, history_app):  # noqa: F811
    serve(dash_duo, history_app)
    sign_in(dash_duo, "leader", "/?period=2025")
    until(dash_duo, lambda d: reading(d) == "credited", "the map's note said 'as credited'")
    before = dash_duo.find_element(f"#{ids.OVERVIEW_RANKING}").text
    dash_duo.find_element(f"#{ids.RESTATED}").click()
    until(dash_duo, lambda d: "restated=1" in d.current_url, "restated=1 in the URL")
    until(dash_duo, lambda d: reading(d) == "restated", "the map's note said 'restated'")
    until(dash_duo, lambda _d: dash_duo.find_element(f"#{ids.OVERVIEW_RANKING}").text != before,
          "the ranking's figures changed")
    settled(dash_duo)
    dash_duo.find_element("a[href^='/attainment']").click()
    until(dash_duo, lambda d: d.find_elements("css selector", f"#{ids.ATTAINMENT_CONTENT}"),
          "the attainment page opened")
    until(dash_duo, lambda d: reading(d) == "restated", "the attainment note said 'restated'")
    assert "restated=1" in dash_duo.driver.current_url
    assert dash_duo.find_element(f"#{ids.RESTATED}").is_selected()
    assert dash_duo.get_logs() == []
