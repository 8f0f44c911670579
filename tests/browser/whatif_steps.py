"""Steps the what-if browser tests share: open the editor, pick from a
dropdown, set a slider; each waits for what the page shows."""

from __future__ import annotations

from selenium.webdriver.common.keys import Keys

from layouts import ids
from tests.browser.dropdown_steps import CENTER, pick
from tests.browser.waits import settled, until


def open_editor(start_app):
    duo = start_app("/what-if")
    duo.wait_for_element(f"#{ids.WI_COUNTIES} path.leaflet-interactive, "
                         f"#{ids.WI_MAP} path.leaflet-interactive")
    settled(duo)  # a click while the start-up callbacks answer can be overwritten by them
    return duo


def choose(duo, dropdown_id: str, text: str) -> str:
    """Open a dropdown, type to filter its options, take the first containing
    ``text`` and wait until the dropdown shows it chosen; returns its label."""
    return pick(duo, dropdown_id, text, search=True)


def set_slider(duo, slider_id: str, value) -> None:
    """Type a value into a dcc.Slider's number box and commit it (the box
    commits on blur, so Tab out of it), then wait until the slider's handle
    stands at it: the value the next click sends."""
    box = duo.find_element(f"#{slider_id} input.dash-range-slider-input")
    duo.driver.execute_script(CENTER, box)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(str(value), Keys.TAB)
    handle = f"#{slider_id} [role='slider']"
    until(duo, lambda _d: float(duo.find_element(handle).get_attribute("aria-valuenow"))
          == float(value), f"the slider #{slider_id} never stood at {value}")


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



def type_number(duo, input_id: str, value) -> None:
    """Replace a number box's value and wait until the box holds it (the value the
    next click sends)."""
    box = duo.find_element(f"#{input_id}")
    duo.driver.execute_script(CENTER, box)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(str(value))
    until(duo, lambda _d: duo.find_element(f"#{input_id}").get_attribute("value")
          == str(value), f"#{input_id} never held {value}")
