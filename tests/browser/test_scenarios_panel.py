"""The scenarios panel in headless Chromium: a saved scenario survives a page
reload and reopens in the editor with the same move; a stale save is refused
with its message; propose, approve and apply reach the leader views."""

from __future__ import annotations

import pytest

from dashboard.i18n import formatting
from dashboard.views.overview import scope_for, total_kpis
from dashboard.views.selection import resolve_period
from dashboard.whatif import scenarios
from dashboard.whatif.changeset import Changes
from layouts import ids
from tests.browser.waits import settled
from tests.browser.whatif_steps import choose, click, open_editor, scroll_to, set_slider

pytestmark = pytest.mark.browser




def test_save_reload_and_reopen_a_scenario(start_app, demo_app):
    duo = open_editor(start_app)
    frames = demo_app.server.extensions["territory_service"].frames()
    source = frames.alignment.at["06071", "territory_id"]
    target = next(t for t in frames.territories["territory_id"] if t != source)
    choose(duo, ids.WI_SELECT, "San Bernardino, CA")
    choose(duo, ids.WI_TARGET, f"{target} ·")
    duo.find_element(f"#{ids.WI_MOVE}").click()
    duo.wait_for_contains_text(f"#{ids.WI_STEPS}", "1 step")
    duo.find_element(f"#{ids.SC_NAME}").send_keys("Inland Empire")
    click(duo, f"#{ids.SC_SAVE}")
    duo.wait_for_contains_text(f"#{ids.SC_ALERT}", "Saved 'Inland Empire'")
    duo.wait_for_contains_text(f"#{ids.SC_GRID}", "Inland Empire")

    duo.driver.refresh()
    duo.wait_for_element(f"#{ids.WI_MAP} path.leaflet-interactive")
    settled(duo)  # the page built again: its list and buttons take clicks now
    duo.wait_for_contains_text(f"#{ids.WI_STEPS}", "no changes")
    scroll_to(duo, f"#{ids.SC_GRID}")  # the list is built with the page, below the fold
    duo.wait_for_contains_text(f"#{ids.SC_GRID}", "Inland Empire")
    assert duo.find_element(f"#{ids.SC_OPEN}").get_attribute("disabled")
    click(duo, f"#{ids.SC_GRID} .ag-row[row-index='0'] .ag-cell")
    duo.wait_for_element(f"#{ids.SC_OPEN}:not([disabled])")
    click(duo, f"#{ids.SC_OPEN}")
    duo.wait_for_contains_text(f"#{ids.SC_ALERT}", "Opened 'Inland Empire'")
    duo.wait_for_contains_text(f"#{ids.WI_STEPS}", "opened scenario 'Inland Empire'")
    duo.wait_for_element(f"#{ids.WI_TOUCHED} .ag-row[row-id='{source}']")
    duo.wait_for_element(f"#{ids.WI_TOUCHED} .ag-row[row-id='{target}']")
    assert duo.get_logs() == []


def save_a_quota_change(duo, name: str, pct: int = 30):
    choose(duo, ids.WI_QUOTA_TERRITORY, "T01 ·")
    set_slider(duo, ids.WI_QUOTA_PCT, pct)
    click(duo, f"#{ids.WI_QUOTA_APPLY}")
    duo.wait_for_contains_text(f"#{ids.WI_STEPS}", "1 step")
    duo.find_element(f"#{ids.SC_NAME}").send_keys(name)
    click(duo, f"#{ids.SC_SAVE}")
    duo.wait_for_contains_text(f"#{ids.SC_ALERT}", f"Saved '{name}'")


def test_a_stale_save_is_refused_with_its_message_and_both_versions_kept(start_app, demo_app):
    duo = open_editor(start_app)
    save_a_quota_change(duo, "Contested")
    engine = demo_app.server.extensions["territory_service"].engine
    record = next(r for r in scenarios.list_scenarios(engine) if r.name == "Contested")
    scenarios.save_scenario(engine, name="Contested", changes=Changes(), user="someone-else",
                            scenario_id=record.id, expected_revision=record.revision)
    click(duo, f"#{ids.SC_SAVE}")
    duo.wait_for_contains_text(f"#{ids.SC_ALERT}", "was changed by someone-else")
    assert "your version was kept as 'Contested (copy by" in duo.find_element(
        f"#{ids.SC_ALERT}").text
    duo.wait_for_contains_text(f"#{ids.SC_GRID}", "Contested (copy by")
    names = [r.name for r in scenarios.list_scenarios(engine)]
    assert "Contested" in names and any(n.startswith("Contested (copy by") for n in names)
    assert duo.get_logs() == []


def test_propose_approve_apply_then_the_leader_views_show_it(start_app, demo_app):
    service = demo_app.server.extensions["territory_service"]
    before = company_quota(service)
    duo = open_editor(start_app)
    save_a_quota_change(duo, "Raise T01")
    for button, says in ((ids.SC_PROPOSE, "is now proposed"), (ids.SC_APPROVE, "is now approved"),
                         (ids.SC_APPLY, "Applied 'Raise T01'")):
        click(duo, f"#{ids.SC_GRID} .ag-row[row-index='0'] .ag-cell")
        duo.wait_for_element(f"#{button}:not([disabled])")
        click(duo, f"#{button}")
        duo.wait_for_contains_text(f"#{ids.SC_ALERT}", says)
    after = company_quota(service)
    assert after > before
    duo.driver.get(f"{duo.server_url}/")
    duo.wait_for_contains_text(f"#{ids.KPI_STRIP}", formatting.money(after))
    assert formatting.money(before) not in duo.find_element(f"#{ids.KPI_STRIP}").text
    assert duo.get_logs() == []


def company_quota(service) -> float:
    frames, as_of = service.frames(), service.as_of()
    return total_kpis(frames, scope_for(frames, "all", "all"),
                      resolve_period("qtd", as_of), as_of)["quota"]
