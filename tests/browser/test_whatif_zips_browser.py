"""The what-if map's county -> ZIP expansion in headless Chromium: a county expanded shows
its approximate ZIP areas (drawn from the geometry route, decoded in the browser), one of
them clicked and moved to another territory is a step of the scenario, outlined as moved
(the county stays where it was), and Hide ZIPs folds the county back."""

from __future__ import annotations

import re

import pytest

from layouts import ids
from tests.browser.waits import until
from tests.browser.whatif_steps import choose, click, open_editor

pytestmark = pytest.mark.browser

LOS_ANGELES = "06037"
#: the outline strokes assets/map.js gives a ZIP area: plain, selected, moved
ZIP_STROKE, SELECTED, MOVED = "#374151", "#facc15", "#111111"


def strokes(duo, colour: str) -> int:
    return duo.driver.execute_script(
        "return document.querySelectorAll(arguments[0]).length",
        f"#{ids.WI_MAP} path.leaflet-interactive[stroke='{colour}']")


def test_expand_a_county_into_its_zip_areas_and_move_one(start_app, demo_app):
    frames = demo_app.server.extensions["territory_service"].frames()
    source = frames.alignment.at[LOS_ANGELES, "territory_id"]
    target = next(t for t in frames.territories["territory_id"] if t != source)
    duo = open_editor(start_app)
    assert strokes(duo, ZIP_STROKE) == 0  # counties only until one is expanded
    choose(duo, ids.WI_SELECT, "Los Angeles, CA")
    click(duo, f"#{ids.WI_EXPAND}")
    until(duo, lambda _d: strokes(duo, ZIP_STROKE) > 250, "no ZIP areas drawn")

    # a click on one ZIP area selects it (outlined), Move takes it to the target
    duo.driver.execute_script(
        "document.querySelector(arguments[0]).dispatchEvent("
        "new MouseEvent('click', {bubbles: true}));",
        f"#{ids.WI_MAP} path.leaflet-interactive[stroke='{ZIP_STROKE}']")
    # Show ZIPs emptied the county selection: only the clicked ZIP is outlined
    until(duo, lambda _d: strokes(duo, SELECTED) == 1, "the clicked ZIP area is not outlined")
    choose(duo, ids.WI_TARGET, f"{target} ·")
    click(duo, f"#{ids.WI_MOVE}")
    duo.wait_for_contains_text(f"#{ids.WI_ALERT}", "Moved ")
    alert = duo.find_element(f"#{ids.WI_ALERT}").text
    assert re.search(rf"Moved .*ZIP area \w+ to {target}", alert), alert
    until(duo, lambda _d: strokes(duo, MOVED) == 1, "the moved ZIP area is not outlined")
    # a step of the scenario (the demo's accounts carry no ZIP yet: no figure changes)
    duo.wait_for_contains_text(f"#{ids.WI_STEPS}", "1 step")

    click(duo, f"#{ids.WI_COLLAPSE}")
    until(duo, lambda _d: strokes(duo, ZIP_STROKE) + strokes(duo, MOVED) == 0,
          "the ZIP areas stayed drawn")
    assert duo.get_logs() == []
