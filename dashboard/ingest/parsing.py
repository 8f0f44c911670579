"""Cell parsers for imported files: text in, (value, reason) out.

Every parser treats a blank cell as *missing* and returns ``(None, None)``:
whether a blank is allowed is the importer's business, not the parser's. A
reason is plain words that fit after "column close_on: " in a report, in the
language of the moment (``dashboard.i18n.translation``): the web page's user's, or English
for the command line.

The ``parse_*_column`` functions do the same for a whole column and are what
the importer uses on files of millions of rows. They take text already passed
through :func:`clean_cells` (stripped, blanks as None) and return a
:class:`ParsedColumn`. Dates, codes and labels repeat a lot, so they are parsed
once per distinct value; numbers rarely repeat, so they go through pandas'
vectorised conversion and only the cells it refuses (``$1,234.50``) are parsed
one by one.

Decimal separators (money, DATA_FORMAT.md "plain decimals or formatted"):

* When both ``,`` and ``.`` appear, the one that appears last is the decimal
  separator and the other groups thousands: ``$1,234.50`` and ``€1.234,50``
  are both 1234.5.
* A lone ``,`` followed by exactly three digits groups thousands (``1,234`` is
  1234) when what comes before it could be a leading group (1-3 digits, not
  starting with 0); any other lone ``,`` is a decimal comma (``0,125``,
  ``1234,567``, ``1 234,50 €``).
* A lone ``.`` is always a decimal point, because that is how plain decimals
  are written, and how the exporter writes money: ``1.234`` is 1.234.
* A separator that appears more than once groups thousands and every group
  after the first must have exactly three digits (``1.234.567``).
* Spaces (including non-breaking ones) and apostrophes are dropped, currency
  symbols and codes are ignored, and ``-12``, ``12-`` and ``(12)`` are
  negative.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import numpy as np
import pandas as pd

from dashboard.i18n.translation import _
from dashboard.storage.schema import (
    DATE,
    FIPS,
    FLAG,
    MONEY,
    NUMBER,
    OPP_STATUSES,
    QUARTER,
    STATUS,
    UNIT_ID_LENGTH,
)

Parsed = tuple[Any, str | None]

#: A text cell the exporter protected against formula injection: one quote
#: prefixed to text that starts with = + - @ tab or carriage return (or with
#: quotes and then one of those, so that text which really starts with a quote
#: survives too).
_QUOTED_FORMULA = re.compile(r"'+[=+\-@\t\r]")

_DATE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?)?",
    re.IGNORECASE,
)
_CURRENCY = re.compile(
    r"[$€£¥₹]|(?<![A-Za-z])(?:USD|EUR|GBP|CAD|AUD|CHF|JPY)(?![A-Za-z])", re.IGNORECASE
)
_DROPPED = re.compile(r"[\s'’]")
_PLAIN_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_WITHOUT_DIGITS_AND_SEPARATORS = str.maketrans("", "", "0123456789.,")
_QUARTER = re.compile(r"(\d{4})\s*[Qq]\s*([1-4])")


@dataclass(frozen=True)
class ParsedColumn:
    """A parsed column and the reasons its bad cells were refused.

    ``values`` has the input's index and the canonical dtype of its kind, with
    missing (None / NaT / NaN) where a cell was blank or refused. ``errors``
    holds a reason only for the refused cells, indexed like the input, so a
    clean column of two million rows carries an empty errors Series.
    """

    values: pd.Series
    errors: pd.Series


def clean_cell(value: Any) -> str | None:
    """Stripped text of a cell, None when blank, formula quote removed.

    The quote removal undoes the exporter's formula-injection guard so that
    an exported file imports back unchanged.
    """
    if not isinstance(value, str):
        value = cell_text(value)
    text = value.strip()
    if not text:
        return None
    if text[0] == "'" and _QUOTED_FORMULA.match(text):
        return text[1:]
    return text


def clean_cells(values: pd.Series) -> pd.Series:
    """:func:`clean_cell` over a column, as an object Series."""
    # Inline the common case (plain text not starting with a quote): a
    # function call per cell would dominate the time on large files.
    stripped = [v.strip() if type(v) is str else clean_cell(v) for v in values.to_numpy(object)]
    cleaned = [t if t and t[0] != "'" else clean_cell(t) for t in stripped]
    return pd.Series(cleaned, index=values.index, dtype=object)


def cell_text(value: Any) -> str:
    """Text of a non-text cell (a spreadsheet number or date, a pandas NA).

    Whole numbers lose their ".0" so that a FIPS code or an id a spreadsheet
    stored as a number reads back as the digits the user typed.
    """
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(float(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if value is pd.NA:
        return ""
    return str(value)


def _cleaned(value: Any, parse: Callable[[str], Parsed]) -> Parsed:
    text = clean_cell(value)
    return (None, None) if text is None else parse(text)


def _shown(text: str) -> str:
    """The cell as quoted in a reason, cut short so garbage stays readable."""
    return text if len(text) <= 40 else text[:37] + "..."


def parse_date(value: Any) -> Parsed:
    """ISO ``YYYY-MM-DD``; a time part (and any zone) is accepted and dropped."""
    return _cleaned(value, _date)


def _date(text: str) -> Parsed:
    match = _DATE.fullmatch(text)
    if match:
        try:
            return date(*(int(g) for g in match.groups())), None
        except ValueError:
            pass
    return None, _("date {value} is not a valid YYYY-MM-DD date").format(value=_shown(text))


def parse_money(value: Any) -> Parsed:
    """An amount, plain (``1234.5``) or formatted (``$1,234.50``, ``1 234,50 €``).

    See the module docstring for which separator is the decimal one.
    """
    return _cleaned(value, _money)


def _money(text: str) -> Parsed:
    value = _money_value(text)
    if value is None:
        return None, _("{value} is not an amount of money (write it like 1234.50)").format(
            value=_shown(text))
    return value, None


def _money_value(text: str) -> float | None:
    body = _DROPPED.sub("", _CURRENCY.sub("", text)).replace("−", "-")
    bracketed = body.startswith("(") and body.endswith(")")
    if bracketed:
        body = body[1:-1]
    signed = body[:1] in ("-", "+") or body.endswith("-")
    if bracketed and signed:
        return None
    negative = bracketed or body[:1] == "-" or body.endswith("-")
    if signed:
        body = body[1:] if body[:1] in ("-", "+") else body[:-1]
    magnitude = _unsigned_decimal(body)
    if magnitude is None:
        return None
    return -magnitude if negative else magnitude


def _unsigned_decimal(body: str) -> float | None:
    if _PLAIN_NUMBER.fullmatch(body):
        value = float(body)
        return value if math.isfinite(value) else None
    if body.translate(_WITHOUT_DIGITS_AND_SEPARATORS) or not body.strip(".,"):
        return None
    if "," in body and "." in body:
        decimal_mark = "," if body.rfind(",") > body.rfind(".") else "."
        whole, fraction = body.rsplit(decimal_mark, 1)
        grouping = "." if decimal_mark == "," else ","
        if decimal_mark in whole or not fraction.isdigit():
            return None
        digits = _grouped_digits(whole, grouping)
        return None if digits is None else float(f"{digits}.{fraction}")
    mark = "," if "," in body else "."
    parts = body.split(mark)
    if len(parts) > 2:
        digits = _grouped_digits(body, mark)
        return None if digits is None else float(digits)
    whole, fraction = parts
    if mark == "," and len(fraction) == 3 and _grouped_digits(body, ",") is not None:
        return float(whole + fraction)
    if not fraction.isdigit() or (whole and not whole.isdigit()):
        return None
    return float(f"{whole or '0'}.{fraction}")


def _grouped_digits(text: str, mark: str) -> str | None:
    """Digits of ``1,234,567`` style text, None unless the groups are well formed."""
    groups = text.split(mark)
    first, rest = groups[0], groups[1:]
    if not (1 <= len(first) <= 3 and first.isdigit()) or first.startswith("0"):
        return None
    if not rest or any(len(g) != 3 or not g.isdigit() for g in rest):
        return None
    return "".join(groups)


def parse_number(value: Any) -> Parsed:
    """A plain number such as a coordinate; a decimal comma (``40,71``) is accepted.

    No thousands grouping: a coordinate never has one, and ``-73,935`` must
    not become -73935.
    """
    return _cleaned(value, _number)


def _number(text: str) -> Parsed:
    body = text.replace("−", "-")
    sign = ""
    if body[:1] in ("-", "+"):
        sign, body = body[0], body[1:]
    if "." not in body and body.count(",") == 1:
        body = body.replace(",", ".")
    if _PLAIN_NUMBER.fullmatch(body):
        value = float(sign + body)
        if math.isfinite(value):
            return value, None
    return None, _("{value} is not a number").format(value=_shown(text))


def parse_fips(value: Any) -> Parsed:
    """A 5-digit county FIPS code, as a string.

    Four digits are accepted and padded (6037 -> "06037"): spreadsheets store
    codes as numbers and drop the leading zero of states 01-09.
    """
    return _cleaned(value, _fips)


#: True while files are read into data on a unit layer of one's own (``units layer:NAME``):
#: the unit column then holds that layer's ids, any text of at most
#: :data:`LAYER_ID_LENGTH` characters, checked against the layer afterwards
_LAYER_UNIT_IDS: ContextVar[bool] = ContextVar("layer_unit_ids", default=False)
#: the stored unit column's width (``schema``: county_fips)
LAYER_ID_LENGTH = UNIT_ID_LENGTH


@contextmanager
def layer_unit_ids(on: bool = True) -> Iterator[None]:
    """Within the block, the unit column (``county_fips``) takes a layer's own ids."""
    token = _LAYER_UNIT_IDS.set(on)
    try:
        yield
    finally:
        _LAYER_UNIT_IDS.reset(token)


