"""Settings from the environment: stage probabilities and workload weights
(METRICS.md "come from configuration" / "configurable weighted sum"), their
checks, and that the views which compute a workload use the configured weights."""

from __future__ import annotations

import json
from datetime import date

import plotly
import pytest

from dashboard.metrics.balance import DEFAULT_WEIGHTS, WorkloadWeights
from dashboard.runtime.config import Settings, SettingsError
from dashboard.storage.schema import DEFAULT_STAGE_PROBABILITIES
from tests.unit.metrics.test_underperformance import build

POTENTIAL_ONLY = WorkloadWeights(accounts=0, travel_km=0, potential=1e-5)


def test_without_variables_the_metrics_defaults_hold():
    settings = Settings.from_env({})
    assert settings.stage_probabilities == DEFAULT_STAGE_PROBABILITIES
    assert settings.workload_weights == DEFAULT_WEIGHTS == WorkloadWeights(1.0, 0.02, 0.0)


def test_configured_stages_are_laid_over_the_defaults():
    settings = Settings.from_env({"TD_STAGE_PROBABILITIES": '{"Proposal": 0.6, "Demo": 0}'})
    assert settings.stage_probabilities == {**DEFAULT_STAGE_PROBABILITIES,
                                            "Proposal": 0.6, "Demo": 0.0}
    assert settings.stage_probabilities["Negotiation"] == 0.75  # not dropped to 0


def test_settings_given_in_code_are_merged_and_checked_too():
    settings = Settings(stage_probabilities={"Proposal": 0.6},
                        workload_weights={"travel_km": 0.1})
    assert settings.stage_probabilities["Qualification"] == 0.2
    assert settings.workload_weights == WorkloadWeights(accounts=1.0, travel_km=0.1)
    assert Settings.from_env({}, stage_probabilities={"Proposal": 0.6}) == settings.with_(
        workload_weights=DEFAULT_WEIGHTS)
    with pytest.raises(SettingsError, match="stage_probabilities"):
        Settings(stage_probabilities={"Proposal": 2})


def test_configured_weights_keep_the_unnamed_defaults():
    settings = Settings.from_env({"TD_WORKLOAD_WEIGHTS": '{"accounts": 2, "potential": 1e-5}'})
    assert settings.workload_weights == WorkloadWeights(accounts=2, travel_km=1 / 50,
                                                        potential=1e-5)


@pytest.mark.parametrize("blank", ["", "  "])
def test_a_blank_variable_means_the_default(blank):
    settings = Settings.from_env({"TD_STAGE_PROBABILITIES": blank, "TD_WORKLOAD_WEIGHTS": blank})
    assert settings == Settings()


@pytest.mark.parametrize("var, value, says", [
    ("TD_STAGE_PROBABILITIES", '{"Proposal": 60}',
     'the probability of stage "Proposal" must be a number from 0 to 1, '
     "got 60 (write 60% as 0.6)"),
    ("TD_STAGE_PROBABILITIES", '{"Proposal": -0.1}', "got -0.1"),
    ("TD_STAGE_PROBABILITIES", '{"Proposal": "0.5"}', 'got "0.5"'),
    ("TD_STAGE_PROBABILITIES", '{"Proposal": true}', "got true"),
    ("TD_STAGE_PROBABILITIES", '{"Proposal": null}', "got null"),
    ("TD_STAGE_PROBABILITIES", '{" ": 0.5}', "a stage name is empty"),
    ("TD_STAGE_PROBABILITIES", "[0.1, 0.2]", "must be a JSON object of stage -> probability"),
    ("TD_STAGE_PROBABILITIES", "{Proposal: 0.5}", "is not valid JSON"),
    ("TD_WORKLOAD_WEIGHTS", '{"travel": 0.02}',
     'unknown weight "travel"; the weights are accounts, travel_km, potential'),
    ("TD_WORKLOAD_WEIGHTS", '{"accounts": -1}',
     'the weight "accounts" must be a number of at least 0, got -1'),
    ("TD_WORKLOAD_WEIGHTS", '{"accounts": "1"}', 'got "1"'),
    ("TD_WORKLOAD_WEIGHTS", '{"accounts": 0, "travel_km": 0}',
     "at least one weight must be above 0"),
    ("TD_WORKLOAD_WEIGHTS", "1", "must be a JSON object of weight name -> number"),
    ("TD_WORKLOAD_WEIGHTS", "{", "is not valid JSON"),
])
def test_a_bad_probability_or_weight_is_one_clear_line(var, value, says):
    with pytest.raises(SettingsError) as error:
        Settings.from_env({var: value})
    message = str(error.value)
    assert message.startswith(var) and says in message
    assert "\n" not in message


