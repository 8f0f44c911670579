"""A unit layer of one's own, end to end (issue 19 item 2): seven made-up French
départements (tests/data/departements.geojson, Lambert-93, ids like ``01`` and ``2A``,
parent région) added with ``layers add``, the data switched onto it with ``units
layer:fr``, a small dataset imported naming its units (tests/data/departements_data),
``kpis`` worked out by hand, the geometry route serving its units and dissolved
territories, and the what-if editor moving a département between territories over HTTP.

The dataset: T1 (region Ouest) holds 01, 02, 04; T2 (Est) holds 03, 05, 06, 2A. Accounts
A1 (01, potential 100k), A2 (02, 200k), A3 (03, 300k), A4 (05, 150k), A5 (2A, 250k).
2026Q3 as of 2026-08-31 (62 of 92 days): won O1 A1 30k, O2 A2 20k, O3 A3 50k; lost O4 A4
10k; open O5 A5 40k (Proposal). Quotas T1 100k, T2 200k.
"""

from __future__ import annotations

import csv
import io
import json
from contextlib import contextmanager
from pathlib import Path

import pytest

from dashboard.access import users
from dashboard.layers import topojson
from dashboard.runtime.cli import main
from dashboard.runtime.config import Settings
from layouts import ids
from tests.dash_http import post_callback, sign_in

DATA = Path(__file__).resolve().parents[1] / "data"
BOUNDARIES = DATA / "departements.geojson"
PASSWORD = "a-long-password-1"


