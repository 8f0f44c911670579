"""The first-run path in a real browser (issue 16): a leader on an empty
database drops a single orders export on the import page, imports it through
the mapping step, and the map page's checklist leads to a plan: territories
(one per state), reps with their sign-ins (the one-time passwords shown once
work), quotas suggested from last year and approved. It ends on the map
coloured by attainment. The screens and clicks it takes are counted.

``TD_SHOTS=docs`` saves the README's pictures of the path on the way.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from dashboard.access import users
from dashboard.storage import store
from layouts import ids
from tests.browser.signin_steps import serve, sign_in
from tests.browser.view_steps import grid_rows
from tests.browser.waits import settled, until

PASSWORD = "a-long-password-1"
#: (city, state, ZIP) of the customers: two customers in each of four states
PLACES = [("Seattle", "WA", "98101"), ("Denver", "CO", "80202"), ("Austin", "TX", "78701"),
          ("Boston", "MA", "02108")]
REPS = {"WA": ("Avery Stone", "avery@example.com"), "CO": ("Blake Ruiz", "blake@example.com"),
        "TX": ("Casey Wong", "casey@example.com"), "MA": ("Devon Price", "devon@example.com")}


def two_years_of_orders() -> str:
    """Eight customers, one order a quarter each over 2024 and 2025, two lines
    an order; US dates with days past 12, so the order is told from them."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Order ID", "Order Date", "Customer ID", "Customer Name", "Segment",
                     "City", "State", "Postal Code", "Sales"])
    number = 0
    for year in (2024, 2025):
        for quarter in range(4):
            for customer in range(8):
                city, state, zip_code = PLACES[customer % 4]
                number += 1
                month, day = 3 * quarter + 1 + customer % 3, 13 + customer
                for line in range(2):
                    writer.writerow([f"ORD-{number:04d}", f"{month:02d}/{day:02d}/{year}",
                                     f"C{customer + 1:02d}", f"Customer {customer + 1}",
                                     "Corporate", city, state, zip_code,
                                     f"{100 * (customer + 1) + 10 * quarter + line:.2f}"])
    return out.getvalue()


@pytest.fixture
def empty_app(empty_settings):
    from app import create_app

    app = create_app(empty_settings)
    users.add_user(app.server.extensions["territory_service"].engine, "boss", PASSWORD, "leader")
    return app


class Tally:
    """The clicks and screens of the path (a screen: a page as the browser loads it)."""

    def __init__(self, duo):
        self.duo, self.clicks, self.screens, self.shots = duo, 0, 1, os.environ.get("TD_SHOTS")

    def click(self, element) -> None:
        # Bootstrap scrolls smoothly: a click while the page glides would miss
        self.duo.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
        element.click()
        self.clicks += 1

    def shot(self, name: str) -> None:
        if self.shots:
            settled(self.duo)
            self.duo.driver.save_screenshot(str(Path(self.shots) / name))


#: [row index, column] of the grid cell whose editor has the keyboard, else null
EDITING = """
    const cell = document.activeElement && document.activeElement.closest('.ag-cell');
    if (!cell || !cell.classList.contains('ag-cell-inline-editing')) { return null; }
    return [cell.closest('.ag-row').getAttribute('row-index'), cell.getAttribute('col-id')];
"""


def _button(duo, ident: str):
    return duo.wait_for_element(f"#{ident}")


