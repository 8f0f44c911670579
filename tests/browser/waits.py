"""How a browser step waits: for a state the application shows (a text, an
attribute, the URL, the renderer's callback queue), never for a stretch of time.

Every wait ends as soon as its condition holds, so the bound costs nothing on
a quiet machine: it only says when to give up. It is set for a loaded CI box
(two cores shared by two test workers, their Chromiums and the app servers),
where a page that takes a second alone can take twenty. ``conftest.py`` makes
it the default of every ``dash_duo.wait_for_*``, so a test names no timeout.
"""

from __future__ import annotations

from collections.abc import Callable

from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

#: seconds any step may wait for the application before it fails
PATIENCE = 60

#: True once Dash's renderer has built the page and has no callback queued,
#: sent or being applied (dash.testing's own check passes before the store exists)
SETTLED = """
    const store = window.store;
    if (!store) { return false; }
    const state = store.getState();
    if (state.appLifecycle !== 'HYDRATED') { return false; }
    const queues = state.callbacks;
    return ['requested', 'prioritized', 'blocked', 'executing', 'watched', 'executed']
        .every(name => !(queues[name] || []).length);
"""


def until(duo, condition: Callable, what: str, timeout: float = PATIENCE):
    """Wait until ``condition(driver)`` is truthy and return its value. A page
    re-rendering under the step (a stale or vanished element) only means "not
    yet"; on timeout fail saying what never happened."""

    def check(driver):
        try:
            return condition(driver)
        except WebDriverException:
            return False

    try:
        return WebDriverWait(duo.driver, timeout, poll_frequency=0.2).until(check)
    except TimeoutException:
        raise AssertionError(f"{what} (waited {timeout:.0f} s)") from None


def settled(duo) -> None:
    """Wait until no callback is in flight: a control changed while the
    page's start-up callbacks still answer can be overwritten by them."""
    until(duo, lambda d: d.execute_script(SETTLED), "the page's callbacks never all answered")


def wait_for(duo, read, expected, what: str, timeout: float = PATIENCE):
    """Wait until ``read()`` returns ``expected``; fail with the last value read."""
    last = []

    def done(_driver):
        try:
            last[:] = [read()]
        except Exception as error:  # a row re-rendered while read: read again
            last[:] = [error]
            return False
        return last[0] == expected

    try:
        WebDriverWait(duo.driver, timeout, poll_frequency=0.2).until(done)
    except TimeoutException:
        raise AssertionError(f"{what}: expected {expected!r}, shown {last[0]!r}" if last
                             else f"{what}: never read") from None
    return last[0]
