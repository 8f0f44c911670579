"""The attainment view in headless Chromium: it renders the KPI core's figures
and follows the period; a click on a row opens the drill-down."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from dashboard import formatting
from dashboard.kpi_table import kpi_table
from dashboard.overview import scope_for, total_kpis
from dashboard.selection import resolve_period
from layouts import ids

pytestmark = pytest.mark.browser

#: instant: Bootstrap's smooth scrolling would still be moving when the click lands
CENTER = "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});"


def figures(app, period="qtd"):
    """(territory kpi_table, company row) the view must show."""
    service = app.server.extensions["territory_service"]
    frames, as_of = service.frames(), service.as_of()
    scope = scope_for(frames, "all", "all")
    p = resolve_period(period, as_of)
    return kpi_table(frames, p, as_of, "territory"), total_kpis(frames, scope, p, as_of)


def strip_text(duo) -> str:
    return duo.find_element(f"#{ids.ATTAINMENT_CONTENT} .kpi-strip").text


def test_view_renders_and_follows_the_period(start_app, demo_app):
    duo = start_app("/attainment")
    table, totals = figures(demo_app)
    content = f"#{ids.ATTAINMENT_CONTENT}"
    duo.wait_for_contains_text(content, formatting.money(totals["bookings"]), timeout=20)
    assert formatting.percent(totals["pace"]) in strip_text(duo)
    duo.wait_for_element(f"#{ids.ATTAINMENT_RANKING} .bars path", timeout=20)
    best = table.sort_values("attainment", ascending=False).iloc[0]
    duo.wait_for_contains_text(f"#{ids.ATTAINMENT_GRID}", best["name"], timeout=20)

    duo.select_dcc_dropdown(f"#{ids.PERIOD}", value="2025Q4")
    table, totals = figures(demo_app, "2025Q4")
    duo.wait_for_contains_text(content, f"{formatting.money(totals['bookings'])} of "
                                        f"{formatting.money(totals['quota'])}", timeout=20)
    assert formatting.percent(totals["attainment"]) in strip_text(duo)
    assert "period=2025Q4" in duo.driver.current_url
    best = table.sort_values("attainment", ascending=False).iloc[0]
    first_row = duo.find_element(f"#{ids.ATTAINMENT_GRID} .ag-center-cols-container .ag-row")
    duo.wait_for_contains_text(f"#{ids.ATTAINMENT_GRID}", best["name"], timeout=10)
    assert formatting.percent(best["attainment"]) in first_row.text
    assert duo.get_logs() == []


def test_clicking_a_row_opens_the_drilldown(start_app, demo_app):
    duo = start_app("/attainment")
    table, _ = figures(demo_app)
    best = table.sort_values("attainment", ascending=False).iloc[0]
    row = f"#{ids.ATTAINMENT_GRID} .ag-pinned-left-cols-container .ag-row[row-id='{best['id']}']"
    duo.wait_for_element(f"{row} .ag-cell", timeout=20)
    # the page body is rebuilt once more when the controls settle; then scroll to the row
    duo.wait_for_element(f"#{ids.ATTAINMENT_RANKING} .bars path", timeout=20)
    cell = duo.find_element(f"{row} .ag-cell")
    # a script click: the grid sits below the fold and Selenium's own scroll misses it
    duo.driver.execute_script(CENTER + " "
                              "arguments[0].click();", cell)
    duo.wait_for_contains_text(f"#{ids.DRILLDOWN}", best["name"], timeout=20)
    assert duo.driver.find_element(By.ID, ids.DRILLDOWN).is_displayed()
    assert duo.get_logs() == []
