"""Retake the README's pictures of the leader views from a running app.

    territory-dashboard serve --port 8050 &      # the demo, as the README starts it
    python docs/screenshots.py http://127.0.0.1:8050

Uses the same headless Chromium as the browser tests. Waits are plain sleeps:
this is a picture-taking tool, not a test, and a late chart only means a
retake. Each picture is a view as a leader first sees it at 1440 px wide.
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
SETTLE = 6  # seconds for a page's callbacks, grids and map tiles to settle


def browser(height: int) -> webdriver.Chrome:
    options = Options()
    for argument in ("--headless=new", "--no-sandbox", f"--window-size={WIDTH},{height}",
                     "--hide-scrollbars"):
        options.add_argument(argument)
    return webdriver.Chrome(options=options)


def sign_in(driver: webdriver.Chrome, base: str, username: str = "leader") -> None:
    from dashboard.access.users import DEMO_PASSWORD

    driver.get(f"{base}/login")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(DEMO_PASSWORD)
    driver.find_element(By.ID, "login-submit").click()
    time.sleep(2)


def pages(driver: webdriver.Chrome, base: str) -> None:
    for name, path, height in PAGES:
        driver.set_window_size(WIDTH, height)
        driver.get(base + path)
        time.sleep(SETTLE)
        driver.save_screenshot(str(DOCS / name))
        print("wrote", name)


def drilldown(driver: webdriver.Chrome, base: str) -> None:
    """The weakest territory's drill-down, opened from the map's ranking as a
    leader would; then scrolled to its accounts and open deals."""
    driver.set_window_size(WIDTH, 900)
    driver.get(base + "/")
    time.sleep(SETTLE)
    driver.find_elements(By.CSS_SELECTOR, ".ag-row .ag-cell")[1].click()
    time.sleep(SETTLE)
    driver.save_screenshot(str(DOCS / "drilldown.png"))
    driver.execute_script(
        "document.getElementById(arguments[0]).closest('.card')"
        ".scrollIntoView({block: 'start', behavior: 'instant'});", ids.DRILLDOWN_ACCOUNTS)
    time.sleep(1)
    driver.save_screenshot(str(DOCS / "drilldown-tables.png"))
    print("wrote drilldown.png, drilldown-tables.png")


def main(base: str) -> None:
    driver = browser(1000)
    try:
        sign_in(driver, base.rstrip("/"))
        pages(driver, base.rstrip("/"))
        drilldown(driver, base.rstrip("/"))
    finally:
        driver.quit()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8050")
