"""Each role signs in through the form and sees its own navigation and data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By

from dashboard.i18n import formatting
from dashboard.metrics.kpi_table import kpi_table
from dashboard.views.selection import resolve_period
from layouts import ids

pytestmark = pytest.mark.browser


def nav_labels(duo) -> list[str]:
    duo.wait_for_element(f"#{ids.NAV} .nav-link")
    return [a.text for a in duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.NAV} .nav-link")]


def test_signing_in_is_required_and_a_wrong_password_says_so(dash_duo, demo_app):
    from tests.browser.signin_steps import serve

    serve(dash_duo, demo_app)
    dash_duo.driver.get(dash_duo.server_url + "/attainment")
    dash_duo.wait_for_element("#login-form")  # sent to the form
    dash_duo.find_element("#username").send_keys("leader")
    dash_duo.find_element("#password").send_keys("not-the-password")
    dash_duo.find_element("#login-submit").click()
    dash_duo.wait_for_contains_text("#login-error", "Wrong username or password")


def test_a_leader_sees_every_view(start_app):
    duo = start_app("/", user="leader")
    assert nav_labels(duo) == ["Map", "Attainment", "Pipeline", "Underperformers", "What-if",
                               "My scorecard", "Import"]
    assert duo.find_element(f"#{ids.USER_ROLE}").text.lower() == "leader"
    duo.wait_for_element(f"#{ids.OVERVIEW_RANKING} .ag-row[row-id='T46']")
    assert duo.get_logs() == []


def test_a_manager_sees_their_region_only(start_app, demo_app):
    duo = start_app("/", user="manager-west")
    assert "Import" not in nav_labels(duo)
    territories = demo_app.server.extensions["territory_service"].frames().territories
    west = set(territories.index[territories["region"] == "West"])
    duo.wait_for_element(f"#{ids.OVERVIEW_RANKING} .ag-row")
    shown = {row.get_attribute("row-id") for row in duo.driver.find_elements(
        By.CSS_SELECTOR, f"#{ids.OVERVIEW_RANKING} .ag-center-cols-container .ag-row")}
    assert shown and shown <= west
    assert duo.find_element(f"#{ids.REGION}").text.startswith("West")
    assert duo.get_logs() == []


def test_a_rep_lands_on_their_scorecard_with_the_core_figures(start_app, demo_app):
    duo = start_app("/", user="r046")
    assert nav_labels(duo) == ["My scorecard"]
    service = demo_app.server.extensions["territory_service"]
    frames = service.frames()
    as_of = service.as_of()
    row = kpi_table(frames, resolve_period("qtd", as_of), as_of, "rep").set_index("id").loc["R046"]
    name = frames.reps.set_index("rep_id").loc["R046", "rep_name"]  # drawn by the demo
    duo.wait_for_contains_text(f"#{ids.SCORECARD_CONTENT}", name)
    text = duo.find_element(f"#{ids.SCORECARD_CONTENT}").text
    assert formatting.percent(row["attainment"]) in text
    assert formatting.money(row["open_pipeline"]) in text
    assert "peers" in duo.find_element(f"#{ids.SCORECARD_STANDING}").text
    # the region and segment filters are not offered to a rep
    assert not duo.find_element(f"#{ids.REGION}").is_displayed()
    # typing another view's address shows no data
    duo.driver.get(f"{duo.server_url}/attainment")
    duo.wait_for_contains_text(f"#{ids.PAGE}", "Not available")
    assert duo.get_logs() == []


@pytest.fixture
def hostile_names_app(demo_settings):
    """The demo with markup in a territory's and a rep's name."""
    from app import create_app
    from dashboard.storage import snapshot
    from dashboard.storage.db import make_engine

    engine = make_engine(demo_settings.resolved_database_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE territories SET territory_name = :n "
                             "WHERE territory_id = 'T46'"),
                     {"n": '<img src=x onerror="window.__xss=1">Evil & Co'})
        conn.execute(sa.text("UPDATE reps SET rep_name = :n WHERE rep_id = 'R046'"),
                     {"n": "<script>window.__xss=2</script>Derek"})
    engine.dispose()
    # the edit bypasses the data version, so the copied frames snapshot would
    # still hold the old names: drop it and let the app read the database
    shutil.rmtree(Path(demo_settings.instance_path) / snapshot.FOLDER, ignore_errors=True)
    return create_app(demo_settings)


def test_names_with_markup_show_as_text(dash_duo, hostile_names_app):
    from tests.browser.signin_steps import serve, sign_in

    serve(dash_duo, hostile_names_app)
    sign_in(dash_duo, "leader", "/")
    dash_duo.wait_for_element(f"#{ids.OVERVIEW_RANKING} .ag-row[row-id='T46']")
    dash_duo.find_element(f"#{ids.OVERVIEW_RANKING} .ag-row[row-id='T46'] [col-id='name']").click()
    dash_duo.wait_for_contains_text(f"#{ids.DRILLDOWN} .offcanvas-title",
                                    '<img src=x onerror="window.__xss=1">Evil & Co')
    sign_in(dash_duo, "r046", "/scorecard")
    dash_duo.wait_for_contains_text(f"#{ids.SCORECARD_CONTENT}",
                                    "<script>window.__xss=2</script>Derek")
    assert dash_duo.driver.execute_script("return window.__xss === undefined")
