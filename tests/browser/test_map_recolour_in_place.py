"""Maps recolour in place: a KPI picked on the map page, or a county moved on the what-if
map, restyles the paths already drawn (new fills, the moved county outlined) and makes
none anew. dash-leaflet clears and re-adds every feature when a layer's hideout changes,
0.1-0.2 s of the page's thread for 500 territories at size L (assets/geojson_restyle.js)."""

from __future__ import annotations

import pytest

from layouts import ids
from tests.browser.waits import until
from tests.browser.whatif_steps import choose, click, open_editor

pytestmark = pytest.mark.browser

MARK = ("const paths = document.querySelectorAll(arguments[0]);"
        "paths.forEach(p => { p.tdDrawn = true; }); return paths.length;")
#: (paths, of which drawn before the mark was taken away, their fills joined)
LOOK = ("const paths = [...document.querySelectorAll(arguments[0])];"
        "return [paths.length, paths.filter(p => p.tdDrawn).length,"
        "        paths.map(p => p.getAttribute('fill')).join()];")


def test_a_kpi_picked_recolours_the_territories_drawn(start_app):
    duo = start_app()
    paths = f"#{ids.MAP} path.leaflet-interactive"
    duo.wait_for_element(paths)
    until(duo, lambda _d: duo.driver.execute_script(LOOK, paths)[0] >= 60, "no territories")
    drawn = duo.driver.execute_script(MARK, paths)
    fills = duo.driver.execute_script(LOOK, paths)[2]
    duo.find_element("label[for='_dbcprivate_radioitems_map-kpi-picker_input_coverage']").click()
    duo.wait_for_contains_text(f"#{ids.MAP_LEGEND}", "Pipeline coverage")
    until(duo, lambda _d: duo.driver.execute_script(LOOK, paths)[2] != fills,
          "the territories kept their colours")
    assert duo.driver.execute_script(LOOK, paths)[:2] == [drawn, drawn]
    assert duo.get_logs() == []


def test_a_county_moved_is_recoloured_where_it_is_drawn(start_app, demo_app):
    frames = demo_app.server.extensions["territory_service"].frames()
    source = frames.alignment.at["06071", "territory_id"]
    target = next(t for t in frames.territories["territory_id"] if t != source)
    duo = open_editor(start_app)
    paths = f"#{ids.WI_MAP} path.leaflet-interactive"
    drawn = duo.driver.execute_script(MARK, paths)
    # the outline assets/map.js gives a moved county (the touched territories' outlines,
    # drawn over them in a layer of their own, are 2.5 px)
    moved = f"{paths}[stroke='#111111'][stroke-width='2']"
    assert duo.driver.execute_script("return document.querySelectorAll(arguments[0]).length",
                                     moved) == 0
    choose(duo, ids.WI_SELECT, "San Bernardino, CA")
    choose(duo, ids.WI_TARGET, f"{target} ·")
    click(duo, f"#{ids.WI_MOVE}")
    duo.wait_for_contains_text(f"#{ids.WI_STEPS}", "1 step")
    until(duo, lambda _d: duo.driver.execute_script(
        "return document.querySelectorAll(arguments[0]).length", moved) == 1,
        "the moved county is not outlined")
    assert duo.driver.execute_script(LOOK, paths)[1] == drawn  # none drawn anew
    assert duo.get_logs() == []
