"""Quota attainment page: territories, reps or regions ranked by attainment
with pace, attainment by quarter, revenue growth, and the KPI table."""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, html

from callbacks import guard
from callbacks.factories import open_drilldown_on_click, rebuild_on_selection
from callbacks.grid_export import register_csv_export
from dashboard.i18n import formatting
from dashboard.i18n.translation import N_, _, ngettext
from dashboard.metrics.frames import hierarchy_of
from dashboard.metrics.kpi_table import kpi_table
from dashboard.runtime.scoped import ScopedData
from dashboard.runtime.service import DataService
from dashboard.views import rankings
from dashboard.views.overview import (
    NO_SEGMENT_QUOTA,
    NO_SEGMENT_QUOTA_NOTE,
    lacks_segment_quota,
    reading_text,
    resolve,
    total_kpis,
    without_quota,
)
from dashboard.views.selection import Selection
from layouts import attainment as layout
from layouts import components, ids
from layouts.attainment_figures import growth_figure, ranking_figure

DEFAULT_LEVEL = "territory"
PLURAL = {"territory": N_("Territories"), "rep": N_("Reps"), "region": N_("Regions"),
          "district": N_("Districts")}
#: the "On pace" card's note, per level (a level levels.csv names otherwise: "units")
ON_PACE_NOTE = {"territory": N_("territories at ≥ {percent} pace"),
                "rep": N_("reps at ≥ {percent} pace"),
                "region": N_("regions at ≥ {percent} pace"),
                "district": N_("districts at ≥ {percent} pace")}
UNITS_ON_PACE = N_("units at ≥ {percent} pace")
#: the ranking card's title, per level (another level: its name)
RANKING_TITLE = {"territory": N_("Territories by attainment · {period}"),
                 "rep": N_("Reps by attainment · {period}"),
                 "region": N_("Regions by attainment · {period}"),
                 "district": N_("Districts by attainment · {period}")}
LEVEL_BY_ATTAINMENT = N_("{level} by attainment · {period}")
GRID_FIELDS = ("id", "name", "territory_id", "territory_name", "attainment", "pace", "bookings",
               "quota", "projected_attainment", "revenue_growth", "acquisition_rate",
               "retention_rate")



def heat_rows(data: ScopedData, scope, as_of, restated: bool = False
              ) -> tuple[list[str], list[dict]]:
    """Attainment of the scope's territories over the last 8 closed quarters,
    as credited, or restated under the alignment of the as-of date.

    Memoized per segment and quarters (8 kpi_table calls), so a period or
    region change only filters rows.
    """
    quarters = rankings.closed_quarters(as_of)
    restated_on = as_of if restated else None
    heat = data.derived(
        ("attainment-heat", scope.segment, tuple(quarters), restated_on),
        lambda frames: rankings.attainment_by_quarter(frames, quarters, scope.segment,
                                                      restated_on),
    )
    regions = data.frames().territories["region"]
    rows = heat[heat.index.isin(scope.territory_ids)].copy()
    rows.insert(0, "region", rows.index.map(regions))
    rows.insert(0, "id", rows.index)
    rows = rows.sort_values(["region", "name"], kind="stable")
    return quarters, rankings.grid_records(rows, ["id", "region", "name", *quarters])


def strip(totals: pd.Series, table: pd.DataFrame, level: str, period,
          no_quota: bool = False, restated: bool = False) -> object:
    """Scope figures from the company row; the count reads the level's rows.
    With ``no_quota`` (a segment without segment quotas) the quota-based cards
    read "—" and say "no quota by segment"."""
    def tone(value, good_if_at_least):
        if formatting.is_missing(value):
            return ""
        return "good" if value >= good_if_at_least else "bad"

    def sub(text: str) -> str:
        return _(NO_SEGMENT_QUOTA) if no_quota else text

    paced = table["pace"].dropna()
    on_pace = int((paced >= 1.0).sum())
    cards = components.kpi_strip([
        components.kpi_card(_("Attainment"), formatting.percent(totals["attainment"]),
                            sub(_("{bookings} of {quota}").format(
                                bookings=formatting.money(totals["bookings"]),
                                quota=formatting.money(totals["quota"]))),
                            tone(totals["attainment"], totals["time_elapsed"])),
        components.kpi_card(_("Pace"), formatting.percent(totals["pace"]),
                            sub(_("{percent} of {period} elapsed").format(
                                percent=formatting.percent(totals["time_elapsed"]),
                                period=period.label)), tone(totals["pace"], 1.0)),
        components.kpi_card(_("Projected"), formatting.percent(totals["projected_attainment"]),
                            sub(_("bookings + weighted pipeline")),
                            tone(totals["projected_attainment"], 1.0)),
        components.kpi_card(_("Revenue growth"),
                            formatting.signed_percent(totals["revenue_growth"]),
                            _("vs same dates last year"), tone(totals["revenue_growth"], 0.0)),
        components.kpi_card(_("Acquisition"), formatting.percent(totals["acquisition_rate"]),
                            _("new customers ÷ customers at start")),
        components.kpi_card(_("Retention"), formatting.percent(totals["retention_rate"]),
                            _("customers kept ÷ customers at start")),
        components.kpi_card(_("On pace"), formatting.MISSING if no_quota else
                            _("{count} of {total}").format(count=formatting.count(on_pace),
                                                           total=formatting.count(len(paced))),
                            sub(_(ON_PACE_NOTE.get(level, UNITS_ON_PACE)).format(
                                percent=formatting.percent(1.0)))),
    ])
    if no_quota:
        cards = html.Div([components.quota_note(_(NO_SEGMENT_QUOTA_NOTE)), cards])
    return components.with_reading(cards, reading_text(restated), restated)


