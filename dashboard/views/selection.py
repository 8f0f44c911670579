"""The global selection every view shares: period, region, segment, as-of,
and the reading of history (as credited, or restated to today's alignment).

It is parsed from the URL query string (so a pasted link reopens the same
view) and validated here, in the core, so a forged or stale value becomes a
clear "nothing matches" rather than a server error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import parse_qs, parse_qsl, urlencode

from dashboard.i18n.translation import _
from dashboard.metrics.periods import (
    Period,
    from_day,
    named,
    quarter_bounds,
    quarter_label,
    quarter_name,
    quarter_of,
    trailing_twelve_months,
)

ALL = "all"
QTD, YTD, T12 = "qtd", "ytd", "t12"
#: the query parameter of the "restate to today's alignment" switch (METRICS.md
#: "Alignment history"): ``restated=1``; absent = as credited, the default
RESTATED = "restated"

#: one view's own state, carried in the URL after the global selection so a
#: link reopens it too: the map's KPI and the territory whose drill-down is
#: open. Not part of :class:`Selection`: no other view reads them, and a
#: change to the global controls must carry them over untouched.
MAP_KPI, TERRITORY = "kpi", "territory"
VIEW_PARAMS = (MAP_KPI, TERRITORY)


@dataclass(frozen=True)
class Selection:
    period: str = QTD
    region: str = ALL
    segment: str = ALL
    as_of: str = ""  # ISO date; empty = the dataset's
    #: METRICS.md "Alignment history": False = as credited (the actuals' default),
    #: True = every event restated to the alignment in force on E (``kpis --restated``)
    restated: bool = False

    @classmethod
    def from_query(cls, search: str | None) -> Selection:
        params = parse_qs((search or "").lstrip("?"))

        def first(name: str, default: str) -> str:
            values = params.get(name)
            return values[0] if values and values[0] else default

        return cls(
            period=first("period", QTD), region=first("region", ALL),
            segment=first("segment", ALL), as_of=first("as_of", ""),
            restated=is_on(first(RESTATED, "")),
        )

    @classmethod
    def from_controls(cls, period: str | None, region: str | None, segment: str | None,
                      search: str | None, restated=None) -> Selection:
        """The global controls' values (blank = the default) with the as-of
        date of the URL (where the as-of picker writes it before any view
        refreshes): what every view callback reads. ``restated`` is the
        switch's value; None reads it from the URL."""
        url = cls.from_query(search)
        return cls(period or QTD, region or ALL, segment or ALL, url.as_of,
                   url.restated if restated is None else bool(restated))

    def to_query(self, keep: str | None = None) -> str:
        """The query string for this selection (defaults left out, so the
        plainest view has the plainest link); the view's own parameters of
        the query ``keep`` follow it unchanged."""
        params = {
            k: v for k, v in (
                ("period", self.period), ("region", self.region),
                ("segment", self.segment), ("as_of", self.as_of),
            ) if v and v != {"period": QTD}.get(k, ALL)
        }
        if self.restated:
            params[RESTATED] = "1"
        params.update(view_params(keep))
        return "?" + urlencode(params) if params else ""


def is_on(value) -> bool:
    """A switch's query value: "1" (or "true", "on", "yes") is on; anything
    else, a forged value included, is off (the default reading)."""
    return isinstance(value, str) and value.strip().lower() in ("1", "true", "on", "yes")


def view_params(search: str | None) -> dict[str, str]:
    """The view parameters (``VIEW_PARAMS``) a query holds, in their fixed
    order, so the same state always reads as the same link."""
    params = parse_qs((search or "").lstrip("?"))
    return {name: params[name][0] for name in VIEW_PARAMS if params.get(name, [""])[0]}


def view_param(search: str | None, name: str) -> str:
    """One view parameter of a query, "" when absent."""
    return view_params(search).get(name, "")


