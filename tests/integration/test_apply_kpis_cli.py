"""Applying a scenario never changes the past (#17 item 2, METRICS.md
"Alignment history"): on the demo, a scenario moving 25 counties and a named
account and raising a quota is applied from the next quarter with an edited
quota proposal. Every earlier quarter's ``territory-dashboard kpis`` output,
at every level, is byte-identical before and after, and the new quarter's
quotas are the confirmed ones (the touched territories') or as they were.

The 36 earlier outputs of each side are computed in-process from one fresh
service (what ``cmd_kpis`` does: the stored data's frames, its as-of date,
``kpi_table`` then ``format_kpi_csv``), not by 36 runs of the command that each
load the frames again (~120 s of the suite on a loaded host); the command itself
is run on each side and must print the in-process output byte for byte."""

from __future__ import annotations

import csv
import io
from datetime import date

from dashboard.metrics.kpi_table import format_kpi_csv, kpi_table
from dashboard.metrics.periods import Period, quarter_label
from dashboard.runtime.cli import main
from dashboard.runtime.service import DataService
from dashboard.whatif import apply_plan, scenarios
from dashboard.whatif.changeset import Changes

LEVELS = ("territory", "rep", "region", "company")
#: the demo's quarters up to the one of its as-of date (2026-08-14)
EARLIER = [quarter_label(2024 + (2 + i) // 4, (2 + i) % 4 + 1) for i in range(9)]


def kpis(capsys, period: str, level: str) -> str:
    assert main(["kpis", "--period", period, "--level", level]) == 0
    return capsys.readouterr().out


def every_earlier_output(settings, capsys) -> dict[tuple[str, str], str]:
    """``kpis`` output of every earlier quarter at every level, as the command
    prints it on the stored data now: from a fresh service, as a new run of
    the command reads it (the snapshot of the data's stamp, else the
    database), and checked against the command's own output for one of them."""
    service = DataService(settings)
    frames, as_of = service.frames(), service.as_of()
    outputs = {(p, level): format_kpi_csv(kpi_table(frames, Period.parse(p), as_of, level))
               for p in EARLIER for level in LEVELS}
    service.wait_for_snapshot()
    service.engine.dispose()
    assert kpis(capsys, EARLIER[-1], "territory") == outputs[EARLIER[-1], "territory"]
    return outputs


def a_scenario(frames) -> Changes:
    aligned = frames.alignment["territory_id"].astype(str)
    losing, gaining = sorted(aligned.unique())[:2]
    counties = sorted(aligned.index[aligned == losing])[:25]
    account = frames.accounts.index[frames.accounts["territory_id"] == gaining][0]
    return Changes(county_moves=dict.fromkeys(counties, gaining),
                   account_overrides={account: losing}, quota_changes={gaining: 0.05})


def test_an_applied_scenario_leaves_every_earlier_quarters_kpis_byte_identical(
        demo_settings, monkeypatch, capsys):
    monkeypatch.setenv("TD_INSTANCE_PATH", demo_settings.instance_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("TD_AS_OF", raising=False)
    assert EARLIER[0] == "2024Q3" and EARLIER[-1] == "2026Q3"
    before = every_earlier_output(demo_settings, capsys)
    q4_before = kpis(capsys, "2026Q4", "territory")

    service = DataService(demo_settings)
    frames, as_of = service.frames(), service.as_of()
    changes = a_scenario(frames)
    effective = apply_plan.default_effective_date(as_of)
    assert effective == date(2026, 10, 1)
    lines = apply_plan.quota_lines(frames, changes, effective, as_of)
    rows = apply_plan.plan_rows(lines)
    rows[0] = rows[0] | {"confirmed": round(rows[0]["confirmed"]) + 1234.0}  # the leader edits
    plan = apply_plan.confirmed_plan(rows, lines)
    assert {t for t, _p in plan} == {*changes.quota_changes, *changes.account_overrides.values()}
    record = scenarios.save_scenario(service.engine, name="Rebalance", changes=changes,
                                     user="leader")
    scenarios.propose(service.engine, record.id, "leader", "leader")
    scenarios.approve(service.engine, record.id, "leader", "leader")
    scenarios.apply_scenario(service.engine, record.id, "leader", "leader",
                             effective_from=effective, quotas=plan)
    service.engine.dispose()

    after = every_earlier_output(demo_settings, capsys)
    changed = [key for key in before if before[key] != after[key]]
    assert changed == []
    q4_after = kpis(capsys, "2026Q4", "territory")
    quota_before = {r["id"]: r["quota"] for r in csv.DictReader(io.StringIO(q4_before))}
    quota_after = {r["id"]: r["quota"] for r in csv.DictReader(io.StringIO(q4_after))}
    expected = quota_before | {t: repr(amount) for (t, _p), amount in plan.items()}
    assert {t: float(v) for t, v in quota_after.items()} == {
        t: float(v) for t, v in expected.items()}
    assert quota_after != quota_before
