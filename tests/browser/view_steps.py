"""Steps shared by the view tests: the KPI core's figures for a selection,
choosing a period or region in the controls bar, and reading KPI cards and grids.

The expected figures are computed here from ``dashboard`` alone (never from a
callback), so a view that shows anything else than the core's numbers fails.
Every wait is for what the page shows (``tests.browser.waits``).
"""

from __future__ import annotations

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.dropdown_steps import pick
from tests.browser.waits import PATIENCE, until
from tests.kpi_expect import Core, core

__all__ = ["Core", "choose", "core", "grid_rows", "shown", "wait_for_cards"]


def shown(text: str) -> str:
    """Text as the page reads it: no-break spaces come back as plain spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def choose(duo, control_id: str, label: str, query: str) -> None:
    """Pick ``label`` in a controls-bar dropdown, as a user does, and wait for
    the URL to carry ``query`` (e.g. "period=2025Q4"): the selection took."""
    # the controls bar is at the top: a page scrolled down (to a grid row, say)
    # leaves the dropdown above the window, where a click cannot reach it
    duo.driver.execute_script("window.scrollTo({top: 0, behavior: 'instant'});")
    pick(duo, control_id, label)
    until(duo, lambda d: query in d.current_url,
          f"choosing {label!r} in #{control_id} did not put {query!r} in the URL")


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


def wait_for_cards(duo, container: str, expected: dict[str, str]) -> dict:
    """Wait until each named card's value is exactly ``expected[label]``;
    on timeout fail with what the page showed instead. Returns the cards
    of the read that matched (values and notes of one state)."""
    expected = {label: shown(value) for label, value in expected.items()}

    def matches(_driver):
        found = cards(duo, container)
        return found if all(found.get(k, ("",))[0] == v for k, v in expected.items()) else False

    try:
        return WebDriverWait(duo.driver, PATIENCE, poll_frequency=0.2).until(matches)
    except TimeoutException:
        found = {k: v[0] for k, v in cards(duo, container).items()}
        raise AssertionError(
            f"cards under {container}: expected {expected}, shown {found}") from None


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
