"""The underperformers view model: thresholds from the inputs, words, colours."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard.i18n import translation
from dashboard.metrics.underperformance import FLAG_COLUMNS, Thresholds
from dashboard.views import flagged as fv

DISPLAY_DEFAULTS = {"pace": 85, "coverage": 2.0, "growth": 0, "potential_index": 0.8,
                    "penetration_bottom": 25, "potential_top": 50}


def flags_table(rows: list[dict]) -> pd.DataFrame:
    base = {"region": "West", "rep_name": "Ann Lee", "rules": [], "diagnosis": "execution",
            "explanation": "Execution: normal load; weak against the company: win rate 20% "
                           "(company 30%).", "severity": 1,
            "shortfall": 1000.0, "reasons": ["Pace 50% (below 85%)"]}
    return pd.DataFrame([{**base, **row} for row in rows], columns=list(FLAG_COLUMNS))


def test_default_inputs_are_the_metrics_defaults_in_display_units():
    assert fv.default_inputs() == DISPLAY_DEFAULTS


def test_display_values_become_thresholds():
    thresholds, ignored = fv.parse_thresholds(
        {"pace": 70, "coverage": 3, "growth": -10, "potential_index": 0.5,
         "penetration_bottom": 25, "potential_top": 50}, True)
    assert ignored == []
    assert thresholds.pace == pytest.approx(0.70)
    assert thresholds.coverage == 3.0
    assert thresholds.growth == pytest.approx(-0.10)
    assert thresholds.potential_index == 0.5
    assert thresholds.penetration_bottom == Thresholds().penetration_bottom
    assert thresholds.potential_top == Thresholds().potential_top


def test_the_penetration_ranks_are_shares_of_the_territories():
    thresholds, ignored = fv.parse_thresholds(
        {**DISPLAY_DEFAULTS, "penetration_bottom": 10, "potential_top": "40"}, True)
    assert ignored == []
    assert thresholds.penetration_bottom == pytest.approx(0.10)
    assert thresholds.potential_top == pytest.approx(0.40)
    whole, _ = fv.parse_thresholds(
        {**DISPLAY_DEFAULTS, "penetration_bottom": 100, "potential_top": 1}, True)
    assert (whole.penetration_bottom, whole.potential_top) == (1.0, 0.01)


@pytest.mark.parametrize("bad", [None, 0, 0.5, -25, 101, "abc", math.nan, True])
def test_an_unusable_penetration_rank_falls_back_and_is_named(bad):
    # 0% would only repeat the switch, and a share above 100% means nothing
    thresholds, ignored = fv.parse_thresholds(
        {**DISPLAY_DEFAULTS, "penetration_bottom": bad, "potential_top": bad}, True)
    assert thresholds.penetration_bottom == 0.25 and thresholds.potential_top == 0.5
    assert ignored == ["Penetration in bottom", "Potential in top"]


def test_the_penetration_ranks_are_not_read_while_the_rule_is_off():
    thresholds, ignored = fv.parse_thresholds(
        {**DISPLAY_DEFAULTS, "penetration_bottom": "abc", "potential_top": 10}, False)
    assert ignored == []
    assert thresholds.penetration_bottom == 0.0 and thresholds.potential_top == 0.5


def test_the_defaults_round_trip():
    assert fv.parse_thresholds(DISPLAY_DEFAULTS, True) == (Thresholds(), [])


@pytest.mark.parametrize("bad", [None, -5, "abc", "", math.nan, math.inf, True, [85], 501])
def test_an_unusable_pace_falls_back_to_the_default_and_is_named(bad):
    thresholds, ignored = fv.parse_thresholds({**DISPLAY_DEFAULTS, "pace": bad}, True)
    assert thresholds.pace == Thresholds().pace
    assert ignored == ["Pace below"]


def test_a_numeric_string_is_accepted():
    thresholds, _ = fv.parse_thresholds({**DISPLAY_DEFAULTS, "coverage": "1.5"}, True)
    assert thresholds.coverage == 1.5


def test_growth_may_be_negative_but_not_below_minus_100_percent():
    ok, _ = fv.parse_thresholds({**DISPLAY_DEFAULTS, "growth": -100}, True)
    assert ok.growth == -1.0
    bad, ignored = fv.parse_thresholds({**DISPLAY_DEFAULTS, "growth": -101}, True)
    assert bad.growth == 0.0 and ignored == ["Growth below"]


def test_penetration_switch_off_disables_the_rule_and_anything_else_keeps_it():
    off, _ = fv.parse_thresholds(DISPLAY_DEFAULTS, False)
    assert off.penetration_bottom == 0.0
    for value in (True, None, "yes"):
        on, _ = fv.parse_thresholds(DISPLAY_DEFAULTS, value)
        assert on.penetration_bottom == 0.25


@pytest.mark.parametrize("severity, color", [
    (0, fv.UNFLAGGED), (1, "#fdd49e"), (2, "#fc8d59"), (3, "#d7301f"), (4, "#7f0000"),
    (5, "#7f0000"),
])
def test_severity_colours(severity, color):
    assert fv.severity_color(severity) == color


@pytest.mark.parametrize("value, text", [
    (179_725.0, "$180K short of quota"),
    (-18_200.0, "Projected $18.2K over quota"),
    (0.0, "Projected to land on quota"),
    (math.nan, "Shortfall — (no quota)"),
])
def test_shortfall_in_words(value, text):
    assert fv.shortfall_text(value) == text


def test_explanation_detail_drops_only_a_repeated_label():
    assert fv.explanation_detail("Execution: normal load.", "execution") == "Normal load."
    assert fv.explanation_detail("Overloaded: workload 2×.", "overloaded") == "Workload 2×."
    vacant = "Vacant: no rep covers $1M of potential."
    assert fv.explanation_detail(vacant, "under-covered") == vacant


def test_cards_keep_the_order_and_say_vacant():
    flags = flags_table([
        {"territory_id": "T2", "territory_name": "B", "severity": 2, "rep_name": None},
        {"territory_id": "T1", "territory_name": "A"},
    ])
    cards = fv.flag_cards(flags)
    assert [c["territory_id"] for c in cards] == ["T2", "T1"]
    assert cards[0]["rep"] == "Vacant" and cards[1]["rep"] == "Ann Lee"
    assert cards[0]["severity_label"] == "2 rules" and cards[1]["severity_label"] == "1 rule"
    assert cards[0]["text_color"] == "#1f2937"
    assert cards[1]["diagnosis_label"] == "Execution"


def test_summary_adds_only_positive_shortfalls():
    flags = flags_table([
        {"territory_id": "T1", "territory_name": "A", "severity": 3, "shortfall": 300.0},
        {"territory_id": "T2", "territory_name": "B", "shortfall": -100.0,
         "diagnosis": "overloaded"},
        {"territory_id": "T3", "territory_name": "C", "shortfall": math.nan,
         "diagnosis": "under-covered"},
    ])
    assert fv.summary(flags, 10) == {"flagged": 3, "in_scope": 10, "multi_rule": 1,
                                     "design": 2, "execution": 1, "shortfall": 300.0}


def test_grid_rows_are_flat_and_keep_numbers():
    flags = flags_table([{"territory_id": "T1", "territory_name": "A",
                          "reasons": ["r1", "r2"], "shortfall": math.nan}])
    row = fv.grid_rows(flags)[0]
    assert row["reasons"] == "r1; r2"
    assert row["shortfall"] is None
    assert row["detail"] == "Normal load; weak against the company: win rate 20% (company 30%)."


def test_hideout_colours_scope_and_escapes_names():
    territories = pd.DataFrame({
        "territory_id": ["T1", "T2", "T3"],
        "territory_name": ["<b>Evil</b>", "Quiet", "Far"],
        "rep_name": ["Ann & Co", None, "Zed"],
    })
    flags = flags_table([{"territory_id": "T1", "territory_name": "<b>Evil</b>",
                          "severity": 2, "reasons": ["Pace 50% <below>"]}])
    hideout = fv.map_hideout(territories, ["T1", "T2"], flags)
    assert hideout["key"] == "underperformers"
    assert hideout["colors"] == {"T1": "#fc8d59", "T2": fv.UNFLAGGED, "T3": fv.OUTSIDE}
    assert hideout["flagged"] == ["T1"]
    tip = hideout["tips"]["T1"]
    assert "&lt;b&gt;Evil&lt;/b&gt;" in tip and "<b>Evil</b>" not in tip
    assert "Ann &amp; Co" in tip and "Pace 50% &lt;below&gt;" in tip and "2 rules" in tip
    assert "<i>vacant</i>" in hideout["tips"]["T2"]
    assert "Outside the selected region" in hideout["tips"]["T3"]


def test_a_flag_outside_the_scope_is_neither_coloured_nor_outlined():
    territories = pd.DataFrame({"territory_id": ["T1"], "territory_name": ["A"],
                                "rep_name": ["Ann"]})
    flags = flags_table([{"territory_id": "T1", "territory_name": "A"}])
    hideout = fv.map_hideout(territories, [], flags)
    assert hideout["flagged"] == [] and hideout["colors"] == {"T1": fv.OUTSIDE}


def test_legend_lists_every_severity_and_outside_only_when_filtered():
    labels = [label for _, label in fv.legend_entries(False)]
    assert labels == ["Not flagged", "1 rule", "2 rules", "3 rules", "4+ rules"]
    assert fv.legend_entries(True)[-1] == (fv.OUTSIDE, "Outside the region")


# --- French ------------------------------------------------------------------


@pytest.mark.parametrize("value, text", [
    (179_725.0, "180\u00a0k\u00a0€ sous l'objectif"),
    (-18_200.0, "Projeté 18,2\u00a0k\u00a0€ au-dessus de l'objectif"),
    (0.0, "Projeté pile sur l'objectif"),
    (math.nan, "Manque — (pas d'objectif)"),
])
def test_shortfall_in_french_words_and_numbers(value, text):
    with translation.use("fr", "EUR"):
        assert fv.shortfall_text(value) == text


def test_french_cards_legend_and_ignored_labels():
    flags = flags_table([
        {"territory_id": "T2", "territory_name": "B", "severity": 2, "rep_name": None},
        {"territory_id": "T1", "territory_name": "A",
         "explanation": "Exécution : charge normale, conversion faible."},
    ])
    with translation.use("fr"):
        cards = fv.flag_cards(flags)
        labels = [label for _, label in fv.legend_entries(True)]
        _thresholds, ignored = fv.parse_thresholds(
            {**DISPLAY_DEFAULTS, "pace": "abc", "potential_top": "x"}, True)
    assert cards[0]["rep"] == "Vacant" and cards[0]["severity_label"] == "2 règles"
    assert cards[1]["severity_label"] == "1 règle"
    assert cards[1]["diagnosis_label"] == "Exécution"
    # the French head of the explanation repeats the badge: dropped like the English one
    assert cards[1]["detail"] == "Charge normale, conversion faible."
    assert labels == ["Non signalé", "1 règle", "2 règles", "3 règles", "4+ règles",
                      "Hors de la région"]
    assert ignored == ["Rythme sous", "Potentiel parmi les plus hauts"]


def test_french_map_tips():
    territories = pd.DataFrame({"territory_id": ["T1", "T2"], "territory_name": ["A", "B"],
                                "rep_name": [None, "Ann"]})
    flags = flags_table([{"territory_id": "T1", "territory_name": "A", "severity": 2,
                          "shortfall": 1_234_567.0}])
    with translation.use("fr", "EUR"):
        hideout = fv.map_hideout(territories, ["T1", "T2"], flags)
    assert "Commercial : <i>vacant</i>" in hideout["tips"]["T1"]
    assert "Signalé : 2 règles · 1,2\u00a0M\u00a0€ sous l&#x27;objectif" in hideout["tips"]["T1"]
    assert "Non signalé à ces seuils" in hideout["tips"]["T2"]


def test_the_penetration_ranks_sit_beside_the_switch_with_their_defaults():
    import json

    import plotly

    from layouts import ids
    from layouts import underperformers as layout

    controls = layout.threshold_controls(fv.default_inputs(), True)
    text = json.dumps(controls, cls=plotly.utils.PlotlyJSONEncoder)
    switch_column = text[text.index(ids.UP_PENETRATION + '"'):]
    for ident, value in ((ids.UP_PENETRATION_BOTTOM, 25.0), (ids.UP_POTENTIAL_TOP, 50.0)):
        assert f'"id": "{ident}"' in switch_column
        field = text[text.index(f'"id": "{ident}"') - 200:text.index(f'"id": "{ident}"') + 200]
        assert f'"value": {value}' in field and '"min": 1.0' in field and '"max": 100.0' in field
    assert "Penetration in bottom" in switch_column and "Potential in top" in switch_column
