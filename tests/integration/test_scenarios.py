"""Saved scenarios (issue 5 item 4) on SQLite and a real PostgreSQL: what is
saved reopens unchanged, nothing is silently overwritten, only the right role
moves a scenario on, and applying one changes the live data in one go."""

from __future__ import annotations

import csv
import io
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from threading import Barrier

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from dashboard.access.rules import Viewer
from dashboard.access.scope import of as scope_of
from dashboard.metrics.frames import build_frames
from dashboard.storage import store
from dashboard.storage.models import AuditLog, Scenario
from dashboard.whatif import scenarios
from dashboard.whatif.changeset import Changes
from dashboard.whatif.draft_scope import ScenarioScope
from dashboard.whatif.scenarios import (
    ScenarioRecord,
    ScenarioStateError,
    StaleScenarioError,
    apply_scenario,
    approve,
    delete_scenario,
    duplicate_scenario,
    get_scenario,
    list_scenarios,
    propose,
    reject,
    rename_scenario,
    save_scenario,
    scenario_csv,
)
from tests.integration.test_store import assert_same, obj, small_dataset

AS_OF = date(2026, 8, 14)  # current quarter 2026Q3
CHANGES = Changes(county_moves={"06037": "T2"}, account_overrides={"A1": "T2", "A2": None},
                  quota_changes={"T1": 0.1}, locked_counties=frozenset({"48201"}))


@pytest.fixture
def engine(migrated_engine):
    return seeded(migrated_engine)


def seeded(eng):
    """small_dataset with T1's quotas of 2026Q2, Q3 and 2027Q1 and T2's of 2026Q3."""
    dataset = small_dataset()
    dataset.quotas = pd.DataFrame({"territory_id": obj("T1", "T1", "T1", "T2"),
                                   "period": obj("2026Q2", "2026Q3", "2027Q1", "2026Q3"),
                                   "amount": [4000.0, 5000.0, 6000.0, 7000.0]})
    store.replace_dataset(eng, dataset, as_of=AS_OF)
    return eng


def audit(engine) -> list[tuple[str, str, dict]]:
    with engine.connect() as conn:
        rows = conn.execute(select(AuditLog.username, AuditLog.action, AuditLog.detail)
                            .order_by(AuditLog.id)).all()
    return [tuple(r) for r in rows]


def new(engine, name="Plan A", changes=CHANGES, user="ann", region=None) -> ScenarioRecord:
    return save_scenario(engine, name=name, changes=changes, user=user, region=region)


def approved(engine, changes=CHANGES) -> ScenarioRecord:
    record = new(engine, changes=changes)
    propose(engine, record.id, "mo", "manager")
    return approve(engine, record.id, "lea", "leader")


def test_a_saved_scenario_reopens_unchanged(engine):
    record = new(engine, region="West")
    reopened = get_scenario(engine, record.id)
    assert reopened == record
    assert reopened.changes == CHANGES
    assert (reopened.status, reopened.revision, reopened.base_data_version) == ("draft", 1, 1)
    assert (reopened.created_by, reopened.region) == ("ann", "West")


def test_saving_over_bumps_the_revision(engine):
    record = new(engine)
    other = Changes(quota_changes={"T2": -0.05})
    saved = save_scenario(engine, name="Plan B", changes=other, user="bob",
                          scenario_id=record.id, expected_revision=1)
    assert (saved.name, saved.changes, saved.revision, saved.updated_by) == (
        "Plan B", other, 2, "bob")
    assert saved.created_by == "ann"


def test_a_stale_save_is_refused_and_neither_version_is_lost(engine):
    record = new(engine)
    ann = Changes(county_moves={"48201": "T1"})
    save_scenario(engine, name="Plan A", changes=ann, user="ann", scenario_id=record.id,
                  expected_revision=1)
    bob = Changes(quota_changes={"T1": 0.2})
    with pytest.raises(StaleScenarioError) as caught:
        save_scenario(engine, name="Plan A", changes=bob, user="bob", scenario_id=record.id,
                      expected_revision=1)
    stored = get_scenario(engine, record.id)
    message = str(caught.value)
    assert message.startswith("Scenario 'Plan A' was changed by ann at ")
    assert f"{stored.updated_at:%H:%M}" in message
    assert message.endswith("your version was kept as 'Plan A (copy by bob)'")
    assert (stored.changes, stored.revision) == (ann, 2)
    copy = get_scenario(engine, caught.value.copy_id)
    assert (copy.name, copy.changes, copy.status, copy.created_by) == (
        "Plan A (copy by bob)", bob, "draft", "bob")