def reading_layer_unit_ids() -> bool:
    """True within :func:`layer_unit_ids`: the unit column holds a layer's own ids."""
    return _LAYER_UNIT_IDS.get()


def _fips(text: str) -> Parsed:
    if _LAYER_UNIT_IDS.get():
        if len(text) <= LAYER_ID_LENGTH:
            return text, None
        return None, _("unit id {value} is longer than {count} characters").format(
            value=_shown(text), count=LAYER_ID_LENGTH)
    if text.isascii() and text.isdigit():
        if len(text) == 5:
            return text, None
        if len(text) == 4:
            return "0" + text, None
    return None, _("county FIPS {value} is not a 5-digit code").format(value=_shown(text))


def parse_quarter(value: Any) -> Parsed:
    """A quarter label such as ``2026Q3``, returned in that canonical spelling."""
    return _cleaned(value, _quarter)


def _quarter(text: str) -> Parsed:
    match = _QUARTER.fullmatch(text)
    if not match:
        return None, _("period {value} is not a quarter like 2026Q3").format(value=_shown(text))
    return f"{match.group(1)}Q{match.group(2)}", None


def parse_status(value: Any) -> Parsed:
    """``open``, ``won`` or ``lost`` in any letter case, returned in lower case."""
    return _cleaned(value, _status)


