"""The what-if editor in headless Chromium: select a county (on the map, and
by name), move it, see the touched territories change, undo."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from layouts import ids
from tests.browser.whatif_steps import choose, open_editor

pytestmark = pytest.mark.browser




def test_clicking_the_map_selects_a_county(start_app):
    duo = open_editor(start_app)
    counties = duo.driver.find_elements(By.CSS_SELECTOR, ".leaflet-overlay-pane path")
    assert len(counties) > 3000  # every county is drawn
    leaflet = duo.find_element(f"#{ids.WI_MAP}")
    ActionChains(duo.driver).move_to_element(leaflet).click().perform()  # Kansas: inland
    duo.wait_for_element(f"#{ids.WI_SELECT} .Select-value, "
                         f"#{ids.WI_SELECT} [class*='multi-value'], "
                         f"#{ids.WI_SELECT} .dash-dropdown-value-item")
    assert duo.get_logs() == []


def test_move_a_county_see_the_touched_territories_then_undo(start_app, demo_app):
    duo = open_editor(start_app)
    frames = demo_app.server.extensions["territory_service"].frames()
    source = frames.alignment.at["06071", "territory_id"]
    target = next(t for t in frames.territories["territory_id"] if t != source)
    choose(duo, ids.WI_SELECT, "San Bernardino, CA")
    duo.wait_for_contains_text(f"#{ids.WI_SELECT}", "San Bernardino")
    choose(duo, ids.WI_TARGET, f"{target} ·")
    duo.find_element(f"#{ids.WI_MOVE}").click()
    duo.wait_for_contains_text(f"#{ids.WI_ALERT}", "Moved San Bernardino, CA")
    duo.wait_for_contains_text(f"#{ids.WI_STEPS}", "1 step")
    duo.wait_for_element(f"#{ids.WI_TOUCHED} .ag-row[row-id='{source}']")
    duo.wait_for_element(f"#{ids.WI_TOUCHED} .ag-row[row-id='{target}']")
    duo.wait_for_element(f"#{ids.WI_REPS} .ag-row[row-id='{target}']")

    duo.find_element(f"#{ids.WI_UNDO}").click()
    duo.wait_for_contains_text(f"#{ids.WI_STEPS}", "no changes")
    duo.wait_for_no_elements(f"#{ids.WI_TOUCHED} .ag-center-cols-container .ag-row")
    assert duo.get_logs() == []