def test_a_write_landing_between_read_and_update_loses_to_it(engine, monkeypatch):
    """The conditional UPDATE, not the earlier read, decides who wins."""
    record = new(engine)
    real_row = scenarios._row
    calls = []

    def row_then_concurrent_save(session, scenario_id, **kwargs):
        row = real_row(session, scenario_id, **kwargs)
        if not calls:
            calls.append(1)
            save_scenario(engine, name="Plan A", changes=Changes(), user="ann",
                          scenario_id=record.id, expected_revision=1)
        return row

    monkeypatch.setattr(scenarios, "_row", row_then_concurrent_save)
    with pytest.raises(StaleScenarioError, match="changed by ann") as caught:
        save_scenario(engine, name="Plan A", changes=CHANGES, user="bob",
                      scenario_id=record.id, expected_revision=1)
    monkeypatch.undo()
    assert get_scenario(engine, record.id).changes == Changes()
    assert get_scenario(engine, caught.value.copy_id).changes == CHANGES


def test_two_racing_saves_exactly_one_wins(engine):
    record = new(engine)
    start = Barrier(2)

    def save(user: str):
        start.wait()
        try:
            return save_scenario(engine, name="Plan A", changes=Changes(quota_changes={
                "T1": 0.3 if user == "ann" else 0.4}), user=user, scenario_id=record.id,
                expected_revision=1)
        except StaleScenarioError as error:
            return error

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(save, ["ann", "bob"]))
    winners = [r for r in results if isinstance(r, ScenarioRecord)]
    losers = [r for r in results if isinstance(r, StaleScenarioError)]
    assert (len(winners), len(losers)) == (1, 1)
    stored = get_scenario(engine, record.id)
    assert (stored.revision, stored.changes) == (2, winners[0].changes)
    assert len(list_scenarios(engine)) == 2


def test_only_a_draft_can_be_edited(engine):
    record = new(engine)
    proposed = propose(engine, record.id, "mo", "manager")
    with pytest.raises(ScenarioStateError, match="is proposed; only a draft can be edited"):
        save_scenario(engine, name="X", changes=Changes(), user="mo", scenario_id=record.id,
                      expected_revision=proposed.revision)


@pytest.mark.parametrize(("steps", "error"), [
    ([("propose", "rep")], "Only a manager or leader can propose"),
    ([("propose", "manager"), ("approve", "manager")], "Only a leader can approve"),
    ([("approve", "leader")], "is draft; only a proposed scenario can be approved"),
    ([("propose", "leader"), ("propose", "leader")], "only a draft scenario can be proposed"),
    ([("propose", "manager"), ("reject", "manager")], "Only a leader can reject"),
    ([("propose", "manager"), ("approve", "leader"), ("apply", "manager")],
     "Only a leader can apply"),
    ([("propose", "manager"), ("apply", "leader")], "only an approved scenario can be applied"),
])
def test_wrong_role_or_state_is_refused(engine, steps, error):
    record = new(engine)
    actions = {"propose": propose, "approve": approve, "reject": reject,
               "apply": lambda e, i, u, r: apply_scenario(e, i, u, r,
                                                          effective_from=NEXT_QUARTER, quotas={})}
    *ok, (last, role) = steps
    for action, who in ok:
        actions[action](engine, record.id, "someone", who)
    with pytest.raises(ScenarioStateError, match=error):
        actions[last](engine, record.id, "someone", role)


def test_transitions_are_audited_and_reject_returns_to_draft(engine):
    record = new(engine)
    propose(engine, record.id, "mo", "manager")
    assert reject(engine, record.id, "lea", "leader").status == "draft"
    propose(engine, record.id, "mo", "manager")
    assert approve(engine, record.id, "lea", "leader").status == "approved"
    trail = [(user, action, detail["to"]) for user, action, detail in audit(engine)
             if action in ("scenario_propose", "scenario_reject", "scenario_approve")]
    assert trail == [("mo", "scenario_propose", "proposed"), ("lea", "scenario_reject", "draft"),
                     ("mo", "scenario_propose", "proposed"),
                     ("lea", "scenario_approve", "approved")]


