"""The scenarios panel in headless Chromium: a saved scenario survives a page
reload and reopens in the editor with the same move."""

from __future__ import annotations

import pytest
from whatif_steps import choose, open_editor

from layouts import ids

pytestmark = pytest.mark.browser




def click(duo, selector: str):
    """Scroll the element into view and click it from script: the page's sticky
    bars would otherwise catch a pointer click near the window's edge."""
    element = duo.find_element(selector)
    duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});"
                              "arguments[0].click();", element)


def test_save_reload_and_reopen_a_scenario(start_app, demo_app):
    duo = open_editor(start_app)
    frames = demo_app.server.extensions["territory_service"].frames()
    source = frames.alignment.at["06071", "territory_id"]
    target = next(t for t in frames.territories["territory_id"] if t != source)
    choose(duo, ids.WI_SELECT, "San Bernardino, CA")
    choose(duo, ids.WI_TARGET, f"{target} ·")
    duo.find_element(f"#{ids.WI_MOVE}").click()
    duo.wait_for_contains_text(f"#{ids.WI_STEPS}", "1 step", timeout=10)
    duo.find_element(f"#{ids.SC_NAME}").send_keys("Inland Empire")
    click(duo, f"#{ids.SC_SAVE}")
    duo.wait_for_contains_text(f"#{ids.SC_ALERT}", "Saved 'Inland Empire'", timeout=10)
    duo.wait_for_contains_text(f"#{ids.SC_GRID}", "Inland Empire", timeout=10)

    duo.driver.refresh()
    duo.wait_for_element(f"#{ids.WI_MAP} path.leaflet-interactive", timeout=30)
    duo.wait_for_contains_text(f"#{ids.WI_STEPS}", "no changes", timeout=10)
    duo.wait_for_contains_text(f"#{ids.SC_GRID}", "Inland Empire", timeout=10)
    assert duo.find_element(f"#{ids.SC_OPEN}").get_attribute("disabled")
    click(duo, f"#{ids.SC_GRID} .ag-row[row-index='0'] .ag-cell")
    duo.wait_for_element(f"#{ids.SC_OPEN}:not([disabled])", timeout=10)
    click(duo, f"#{ids.SC_OPEN}")
    duo.wait_for_contains_text(f"#{ids.SC_ALERT}", "Opened 'Inland Empire'", timeout=10)
    duo.wait_for_contains_text(f"#{ids.WI_STEPS}", "opened scenario 'Inland Empire'",
                               timeout=10)
    duo.wait_for_element(f"#{ids.WI_TOUCHED} .ag-row[row-id='{source}']", timeout=10)
    duo.wait_for_element(f"#{ids.WI_TOUCHED} .ag-row[row-id='{target}']", timeout=10)
    assert duo.get_logs() == []
