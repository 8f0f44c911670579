"""The command line on a real database: kpis, export, import."""

from __future__ import annotations

import csv
import io

import pytest

from dashboard.runtime.cli import main
from dashboard.runtime.config import Settings
from dashboard.storage import store
from dashboard.storage.db import make_engine

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


QUOTA_BASED = ("quota", "attainment", "pace", "remaining_quota", "coverage",
               "projected_attainment")


def kpi_rows(out: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(out)))


def test_kpis_segment_without_segment_quotas_leaves_quota_figures_empty(demo_env, capsys):
    """The demo's quotas are totals outside one region: under --segment every
    quota-based cell of a region without segment quotas is empty (METRICS.md
    segment rule), the bookings are the segment's own, and the segments'
    bookings add up to the unfiltered ones."""
    _, whole, _ = run(capsys, "kpis", "--period", "2026Q3", "--level", "region")
    whole = {row["id"]: row for row in kpi_rows(whole)}
    dataset = store.read_dataset(make_engine(demo_env.resolved_database_url))
    segments = sorted(set(dataset.accounts["segment"].dropna()))
    assert len(segments) > 1
    region_of = dataset.territories.set_index("territory_id")["region"]
    split = dataset.quotas[dataset.quotas["segment"].notna()]
    by_segment = set(region_of[split["territory_id"]])  # the demo's one such region
    assert len(by_segment) == 1 and len(whole) - len(by_segment) == 3
    booked = dict.fromkeys(whole, 0.0)
    for segment in segments:
        code, out, _ = run(capsys, "kpis", "--period", "2026Q3", "--level", "region",
                           "--segment", segment)
        assert code == 0
        for row in kpi_rows(out):
            if row["id"] in by_segment:
                assert row["quota"] != ""
            else:
                assert {name: row[name] for name in QUOTA_BASED} == dict.fromkeys(
                    QUOTA_BASED, "")
            booked[row["id"]] += float(row["bookings"])
    for region, row in whole.items():
        assert row["quota"] != ""
        assert booked[region] == pytest.approx(float(row["bookings"]))


def test_kpis_refuses_an_unknown_segment_in_one_line(demo_env, capsys):
    code, out, err = run(capsys, "kpis", "--period", "2026Q3", "--segment", "Nope")
    assert code == 2 and out == ""
    assert err.startswith("error:") and "Nope" in err and "Traceback" not in err


#: A small dataset with segment quotas (the hand-worked case of
#: tests/unit/metrics/test_segment_quota.py): T1 and T3 have a 2026Q1 quota per
#: segment, T2 only a total; each account won one deal on 2026-02-01.
SEGMENT_QUOTA_FILES = {
    "territories.csv": "territory_id,territory_name,region\n"
                       "T1,North,East\nT2,South,East\nT3,Coast,West\n",
    "reps.csv": "rep_id,rep_name,email,territory_id\n"
                "R1,Rep 1,r1@example.com,T1\nR2,Rep 2,r2@example.com,T2\n"
                "R3,Rep 3,r3@example.com,T3\n",
    "alignment.csv": "county_fips,territory_id\n06037,T1\n06073,T2\n04013,T3\n",
    "accounts.csv": "account_id,account_name,county_fips,segment,annual_potential\n"
                    "A1,One,06037,SMB,1000\nA2,Two,06037,Ent,1000\nA3,Three,06073,SMB,1000\n"
                    "A4,Four,06073,Ent,1000\nA5,Five,04013,Ent,1000\n",
    "opportunities.csv": "opportunity_id,account_id,amount,stage,status,created_on,close_on\n"
                         + "".join(
        f"O{n},A{n},{amount},Closed Won,won,2026-01-02,2026-02-01\n"
        for n, amount in ((1, 30000), (2, 50000), (3, 20000), (4, 60000), (5, 40000))),
    "quotas.csv": "territory_id,period,amount,segment\n"
                  "T1,2026Q1,40000,SMB\nT1,2026Q1,100000,Ent\nT2,2026Q1,200000,\n"
                  "T3,2026Q1,80000,Ent\nT3,2026Q1,20000,SMB\n",
    "as_of.txt": "2026-02-14\n",
}


