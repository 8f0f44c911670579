"""What kind of file a CRM export is, and which of its columns hold which field.

Headers are compared once normalised (lower case, letters and digits only:
``Billing Zip/Postal Code`` is ``billingzippostalcode``) against the labels
Salesforce, HubSpot, Zoho, a plain retail order export and DATA_FORMAT.md itself
use. Each file gets a *kind*:

* ``accounts``, ``territories``, ``alignment``, ``reps``, ``quotas``: the
  DATA_FORMAT.md tables (HubSpot's companies and Salesforce's accounts report
  are ``accounts``);
* ``opportunities``: deals that name their account and nothing more of it;
* ``flat_deals``: deals carrying their account's columns (its place, segment,
  industry): they give both accounts and opportunities;
* ``orders``: order lines, every row a won sale: lines roll up to one
  opportunity per order, and the customers become accounts.

Target fields are DATA_FORMAT.md column names plus a few that exist only on
the way in: ``postal_code``, ``city``, ``state``, ``country`` (where an
account is), ``won_flag`` and ``closed_flag`` (Salesforce's ``Won`` and
``Closed``), ``currency`` (a currency code column).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

ACCOUNTS, OPPORTUNITIES, FLAT_DEALS, ORDERS = "accounts", "opportunities", "flat_deals", "orders"
TERRITORIES, ALIGNMENT, REPS, QUOTAS = "territories", "alignment", "reps", "quotas"
#: Tried in this order; the first kind with the most columns recognised wins a tie.
KINDS = (ORDERS, OPPORTUNITIES, ACCOUNTS, REPS, QUOTAS, ALIGNMENT, TERRITORIES)

#: Fields that say where an account is.
PLACE_FIELDS = ("county_fips", "postal_code", "city", "state", "lat", "lon", "country")
#: Account fields a deal or order row may carry (its account's columns).
ACCOUNT_FIELDS = ("account_name", "industry", "segment", "annual_potential",
                  "customer_since", "churned_on", *PLACE_FIELDS)


def normalise(header: str) -> str:
    """A header as compared: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", str(header).lower())


def _labels(*labels: str) -> tuple[str, ...]:
    return tuple(normalise(label) for label in labels)


_PLACES = {
    "county_fips": _labels("county_fips", "County FIPS", "FIPS", "County FIPS Code",
                           "unit_id", "Unit ID", "Unit Code"),  # a layer of one's own
    "postal_code": _labels(
        "postal_code", "Postal Code", "Zip", "ZIP Code", "Zip Code", "Postcode",
        "Billing Zip/Postal Code", "Shipping Zip/Postal Code", "Mailing Zip/Postal Code",
        "Billing Code", "Billing Zip", "Zip/Postal Code"),
    "city": _labels("city", "Billing City", "Shipping City", "Town"),
    "state": _labels("state", "State/Region", "State/Province", "Billing State/Province",
                     "Shipping State/Province", "Billing State", "State Code", "Province"),
    "country": _labels("country", "Country/Region", "Billing Country", "Shipping Country"),
    "lat": _labels("lat", "Latitude", "Billing Latitude"),
    "lon": _labels("lon", "lng", "long", "Longitude", "Billing Longitude"),
}
_ACCOUNT = {
    "account_name": _labels("account_name", "Account Name", "Company name", "Company",
                            "Customer Name", "Customer", "Account"),
    "industry": _labels("industry", "Industry"),
    "segment": _labels("segment", "Segment", "Customer Segment"),
    "annual_potential": _labels("annual_potential", "Annual Potential", "Potential"),
    "customer_since": _labels("customer_since", "Customer Since"),
    "churned_on": _labels("churned_on", "Churned On", "Churn Date"),
    "territory_override": _labels("territory_override"),
    **_PLACES,
}
_DEAL = {
    "opportunity_id": _labels("opportunity_id", "Opportunity ID", "Deal ID", "Record ID",
                              "Opportunity Number", "Deal Number"),
    "account_id": _labels("account_id", "Account ID", "Associated Company IDs",
                          "Associated Company ID", "Company ID", "Account Number"),
    "amount": _labels("amount", "Amount", "Deal Amount", "Opportunity Amount",
                      "Total Price", "Amount (converted)"),
    "stage": _labels("stage", "Stage", "Deal Stage", "Opportunity Stage", "Sales Stage"),
    "status": _labels("status", "Status", "Deal Status"),
    "created_on": _labels("created_on", "Created Date", "Create Date", "Created Time",
                          "Created On", "Date Created"),
    "close_on": _labels("close_on", "Close Date", "Closing Date", "Closed Date",
                        "Expected Close Date"),
    "won_flag": _labels("Won", "Is Won"),
    "closed_flag": _labels("Closed", "Is Closed"),
    "currency": _labels("currency", "Currency", "Opportunity Currency", "Deal Currency Code",
                        "Currency Code"),
}
_ORDER = {
    "opportunity_id": _labels("Order ID", "Order Number", "Order No", "Invoice", "Invoice ID",
                              "Invoice Number"),
    "account_id": _labels("Customer ID", "Customer Number", "Account ID", "account_id"),
    "amount": _labels("Sales", "Amount", "Order Total", "Total", "Revenue", "Line Total",
                      "Sales Amount"),
    "close_on": _labels("Order Date", "Invoice Date", "Date"),
    "currency": _DEAL["currency"],
}
_TERRITORY = {
    "territory_id": _labels("territory_id", "Territory ID", "Territory Code"),
    "territory_name": _labels("territory_name", "Territory Name", "Territory"),
    "region": _labels("region", "Region", "Sales Region"),
}
_REP = {
    "rep_id": _labels("rep_id", "Rep ID", "User ID", "Employee ID", "Owner ID"),
    "rep_name": _labels("rep_name", "Rep Name", "Full Name", "Name", "Owner Name", "User"),
    "email": _labels("email", "Email", "E-mail", "Email Address"),
    "territory_id": _TERRITORY["territory_id"],
    "home_lat": _labels("home_lat", "Home Latitude"),
    "home_lon": _labels("home_lon", "Home Longitude"),
}
VOCABULARY: dict[str, dict[str, tuple[str, ...]]] = {
    ACCOUNTS: {"account_id": _labels("account_id", "Account ID", "Record ID", "Company ID",
                                     "Customer ID", "Account Number"), **_ACCOUNT},
    OPPORTUNITIES: {**_DEAL, **{k: v for k, v in _ACCOUNT.items()
                                if k not in ("territory_override",)}},
    ORDERS: {**_ORDER, **{k: v for k, v in _ACCOUNT.items() if k != "territory_override"}},
    TERRITORIES: _TERRITORY,
    ALIGNMENT: {"county_fips": _PLACES["county_fips"],
                "territory_id": _TERRITORY["territory_id"],
                "effective_from": _labels("effective_from", "Effective From", "Effective Date")},
    REPS: _REP,
    QUOTAS: {"territory_id": _TERRITORY["territory_id"],
             "period": _labels("period", "Quarter", "Period", "Fiscal Quarter"),
             "amount": _labels("amount", "Quota", "Quota Amount", "Target"),
             "segment": _labels("segment", "Segment")},
}
#: A kind is considered only when one of these fields is recognised: what
#: tells a deal from an account carrying the same place columns.
SIGNALS = {
    ORDERS: ("opportunity_id", "close_on"),  # only the order labels map to them
    OPPORTUNITIES: ("stage", "close_on", "won_flag"),
    ACCOUNTS: ("account_id", "account_name"),
    REPS: ("rep_name", "email"),
    QUOTAS: ("period",),
    ALIGNMENT: ("county_fips",),
    TERRITORIES: ("territory_name",),
}
#: Fields of a file of each kind that cannot be left unmapped, and why.
REQUIRED = {
    ACCOUNTS: ("account_id", "account_name"),
    OPPORTUNITIES: ("opportunity_id", "amount", "created_on", "close_on"),
    FLAT_DEALS: ("opportunity_id", "amount", "created_on", "close_on"),
    ORDERS: ("opportunity_id", "account_id", "amount", "close_on"),
    TERRITORIES: ("territory_id", "territory_name", "region"),
    ALIGNMENT: ("county_fips", "territory_id"),
    REPS: ("rep_id", "rep_name", "email"),
    QUOTAS: ("territory_id", "period", "amount"),
}


