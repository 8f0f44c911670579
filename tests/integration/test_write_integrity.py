"""Integrity of every data write (issue 15 item 4), on SQLite and a real PostgreSQL:
a value longer than its database column is refused by the importer with the
limit, and two writers built from the same data version cannot both win: the
second is told to reload and nothing it wrote lands, so no import silently
reverts an applied scenario or another import.

The races are run with real threads. Each writer is stopped just before its
first write statement (an engine event, so the database, its locks and the
code under test are all real) until the other one has done what the test
orders; no sleep decides who goes first."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine, event

from dashboard.i18n import translation
from dashboard.ingest.service import import_files
from dashboard.storage import store
from dashboard.storage.schema import LOAD_ORDER
from dashboard.whatif.changeset import Changes
from dashboard.whatif.scenarios import (
    ScenarioStateError,
    apply_scenario,
    approve,
    get_scenario,
    propose,
    save_scenario,
)
from tests.integration.test_store import obj, small_dataset

AS_OF = date(2026, 8, 14)
NEXT_QUARTER = date(2026, 10, 1)  # an applied scenario's effective date
#: moves county 06037 from T1 to T2 and raises T1's current quota by 10 %
MOVE = Changes(county_moves={"06037": "T2"}, quota_changes={"T1": 0.1})
#: a write statement to the data tables or to the data version
DATA_WRITE = re.compile(
    r"^\s*(INSERT|UPDATE|DELETE)\b.*\b(app_meta|territories|reps|alignment|accounts|"
    r"opportunities|quotas)\b", re.IGNORECASE | re.DOTALL)
#: how long a paused writer waits for the other before the test gives up (a
#: deadlock guard that fails the test, not a timing the test relies on)
GUARD = 60


@pytest.fixture
def engine(migrated_engine):
    dataset = small_dataset()
    dataset.quotas = pd.DataFrame({"territory_id": obj("T1", "T2"),
                                   "period": obj("2026Q3", "2026Q3"),
                                   "amount": [5000.0, 7000.0]})
    store.replace_dataset(migrated_engine, dataset, as_of=AS_OF)
    return migrated_engine


def snapshot(engine) -> tuple:
    dataset = store.read_dataset(engine)
    return store.data_stamp(engine), {t: dataset.table(t).to_csv() for t in LOAD_ORDER}


def territory_names(engine) -> dict[str, str]:
    territories = store.read_dataset(engine).territories
    return dict(zip(territories.territory_id, territories.territory_name, strict=True))


def alignment(engine) -> set[tuple]:
    """Every alignment row (county, ZIP or None, territory, effective_from or
    None): the history, which an applied scenario only adds to."""
    live = store.read_dataset(engine).alignment
    return {(c, None if pd.isna(z) else z, t, None if pd.isna(d) else d.date())
            for c, z, t, d in zip(live.county_fips, live.zip, live.territory_id,
                                  live.effective_from, strict=True)}


#: small_dataset's alignment: 06037 moves from T1 to T2 on 2026-02-01, its ZIP 90012 stays
ALIGNED = {("06037", None, "T1", None), ("48201", None, "T2", None),
           ("06037", None, "T2", date(2026, 2, 1)), ("06037", "90012", "T1", date(2026, 2, 1))}


def renaming(territory: str, name: str) -> list[tuple[str, bytes]]:
    """An import of one territories.csv row: ``territory`` renamed."""
    region = {"T1": "West", "T2": "South"}[territory]
    text = f"territory_id,territory_name,region\n{territory},{name},{region}\n"
    return [("territories.csv", text.encode())]


def approved_scenario(engine) -> int:
    record = save_scenario(engine, name="Move LA", changes=MOVE, user="ann")
    propose(engine, record.id, "mo", "manager")
    approve(engine, record.id, "lea", "leader")
    return record.id


# -- one schema: lengths ---------------------------------------------------------------
def test_an_over_long_id_is_refused_by_file_row_column_and_limit_and_nothing_changes(engine):
    before = snapshot(engine)
    long_id = "T" + "9" * 299
    text = ("territory_id,territory_name,region\n"
            f"T3,East,East\n{long_id},Far,West\nT4,Near,{'W' * 101}\n")
    result = import_files(engine, [("territories.csv", text.encode())])
    assert not result.ok
    assert [(p.file, p.row, p.column, p.reason) for p in result.errors] == [
        ("territories.csv", 3, "territory_id",
         "territory_id is 300 characters long, longer than the 64 allowed"),
        ("territories.csv", 4, "region", "region is 101 characters long, longer than the 100 "
                                         "allowed"),
    ]
    assert snapshot(engine) == before
    with translation.use("fr"):
        french = import_files(engine, [("territories.csv", text.encode())])
        assert str(french.errors[0]) == (
            "territories.csv ligne 3, colonne territory_id : territory_id fait 300 caractères, "
            "plus que les 64 permis")
    assert snapshot(engine) == before


def test_an_id_of_exactly_the_limit_imports(engine):
    longest = "T" * 64
    result = import_files(engine, [("territories.csv",
                                    f"territory_id,territory_name,region\n{longest},Far,West\n"
                                    .encode())])
    assert result.ok, [str(p) for p in result.errors]
    assert longest in territory_names(engine)


# -- compare-and-swap on the data version ------------------------------------------------
@contextmanager
def paused_before_first_write(writers: set[threading.Thread], pause: Callable[[], None]):
    """Run ``pause()`` in each thread of ``writers``, once, just before
    that thread's first statement writing the data tables or the data version:
    after every read the writer builds its write from, before it holds a lock.
    Listens on every engine, so a writer that opens its own (the CLI) is held too."""
    done: set[threading.Thread] = set()

    def before(conn, cursor, statement, parameters, context, executemany):
        thread = threading.current_thread()
        if thread in writers and thread not in done and DATA_WRITE.match(statement):
            done.add(thread)
            pause()

    event.listen(Engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", before)


class Writer(threading.Thread):
    """A writer on a thread of its own; ``outcome`` is its return value or error."""

    def __init__(self, work: Callable[[], object]):
        super().__init__(daemon=True)
        self.work, self.outcome = work, None

    def run(self) -> None:
        try:
            self.outcome = self.work()
        except Exception as error:  # noqa: BLE001 - the test judges it
            self.outcome = error

    def result(self):
        self.join(GUARD)
        assert not self.is_alive(), "the writer never finished"
        return self.outcome


@contextmanager
def held_at_its_first_write(writer: Writer):
    """Start ``writer`` and hold it just before its first write while the block
    runs (on this thread, another connection); it goes on when the block ends."""
    reached, resume = threading.Event(), threading.Event()

    def hold():
        reached.set()
        resume.wait(GUARD)

    with paused_before_first_write({writer}, hold):
        writer.start()
        try:
            assert reached.wait(GUARD), "the writer never reached its first write"
            yield
        finally:
            resume.set()
            writer.join(GUARD)


def test_two_imports_built_from_one_version_the_second_is_refused(engine):
    """Both read version 1 and are stopped before writing until both have
    read; then both write. The first keeps its rename, the second is told to
    import again, and neither rename is lost silently."""
    both_read = threading.Barrier(2, timeout=GUARD)
    writers = [Writer(lambda: import_files(engine, renaming("T1", "North A"), actor="a")),
               Writer(lambda: import_files(engine, renaming("T2", "South B"), actor="b"))]
    with paused_before_first_write(set(writers), both_read.wait):
        for writer in writers:
            writer.start()
        results = [w.result() for w in writers]
    assert not any(isinstance(r, Exception) for r in results), results
    winners = [r for r in results if r.ok]
    losers = [r for r in results if not r.ok]
    assert (len(winners), len(losers)) == (1, 1)
    (refusal,) = losers[0].errors
    assert losers[0].stale
    assert "changed while" in refusal.reason and "again" in refusal.reason
    names = territory_names(engine)
    won_a = winners[0] is results[0]
    assert names == ({"T1": "North A", "T2": "South"} if won_a else
                     {"T1": "North", "T2": "South B"})
    assert store.data_version(engine) == 2


def test_an_import_that_read_before_a_scenario_was_applied_is_refused(engine):
    """The import has read version 1; the scenario is applied (version 2); the
    import's write, built from version 1, would put the old alignment back."""
    scenario_id = approved_scenario(engine)
    importer = Writer(lambda: import_files(engine, renaming("T1", "North A"), actor="a"))
    with held_at_its_first_write(importer):
        apply_scenario(engine, scenario_id, "lea", "leader", effective_from=NEXT_QUARTER,
                       quotas={("T1", "2026Q4"): 5500.0})
    result = importer.result()
    assert not isinstance(result, Exception), result
    assert not result.ok and result.stale
    assert get_scenario(engine, scenario_id).status == "applied"
    assert alignment(engine) == ALIGNED | {("06037", None, "T2", NEXT_QUARTER)}
    assert territory_names(engine)["T1"] == "North"
    quotas = store.read_dataset(engine).quotas
    assert quotas.set_index(["territory_id", "period"]).amount.to_dict() == pytest.approx(
        {("T1", "2026Q3"): 5000.0, ("T2", "2026Q3"): 7000.0, ("T1", "2026Q4"): 5500.0})
    assert store.data_version(engine) == 2