def _status(text: str) -> Parsed:
    status = text.lower()
    if status not in OPP_STATUSES:
        return None, _("status {value} is not one of {choices}").format(
            value=_shown(text), choices=", ".join(OPP_STATUSES))
    return status, None


#: what a flag column (``schema.FLAG``) reads as yes and as no, in any letter case
FLAG_WORDS = {"true": True, "yes": True, "y": True, "1": True,
              "false": False, "no": False, "n": False, "0": False}


def _flag(text: str) -> Parsed:
    flag = FLAG_WORDS.get(text.lower())
    if flag is None:
        return None, _("{value} is not true or false").format(value=_shown(text))
    return flag, None


def _by_distinct_value(
    cells: pd.Series, parse: Callable[[str], Parsed], dtype: str
) -> ParsedColumn:
    """Parse each distinct cell once and spread the results back."""
    codes, distinct = pd.factorize(cells.to_numpy(dtype=object), use_na_sentinel=True)
    results = [parse(v) for v in distinct]
    if dtype == "object":
        parsed = np.array([v for v, _ in results] + [None], dtype=object)
    else:
        parsed = np.array([v for v, _ in results] + [None], dtype="datetime64[s]")
    reasons = np.array([r for _, r in results] + [None], dtype=object)
    # code -1 (a blank cell) picks the trailing None; the dtype is spelled out
    # because pandas 3 would otherwise infer its str dtype for object arrays
    values = pd.Series(parsed[codes], index=cells.index, dtype=parsed.dtype)
    failing = reasons[codes]
    bad = np.flatnonzero(pd.notna(failing))
    errors = pd.Series(failing[bad], index=cells.index[bad], dtype=object)
    return ParsedColumn(values, errors)


