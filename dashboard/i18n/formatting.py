"""How numbers are written for people: in the request's language and
currency (Babel's CLDR rules: ``$1,234.50`` in English, ``1 234,50 €`` in
French), and "—" for missing, never 0 or ∞."""

from __future__ import annotations

import functools
import math
import re
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import NamedTuple

from babel import Locale
from babel.dates import format_date
from babel.numbers import (
    format_compact_currency,
    format_currency,
    format_percent,
    get_decimal_symbol,
    get_group_symbol,
)

from dashboard.i18n import translation

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


class _Style(NamedTuple):
    """What Babel (CLDR) writes around a number in one language and currency,
    worked out once: formatting a figure is then plain string work. Babel
    itself takes ~0.07 ms a call, and a 500-territory chart formats thousands."""

    decimal: str
    group: str
    #: (before, after) the digits, per power of 1,000: "$" "K" / "" " k $US"
    money: tuple[tuple[str, str], ...]
    percent: tuple[str, str]


@functools.cache
def _style(lang: str, currency: str) -> _Style:
    def around(sample: str) -> tuple[str, str]:
        before, _seven, after = sample.partition("7")
        return before, after

    money_parts = tuple(
        around(format_compact_currency(7 * 1000 ** power, currency, locale=lang,
                                       fraction_digits=0))
        for power in range(len(_POWERS)))
    return _Style(get_decimal_symbol(lang), get_group_symbol(lang), money_parts,
                  around(format_percent(0.07, _percent_pattern(lang, 0, False), locale=lang)))


#: compact money goes up to trillions
_POWERS = (1, 1e3, 1e6, 1e9, 1e12)


def _digits(value, digits: int, style: _Style, strip: bool = False, times_100=False) -> str:
    """``value`` (× 100 for a percent, exactly) rounded half-even like Babel,
    on its decimal text (2.675 → 2.68), grouped and with the language's
    separators; never "-0"."""
    exact = Decimal(repr(float(value)))
    if times_100:
        exact = exact.scaleb(2)
    rounded = exact.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_EVEN)
    if rounded == 0:
        rounded = abs(rounded)
    text = f"{abs(rounded):,.{digits}f}"
    if strip and digits:
        text = text.rstrip("0").rstrip(".")
    text = text.replace(",", "\x00").replace(".", style.decimal).replace("\x00", style.group)
    return ("-" if rounded < 0 else "") + text


def money(value, currency: str | None = None) -> str:
    """Compact money, the one rule of every card, grid, chart tick and hover:
    at most 3 significant digits and at most one decimal, in the language's
    own compact form (CLDR): $789, $9.5K, $147K, $1.2M, $12.3M in English
    (capital K, M, B everywhere); 1,2 M € / 147 k € / 147 k $US in French.
    Whole units under a thousand; 999,999 is "$1M", not "$1000K".
    ``assets/format.js`` (grid cells) and :func:`money_ticks` (chart axes)
    write the same text."""
    if is_missing(value):
        return MISSING
    style = _style(translation.language(), currency or translation.currency())
    magnitude = abs(float(value))
    power = 0
    while True:
        scaled = magnitude / _POWERS[power]
        digits = money_digits(scaled, power)
        if round(scaled, digits) < 1000 or power == len(_POWERS) - 1:
            break
        power += 1
    shown = _digits(scaled, digits, style, strip=True)
    before, after = style.money[power]
    return ("-" if float(value) < 0 and shown.strip("0" + style.decimal) else "") \
        + before + shown + after


def money_digits(scaled: float, power: int) -> int:
    """Decimals of a compact amount (``scaled`` thousands^``power``): one
    below 100 (3 significant digits at most), none from 100 on or in whole units."""
    return 1 if power and scaled < 100 else 0


def money_affixes(currency: str | None = None) -> list[list[str]]:
    """[before, after] the digits per power of 1,000 (units, K, M, B, T) in
    this language and currency, for the grid cells' formatter to write what
    :func:`money` writes: [["$", ""], ["$", "K"], ...] / [["", " $US"], ["", " k $US"], ...]."""
    money_parts = _style(translation.language(), currency or translation.currency()).money
    return [list(pair) for pair in money_parts]


def money_ticks(high, low=0.0, count: int = 5) -> tuple[list[float], list[str]]:
    """Tick values over [low, high] (about ``count`` steps of 1, 2, 2.5 or 5 × 10^k,
    from a multiple of the step at or below ``low`` to one at or above ``high``)
    and their :func:`money` text, so a chart's axis reads like its cards
    ("$500K", "500 k $US"), not Plotly's SI "500k" ("G" for billions)."""
    values, _step = _nice_ticks(high, low, count, (1, 2, 2.5, 5, 10))
    return values, [money(v) for v in values]


def percent_ticks(high, low=0.0, count: int = 5,
                  signed: bool = False) -> tuple[list[float], list[str]]:
    """Tick values over [low, high] for an axis of shares (1 = 100%), in steps
    of 1, 2 or 5 × 10^k percent, and their :func:`percent` text (or
    :func:`signed_percent`), so an axis reads like its cards: "50 %" in
    French with the language's narrow space, where Plotly's ".0%" writes "50%"."""
    values, step = _nice_ticks(high, low, count, (1, 2, 5, 10))
    digits = max(0, math.ceil(-math.log10(step * 100) - 1e-9))
    write = signed_percent if signed else percent
    return values, [write(v, digits) for v in values]


def _nice_ticks(high, low, count: int, multiples) -> tuple[list[float], float]:
    """Round tick values from a multiple of the step at or below ``low`` (at
    most 0) to one at or above ``high`` (at least 0), and the step."""
    low = 0.0 if is_missing(low) else min(float(low), 0.0)
    high = 0.0 if is_missing(high) else max(float(high), 0.0)
    if high - low <= 0:
        high = low + 1.0
    raw = (high - low) / max(count, 1)
    scale = 10.0 ** math.floor(math.log10(raw))
    step = next(m * scale for m in multiples if m * scale >= raw * (1 - 1e-9))
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [round(i * step, 6) for i in range(first, last + 1)], step


def money_exact(value, currency: str | None = None) -> str:
    """Money to the cent, for a figure someone will check: $1,234.50 / 1 234,50 €."""
    if is_missing(value):
        return MISSING
    return format_currency(float(value), currency or translation.currency(),
                           locale=translation.language())


def percent(value, digits: int = 0) -> str:
    if is_missing(value):
        return MISSING
    style = _style(translation.language(), translation.currency())
    before, after = style.percent
    return before + _digits(value, digits, style, times_100=True) + after


def signed_percent(value, digits: int = 0) -> str:
    text = percent(value, digits)
    return text if text == MISSING or text.startswith("-") or float(value) == 0 \
        else "+" + text


def number(value, digits: int = 0) -> str:
    if is_missing(value):
        return MISSING
    return _digits(value, digits, _style(translation.language(), translation.currency()))


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
    return number(value) + "\u00a0" + translation.gettext("d")


def currency_affixes() -> tuple[str, str]:
    """What goes before and after an amount in this language and currency, for
    chart ticks and hovers that format their own numbers: ("$", "") in
    English, ("", " $US") or ("", " €") in French."""
    return _style(translation.language(), translation.currency()).money[0]


def day(value: date) -> str:
    """A date as people write it: "Sep 30, 2026" / "30 sept. 2026"."""
    return format_date(value, "medium", locale=translation.language())
