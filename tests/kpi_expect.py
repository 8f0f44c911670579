"""What the KPI core says a selection of the controls bar should show: the
expected figures of the HTTP and browser tests, computed the one way."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.metrics.kpi_table import kpi_table
from dashboard.metrics.periods import Period
from dashboard.views.overview import Scope, scope_for, total_kpis
from dashboard.views.selection import resolve_period


@dataclass(frozen=True)
class Core:
    """The KPI core's answer for one selection of the controls bar."""

    frames: object
    as_of: object
    scope: Scope
    period: Period
    table: pd.DataFrame  # one kpi_table row per entity of the scope at the level
    totals: pd.Series  # the scope's company row


def core(app, period: str = "qtd", region: str = "all", segment: str = "all",
         level: str = "territory", as_of=None) -> Core:
    """``as_of`` None: the dataset's own, as the app's default view."""
    service = app.server.extensions["territory_service"]
    frames, as_of = service.frames(), as_of or service.as_of()
    scope = scope_for(frames, region, segment)
    p = resolve_period(period, as_of)
    table = kpi_table(frames, p, as_of, level, territory_ids=scope.territory_ids,
                      segment=scope.segment)
    return Core(frames, as_of, scope, p, table, total_kpis(frames, scope, p, as_of))