@dataclass(frozen=True)
class Recognised:
    """A file's kind and the field each of its headers holds (None: not used)."""

    kind: str | None
    columns: dict[str, str | None]


def map_headers(headers: Iterable[str], kind: str) -> dict[str, str | None]:
    """Each header's field in ``kind``'s vocabulary; a field goes to the first
    header that names it, so ``Billing City`` and ``Shipping City`` do not
    both become ``city``."""
    vocabulary = VOCABULARY[OPPORTUNITIES if kind == FLAT_DEALS else kind]
    by_label = {}
    for field, labels in vocabulary.items():
        for label in labels:
            by_label.setdefault(label, field)
    taken: set[str] = set()
    mapped: dict[str, str | None] = {}
    for header in headers:
        field = by_label.get(normalise(header))
        if field is not None and field in taken:
            field = None
        if field is not None:
            taken.add(field)
        mapped[header] = field
    return mapped


def recognise(headers: list[str]) -> Recognised:
    """The kind of a file with these headers and its proposed column mapping;
    kind None when nothing is recognised."""
    best: Recognised | None = None
    best_score = 0
    for kind in KINDS:
        mapped = map_headers(headers, kind)
        fields = {f for f in mapped.values() if f}
        if not fields & set(SIGNALS[kind]):
            continue
        if kind == ALIGNMENT and "account_name" in fields:
            continue
        score = len(fields)
        if score > best_score:
            best, best_score = Recognised(kind, mapped), score
    if best is None:
        return Recognised(None, {h: None for h in headers})
    fields = set(best.columns.values())
    if best.kind == OPPORTUNITIES and fields & set(PLACE_FIELDS):
        return Recognised(FLAT_DEALS, best.columns)
    return best


def missing_required(kind: str, columns: dict[str, str | None]) -> list[str]:
    """Required fields of ``kind`` no header is mapped to."""
    fields = set(columns.values())
    missing = [f for f in REQUIRED.get(kind, ()) if f not in fields]
    if kind in (OPPORTUNITIES, FLAT_DEALS):
        if not fields & {"account_id", "account_name"}:
            missing.append("account_id")
        if not fields & {"stage", "status", "won_flag"}:
            missing.append("stage")
    return missing
