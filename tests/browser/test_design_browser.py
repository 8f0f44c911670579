"""Design from scratch in headless Chromium (issue 18, "Done when"): the button runs
the design in the background with a short time limit, the answer opens as a draft
step (the map, the step list and the compactness chart follow) and the scenarios
panel saves it like any draft."""

from __future__ import annotations

import pytest

from dashboard.whatif import scenarios
from layouts import ids
from tests.browser.whatif_steps import click, open_editor, type_number

pytestmark = pytest.mark.browser


def test_design_from_scratch_opens_a_draft_that_saves(start_app, demo_app):
    duo = open_editor(start_app)
    type_number(duo, ids.WI_TIME_LIMIT, 2)
    click(duo, f"#{ids.WI_DESIGN}")
    duo.wait_for_element(f"#{ids.WI_DESIGN}[disabled]")  # running: Suggest waits too
    assert duo.find_element(f"#{ids.WI_SUGGEST}").get_attribute("disabled")
    duo.wait_for_contains_text(f"#{ids.WI_ALERT}", "Designed 60 territories from scratch")
    duo.wait_for_contains_text(f"#{ids.WI_STEPS}", "1 step · last: designed 60 territories")
    duo.wait_for_contains_text(f"#{ids.WI_REASONS}", "T01 ")
    duo.wait_for_element(f"#{ids.WI_COMPACT} .scatterlayer .point")
    duo.wait_for_element(f"#{ids.WI_DESIGN}:not([disabled])")

    duo.find_element(f"#{ids.SC_NAME}").send_keys("Drawn afresh")
    click(duo, f"#{ids.SC_SAVE}")
    duo.wait_for_contains_text(f"#{ids.SC_ALERT}", "Saved 'Drawn afresh'")
    engine = demo_app.server.extensions["territory_service"].engine
    saved = [s for s in scenarios.list_scenarios(engine) if s.name == "Drawn afresh"]
    assert len(saved) == 1 and len(saved[0].changes.county_moves) > 100
    assert duo.get_logs() == []