def build(data: ScopedData, selection: Selection, level: str):
    """The page body for a selection, or an empty state when nothing matches."""
    frames = data.frames()
    resolved = resolve(frames, selection, data.as_of())
    if resolved is None:
        return components.no_match()
    as_of, period, scope = resolved.as_of, resolved.period, resolved.scope
    level = level if level in ("territory", "rep", *hierarchy_of(frames).columns) \
        else DEFAULT_LEVEL
    restated = selection.restated
    table = data.memo("level_kpis", (scope, period, as_of, level, restated), lambda f: kpi_table(
        f, period, as_of, level, territory_ids=scope.territory_ids, segment=scope.segment,
        restated=restated))
    totals = total_kpis(frames, scope, period, as_of, data.memo, restated)
    rows = rankings.with_territory(frames, table, level)
    by_attainment = rankings.ranked(rows, "attainment")
    by_growth = rankings.ranked(rows, "revenue_growth")
    quarters, heat = heat_rows(data, scope, as_of, restated)
    no_quota = lacks_segment_quota(scope, totals)
    ranking_title = (_(RANKING_TITLE[level]).format(period=period.label) if level in RANKING_TITLE
                     else _(LEVEL_BY_ATTAINMENT).format(level=level, period=period.label))
    return layout.content(
        strip(totals, table, level, period, no_quota, restated),
        without_quota(ranking_title) if no_quota else ranking_title,
        ranking_figure(by_attainment[by_attainment["attainment"].notna()],
                       float(totals["time_elapsed"])),
        growth_figure(by_growth[by_growth["revenue_growth"].notna()]),
        layout.heat_grid(heat, quarters),
        ngettext("Attainment by quarter · last {n} closed quarter",
                 "Attainment by quarter · last {n} closed quarters",
                 len(quarters)).format(n=formatting.count(len(quarters))),
        layout.kpi_grid(rankings.grid_records(by_attainment, GRID_FIELDS), level),
        _("{level} · {period}").format(level=level_label(level), period=period.label),
    )


def level_label(level: str) -> str:
    """A level's plural as the page shows it (a level levels.csv names and
    this page does not know: its own name)."""
    return _(PLURAL[level]) if level in PLURAL else level


def between_levels(frames) -> tuple[tuple[str, str], ...]:
    """The data's levels between the territory and the region, bottom first,
    as (value, label) for the level switch."""
    return tuple((lvl, level_label(lvl)) for lvl in hierarchy_of(frames).columns
                 if lvl != "region")


def render(data: ScopedData, selection: Selection):
    """The page with its first content already computed."""
    return layout.page(DEFAULT_LEVEL, build(data, selection, DEFAULT_LEVEL),
                       between_levels(data.frames()))


def clicked_territory(frames, level: str, source, payload) -> str | None:
    """The territory a click opens: a bar's customdata or a grid row's id (a
    rep's row opens their territory, a region's nothing)."""
    if source in (ids.ATTAINMENT_RANKING, ids.ATTAINMENT_GROWTH):
        points = (payload or {}).get("points") or [{}]
        return rankings.drill_target(frames, "territory", points[0].get("customdata"))
    row_id = (payload or {}).get("rowId")
    if source == ids.ATTAINMENT_HEAT:
        return rankings.drill_target(frames, "territory", row_id)
    if source == ids.ATTAINMENT_GRID:
        return rankings.drill_target(frames, level, row_id)
    return None


def register(app: dash.Dash, service: DataService) -> None:
    rebuild_on_selection(app, [Output(ids.ATTAINMENT_CONTENT, "children")],
                         [Input(ids.ATTAINMENT_LEVEL, "value")],
                         lambda selection, level: build(guard.data(service), selection, level))

    def territory(source, value, level):
        return clicked_territory(guard.data(service).frames(), level, source, value)

    open_drilldown_on_click(
        app, territory, charts=(ids.ATTAINMENT_RANKING, ids.ATTAINMENT_GROWTH),
        grids=(ids.ATTAINMENT_HEAT, ids.ATTAINMENT_GRID),
        states=[State(ids.ATTAINMENT_LEVEL, "value")])
    register_csv_export(app, ids.ATTAINMENT_EXPORT, ids.ATTAINMENT_GRID)
    register_csv_export(app, ids.ATTAINMENT_HEAT_EXPORT, ids.ATTAINMENT_HEAT)
