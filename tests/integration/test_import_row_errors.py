"""Issue 16's per-row errors through the import API, each named by file, row,
column and reason with nothing written: an account id with two names, an
ambiguous date column, a stage a saved profile does not list. (An unknown ZIP:
``test_import_api.test_an_unknown_zip_is_refused_naming_the_file_row_and_column``.)"""

from __future__ import annotations

from dashboard.storage import store
from tests.integration import test_import_api
from tests.integration.test_import_api import cli, engine_of, new_token, post_files
from tests.integration.test_import_mapping_cli import ALIGNMENT, TERRITORIES
from tests.unit.ingest.test_mapping import HUBSPOT_COMPANIES, HUBSPOT_DEALS, ORDERS

api_app, empty_env = test_import_api.api_app, test_import_api.empty_env
PLAN = {"territories.csv": TERRITORIES, "alignment.csv": ALIGNMENT}
#: CA-2 on 13 June: the column then reads only day first
ORDERS_DAY_FIRST = ORDERS.replace("12/06/2024,16/06/2024", "13/06/2024,16/06/2024")


def refused(app, capsys, files: dict[str, str], mapping: str = "auto") -> list[dict]:
    """The errors of a post that must be refused, having written nothing."""
    version = store.data_version(engine_of(app))
    response = post_files(app.server.test_client(), new_token(capsys), {**files, **PLAN},
                          mapping=mapping)
    body = response.get_json()
    assert response.status_code == 400, body
    assert store.data_version(engine_of(app)) == version
    return [p for p in body["problems"] if p["severity"] == "error"]


def test_an_account_id_with_two_names_is_refused_at_its_row(api_app, capsys):
    errors = refused(api_app, capsys, {"orders.csv": ORDERS_DAY_FIRST})
    # DV-1 is Darrin Van Huff on row 4 and Darin Van Huff on row 6
    assert [(p["file"], p["row"], p["column"]) for p in errors] == [
        ("orders.csv", 6, "Customer Name")]
    assert "two names" in errors[0]["reason"] and "row 4" in errors[0]["reason"]


def test_an_ambiguous_date_column_is_refused_naming_the_column(api_app, capsys):
    errors = refused(api_app, capsys, {"orders.csv": ORDERS})
    assert [(p["file"], p["row"], p["column"]) for p in errors] == [
        ("orders.csv", None, "Order Date")]
    assert "both as month/day and as day/month" in errors[0]["reason"]


def test_a_stage_the_saved_profile_does_not_list_is_refused_at_its_rows(
        api_app, capsys, tmp_path):
    deals, companies = tmp_path / "deals.csv", tmp_path / "companies.csv"
    deals.write_text(HUBSPOT_DEALS)
    companies.write_text(HUBSPOT_COMPANIES)
    code, _out, err = cli(capsys, "import", "--mapping", "auto", "--profile", "hubspot",
                          deals, companies)
    assert code == 0, err
    # next month's deals: a stage new since the profile was saved (row 3), and
    # a well-known one the default vocabulary reads (row 4)
    later = HUBSPOT_DEALS.replace("902,Lost one,Closed lost", "902,Lost one,Contract sent")
    later = later.replace("903,Open one,Appointment scheduled", "903,Open one,Closed won")
    errors = refused(api_app, capsys, {"deals.csv": later, "companies.csv": HUBSPOT_COMPANIES},
                     mapping="hubspot")
    assert [(p["file"], p["row"], p["column"]) for p in errors] == [
        ("deals.csv", 3, "Deal Stage")]
    assert "'Contract sent' is not in the stage table of profile hubspot" in errors[0]["reason"]