def test_an_orders_file_becomes_a_plan_through_the_first_run_path(dash_duo, empty_app,
                                                                   tmp_path):
    export = tmp_path / "orders.csv"
    export.write_text(two_years_of_orders())
    serve(dash_duo, empty_app)
    duo, tally = dash_duo, Tally(dash_duo)
    duo.driver.set_window_size(1440, 1100)
    sign_in(duo, "boss", "/import", PASSWORD)  # screen 1: the sign-in form
    tally.clicks += 1  # its Sign in button
    tally.screens += 1  # screen 2: the import page

    # the file chosen (one click on the box), recognised as order lines
    duo.wait_for_element(f"#{ids.IMPORT_UPLOAD} input[type=file]").send_keys(str(export))
    tally.clicks += 1
    duo.wait_for_contains_text(f"#{ids.IMPORT_MAP_FILES}", "order lines")
    duo.wait_for_contains_text(f"#{ids.IMPORT_MAP_PROBLEMS}", "Ready to import")
    # the data's date, shown (and changeable) before the import: its last order
    assert duo.find_element(f"#{ids.IMPORT_MAP_AS_OF}").get_attribute("value") == "2025-12-18"
    tally.click(_button(duo, ids.IMPORT_MAP_CONFIRM))
    duo.wait_for_contains_text(f"#{ids.IMPORT_MAP_RESULT}", "Imported")
    assert "64 opportunities" in duo.find_element(f"#{ids.IMPORT_MAP_RESULT}").text

    # on to the map page's checklist, the data as of its last activity
    tally.click(duo.find_element(f"#{ids.FIRST_RUN_NEXT}"))
    tally.screens += 1  # screen 3: the map page's checklist
    duo.wait_for_contains_text(f"#{ids.FIRST_RUN}", "One territory per state with accounts (4)")
    assert duo.find_element(f"#{ids.FIRST_RUN_AS_OF}").get_attribute("value") \
        == "2025-12-18"  # the last order: customer 6, 12/18/2025
    assert duo.find_element(f"#{ids.AS_OF_DATE}").get_attribute("value") == "2025-12-18"
    tally.shot("first-run-territories.png")
    tally.click(_button(duo, ids.FIRST_RUN_TERRITORIES_SAVE))

    # reps: one click in the first name cell, the rest typed (Tab moves on)
    duo.wait_for_element(f"#{ids.FIRST_RUN_REPS} .ag-row[row-index='3']")
    until(duo, lambda d: [r["territory_name"] for r in grid_rows(duo, ids.FIRST_RUN_REPS)]
          == ["Colorado", "Massachusetts", "Texas", "Washington"], "the reps grid never listed "
          "the four states")
    settled(duo)
    tally.click(duo.driver.find_element(
        By.CSS_SELECTOR, f"#{ids.FIRST_RUN_REPS} .ag-row[row-index='0'] [col-id='rep_name']"))
    for row, state in enumerate(("CO", "MA", "TX", "WA")):
        for column, text in zip(("rep_name", "email"), REPS[state], strict=True):
            # each cell's editor open before its keys go (typed ahead, they were lost)
            until(duo, lambda d, row=row, column=column: d.execute_script(EDITING) == [
                str(row), column], f"the editor never moved to {column} of row {row}")
            ActionChains(duo.driver).send_keys(text, Keys.TAB).perform()
    until(duo, lambda d: [r["email"] for r in grid_rows(duo, ids.FIRST_RUN_REPS)]
          == ["blake@example.com", "devon@example.com", "casey@example.com",
              "avery@example.com"], "the e-mails typed never all reached the grid")
    tally.shot("first-run-reps.png")
    tally.click(_button(duo, ids.FIRST_RUN_REPS_SAVE))

    # the one-time passwords, shown once; the quotas suggested from 2024
    duo.wait_for_contains_text(f"#{ids.FIRST_RUN_MESSAGE}", "One-time password")
    shown = {row.find_elements(By.TAG_NAME, "td")[0].text:
             row.find_elements(By.TAG_NAME, "td")[1].text
             for row in duo.find_elements(".fr-passwords tbody tr")}
    assert sorted(shown) == ["r-co", "r-ma", "r-tx", "r-wa"]
    engine = empty_app.server.extensions["territory_service"].engine
    signed = users.authenticate(engine, "r-wa", shown["r-wa"])
    assert signed is not None and (signed.role, signed.scope) == ("rep", "R-WA")
    quotas = until(duo, lambda d: len(grid_rows(duo, ids.FIRST_RUN_QUOTAS)) == 4
                   and grid_rows(duo, ids.FIRST_RUN_QUOTAS), "the quotas grid never filled")
    # Washington (customers 1 and 5): 2024 Q1 lines 100+101 and 500+501 = 1202, × 1.1
    assert quotas[3]["territory_name"] == "Washington"
    assert quotas[3]["2025Q1"] == "1,322.20"
    tally.shot("first-run-quotas.png")
    tally.click(_button(duo, ids.FIRST_RUN_QUOTAS_SAVE))

    # done: the map without the checklist, every territory coloured
    tally.click(duo.wait_for_element(f"#{ids.FIRST_RUN} a.btn"))
    tally.screens += 1  # screen 4: the map
    until(duo, lambda d: len(grid_rows(duo, ids.OVERVIEW_RANKING)) == 4,
          "the map's ranking never listed the four territories")
    assert not duo.driver.find_elements(By.ID, ids.FIRST_RUN)
    tally.shot("first-run-map.png")
    dataset = store.read_dataset(engine)
    assert (len(dataset.territories), len(dataset.reps), len(dataset.quotas)) == (4, 4, 16)
    assert dataset.quotas.set_index(["territory_id", "period"]).at[("WA", "2025Q1"), "amount"] \
        == pytest.approx(1322.2)
    assert duo.get_logs() == []
    # the path's length, as the issue asks it to be told (README "Bring your own data")
    print(f"first-run path: {tally.screens} screens, {tally.clicks} clicks")
    assert (tally.screens, tally.clicks) == (4, 9)
