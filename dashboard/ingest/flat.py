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

import numpy as np
import pandas as pd

from dashboard.i18n.translation import _
from dashboard.ingest.checks import ERROR, WARNING, Problem
from dashboard.ingest.parsing import ParsedColumn, clean_cells, parse_column
from dashboard.storage.schema import MONEY

FILE, ROW = "_file", "_row"
#: Columns that together say where an account is.
PLACE_COLUMNS = ("county_fips", "postal_code", "city", "state", "lat", "lon", "country")


def _place_text(rows: pd.DataFrame) -> pd.Series:
    present = [c for c in PLACE_COLUMNS if c in rows]
    if not present:
        return pd.Series("", index=rows.index, dtype=object)
    text = rows[present[0]].astype(str).str.strip()
    for column in present[1:]:
        text = text.str.cat(rows[column].astype(str).str.strip(), sep=" | ")
    return text


def combine_accounts(rows: pd.DataFrame, headers: dict[tuple[str, str], str]
                     ) -> tuple[pd.DataFrame, list[Problem]]:
    """One row per ``account_id`` from account rows of any number of files.

    ``headers`` maps (file, field) to the header the field was read from, so
    a problem names the user's column. Returns the accounts (the first row
    of each id with the place most of its rows give, its name the first
    given) and the problems. Whole columns at a time: only the accounts in
    conflict are looked at one by one.
    """
    if rows.empty:
        return rows, []
    rows, weight = _collapsed(rows.reset_index(drop=True))
    place = _place_text(rows)
    counts = pd.DataFrame({"account_id": rows["account_id"], "place": place,
                           "order": rows.index, "size": weight}).groupby(
        ["account_id", "place"], sort=False)
    votes = counts.agg(size=("size", "sum"), min=("order", "min")).reset_index()
    # most rows first, then the place seen first; one place per account
    votes = votes.sort_values(["size", "min"], ascending=[False, True], kind="stable")
    chosen = votes.drop_duplicates("account_id")
    kept = rows.loc[chosen["min"].sort_values().to_numpy()].copy()
    totals = pd.Series(weight, index=rows.index).groupby(rows["account_id"], sort=False).sum()
    problems = _place_conflicts(rows, place, chosen, totals, headers)
    if "account_name" in rows:
        names = rows["account_name"].astype(str).str.strip()
        named = rows[names != ""].assign(account_name=names[names != ""])
        first_name = named.drop_duplicates("account_id").set_index("account_id")["account_name"]
        kept["account_name"] = kept["account_id"].map(first_name).fillna("")
        problems += _name_conflicts(named, headers)
    return kept.reset_index(drop=True), problems


def _collapsed(rows: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows differing from every earlier row of their file in some account
    column (the first of a customer's order lines, not the 40 that repeat it),
    in their order, and how many rows each stands for. Every vote and report
    below reads the first row of a kind and counts rows, so they come out the
    same on the collapsed rows, for a fraction of a big export's cost."""
    same = [c for c in rows.columns if c != ROW]
    group = rows.groupby(same, sort=False, dropna=False).ngroup().to_numpy()
    _ids, first = np.unique(group, return_index=True)
    return rows.iloc[first].reset_index(drop=True), np.bincount(group)


def _first_header(headers: dict[tuple[str, str], str], file: str, fields) -> str | None:
    return next((headers[(file, f)] for f in fields if (file, f) in headers), None)


def _place_conflicts(rows: pd.DataFrame, place: pd.Series, chosen: pd.DataFrame,
                     totals: pd.Series, headers: dict[tuple[str, str], str]) -> list[Problem]:
    chosen_place = rows["account_id"].map(chosen.set_index("account_id")["place"])
    other = rows[place != chosen_place].drop_duplicates("account_id")
    problems = []
    by_account = chosen.set_index("account_id")
    for index, odd in other.iterrows():
        account_id = odd["account_id"]
        first = rows.loc[by_account.at[account_id, "min"]]
        problems.append(Problem(odd[FILE], int(odd[ROW]), _first_header(
            headers, odd[FILE], PLACE_COLUMNS), _(
            "account {id} is in another place here ({here}) than on {file} row {row} "
            "({there}); it is placed as {count} of its {total} rows say").format(
            id=account_id, here=place[index].strip(" |"), file=first[FILE],
            row=int(first[ROW]), there=by_account.at[account_id, "place"].strip(" |"),
            count=int(by_account.at[account_id, "size"]), total=int(totals[account_id])),
            WARNING))
    return problems


def _name_conflicts(named: pd.DataFrame, headers: dict[tuple[str, str], str]) -> list[Problem]:
    """Each other name an account id is given, at its first row, with the first name's row."""
    distinct = named.drop_duplicates(["account_id", "account_name"])
    first = distinct.drop_duplicates("account_id").set_index("account_id")
    problems = []
    for _index, row in distinct[distinct.duplicated("account_id")].iterrows():
        other = first.loc[row["account_id"]]
        problems.append(Problem(
            row[FILE], int(row[ROW]), headers.get((row[FILE], "account_name")),
            _("account {id} is named {name} here but {other} on {file} row {row}: one "
              "account id, two names").format(
                id=row["account_id"], name=repr(row["account_name"]),
                other=repr(other["account_name"]), file=other[FILE], row=int(other[ROW])),
            ERROR))
    return problems


def line_amounts(lines: pd.DataFrame) -> ParsedColumn:
    """Each order line's amount as money; ``errors`` holds the lines whose
    amount is not money (they would vanish from a sum)."""
    return parse_column(MONEY, clean_cells(lines["amount"].astype(str)))


def roll_up_orders(lines: pd.DataFrame, amounts: pd.Series | None = None) -> pd.DataFrame:
    """One won opportunity per order id from order lines (``opportunity_id``,
    ``account_id``, ``amount`` as text, ``close_on`` as ISO text): the amounts
    (parsed already, or read here) summed, the order's earliest date as both
    created and closed, its first line's account and source row."""
    if amounts is None:
        amounts = line_amounts(lines).values
    lines = lines.assign(_amount=amounts.to_numpy())
    grouped = lines.groupby("opportunity_id", sort=False)
    orders = grouped.first()
    orders["amount"] = grouped["_amount"].sum(min_count=1).map(
        lambda v: "" if pd.isna(v) else repr(float(v)))
    # ISO text sorts as dates do (a string groupby min is a Python loop per order)
    dated = lines[lines["close_on"] != ""].sort_values("close_on", kind="stable")
    earliest = dated.drop_duplicates("opportunity_id").set_index("opportunity_id")["close_on"]
    orders["close_on"] = orders.index.map(earliest).fillna("")
    orders["created_on"] = orders["close_on"]
    orders["stage"] = "Closed Won"  # i18n: not shown (a stored stage name, METRICS.md's)
    orders["status"] = "won"
    return orders.drop(columns="_amount").reset_index()
