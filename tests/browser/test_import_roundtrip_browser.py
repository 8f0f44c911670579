"""Issue 16's round trip in a real browser: the demo sample's Salesforce
Accounts and Opportunities reports (``tests/crm_exports.py``), with the plan's
native files, dropped on the import page of an empty app, go through the
mapping step as recognised (nothing to answer), import, and give the same
``kpis`` table as the native import of the same data (the HTTP and CLI round
trips of every format are in ``tests/integration/test_import_roundtrip.py``)."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from dashboard.access import users
from dashboard.storage.schema import TABLES
from layouts import ids
from tests import crm_exports
from tests.browser.signin_steps import serve, sign_in
from tests.browser.waits import settled, until
from tests.integration import test_import_roundtrip as roundtrip

# the round trip's sample of the demo and its native KPI tables
demo_tables, native_kpis = roundtrip.demo_tables, roundtrip.native_kpis


def test_a_salesforce_pair_through_the_mapping_page_gives_the_native_kpis(
        dash_duo, empty_settings, demo_tables, native_kpis, tmp_path):
    from app import create_app

    app = create_app(empty_settings)
    engine = app.server.extensions["territory_service"].engine
    users.add_user(engine, "boss", "boss-pass-123", "leader")
    files = crm_exports.salesforce(demo_tables["accounts"], demo_tables["opportunities"],
                                   demo_tables["zips"], demo_tables["states"])
    for name in roundtrip.PLAN:
        files[TABLES[name].file_name] = demo_tables[name].to_csv(index=False)
    paths = []
    for name, text in files.items():
        (tmp_path / name).write_text(text)
        paths.append(str(tmp_path / name))

    serve(dash_duo, app)
    sign_in(dash_duo, "boss", "/import", "boss-pass-123")
    dash_duo.wait_for_element(f"#{ids.IMPORT_UPLOAD} input[type=file]").send_keys(
        "\n".join(paths))
    # both reports recognised, every column mapped, nothing to answer
    dash_duo.wait_for_contains_text(f"#{ids.IMPORT_MAP_PROBLEMS}", "Ready to import")
    files_grid = dash_duo.find_element(f"#{ids.IMPORT_MAP_FILES}").text
    assert "Accounts report.csv" in files_grid and "Opportunities report.csv" in files_grid
    settled(dash_duo)
    button = dash_duo.find_element(f"#{ids.IMPORT_MAP_CONFIRM}")
    until(dash_duo, lambda d: not d.find_element(By.ID, ids.IMPORT_MAP_CONFIRM)
          .get_attribute("disabled"), "Import never became enabled")
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button)
    button.click()
    dash_duo.wait_for_contains_text(f"#{ids.IMPORT_MAP_RESULT}", "Imported")

    frames = app.server.extensions["territory_service"].frames()
    roundtrip.assert_same_kpis(roundtrip.kpis_of(frames), native_kpis["full"])
    assert dash_duo.get_logs() == []
