"""``kpis`` and ``kpis --restated`` end to end: files with a dated county move
and a dated override are imported into an empty database, exported and
imported again, and the command prints the figures worked out by hand in
tests/unit/metrics/test_alignment_history.py."""

from __future__ import annotations

import csv
import io

from dashboard.runtime.cli import main

FILES = {
    "as_of.txt": "2026-03-31\n",
    "territories.csv": "territory_id,territory_name,region\nT1,North,West\nT2,South,West\n",
    "alignment.csv": "county_fips,territory_id,effective_from\n"
                     "06037,T1,\n06059,T2,\n06037,T2,2026-02-01\n",
    "accounts.csv": "account_id,account_name,county_fips,annual_potential,customer_since\n"
                    "A1,One,06037,1000,2025-06-01\nA2,Two,06059,2000,2025-01-01\n"
                    "A3,Three,06059,500,\n",
    "overrides.csv": "account_id,territory_id,effective_from\n"
                     "A3,T1,2026-03-01\nA3,,2026-06-01\n",
    "opportunities.csv": "opportunity_id,account_id,amount,stage,status,created_on,close_on\n"
                         "O1,A1,100,Closed Won,won,2025-12-01,2026-01-15\n"
                         "O2,A1,200,Closed Won,won,2026-01-20,2026-02-10\n"
                         "O3,A2,400,Closed Won,won,2026-01-01,2026-01-31\n"
                         "O4,A3,50,Closed Won,won,2026-02-01,2026-02-20\n"
                         "O5,A3,70,Closed Won,won,2026-02-15,2026-03-10\n",
    "quotas.csv": "territory_id,period,amount\nT1,2026Q1,1000\nT2,2026Q1,2000\n",
}


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def bookings(out: str) -> dict[str, str]:
    return {row["id"]: row["bookings"] for row in csv.DictReader(io.StringIO(out))}


def test_kpis_as_credited_and_restated_survive_an_export_and_import(
        tmp_path, monkeypatch, capsys):
    for name, text in FILES.items():
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / name).write_text(text)
    monkeypatch.setenv("TD_INSTANCE_PATH", str(tmp_path / "one"))
    monkeypatch.setenv("TD_DEMO", "0")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("TD_AS_OF", raising=False)
    code, _, err = run(capsys, "import", str(tmp_path / "in"))
    assert code == 0, err
    kpis = ("kpis", "--period", "2026Q1", "--level", "territory")
    _, credited, _ = run(capsys, *kpis)
    _, restated, _ = run(capsys, *kpis, "--restated")
    # as credited: T1 = O1 + O5, T2 = O2 + O3 + O4; restated on E = 03-31:
    # T1 = A3's O4 + O5, T2 = A1's and A2's O1 + O2 + O3
    assert bookings(credited) == {"T1": "170.0", "T2": "650.0"}
    assert bookings(restated) == {"T1": "120.0", "T2": "700.0"}
    assert run(capsys, "export", str(tmp_path / "out"))[0] == 0
    assert (tmp_path / "out" / "overrides.csv").read_text() == FILES["overrides.csv"]
    # the export adds the optional zip column (issue 19), blank on county rows
    assert (tmp_path / "out" / "alignment.csv").read_text() == (
        "county_fips,territory_id,effective_from,zip\n"
        "06037,T1,,\n06059,T2,,\n06037,T2,2026-02-01,\n")
    monkeypatch.setenv("TD_INSTANCE_PATH", str(tmp_path / "two"))
    code, _, err = run(capsys, "import", str(tmp_path / "out"))
    assert code == 0, err
    assert run(capsys, *kpis)[1] == credited
    assert run(capsys, *kpis, "--restated")[1] == restated
