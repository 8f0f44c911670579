"""The attainment view in headless Chromium: it renders the KPI core's figures
and follows the period; a click on a row opens the drill-down."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from dashboard.i18n import formatting
from layouts import ids
from tests.browser.view_steps import choose, core, grid_rows, wait_for_cards
from tests.browser.waits import wait_for

pytestmark = pytest.mark.browser

#: instant: Bootstrap's smooth scrolling would still be moving when the click lands
CENTER = "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});"


def figures(app, period="qtd"):
    """(territory kpi_table, company row) the view must show."""
    found = core(app, period)
    return found.table, found.totals


def ranked(table):
    """Best attainment first, ties by id, territories without quota last."""
    return table.sort_values(["attainment", "id"], ascending=[False, True], na_position="last")


def strip_figures(found) -> dict[str, str]:
    """The attainment strip as the core's rows format it (card -> value)."""
    totals, percent = found.totals, formatting.percent
    paced = found.table["pace"].dropna()
    return {"Attainment": percent(totals["attainment"]), "Pace": percent(totals["pace"]),
            "Projected": percent(totals["projected_attainment"]),
            "Revenue growth": formatting.signed_percent(totals["revenue_growth"]),
            "On pace": f"{(paced >= 1).sum()} of {len(paced)}"}


#: the names down the ranking chart, top first (its last trace is the pace markers)
CHART_NAMES = """
    const plot = document.querySelector(arguments[0] + ' .js-plotly-plot');
    return plot && plot.data ? Array.from(plot.data[plot.data.length - 1].y) : null;
"""


def strip_text(duo) -> str:
    return duo.find_element(f"#{ids.ATTAINMENT_CONTENT} .kpi-strip").text


def test_view_renders_and_follows_the_period(start_app, demo_app):
    duo = start_app("/attainment")
    table, totals = figures(demo_app)
    content = f"#{ids.ATTAINMENT_CONTENT}"
    duo.wait_for_contains_text(content, formatting.money(totals["bookings"]))
    assert formatting.percent(totals["pace"]) in strip_text(duo)
    duo.wait_for_element(f"#{ids.ATTAINMENT_RANKING} .bars path")
    best = table.sort_values("attainment", ascending=False).iloc[0]
    duo.wait_for_contains_text(f"#{ids.ATTAINMENT_GRID}", best["name"])

    choose(duo, ids.PERIOD, "2025Q4", "period=2025Q4")
    table, totals = figures(demo_app, "2025Q4")
    duo.wait_for_contains_text(content, f"{formatting.money(totals['bookings'])} of "
                                        f"{formatting.money(totals['quota'])}")
    assert formatting.percent(totals["attainment"]) in strip_text(duo)
    assert "period=2025Q4" in duo.driver.current_url
    best = table.sort_values("attainment", ascending=False).iloc[0]
    wait_for(duo, lambda: {k: grid_rows(duo, ids.ATTAINMENT_GRID, 1)[0][k]
                           for k in ("name", "attainment")},
             {"name": best["name"], "attainment": formatting.percent(best["attainment"])},
             "first row of the attainment table for 2025Q4")
    assert duo.get_logs() == []


def test_changing_the_region_narrows_the_strip_and_the_ranking(start_app, demo_app):
    duo = start_app("/attainment")
    content = f"#{ids.ATTAINMENT_CONTENT}"
    everyone, west = core(demo_app), core(demo_app, region="West")
    assert strip_figures(everyone) != strip_figures(west)  # a change to see
    wait_for_cards(duo, content, strip_figures(everyone))

    choose(duo, ids.REGION, "West", "region=West")
    shown = wait_for_cards(duo, content, strip_figures(west))
    assert shown["Attainment"][1] == (f"{formatting.money(west.totals['bookings'])} of "
                                      f"{formatting.money(west.totals['quota'])}")
    best = ranked(west.table)
    expected = [{"id": r["id"], "name": r["name"],
                 "attainment": formatting.percent(r["attainment"]),
                 "pace": formatting.percent(r["pace"])} for _, r in best.head(3).iterrows()]
    columns = ("id", "name", "attainment", "pace")
    wait_for(duo, lambda: [{k: row[k] for k in columns}
                           for row in grid_rows(duo, ids.ATTAINMENT_GRID, 3)],
             expected, "first rows of the attainment table for West")
    assert len(grid_rows(duo, ids.ATTAINMENT_GRID)) == len(west.scope.territory_ids)
    charted = list(best.loc[best["attainment"].notna(), "name"])
    wait_for(duo, lambda: duo.driver.execute_script(CHART_NAMES, f"#{ids.ATTAINMENT_RANKING}"),
             charted, "territories down the ranking chart for West")
    assert duo.get_logs() == []


def test_clicking_a_row_opens_the_drilldown(start_app, demo_app):
    duo = start_app("/attainment")
    table, _ = figures(demo_app)
    best = table.sort_values("attainment", ascending=False).iloc[0]
    row = f"#{ids.ATTAINMENT_GRID} .ag-pinned-left-cols-container .ag-row[row-id='{best['id']}']"
    duo.wait_for_element(f"{row} .ag-cell")
    # the page body is rebuilt once more when the controls settle; then scroll to the row
    duo.wait_for_element(f"#{ids.ATTAINMENT_RANKING} .bars path")
    cell = duo.find_element(f"{row} .ag-cell")
    # a script click: the grid sits below the fold and Selenium's own scroll misses it
    duo.driver.execute_script(CENTER + " "
                              "arguments[0].click();", cell)
    duo.wait_for_contains_text(f"#{ids.DRILLDOWN}", best["name"])
    assert duo.driver.find_element(By.ID, ids.DRILLDOWN).is_displayed()
    assert duo.get_logs() == []