#: applied from the first day of the next quarter: 48201 goes T2 -> T1, A1 gets
#: an override to T1, A2's is cleared; T1's quota +10% (2027Q1 is its one
#: quarter starting after the date), T2 gets a first 2027Q1 quota
APPLY = Changes(county_moves={"48201": "T1"}, account_overrides={"A1": "T1", "A2": None},
                quota_changes={"T1": 0.1})
NEXT_QUARTER = date(2026, 10, 1)
PLAN = {("T1", "2027Q1"): 6600.0, ("T2", "2027Q1"): 1000.0}


def apply(engine, record, role="leader", *, effective_from=NEXT_QUARTER, quotas=None,
          access=None):
    return apply_scenario(engine, record.id, "lea", role, access, effective_from=effective_from,
                          quotas=PLAN if quotas is None else quotas)


def rows(frame) -> set[tuple]:
    return {tuple(None if pd.isna(v) else (v.date() if hasattr(v, "date") else v) for v in r)
            for r in frame.itertuples(index=False)}


def test_apply_adds_dated_rows_keeps_the_past_and_bumps_the_version(engine):
    record = approved(engine, APPLY)
    before, stamp = store.read_dataset(engine), store.data_stamp(engine)
    applied = apply(engine, record)
    assert applied.status == "applied"
    live = store.read_dataset(engine)
    # every earlier row is still there, unchanged; the new ones start on the date
    assert rows(live.alignment) == rows(before.alignment) | {("48201", "T1", NEXT_QUARTER, None)}
    assert rows(live.overrides) == rows(before.overrides) | {("A1", "T1", NEXT_QUARTER),
                                                             ("A2", None, NEXT_QUARTER)}
    assert rows(live.accounts) == rows(before.accounts)
    quotas = {(t, p): a for t, p, a, _s in live.quotas.itertuples(index=False)}
    # the quarters before the date keep their quotas; 2027Q1 takes the confirmed ones
    assert quotas == {("T1", "2026Q2"): 4000.0, ("T1", "2026Q3"): 5000.0,
                      ("T1", "2027Q1"): 6600.0, ("T2", "2026Q3"): 7000.0,
                      ("T2", "2027Q1"): 1000.0}
    assert store.data_version(engine) == 2
    assert store.data_stamp(engine).split("-")[1] != stamp.split("-")[1]
    user, action, detail = audit(engine)[-1]
    assert (user, action, detail["to"], detail["county_moves"]) == (
        "lea", "scenario_apply", "applied", 1)
    # what was in force on the date, so the step can be listed and rolled back
    assert (detail["effective_from"], detail["counties"], detail["accounts"]) == (
        "2026-10-01", {"48201": ["T2", "T1"]}, {"A1": [None, "T1"], "A2": ["T1", None]})
    assert detail["quotas"] == [["T1", "2027Q1", {"": 6000.0}, 6600.0],
                                ["T2", "2027Q1", {}, 1000.0]]
    # the frames: today's alignment unchanged, the scenario's from the date on
    frames = build_frames(live)
    assert frames.alignment.at["48201", "territory_id"] == "T1"


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"effective_from": AS_OF}, "after the data's as-of date"),
    ({"effective_from": date(2026, 6, 30)}, "after the data's as-of date"),
    ({"quotas": {("T1", "2026Q3"): 1.0}}, "2026Q3 starts before the effective date"),
    ({"effective_from": date(2026, 11, 15), "quotas": {("T1", "2026Q4"): 1.0}},
     "2026Q4 starts before the effective date"),
    ({"quotas": {("T9", "2027Q1"): 1.0}}, "Territory T9 is not in the live data"),
])
def test_apply_refuses_a_past_date_or_a_quota_before_it_and_writes_nothing(engine, kwargs,
                                                                           error):
    record = approved(engine, APPLY)
    before, audit_before = store.read_dataset(engine), audit(engine)
    with pytest.raises(ScenarioStateError, match=error):
        apply(engine, record, **kwargs)
    assert_same(before, store.read_dataset(engine))
    assert store.data_version(engine) == 1 and audit(engine) == audit_before
    assert get_scenario(engine, record.id).status == "approved"


def test_apply_refuses_a_quota_for_a_territory_the_scenario_does_not_touch(engine):
    record = approved(engine, Changes(quota_changes={"T1": 0.1}))
    with pytest.raises(ScenarioStateError, match="names T2, which this scenario does not"):
        apply(engine, record)
    assert get_scenario(engine, record.id).status == "approved"


