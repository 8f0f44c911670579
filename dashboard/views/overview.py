"""What the first page shows, as plain data: company KPIs, per-territory KPIs,
map colours and tooltips. The callback turns this into components."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from dashboard.i18n import formatting
from dashboard.i18n.translation import N_, _
from dashboard.metrics.frames import Frames, has_history, hierarchy_of, territories_on
from dashboard.metrics.kpi_blocks import AccountRows, Grouping
from dashboard.metrics.kpi_table import kpi_table
from dashboard.metrics.periods import Period
from dashboard.storage import hierarchy
from dashboard.views.choropleth import (
    MAP_KPIS,
    NO_QUOTA_KPI,
    class_breaks,
    colors_for,
    legend_entries,
)
from dashboard.views.selection import ALL, Selection, resolve_as_of, resolve_period


@dataclass(frozen=True)
class Scope:
    """Which territories and which segment a view covers."""

    territory_ids: tuple[str, ...]
    segment: str | None


def scope_for(frames: Frames, region: str, segment: str) -> Scope:
    """Territories of a region, or of a unit of any level when ``region`` is a
    ``hierarchy.filter_value`` (``district:pacific``), all when it is "all";
    an unknown region, unit or segment yields an empty scope, which views
    show as "nothing matches"."""
    territories = frames.territories
    if region and region != ALL:
        under = hierarchy.territories_under(hierarchy_of(frames), *hierarchy.parse_filter(region))
        territories = territories[territories["territory_id"].isin(under)]
    seg = None if not segment or segment == ALL else segment
    if seg is not None and seg not in set(frames.accounts["segment"].dropna()):
        return Scope((), seg)
    return Scope(tuple(territories["territory_id"]), seg)


@dataclass(frozen=True)
class Resolved:
    """A selection read against the data: the day, the period and the territories a
    view's figures are for."""

    as_of: date
    period: Period
    scope: Scope


def resolve(frames: Frames, selection: Selection, data_as_of: date) -> Resolved | None:
    """The selection's day (:func:`resolve_as_of`), period and scope, or None when the
    period is unknown or no territory matches: every view then shows its empty state,
    so a stale or forged link never reaches a KPI with nothing to count."""
    as_of = resolve_as_of(selection.as_of, data_as_of)
    try:
        period = resolve_period(selection.period, as_of)
    except ValueError:
        return None
    scope = scope_for(frames, selection.region, selection.segment)
    return Resolved(as_of, period, scope) if scope.territory_ids else None


#: METRICS.md "Segment filter": what a view says where a quota-based figure would be
NO_SEGMENT_QUOTA = N_("no quota by segment")
#: the same, as a sentence above a view's figures
NO_SEGMENT_QUOTA_NOTE = N_("No quota by segment: the quotas are set for all segments "
                           "together, so attainment, pace and coverage are not shown for "
                           "one segment.")


def lacks_segment_quota(scope: Scope, figures) -> bool:
    """A segment is picked and ``figures`` (a KPI row) have no quota for it, so
    every quota-based figure is missing (METRICS.md "Segment filter")."""
    return scope.segment is not None and formatting.is_missing(figures["quota"])


def without_quota(title: str) -> str:
    """A quota-based card's title under a segment without segment quotas."""
    return _("{title} · no quota by segment").format(title=title)


def territory_kpis(frames: Frames, scope: Scope, period: Period, as_of: date,
                   memo=None, restated: bool = False) -> pd.DataFrame:
    """Per-territory KPI rows, as credited unless ``restated`` (METRICS.md
    "Alignment history"); ``memo`` is ``DataService.memo`` when the caller
    wants the shared cache."""
    def compute(f):
        return kpi_table(f, period, as_of, "territory", territory_ids=scope.territory_ids,
                         segment=scope.segment, restated=restated)

    if memo is None:
        return compute(frames)
    return memo("territory_kpis", (scope, period, as_of, restated), compute)


def total_kpis(frames: Frames, scope: Scope, period: Period, as_of: date,
               memo=None, restated: bool = False) -> pd.Series:
    """One row over the whole scope (the company, a region or a filter of them)."""
    def compute(f):
        return kpi_table(f, period, as_of, "company", territory_ids=scope.territory_ids,
                         segment=scope.segment, restated=restated).iloc[0]

    if memo is None:
        return compute(frames)
    return memo("total_kpis", (scope, period, as_of, restated), compute)


#: what a view says of the reading it shows (METRICS.md: "every view says which it shows")
READING_CREDITED = N_("As credited: each deal counts for the territory its account had "
                      "on the close date.")
READING_RESTATED = N_("Restated to today's alignment: all history counts for the "
                      "territories the accounts have at the period's end.")


def reading_text(restated: bool) -> str:
    """The sentence a view shows about its reading of history, translated."""
    return _(READING_RESTATED if restated else READING_CREDITED)