def test_kpis_segment_with_segment_quotas_after_an_import(demo_env, capsys, tmp_path,
                                                          monkeypatch):
    """Imported segment quotas reach ``kpis --segment``: a territory's quota for the
    segment, missing for T2 (a total only) and for East (T2 is in it); without
    --segment the quota is the per-segment rows' sum."""
    for name, text in SEGMENT_QUOTA_FILES.items():
        (tmp_path / name).write_text(text)
    monkeypatch.setenv("TD_INSTANCE_PATH", str(tmp_path / "fresh"))
    code, _, err = run(capsys, "import", str(tmp_path))
    assert code == 0, err

    def kpis(level, *segment):
        code, out, err = run(capsys, "kpis", "--period", "2026Q1", "--level", level, *segment)
        assert code == 0, err
        return {row["id"]: row for row in kpi_rows(out)}

    def figures(row):
        return tuple(row[name] for name in ("bookings", "quota", "attainment", "pace"))

    # Ent: T1 50k of 100k at half the quarter -> .5, pace 1; T3 40k of 80k; T2 none
    ent = kpis("territory", "--segment", "Ent")
    assert figures(ent["T1"]) == ("50000.0", "100000.0", "0.5", "1.0")
    assert figures(ent["T2"]) == ("60000.0", "", "", "")
    assert figures(ent["T3"]) == ("40000.0", "80000.0", "0.5", "1.0")
    regions = kpis("region", "--segment", "Ent")
    assert figures(regions["East"]) == ("110000.0", "", "", "")
    assert figures(regions["West"]) == ("40000.0", "80000.0", "0.5", "1.0")
    assert kpis("territory")["T1"]["quota"] == "140000.0"


TABLE_FILES = [f"{t}.csv" for t in
               ("territories", "levels", "reps", "alignment", "accounts", "overrides",
                "opportunities", "quotas")]


def test_export_then_import_into_an_empty_database_gives_the_same_kpis(
        demo_env, capsys, tmp_path, monkeypatch):
    """No --as-of anywhere: the export carries the demo's own as-of date, so the
    copy's default figures are the source's (not today's)."""
    _, before, _ = run(capsys, "kpis", "--period", "2026Q3", "--level", "territory")
    _, districts, _ = run(capsys, "kpis", "--period", "2026Q3", "--level", "district")
    assert len(districts.splitlines()) == 1 + 9
    assert run(capsys, "export", str(tmp_path / "out"))[0] == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        [*TABLE_FILES, "as_of.txt"])
    assert (tmp_path / "out" / "as_of.txt").read_text().strip() == "2026-08-14"
    monkeypatch.setenv("TD_INSTANCE_PATH", str(tmp_path / "fresh"))
    code, out, err = run(capsys, "import", str(tmp_path / "out"))
    assert code == 0, err
    _, after, _ = run(capsys, "kpis", "--period", "2026Q3", "--level", "territory")
    assert after == before
    # the demo's districts came with it (levels.csv)
    assert run(capsys, "kpis", "--period", "2026Q3", "--level", "district")[1] == districts
    engine = make_engine(Settings.from_env().resolved_database_url)
    version = store.data_version(engine)
    # importing the same files again changes nothing, not even the data version
    code, out, _ = run(capsys, "import", str(tmp_path / "out"))
    assert code == 0 and out.startswith("nothing changed")
    assert store.data_version(engine) == version
    assert run(capsys, "kpis", "--period", "2026Q3", "--level", "territory")[1] == before


OPPORTUNITY_HEADER = "opportunity_id,account_id,amount,stage,status,created_on,close_on\n"
ACCOUNT_HEADER = ("account_id,account_name,county_fips,annual_potential,customer_since,"
                  "churned_on\n")