def test_a_bad_setting_stops_the_production_start_with_one_line(monkeypatch, capsys):
    import wsgi

    monkeypatch.setenv("TD_STAGE_PROBABILITIES", '{"Proposal": 1.5}')
    with pytest.raises(SystemExit) as stop:
        wsgi.build_app()
    assert stop.value.code == wsgi.EXIT_CONFIGURATION
    err = capsys.readouterr().err
    assert err == ('error: TD_STAGE_PROBABILITIES: the probability of stage "Proposal" must '
                   "be a number from 0 to 1, got 1.5\n")


# --- the configured weights reach every workload figure ----------------------


class FakeService:
    """What the what-if callbacks read of a DataService, over the four
    hand-built territories of test_underperformance (no database)."""

    def __init__(self, weights: WorkloadWeights):
        self.settings = Settings(workload_weights=weights)
        self.shared_cache = None
        self._frames = build()

    def frames(self):
        return self._frames

    def current(self):
        return "1", self._frames

    def as_of(self) -> date:
        return date(2026, 2, 14)

    def memo(self, _name, _args, compute, at=None):
        return compute((at or self.current())[1])

    def derived(self, _key, compute, at=None):
        return compute((at or self.current())[1])

    def geography(self, _stamp=None):
        from dashboard.runtime import geography

        return geography.counties()  # the US counties: none of the hand-built ones


@pytest.mark.parametrize("weights, balance", [
    # workload = accounts (no county areas known): 2, 1, 1, 4; mean 2, population std
    # √((0 + 1 + 1 + 4) / 4) = 1.2247 -> balance index 1 − 1.2247 / 2 = 0.388
    (DEFAULT_WEIGHTS, "0.388"),
    # workload = potential ÷ 100k: 2, 1, 3, 4; mean 2.5, std √((.25 + 2.25 + .25 + 2.25) / 4)
    # = 1.1180 -> 1 − 1.1180 / 2.5 = 0.553
    (POTENTIAL_ONLY, "0.553"),
])
def test_the_what_if_fairness_card_rates_the_configured_workload(weights, balance):
    from callbacks import whatif
    from dashboard.access.rules import Viewer
    from dashboard.runtime.scoped import ScopedData

    leader = Viewer(1, "boss", "leader")
    card = whatif.analysis(ScopedData(FakeService(weights), leader), [], "2026Q1", "",
                           "workload", 0.5)[0]
    text = json.dumps(card, cls=plotly.utils.PlotlyJSONEncoder)
    cells = text.split('"Balance index"')[1]
    assert f'"children": "{balance}"' in cells.split('"Tr"')[0]


def test_the_auto_balance_job_searches_with_the_configured_weights(monkeypatch):
    from callbacks import whatif_rebalance
    from dashboard.access.rules import Viewer
    from dashboard.whatif import design_runs

    seen = []

    class Seen(Exception):
        pass

    def prepare(_frames, _changes, _counties, _adjacency, options, _fixed=True):
        seen.append(options.weights)
        raise Seen

    # the engine's input (the workload measure and the fairness card's reading) is
    # built with the options' weights: the job must hand it the configured ones
    monkeypatch.setattr(design_runs, "prepare", prepare)
    leader = Viewer(1, "boss", "leader")
    with pytest.raises(Seen):
        whatif_rebalance.rebalance(FakeService(POTENTIAL_ONLY), [], 10, "workload", "",
                                   viewer=leader)
    assert seen == [POTENTIAL_ONLY]