def test_a_second_change_of_a_county_from_the_same_date_is_refused(engine):
    apply(engine, approved(engine, APPLY), quotas={})
    again = duplicate_scenario(engine, approved(engine, APPLY).id, "ann")
    propose(engine, again.id, "mo", "manager")
    approve(engine, again.id, "lea", "leader")
    with pytest.raises(ScenarioStateError, match="48201 already has a change effective from "
                                                 "2026-10-01"):
        apply(engine, again, quotas={})
    later = apply(engine, again, effective_from=date(2027, 1, 1), quotas={})
    assert later.status == "applied"
    aligned = store.read_dataset(engine).alignment
    assert len(aligned[aligned.county_fips == "48201"]) == 3


def test_apply_is_refused_when_the_live_data_changed_since(engine):
    record = approved(engine)
    store.replace_dataset(engine, small_dataset(), expected_version=1, as_of=AS_OF)
    with pytest.raises(ScenarioStateError, match="duplicate it to rebase"):
        apply(engine, record)
    assert get_scenario(engine, record.id).status == "approved"
    rebased = duplicate_scenario(engine, record.id, "ann")
    assert (rebased.base_data_version, rebased.changes) == (2, CHANGES)


def test_a_failure_midway_through_apply_changes_nothing(engine):
    # 06037 moves first and succeeds; 48201 then names a territory that does not exist
    broken = Changes(county_moves={"06037": "T2", "48201": "T9"},
                     account_overrides={"A2": None}, quota_changes={"T1": 0.5})
    record = approved(engine, broken)
    before, audit_before = store.read_dataset(engine), audit(engine)
    with pytest.raises(IntegrityError):
        apply(engine, record, quotas={("T1", "2027Q1"): 9000.0})
    assert_same(before, store.read_dataset(engine))
    assert store.data_version(engine) == 1
    assert get_scenario(engine, record.id).status == "approved"
    assert audit(engine) == audit_before


def test_delete_is_soft_and_the_audit_log_keeps_the_scenario(engine):
    record = new(engine)
    delete_scenario(engine, record.id, "bob")
    assert get_scenario(engine, record.id) is None
    assert list_scenarios(engine) == []
    user, action, detail = audit(engine)[-1]
    assert (user, action) == ("bob", "scenario_delete")
    kept = detail["scenario"]
    assert Changes.from_json(kept["changes"]) == CHANGES
    assert (kept["id"], kept["name"], kept["revision"]) == (record.id, "Plan A", 1)
    with pytest.raises(StaleScenarioError, match="was deleted by bob"):
        save_scenario(engine, name="Plan A", changes=Changes(), user="ann",
                      scenario_id=record.id, expected_revision=1)


def test_list_is_newest_first_and_filters_by_region(engine):
    west = new(engine, name="W", region="West")
    south = new(engine, name="S", region="South")
    everywhere = new(engine, name="All")
    rename_scenario(engine, west.id, "ann", "West plan")
    assert [r.name for r in list_scenarios(engine)] == ["West plan", "All", "S"]
    assert [r.id for r in list_scenarios(engine, region="South")] == [everywhere.id, south.id]


def test_duplicate_and_rename(engine):
    record = new(engine)
    copy = duplicate_scenario(engine, record.id, "bob")
    assert (copy.name, copy.changes, copy.created_by, copy.revision) == (
        "Plan A (copy)", CHANGES, "bob", 1)
    renamed = rename_scenario(engine, record.id, "bob", "Plan Z")
    assert (renamed.name, renamed.revision, renamed.changes) == ("Plan Z", 2, CHANGES)


def test_csv_is_one_change_per_row_and_neutralises_formulas():
    at = datetime(2026, 8, 14, 14, 5)
    record = ScenarioRecord(
        id=7, name="=HYPERLINK(\"x\")", status="draft", revision=3, region=None,
        created_by="ann", updated_by="ann", created_at=at, updated_at=at, base_data_version=2,
        changes=Changes(county_moves={"06037": "T2"}, account_overrides={"@A1": None},
                        quota_changes={"T1": -0.05, "T2": 0.1},
                        locked_territories=frozenset({"T3"})))
    text = scenario_csv(record).decode("utf-8")
    assert list(csv.reader(io.StringIO(text))) == [
        ["kind", "key", "value"],
        ["scenario", "name", "'=HYPERLINK(\"x\")"],
        ["scenario", "status", "draft"],
        ["scenario", "revision", "3"],
        ["scenario", "base_data_version", "2"],
        ["county_move", "06037", "T2"],
        ["account_override", "'@A1", ""],
        ["quota_change", "T1", "-0.05"],
        ["quota_change", "T2", "0.1"],
        ["lock_territory", "T3", "locked"],
    ]
    assert scenario_csv(record, excel_bom=True).startswith("\ufeff".encode())