#: Every DATA_FORMAT.md rule: (file, content, the start of the line that must
#: be printed for it). {account}, {territory} and {owned} are filled from the
#: demo: an existing account, a territory, and a territory a rep owns.
BAD_FILES = {
    "missing column": ("territories.csv", "territory_id,region\nT90,West\n",
                       "territories.csv column territory_name:"),
    "missing value": ("territories.csv", "territory_id,territory_name,region\nT90,,West\n",
                      "territories.csv row 2, column territory_name:"),
    "bad date": ("opportunities.csv",
                 OPPORTUNITY_HEADER + "X1,{account},100,Proposal,open,2026-13-45,2026-09-01\n",
                 "opportunities.csv row 2, column created_on:"),
    "bad money": ("quotas.csv", "territory_id,period,amount\n{territory},2026Q4,lots\n",
                  "quotas.csv row 2, column amount:"),
    "bad number": ("reps.csv", "rep_id,rep_name,email,home_lat\nR900,Ann,a@x.io,north\n",
                   "reps.csv row 2, column home_lat:"),
    "bad status": ("opportunities.csv",
                   OPPORTUNITY_HEADER + "X1,{account},100,Proposal,maybe,2026-01-05,2026-09-01\n",
                   "opportunities.csv row 2, column status:"),
    "bad county code": ("alignment.csv", "county_fips,territory_id\n6037x,{territory}\n",
                        "alignment.csv row 2, column county_fips:"),
    "bad quarter": ("quotas.csv", "territory_id,period,amount\n{territory},2026Q5,100\n",
                    "quotas.csv row 2, column period:"),
    "unknown territory": ("alignment.csv", "county_fips,territory_id\n06037,T999\n",
                          "alignment.csv row 2, column territory_id: territory T999"),
    "unknown county": ("accounts.csv", ACCOUNT_HEADER + "A900,Acme,99999,100,,\n",
                       "accounts.csv row 2, column county_fips: county 99999"),
    "unknown account": ("opportunities.csv",
                        OPPORTUNITY_HEADER + "X1,NOPE,100,Proposal,open,2026-01-05,2026-09-01\n",
                        "opportunities.csv row 2, column account_id: account NOPE"),
    "duplicate id": ("territories.csv",
                     "territory_id,territory_name,region\nT90,A,West\nT90,B,West\n",
                     "territories.csv row 3, column territory_id:"),
    "negative amount": ("quotas.csv", "territory_id,period,amount\n{territory},2026Q4,-5\n",
                        "quotas.csv row 2, column amount:"),
    "close before created": (
        "opportunities.csv",
        OPPORTUNITY_HEADER + "X1,{account},100,Proposal,open,2026-05-05,2026-01-01\n",
        "opportunities.csv row 2, column close_on:"),
    "churned before customer": ("accounts.csv",
                                ACCOUNT_HEADER + "A900,Acme,06037,100,2025-05-01,2024-01-01\n",
                                "accounts.csv row 2, column churned_on:"),
    "territory owned by another rep": ("reps.csv",
                                       "rep_id,rep_name,email,territory_id\n"
                                       "R900,Ann,a@x.io,{owned}\n",
                                       "reps.csv row 2, column territory_id:"),
    "county aligned twice": ("alignment.csv",
                             "county_fips,territory_id\n06037,{territory}\n06037,{territory}\n",
                             "alignment.csv row 3, column county_fips:"),
}


def _fill(text: str, dataset) -> str:
    owned = dataset.reps["territory_id"].dropna().iloc[0]
    return text.format(account=dataset.accounts["account_id"].iloc[0],
                       territory=dataset.territories["territory_id"].iloc[0], owned=owned)


@pytest.fixture(scope="module")
def demo_data(demo_db_template):
    """The demo's stored dataset and data stamp, read once from the template
    every ``demo_env`` copies byte for byte (a read costs 1-3 s, per test)."""
    engine = make_engine(f"sqlite:///{demo_db_template}")
    data = store.read_dataset(engine), store.data_stamp(engine)
    engine.dispose()
    return data


def _assert_unchanged(engine, dataset, stamp) -> None:
    """The stored data is what it was, row for row, and so is the data stamp."""
    assert store.data_stamp(engine) == stamp
    after = store.read_dataset(engine)
    for name, frame in dataset.tables().items():
        assert after.table(name).equals(frame), name


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_malformed_import_is_refused_and_changes_nothing(demo_env, demo_data, capsys,
                                                           tmp_path, case):
    engine = make_engine(demo_env.resolved_database_url)
    dataset, stamp = demo_data
    name, text, expected = BAD_FILES[case]
    (tmp_path / name).write_text(_fill(text, dataset), encoding="utf-8")
    code, out, err = run(capsys, "import", str(tmp_path / name))
    assert code == 1 and out == ""
    assert f"error: {expected}" in err, err
    assert "nothing imported" in err and "Traceback" not in err
    _assert_unchanged(engine, dataset, stamp)


