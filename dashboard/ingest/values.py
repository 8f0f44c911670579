"""Values a CRM writes its own way: deal stages as statuses, yes/no flags, currencies.

Stages map to DATA_FORMAT.md's status through a table the user can edit:
by default ``Closed Won`` (and HubSpot's ``closedwon``) is won, ``Closed
Lost`` lost, every other stage open. An import holds one currency: amounts
written with two different currency signs or codes, or a currency column
with two values, are refused with the reason, since adding dollars to euros
would give a number that means nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

from dashboard.i18n.translation import _

WON, LOST, OPEN = "won", "lost", "open"
#: Default stage -> status, keyed by :func:`stage_key`; any other stage is open.
DEFAULT_STAGE_STATUS = {"closed won": WON, "closedwon": WON, "won": WON,
                        "closed lost": LOST, "closedlost": LOST, "lost": LOST}
_TRUE = {"true", "yes", "y", "1", "x", "won", "closed"}

_CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
_CURRENCY = re.compile(
    r"[$€£¥₹]|(?<![A-Za-z])(USD|EUR|GBP|CAD|AUD|CHF|JPY|INR|CNY|MXN|BRL|SEK|NOK|DKK)(?![A-Za-z])",
    re.IGNORECASE)


def stage_key(stage: str) -> str:
    """A stage as looked up: lower case, runs of other characters as one space."""
    return re.sub(r"[^a-z0-9]+", " ", stage.lower()).strip()


def stage_statuses(stages: Iterable[str], edits: Mapping[str, str] | None = None
                   ) -> dict[str, str]:
    """Each distinct stage (as written) and its status: the user's ``edits``
    (keyed by the stage as written) over the default table."""
    edits = edits or {}
    table = {}
    for stage in stages:
        if not stage:
            continue
        table[stage] = edits.get(stage) or DEFAULT_STAGE_STATUS.get(stage_key(stage), OPEN)
    return table


def is_true(cells: pd.Series) -> pd.Series:
    """A yes/no column (``TRUE``, ``1``, ``Yes``…) as booleans; blank is no."""
    return cells.astype(str).str.strip().str.lower().isin(_TRUE)


def status_from_flags(won: pd.Series, closed: pd.Series) -> pd.Series:
    """Salesforce's ``Won`` and ``Closed``: won, closed and not won = lost, else open."""
    won_flag, closed_flag = is_true(won), is_true(closed)
    status = pd.Series(OPEN, index=won.index, dtype=object)
    status[closed_flag] = LOST
    status[won_flag] = WON
    return status


def currencies_in(cells: pd.Series) -> set[str]:
    """Currency codes written in amount cells (``$`` read as USD)."""
    # one search over every distinct cell joined by line breaks (which no
    # code spans): a regex call per cell was seconds on a big export
    text = "\n".join(pd.unique(cells.astype(str)))
    return {_CURRENCY_SIGNS.get(sign, sign.upper())
            for sign in (match.group(0) for match in _CURRENCY.finditer(text))}


def currency_code_values(cells: pd.Series) -> set[str]:
    """The distinct codes of a currency column (blank ignored)."""
    return {v.strip().upper() for v in pd.unique(cells.astype(str)) if v.strip()}


def mixed_currency_reason(found: set[str]) -> str | None:
    """Why an import holding these currencies is refused, or None for one or none."""
    if len(found) < 2:
        return None
    return _("amounts are in {count} currencies ({codes}); an import holds one currency: "
             "convert them to one, or import each currency on its own").format(
        count=len(found), codes=", ".join(sorted(found)))
