"""AG Grid value formatters in the request's language and currency.

Grid cells are formatted in the browser (sorting and filtering need the raw
numbers), by ``assets/format.js`` with ``Intl.NumberFormat``; each formatter
carries the locale and currency of the request that built the layout, so a
French page's grids read like its cards (Babel on the server).
"""

from __future__ import annotations

import json

from dashboard.i18n import formatting, translation


def _call(function: str, *args) -> dict:
    rendered = ", ".join(json.dumps(a) for a in args)
    return {"function": f"tdFormat.{function}(params.value, {rendered})"}


def money() -> dict:
    """Whole currency units: $1,234 / 1 234 $US."""
    return _call("money", translation.language(), translation.currency())


def money_compact(signed: bool = False) -> dict:
    """$1.2M / 1,2 M $US, what ``formatting.money`` writes (its affixes are
    passed along, so the suffix and its case are the server's); ``signed``
    puts a "+" on gains."""
    return _call("moneyCompact", translation.language(), translation.currency(), signed,
                 formatting.money_affixes())


def with_note(formatter: dict, note_field: str) -> dict:
    """``formatter`` followed by the row's ``note_field`` in brackets when it
    has one ("$12,000 (estimated)"): the cell keeps its number, so it sorts."""
    note = json.dumps(note_field)
    return {"function": f"{formatter['function']} + (params.data && params.data[{note}] "
                        f"? ' (' + params.data[{note}] + ')' : '')"}


def percent(digits: int = 0, signed: bool = False) -> dict:
    return _call("percent", translation.language(), digits, signed)


def number(digits: int = 0, signed: bool = False, suffix: str = "") -> dict:
    """A plain or signed number, with a unit after it ("×", " pt", " d")."""
    return _call("number", translation.language(), digits, signed, suffix)


def day() -> dict:
    """An ISO date cell written as the language does ("Sep 30, 2026" /
    "30 sept. 2026"); the cell keeps the ISO text, so it still sorts."""
    return _call("day", translation.language())
