"""The underperformers view in headless Chromium: the planted weak territories
are listed with the right reasons, and a threshold change updates the list."""

from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.demo import generate_demo
from layouts import ids

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


def test_the_planted_territories_are_listed_with_their_reasons(start_app):
    duo = start_app("/underperformers")
    duo.wait_for_element(f"#{ids.UP_LIST} .flag-card", timeout=20)
    duo.wait_for_element(".leaflet-interactive", timeout=20)
    _, manifest = generate_demo()
    cards = card_texts(duo)
    for plant in manifest["planted"]:
        assert plant["territory_id"] in cards, plant
        assert CAUSE_REASON[plant["cause"]] in cards[plant["territory_id"]], plant
    # flags are spelled out, not only coloured
    assert any("rule" in text for text in cards.values())
    dashed = ".leaflet-overlay-pane path[stroke-dasharray]"
    flagged = duo.driver.find_elements(By.CSS_SELECTOR, dashed)
    assert len(flagged) >= len(manifest["planted"])
    assert duo.get_logs() == []


def test_raising_the_pace_bar_to_zero_drops_the_pace_reason(start_app):
    duo = start_app("/underperformers")
    duo.wait_for_contains_text(f"#{ids.UP_LIST}", "Pace ", timeout=20)
    pace = duo.find_element(f"#{ids.UP_PACE}")
    pace.send_keys(Keys.CONTROL, "a")
    pace.send_keys("0", Keys.TAB)
    WebDriverWait(duo.driver, 10).until(
        lambda d: "Pace " not in d.find_element(By.ID, ids.UP_LIST).text)
    assert "Pipeline coverage" in duo.find_element(f"#{ids.UP_LIST}").text
    duo.find_element(f"#{ids.UP_RESET}").click()
    duo.wait_for_contains_text(f"#{ids.UP_LIST}", "Pace ", timeout=10)
    assert duo.get_logs() == []
