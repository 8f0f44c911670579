"""The import page's mapping step in a real browser: a flat order-line export
(ZIP codes, MM/DD/YYYY dates, every day 12 or less so the order cannot be
told) dropped on the page shows its columns and asks for the date order;
the leader answers it in the grid (checked again by a background job, its
step on a progress bar), sees the first rows as stored, imports
(a background job: its step and share on a progress bar), and the orders
land in the database rolled up one per order."""

from __future__ import annotations

import csv
import io

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from dashboard.storage import store
from layouts import ids
from tests.browser.waits import settled, until
from tests.integration.test_import_mapping_http import HeldBuild

#: (city, state, ZIP) of the customers: real US ZIP codes in four states
PLACES = [("Seattle", "WA", "98101"), ("Denver", "CO", "80202"), ("Austin", "TX", "78701"),
          ("Boston", "MA", "02108")]


def orders_export(customers: int = 4, per_customer: int = 2) -> str:
    """Two lines per order; every order date has a day of 12 or less."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Order ID", "Order Date", "Ship Date", "Customer ID", "Customer Name",
                     "Segment", "City", "State", "Postal Code", "Region", "Sales"])
    number = 0
    for customer in range(customers):
        city, state, zip_code = PLACES[customer % len(PLACES)]
        for _order in range(per_customer):
            number += 1
            month, day = 1 + number % 12, 1 + (number * 5) % 12
            for line in range(2):
                writer.writerow([f"US-2025-{1000 + number}", f"{month:02d}/{day:02d}/2025", "",
                                 f"CU-{customer + 1:03d}", f"Customer {customer + 1}",
                                 "Corporate", city, state, zip_code, "West",
                                 f"{100 + number + line * 0.5:.2f}"])
    return out.getvalue()


def _cell(duo, row: int, column: str):
    """The columns grid's cell, once the grid has drawn it."""
    selector = f"#{ids.IMPORT_MAP_COLUMNS} .ag-row[row-index='{row}'] [col-id='{column}']"
    return until(duo, lambda d: d.find_element(By.CSS_SELECTOR, selector),
                 f"the columns grid never drew {column} of row {row}")


def test_an_orders_export_is_mapped_and_imported_through_the_page(start_app, demo_app,
                                                                   tmp_path, monkeypatch):
    export = tmp_path / "Superstore orders.csv"
    export.write_text(orders_export())
    duo = start_app("/import")
    duo.wait_for_element(f"#{ids.IMPORT_UPLOAD} input[type=file]").send_keys(str(export))

    # recognised as order lines; Order Date asked for, Import disabled
    duo.wait_for_contains_text(f"#{ids.IMPORT_MAP_FILES}", "order lines")
    duo.wait_for_contains_text(f"#{ids.IMPORT_MAP_PROBLEMS}",
                               "every date in Order Date reads both as month/day and as day/month")
    assert duo.find_element(f"#{ids.IMPORT_MAP_CONFIRM}").get_attribute("disabled")
    assert _cell(duo, 1, "field").text == "close_on"
    # the demo data has its as-of date: no empty "Data as of" picker to puzzle over
    assert not duo.find_element(f"#{ids.IMPORT_MAP_AS_OF}").is_displayed()
    settled(duo)

    # answer it: MM/DD/YYYY picked with the keyboard in the grid's list, then
    # leave the cell (the editor is opened through the grid's own API: the
    # cell sits at the window's right edge, where a click can land on Dash's
    # dev-tools badge)
    _cell(duo, 1, "order")
    duo.driver.execute_script(
        "dash_ag_grid.getApi(arguments[0]).startEditingCell({rowIndex: 1, colKey: 'order'})",
        ids.IMPORT_MAP_COLUMNS)
    until(duo, lambda d: d.find_elements(By.CSS_SELECTOR, ".ag-cell-inline-editing"),
          "the date order cell never opened its editor")

    def active_choice(driver):
        ActionChains(driver).send_keys(Keys.ARROW_DOWN).perform()
        active = driver.find_elements(By.CSS_SELECTOR, ".ag-select-list-item.ag-active-item")
        return active and active[0].text == "MM/DD/YYYY"

    until(duo, active_choice, "the list of date orders never reached MM/DD/YYYY")
    checking = HeldBuild(monkeypatch, tmp_path / "checked")  # the re-check waits too
    ActionChains(duo.driver).send_keys(Keys.ENTER).send_keys(Keys.TAB).perform()

    # the edit is checked again by the step's job: building at 12 / 60 = 20% of a check
    duo.wait_for_contains_text(f"#{ids.IMPORT_MAP_STEP}", "Building the tables…")
    until(duo, lambda d: d.find_element(By.CSS_SELECTOR, f"#{ids.IMPORT_MAP_PROGRESS} "
                                        ".progress-bar").text == "20%",
          "the re-check's bar never showed 20%")
    assert duo.find_element(f"#{ids.IMPORT_MAP_CONFIRM}").get_attribute("disabled")
    checking.release()
    duo.wait_for_contains_text(f"#{ids.IMPORT_MAP_PROBLEMS}", "Ready to import")
    # the first rows as stored: 02/06/2025 is 6 February, two lines summed
    duo.wait_for_contains_text(f"#{ids.IMPORT_MAP_PREVIEW}", "2025-02-06")
    assert "202.5" in duo.find_element(f"#{ids.IMPORT_MAP_PREVIEW}").text  # 101.00 + 101.50
    until(duo, lambda d: not d.find_element(By.ID, ids.IMPORT_MAP_CONFIRM)
          .get_attribute("disabled"), "Import never became enabled")

    button = duo.find_element(f"#{ids.IMPORT_MAP_CONFIRM}")
    # Bootstrap scrolls smoothly: a click while the page glides would miss
    duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button)
    held = HeldBuild(monkeypatch, tmp_path / "go")  # the job waits at its building step
    button.click()

    # the import runs as a job: its step and share on the bar, Import disabled meanwhile
    duo.wait_for_contains_text(f"#{ids.IMPORT_MAP_STEP}", "Building the tables…")
    bar = duo.find_element(f"#{ids.IMPORT_MAP_PROGRESS} .progress-bar")
    until(duo, lambda d: bar.text == "12%", "the bar never showed 12%")
    assert duo.find_element(f"#{ids.IMPORT_MAP_RUNNING}").is_displayed()
    assert button.get_attribute("disabled")
    held.release()
    duo.wait_for_contains_text(f"#{ids.IMPORT_MAP_RESULT}", "Imported")
    assert "8 opportunities" in duo.find_element(f"#{ids.IMPORT_MAP_RESULT}").text
    until(duo, lambda d: not d.find_element(By.ID, ids.IMPORT_MAP_RUNNING).is_displayed(),
          "the progress bar stayed after the import")

    engine = demo_app.server.extensions["territory_service"].engine
    deals = store.read_dataset(engine).opportunities.set_index("opportunity_id")
    assert deals.loc["US-2025-1001", "amount"] == 202.5
    assert str(deals.loc["US-2025-1001", "close_on"].date()) == "2025-02-06"
    assert (deals.loc[[f"US-2025-{1000 + n}" for n in range(1, 9)], "status"] == "won").all()
    assert duo.get_logs() == []
