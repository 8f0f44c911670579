"""The first page in headless Chromium: what a sales leader sees."""

from __future__ import annotations

from datetime import date

import pytest
from selenium.webdriver.common.by import By

from dashboard import formatting
from dashboard.overview import scope_for, total_kpis
from dashboard.selection import resolve_period
from layouts import ids

pytestmark = pytest.mark.browser


def company_figures(app, region="all", period="qtd"):
    service = app.server.extensions["territory_service"]
    frames = service.frames()
    as_of = service.as_of()
    return total_kpis(frames, scope_for(frames, region, "all"),
                      resolve_period(period, as_of), as_of)


def strip_text(duo) -> str:
    return duo.find_element(f"#{ids.KPI_STRIP}").text


def test_map_and_kpi_strip_show_the_core_figures(start_app, demo_app):
    duo = start_app()
    duo.wait_for_element(".leaflet-interactive", timeout=20)
    totals = company_figures(demo_app)
    duo.wait_for_contains_text(f"#{ids.KPI_STRIP}", formatting.money(totals["bookings"]))
    assert formatting.percent(totals["attainment"]) in strip_text(duo)
    shapes = duo.driver.find_elements(By.CSS_SELECTOR, ".leaflet-overlay-pane path")
    assert len(shapes) >= 50  # every territory is drawn, with no tiles (offline)
    assert duo.get_logs() == []


def test_changing_the_region_changes_the_figures_and_the_url(start_app, demo_app):
    duo = start_app()
    duo.wait_for_element(".leaflet-interactive", timeout=20)
    duo.select_dcc_dropdown(f"#{ids.REGION}", value="West")
    west = company_figures(demo_app, region="West")
    duo.wait_for_contains_text(f"#{ids.KPI_STRIP}", formatting.money(west["bookings"]))
    assert "region=West" in duo.driver.current_url
    assert duo.get_logs() == []


def test_a_link_reopens_the_same_selection(start_app, demo_app):
    duo = start_app()
    duo.wait_for_page(url=f"{duo.server_url}/?period=2025Q4&region=South")
    south = company_figures(demo_app, region="South", period="2025Q4")
    duo.wait_for_contains_text(f"#{ids.KPI_STRIP}", formatting.money(south["bookings"]))
    duo.wait_for_contains_text(f"#{ids.REGION}", "South")


def test_recolouring_by_another_kpi_updates_the_legend(start_app):
    duo = start_app()
    duo.wait_for_element(".leaflet-interactive", timeout=20)
    duo.find_element("label[for='_dbcprivate_radioitems_map-kpi-picker_input_coverage']").click()
    duo.wait_for_contains_text(f"#{ids.MAP_LEGEND}", "Pipeline coverage")
    assert duo.get_logs() == []


def test_a_custom_date_range_in_the_link_is_named_and_used(start_app, demo_app):
    duo = start_app()
    period = "2026-07-01..2026-07-31"
    duo.wait_for_page(url=f"{duo.server_url}/?period={period}")
    july = company_figures(demo_app, period=period)
    duo.wait_for_contains_text(f"#{ids.KPI_STRIP}", formatting.money(july["bookings"]))
    named = f"{formatting.day(date(2026, 7, 1))} – {formatting.day(date(2026, 7, 31))}"
    duo.wait_for_contains_text(f"#{ids.PERIOD}", named)  # "Jul 1, 2026 – Jul 31, 2026"
    assert duo.get_logs() == []