def test_every_bad_file_of_one_import_is_reported_even_beside_an_unreadable_one(
        demo_env, demo_data, capsys, tmp_path):
    """The issue's six malformed cases in one import: a file that is not UTF-8
    does not hide the problems of the others."""
    engine = make_engine(demo_env.resolved_database_url)
    dataset, stamp = demo_data
    cases = ["bad date", "unknown territory", "duplicate id", "negative amount"]
    for case in cases:
        name, text, _ = BAD_FILES[case]
        (tmp_path / name).write_text(_fill(text, dataset), encoding="utf-8")
    (tmp_path / "accounts.csv").write_text(ACCOUNT_HEADER.replace("account_name,", "") +
                                           "A900,06037,100,,\n", encoding="utf-8")
    (tmp_path / "reps.csv").write_bytes(
        "rep_id,rep_name,email\nR900,Zoé Montréal,z@x.io\n".encode("latin-1"))
    code, _, err = run(capsys, "import", str(tmp_path))
    assert code == 1
    expected = [BAD_FILES[case][2] for case in cases] + [
        "accounts.csv column account_name:", "reps.csv: file is not UTF-8 text"]
    for line in expected:
        assert f"error: {line}" in err, (line, err)
    assert f"nothing imported: {err.count('error: ')} problem(s)" in err
    _assert_unchanged(engine, dataset, stamp)


def test_a_non_utf8_file_is_refused_with_a_reason(demo_env, demo_data, capsys, tmp_path):
    engine = make_engine(demo_env.resolved_database_url)
    dataset, stamp = demo_data
    path = tmp_path / "territories.csv"
    path.write_bytes("territory_id,territory_name,region\nT90,Montréal,Northeast\n"
                     .encode("latin-1"))
    code, _, err = run(capsys, "import", str(path))
    assert code == 1
    assert "error: territories.csv: file is not UTF-8 text (byte 0xe9" in err
    _assert_unchanged(engine, dataset, stamp)


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



@pytest.mark.parametrize("command", ["import", "init-demo"])
def test_a_write_overtaken_by_another_says_so_and_writes_nothing(
        demo_env, capsys, tmp_path, command):
    """The command has read the data version its write is built from; another
    import commits before it writes. It exits 1 saying to run it again, and
    the other import's data stays whole (exit 1: problems with the files'
    import; 2: a refusal of the command)."""
    from dashboard.ingest.export import dataset_to_csv_bytes
    from dashboard.ingest.service import import_files
    from tests.integration.test_write_integrity import Writer, held_at_its_first_write

    engine = make_engine(demo_env.resolved_database_url)
    territories = store.read_dataset(engine).territories
    first, second = territories.iloc[[0]].copy(), territories.iloc[[1]].copy()
    first["territory_name"], second["territory_name"] = "From the CLI", "Imported meanwhile"
    (tmp_path / "territories.csv").write_bytes(dataset_to_csv_bytes(first, "territories"))
    argv, exit_code = {"import": (["import", str(tmp_path / "territories.csv")], 1),
                       "init-demo": (["init-demo", "--force"], 2)}[command]
    cli = Writer(lambda: main(argv))
    with held_at_its_first_write(cli):
        meanwhile = import_files(
            engine, [("territories.csv", dataset_to_csv_bytes(second, "territories"))])
        assert meanwhile.ok
    assert cli.result() == exit_code
    err = capsys.readouterr().err
    assert "changed while" in err and "again" in err and "Traceback" not in err
    names = store.read_dataset(engine).territories.set_index("territory_id").territory_name
    assert names[second.territory_id.iloc[0]] == "Imported meanwhile"
    assert names[first.territory_id.iloc[0]] == territories.territory_name.iloc[0]
    assert store.data_version(engine) == meanwhile.data_version
