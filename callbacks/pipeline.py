"""Pipeline page: funnel by stage, coverage against a healthy line, win rate,
deal size, sales cycle and aging (open deals past their close date)."""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State

from callbacks import guard
from callbacks.factories import open_drilldown_on_click, rebuild_on_selection
from callbacks.grid_export import register_csv_export
from dashboard.i18n import formatting
from dashboard.i18n.translation import _, ngettext
from dashboard.metrics.periods import to_day
from dashboard.runtime.scoped import ScopedData
from dashboard.runtime.service import DataService
from dashboard.views import rankings
from dashboard.views.overview import (
    NO_SEGMENT_QUOTA,
    lacks_segment_quota,
    reading_text,
    resolve,
    territory_kpis,
    total_kpis,
    without_quota,
)
from dashboard.views.selection import Selection, resolve_as_of
from layouts import components, ids
from layouts import pipeline as layout
from layouts.pipeline_figures import aging_figure, coverage_figure, funnel_figure

OLDEST = 50  # overdue deals listed
GRID_FIELDS = ("id", "name", "open_pipeline", "weighted_pipeline", "coverage", "win_rate",
               "avg_deal_size", "sales_cycle_days", "overdue_count", "overdue_amount")
OVERDUE_FIELDS = ("opportunity_id", "account_name", "territory_id", "territory_name", "amount",
                  "stage", "close_date", "days_overdue")



def strip(totals: pd.Series, healthy: float, overdue: dict, period, as_of,
          no_quota: bool = False, restated: bool = False) -> object:
    """Scope figures, all from the kpi_table company row except the overdue count;
    with ``no_quota`` (a segment without segment quotas) coverage says why it is "—"."""
    coverage = totals["coverage"]
    tone = "" if formatting.is_missing(coverage) else ("good" if coverage >= healthy else "bad")
    return components.with_reading(components.kpi_strip([
        components.kpi_card(_("Open pipeline"), formatting.money(totals["open_pipeline"]),
                            _("closing in {period}").format(period=period.label)),
        components.kpi_card(_("Weighted"), formatting.money(totals["weighted_pipeline"]),
                            _("× stage probability")),
        components.kpi_card(_("Coverage"), formatting.multiple(coverage),
                            _(NO_SEGMENT_QUOTA) if no_quota else
                            _("healthy line {coverage}").format(
                                coverage=formatting.multiple(healthy)), tone),
        components.kpi_card(_("Win rate"), formatting.percent(totals["win_rate"]),
                            _("won ÷ closed in period")),
        components.kpi_card(_("Avg deal size"), formatting.money(totals["avg_deal_size"]),
                            _("won deals")),
        components.kpi_card(_("Sales cycle"), formatting.days(totals["sales_cycle_days"]),
                            _("median, won deals")),
        components.kpi_card(_("Overdue"), formatting.money(overdue["amount"]),
                            ngettext("{n} deal past due", "{n} deals past due",
                                     overdue["count"]).format(n=formatting.count(overdue["count"])),
                            "bad" if overdue["count"] else ""),
    ]), reading_text(restated), restated)


def overdue_records(overdue: pd.DataFrame) -> list[dict]:
    """The overdue grid's rows, the product's stages in the request's language."""
    records = rankings.grid_records(overdue, OVERDUE_FIELDS)
    for record in records:
        record["stage"] = rankings.stage_label(record["stage"])
    return records


