"""Everyday polish in headless Chromium: a grid's XLSX export opens in
openpyxl with the grid's rows, a chart offers and writes its PNG, and the
rep scorecard fits a 390 px phone screen without sideways scrolling."""

from __future__ import annotations

import io
import os
from pathlib import Path

import openpyxl
import pytest
from selenium.webdriver.common.action_chains import ActionChains

from layouts import ids
from tests.browser.waits import settled, until, wait_for

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs"


def allow_downloads(duo) -> Path:
    folder = Path(duo.download_path)
    duo.driver.execute_cdp_cmd("Page.setDownloadBehavior",
                               {"behavior": "allow", "downloadPath": str(folder)})
    return folder


def downloaded(duo, folder: Path, suffix: str) -> Path:
    """The finished download ending in ``suffix`` (Chromium writes a
    .crdownload first and renames it when complete)."""

    def finished(_driver):
        done = [p for p in folder.iterdir() if p.name.endswith(suffix)]
        return done[0] if done and done[0].stat().st_size > 0 else None

    return until(duo, finished, f"no finished {suffix} download in {folder}")


def test_the_top_accounts_grid_downloads_as_xlsx_with_its_rows(start_app):
    duo = start_app("/scorecard", user="r046")
    folder = allow_downloads(duo)
    duo.wait_for_element(f"#{ids.SCORECARD_TOP} .ag-row")
    shown = duo.driver.execute_script(
        "return document.querySelectorAll(arguments[0]).length",
        f"#{ids.SCORECARD_TOP} .ag-center-cols-container .ag-row")
    first_name = duo.find_element(
        f"#{ids.SCORECARD_TOP} .ag-center-cols-container .ag-row[row-index='0'] "
        "[col-id='name']").text
    duo.find_element(f"#{ids.SCORECARD_TOP_XLSX}").click()
    path = downloaded(duo, folder, ".xlsx")
    assert path.name == "R046-top-accounts.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(path.read_bytes())).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Account", "Segment", "T12 bookings", "Running share"]
    assert rows[1][0] == first_name
    assert len(rows) - 1 >= shown > 0  # the grid renders only the rows in view
    bookings = [r[2] for r in rows[1:]]
    shares = [r[3] for r in rows[1:]]
    assert all(isinstance(v, int | float) for v in bookings + shares)
    assert bookings == sorted(bookings, reverse=True) and 0 < shares[-1] <= 1
    assert sheet["C2"].number_format == '"$"#,##0'
    assert duo.get_logs() == []


def test_a_chart_offers_and_writes_its_png(start_app):
    duo = start_app("/scorecard", user="r046")
    folder = allow_downloads(duo)
    graph = duo.wait_for_element(f"#{ids.SCORECARD_CONTENT} .js-plotly-plot")
    wrapper = graph.find_element("xpath", "./ancestor::div[@role='figure'][1]")
    assert wrapper.get_attribute("aria-label").startswith("Bookings against quota")
    ActionChains(duo.driver).move_to_element(graph).perform()
    button = duo.wait_for_element(
        f"#{ids.SCORECARD_CONTENT} .modebar-btn[data-title='Download plot as a PNG']")
    button.click()
    path = downloaded(duo, folder, ".png")
    assert path.name == "R046-quarterly.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000


#: whether nothing scrolls sideways at 390 px, and how many columns the KPI strip has
PHONE_LAYOUT = """
    const strip = document.querySelector('.kpi-strip');
    return {fits: document.documentElement.scrollWidth <= 390,
            columns: strip && getComputedStyle(strip).gridTemplateColumns.split(' ').length};
"""


#: territory shapes of the 48 states cut by the map's edge (Alaska's and
#: Hawaii's, west of -130°, are a pan away), and whether the legend is below the map
MAP_ON_A_PHONE = """
    const map = document.getElementById(arguments[0]);
    const box = map.getBoundingClientRect();
    const shapes = [...map.querySelectorAll('path.leaflet-interactive')]
        .map(p => p.getBoundingClientRect())
        .filter(r => r.width > 0 && r.right > box.left + 0.12 * box.width);
    const cut = shapes.filter(r => r.left < box.left - 1 || r.right > box.right + 1
                                   || r.top < box.top - 1 || r.bottom > box.bottom + 1);
    const legend = document.querySelector('.us-map-wrap .map-legend').getBoundingClientRect();
    return {cut: cut.length, legend_below: legend.top >= box.bottom - 1};
"""


@pytest.mark.parametrize(("path", "user", "ready", "shot"), [
    ("/scorecard", "r046", f"#{ids.SCORECARD_TOP} .ag-row", "phone-scorecard.png"),
    ("/", "leader", ".leaflet-interactive", "phone-map.png"),
])
def test_the_page_fits_a_390px_phone_screen(start_app, path, user, ready, shot):
    duo = start_app(path, user=user)
    duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 390, "height": 844, "deviceScaleFactor": 2,
                                "mobile": True})
    duo.driver.refresh()
    duo.wait_for_element(ready)
    settled(duo)  # every part of the page drawn
    # the grids and the map then size themselves to the new width: wait for the
    # page as a phone shows it (one that never fits fails here)
    wait_for(duo, lambda: duo.driver.execute_script(PHONE_LAYOUT), {"fits": True, "columns": 2},
             "page width within 390 px and a two-column KPI strip")
    if path == "/":  # the 48 states whole on the phone's map, its legend under it
        wait_for(duo, lambda: duo.driver.execute_script(MAP_ON_A_PHONE, ids.MAP),
                 {"cut": 0, "legend_below": True},
                 "every contiguous territory inside the map, the legend below it")
    if os.environ.get("TD_DOCS_SCREENSHOTS"):  # refresh the README's pictures
        if path == "/":  # the map itself, below the KPI strip
            duo.driver.execute_script(  # instant: a smooth scroll would still be moving
                "document.getElementById(arguments[0]).closest('.card')"
                ".scrollIntoView({behavior: 'instant'})", ids.MAP)
        duo.driver.save_screenshot(str(DOCS / shot))
