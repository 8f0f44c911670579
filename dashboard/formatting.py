"""How numbers are written for people: "—" for missing, never 0 or ∞."""

from __future__ import annotations

import math

MISSING = "—"


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def money(value, currency: str = "$") -> str:
    """Compact money: $1.23 M, $456 k, $789."""
    if is_missing(value):
        return MISSING
    sign = "-" if value < 0 else ""
    value = abs(float(value))
    for limit, suffix in ((1e9, " B"), (1e6, " M"), (1e3, " k")):
        if value >= limit:
            return f"{sign}{currency}{value / limit:,.{2 if value < 10 * limit else 1}f}{suffix}"
    return f"{sign}{currency}{value:,.0f}"


def percent(value, digits: int = 0) -> str:
    if is_missing(value):
        return MISSING
    return f"{float(value) * 100:,.{digits}f}%"


def signed_percent(value, digits: int = 0) -> str:
    if is_missing(value):
        return MISSING
    return f"{float(value) * 100:+,.{digits}f}%"


def multiple(value, digits: int = 1) -> str:
    if is_missing(value):
        return MISSING
    return f"{float(value):,.{digits}f}×"


def count(value) -> str:
    if is_missing(value):
        return MISSING
    return f"{int(round(float(value))):,}"


def days(value) -> str:
    if is_missing(value):
        return MISSING
    return f"{float(value):,.0f} d"
