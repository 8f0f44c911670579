# ruff: noqa: E501  (the exports are written as their CRMs write them, one line per row)
"""The mapping step on small hand-made CRM exports, every expectation worked out by hand."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from dashboard.ingest import dates, mapping, places, recognise, values
from dashboard.ingest.reading import read_cells

SALESFORCE = """Opportunity ID,Opportunity Name,Account Name,Amount,Stage,Close Date,Created Date,Won,Closed,Billing Zip/Postal Code,Billing State/Province
006A1,Acme renewal,Acme Corp,"$1,200.00",Closed Won,3/15/2025,1/10/2025,1,1,77429,TX
006A2,Acme upsell,Acme Corp,$800.00,Closed Lost,4/20/2025,1/25/2025,0,1,77429,TX
006B1,Globex new,Globex,"$2,500.50",Closed Won,5/2/2025,3/3/2025,1,1,10001,NY
006B2,Globex expansion,Globex,$999.99,Negotiation,9/30/2025,6/1/2025,0,0,10001,NY
"""
HUBSPOT_DEALS = """Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Associated Company IDs,Pipeline
901,Big deal,Closed won,5000,2025-06-30,2025-01-15,11,Sales Pipeline
902,Lost one,Closed lost,700,2025-05-01,2025-02-01,12,Sales Pipeline
903,Open one,Appointment scheduled,300,2025-12-01,2025-04-01,11;12,Sales Pipeline
"""
HUBSPOT_COMPANIES = """Record ID,Company name,Postal code,State/Region,City,Country/Region,Industry
11,Initech,07029,NJ,Harrison,United States,Software
12,Hooli,94043,CA,Mountain View,United States,Internet
13,Maple Co,K1A 0B1,ON,Ottawa,Canada,Retail
"""
ZOHO = """Record Id,Deal Name,Account Name,Amount,Closing Date,Created Time,Stage
z1,First,Umbrella,100,15/04/2025,02/01/2025,Closed Won
z2,Second,Umbrella,200,30/06/2025,13/03/2025,Closed Lost
"""
ORDERS = """Order ID,Order Date,Ship Date,Customer ID,Customer Name,Segment,City,State,Postal Code,Region,Sales
CA-1,08/11/2024,11/11/2024,CG-1,Claire Gute,Consumer,Henderson,Kentucky,42420,South,261.96
CA-1,08/11/2024,11/11/2024,CG-1,Claire Gute,Consumer,Henderson,Kentucky,42420,South,731.94
CA-2,12/06/2024,16/06/2024,DV-1,Darrin Van Huff,Corporate,Los Angeles,California,90036,West,14.62
CA-3,11/10/2024,18/10/2024,CG-1,Claire Gute,Consumer,Henderson,Kentucky,42420,South,100.00
CA-4,11/10/2024,18/10/2024,DV-1,Darin Van Huff,Corporate,Los Angeles,California,90036,West,5.00
"""


def frame(name: str, text: str) -> pd.DataFrame:
    cells, problems = read_cells(text.encode(), name)
    assert problems == []
    return cells


def proposal_of(**files: str) -> tuple[dict[str, pd.DataFrame], mapping.Proposal]:
    named = {name.replace("_", "."): text for name, text in files.items()}  # sf_csv: sf.csv
    frames = {name: frame(name, text) for name, text in named.items()}
    return frames, mapping.propose(frames)


@pytest.mark.parametrize("text,kind,expected", [
    (SALESFORCE, "flat_deals", {
        "Opportunity ID": "opportunity_id", "Opportunity Name": None,
        "Account Name": "account_name", "Amount": "amount", "Stage": "stage",
        "Close Date": "close_on", "Created Date": "created_on", "Won": "won_flag",
        "Closed": "closed_flag", "Billing Zip/Postal Code": "postal_code",
        "Billing State/Province": "state"}),
    (HUBSPOT_DEALS, "opportunities", {
        "Record ID": "opportunity_id", "Deal Name": None, "Deal Stage": "stage",
        "Amount": "amount", "Close Date": "close_on", "Create Date": "created_on",
        "Associated Company IDs": "account_id", "Pipeline": None}),
    (HUBSPOT_COMPANIES, "accounts", {
        "Record ID": "account_id", "Company name": "account_name", "Postal code": "postal_code",
        "State/Region": "state", "City": "city", "Country/Region": "country",
        "Industry": "industry"}),
    (ZOHO, "opportunities", {
        "Record Id": "opportunity_id", "Deal Name": None, "Account Name": "account_name",
        "Amount": "amount", "Closing Date": "close_on", "Created Time": "created_on",
        "Stage": "stage"}),
    (ORDERS, "orders", {
        "Order ID": "opportunity_id", "Order Date": "close_on", "Ship Date": None,
        "Customer ID": "account_id", "Customer Name": "account_name", "Segment": "segment",
        "City": "city", "State": "state", "Postal Code": "postal_code", "Region": None,
        "Sales": "amount"}),
])
def test_each_crm_layout_is_recognised_and_its_columns_mapped(text, kind, expected):
    found = recognise.recognise(list(frame("x.csv", text).columns))
    assert found.kind == kind
    assert found.columns == expected


def test_a_data_format_file_is_recognised_as_its_table():
    found = recognise.recognise(["territory_id", "territory_name", "region"])
    assert found.kind == "territories"


@pytest.mark.parametrize("cells,order", [
    (["2025-03-15", "2025-12-01 00:00:00"], "iso"),
    (["3/15/2025", "12/1/2025"], "mdy"),
    (["15/03/2025", "01/12/25"], "dmy"),
    (["15.03.2025"], "dmy"),
    (["45731", "45992"], "serial"),
])
def test_a_date_column_is_read_in_the_one_order_that_fits(cells, order):
    found = dates.detect(pd.Series(cells))
    assert (found.order, found.ambiguous) == (order, False)


def test_dates_parse_to_the_right_day_including_two_digit_years_and_serials():
    assert dates.parse("3/15/25", "mdy").isoformat() == "2025-03-15"
    assert dates.parse("15/03/99", "dmy").isoformat() == "1999-03-15"
    assert dates.parse("45731", "serial").isoformat() == "2025-03-15"
    assert dates.parse("13/13/2025", "mdy") is None


def test_a_column_where_every_day_is_12_or_less_is_ambiguous_and_reported_not_guessed():
    found = dates.detect(pd.Series(["01/02/2025", "03/04/2025", "12/11/2025"]))
    assert found.ambiguous and found.order is None
    frames, proposal = proposal_of(z_csv=ZOHO.replace("13/03/2025", "12/03/2025"))
    assert proposal.file("z.csv").date_orders["Created Time"] is None
    assert [(p.file, p.column) for p in proposal.problems] == [("z.csv", "Created Time")]
    assert "both as month/day and as day/month" in proposal.problems[0].reason


def test_the_users_answer_settles_an_ambiguous_column():
    text = ZOHO.replace("13/03/2025", "12/03/2025")
    frames, proposal = proposal_of(z_csv=text)
    proposal.file("z.csv").date_orders["Created Time"] = "dmy"
    again = mapping.propose(frames, proposal)
    assert again.problems == []
    built = mapping.build(frames, again)
    assert list(built.tables["opportunities"]["created_on"]) == ["2025-01-02", "2025-03-12"]


def test_stage_vocabulary_gives_status_and_is_editable():
    assert values.stage_statuses(["Closed Won", "closedlost", "Proposal"]) == {
        "Closed Won": "won", "closedlost": "lost", "Proposal": "open"}
    assert values.stage_statuses(["Contract signed"], {"Contract signed": "won"}) == {
        "Contract signed": "won"}
    frames, proposal = proposal_of(h_csv=HUBSPOT_DEALS, c_csv=HUBSPOT_COMPANIES)
    assert proposal.stage_status == {"Closed won": "won", "Closed lost": "lost",
                                     "Appointment scheduled": "open"}
    built = mapping.build(frames, proposal)
    deals = built.tables["opportunities"]
    assert list(deals["status"]) == ["won", "lost", "open"]
    # several associated companies: the first is the deal's account
    assert list(deals["account_id"]) == ["11", "12", "11"]


def test_salesforce_won_and_closed_flags_give_status():
    frames, proposal = proposal_of(sf_csv=SALESFORCE)
    built = mapping.build(frames, proposal)
    assert list(built.tables["opportunities"]["status"]) == ["won", "lost", "won", "open"]


def test_a_multi_currency_import_is_refused_with_the_reason():
    text = SALESFORCE.replace("$800.00", "€800.00")
    _frames, proposal = proposal_of(sf_csv=text)
    reasons = [p.reason for p in proposal.problems]
    assert any("2 currencies (EUR, USD)" in r for r in reasons)
    _frames, proposal = proposal_of(sf_csv=SALESFORCE)
    assert proposal.problems == []


def test_order_lines_roll_up_to_one_won_opportunity_per_order_and_give_accounts():
    frames, proposal = proposal_of(o_csv=ORDERS)
    proposal.file("o.csv").date_orders["Order Date"] = "dmy"
    built = mapping.build(frames, proposal)
    deals = built.tables["opportunities"].set_index("opportunity_id")
    assert list(deals.index) == ["CA-1", "CA-2", "CA-3", "CA-4"]
    assert float(deals.at["CA-1", "amount"]) == pytest.approx(261.96 + 731.94)
    assert deals.at["CA-1", "close_on"] == deals.at["CA-1", "created_on"] == "2024-11-08"
    assert set(deals["status"]) == {"won"}
    accounts = built.tables["accounts"].set_index("account_id")
    assert list(accounts.index) == ["CG-1", "DV-1"]
    # 42420 is Henderson County, Kentucky; 90036 Los Angeles County
    assert accounts.at["CG-1", "county_fips"] == "21101"
    assert accounts.at["DV-1", "county_fips"] == "06037"


def test_an_account_id_with_two_names_is_reported_with_both_rows():
    frames, proposal = proposal_of(o_csv=ORDERS)
    proposal.file("o.csv").date_orders["Order Date"] = "dmy"
    built = mapping.build(frames, proposal)
    named = [p for p in built.problems if "two names" in p.reason]
    assert [(p.file, p.row, p.column, p.severity) for p in named] == [
        ("o.csv", 6, "Customer Name", "error")]
    assert "on o.csv row 4" in named[0].reason and "'Darin Van Huff'" in named[0].reason


def test_an_account_in_two_places_is_reported_with_both_rows_and_placed_by_most_rows():
    text = ORDERS.replace("CA-3,11/10/2024,18/10/2024,CG-1,Claire Gute,Consumer,Henderson,"
                          "Kentucky,42420", "CA-3,11/10/2024,18/10/2024,CG-1,Claire Gute,"
                          "Consumer,Louisville,Kentucky,40202")
    frames, proposal = proposal_of(o_csv=text)
    proposal.file("o.csv").date_orders["Order Date"] = "dmy"
    built = mapping.build(frames, proposal)
    moved = [p for p in built.problems if "another place" in p.reason]
    assert [(p.file, p.row, p.severity) for p in moved] == [("o.csv", 5, "warning")]
    assert "o.csv row 2" in moved[0].reason and "2 of its 3 rows" in moved[0].reason
    assert built.tables["accounts"].set_index("account_id").at["CG-1", "county_fips"] == "21101"


def test_zips_are_placed_a_multi_county_zip_noted_and_a_non_us_row_refused():
    frames, proposal = proposal_of(h_csv=HUBSPOT_DEALS, c_csv=HUBSPOT_COMPANIES)
    built = mapping.build(frames, proposal)
    accounts = built.tables["accounts"].set_index("account_id")
    # 07029 Harrison NJ: the table's primary county is Hudson (34017), its centre in Essex
    assert accounts.at["11", "county_fips"] == "34017"
    assert accounts.at["12", "county_fips"] == "06085"  # Santa Clara
    assert "13" not in accounts.index
    notes = [(p.file, p.row, p.column, p.severity) for p in built.problems
             if "more than one county" in p.reason]
    assert notes == [("c.csv", 2, "Postal code", "warning")]
    refused = [p.reason for p in built.problems if "outside the US" in p.reason]
    assert refused[0].startswith("1 account is outside the US (Canada) and was not imported")


def test_an_unknown_zip_and_an_unplaceable_row_are_listed_with_the_reason():
    text = HUBSPOT_COMPANIES.replace("94043", "00000") + "14,Nowhere Inc,,,,,\n"
    frames, proposal = proposal_of(h_csv=HUBSPOT_DEALS, c_csv=text)
    built = mapping.build(frames, proposal)
    errors = [(p.row, p.column, p.reason) for p in built.problems if p.severity == "error"]
    assert errors == [
        (3, "Postal code", "ZIP code 00000 is not in the ZIP table (no county for it)"),
        (5, "Postal code", "cannot place this account: no county FIPS, ZIP code, latitude "
                           "and longitude, or city and state")]


@pytest.mark.parametrize("frame_cells,expected", [
    ({"lat": ["47.6062"], "lon": ["-122.3321"]}, "53033"),  # Seattle: King County
    ({"city": ["Seattle"], "state": ["Washington"]}, "53033"),
    ({"county_fips": ["06037"], "postal_code": ["10001"]}, "06037"),  # FIPS as written wins
    ({"postal_code": ["2134"]}, "25025"),  # Allston MA, the leading zero lost by a spreadsheet
])
def test_location_from_what_the_file_has(frame_cells, expected):
    assert places.place(pd.DataFrame(frame_cells)).county_fips.tolist() == [expected]


def test_a_required_field_left_unmapped_says_which_and_why():
    text = ZOHO.replace("Record Id", "Reference")
    _frames, proposal = proposal_of(z_csv=text)
    assert [(p.column, p.reason) for p in proposal.problems] == [(
        "opportunity_id", "no column is mapped to opportunity_id, which is required: every "
        "deal needs an id, to tell deals apart and import them again")]


def test_a_proposal_survives_json_and_is_reapplied_to_the_same_headers():
    frames, proposal = proposal_of(sf_csv=SALESFORCE)
    proposal.stage_status["Negotiation"] = "lost"
    again = mapping.propose(frames, mapping.Proposal.from_dict(proposal.to_dict()))
    assert again.to_dict() == proposal.to_dict()


def test_the_preview_shows_the_first_rows_as_stored():
    frames, proposal = proposal_of(sf_csv=SALESFORCE)
    shown = mapping.preview(mapping.build(frames, proposal), rows=2)
    deals = shown["opportunities"]
    assert list(deals["amount"]) == [1200.0, 800.0]
    assert str(deals["close_on"].iloc[0].date()) == "2025-03-15"
    assert list(shown["accounts"]["county_fips"]) == ["48201", "36061"]


def test_an_xlsx_export_reads_like_its_csv():
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for line in SALESFORCE.strip().splitlines():
        sheet.append(next(iter(pd.read_csv(io.StringIO(line), header=None,
                                           dtype=str).itertuples(index=False))))
    data = io.BytesIO()
    book.save(data)
    cells, problems = read_cells(data.getvalue(), "sf.xlsx")
    assert problems == []
    assert recognise.recognise(list(cells.columns)).kind == "flat_deals"


@pytest.mark.parametrize("zip_code,reason", [
    ("09375", "ZIP code 09375 lies in no US county (a military or overseas ZIP code)"),
    ("99999", "ZIP code 99999 is not in the ZIP table (no county for it)"),
    ("SW1A 1AA", "ZIP code SW1A 1AA is not a US ZIP code"),
])
def test_a_zip_that_cannot_be_placed_says_why(zip_code, reason):
    assert places.place(pd.DataFrame({"postal_code": [zip_code]})).unplaced == {0: reason}


def test_two_lines_per_order_of_many_customers_roll_up_to_one_order_each():
    """20,000 lines, two per order, of 2,000 customers: 10,000 orders of 2 x 10.00."""
    count = 20_000
    lines = pd.DataFrame({
        "Order ID": [f"O{i // 2}" for i in range(count)],
        "Order Date": [f"{i % 28 + 1:02d}/{i % 12 + 1:02d}/2024" for i in range(count)],
        "Customer ID": [f"C{i % 2000}" for i in range(count)],
        "Customer Name": [f"Name {i % 2000}" for i in range(count)],
        "Postal Code": ["42420"] * count, "Sales": ["10.00"] * count}, dtype=object)
    lines.index = pd.RangeIndex(2, count + 2, name="row")
    proposal = mapping.propose({"o.csv": lines})
    proposal.file("o.csv").date_orders["Order Date"] = "dmy"
    built = mapping.build({"o.csv": lines}, proposal)
    assert len(built.tables["opportunities"]) == 10_000
    assert len(built.tables["accounts"]) == 2_000
    assert set(built.tables["opportunities"]["amount"]) == {"20.0"}


SF_ACCOUNTS = """Account ID,Account Name,Billing City,Billing State/Province,Billing Zip/Postal Code,Billing Country,Industry
001A,Acme Corp,Cypress,TX,77429-1234,USA,Energy
001B,Globex,New York,NY,10001,United States,Media
"""
SF_OPPORTUNITIES = """Opportunity ID,Opportunity Name,Account Name,Amount,Stage,Close Date,Created Date
006A1,Acme renewal,Acme Corp,"$1,200.00",Closed Won,3/15/2025,1/10/2025
006B1,Globex new,Globex,"$2,500.50",Negotiation,9/30/2025,3/13/2025
"""


def test_a_salesforce_accounts_report_and_opportunities_report_link_by_account_name():
    frames, proposal = proposal_of(a_csv=SF_ACCOUNTS, o_csv=SF_OPPORTUNITIES)
    assert [f.kind for f in proposal.files] == ["accounts", "opportunities"]
    assert proposal.problems == []
    built = mapping.build(frames, proposal)
    # the deals name their account; the accounts report gives its id
    assert list(built.tables["opportunities"]["account_id"]) == ["001A", "001B"]
    accounts = built.tables["accounts"].set_index("account_id")
    assert list(accounts["county_fips"]) == ["48201", "36061"]  # ZIP+4 read as its ZIP
    assert list(accounts["industry"]) == ["Energy", "Media"]


def test_accounts_alone_get_a_stated_potential_of_zero():
    frames, proposal = proposal_of(a_csv=SF_ACCOUNTS)
    built = mapping.build(frames, proposal)
    assert list(built.tables["accounts"]["annual_potential"]) == ["0.0", "0.0"]
    assert any("2 accounts have no annual potential" in p.reason for p in built.problems)
