"""Retake the README's pictures of the views from a running app.

    territory-dashboard serve --port 8050 &      # the demo, as the README starts it
    python docs/screenshots.py http://127.0.0.1:8050

Uses the same headless Chromium as the browser tests. Waits are plain sleeps:
this is a picture-taking tool, not a test, and a late chart only means a
retake. Each picture is a view as a leader (a rep for the scorecard) first
sees it at 1440 px wide; then the map with its account points, the French
pages (a browser asking for French) and two pages on a 390 px phone. The
what-if, import and first-run pictures are taken by hand (they need a
scenario, a file or an empty instance).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.common.by import By

from layouts import ids

DOCS = Path(__file__).resolve().parent
WIDTH = 1440
#: (file, path, window height): tall enough to show what the view is for.
PAGES = [
    ("overview.png", "/", 1100),
    ("attainment.png", "/attainment", 1000),
    ("pipeline.png", "/pipeline", 1000),
    ("underperformers.png", "/underperformers", 1000),
]
#: the same in French, as a browser asking for French sees them
FRENCH_PAGES = [
    ("map-fr.png", "/", 1100),
    ("pipeline-fr.png", "/pipeline", 1000),
    ("underperformers-fr.png", "/underperformers", 1000),
    ("scorecard-fr.png", "/scorecard", 1000),
]
#: (file, path, user, element scrolled to the top or None) on a 390 × 844 phone
PHONE_PAGES = [
    ("phone-scorecard.png", "/scorecard", "r046", None),
    ("phone-map.png", "/", "leader", ids.MAP),
]
SETTLE = 3  # seconds for grids, charts and the map to draw once the callbacks answered
#: the longest a page may take to answer (a busy machine builds the KPI cube first)
PATIENCE = 180

#: true once the page holds its view and no callback is still running
READY = """
    const page = document.getElementById(arguments[0]);
    return !!page && page.innerText.length > 200 && !!document.querySelector(arguments[1])
        && !document.querySelector('[data-dash-is-loading="true"]');
"""


def settle(driver: webdriver.Chrome, ready: str = ".kpi-card, .ag-row") -> None:
    """Wait until the page's view is drawn (``ready`` matches an element and
    no callback is loading), then a little more for drawing."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if driver.execute_script(READY, ids.PAGE, ready):
            break
        time.sleep(0.5)
    time.sleep(SETTLE)


def browser(height: int, language: str = "en") -> webdriver.Chrome:
    options = Options()
    for argument in ("--headless=new", "--no-sandbox", f"--window-size={WIDTH},{height}",
                     "--hide-scrollbars", f"--lang={language}"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    return webdriver.Chrome(options=options)


def sign_in(driver: webdriver.Chrome, base: str, username: str = "leader") -> None:
    from dashboard.access.users import DEMO_PASSWORD

    driver.get(f"{base}/login")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(DEMO_PASSWORD)
    driver.find_element(By.ID, "login-submit").click()
    time.sleep(2)


def pages(driver: webdriver.Chrome, base: str, listed=PAGES) -> None:
    for name, path, height in listed:
        driver.set_window_size(WIDTH, height)
        driver.get(base + path)
        settle(driver)
        driver.save_screenshot(str(DOCS / name))
        print("wrote", name)


def drilldown(driver: webdriver.Chrome, base: str) -> None:
    """The weakest territory's drill-down, opened from the map's ranking as a
    leader would; then scrolled to its accounts and open deals."""
    driver.set_window_size(WIDTH, 900)
    driver.get(base + "/")
    settle(driver, ".ag-row .ag-cell")
    driver.find_elements(By.CSS_SELECTOR, ".ag-row .ag-cell")[1].click()
    settle(driver, f"#{ids.DRILLDOWN_ACCOUNTS} .ag-row")
    driver.save_screenshot(str(DOCS / "drilldown.png"))
    driver.execute_script(
        "document.getElementById(arguments[0]).closest('.card')"
        ".scrollIntoView({block: 'start', behavior: 'instant'});", ids.DRILLDOWN_ACCOUNTS)
    time.sleep(1)
    driver.save_screenshot(str(DOCS / "drilldown-tables.png"))
    print("wrote drilldown.png, drilldown-tables.png")


def map_accounts(driver: webdriver.Chrome, base: str) -> None:
    """The map with the account points switched on."""
    driver.set_window_size(WIDTH, 900)
    driver.get(base + "/")
    settle(driver, ".leaflet-interactive")
    driver.find_element(By.ID, ids.MAP_ACCOUNTS_SWITCH).click()
    settle(driver, ".td-cluster")
    driver.save_screenshot(str(DOCS / "map-accounts.png"))
    print("wrote map-accounts.png")


def scorecard(base: str) -> None:
    """A rep's own scorecard, as the rep signs in to it."""
    driver = browser(1000)
    try:
        sign_in(driver, base, "r046")
        pages(driver, base, [("scorecard.png", "/scorecard", 1000)])
    finally:
        driver.quit()


def french(base: str) -> None:
    driver = browser(1000, "fr")
    try:
        sign_in(driver, base)
        pages(driver, base, FRENCH_PAGES)
    finally:
        driver.quit()


def phone(base: str) -> None:
    for name, path, user, scrolled_to in PHONE_PAGES:
        driver = browser(844)
        try:
            sign_in(driver, base, user)
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": 390, "height": 844, "deviceScaleFactor": 2,
                                    "mobile": True})
            driver.get(base + path)
            settle(driver)
            if scrolled_to:
                driver.execute_script(
                    "document.getElementById(arguments[0]).closest('.card')"
                    ".scrollIntoView({behavior: 'instant'})", scrolled_to)
                time.sleep(1)
            driver.save_screenshot(str(DOCS / name))
            print("wrote", name)
        finally:
            driver.quit()


