"""Working a Dash 4 ``dcc.Dropdown`` as a user does, each step waiting for the
state the dropdown itself shows: its trigger's ``aria-expanded``, the options
its own menu lists, the text in its search box, the value it displays.

The menu is a Radix popover drawn inside the dropdown's wrapper, so every
lookup is scoped to one dropdown: a page-wide ``.dash-dropdown-options`` can
be another dropdown's menu that is still closing.
"""

from __future__ import annotations

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.waits import settled, until

#: the dropdown's state in one read (null while it is not drawn)
READ = """
    const trigger = document.getElementById(arguments[0]);
    if (!trigger) { return null; }
    const wrapper = trigger.closest('.dash-dropdown-wrapper');
    const menu = wrapper.querySelector('.dash-dropdown-content');
    const search = menu && menu.querySelector('.dash-dropdown-search');
    const value = wrapper.querySelector('.dash-dropdown-value');
    return {
        open: trigger.getAttribute('aria-expanded') === 'true',
        options: menu ? Array.from(menu.querySelectorAll('.dash-dropdown-options '
                                                         + '.dash-dropdown-option'))
                            .map(o => o.textContent) : [],
        search: search ? search.value : null,
        typing: !!search && document.activeElement === search,
        value: value && !value.classList.contains('dash-dropdown-placeholder')
            ? value.textContent : '',
    };
"""
#: instant: Bootstrap's smooth scrolling would still be moving when the click lands
CENTER = "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});"


def state(duo, dropdown_id: str) -> dict | None:
    return duo.driver.execute_script(READ, dropdown_id)


def _menu(duo, dropdown_id: str):
    return duo.find_element(f"#{dropdown_id} ~ [data-radix-popper-content-wrapper] "
                            ".dash-dropdown-content")


def open_menu(duo, dropdown_id: str) -> None:
    """Click the dropdown, then wait until its own menu lists options.

    Under load a click can be lost (it lands while another menu still holds
    the focus, or on a control being drawn again): the trigger then still
    says closed, and the step presses ArrowDown on it, which opens a menu and
    never closes one, so a click whose effect is merely slow is not undone."""
    clicked = []

    def listed(_driver):
        found = state(duo, dropdown_id)
        if found is None:  # not drawn yet
            return False
        if found["open"]:
            return bool(found["options"])
        trigger = duo.find_element(f"#{dropdown_id}")
        duo.driver.execute_script(CENTER, trigger)
        if clicked:
            trigger.send_keys(Keys.ARROW_DOWN)
        else:
            trigger.click()
            clicked.append(True)
        return False

    until(duo, listed, f"the menu of #{dropdown_id} never listed its options")


def pick(duo, dropdown_id: str, text: str, search: bool = False) -> str:
    """Choose an option of the dropdown as a user does and wait until the
    dropdown shows it chosen; returns the option's text.

    With ``search`` the text is typed into the menu's search box first and the
    first option containing it is taken (long lists draw only the rows in
    view); without, the option whose text is exactly ``text``. The page's
    callbacks are let finish first: one answering after the pick could draw
    the control again and undo it."""
    settled(duo)
    open_menu(duo, dropdown_id)
    if search:
        _search(duo, dropdown_id, text)

    def matches(option: str) -> bool:
        return text in option if search else option == text

    chosen = until(duo, lambda _d: next(
        (o for o in state(duo, dropdown_id)["options"] if matches(o)), None),
        f"no option {text!r} in the menu of #{dropdown_id}")
    clicked = []

    def taken(_driver):
        if chosen in state(duo, dropdown_id)["value"]:
            return True
        if not clicked:  # once: a second click would take a multi-select's option back
            options = _menu(duo, dropdown_id).find_elements(
                By.CSS_SELECTOR, ".dash-dropdown-options .dash-dropdown-option")
            next(o for o in options if o.get_attribute("textContent") == chosen).click()
            clicked.append(True)
        return False

    until(duo, taken, f"#{dropdown_id} never showed {chosen!r} chosen")
    close_menu(duo, dropdown_id)
    return chosen


def _search(duo, dropdown_id: str, text: str) -> None:
    """Type ``text`` into the menu's search box and wait until the box holds
    exactly it. Keys still on their way leave a beginning of the text in a
    focused box; a box that lost the focus, or holds anything else, is typed
    into again."""
    typed_once = []

    def typed(_driver):
        found = state(duo, dropdown_id)
        if found["search"] == text:
            return True
        if typed_once and found["typing"] and text.startswith(found["search"] or ""):
            return False
        box = _menu(duo, dropdown_id).find_element(By.CSS_SELECTOR, ".dash-dropdown-search")
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(text)
        typed_once.append(True)
        return False

    until(duo, typed, f"the search box of #{dropdown_id} never held {text!r}")


def close_menu(duo, dropdown_id: str) -> None:
    """Close the dropdown's menu (a multi-select stays open after a pick) and
    wait until it is closed, so it cannot take the next click."""

    def closed(_driver):
        if not state(duo, dropdown_id)["open"]:
            return not duo.driver.find_elements(
                By.CSS_SELECTOR, f"#{dropdown_id} ~ [data-radix-popper-content-wrapper]")
        ActionChains(duo.driver).send_keys(Keys.ESCAPE).perform()
        return False

    until(duo, closed, f"the menu of #{dropdown_id} never closed")
