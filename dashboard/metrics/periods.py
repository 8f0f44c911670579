"""Periods and day numbers.

Dates travel through the core as integer *day numbers* (days since 1970-01-01):
comparisons and differences on int arrays are what make period filters cheap,
and a missing date is NaN in a float column.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from dashboard.i18n import formatting
from dashboard.i18n.translation import _

EPOCH = date(1970, 1, 1)


def to_day(value: date) -> int:
    """Day number of a date."""
    return (value - EPOCH).days


def from_day(day: int) -> date:
    """Date of a day number."""
    return EPOCH + timedelta(days=int(day))


def quarter_of(value: date) -> tuple[int, int]:
    """(year, quarter 1-4) that contains a date."""
    return value.year, (value.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a calendar quarter."""
    start = date(year, 3 * (quarter - 1) + 1, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end - timedelta(days=1)


def quarter_label(year: int, quarter: int) -> str:
    """The quarter's code ("2026Q3"): a key in the data and the URL, not a name."""
    return f"{year}Q{quarter}"


def quarter_name(year: int, quarter: int) -> str:
    """The quarter as people read it: "2026Q3" / "T3 2026"."""
    return _("{year}Q{quarter}").format(year=year, quarter=quarter)


def parse_quarter_label(label: str) -> tuple[int, int]:
    """``'2026Q3'`` -> (2026, 3); raises ValueError on anything else."""
    match = re.fullmatch(r"\s*(\d{4})\s*[Qq]\s*([1-4])\s*", str(label))
    if not match:
        raise ValueError(f"not a quarter like 2026Q3: {label!r}")  # i18n: not shown
    return int(match.group(1)), int(match.group(2))


def one_year_earlier(value: date) -> date:
    """Same calendar date a year earlier; 29 February falls back to the 28th.

    Revenue growth compares [start, E] with these dates a year back, each end
    moved on its own, so the two windows cover the same calendar dates. The
    leap day itself has no twin: a window ending on 28 Feb of the year after
    a leap year (T12 ending 2025-02-28 = 2024-03-01..2025-02-28) is compared
    with 2023-03-01..2024-02-28, and a booking on 2024-02-29 counts in
    neither; a window starting or ending on 29 Feb compares from or to 28 Feb
    (2024-02-29..2024-03-31 with 2023-02-28..2023-03-31); a prior window that
    spans a leap February holds 29 Feb like any other day.
    """
    try:
        return value.replace(year=value.year - 1)
    except ValueError:
        return value.replace(year=value.year - 1, day=28)


@dataclass(frozen=True)
class Period:
    """A closed range of days P = [start, end] (METRICS.md: "days inclusive")."""

    start: date
    end: date
    #: what a user reads; left out of equality and repr (so of cache keys):
    #: the same days in English and French are the same period
    label: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.end < self.start:
            end, start = self.end, self.start
            raise ValueError(f"period ends ({end}) before it starts ({start})")  # i18n: not shown

    @property
    def start_day(self) -> int:
        return to_day(self.start)

    @property
    def end_day(self) -> int:
        return to_day(self.end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse ``2026Q3``, ``2026`` or ``2026-01-01..2026-06-30`` (DATA_FORMAT.md)."""
        text = str(text).strip()
        if re.fullmatch(r"\d{4}\s*[Qq]\s*[1-4]", text):
            year, quarter = parse_quarter_label(text)
            start, end = quarter_bounds(year, quarter)
            return cls(start, end, quarter_label(year, quarter))
        if re.fullmatch(r"\d{4}", text):
            year = int(text)
            return cls(date(year, 1, 1), date(year, 12, 31), text)
        match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})", text)
        if match:
            try:
                start, end = (date.fromisoformat(g) for g in match.groups())
            except ValueError as exc:
                raise ValueError(f"not a valid date range: {text!r}") from exc  # i18n: not shown
            return cls(start, end, text)
        expected = "2026Q3, 2026 or 2026-01-01..2026-06-30"
        raise ValueError(f"period must look like {expected}, got {text!r}")  # i18n: not shown

    def quarters(self) -> list[tuple[int, int]]:
        """Every calendar quarter the period touches, in order."""
        year, quarter = quarter_of(self.start)
        found = []
        while True:
            q_start, _ = quarter_bounds(year, quarter)
            if q_start > self.end:
                return found
            found.append((year, quarter))
            year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)

    def shifted_year_back(self) -> Period:
        return Period(one_year_earlier(self.start), one_year_earlier(self.end))


def quarter_to_date(as_of: date) -> Period:
    """The quarter containing the as-of date."""
    start, end = quarter_bounds(*quarter_of(as_of))
    return Period(start, end, quarter_name(*quarter_of(as_of)))


def year_to_date(as_of: date) -> Period:
    return Period(date(as_of.year, 1, 1), date(as_of.year, 12, 31), str(as_of.year))


def trailing_twelve_months(as_of: date) -> Period:
    """The 365 days ending on the as-of date (METRICS.md T12)."""
    return Period(as_of - timedelta(days=364), as_of, _("T12"))


def named(period: Period) -> Period:
    """``period`` (as :meth:`Period.parse` reads it, labelled with its code)
    labelled for people in the request's language: "2026Q3" / "T3 2026",
    a date range as "Jan 1, 2026 – Jun 30, 2026"."""
    label = period.label
    match = re.fullmatch(r"(\d{4})Q([1-4])", label)
    if match:
        label = quarter_name(int(match.group(1)), int(match.group(2)))
    elif ".." in label:
        label = _("{start} – {end}").format(start=formatting.day(period.start),
                                           end=formatting.day(period.end))
    return replace(period, label=label)


def ceil_share(share: float, count: int) -> int:
    """⌈share × count⌉ without float noise (0.2 × 10 must be 2, not 3)."""
    return math.ceil(round(share * count, 9))
