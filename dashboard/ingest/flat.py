"""Accounts and opportunities out of flat exports.

A deals file carrying its account's columns, or an order-line file, holds one
account many times over. :func:`combine_accounts` keeps one row per account
id, from every file that names it, and reports an account seen with two
different names (an error: which is right cannot be known) or two different
places (a warning: the place most of its rows give is kept, the first of
them on a tie), each time with both rows. :func:`roll_up_orders` turns order
lines into one won opportunity per order, the amount summed.

Rows carry their source as two columns, ``_file`` and ``_row`` (the file and
spreadsheet row they came from), so every problem names them.
"""

from __future__ import annotations

import pandas as pd

from dashboard.i18n.translation import _
from dashboard.ingest.checks import ERROR, WARNING, Problem
from dashboard.ingest.parsing import clean_cells, parse_column
from dashboard.storage.schema import MONEY

FILE, ROW = "_file", "_row"
#: Columns that together say where an account is.
PLACE_COLUMNS = ("county_fips", "postal_code", "city", "state", "lat", "lon", "country")


def _place_text(rows: pd.DataFrame) -> pd.Series:
    present = [c for c in PLACE_COLUMNS if c in rows]
    if not present:
        return pd.Series("", index=rows.index, dtype=object)
    return rows[present].astype(str).apply(lambda r: " | ".join(r.str.strip()), axis=1)


def combine_accounts(rows: pd.DataFrame, headers: dict[tuple[str, str], str]
                     ) -> tuple[pd.DataFrame, list[Problem]]:
    """One row per ``account_id`` from account rows of any number of files.

    ``headers`` maps (file, field) to the header the field was read from, so
    a problem names the user's column. Returns the accounts (the first row
    of each id, its place the one most of its rows give) and the problems.
    """
    problems: list[Problem] = []
    if rows.empty:
        return rows, problems
    rows = rows.copy()
    rows["_place"] = _place_text(rows)
    kept = []
    for account_id, group in rows.groupby("account_id", sort=False):
        first = group.iloc[0]
        problems += _name_conflicts(account_id, group, headers)
        places = group["_place"]
        chosen_place = places.value_counts(sort=True).index[0] \
            if places.nunique() > 1 else places.iloc[0]
        chosen = group[places == chosen_place].iloc[0].copy()
        other = group[places != chosen_place]
        if len(other):
            odd = other.iloc[0]
            column = _first_header(headers, odd[FILE], PLACE_COLUMNS)
            problems.append(Problem(odd[FILE], int(odd[ROW]), column, _(
                "account {id} is in another place here ({here}) than on {file} row {row} "
                "({there}); it is placed as {count} of its {total} rows say").format(
                id=account_id, here=odd["_place"].strip(" |"), file=chosen[FILE],
                row=int(chosen[ROW]), there=chosen_place.strip(" |"),
                count=int((places == chosen_place).sum()), total=len(group)), WARNING))
        for name_column in ("account_name",):
            if name_column in group and not str(chosen.get(name_column, "")).strip():
                chosen[name_column] = first[name_column]
        kept.append(chosen)
    accounts = pd.DataFrame(kept).drop(columns="_place").reset_index(drop=True)
    return accounts, problems


def _first_header(headers: dict[tuple[str, str], str], file: str, fields) -> str | None:
    return next((headers[(file, f)] for f in fields if (file, f) in headers), None)


def _name_conflicts(account_id: str, group: pd.DataFrame,
                    headers: dict[tuple[str, str], str]) -> list[Problem]:
    if "account_name" not in group:
        return []
    names = group["account_name"].astype(str).str.strip()
    named = group[names != ""]
    if names[names != ""].nunique() < 2:
        return []
    first = named.iloc[0]
    problems = []
    seen = {str(first["account_name"]).strip()}
    for _index, row in named.iterrows():
        name = str(row["account_name"]).strip()
        if name in seen:
            continue
        seen.add(name)
        problems.append(Problem(row[FILE], int(row[ROW]), headers.get((row[FILE], "account_name")),
                                _("account {id} is named {name} here but {other} on {file} row "
                                  "{row}: one account id, two names").format(
                                    id=account_id, name=repr(name),
                                    other=repr(str(first["account_name"]).strip()),
                                    file=first[FILE], row=int(first[ROW])), ERROR))
    return problems


def roll_up_orders(lines: pd.DataFrame) -> pd.DataFrame:
    """One won opportunity per order id from order lines (``opportunity_id``,
    ``account_id``, ``amount`` as text, ``close_on`` as ISO text): the amounts
    summed, the order's earliest date as both created and closed, its first
    line's account and source row."""
    amounts = parse_column(MONEY, clean_cells(lines["amount"].astype(str)))
    lines = lines.assign(_amount=amounts.values)
    grouped = lines.groupby("opportunity_id", sort=False)
    orders = grouped.first()
    orders["amount"] = grouped["_amount"].sum(min_count=1).map(
        lambda v: "" if pd.isna(v) else repr(float(v)))
    dates = lines["close_on"].where(lines["close_on"] != "")
    orders["close_on"] = dates.groupby(lines["opportunity_id"], sort=False).min().fillna("")
    orders["created_on"] = orders["close_on"]
    orders["stage"] = "Closed Won"  # i18n: not shown (a stored stage name, METRICS.md's)
    orders["status"] = "won"
    return orders.drop(columns="_amount").reset_index()


def refused_amount_lines(lines: pd.DataFrame) -> pd.Series:
    """Order lines whose amount is not money (they would vanish from a sum)."""
    amounts = parse_column(MONEY, clean_cells(lines["amount"].astype(str)))
    return amounts.errors
