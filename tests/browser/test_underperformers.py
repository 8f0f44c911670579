"""The underperformers view in headless Chromium: the planted weak territories
are listed with the right reasons, and a threshold change updates the list."""

from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from dashboard.demo.dataset import generate_demo
from dashboard.geo import us_atlas
from dashboard.metrics.underperformance import flag_territories
from layouts import ids
from tests.browser.view_steps import choose, core
from tests.browser.waits import until, wait_for

pytestmark = pytest.mark.browser

CAUSE_REASON = {
    "thin_pipeline": "Pipeline coverage",
    "low_penetration": "Market penetration",
    "falling_bookings": "Revenue growth",
    "low_pace": "Pace ",
}


def card_texts(duo) -> dict[str, str]:
    """Territory id -> visible text of its card (the id is on the card's meta line)."""
    cards = duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.UP_LIST} .flag-card")
    texts = [card.get_attribute("textContent") for card in cards]
    return {re.search(r"(T\d+) · Rep", text).group(1): text for text in texts}


@pytest.fixture(scope="module")
def planted() -> list[dict]:
    _, manifest = generate_demo()
    return manifest["planted"]


def core_flags(app, period="qtd", region="all") -> list[str]:
    """The core's flagged territories of the scope at the default thresholds,
    most severe first (the rules rank the whole company, the region narrows)."""
    found = core(app, period, region)
    flags = flag_territories(found.frames, found.period, found.as_of,
                             areas=us_atlas.load_counties()["area_km2"])
    return [t for t in flags["territory_id"] if t in set(found.scope.territory_ids)]


def shown_flags(duo) -> tuple[str, list[str]]:
    """(the "n of m" count, the card territories in list order)."""
    cards = duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.UP_LIST} .flag-card")
    order = [re.search(r"(T\d+) · Rep", c.get_attribute("textContent")).group(1) for c in cards]
    return duo.find_element(f"#{ids.UP_LIST_COUNT}").text, order


def test_region_and_period_give_exactly_the_cores_flags(start_app, demo_app, planted):
    duo = start_app("/underperformers")
    duo.wait_for_element(f"#{ids.UP_LIST} .flag-card")
    scope = core(demo_app, region="West").scope
    size = len(scope.territory_ids)
    west = {p["territory_id"] for p in planted} & set(scope.territory_ids)
    assert west  # a region holding planted territories

    choose(duo, ids.REGION, "West", "region=West")
    expected = core_flags(demo_app, region="West")
    assert west <= set(expected) and len(expected) < len(core_flags(demo_app))
    wait_for(duo, lambda: shown_flags(duo), (f"{len(expected)} of {size}", expected),
             "flag cards for West")

    choose(duo, ids.PERIOD, "2025Q4", "period=2025Q4")
    before = expected
    expected = core_flags(demo_app, period="2025Q4", region="West")
    assert expected != before  # the period changes the flags
    wait_for(duo, lambda: shown_flags(duo), (f"{len(expected)} of {size}", expected),
             "flag cards for West in 2025Q4")
    assert "region=West" in duo.driver.current_url
    assert duo.get_logs() == []


def test_the_planted_territories_are_listed_with_their_reasons(start_app, planted):
    duo = start_app("/underperformers")
    duo.wait_for_element(f"#{ids.UP_LIST} .flag-card")
    duo.wait_for_element(".leaflet-interactive")
    cards = card_texts(duo)
    for plant in planted:
        assert plant["territory_id"] in cards, plant
        assert CAUSE_REASON[plant["cause"]] in cards[plant["territory_id"]], plant
    # flags are spelled out, not only coloured
    assert any("rule" in text for text in cards.values())
    dashed = ".leaflet-overlay-pane path[stroke-dasharray]"
    flagged = duo.driver.find_elements(By.CSS_SELECTOR, dashed)
    assert len(flagged) >= len(planted)
    assert duo.get_logs() == []


def test_raising_the_pace_bar_to_zero_drops_the_pace_reason(start_app):
    duo = start_app("/underperformers")
    duo.wait_for_contains_text(f"#{ids.UP_LIST}", "Pace ")
    pace = duo.find_element(f"#{ids.UP_PACE}")
    pace.send_keys(Keys.CONTROL, "a")
    pace.send_keys("0", Keys.TAB)
    until(duo, lambda d: "Pace " not in d.find_element(By.ID, ids.UP_LIST).text,
          "a pace of 0 still flagged a territory's pace")
    assert "Pipeline coverage" in duo.find_element(f"#{ids.UP_LIST}").text
    duo.find_element(f"#{ids.UP_RESET}").click()
    duo.wait_for_contains_text(f"#{ids.UP_LIST}", "Pace ")
    assert duo.get_logs() == []