def with_view_param(search: str | None, name: str, value: str | None) -> str:
    """The query ``search`` with view parameter ``name`` set to ``value``
    (removed when empty); the global selection and any other view parameter
    stay as they were written."""
    if name not in VIEW_PARAMS:
        raise ValueError(f"not a view parameter: {name!r}")  # i18n: not shown
    params = [(k, v) for k, v in parse_qsl((search or "").lstrip("?")) if k != name]
    if value:
        params.append((name, value))
    ordered = sorted(params, key=lambda kv: VIEW_PARAMS.index(kv[0]) + 1
                     if kv[0] in VIEW_PARAMS else 0)  # stable: selection first, as written
    return "?" + urlencode(ordered) if ordered else ""


def resolve_as_of(text: str | None, default: date) -> date:
    """The as-of date a URL or the date picker names; anything that is not a
    date (blank, forged, a stale format) is the dataset's own as-of, so a bad
    link shows the default view rather than an error."""
    if not text or not isinstance(text, str):
        return default
    try:
        return datetime.fromisoformat(text).date()  # the picker may send a time too
    except ValueError:
        return default


def as_of_text(chosen: date, default: date) -> str:
    """The ``as_of`` a selection carries: blank for the dataset's own date,
    so the default view's link does not name it (and keeps following the
    data after an import)."""
    return "" if chosen == default else chosen.isoformat()


def as_of_range(earliest_day: float | None, default: date) -> tuple[date, date]:
    """The dates the as-of picker offers: from the earliest opportunity's day
    number (NaN or None when there is none) to the dataset's as-of. Before
    the first deal every figure is empty, after the as-of there is no data."""
    if earliest_day is None or earliest_day != earliest_day:  # NaN != NaN
        return default, default
    return min(from_day(earliest_day), default), default


def resolve_period(choice: str | None, as_of: date) -> Period:
    """A period choice (qtd, ytd, t12, 2026Q3, 2026, a..b) as a Period.

    Raises ValueError for anything else; callers turn that into an empty state.
    """
    choice = (choice or QTD).strip()
    if choice == QTD:
        year, quarter = quarter_of(as_of)
        start, end = quarter_bounds(year, quarter)
        return Period(start, end, quarter_name(year, quarter))
    if choice == YTD:
        return Period(date(as_of.year, 1, 1), as_of, _("{year} YTD").format(year=as_of.year))
    if choice == T12:
        return trailing_twelve_months(as_of)
    return named(Period.parse(choice))


def known_selection(selection: Selection, regions: list[str], segments: list[str],
                    as_of: date) -> tuple[Selection, tuple[str, ...]]:
    """The selection a link names with every value the data does not offer
    replaced by its default, as the README promises for a link: a period
    :func:`resolve_period` refuses (a valid ``start..end`` range stays), a
    region not among ``regions`` (the viewer's region choices; "all" always
    is), a segment not among ``segments``. Returns it with the names of the
    parameters replaced, in query order (empty: the link was sound)."""
    replaced = []
    period = selection.period
    try:
        resolve_period(period, as_of)
    except ValueError:
        period = QTD
        replaced.append("period")
    region = selection.region if selection.region in (ALL, *regions) else ALL
    if region != selection.region:
        replaced.append("region")
    segment = selection.segment if selection.segment in (ALL, *segments) else ALL
    if segment != selection.segment:
        replaced.append("segment")
    return Selection(period, region, segment, selection.as_of, selection.restated), tuple(replaced)


def period_options(as_of: date, quarters_back: int = 8) -> list[dict]:
    """The period dropdown: relative choices, then recent quarters and years."""
    options = [
        {"label": _("Quarter to date"), "value": QTD},
        {"label": _("Year to date"), "value": YTD},
        {"label": _("Trailing 12 months"), "value": T12},
    ]
    year, quarter = quarter_of(as_of)
    for _step in range(quarters_back):
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
        options.append({"label": quarter_name(year, quarter),
                        "value": quarter_label(year, quarter)})
    for y in (as_of.year - 1, as_of.year - 2):
        options.append({"label": _("Year {year}").format(year=y), "value": str(y)})
    return options
