"""Steps the what-if browser tests share: open the editor, pick from a dropdown."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from layouts import ids


def open_editor(start_app):
    duo = start_app("/what-if")
    duo.wait_for_element(f"#{ids.WI_COUNTIES} path.leaflet-interactive, "
                         f"#{ids.WI_MAP} path.leaflet-interactive", timeout=30)
    return duo


def choose(duo, dropdown_id: str, text: str):
    """Open a dropdown, type to filter its options, click the first match."""
    duo.find_element(f"#{dropdown_id}").click()
    duo.wait_for_element(".dash-dropdown-options", timeout=10)
    duo.driver.switch_to.active_element.send_keys(text)
    duo.wait_for_contains_text(".dash-dropdown-options", text, timeout=10)
    option = next(o for o in duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
                  if text in o.text)
    option.click()
    duo.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