def _fast_float(
    cells: pd.Series, parse: Callable[[str], Parsed]
) -> ParsedColumn:
    """pandas converts plain decimals; the cells it refuses are parsed one by one."""
    fast = pd.to_numeric(cells, errors="coerce").astype("float64").to_numpy(copy=True)
    odd = np.flatnonzero(~np.isfinite(fast) & cells.notna().to_numpy())
    results = [parse(text) for text in cells.to_numpy(dtype=object)[odd]]
    fast[odd] = [np.nan if value is None else value for value, _ in results]
    refused = [i for i, (_, reason) in enumerate(results) if reason is not None]
    errors = pd.Series(
        [results[i][1] for i in refused], index=cells.index[odd[refused]], dtype=object
    )
    return ParsedColumn(pd.Series(fast, index=cells.index), errors)


_COLUMN_PARSERS: dict[str, Callable[[pd.Series], ParsedColumn]] = {
    DATE: lambda cells: _by_distinct_value(cells, _date, "datetime64[s]"),
    FIPS: lambda cells: _by_distinct_value(cells, _fips, "object"),
    QUARTER: lambda cells: _by_distinct_value(cells, _quarter, "object"),
    STATUS: lambda cells: _by_distinct_value(cells, _status, "object"),
    FLAG: lambda cells: _by_distinct_value(cells, _flag, "object"),
    MONEY: lambda cells: _fast_float(cells, _money),
    NUMBER: lambda cells: _fast_float(cells, _number),
}


def per_distinct(values: pd.Series, function: Callable[[str], Any]) -> np.ndarray:
    """``function`` of each cell, called once per distinct value: a big
    export repeats its values (a customer's name on each of its order lines,
    a date on thousands), and a Python call per cell is what costs."""
    codes, distinct = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
    results = np.empty(len(distinct), dtype=object)
    results[:] = [function(value) for value in distinct]
    return results[codes]


def stripped(values: pd.Series) -> pd.Series:
    """A column as text without surrounding blanks (missing cells blank)."""
    return pd.Series(per_distinct(values, lambda v: "" if v is None or v != v
                                  else str(v).strip()), index=values.index, dtype=object)


def parse_column(kind: str, cells: pd.Series) -> ParsedColumn:
    """Parse a cleaned column (see :func:`clean_cells`) of a schema kind.

    Ids and free text need no parsing: they come back as they are.
    """
    parser = _COLUMN_PARSERS.get(kind)
    if parser is None:
        return ParsedColumn(cells.astype(object), pd.Series([], dtype=object))
    return parser(cells)
