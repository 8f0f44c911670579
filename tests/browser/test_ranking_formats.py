"""The map's ranking after a change of KPI (issue 17): every row reads in the
new KPI's format at once ("265%" under coverage, "0.1×" under growth and
"+5%" under penetration were the previous KPI's format kept until reload)."""

from __future__ import annotations

import pytest

from dashboard.i18n import formatting
from dashboard.views.choropleth import MAP_KPIS
from layouts import ids
from tests.browser.view_steps import core, grid_rows
from tests.browser.waits import until

pytestmark = pytest.mark.browser

FORMATS = {"percent": formatting.percent, "signed_percent": formatting.signed_percent,
           "multiple": formatting.multiple}


def ranking_values(duo) -> dict[str, str]:
    """Territory id -> the text of its KPI cell, for every row the grid shows."""
    return {row["id"]: text for row in grid_rows(duo, ids.OVERVIEW_RANKING)
            for column, text in row.items() if column not in ("id", "name")}


def pick_kpi(duo, key: str) -> None:
    duo.find_element(f"label[for='_dbcprivate_radioitems_{ids.MAP_KPI_PICKER}_input_{key}']"
                     ).click()
    duo.wait_for_contains_text(f"#{ids.OVERVIEW_RANKING} .ag-header", MAP_KPIS[key].title)


@pytest.mark.parametrize("order", [("coverage", "revenue_growth", "penetration", "attainment"),
                                   ("revenue_growth", "pace", "coverage")])
def test_every_ranking_row_reads_in_the_kpis_format_after_a_switch(start_app, demo_app, order):
    duo = start_app()
    duo.wait_for_element(".leaflet-interactive")
    table = core(demo_app).table.set_index("id")
    for key in order:
        pick_kpi(duo, key)
        fmt = FORMATS[MAP_KPIS[key].fmt]
        expected = {t: fmt(v) for t, v in table[key].items()}

        def every_row_formatted(_driver, expected=expected):
            shown = ranking_values(duo)
            return shown and all(text == expected[t] for t, text in shown.items())

        until(duo, every_row_formatted,
              f"ranking under {key}: shown {ranking_values(duo)}, "
              f"expected {dict(list(expected.items())[:8])}…")
    assert duo.get_logs() == []
