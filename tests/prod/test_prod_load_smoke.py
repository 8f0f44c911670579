"""A five-second run of the load test (``benchmarks/load.py``) against the
production stack: the script works end to end and a small crowd of leaders,
managers and reps gets every answer without an error. The 60-second,
50-user figures are in benchmarks/RESULTS.md; timings are not asserted here."""

from __future__ import annotations

import pytest

from benchmarks import load

pytestmark = [pytest.mark.prod, pytest.mark.postgres]


def test_a_short_load_run_has_no_errors(stack, module_db):
    users = load.accounts(module_db)
    recorder, elapsed, counts, started = load.run_load(stack.base, users, n_users=10,
                                                       duration=5, think=(0.2, 1.0))
    summary = load.summarise(recorder, elapsed, started)
    assert counts == {"leader": 1, "manager": 3, "rep": 6}
    assert summary["sign_ins"] == 10
    assert summary["errors"] == 0, summary["error_kinds"]
    assert summary["requests"] >= 10
    actions = set(summary["actions"])
    assert "open /scorecard" in actions and any(a.startswith("view /") for a in actions)
