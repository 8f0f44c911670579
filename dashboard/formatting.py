"""How numbers are written for people: in the request's language and
currency (Babel's CLDR rules: ``$1,234.50`` in English, ``1 234,50 €`` in
French), and "—" for missing, never 0 or ∞."""

from __future__ import annotations

import functools
import math
import re
from datetime import date

from babel import Locale
from babel.dates import format_date
from babel.numbers import (
    format_compact_currency,
    format_currency,
    format_decimal,
    format_percent,
)

from dashboard import i18n

MISSING = "—"


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


@functools.cache
def _percent_pattern(lang: str, digits: int, signed: bool) -> str:
    """The locale's percent pattern ("#,##0%" / "#,##0 %") with ``digits``
    decimals, and a "+" for gains when ``signed``."""
    pattern = Locale.parse(lang).percent_formats[None].pattern.split(";")[0]
    if digits:
        pattern = re.sub(r"0(?=[^0]*$)", "0." + "0" * digits, pattern, count=1)
    return f"+{pattern};-{pattern}" if signed else pattern


def money(value, currency: str | None = None) -> str:
    """Compact money for cards and tables: $1.23M, $456K, 1,23 M $US."""
    if is_missing(value):
        return MISSING
    value = float(value)
    return format_compact_currency(value, currency or i18n.currency(), locale=i18n.language(),
                                   fraction_digits=_compact_digits(value))


def _compact_digits(value: float) -> int:
    """Two decimals while the shown figure is a single digit ($1.23M), one above ($12.3M)."""
    magnitude = abs(value)
    while magnitude >= 1000:
        magnitude /= 1000
    return 2 if magnitude < 10 else 1


def money_exact(value, currency: str | None = None) -> str:
    """Money to the cent, for a figure someone will check: $1,234.50 / 1 234,50 €."""
    if is_missing(value):
        return MISSING
    return format_currency(float(value), currency or i18n.currency(), locale=i18n.language())


def percent(value, digits: int = 0) -> str:
    if is_missing(value):
        return MISSING
    return format_percent(float(value), _percent_pattern(i18n.language(), digits, False),
                          locale=i18n.language())


def signed_percent(value, digits: int = 0) -> str:
    if is_missing(value):
        return MISSING
    return format_percent(float(value), _percent_pattern(i18n.language(), digits, True),
                          locale=i18n.language())


def number(value, digits: int = 0) -> str:
    if is_missing(value):
        return MISSING
    return format_decimal(round(float(value), digits), format="#,##0." + "0" * digits
                          if digits else "#,##0", locale=i18n.language())


def multiple(value, digits: int = 1) -> str:
    if is_missing(value):
        return MISSING
    return number(value, digits) + "×"


def count(value) -> str:
    if is_missing(value):
        return MISSING
    return number(int(round(float(value))))


def days(value) -> str:
    if is_missing(value):
        return MISSING
    return number(value) + "\u00a0" + i18n.gettext("d")


def currency_affixes() -> tuple[str, str]:
    """What goes before and after an amount in this language and currency, for
    chart ticks and hovers that format their own numbers: ("$", "") in
    English, ("", " $US") or ("", " €") in French."""
    sample = format_currency(1, i18n.currency(), format=None, locale=i18n.language())
    before, _one, after = sample.partition("1")
    return before, after.replace("0", "").lstrip(".,")


def day(value: date) -> str:
    """A date as people write it: "Sep 30, 2026" / "30 sept. 2026"."""
    return format_date(value, "medium", locale=i18n.language())