def build(data: ScopedData, selection: Selection, healthy_value):
    """The page body for a selection, or an empty state when nothing matches."""
    frames = data.frames()
    resolved = resolve(frames, selection, data.as_of())
    if resolved is None:
        return components.no_match()
    as_of, period, scope = resolved.as_of, resolved.period, resolved.scope
    healthy = rankings.healthy_line(healthy_value)
    # the same cached tables as the map's; a new healthy line recomputes no KPI
    restated = selection.restated
    table = territory_kpis(frames, scope, period, as_of, data.memo, restated)
    totals = total_kpis(frames, scope, period, as_of, data.memo, restated)
    deals = data.derived(("open-deals",), rankings.open_deals)  # per data version
    # open deals count for their account's territory on E in either reading
    # (METRICS.md "As credited"); the overdue ones on the as-of date
    e_day = to_day(min(period.end, as_of))
    funnel = data.memo("pipeline_funnel", (scope, period, e_day),
                       lambda f: rankings.stage_funnel(rankings.deals_on(f, deals, e_day),
                                                       scope.territory_ids, scope.segment,
                                                       period))
    overdue = data.memo("pipeline_overdue", (scope, as_of), lambda f: rankings.overdue_summary(
        rankings.deals_on(f, deals, to_day(as_of)), scope.territory_ids, scope.segment, as_of,
        OLDEST))
    rows = table.merge(overdue["by_territory"], on="id")
    by_coverage = rankings.ranked(rows, "coverage")
    covered = by_coverage[by_coverage["coverage"].notna()]
    late = rankings.ranked(rows[rows["overdue_count"] > 0], "overdue_amount")
    # a missing coverage is a quota met, unless there is no quota (by segment) at all
    met = int((by_coverage["remaining_quota"] == 0).sum())
    no_quota = lacks_segment_quota(scope, totals)
    coverage_title = _("Coverage of remaining quota · {period}").format(period=period.label)
    if no_quota:
        coverage_title = without_quota(coverage_title)
    elif met:
        coverage_title = _("Coverage of remaining quota · {period} · {n} with quota met").format(
            period=period.label, n=formatting.count(met))
    healthy_text = formatting.multiple(healthy)
    return layout.content(
        strip(totals, healthy, overdue, period, as_of, no_quota, restated),
        _("Open pipeline by stage · closing in {period}").format(period=period.label),
        funnel_figure(funnel),
        _("Oldest overdue deals · as of {date}").format(date=formatting.day(as_of)),
        layout.overdue_grid(overdue_records(overdue["oldest"])),
        coverage_title, coverage_figure(covered, healthy), healthy_text, aging_figure(late),
        _("Territories · {period}").format(period=period.label),
        layout.territory_grid(rankings.grid_records(by_coverage, GRID_FIELDS), healthy),
    )


def render(data: ScopedData, selection: Selection):
    """The page with its first content already computed."""
    default = rankings.HEALTHY_COVERAGE
    return layout.page(default, build(data, selection, default))


def clicked_territory(frames, source, payload, selection: Selection | None = None,
                      as_of=None) -> str | None:
    """The territory a click opens: a bar's customdata, a row's id or the
    territory an overdue deal is listed under (its account's on the as-of
    date of the ``selection``, ``as_of`` being the data's)."""
    payload = payload or {}
    if source in (ids.PIPELINE_COVERAGE, ids.PIPELINE_AGING):
        points = payload.get("points") or [{}]
        return rankings.drill_target(frames, "territory", points[0].get("customdata"))
    if source == ids.PIPELINE_GRID:
        return rankings.drill_target(frames, "territory", payload.get("rowId"))
    if source == ids.PIPELINE_OVERDUE:
        selection = selection or Selection()
        day = None if as_of is None else to_day(resolve_as_of(selection.as_of, as_of))
        return rankings.deal_territory(frames, payload.get("rowId"), day, selection.restated)
    return None


def register(app: dash.Dash, service: DataService) -> None:
    rebuild_on_selection(app, [Output(ids.PIPELINE_CONTENT, "children")],
                         [Input(ids.PIPELINE_HEALTHY, "value")],
                         lambda selection, healthy: build(guard.data(service), selection, healthy))

    def territory(source, value, search):
        data = guard.data(service)
        return clicked_territory(data.frames(), source, value, Selection.from_query(search),
                                 data.as_of())

    open_drilldown_on_click(app, territory, charts=(ids.PIPELINE_COVERAGE, ids.PIPELINE_AGING),
                            grids=(ids.PIPELINE_GRID, ids.PIPELINE_OVERDUE),
                            states=[State(ids.URL, "search")])
    register_csv_export(app, ids.PIPELINE_EXPORT, ids.PIPELINE_GRID)
    register_csv_export(app, ids.PIPELINE_OVERDUE_EXPORT, ids.PIPELINE_OVERDUE)
