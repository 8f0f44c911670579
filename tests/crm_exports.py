"""CRM exports written from DATA_FORMAT.md tables (the native export's files,
read as text): what a Salesforce, HubSpot or retail order system would give
for the same accounts and deals. Pure: tables in, CSV text out.

What each export can carry, and so what the round-trip tests import beside it
as native files:

* none carries territories, alignment, reps or quotas (a CRM's territories are
  not counties): those always come as DATA_FORMAT.md files;
* an account's place is its ZIP code (``zip_of_county``: a ZIP the offline
  ZIP table places in the account's county) and its state; its latitude and
  longitude become the ZIP's centre, which no KPI reads;
* ``Annual Potential``, ``Customer Since`` and ``Churn Date`` travel as the
  custom fields a CRM admin adds (Salesforce, HubSpot) or as columns of the
  customer master joined onto the order lines;
* an order export holds won sales only, each order on the day it was placed:
  the same data, natively, is the accounts with a won deal and their won deals
  created on their close date (:func:`orders_as_native`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

import pandas as pd

#: Account columns a CRM admin adds as custom fields, by DATA_FORMAT.md field.
CUSTOM = {"annual_potential": "Annual Potential", "customer_since": "Customer Since",
          "churned_on": "Churn Date"}


def _csv(header: list[str], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def us_date(iso: str) -> str:
    """``2025-03-05`` -> ``3/5/2025`` (Salesforce's US date); blank stays blank."""
    if not iso:
        return ""
    year, month, day = iso.split("-")
    return f"{int(month)}/{int(day)}/{year}"


def mm_dd_yyyy(iso: str) -> str:
    """``2025-03-05`` -> ``03/05/2025``."""
    if not iso:
        return ""
    year, month, day = iso.split("-")
    return f"{month}/{day}/{year}"


def dollars(amount: str) -> str:
    """``1234.5`` -> ``$1,234.50``."""
    return f"${float(amount):,.2f}"


def _custom(account: pd.Series, write_date) -> list[str]:
    return [account["annual_potential"], write_date(account["customer_since"]),
            write_date(account["churned_on"])]


def salesforce(accounts: pd.DataFrame, deals: pd.DataFrame, zip_of_county: Mapping[str, str],
               state_of_county: Mapping[str, str]) -> dict[str, str]:
    """An Accounts report and an Opportunities report, standard labels, US
    dates, money as ``$1,234.50``, the Won and Closed flags."""
    account_rows = [[a["account_id"], a["account_name"], a["industry"], a["segment"],
                     state_of_county[a["county_fips"]], zip_of_county[a["county_fips"]],
                     "United States", *_custom(a, us_date)]
                    for _i, a in accounts.iterrows()]
    names = accounts.set_index("account_id")["account_name"]
    deal_rows = [[d["opportunity_id"], f"{names[d['account_id']]} deal", d["account_id"],
                  names[d["account_id"]], dollars(d["amount"]), d["stage"],
                  us_date(d["close_on"]), us_date(d["created_on"]),
                  int(d["status"] == "won"), int(d["status"] != "open")]
                 for _i, d in deals.iterrows()]
    return {
        "Accounts report.csv": _csv(
            ["Account ID", "Account Name", "Industry", "Segment", "Billing State/Province",
             "Billing Zip/Postal Code", "Billing Country", *CUSTOM.values()], account_rows),
        "Opportunities report.csv": _csv(
            ["Opportunity ID", "Opportunity Name", "Account ID", "Account Name", "Amount",
             "Stage", "Close Date", "Created Date", "Won", "Closed"], deal_rows),
    }


#: HubSpot's labels of the closed stages (its default pipeline's)
_HUBSPOT_STAGES = {"Closed Won": "Closed won", "Closed Lost": "Closed lost"}


def hubspot(accounts: pd.DataFrame, deals: pd.DataFrame, zip_of_county: Mapping[str, str],
            state_of_county: Mapping[str, str]) -> dict[str, str]:
    """A deals export and a companies export: ``Record ID`` on both, the deal's
    company in ``Associated Company IDs``, dates as HubSpot writes them
    (``2025-03-05 09:30``), plain amounts."""
    company_rows = [[a["account_id"], a["account_name"], a["industry"], a["segment"],
                     zip_of_county[a["county_fips"]], state_of_county[a["county_fips"]],
                     "United States", *_custom(a, str)]
                    for _i, a in accounts.iterrows()]
    deal_rows = [[d["opportunity_id"], f"Deal {d['opportunity_id']}",
                  _HUBSPOT_STAGES.get(d["stage"], d["stage"]), d["amount"],
                  f"{d['close_on']} 17:00", f"{d['created_on']} 09:30", d["account_id"],
                  "Sales Pipeline"]
                 for _i, d in deals.iterrows()]
    return {
        "hubspot-crm-exports-all-companies.csv": _csv(
            ["Record ID", "Company name", "Industry", "Segment", "Postal code", "State/Region",
             "Country/Region", *CUSTOM.values()], company_rows),
        "hubspot-crm-exports-all-deals.csv": _csv(
            ["Record ID", "Deal Name", "Deal Stage", "Amount", "Close Date", "Create Date",
             "Associated Company IDs", "Pipeline"], deal_rows),
    }


def _lines(amount: str) -> list[str]:
    """An order's amount as two lines when it splits into whole dollars (so
    the import must sum them back), else one."""
    total = float(amount)
    if total >= 2 and total == int(total):
        first = int(total) // 2
        return [str(first), str(int(total) - first)]
    return [amount]


def orders(accounts: pd.DataFrame, deals: pd.DataFrame, zip_of_county: Mapping[str, str],
           state_of_county: Mapping[str, str]) -> dict[str, str]:
    """A retail order-line export of the won deals (one order per deal, in
    one or two lines), ``MM/DD/YYYY`` dates, ZIP codes, the customer master's
    columns on every line."""
    by_id = accounts.set_index("account_id")
    rows = []
    for _i, deal in deals[deals["status"] == "won"].iterrows():
        account = by_id.loc[deal["account_id"]]
        for amount in _lines(deal["amount"]):
            rows.append([deal["opportunity_id"], mm_dd_yyyy(deal["close_on"]), "",
                         deal["account_id"], account["account_name"], account["segment"],
                         state_of_county[account["county_fips"]],
                         zip_of_county[account["county_fips"]], amount,
                         *_custom(account, mm_dd_yyyy)])
    return {"Orders.csv": _csv(
        ["Order ID", "Order Date", "Ship Date", "Customer ID", "Customer Name", "Segment",
         "State", "Postal Code", "Sales", *CUSTOM.values()], rows)}


def orders_as_native(accounts: pd.DataFrame, deals: pd.DataFrame
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What an order export holds, as DATA_FORMAT.md tables: the accounts
    with a won deal, and those deals created the day they closed."""
    won = deals[deals["status"] == "won"].assign(created_on=lambda d: d["close_on"])
    return accounts[accounts["account_id"].isin(won["account_id"])], won
