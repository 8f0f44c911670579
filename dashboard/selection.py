"""The global selection every view shares: period, region, segment, as-of.

It is parsed from the URL query string (so a pasted link reopens the same
view) and validated here, in the core, so a forged or stale value becomes a
clear "nothing matches" rather than a server error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs, urlencode

from dashboard.i18n import _
from dashboard.periods import (
    Period,
    named,
    quarter_bounds,
    quarter_label,
    quarter_name,
    quarter_of,
    trailing_twelve_months,
)

ALL = "all"
QTD, YTD, T12 = "qtd", "ytd", "t12"


@dataclass(frozen=True)
class Selection:
    period: str = QTD
    region: str = ALL
    segment: str = ALL
    as_of: str = ""  # ISO date; empty = the dataset's

    @classmethod
    def from_query(cls, search: str | None) -> Selection:
        params = parse_qs((search or "").lstrip("?"))

        def first(name: str, default: str) -> str:
            values = params.get(name)
            return values[0] if values and values[0] else default

        return cls(
            period=first("period", QTD), region=first("region", ALL),
            segment=first("segment", ALL), as_of=first("as_of", ""),
        )

    @classmethod
    def from_controls(cls, period: str | None, region: str | None, segment: str | None,
                      search: str | None) -> Selection:
        """The global controls' values (blank = the default) with the as-of
        date that only the URL carries: what every view callback reads."""
        return cls(period or QTD, region or ALL, segment or ALL, cls.from_query(search).as_of)

    def to_query(self) -> str:
        params = {
            k: v for k, v in (
                ("period", self.period), ("region", self.region),
                ("segment", self.segment), ("as_of", self.as_of),
            ) if v and v != {"period": QTD}.get(k, ALL)
        }
        return "?" + urlencode(params) if params else ""


def resolve_as_of(text: str | None, default: date) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        return default


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