# --- the stored scenario's scope (issue 15) ------------------------------------
# small_dataset: T1 is the West's, T2 the South's

def rights(engine, viewer: Viewer) -> ScenarioScope:
    frames = build_frames(store.read_dataset(engine))
    return ScenarioScope(viewer, scope_of(viewer, frames), frames)


WEST = Viewer(2, "manager-west", "manager", "West")
SOUTH_CHANGES = Changes(quota_changes={"T2": 0.1})

OPERATIONS = {
    "read": lambda e, i, a: scenarios.read_scenario(e, i, a),
    "save over": lambda e, i, a: save_scenario(
        e, name="mine", changes=Changes(quota_changes={"T1": 0.2}), user="manager-west",
        scenario_id=i, expected_revision=1, access=a),
    "stale save over": lambda e, i, a: save_scenario(
        e, name="mine", changes=Changes(), user="manager-west", scenario_id=i,
        expected_revision=7, access=a),
    "duplicate": lambda e, i, a: duplicate_scenario(e, i, "manager-west", access=a),
    "rename": lambda e, i, a: rename_scenario(e, i, "manager-west", "mine", access=a),
    "delete": lambda e, i, a: delete_scenario(e, i, "manager-west", access=a),
    "propose": lambda e, i, a: propose(e, i, "manager-west", "manager", access=a),
    "approve": lambda e, i, a: approve(e, i, "manager-west", "manager", access=a),
    "reject": lambda e, i, a: reject(e, i, "manager-west", "manager", access=a),
    "apply": lambda e, i, a: apply_scenario(e, i, "manager-west", "manager", access=a,
                                            effective_from=NEXT_QUARTER, quotas={}),
}


def row_of(engine, scenario_id):
    with engine.connect() as conn:
        return conn.execute(select(Scenario.__table__).where(
            Scenario.id == scenario_id)).one()._asdict()


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("author", ["manager-south", "leader"])
def test_another_regions_scenario_reads_as_missing_in_every_operation(engine, operation,
                                                                      author):
    record = save_scenario(engine, name="South plan", changes=SOUTH_CHANGES, user=author)
    if operation in ("approve", "reject"):
        propose(engine, record.id, "leader", "leader")
    elif operation == "apply":
        propose(engine, record.id, "leader", "leader")
        approve(engine, record.id, "leader", "leader")
    before, count = row_of(engine, record.id), len(list_scenarios(engine))
    with pytest.raises(scenarios.ScenarioNotFoundError) as refused:
        OPERATIONS[operation](engine, record.id, rights(engine, WEST))
    assert str(refused.value) == f"There is no scenario {record.id}."
    assert refused.value.out_of_scope == f"scenario {record.id} by {author} touching T2"
    assert row_of(engine, record.id) == before and len(list_scenarios(engine)) == count
    assert list_scenarios(engine, access=rights(engine, WEST)) == []


def test_the_leader_and_the_regions_manager_may_change_it(engine):
    record = save_scenario(engine, name="West plan", changes=Changes(quota_changes={"T1": 0.1}),
                           user="leader")
    west = rights(engine, WEST)
    assert [r.id for r in list_scenarios(engine, access=west)] == [record.id]
    renamed = rename_scenario(engine, record.id, "manager-west", "Ours", access=west)
    assert renamed.name == "Ours"
    with pytest.raises(scenarios.ScenarioOutOfScopeError, match="outside your region"):
        save_scenario(engine, name="Ours", changes=SOUTH_CHANGES, user="manager-west",
                      scenario_id=record.id, expected_revision=2, access=west)
    leader = rights(engine, Viewer(1, "leader", "leader"))
    propose(engine, record.id, "manager-west", "manager", access=west)
    assert reject(engine, record.id, "leader", "leader", access=leader).status == "draft"
