"""A link reopens the same view: the as-of date, the map's KPI and the open
drill-down survive a reload of the URL, in headless Chromium."""

from __future__ import annotations

from datetime import date

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from dashboard.i18n import formatting
from dashboard.metrics.kpi_table import kpi_table
from dashboard.views.overview import scope_for, total_kpis
from dashboard.views.selection import resolve_period
from layouts import ids
from tests.browser.view_steps import choose, core, wait_for_cards
from tests.browser.waits import settled, until

pytestmark = pytest.mark.browser

PANEL = f"#{ids.DRILLDOWN}"
PICKED = date(2026, 5, 15)  # half-way through 2026Q2; the demo's data is as of 2026-08-14
COVERAGE = "_dbcprivate_radioitems_map-kpi-picker_input_coverage"


def company_bookings(app, as_of: date) -> str:
    """The KPI strip's bookings for "quarter to date" at ``as_of``, from the core."""
    frames = app.server.extensions["territory_service"].frames()
    totals = total_kpis(frames, scope_for(frames, "all", "all"), resolve_period("qtd", as_of),
                        as_of)
    return formatting.money(totals["bookings"])


def url_has(duo, text: str, present: bool = True) -> None:
    verb = "never came into" if present else "stayed in"
    until(duo, lambda d: (text in d.current_url) == present, f"{text!r} {verb} the URL")


def as_of_shown(duo) -> tuple[str, str]:
    """(label, date) the as-of control shows."""
    return (duo.find_element(f"#{ids.AS_OF}").text,
            duo.find_element(f"#{ids.AS_OF_DATE}").get_attribute("value"))


def type_as_of(duo, day: date) -> None:
    """Type a date into the as-of picker as a user can, and leave the field."""
    field = duo.find_element(f"#{ids.AS_OF_DATE}")
    field.click()
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACKSPACE)
    field.send_keys(day.isoformat())
    field.send_keys(Keys.ENTER)
    duo.find_element(f"#{ids.KPI_STRIP}").click()  # closes the calendar


def panel_title(duo) -> str:
    duo.wait_for_contains_text(f"{PANEL} .offcanvas-title", "·")
    return duo.find_element(f"{PANEL} .offcanvas-title").text


def test_as_of_kpi_and_drilldown_survive_a_reload(start_app, demo_app):
    duo = start_app()
    duo.wait_for_element(".leaflet-interactive")
    settled(duo)
    default = demo_app.server.extensions["territory_service"].as_of()
    assert as_of_shown(duo) == ("DATA AS OF", default.isoformat())  # the label is upper-cased
    assert "as_of" not in duo.driver.current_url

    type_as_of(duo, PICKED)
    url_has(duo, f"as_of={PICKED.isoformat()}")
    duo.wait_for_contains_text(f"#{ids.KPI_STRIP}", company_bookings(demo_app, PICKED))
    assert company_bookings(demo_app, PICKED) != company_bookings(demo_app, default)
    duo.wait_for_text_to_equal(f"#{ids.AS_OF}", "AS OF")
    settled(duo)

    duo.find_element(f"label[for='{COVERAGE}']").click()
    url_has(duo, "kpi=coverage")
    duo.wait_for_contains_text(f"#{ids.MAP_LEGEND}", "Pipeline coverage")
    settled(duo)

    first = f"#{ids.OVERVIEW_RANKING} .ag-row[row-index='0'] .ag-cell[col-id='name']"
    duo.wait_for_element(first).click()
    territory = panel_title(duo).rsplit("·", 1)[1].strip()
    url_has(duo, f"territory={territory}")
    settled(duo)

    link = duo.driver.current_url
    duo.driver.get(link)  # what a colleague pasting the link sees
    duo.wait_for_element(".leaflet-interactive")
    assert panel_title(duo).endswith(f"· {territory}")
    duo.wait_for_contains_text(f"#{ids.KPI_STRIP}", company_bookings(demo_app, PICKED))
    duo.wait_for_text_to_equal(f"#{ids.AS_OF}", "AS OF")
    assert as_of_shown(duo) == ("AS OF", PICKED.isoformat())
    assert duo.find_element(f"#{COVERAGE}").is_selected()
    assert "active" in duo.find_element(f"label[for='{COVERAGE}']").get_attribute("class")
    duo.wait_for_contains_text(f"#{ids.MAP_LEGEND}", "Pipeline coverage")
    settled(duo)
    assert duo.driver.current_url == link  # reopening wrote nothing new

    # closing the drill-down takes it out of the link, the rest stays
    duo.find_element(f"{PANEL} .btn-close").click()
    url_has(duo, "territory=", present=False)
    assert f"as_of={PICKED.isoformat()}" in duo.driver.current_url
    assert "kpi=coverage" in duo.driver.current_url
    assert duo.get_logs() == []


