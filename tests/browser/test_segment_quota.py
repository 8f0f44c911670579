"""A segment filter never shows attainment without segment quotas (METRICS.md
"Segment filter"), in headless Chromium on the demo, whose quotas are totals for
whole territories: picking "Enterprise" on the map leaves no attainment
percentage, says "no quota by segment", colours the map by revenue growth and
says why; the attainment page opened on the same selection says so too."""

from __future__ import annotations

import pytest

from dashboard.i18n import formatting
from layouts import ids
from tests.browser.view_steps import cards, choose, core, wait_for_cards
from tests.browser.waits import until

pytestmark = pytest.mark.browser

SEGMENT = "Enterprise"
NOTE = "no quota by segment"
MISSING = formatting.MISSING


def test_picking_a_segment_shows_no_attainment_and_says_why(start_app, demo_app):
    duo = start_app()
    duo.wait_for_element(".leaflet-interactive")
    everything = core(demo_app).totals
    wait_for_cards(duo, f"#{ids.KPI_STRIP}",
                   {"Attainment": formatting.percent(everything["attainment"])})

    choose(duo, ids.SEGMENT, SEGMENT, f"segment={SEGMENT}")
    enterprise = core(demo_app, segment=SEGMENT).totals
    # the segment's own bookings, and every quota-based card "—" with the reason
    found = wait_for_cards(duo, f"#{ids.KPI_STRIP}", {
        "Bookings": formatting.money(enterprise["bookings"]),
        "Quota": MISSING, "Attainment": MISSING, "Pace": MISSING, "Coverage": MISSING})
    for label in ("Quota", "Attainment", "Pace", "Coverage"):
        assert found[label][1] == NOTE, label
    assert "%" not in found["Attainment"][0]
    strip = duo.driver.find_element("id", ids.KPI_STRIP)
    assert strip.find_elements("css selector", ".kpi-value.bad") == []
    # the map, asked for attainment, colours by revenue growth and says why
    duo.wait_for_contains_text(f"#{ids.MAP_LEGEND}",
                               "Revenue growth · no quota by segment, so not Quota attainment")

    duo.driver.get(f"{duo.server_url}/attainment?segment={SEGMENT}")
    until(duo, lambda d: NOTE in d.find_element("id", ids.ATTAINMENT_CONTENT).text.lower(),
          "the attainment page never said 'no quota by segment'")
    shown = cards(duo, f"#{ids.ATTAINMENT_CONTENT}")
    assert shown["Attainment"] == (MISSING, NOTE)
    assert shown["Pace"][0] == MISSING and shown["Projected"][0] == MISSING
    assert duo.get_logs() == []