def test_a_scenario_apply_that_read_before_an_import_committed_is_refused(engine):
    """The apply has read the scenario and the data it applies to (version 1);
    an import commits (version 2); the apply must not write its moves over the
    new data, nor give it the same version number."""
    scenario_id = approved_scenario(engine)
    applier = Writer(lambda: apply_scenario(engine, scenario_id, "lea", "leader",
                                            effective_from=NEXT_QUARTER, quotas={}))
    with held_at_its_first_write(applier):
        imported = import_files(engine, renaming("T1", "North A"), actor="a")
    outcome = applier.result()
    assert imported.ok, [str(p) for p in imported.errors]
    assert isinstance(outcome, ScenarioStateError), outcome
    assert "duplicate it to rebase" in str(outcome)
    assert get_scenario(engine, scenario_id).status == "approved"
    assert alignment(engine) == ALIGNED
    assert territory_names(engine)["T1"] == "North A"
    assert store.data_version(engine) == 2


def test_a_write_naming_an_old_version_raises_stale_data_and_writes_nothing(engine):
    before = snapshot(engine)
    with pytest.raises(store.StaleData):
        store.replace_dataset(engine, small_dataset(), expected_version=0)
    assert snapshot(engine) == before
    assert store.replace_dataset(engine, small_dataset(), expected_version=1) == 2