#: kept by every Leaflet map made after it, so a picture can move the map's view
KEEP_MAPS = """
(function hook(tries) {
    if (!window.L || !window.L.Map) {
        if (tries < 400) { setTimeout(hook, 25, tries + 1); }
        return;
    }
    window.tdMaps = [];
    window.L.Map.addInitHook(function () { window.tdMaps.push(this); });
})(0);
"""


def mixed_map(base: str, name: str = "map-mixed-zip.png",
              centre: tuple[float, float] = (34.2, -118.3), zoom: int = 8,
              kpi: str = "coverage", hover: tuple[float, float] | None = (34.62, -119.45)
              ) -> None:
    """The map page zoomed to a metro split by ZIP rows (a mixed alignment, issue 19).
    Needs a server on data with such a split: the demo on mixed units (``init-demo
    --units mixed``) copies its county's territory to every ZIP row, so move some ZIP
    areas first (a what-if applied, or alignment.csv ZIP rows imported)."""
    driver = browser(900)
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": KEEP_MAPS})
        sign_in(driver, base)
        driver.get(base + f"/?kpi={kpi}")
        settle(driver, ".leaflet-interactive")
        driver.execute_script("window.tdMaps.forEach(m => m.setView(arguments[0], arguments[1],"
                              " {animate: false}))", list(centre), zoom)
        time.sleep(2)
        if hover:  # a tooltip naming the territory of a ZIP-aligned part
            x, y = driver.execute_script(
                "const m = window.tdMaps.find(m => m.getContainer().offsetWidth > 0);"
                "const p = m.latLngToContainerPoint(arguments[0]);"
                "const box = m.getContainer().getBoundingClientRect();"
                "return [box.left + p.x, box.top + p.y];", list(hover))
            driver.execute_cdp_cmd("Input.dispatchMouseEvent",
                                   {"type": "mouseMoved", "x": x, "y": y})
            time.sleep(1)
        driver.save_screenshot(str(DOCS / name))
        print("wrote", name)
    finally:
        driver.quit()


def district_ranking(base: str, name: str = "attainment-districts.png") -> None:
    """Attainment ranked by district, a level between territory and region (issue 19's
    hierarchy; the demo's districts are the nine Census divisions)."""
    driver = browser(1000)
    try:
        sign_in(driver, base)
        driver.get(base + "/attainment")
        settle(driver)
        driver.find_element(
            By.CSS_SELECTOR, f"#{ids.ATTAINMENT_LEVEL} input[value='district'] + label").click()
        settle(driver)
        driver.save_screenshot(str(DOCS / name))
        print("wrote", name)
    finally:
        driver.quit()


def main(base: str) -> None:
    base = base.rstrip("/")
    driver = browser(1000)
    try:
        sign_in(driver, base)
        pages(driver, base)
        drilldown(driver, base)
        map_accounts(driver, base)
    finally:
        driver.quit()
    scorecard(base)
    french(base)
    phone(base)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8050")
