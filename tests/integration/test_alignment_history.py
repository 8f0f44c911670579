"""The alignment history on a database: applied scenarios are listed as steps
(who, when, effective from, how many counties and accounts), a manager sees
the steps touching their region only, and a step is rolled back by the
reverse rows from a later date, never by deleting one."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.access.rules import Viewer
from dashboard.access.scope import of as scope_of
from dashboard.metrics.frames import build_frames
from dashboard.storage import store
from dashboard.whatif import alignment_history as history
from dashboard.whatif.changeset import Changes
from dashboard.whatif.scenarios import ScenarioStateError
from tests.integration.test_scenarios import (
    APPLY,
    NEXT_QUARTER,
    PLAN,
    apply,
    approved,
    rows,
    seeded,
)

ROLLBACK_DAY = date(2027, 1, 1)


@pytest.fixture
def engine(migrated_engine):
    return seeded(migrated_engine)


def scope(engine, viewer):
    return scope_of(viewer, build_frames(store.read_dataset(engine)))


def test_an_applied_scenario_is_a_step_of_the_history(engine):
    record = approved(engine, APPLY)
    apply(engine, record)
    (step,) = history.list_steps(engine)
    assert (step.kind, step.user, step.name, step.scenario_id, step.effective_from) == (
        history.APPLIED, "lea", "Plan A", record.id, NEXT_QUARTER)
    # 48201 moves (A2 is in it) and A1 and A2 are named: two accounts, one county
    assert (step.counties, step.accounts, step.quotas) == (1, 2, 2)
    assert step.territories == {"T1", "T2"} and step.rolled_back_by is None


def test_a_rollback_adds_the_reverse_rows_and_puts_the_quotas_back(engine):
    apply(engine, approved(engine, APPLY))
    (step,) = history.list_steps(engine)
    applied = store.read_dataset(engine)
    undo = history.rollback_step(engine, step.id, "lea", "leader",
                                 effective_from=ROLLBACK_DAY)
    live = store.read_dataset(engine)
    # nothing deleted: the step's rows stay, the reverse ones start on the rollback's day
    assert rows(live.alignment) == rows(applied.alignment) | {("48201", "T2", ROLLBACK_DAY, None)}
    assert rows(live.overrides) == rows(applied.overrides) | {("A1", None, ROLLBACK_DAY),
                                                              ("A2", "T1", ROLLBACK_DAY)}
    quotas = {(t, p): a for t, p, a, _s in live.quotas.itertuples(index=False)}
    assert quotas == {("T1", "2026Q2"): 4000.0, ("T1", "2026Q3"): 5000.0,
                      ("T1", "2027Q1"): 6000.0, ("T2", "2026Q3"): 7000.0}
    assert (undo.kind, undo.rolls_back, undo.effective_from) == (
        history.ROLLBACK, step.id, ROLLBACK_DAY)
    assert store.data_version(engine) == 3
    listed = history.list_steps(engine)
    assert [s.id for s in listed] == [undo.id, step.id]
    assert listed[1].rolled_back_by == undo.id
    with pytest.raises(ScenarioStateError, match=f"already rolled back \\(step {undo.id}\\)"):
        history.rollback_step(engine, step.id, "lea", "leader",
                              effective_from=date(2027, 4, 1))
    # the latest alignment is today's again
    assert build_frames(live).alignment.at["48201", "territory_id"] == "T2"


def test_a_rollback_from_a_later_quarter_keeps_the_quota_of_a_quarter_under_way(engine):
    apply(engine, approved(engine, APPLY))
    (step,) = history.list_steps(engine)
    history.rollback_step(engine, step.id, "lea", "leader", effective_from=date(2027, 2, 1))
    quotas = store.read_dataset(engine).quotas
    assert dict(zip(zip(quotas.territory_id, quotas.period, strict=True), quotas.amount,
                    strict=True))[("T1", "2027Q1")] == PLAN[("T1", "2027Q1")]


@pytest.mark.parametrize(("day", "role", "error"), [
    (NEXT_QUARTER, "leader", "after the step it reverses: pick a date after 2026-10-01"),
    (date(2026, 9, 1), "leader", "after the step it reverses"),
    (ROLLBACK_DAY, "manager", "Only a leader can roll back"),
])
def test_a_rollback_on_or_before_the_step_or_by_a_manager_is_refused(engine, day, role, error):
    apply(engine, approved(engine, APPLY))
    (step,) = history.list_steps(engine)
    before = store.read_dataset(engine)
    with pytest.raises(ScenarioStateError, match=error):
        history.rollback_step(engine, step.id, "someone", role, effective_from=day)
    assert rows(store.read_dataset(engine).alignment) == rows(before.alignment)
    assert store.data_version(engine) == 2


def test_a_step_whose_counties_changed_again_later_is_not_rolled_back(engine):
    apply(engine, approved(engine, APPLY), quotas={})
    later = approved(engine, Changes(county_moves={"48201": "T2"}))
    apply(engine, later, effective_from=ROLLBACK_DAY, quotas={})
    first = history.list_steps(engine)[-1]
    with pytest.raises(ScenarioStateError, match="48201 changed again from 2027-01-01"):
        history.rollback_step(engine, first.id, "lea", "leader", effective_from=date(2027, 4, 1))


def test_a_manager_sees_the_steps_touching_their_region_only(engine):
    # T1 is in West, T2 in South: a step moving within T1 alone is West's only
    apply(engine, approved(engine, Changes(quota_changes={"T1": 0.1})),
          quotas={("T1", "2027Q1"): 6600.0})
    apply(engine, approved(engine, Changes(quota_changes={"T2": 0.1})),
          effective_from=ROLLBACK_DAY, quotas={("T2", "2027Q1"): 10.0})
    west = scope(engine, Viewer(2, "manager-west", "manager", "West"))
    south = scope(engine, Viewer(3, "manager-south", "manager", "South"))
    everything = history.list_steps(engine)
    assert len(everything) == 2
    assert [s.territories for s in history.list_steps(engine, west)] == [{"T1"}]
    assert [s.territories for s in history.list_steps(engine, south)] == [{"T2"}]
    with pytest.raises(ScenarioStateError, match="There is no alignment step"):
        history.rollback_step(engine, everything[1].id, "x", "leader", south,
                              effective_from=date(2027, 4, 1))


def test_a_zip_move_is_applied_as_a_dated_zip_row_and_rolled_back_by_another(engine):
    """small_dataset: ZIP 90012 of 06037 is T1's (a ZIP row) while 06037 is T2's;
    A1 lies in 90012, ZIP 90013 has no row (issue 19)."""
    before = store.read_dataset(engine)
    apply(engine, approved(engine, Changes(zip_moves={"90012": "T2", "90013": "T1"})),
          quotas={})
    live = store.read_dataset(engine)
    assert rows(live.alignment) == rows(before.alignment) | {
        ("06037", "T2", NEXT_QUARTER, "90012"), ("06037", "T1", NEXT_QUARTER, "90013")}
    (step,) = history.list_steps(engine)
    assert step.territories == {"T1", "T2"}
    assert (step.counties, step.zips, step.accounts) == (0, 2, 1)
    frames = build_frames(live)
    assert frames.accounts.at["A1", "territory_id"] == "T2"
    # before the date A1's deal stays with the ZIP's T1
    assert frames.opportunities.at[0, "credited_territory_id"] == "T1"
    history.rollback_step(engine, step.id, "lea", "leader", effective_from=ROLLBACK_DAY)
    undone = store.read_dataset(engine)
    # 90013 followed its county (T2) before the step: that is what comes back
    assert rows(undone.alignment) == rows(live.alignment) | {
        ("06037", "T1", ROLLBACK_DAY, "90012"), ("06037", "T2", ROLLBACK_DAY, "90013")}
    assert build_frames(undone).accounts.at["A1", "territory_id"] == "T1"
