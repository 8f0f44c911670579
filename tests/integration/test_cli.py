"""The command line on a real database: kpis, export, import."""

from __future__ import annotations

import csv
import io

import pytest

from dashboard import store
from dashboard.cli import main
from dashboard.db import make_engine

KPI_COLUMNS = (
    "id,name,bookings,quota,attainment,time_elapsed,pace,open_pipeline,weighted_pipeline,"
    "remaining_quota,coverage,projected_attainment,win_rate,avg_deal_size,sales_cycle_days,"
    "customers_at_start,acquisition_rate,retention_rate,penetration,revenue_penetration,"
    "revenue_growth,concentration_top20"
)


@pytest.fixture
def demo_env(demo_settings, monkeypatch):
    monkeypatch.setenv("TD_INSTANCE_PATH", demo_settings.instance_path)
    monkeypatch.setenv("TD_DEMO", "0")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("TD_AS_OF", raising=False)
    return demo_settings


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_kpis_prints_one_row_per_territory_with_every_column(demo_env, capsys):
    code, out, _ = run(capsys, "kpis", "--period", "2026Q3", "--level", "territory")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == KPI_COLUMNS
    rows = list(csv.DictReader(io.StringIO(out)))
    engine = make_engine(demo_env.resolved_database_url)
    territories = store.read_dataset(engine).territories
    assert [r["id"] for r in rows] == sorted(territories["territory_id"])
    # ratios are fractions and money unrounded: attainment = bookings / quota
    for row in rows:
        if row["quota"] and float(row["quota"]) > 0:
            assert float(row["attainment"]) == pytest.approx(
                float(row["bookings"]) / float(row["quota"]))


@pytest.mark.parametrize("level,expected_rows", [("company", 1), ("region", 4)])
def test_kpis_levels(demo_env, capsys, level, expected_rows):
    code, out, _ = run(capsys, "kpis", "--period", "2026", "--level", level)
    assert code == 0
    assert len(out.strip().splitlines()) == expected_rows + 1


def test_kpis_refuses_a_bad_period_in_one_line(demo_env, capsys):
    code, _, err = run(capsys, "kpis", "--period", "2026Q5")
    assert code == 2
    assert err.startswith("error:") and "Traceback" not in err


def test_export_then_import_into_an_empty_database_gives_the_same_kpis(
        demo_env, capsys, tmp_path, monkeypatch):
    _, before, _ = run(capsys, "kpis", "--period", "2026Q3", "--as-of", "2026-08-14")
    assert run(capsys, "export", str(tmp_path / "out"))[0] == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f"{t}.csv" for t in
        ("territories", "reps", "alignment", "accounts", "opportunities", "quotas"))
    monkeypatch.setenv("TD_INSTANCE_PATH", str(tmp_path / "fresh"))
    code, out, err = run(capsys, "import", str(tmp_path / "out"))
    assert code == 0, err
    _, after, _ = run(capsys, "kpis", "--period", "2026Q3", "--as-of", "2026-08-14")
    assert after == before
    # importing the same files again changes nothing
    assert run(capsys, "import", str(tmp_path / "out"))[0] == 0
    assert run(capsys, "kpis", "--period", "2026Q3", "--as-of", "2026-08-14")[1] == before


BAD_FILES = {
    "missing column": ("territories.csv", "territory_id,region\nT90,West\n",
                       "territory_name"),
    "bad date": ("opportunities.csv",
                 "opportunity_id,account_id,amount,stage,status,created_on,close_on\n"
                 "X1,{account},100,Proposal,open,2026-13-45,2026-09-01\n", "created_on"),
    "unknown territory": ("alignment.csv", "county_fips,territory_id\n06037,T999\n", "T999"),
    "duplicate id": ("territories.csv",
                     "territory_id,territory_name,region\nT90,A,West\nT90,B,West\n",
                     "duplicate"),
    "negative amount": ("quotas.csv", "territory_id,period,amount\n{territory},2026Q4,-5\n",
                        "negative"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_malformed_import_is_refused_and_changes_nothing(demo_env, capsys, tmp_path, case):
    engine = make_engine(demo_env.resolved_database_url)
    dataset = store.read_dataset(engine)
    version = store.data_version(engine)
    name, text, expected = BAD_FILES[case]
    text = text.format(account=dataset.accounts["account_id"].iloc[0],
                       territory=dataset.territories["territory_id"].iloc[0])
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "import", str(path))
    assert code == 1
    assert name in err and expected in err
    assert store.data_version(engine) == version


def test_a_non_utf8_file_is_refused_with_a_reason(demo_env, capsys, tmp_path):
    path = tmp_path / "territories.csv"
    path.write_bytes("territory_id,territory_name,region\nT90,Montréal,Northeast\n"
                     .encode("latin-1"))
    code, _, err = run(capsys, "import", str(path))
    assert code == 1 and "UTF-8" in err


def test_every_problem_is_listed_not_just_the_first(demo_env, capsys, tmp_path):
    (tmp_path / "territories.csv").write_text(
        "territory_id,territory_name,region\nT90,,West\nT91,B,\nT90,C,South\n")
    code, _, err = run(capsys, "import", str(tmp_path / "territories.csv"))
    assert code == 1
    assert "row 2" in err and "row 3" in err and "row 4" in err


def test_init_demo_refuses_to_overwrite_without_force(demo_env, capsys):
    code, _, err = run(capsys, "init-demo")
    assert code == 2 and "--force" in err


def test_unreachable_database_gives_a_clear_message(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    code, _, err = run(capsys, "kpis", "--period", "2026Q3")
    assert code == 3 and "cannot reach the database" in err

