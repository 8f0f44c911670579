"""The first page in headless Chromium: what a sales leader sees."""

from __future__ import annotations

from datetime import date

import pytest
from selenium.webdriver.common.by import By

from dashboard.i18n import formatting
from layouts import ids
from tests.browser.view_steps import choose, core, grid_rows, wait_for_cards
from tests.browser.waits import wait_for

pytestmark = pytest.mark.browser


def company_figures(app, region="all", period="qtd"):
    return core(app, period, region).totals


def strip_figures(totals) -> dict[str, str]:
    """The map's KPI strip as the core's company row formats it (card -> value)."""
    money, percent = formatting.money, formatting.percent
    return {"Bookings": money(totals["bookings"]), "Quota": money(totals["quota"]),
            "Attainment": percent(totals["attainment"]), "Pace": percent(totals["pace"]),
            "Open pipeline": money(totals["open_pipeline"]),
            "Coverage": formatting.multiple(totals["coverage"]),
            "Win rate": percent(totals["win_rate"]),
            "Penetration": percent(totals["penetration"]),
            "Growth": formatting.signed_percent(totals["revenue_growth"])}


def strip_text(duo) -> str:
    return duo.find_element(f"#{ids.KPI_STRIP}").text


def test_map_and_kpi_strip_show_the_core_figures(start_app, demo_app):
    duo = start_app()
    duo.wait_for_element(".leaflet-interactive")
    totals = company_figures(demo_app)
    duo.wait_for_contains_text(f"#{ids.KPI_STRIP}", formatting.money(totals["bookings"]))
    assert formatting.percent(totals["attainment"]) in strip_text(duo)
    shapes = duo.driver.find_elements(By.CSS_SELECTOR, ".leaflet-overlay-pane path")
    assert len(shapes) >= 50  # every territory is drawn, with no tiles (offline)
    assert duo.get_logs() == []


def test_changing_the_region_changes_the_figures_and_the_url(start_app, demo_app):
    duo = start_app()
    duo.wait_for_element(".leaflet-interactive")
    choose(duo, ids.REGION, "West", "region=West")
    west = company_figures(demo_app, region="West")
    duo.wait_for_contains_text(f"#{ids.KPI_STRIP}", formatting.money(west["bookings"]))
    assert "region=West" in duo.driver.current_url
    assert duo.get_logs() == []


def ranking_value(row: dict) -> str:
    """The text of a ranking row's KPI cell (the column that is neither id nor name)."""
    (value,) = [text for column, text in row.items() if column not in ("id", "name")]
    return value


def test_changing_the_period_changes_the_strip_and_the_ranking(start_app, demo_app):
    duo = start_app()
    duo.wait_for_element(".leaflet-interactive")
    strip = f"#{ids.KPI_STRIP}"
    now, then = core(demo_app), core(demo_app, period="2025Q4")
    assert strip_figures(now.totals) != strip_figures(then.totals)  # a change to see
    wait_for_cards(duo, strip, strip_figures(now.totals))

    choose(duo, ids.PERIOD, "2025Q4", "period=2025Q4")
    shown = wait_for_cards(duo, strip, strip_figures(then.totals))
    assert shown["Bookings"][1] == then.period.label
    # the ranking lists the weakest attainment first, every territory once
    weakest = then.table["attainment"].min()
    first = wait_for(duo, lambda: ranking_value(grid_rows(duo, ids.OVERVIEW_RANKING, 1)[0]),
                     formatting.percent(weakest), "first ranking row after 2025Q4")
    assert first != formatting.percent(now.table["attainment"].min())
    row = grid_rows(duo, ids.OVERVIEW_RANKING, 1)[0]
    assert row["id"] in set(then.table.loc[then.table["attainment"] == weakest, "id"])
    assert row["name"] == then.table.set_index("id").at[row["id"], "name"]
    assert duo.get_logs() == []


def test_a_link_reopens_the_same_selection(start_app, demo_app):
    duo = start_app()
    duo.driver.get(f"{duo.server_url}/?period=2025Q4&region=South")
    south = company_figures(demo_app, region="South", period="2025Q4")
    duo.wait_for_contains_text(f"#{ids.KPI_STRIP}", formatting.money(south["bookings"]))
    duo.wait_for_contains_text(f"#{ids.REGION}", "South")


def test_recolouring_by_another_kpi_updates_the_legend(start_app):
    duo = start_app()
    duo.wait_for_element(".leaflet-interactive")
    duo.find_element("label[for='_dbcprivate_radioitems_map-kpi-picker_input_coverage']").click()
    duo.wait_for_contains_text(f"#{ids.MAP_LEGEND}", "Pipeline coverage")
    assert duo.get_logs() == []


def test_a_custom_date_range_in_the_link_is_named_and_used(start_app, demo_app):
    duo = start_app()
    period = "2026-07-01..2026-07-31"
    duo.driver.get(f"{duo.server_url}/?period={period}")
    july = company_figures(demo_app, period=period)
    duo.wait_for_contains_text(f"#{ids.KPI_STRIP}", formatting.money(july["bookings"]))
    named = f"{formatting.day(date(2026, 7, 1))} – {formatting.day(date(2026, 7, 31))}"
    duo.wait_for_contains_text(f"#{ids.PERIOD}", named)  # "Jul 1, 2026 – Jul 31, 2026"
    assert duo.get_logs() == []