def tooltip_html(row, rep_name: str | None, no_quota: bool = False) -> str:
    """Hover text; every name is escaped because Leaflet inserts it as HTML.

    ``no_quota`` (a segment picked and no quota for it in this territory,
    METRICS.md "Segment filter"): attainment, pace and coverage are "—", and
    the tooltip says why, as the cards do."""
    rep = (html.escape(rep_name) if isinstance(rep_name, str) and rep_name
           else "<i>" + html.escape(_("vacant")) + "</i>")
    growth = formatting.signed_percent(row["revenue_growth"])
    if no_quota:
        figures = [
            _("Attainment, pace, coverage: {missing} ({why})").format(
                missing=formatting.MISSING, why=_(NO_SEGMENT_QUOTA)),
            _("Bookings: {bookings} · Growth: {growth}").format(
                bookings=formatting.money(row["bookings"]), growth=growth),
        ]
    else:
        figures = [
            _("Attainment: {attainment} · Pace: {pace}").format(
                attainment=formatting.percent(row["attainment"]),
                pace=formatting.percent(row["pace"])),
            _("Bookings: {bookings} of {quota}").format(
                bookings=formatting.money(row["bookings"]), quota=formatting.money(row["quota"])),
            _("Coverage: {coverage} · Growth: {growth}").format(
                coverage=formatting.multiple(row["coverage"]), growth=growth),
        ]
    lines = [
        f"<b>{html.escape(str(row['name']))}</b> ({html.escape(str(row['id']))})",
        _("Rep: {rep}").format(rep=rep),
        *figures,
        _("Penetration: {penetration}").format(penetration=formatting.percent(row["penetration"])),
    ]
    return "<br>".join(lines)


def shown_map_kpi(kpi_key: str, scope: Scope, totals) -> str:
    """The KPI the map colours by: the one asked for, unless it needs a quota the
    segment picked does not have (METRICS.md "Segment filter"); then
    :data:`~dashboard.views.choropleth.NO_QUOTA_KPI`, never a wrong division in red."""
    if MAP_KPIS[kpi_key].needs_quota and lacks_segment_quota(scope, totals):
        return NO_QUOTA_KPI
    return kpi_key


def map_hideout(frames: Frames, kpis: pd.DataFrame, totals: pd.Series, kpi_key: str,
                key: str = "overview", selected: str | None = None,
                flagged: list[str] | None = None,
                segment: str | None = None) -> tuple[dict, list]:
    """(hideout, legend entries). Territories outside the scope are greyed.
    With a ``segment``, a territory without a quota for it says so in its tooltip."""
    kpi = MAP_KPIS.get(kpi_key) or MAP_KPIS["attainment"]
    breaks = class_breaks(kpi, totals)
    values = kpis.set_index("id")[kpi.key] if len(kpis) else pd.Series(dtype="float64")
    colors = colors_for(values, breaks)
    reps = frames.territories["rep_name"].to_dict()
    # plain dicts, not iterrows: a Series per row cost ~0.1 ms × 500 territories
    tips = {
        str(row["id"]): tooltip_html(
            row, reps.get(row["id"]),
            segment is not None and formatting.is_missing(row["quota"]))
        for row in kpis.to_dict("records")
    }
    hideout = {"key": key, "colors": colors, "tips": tips, "selected": selected,
               "flagged": flagged or []}
    return hideout, legend_entries(kpi, breaks)


#: ~100 m: finer than a marker at any zoom the map allows, and it keeps the
#: 20k-point payload small (METRICS.md has no use for more)
POINT_PRECISION = 3


def customers_at_end_of(accounts: pd.DataFrame, day: int) -> np.ndarray:
    """Which accounts are customers at the end of ``day`` (the KPI core's rule)."""
    no_groups = Grouping.from_series(pd.Series([], dtype="object"))
    return AccountRows.of(accounts, no_groups).customer_at_end_of(day)


def point_prefixes(frames: Frames) -> pd.Series:
    """Each located account's GeoJSON feature up to its customer flag, by account id.

    Positions only change with the data, so the text is built once per data
    version; a request then appends flags and joins (a few ms for 20k points,
    against ~80 ms for building and serialising dicts).
    """
    located = frames.accounts.dropna(subset=["lat", "lon"])
    lons = located["lon"].to_numpy(dtype="float64").round(POINT_PRECISION).tolist()
    lats = located["lat"].to_numpy(dtype="float64").round(POINT_PRECISION).tolist()
    text = [
        f'{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{lon!r},{lat!r}]}},'
        '"properties":{"c":'
        for lon, lat in zip(lons, lats, strict=True)
    ]
    return pd.Series(text, index=located.index, dtype="object")


def account_points(frames: Frames, scope: Scope, day: int, prefixes: pd.Series | None = None
                   ) -> str:
    """Accounts of a scope as a GeoJSON FeatureCollection (text) for the clustered layer.

    Filtered here, on the server, because a client ``filter`` on a clustered
    layer hides every marker. Each point carries only its position and ``c``
    (1 when the account is a customer at the end of ``day``, METRICS.md's
    rule): no names, so nothing needs escaping, and no ids, which nothing on
    the map reads and which would double the payload (20k points: ~2 MB of
    JSON, ~0.17 MB gzipped, against ~0.23 MB with ids). ``prefixes`` is
    :func:`point_prefixes` of the same frames, when the caller memoizes it.
    """
    if prefixes is None:
        prefixes = point_prefixes(frames)
    accounts = frames.accounts.loc[prefixes.index]
    if has_history(frames):  # the scope's accounts on E (METRICS.md "As credited")
        categories = frames.accounts["territory_id"].dtype.categories
        wanted = np.zeros(len(categories) + 1, bool)
        found = categories.get_indexer(list(scope.territory_ids))
        wanted[found[found >= 0]] = True
        keep = wanted[territories_on(frames, day)[
            frames.accounts.index.get_indexer(prefixes.index)]]
    else:
        keep = accounts["territory_id"].isin(list(scope.territory_ids)).to_numpy()
    if scope.segment is not None:
        keep = keep & (accounts["segment"] == scope.segment).to_numpy()
    flags = np.where(customers_at_end_of(accounts[keep], day), "1}}", "0}}")
    features = [head + tail for head, tail in
                zip(prefixes.to_numpy()[keep].tolist(), flags.tolist(), strict=True)]
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