@contextmanager
def commands_on(folder: Path):
    """The command line's settings pointed at ``folder`` (no demo, the data's own as-of)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TD_INSTANCE_PATH", str(folder))
        patch.setenv("TD_DEMO", "0")
        patch.delenv("DATABASE_URL", raising=False)
        patch.delenv("TD_AS_OF", raising=False)
        yield


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    """An instance folder on the layer ``fr`` with the small dataset imported; what the
    three commands printed."""
    folder = tmp_path_factory.mktemp("own-layer")
    return folder, build_instance(folder)


def build_instance(folder: Path) -> list[str]:
    """``layers add``, ``units layer:fr`` and ``import`` run into ``folder``; what each
    printed."""
    return run_commands(folder, ["layers", "add", str(BOUNDARIES), "--name", "fr",
                                 "--id-property", "code", "--name-property", "nom",
                                 "--parent-property", "region"],
                        ["units", "layer:fr"], ["import", str(DATA / "departements_data")])


def run_commands(folder: Path, *argvs: list[str]) -> list[str]:
    """Each command run into ``folder`` (each must succeed); what each printed."""
    printed = []
    with commands_on(folder):
        for argv in argvs:
            out = io.StringIO()
            with pytest.MonkeyPatch.context() as quiet:
                quiet.setattr("sys.stdout", out)
                assert main(argv) == 0, out.getvalue()
            printed.append(out.getvalue())
    return printed


def settings_of(folder: Path) -> Settings:
    return Settings(instance_path=str(folder), demo=False, tile_url="",
                    secret_key="test-secret")


def kpis(folder: Path, level: str, capsys, period: str = "2026Q3",
         as_of: str | None = None) -> dict[str, dict]:
    """``kpis`` of ``period`` by ``level``, as of ``as_of`` (``TD_AS_OF``) when given."""
    with commands_on(folder), pytest.MonkeyPatch.context() as patch:
        if as_of:
            patch.setenv("TD_AS_OF", as_of)
        capsys.readouterr()
        assert main(["kpis", "--period", period, "--level", level]) == 0
    return {row["id"]: row for row in csv.DictReader(io.StringIO(capsys.readouterr().out))}


@pytest.fixture(scope="module")
def app(instance):
    return app_on(instance[0])


def app_on(folder: Path):
    """The app on the instance ``folder``, with a leader ``boss``."""
    from app import create_app

    app = create_app(settings_of(folder))
    users.add_user(app.server.extensions["territory_service"].engine, "boss", PASSWORD,
                   "leader")
    return app


@pytest.fixture
def client(app):
    return sign_in(app.server.test_client(), "boss", PASSWORD)


def test_the_commands_say_what_they_did(instance):
    added, switched, imported = instance[1]
    assert added == ("layer fr: 7 units added; run on it with 'territory-dashboard units "
                     "layer:fr'\n")
    assert switched == "units: layer:fr (7 units); import data naming them next\n"
    assert imported.startswith("imported 5 accounts, 7 alignment, 5 opportunities, "
                               "2 quotas, 2 reps, 2 territories")


def test_kpis_on_the_layer_are_the_hand_worked_figures(instance, capsys):
    table = kpis(instance[0], "territory", capsys)
    t1, t2 = table["T1"], table["T2"]
    # T1: O1 30k + O2 20k won in 01 and 02; quota 100k; 62 of 92 days gone
    assert float(t1["bookings"]) == 50_000 and float(t1["attainment"]) == 0.5
    assert float(t1["time_elapsed"]) == pytest.approx(62 / 92)
    # penetration of revenue: 50k over A1 + A2's potential, 300k
    assert float(t1["revenue_penetration"]) == pytest.approx(50_000 / 300_000)
    # T2: O3 50k won (03); O4 lost (05); O5 40k open in 2A, the island département
    assert float(t2["bookings"]) == 50_000 and float(t2["attainment"]) == 0.25
    assert float(t2["open_pipeline"]) == 40_000 and float(t2["win_rate"]) == 0.5
    assert float(t2["revenue_penetration"]) == pytest.approx(50_000 / 700_000)
    regions = kpis(instance[0], "region", capsys)
    assert sorted(regions) == ["Est", "Ouest"]
    assert float(regions["Ouest"]["bookings"]) == 50_000


def fetch(client, layer: str, app) -> dict:
    from callbacks import geometry

    service = app.server.extensions["territory_service"]
    url = geometry.geometry_path(service, layer)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return json.loads(response.get_data(as_text=True))


def test_the_geometry_route_serves_the_layer_and_its_territories(client, app):
    units = topojson.decode(fetch(client, "counties", app), "units")
    assert sorted(str(u.id) for u in units) == ["01", "02", "03", "04", "05", "06", "2A"]
    by_id = {str(u.id): u for u in units}
    assert by_id["2A"].properties["label"] == "Île-Claire"
    assert by_id["02"].properties["t"] == "T1"
    territories = {str(t.id): t.geometry for t in
                   topojson.decode(fetch(client, "territories", app), "territories")}
    assert sorted(territories) == ["T1", "T2"]
    # T2 is three 50 km squares in a row plus the island: two pieces; T1 an L of three
    assert territories["T2"].geom_type == "MultiPolygon" and len(territories["T2"].geoms) == 2
    assert territories["T1"].geom_type == "Polygon"
    west = by_id["01"].geometry.union(by_id["02"].geometry).union(by_id["04"].geometry)
    assert territories["T1"].symmetric_difference(west).area < 1e-3 * west.area
    # a layer of one's own has no ZIP areas
    from callbacks import geometry

    service = app.server.extensions["territory_service"]
    assert client.get(geometry.geometry_path(service, "zip-cells")).status_code == 404


def press(client, app, button, steps, **form):
    values = {f"{button}.n_clicks": 1, f"{ids.WI_HISTORY}.data": steps,
              f"{ids.URL}.search": ""}
    values.update({f"{key}.value": value for key, value in form.items()})
    status, body = post_callback(client, app, (ids.WI_HISTORY, "data"), values,
                                 changed=[f"{button}.n_clicks"])
    assert status == 200, body
    return body["response"]


def show(client, app, steps):
    values = {f"{ids.WI_HISTORY}.data": steps, f"{ids.PERIOD}.value": "qtd",
              f"{ids.WI_METRIC}.value": "potential", f"{ids.WI_WEIGHT}.value": 0.5,
              f"{ids.URL}.search": ""}
    status, body = post_callback(client, app, (ids.WI_FAIRNESS, "children"), values)
    assert status == 200, body
    return body["response"]


def test_the_what_if_editor_moves_a_departement_between_territories(client, app):
    moved = press(client, app, ids.WI_MOVE, [], **{ids.WI_SELECT: ["02"], ids.WI_TARGET: "T2"})
    steps = moved[ids.WI_HISTORY]["data"]
    assert steps[-1]["changes"]["county_moves"] == {"02": "T2"}
    # 02 borders 03 and 05 (T2's): T2 stays in one piece, T1 (01, 04) too
    assert moved[ids.WI_ALERT]["color"] == "success", moved[ids.WI_ALERT]
    assert moved[ids.WI_ALERT]["children"] == "Moved Basse-Rivière to T2."
    rows = {r["id"]: r for r in show(client, app, steps)[ids.WI_TOUCHED]["rowData"]}
    assert set(rows) == {"T1", "T2"}
    # A2 (potential 200k, O2 20k won) goes with 02 from T1 to T2
    assert (rows["T1"]["accounts_before"], rows["T1"]["accounts_after"]) == (2, 1)
    assert (rows["T1"]["potential_before"], rows["T1"]["potential_after"]) == (300_000, 100_000)
    assert (rows["T2"]["potential_before"], rows["T2"]["potential_after"]) == (700_000, 900_000)
    assert rows["T1"]["t12_bookings_after"] == 30_000
    assert rows["T2"]["t12_bookings_after"] == 70_000
    # projected: (bookings + weighted pipeline) / quota; T2's O5 40k at Proposal counts 20k
    assert rows["T1"]["projected_attainment_after"] == pytest.approx(30_000 / 100_000)
    assert rows["T2"]["projected_attainment_before"] == pytest.approx(70_000 / 200_000)
    assert rows["T2"]["projected_attainment_after"] == pytest.approx(90_000 / 200_000)


def test_an_import_naming_no_unit_of_the_layer_is_refused_with_the_reason(app):
    from dashboard.ingest.service import import_files

    engine = app.server.extensions["territory_service"].engine
    alignment = (b"county_fips,territory_id\n01,T2\n99,T1\n06037,T1\n"
                 b"E01000001-E01000002-X,T1\n")
    before = app.server.extensions["territory_service"].data_version()
    result = import_files(engine, [("alignment.csv", alignment)])
    assert sorted(str(p) for p in result.errors) == [
        "alignment.csv row 3, column county_fips: 99 is no unit of the data's unit layer",
        # a US county is no unit of this layer
        "alignment.csv row 4, column county_fips: 06037 is no unit of the data's unit layer",
        "alignment.csv row 5, column county_fips: unit id E01000001-E01000002-X is longer "
        "than 20 characters",
    ]
    assert app.server.extensions["territory_service"].data_version() == before


def test_the_design_engine_balances_potential_on_the_layer(instance, capsys):
    """Potential: T1 300k (01 100k, 02 200k, 04 none), T2 700k (03 300k, 05 150k, 2A
    250k); the mean is 500k. One move keeping both territories in one piece: 05 (150k,
    bordering 02 and 04) to T1 gives 450k / 550k, 10% off the mean (03 would give 20%;
    2A is an island tied to its nearest département, 03 or 06, both T2's)."""
    with commands_on(instance[0]):
        capsys.readouterr()
        main(["design", "--territories", "2", "--balance", "potential", "--no-split",
              "--time-limit", "5", "--save-as", "balanced"])
    printed = capsys.readouterr().out
    assert "potential (balanced): balance index 0.600 -> 0.900" in printed
    assert "largest deviation from the target 10.00%" in printed
    assert "1 units moved" in printed and "contiguous: yes (by unit alone: yes)" in printed
    assert "count" not in printed.replace("account", "")  # the layer's units, not counties


def test_the_layer_in_use_is_not_replaced_by_a_file_lacking_its_units(instance, tmp_path):
    """Added again under its name while the data runs on it, a file without 2A (A5 and an
    alignment row name it) is refused; the layer stays as it was."""
    data = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    data["features"] = data["features"][:6]
    smaller = tmp_path / "six.geojson"
    smaller.write_text(json.dumps(data), encoding="utf-8")
    out, listed = io.StringIO(), io.StringIO()
    with commands_on(instance[0]), pytest.MonkeyPatch.context() as quiet:
        quiet.setattr("sys.stdout", out)
        assert main(["layers", "add", str(smaller), "--name", "fr",
                     "--id-property", "code"]) == 1
        quiet.setattr("sys.stdout", listed)
        assert main(["layers", "list"]) == 0
    assert out.getvalue() == ("six.geojson property code: the data runs on layer fr and "
                              "names units this file lacks: 2A\nlayer fr not added\n")
    assert listed.getvalue().startswith("fr\t7 units\tdepartements.geojson\t")
    assert listed.getvalue().endswith("\tin use\n")


def test_data_on_a_layer_is_not_switched_to_the_us_counties(instance, capsys):
    with commands_on(instance[0]):
        capsys.readouterr()
        assert main(["units", "county"]) == 2
    assert capsys.readouterr().err == (
        "error: the data names the units of layer fr, not US counties: export it, or "
        "import data naming counties into a new database\n")
