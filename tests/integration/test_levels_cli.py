"""``kpis --level district`` and district managers through the command line, on
a real database: files with a levels.csv imported, figures worked out by hand."""

from __future__ import annotations

import csv
import io

import pytest

from tests.integration.test_cli import run

FILES = {
    "territories.csv": "territory_id,territory_name,region,parent_level,parent_id\n"
                       "T1,North,East,district,D1\nT2,South,East,district,D1\n"
                       "T3,Inland,East,district,D2\nT4,Far,West,,\n",
    "levels.csv": "level,unit_id,unit_name,parent_level,parent_id,manager\n"
                  "district,D1,Coast,region,East,ann\ndistrict,D2,Hills,region,East,\n",
    "reps.csv": "rep_id,rep_name,email,territory_id\nR1,Ann,ann@example.com,T1\n",
    "alignment.csv": "county_fips,territory_id\n06037,T1\n36061,T2\n17031,T3\n48201,T4\n",
    "accounts.csv": "account_id,account_name,county_fips,annual_potential\n"
                    "A1,Acme,06037,100\nA2,Beta,36061,100\nA3,Cora,17031,100\nA4,Dune,48201,100\n",
    "opportunities.csv": "opportunity_id,account_id,amount,stage,status,created_on,close_on\n"
                         "O1,A1,10,Closed Won,won,2026-01-05,2026-02-01\n"
                         "O2,A2,30,Closed Won,won,2026-01-05,2026-02-01\n"
                         "O3,A3,5,Closed Won,won,2026-01-05,2026-02-01\n"
                         "O4,A4,7,Closed Won,won,2026-01-05,2026-02-01\n",
    "quotas.csv": "territory_id,period,amount\nT1,2026Q1,100\nT2,2026Q1,50\nT3,2026Q1,50\n"
                  "T4,2026Q1,70\n",
}


@pytest.fixture
def env(tmp_path, monkeypatch):
    folder = tmp_path / "files"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text)
    monkeypatch.setenv("TD_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("TD_DEMO", "0")
    monkeypatch.setenv("SECRET_KEY", "cli-test-secret")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("TD_AS_OF", raising=False)
    return folder


def test_kpis_level_district_sums_each_districts_territories(env, capsys):
    assert run(capsys, "import", str(env))[0] == 0
    code, out, err = run(capsys, "kpis", "--period", "2026Q1", "--level", "district",
                         "--as-of", "2026-03-31")
    assert code == 0, err
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(out))}
    assert list(rows) == ["D1", "D2"]  # T4 has no district: in no row
    # D1 "Coast" = T1 + T2: bookings 10 + 30, quota 100 + 50, attainment 40/150
    assert (rows["D1"]["name"], float(rows["D1"]["bookings"]), float(rows["D1"]["quota"])) \
        == ("Coast", 40.0, 150.0)
    assert float(rows["D1"]["attainment"]) == pytest.approx(40 / 150)
    # D2 "Hills" = T3: 5 / 50
    assert float(rows["D2"]["attainment"]) == pytest.approx(0.1)
    # the region level is as before: East = 45 / 200, West = 7 / 70
    code, out, _ = run(capsys, "kpis", "--period", "2026Q1", "--level", "region",
                       "--as-of", "2026-03-31")
    regions = {r["id"]: float(r["attainment"]) for r in csv.DictReader(io.StringIO(out))}
    assert regions == {"East": pytest.approx(45 / 200), "West": pytest.approx(0.1)}


def test_an_unknown_level_is_a_one_line_error_naming_the_levels(env, capsys):
    assert run(capsys, "import", str(env))[0] == 0
    code, out, err = run(capsys, "kpis", "--period", "2026Q1", "--level", "zone")
    assert code == 2 and out == ""
    assert err.strip() == ("error: level must be one of territory, rep, district, region, "
                           "company, got 'zone'")


def test_users_add_and_set_role_take_a_managers_level(env, capsys, monkeypatch):
    monkeypatch.setenv("TD_PASSWORD", "first-pass-123")
    assert run(capsys, "users", "add", "dee", "--role", "manager", "--level", "district",
               "--scope", "D1", "--name", "Dee Coast")[0] == 0
    assert "dee\tmanager\tdistrict:D1\tDee Coast" in run(capsys, "users", "list")[1].splitlines()
    assert run(capsys, "users", "set-role", "dee", "--role", "manager", "--scope", "East")[0] == 0
    assert "dee\tmanager\tEast\tDee Coast" in run(capsys, "users", "list")[1].splitlines()
    code, _, err = run(capsys, "users", "set-role", "dee", "--role", "rep", "--scope", "R1",
                       "--level", "district")
    assert code == 2 and "only a manager has a level" in err
