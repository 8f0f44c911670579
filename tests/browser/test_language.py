"""Switching the language in headless Chromium: the labels and the numbers
change, and the choice is remembered after a reload and a new sign-in."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from dashboard.i18n import formatting, translation
from dashboard.metrics.kpi_table import kpi_table
from dashboard.views.selection import resolve_period
from layouts import ids
from tests.browser.signin_steps import sign_in
from tests.browser.view_steps import shown
from tests.browser.waits import until

pytestmark = pytest.mark.browser


def company_bookings(app) -> float:
    service = app.server.extensions["territory_service"]
    as_of = service.as_of()
    table = kpi_table(service.frames(), resolve_period("qtd", as_of), as_of, "company")
    return float(table.iloc[0]["bookings"])


def strip_shows(duo, expected: str) -> None:
    until(duo, lambda _d: shown(expected) in shown(duo.find_element(f"#{ids.KPI_STRIP}").text),
          f"{expected!r} never in the KPI strip")


def nav_texts(duo) -> list[str]:
    return [a.text for a in duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.NAV} a")]


def test_switching_to_french_translates_labels_and_numbers_and_is_remembered(
        start_app, demo_app):
    duo = start_app("/")
    duo.wait_for_element(f"#{ids.KPI_STRIP} .kpi-card")
    assert "Map" in nav_texts(duo)
    bookings = company_bookings(demo_app)
    with translation.use("en"):
        strip_shows(duo, formatting.money(bookings))

    duo.find_element(f"#{ids.LANGUAGE_BUTTONS['fr']}").click()
    duo.wait_for_text_to_equal(f"#{ids.NAV} a.nav-link.active", "Carte")
    assert {"Carte", "Atteinte", "Pipeline", "Sous-performants", "Simulation"} <= set(
        nav_texts(duo))
    with translation.use("fr"):
        french_money = formatting.money(bookings)
    strip_shows(duo, french_money)
    assert "$US" in french_money  # the currency stays the setting's, written the French way
    strip = duo.find_element(f"#{ids.KPI_STRIP}").text
    assert "Bookings" not in strip
    assert duo.find_element(f"#{ids.PAGE}").find_element(By.XPATH, "./ancestor::*[@lang][1]") \
        .get_attribute("lang") == "fr"

    duo.driver.refresh()
    duo.wait_for_text_to_equal(f"#{ids.NAV} a.nav-link.active", "Carte")
    assert duo.driver.find_element(By.CSS_SELECTOR, "html").get_attribute("lang") == "fr"

    # plotly's own words follow too: the chart's PNG button
    duo.driver.get(f"{duo.server_url}/attainment")
    duo.wait_for_element(".modebar-btn[data-title]")
    titles = {b.get_attribute("data-title")
              for b in duo.driver.find_elements(By.CSS_SELECTOR, ".modebar-btn[data-title]")}
    assert titles == {"Télécharger le graphique en PNG"}

    duo.driver.delete_all_cookies()  # a new session: the choice is saved on the user
    sign_in(duo, "leader", "/attainment")
    duo.wait_for_text_to_equal(f"#{ids.NAV} a.nav-link.active", "Atteinte")
    assert duo.get_logs() == []


def test_the_sign_in_form_switches_language_before_signing_in(dash_duo, demo_app):
    from tests.browser.signin_steps import serve

    serve(dash_duo, demo_app)
    dash_duo.driver.get(f"{dash_duo.server_url}/login")
    dash_duo.wait_for_element("#language-fr").click()
    dash_duo.wait_for_text_to_equal("label[for=password]", "Mot de passe")
    assert dash_duo.driver.find_element(By.CSS_SELECTOR, "html").get_attribute("lang") == "fr"
