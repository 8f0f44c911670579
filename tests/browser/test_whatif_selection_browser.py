"""The what-if map outlines the selected counties in place: picking one restyles its
path and leaves every other county's as it was. A selection sent in the layer's hideout
made dash-leaflet clear and re-add all 3,142 counties, about half a second of the page's
thread per pick at size L (benchmarks/RESULTS.md, the map at scale)."""

from __future__ import annotations

import pytest

from layouts import ids
from tests.browser.waits import until
from tests.browser.whatif_steps import choose, open_editor

pytestmark = pytest.mark.browser

SELECTED = "#facc15"  # the outline assets/map.js gives a selected county
PATHS = f"#{ids.WI_MAP} path.leaflet-interactive"


def outlined(duo) -> int:
    return duo.driver.execute_script(
        "return document.querySelectorAll(arguments[0]).length", f"{PATHS}[stroke='{SELECTED}']")


def test_a_picked_county_is_outlined_without_redrawing_the_others(start_app):
    duo = open_editor(start_app)
    drawn = duo.driver.execute_script(
        "const paths = document.querySelectorAll(arguments[0]);"
        "paths.forEach(p => { p.tdDrawn = true; }); return paths.length;", PATHS)
    assert drawn > 3000
    choose(duo, ids.WI_SELECT, "San Bernardino, CA")
    until(duo, lambda _d: outlined(duo) == 1, "the picked county is not outlined")
    choose(duo, ids.WI_SELECT, "Los Angeles, CA")
    until(duo, lambda _d: outlined(duo) == 2, "the second pick is not outlined")
    # the same path elements as before the picks: none removed, none added
    assert duo.driver.execute_script(
        "const paths = [...document.querySelectorAll(arguments[0])];"
        "return [paths.length, paths.filter(p => p.tdDrawn).length];", PATHS) == [drawn, drawn]
    assert duo.get_logs() == []
