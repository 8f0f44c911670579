"""Steps shared by the view tests: the KPI core's figures for a selection,
choosing a period or region in the controls bar, and reading KPI cards.

The expected figures are computed here from ``dashboard`` alone (never from a
callback), so a view that shows anything else than the core's numbers fails.
"""

from __future__ import annotations

from dash.testing.wait import until
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.kpi_expect import Core, core

__all__ = ["Core", "choose", "core", "settled", "shown", "wait_for", "wait_for_cards"]


def shown(text: str) -> str:
    """Text as the page reads it: no-break spaces come back as plain spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def settled(duo, timeout: float = 40) -> None:
    """Wait until no callback is in flight: a control changed while the
    page's start-up callbacks still answer can be overwritten by them."""
    until(duo._wait_for_callbacks, timeout=timeout, poll=0.3)


def choose(duo, control_id: str, label: str, query: str) -> None:
    """Pick ``label`` in a controls-bar dropdown, as a user does, and wait for
    the URL to carry ``query`` (e.g. "period=2025Q4"): the selection took."""
    duo.wait_for_element(f"#{control_id}", timeout=20)  # the page is drawn
    settled(duo)
    # the controls bar is at the top: a page scrolled down (to a grid row, say)
    # leaves the dropdown above the window, where a click cannot reach it
    duo.driver.execute_script("window.scrollTo({top: 0, behavior: 'instant'});")
    open_menu(duo, control_id)
    options = duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-options "
                                                        ".dash-dropdown-option")
    next(o for o in options if o.text == label).click()
    WebDriverWait(duo.driver, 10).until(
        lambda d: query in d.current_url,
        f"choosing {label!r} in #{control_id} did not put {query!r} in the URL")


def open_menu(duo, control_id: str, tries: int = 3) -> None:
    """Click the dropdown until its menu shows: under load a first click can
    land while a closing panel still holds the focus, and opens nothing."""
    for _ in range(tries):
        duo.find_element(f"#{control_id}").click()
        try:
            WebDriverWait(duo.driver, 3, poll_frequency=0.2).until(
                lambda d: d.find_elements(By.CSS_SELECTOR, ".dash-dropdown-options"))
            return
        except TimeoutException:
            continue
    raise AssertionError(f"the menu of #{control_id} never opened")


READ_CARDS = """
    return Array.from(document.querySelectorAll(arguments[0] + ' .kpi-card')).map(c => [
        (c.querySelector('.kpi-label') || {}).textContent || '',
        (c.querySelector('.kpi-value') || {}).textContent || '',
        (c.querySelector('.kpi-sub') || {}).textContent || '']);
"""


def cards(duo, container: str) -> dict[str, tuple[str, str]]:
    """Label -> (value, note) of every KPI card under ``container`` (read in
    one script, so a re-render between cards cannot mix two states)."""
    rows = duo.driver.execute_script(READ_CARDS, container)
    return {shown(label): (shown(value), shown(sub)) for label, value, sub in rows}


def wait_for_cards(duo, container: str, expected: dict[str, str], timeout: float = 20) -> dict:
    """Wait until each named card's value is exactly ``expected[label]``;
    on timeout fail with what the page showed instead. Returns the cards."""
    expected = {label: shown(value) for label, value in expected.items()}

    def matches(_driver):
        found = cards(duo, container)
        return found if all(found.get(k, ("",))[0] == v for k, v in expected.items()) else False

    try:
        return WebDriverWait(duo.driver, timeout, poll_frequency=0.2).until(matches)
    except TimeoutException:
        found = {k: v[0] for k, v in cards(duo, container).items()}
        raise AssertionError(
            f"cards under {container}: expected {expected}, shown {found}") from None


def wait_for(duo, read, expected, what: str, timeout: float = 20):
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


READ_GRID_ROWS = """
    const rows = {};
    document.querySelectorAll(arguments[0] + ' .ag-row[row-index]').forEach(r => {
        const i = Number(r.getAttribute('row-index'));
        const cells = rows[i] = rows[i] || {id: r.getAttribute('row-id')};
        r.querySelectorAll('.ag-cell[col-id]').forEach(c => {
            cells[c.getAttribute('col-id')] = c.textContent; });
    });
    return Object.keys(rows).map(Number).sort((a, b) => a - b).map(i => rows[i]);
"""


def grid_rows(duo, grid_id: str, first: int | None = None) -> list[dict[str, str]]:
    """The rows an AG Grid shows, in display order, as {col-id: text, "id": row id};
    pinned and centre parts of a row are joined by their row index."""
    rows = duo.driver.execute_script(READ_GRID_ROWS, f"#{grid_id}")
    rows = [{k: shown(v) if isinstance(v, str) else v for k, v in r.items()} for r in rows]
    return rows if first is None else rows[:first]
