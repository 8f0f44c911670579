"""The mapping step for CRM exports on a layer of one's own (issue 19 items 2, 3, 7): a
made-up Salesforce-like export (tests/data/departements_crm) imported with ``import
--mapping auto`` and, over HTTP, through the import page's mapping step, onto an
instance on ``units layer:fr`` (the seven made-up départements of
tests/data/departements.geojson), with the territories, alignment, reps and quotas of
tests/data/departements_data.

The export places each account a different way: A1, A2 and A5 by latitude and longitude
(points inside 01, 02 and 2A, checked below with pyproj and shapely on the Lambert-93
file itself), A3 by a ``Unit ID`` column (03), A4 by a postal code equal to a unit id
(05). So the figures are test_own_layer.py's: T1 (01, 02, 04) won O1 30k + O2 20k,
quota 100k; T2 (03, 05, 06, 2A) won O3 50k, lost O4 10k, O5 40k open; quota 200k. The
as-of date is the last activity in the files: O4 lost on 2026-08-10, 41 of 2026Q3's 92
days. An account outside every département, or naming no unit, is listed by file, row,
column and reason, and nothing is written.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyproj
import pytest
import shapely
from shapely.geometry import shape

from dashboard.access import users
from dashboard.runtime.cli import main
from dashboard.storage import db, store
from layouts import ids
from tests.dash_http import find, post_callback, sign_in
from tests.integration.test_import_mapping_http import Step, drop
from tests.integration.test_own_layer import BOUNDARIES, PASSWORD, commands_on, kpis, settings_of

DATA = Path(__file__).resolve().parents[1] / "data"
EXPORT = DATA / "departements_crm" / "Opportunities report.csv"
TABLES = [DATA / "departements_data" / f"{name}.csv"
          for name in ("territories", "alignment", "reps", "quotas")]
#: each account's département, worked out from the export by hand
PLACED = {"A1": "01", "A2": "02", "A3": "03", "A4": "05", "A5": "2A"}
OUTSIDE = ("O6,A6,Parisien SARL,48.85,2.35,,,90000,5000,Closed Won,2026-07-03,2026-07-09\n"
           "O7,A7,Sans Lieu,,,99,,1000,100,Closed Won,2026-07-03,2026-07-09\n"
           "O8,A8,Poste,,,,75001,1000,100,Closed Won,2026-07-03,2026-07-09\n")


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as quiet:
        quiet.setattr("sys.stdout", out)
        quiet.setattr("sys.stderr", err)
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def on_layer(folder: Path) -> None:
    """``layers add`` and ``units layer:fr`` into ``folder``."""
    with commands_on(folder):
        for argv in (["layers", "add", str(BOUNDARIES), "--name", "fr", "--id-property",
                      "code", "--name-property", "nom", "--parent-property", "region"],
                     ["units", "layer:fr"]):
            assert run(argv)[0] == 0


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("own-layer-mapping")
    on_layer(folder)
    with commands_on(folder):
        code, out, err = run(["import", "--mapping", "auto", str(EXPORT),
                              *map(str, TABLES)])
    assert code == 0, err
    return folder, out, err


def test_the_export_points_lie_in_the_departements_the_test_expects():
    """The hand-worked placement, checked on the boundary file itself (Lambert-93)."""
    features = {f["properties"]["code"]: shape(f["geometry"])
                for f in json.loads(BOUNDARIES.read_text())["features"]}
    to_lambert = pyproj.Transformer.from_crs(4326, 2154, always_xy=True)
    for lat, lon, code in ((46.72, 2.67, "01"), (46.72, 3.33, "02"), (46.58, 4.70, "2A")):
        point = shapely.Point(*to_lambert.transform(lon, lat))
        assert [c for c, area in features.items() if area.contains(point)] == [code]
    paris = shapely.Point(*to_lambert.transform(2.35, 48.85))
    assert not any(area.intersects(paris) for area in features.values())


def test_a_crm_export_is_placed_in_the_layer_units_and_imported(imported):
    folder, out, err = imported
    assert "Unit ID -> county_fips" in out and "Latitude -> lat" in out
    assert ("imported 2 territories, 7 alignment, 2 reps, 2 quotas, 5 accounts, "
            "5 opportunities") in out
    # every département is aligned: no word on US counties left in no territory
    assert "in no territory" not in err and "counties" not in err
    accounts = store.read_dataset(store_engine(folder)).accounts
    placed = dict(zip(accounts.index if accounts.index.name == "account_id"
                      else accounts["account_id"], accounts["county_fips"], strict=True))
    assert placed == PLACED


def store_engine(folder: Path):
    return db.make_engine(settings_of(folder).resolved_database_url)


def test_kpis_of_the_mapped_export_are_the_hand_worked_figures(imported, capsys):
    table = kpis(imported[0], "territory", capsys)
    t1, t2 = table["T1"], table["T2"]
    assert float(t1["bookings"]) == 50_000 and float(t1["attainment"]) == 0.5
    assert float(t1["time_elapsed"]) == pytest.approx(41 / 92)
    assert float(t1["revenue_penetration"]) == pytest.approx(50_000 / 300_000)
    assert float(t2["bookings"]) == 50_000 and float(t2["attainment"]) == 0.25
    assert float(t2["open_pipeline"]) == 40_000 and float(t2["win_rate"]) == 0.5
    # A3 300k + A4 150k + A5 250k of potential in T2
    assert float(t2["revenue_penetration"]) == pytest.approx(50_000 / 700_000)


def test_an_account_outside_every_unit_is_listed_and_nothing_is_written(tmp_path):
    on_layer(tmp_path)
    export = tmp_path / "Opportunities report.csv"
    export.write_text(EXPORT.read_text() + OUTSIDE)
    with commands_on(tmp_path):
        code, _out, err = run(["import", "--mapping", "auto", str(export),
                               *map(str, TABLES)])
    assert code == 1
    # rows 7, 8 and 9 of the file (the header is row 1), each with its column and reason
    assert ("error: Opportunities report.csv row 7, column Latitude: 48.85, 2.35 lies "
            "outside every unit of fr") in err
    assert "error: Opportunities report.csv row 8, column Unit ID: 99 is no unit of fr" in err
    assert ("error: Opportunities report.csv row 9, column Postal Code: postal code 75001 "
            "is no unit of fr") in err
    assert "nothing imported: 3 problem(s)" in err
    dataset = store.read_dataset(store_engine(tmp_path))
    assert dataset.accounts.empty and dataset.opportunities.empty


def test_the_alignment_names_the_layer_units_it_leaves_out(tmp_path):
    on_layer(tmp_path)
    alignment = tmp_path / "alignment.csv"
    alignment.write_text("county_fips,territory_id,effective_from\n01,T1,\n02,T1,\n"
                         "03,T2,\n05,T2,\n2A,T2,\n")
    with commands_on(tmp_path):
        code, _out, err = run(["import", "--mapping", "auto", str(EXPORT), str(alignment),
                               *(str(t) for t in TABLES if t.name != "alignment.csv")])
    assert code == 0, err
    assert "2 units of fr are in no territory: 04, 06" in err
    assert "counties are in no territory" not in err


def table_rows(tree) -> list[list[str]]:
    """The text of each row of the tables in ``tree`` (a Dash component as JSON)."""
    def texts(node) -> list[str]:
        if isinstance(node, str):
            return [node]
        if isinstance(node, list):
            return [t for child in node for t in texts(child)]
        if isinstance(node, dict):
            return texts(node.get("props", {}).get("children"))
        return []

    def rows(node) -> list[list[str]]:
        if isinstance(node, list):
            return [r for child in node for r in rows(child)]
        if not isinstance(node, dict):
            return []
        if node.get("type") == "Tr":
            return [["".join(texts(cell)) for cell in node["props"]["children"]]]
        return rows(node.get("props", {}).get("children"))

    return rows(tree)


def test_the_import_page_mapping_step_places_the_export_in_the_layer(tmp_path, capsys):
    from app import create_app

    on_layer(tmp_path)
    app = create_app(settings_of(tmp_path))
    users.add_user(app.server.extensions["territory_service"].engine, "boss", PASSWORD,
                   "leader")
    client = sign_in(app.server.test_client(), "boss", PASSWORD)
    files = {EXPORT.name: EXPORT.read_text() + OUTSIDE,
             **{t.name: t.read_text() for t in TABLES}}
    step = Step(drop(client, app, files))
    assert step.column("Unit ID")["field"] == "county_fips"
    # the alignment file's kind says units, not counties
    assert "alignment (unit → territory)" in str(step.tree)
    assert "county → territory" not in str(step.tree)
    shown = table_rows(find(step.tree, ids.IMPORT_MAP_PROBLEMS)["children"])
    assert [EXPORT.name, "7", "Latitude", "48.85, 2.35 lies outside every unit of fr"] in shown
    assert [EXPORT.name, "8", "Unit ID", "99 is no unit of fr"] in shown
    assert [EXPORT.name, "9", "Postal Code", "postal code 75001 is no unit of fr"] in shown
    assert step.disabled is True
    report = step.confirm(client, app)
    assert "Imported" not in report and "lies outside every unit of fr" in report
    assert store.read_dataset(app.server.extensions["territory_service"].engine).accounts.empty

    step = Step(drop(client, app, {EXPORT.name: EXPORT.read_text(),
                                   **{t.name: t.read_text() for t in TABLES}},
                     previous=step.token))
    assert step.disabled is False, step.problems
    report = step.confirm(client, app)
    assert "Imported" in report and "5 accounts" in report
    table = kpis(tmp_path, "territory", capsys)
    assert float(table["T1"]["bookings"]) == 50_000
    assert float(table["T2"]["open_pipeline"]) == 40_000


@pytest.fixture
def export_only(tmp_path):
    """An app on the layer whose data is the export alone (no territories yet), and its
    folder."""
    from app import create_app

    on_layer(tmp_path)
    with commands_on(tmp_path):
        code, _out, err = run(["import", "--mapping", "auto", str(EXPORT)])
    assert code == 0, err
    app = create_app(settings_of(tmp_path))
    users.add_user(app.server.extensions["territory_service"].engine, "boss", PASSWORD,
                   "leader")
    return app, tmp_path


def create_territories(app, start: str) -> str:
    client = sign_in(app.server.test_client(), "boss", PASSWORD)
    status, body = post_callback(client, app, (ids.FIRST_RUN, "children"), {
        f"{ids.FIRST_RUN_TERRITORIES_SAVE}.n_clicks": 1, f"{ids.FIRST_RUN_START}.value": start})
    assert status == 200, body
    return str(body)


def test_the_first_run_designs_territories_from_the_layer_parents(export_only, capsys):
    app, folder = export_only
    client = sign_in(app.server.test_client(), "boss", PASSWORD)
    status, body = post_callback(client, app, (ids.PAGE, "children"),
                                 {f"{ids.URL}.pathname": "/", f"{ids.URL}.search": ""})
    page = str(body["response"])
    # régions R1 (01, 02, 03), R2 (04, 05, 06), R3 (2A) all hold accounts; 5 units do
    assert "One territory per parent area with accounts (3)" in page
    assert "One territory per unit with accounts (5)" in page
    assert "per state" not in page
    assert "Assign reps" in create_territories(app, "parent")
    dataset = store.read_dataset(store_engine(folder))
    assert sorted(dataset.territories["territory_id"]) == ["R1", "R2", "R3"]
    assert dict(zip(dataset.alignment["county_fips"], dataset.alignment["territory_id"],
                    strict=True)) == {"01": "R1", "02": "R1", "03": "R1", "04": "R2",
                                      "05": "R2", "06": "R2", "2A": "R3"}
    table = kpis(folder, "territory", capsys)
    # R1: O1 30k + O2 20k + O3 50k won; R2: O4 lost; R3: O5 40k open
    assert float(table["R1"]["bookings"]) == 100_000
    assert float(table["R2"]["bookings"]) == 0 and float(table["R2"]["win_rate"]) == 0
    assert float(table["R3"]["open_pipeline"]) == 40_000


def test_the_first_run_designs_one_territory_per_unit_with_accounts(export_only):
    app, folder = export_only
    body = create_territories(app, "unit")
    assert "2 units hold no account and stay without a territory: 04, 06" in body
    dataset = store.read_dataset(store_engine(folder))
    assert sorted(dataset.territories["territory_id"]) == ["01", "02", "03", "05", "2A"]
    names = dict(zip(dataset.territories["territory_id"],
                     dataset.territories["territory_name"], strict=True))
    assert names["2A"] == "Île-Claire"
    assert sorted(dataset.alignment["county_fips"]) == ["01", "02", "03", "05", "2A"]


def test_the_import_api_places_a_sync_in_the_layer_units(tmp_path, capsys):
    from app import create_app
    from tests.integration.test_import_api import post_files

    on_layer(tmp_path)
    with commands_on(tmp_path):
        code, out, err = run(["service-account", "create", "nightly-sync"])
        assert code == 0, err
    token = out.strip().splitlines()[-1]
    app = create_app(settings_of(tmp_path))
    client = app.server.test_client()
    files = {t.name: t.read_text() for t in TABLES}
    refused = post_files(client, token, {EXPORT.name: EXPORT.read_text() + OUTSIDE, **files})
    assert refused.status_code == 400
    reasons = {(p["row"], p["column"], p["reason"]) for p in refused.get_json()["problems"]}
    assert (7, "Latitude", "48.85, 2.35 lies outside every unit of fr") in reasons
    response = post_files(client, token, {EXPORT.name: EXPORT.read_text(), **files})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["rows"]["accounts"] == 5
    table = kpis(tmp_path, "territory", capsys)
    assert float(table["T1"]["bookings"]) == 50_000
