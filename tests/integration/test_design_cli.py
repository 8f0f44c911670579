"""``territory-dashboard design`` on a copy of the demo (issue 18 item 5): the answer is
saved as a draft scenario that moves counties, and a count of territories the data cannot
hold is one clear line."""

from __future__ import annotations

from dashboard.runtime.cli import main
from dashboard.storage.db import make_engine
from dashboard.whatif import scenarios
from tests.integration.test_cli import demo_env  # noqa: F401 (the fixture: a demo copy)


def test_a_design_from_scratch_is_saved_as_a_draft(demo_env, capsys):  # noqa: F811
    code = main(["design", "--territories", "60", "--balance", "potential,accounts",
                 "--tolerance", "0.05", "--seed", "7", "--time-limit", "4",
                 "--save-as", "Designed by the CLI"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "potential (balanced): balance index " in out
    assert "contiguous: yes" in out
    engine = make_engine(demo_env.resolved_database_url)
    saved = [s for s in scenarios.list_scenarios(engine) if s.name == "Designed by the CLI"]
    assert len(saved) == 1 and saved[0].status == "draft"
    assert f"saved as draft scenario {saved[0].id}" in out
    changes = scenarios.get_scenario(engine, saved[0].id).changes
    assert len(changes.county_moves) > 100  # a design from scratch redraws the map


def test_more_territories_than_today_is_refused(demo_env, capsys):  # noqa: F811
    code = main(["design", "--territories", "61", "--save-as", "x", "--time-limit", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert "--territories must be between 1 and today's 60" in err
