"""The scenarios panel in headless Chromium: a saved scenario survives a page
reload and reopens in the editor with the same move; a stale save is refused
with its message; propose, approve, then apply with an effective date and a
quota step leaves the quarter under way as it was."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys

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


def pick_date(duo, picker: str, day: str) -> None:
    """Type a date into a dcc.DatePickerSingle, as a user does."""
    field = duo.find_element(f"#{picker}")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACKSPACE)
    field.send_keys(day, Keys.ENTER)


def test_apply_with_a_date_and_a_quota_step_keeps_the_past(start_app, demo_app):
    """Propose, approve, Apply: the dialog opens on the next quarter's first day;
    a date inside 2026Q4 warns that 2026Q4 keeps its quotas; back on 2026-10-01
    the quota step shows T01's 2026Q4 (+30%), the leader confirms it edited;
    the current quarter's figures are unchanged and 2026Q4's quota is the
    confirmed one; the step is in the history."""
    service = demo_app.server.extensions["territory_service"]
    before = company_quota(service)
    duo = open_editor(start_app)
    save_a_quota_change(duo, "Raise T01")
    for button, says in ((ids.SC_PROPOSE, "is now proposed"),
                         (ids.SC_APPROVE, "is now approved")):
        click(duo, f"#{ids.SC_GRID} .ag-row[row-index='0'] .ag-cell")
        duo.wait_for_element(f"#{button}:not([disabled])")
        click(duo, f"#{button}")
        duo.wait_for_contains_text(f"#{ids.SC_ALERT}", says)
    click(duo, f"#{ids.SC_GRID} .ag-row[row-index='0'] .ag-cell")
    duo.wait_for_element(f"#{ids.SC_APPLY}:not([disabled])")
    click(duo, f"#{ids.SC_APPLY}")
    duo.wait_for_element(f"#{ids.SC_APPLY_QUOTAS} .ag-row[row-index='0']")
    assert duo.find_element(f"#{ids.SC_APPLY_DATE}").get_attribute("value") == "2026-10-01"
    pick_date(duo, ids.SC_APPLY_DATE, "2026-11-15")
    duo.wait_for_contains_text(f"#{ids.SC_APPLY_WARNING}", "2026Q4 keeps its quotas")
    pick_date(duo, ids.SC_APPLY_DATE, "2026-10-01")
    duo.wait_for_contains_text(f"#{ids.SC_APPLY_QUOTAS}", "2026Q4")
    quota_q4 = quarter_quota(service, "T01", "2026Q4")
    cell = f"#{ids.SC_APPLY_QUOTAS} .ag-row[row-index='0'] .ag-cell[col-id='confirmed']"
    duo.wait_for_contains_text(cell, f"{round(quota_q4 * 1.3):,}")
    # the grid's own edit path (setDataValue fires cellValueChanged as a typed
    # edit does; typing into the cell in headless Chromium did not open its editor)
    duo.driver.execute_script(
        "dash_ag_grid.getApi(arguments[0]).getDisplayedRowAtIndex(0)"
        ".setDataValue('confirmed', 777000)", ids.SC_APPLY_QUOTAS)
    duo.wait_for_contains_text(cell, "777,000")
    click(duo, f"#{ids.SC_APPLY_CONFIRM}")
    duo.wait_for_contains_text(f"#{ids.SC_ALERT}", "Applied 'Raise T01' from 2026-10-01")
    assert company_quota(service) == before  # the quarter under way is not rewritten
    assert quarter_quota(service, "T01", "2026Q4") == 777000.0
    duo.wait_for_contains_text(f"#{ids.SC_STEPS}", "Applied 'Raise T01'")
    duo.driver.get(f"{duo.server_url}/")
    duo.wait_for_contains_text(f"#{ids.KPI_STRIP}", formatting.money(before))
    assert duo.get_logs() == []


def quarter_quota(service, territory: str, period: str) -> float:
    quotas = service.frames().quotas
    return float(quotas[(quotas["territory_id"] == territory)
                        & (quotas["period"] == period)]["amount"].sum())


def company_quota(service) -> float:
    frames, as_of = service.frames(), service.as_of()
    return total_kpis(frames, scope_for(frames, "all", "all"),
                      resolve_period("qtd", as_of), as_of)["quota"]