def test_a_link_to_an_unknown_territory_opens_no_panel(start_app, demo_app):
    """Nor does a forged as-of break anything: the figures are the data's own."""
    duo = start_app()
    duo.driver.get(f"{duo.server_url}/?territory=T999&as_of=not-a-date")
    duo.wait_for_element(".leaflet-interactive")
    default = demo_app.server.extensions["territory_service"].as_of()
    duo.wait_for_contains_text(f"#{ids.KPI_STRIP}", company_bookings(demo_app, default))
    settled(duo)
    assert not duo.driver.find_elements(By.CSS_SELECTOR, f"{PANEL}.show")
    assert as_of_shown(duo) == ("DATA AS OF", default.isoformat())
    assert duo.get_logs() == []


def test_a_rep_picks_an_as_of_and_a_territory_link_opens_nothing(start_app, demo_app):
    """A rep's page has no drill-down: ``territory=`` in their link is inert
    (no callback runs, none is refused), while the as-of moves their scorecard."""
    duo = start_app("/scorecard", user="r046")
    duo.wait_for_element(f"#{ids.SCORECARD_CONTENT} .kpi-card")
    settled(duo)
    duo.driver.get(f"{duo.server_url}/scorecard?territory=T01&as_of=2026-05-15")
    duo.wait_for_element(f"#{ids.SCORECARD_CONTENT} .kpi-card")
    duo.wait_for_text_to_equal(f"#{ids.AS_OF}", "AS OF")
    settled(duo)
    assert as_of_shown(duo) == ("AS OF", "2026-05-15")
    row = kpi_table(demo_app.server.extensions["territory_service"].frames(),
                    resolve_period("qtd", PICKED), PICKED, "rep").set_index("id").loc["R046"]
    duo.wait_for_contains_text(f"#{ids.SCORECARD_CONTENT}", formatting.money(row["bookings"]))
    assert not duo.driver.find_elements(By.CSS_SELECTOR, PANEL)
    assert duo.get_logs() == []


def test_changing_view_keeps_the_selection(start_app, demo_app):
    """A leader who picked the West and 2025Q4 on the map and opens the
    pipeline sees the West's 2025Q4 pipeline, not the company's quarter."""
    duo = start_app()
    choose(duo, ids.REGION, "West", "region=West")
    choose(duo, ids.PERIOD, "2025Q4", "period=2025Q4")
    duo.find_element(f"#{ids.NAV} a[href^='/pipeline']").click()
    until(duo, lambda d: "/pipeline?" in d.current_url, "the pipeline never opened")
    assert "region=West" in duo.driver.current_url and "period=2025Q4" in duo.driver.current_url
    duo.wait_for_text_to_equal(f"#{ids.NAV} a.nav-link.active", "Pipeline")
    duo.wait_for_contains_text(f"#{ids.REGION}", "West")
    expected = core(demo_app, "2025Q4", "West").totals
    wait_for_cards(duo, f"#{ids.PIPELINE_CONTENT}",
                   {"Open pipeline": formatting.money(expected["open_pipeline"])})
    assert duo.get_logs() == []
