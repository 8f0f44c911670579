"""The 500-bar charts and the drill-down's charts are built without plotly's
property checks (for speed, ``theme.unvalidated``); here every such builder's
output goes through the checks after all, so a misspelt or wrong property
still fails a test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.i18n import translation
from layouts.attainment_figures import growth_figure, ranking_figure
from layouts.drilldown_figures import concentration_figure, quarterly_figure, stage_figure
from layouts.pipeline_figures import aging_figure, coverage_figure

ROWS = pd.DataFrame({
    "name": ["North", "South", "Coast"], "territory_id": ["T1", "T2", None],
    "id": ["T1", "T2", "T3"], "attainment": [1.234, 0.5, np.nan], "pace": [1.3, 0.7, np.nan],
    "bookings": [1_234_567.0, 45_600.0, 0.0], "quota": [1_000_000.0, 91_200.0, 0.0],
    "revenue_growth": [0.126, -0.2, np.nan], "coverage": [3.5, 1.25, np.nan],
    "open_pipeline": [2_500_000.0, 80_000.0, 0.0], "remaining_quota": [714_000.0, 64_000.0, 0.0],
    "overdue_amount": [12_345.0, 0.0, 0.0], "overdue_count": [3, 0, 0],
})

BUILDERS = {
    "ranking": lambda rows: ranking_figure(rows, 0.4),
    "growth": growth_figure,
    "coverage": lambda rows: coverage_figure(rows, 3.0),
    "aging": aging_figure,
}


QUARTERS = pd.DataFrame({"quarter": ["2026Q1", "2026Q2"], "bookings": [900_000.0, 0.0],
                         "quota": [800_000.0, 0.0], "attainment": [1.125, np.nan]})
FUNNEL = pd.DataFrame({"stage": ["Prospecting", "Proposal"], "amount": [50_000.0, 120_000.0],
                       "weighted": [5_000.0, 60_000.0]})
CURVE = pd.DataFrame({"account_share": [0.0, 0.2, 0.4, 0.6, 0.8, 1.0],
                      "bookings_share": [0.0, 0.55, 0.75, 0.88, 0.96, 1.0]})
#: the drill-down's charts: (figure for data, figure for no data)
DRILLDOWN = {
    "quarterly": lambda: (quarterly_figure(QUARTERS), quarterly_figure(QUARTERS.iloc[0:0])),
    "stage": lambda: (stage_figure(FUNNEL, "2026Q3"), stage_figure(FUNNEL.iloc[0:0], "2026Q3")),
    "concentration": lambda: (concentration_figure(CURVE, 0.55),
                              concentration_figure(CURVE.iloc[0:0], np.nan)),
}


@pytest.mark.parametrize("name", sorted(BUILDERS) + sorted(DRILLDOWN))
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_fast_built_figures_pass_plotlys_checks(name, lang):
    with translation.use(lang):
        if name in DRILLDOWN:
            fast, empty = DRILLDOWN[name]()
        else:
            fast, empty = BUILDERS[name](ROWS), BUILDERS[name](ROWS.iloc[0:0])
    for figure in (fast, empty):
        checked = go.Figure(figure.to_plotly_json())  # validates every property; raises if wrong
        assert len(checked.data) == len(figure.data)


def test_a_wrong_property_would_be_caught():
    with pytest.raises(ValueError):
        go.Figure({"data": [{"type": "bar", "y": ["a"], "x": [1], "colour": "red"}]})
