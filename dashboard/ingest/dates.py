"""Dates as CRM exports write them, detected one column at a time.

A column is read in one order for all its cells: ISO (``2026-03-15``, a time
part dropped), month first (``3/15/2026``, ``03/15/26``), day first
(``15/03/2026``, ``15.03.26``) or Excel serial numbers (``46096``). Detection
tries each order on every distinct value; the orders that read them all are
the column's candidates. When both month-first and day-first read every value
(every day is 12 or less) the column is *ambiguous*: :func:`detect` says so and
the user must answer; it is never guessed.

Two-digit years follow the POSIX rule (``strptime``'s ``%y``): 00-68 are
2000-2068, 69-99 are 1969-1999.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from dashboard.i18n.translation import _
from dashboard.ingest.parsing import per_distinct

ISO, MDY, DMY, SERIAL = "iso", "mdy", "dmy", "serial"
ORDERS = (ISO, MDY, DMY, SERIAL)
#: How each order is named to the user (the values a profile stores).
ORDER_LABELS = {ISO: "YYYY-MM-DD", MDY: "MM/DD/YYYY", DMY: "DD/MM/YYYY",
                SERIAL: "Excel serial"}  # i18n: not shown (formats, said the same everywhere)

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?")
_SLASHED = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:[ T].*)?")
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")
#: Excel's day 0 (its serials count from 1900-01-01 = 1, with the 1900 leap-day bug).
_EXCEL_EPOCH = date(1899, 12, 30)
#: Serials read as dates only between 1954 and 2119: a 5-digit id is not a date.
_SERIAL_RANGE = (20000, 80000)


def _year(text: str) -> int:
    if len(text) == 4:
        return int(text)
    two = int(text)
    return 2000 + two if two <= 68 else 1900 + two


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse(text: str, order: str) -> date | None:
    """One cell in one order; None when it does not read as a date that way."""
    text = text.strip()
    if order == ISO:
        match = _ISO.fullmatch(text)
        return match and _make(*(int(g) for g in match.groups()))
    if order == SERIAL:
        if not _SERIAL.fullmatch(text):
            return None
        days = float(text)
        if not _SERIAL_RANGE[0] <= days <= _SERIAL_RANGE[1]:
            return None
        return _EXCEL_EPOCH + timedelta(days=int(days))
    match = _SLASHED.fullmatch(text)
    if not match:
        return None
    first, second, year = match.groups()
    month, day = (first, second) if order == MDY else (second, first)
    return _make(_year(year), int(month), int(day))


@dataclass(frozen=True)
class Detected:
    """What :func:`detect` found in a column.

    ``order`` is the one order that reads every value (None when no order
    does, or when the column is ambiguous); ``candidates`` every order that
    does; ``unreadable`` the first values no order reads (for the report).
    """

    order: str | None
    candidates: tuple[str, ...]
    unreadable: tuple[str, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return self.order is None and {MDY, DMY} <= set(self.candidates)


def detect(values: pd.Series) -> Detected:
    """The order a column's dates are written in (blank cells ignored)."""
    distinct = [v for v in pd.unique(values.astype(str).str.strip()) if v]
    if not distinct:
        return Detected(ISO, (ISO,))
    fits = tuple(o for o in ORDERS if all(parse(v, o) is not None for v in distinct))
    if len(fits) == 1:
        return Detected(fits[0], fits)
    if fits:  # month-first and day-first both read every value
        return Detected(None, fits)
    unreadable = tuple(v for v in distinct if all(parse(v, o) is None for o in ORDERS))
    if not unreadable:  # each value reads some way, but no one way reads them all
        best = max(ORDERS, key=lambda o: sum(parse(v, o) is not None for v in distinct))
        unreadable = tuple(v for v in distinct if parse(v, best) is None)
    return Detected(None, (), unreadable[:5])


def to_iso(values: pd.Series, order: str) -> tuple[pd.Series, pd.Series]:
    """The column as ISO text in ``order``, and a mask of the cells that did
    not read (blank cells stay blank and are not failures)."""
    def read(cell: object) -> tuple[str, bool]:
        text = "" if cell is None or cell != cell else str(cell).strip()
        day = parse(text, order) if text else None
        return (day.isoformat() if day else "", bool(text) and day is None)

    pairs = per_distinct(values, read)
    iso = pd.Series([pair[0] for pair in pairs], index=values.index, dtype=object)
    failed = pd.Series([pair[1] for pair in pairs], index=values.index, dtype=bool)
    return iso, failed


def describe_ambiguous(column: str) -> str:
    """The reason an ambiguous column is reported with."""
    return _("every date in {column} reads both as month/day and as day/month (no day "
             "above 12): say which order it is written in (MM/DD/YYYY or DD/MM/YYYY)"
             ).format(column=column)
