"""The map page at a laptop's 1440 × 900 and the drill-down's print (issue 17):
the legend covered Texas and Florida and ended below the fold, the map's "?"
wrapped away from its title, and the drill-down printed on two A4 pages."""

from __future__ import annotations

import base64
import re

import pytest

from layouts import ids
from tests.browser.waits import settled, until

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 1440, 900

BOXES = """
    const box = e => { const r = e.getBoundingClientRect();
                       return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
    return {legend: box(document.querySelector('.map-legend')),
            map: box(document.querySelector('.map-wrap')),
            viewport: window.innerHeight};
"""

#: how many points of a grid over the legend have a territory's shape beneath
UNDER_LEGEND = """
    const legend = document.querySelector('.map-legend').getBoundingClientRect();
    let covered = 0;
    for (let i = 0; i < 12; i++) for (let j = 0; j < 6; j++) {
        const x = legend.left + legend.width * (i + .5) / 12;
        const y = legend.top + legend.height * (j + .5) / 6;
        if (document.elementsFromPoint(x, y).some(
                e => e.matches && e.matches('path.leaflet-interactive'))) covered++;
    }
    return covered;
"""

#: the "?" button's middle, and the first line of the title text it belongs to
HELP_AND_TITLE = """
    const help = document.querySelector('.card-header .help-button').getBoundingClientRect();
    const header = document.querySelector('.card-header .help-button').closest('.card-header');
    const walker = document.createTreeWalker(header, NodeFilter.SHOW_TEXT);
    let node; while ((node = walker.nextNode()) && !node.textContent.includes(arguments[0])) {}
    const range = document.createRange(); range.selectNodeContents(node);
    const line = range.getClientRects()[0];
    return {help: (help.top + help.bottom) / 2, top: line.top, bottom: line.bottom};
"""


def at_1440x900(duo) -> None:
    duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
    duo.driver.refresh()
    duo.wait_for_element(".leaflet-interactive")
    duo.wait_for_element(".map-legend .legend-row")
    settled(duo)


def test_the_map_its_legend_and_its_help_fit_a_1440_by_900_screen(start_app):
    duo = start_app()
    at_1440x900(duo)
    boxes = duo.driver.execute_script(BOXES)
    legend, map_box = boxes["legend"], boxes["map"]
    assert map_box["bottom"] <= boxes["viewport"], boxes  # the map ends above the fold
    assert (map_box["left"] <= legend["left"] and legend["right"] <= map_box["right"]
            and map_box["top"] <= legend["top"] and legend["bottom"] <= map_box["bottom"]), boxes
    assert duo.driver.execute_script(UNDER_LEGEND) == 0  # no territory hidden under it
    found = duo.driver.execute_script(HELP_AND_TITLE, "Territories coloured by")
    assert found["top"] <= found["help"] <= found["bottom"], found  # "?" on its title's row
    assert duo.get_logs() == []


def pdf_pages(duo) -> int:
    """Pages of the page printed to A4 as Chrome's print does (@page rules)."""
    printed = duo.driver.execute_cdp_cmd("Page.printToPDF", {
        "paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True})
    return len(re.findall(rb"/Type\s*/Page\b", base64.b64decode(printed["data"])))


def test_the_drilldown_prints_on_one_a4_page(start_app):
    duo = start_app()
    at_1440x900(duo)
    cell = f"#{ids.OVERVIEW_RANKING} .ag-row[row-id='T46'] [col-id='name']"
    duo.wait_for_element(cell).click()
    duo.wait_for_element(f"#{ids.DRILLDOWN}.show")
    duo.wait_for_contains_text(f"#{ids.DRILLDOWN}", "Bookings against quota")
    duo.wait_for_element(f"#{ids.DRILLDOWN_ACCOUNTS} .ag-row")
    duo.wait_for_element(f"#{ids.DRILLDOWN_DEALS} .ag-row")
    until(duo, lambda d: d.execute_script(
        "return document.querySelectorAll('#drilldown .js-plotly-plot .main-svg').length >= 3"),
        "the drill-down's charts never drew")
    assert pdf_pages(duo) == 1
    assert duo.get_logs() == []
