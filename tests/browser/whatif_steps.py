"""Steps the what-if browser tests share: open the editor, pick from a dropdown."""

from __future__ import annotations

from selenium.common.exceptions import ElementClickInterceptedException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from layouts import ids

#: instant: Bootstrap's smooth scrolling would still be moving when the click lands
CENTER = "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});"


def open_editor(start_app):
    duo = start_app("/what-if")
    duo.wait_for_element(f"#{ids.WI_COUNTIES} path.leaflet-interactive, "
                         f"#{ids.WI_MAP} path.leaflet-interactive", timeout=30)
    return duo


def click_when_clear(duo, element) -> None:
    """Scroll the element to the middle and click it, again until nothing
    covers it: the page keeps growing while its grids and charts render."""

    def attempt(_driver) -> bool:
        duo.driver.execute_script(CENTER, element)
        try:
            element.click()
        except ElementClickInterceptedException:
            return False
        return True

    WebDriverWait(duo.driver, 10).until(attempt)


def choose(duo, dropdown_id: str, text: str):
    """Open a dropdown, type to filter its options, click the first match."""
    click_when_clear(duo, duo.find_element(f"#{dropdown_id}"))
    duo.wait_for_element(".dash-dropdown-options", timeout=10)
    duo.driver.switch_to.active_element.send_keys(text)
    duo.wait_for_contains_text(".dash-dropdown-options", text, timeout=10)
    option = next(o for o in duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
                  if text in o.text)
    option.click()
    duo.driver.switch_to.active_element.send_keys(Keys.ESCAPE)


def set_slider(duo, slider_id: str, value) -> None:
    """Type a value into a dcc.Slider's number box and commit it (the box
    commits on blur, so Tab out of it)."""
    box = duo.find_element(f"#{slider_id} input.dash-range-slider-input")
    duo.driver.execute_script(CENTER, box)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(str(value), Keys.TAB)


def scroll_to(duo, selector: str):
    """Bring an element to the middle of the window, as a user scrolls to it:
    AG Grid holds off drawing a grid that is out of view, so Selenium reads
    no text from it until then."""
    duo.driver.execute_script(CENTER, duo.find_element(selector))


def click(duo, selector: str):
    """Scroll the element into view and click it from script: the page's sticky
    bars would otherwise catch a pointer click near the window's edge."""
    element = duo.find_element(selector)
    duo.driver.execute_script(CENTER + " arguments[0].click();", element)


def cell(duo, grid_id: str, row_id: str, column: str) -> str:
    """The text of one AG Grid cell, found by row id and column id."""
    return duo.find_element(f"#{grid_id} .ag-row[row-id='{row_id}'] "
                            f"[col-id='{column}']").text
