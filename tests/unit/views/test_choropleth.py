"""The map's colour scale, worked out by hand: ColorBrewer RdBu-7, the pale
middle class on each KPI's target, breaks symmetric around it, a legend of
seven classes plus "no data"."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.views import choropleth
from dashboard.views.choropleth import MAP_KPIS, MISSING_COLOR, PALETTE

#: ColorBrewer 2.0, RdBu, 7 classes (diverging; "colorblind safe" on colorbrewer2.org),
#: copied from the site: dark red … white … dark blue
RDBU_7 = ("#b2182b", "#ef8a62", "#fddbc7", "#f7f7f7", "#d1e5f0", "#67a9cf", "#2166ac")
NEUTRAL = "#f7f7f7"

#: the scope's figures the relative scales read: 80% of the period elapsed,
#: company penetration 25%
TOTALS = {"time_elapsed": 0.8, "penetration": 0.25}

#: where each KPI's target lies under TOTALS, by the documented rule:
#: attainment on pace = time elapsed (80% of quota at 80% of the period),
#: pace 100%, coverage 3×, growth 0, penetration = the company's 25%
ANCHORS = {"attainment": 0.8, "pace": 1.0, "coverage": 3.0, "revenue_growth": 0.0,
           "penetration": 0.25}

#: the six breaks under TOTALS, by hand: attainment 0.8 × (0.7, 0.85, 0.95,
#: 1.05, 1.15, 1.3); penetration 0.25 × (0.6, 0.8, 0.95, 1.05, 1.2, 1.4)
BREAKS = {
    "attainment": [0.56, 0.68, 0.76, 0.84, 0.92, 1.04],
    "pace": [0.7, 0.85, 0.95, 1.05, 1.15, 1.3],
    "coverage": [1.0, 2.0, 2.75, 3.25, 4.0, 5.0],
    "revenue_growth": [-0.2, -0.1, -0.03, 0.03, 0.1, 0.2],
    "penetration": [0.15, 0.2, 0.2375, 0.2625, 0.3, 0.35],
}


def test_the_map_offers_exactly_the_five_kpis():
    assert set(MAP_KPIS) == set(ANCHORS)


def test_palette_is_colorbrewer_rdbu_7_and_no_data_is_off_the_scale():
    assert PALETTE == RDBU_7
    assert PALETTE[3] == NEUTRAL
    assert MISSING_COLOR not in PALETTE


@pytest.mark.parametrize("key", sorted(ANCHORS))
def test_breaks_follow_the_documented_anchor(key):
    assert choropleth.class_breaks(MAP_KPIS[key], TOTALS) == pytest.approx(BREAKS[key])


@pytest.mark.parametrize("key", sorted(ANCHORS))
def test_breaks_are_symmetric_around_the_anchor(key):
    breaks = choropleth.class_breaks(MAP_KPIS[key], TOTALS)
    anchor = ANCHORS[key]
    assert len(breaks) == 6 and breaks == sorted(breaks)
    below = [anchor - b for b in breaks[:3]]
    above = [b - anchor for b in breaks[3:]]
    assert above == pytest.approx(below[::-1])
    assert min(above) > 0  # the middle class straddles the target


@pytest.mark.parametrize("key", sorted(ANCHORS))
def test_a_value_on_target_is_the_neutral_middle_colour(key):
    breaks = choropleth.class_breaks(MAP_KPIS[key], TOTALS)
    anchor = ANCHORS[key]
    colors = choropleth.colors_for(pd.Series({"on": anchor}), breaks)
    assert colors == {"on": NEUTRAL}


@pytest.mark.parametrize("key", sorted(ANCHORS))
def test_each_class_gets_its_colour_worst_to_best(key):
    """A value in each of the seven classes, and values on the breaks: a break
    starts the class above it (legend labels read "lo – hi", "≥ last")."""
    b = BREAKS[key]
    inside = [b[0] - 1, (b[0] + b[1]) / 2, (b[1] + b[2]) / 2, ANCHORS[key],
              (b[3] + b[4]) / 2, (b[4] + b[5]) / 2, b[5] + 1]
    values = pd.Series(inside, index=[f"T{i}" for i in range(7)])
    breaks = choropleth.class_breaks(MAP_KPIS[key], TOTALS)
    assert list(choropleth.colors_for(values, breaks).values()) == list(RDBU_7)
    on_breaks = pd.Series(breaks, index=[f"B{i}" for i in range(6)])
    assert list(choropleth.colors_for(on_breaks, breaks).values()) == list(RDBU_7[1:])


def test_missing_values_get_the_no_data_colour():
    breaks = choropleth.class_breaks(MAP_KPIS["coverage"], TOTALS)
    values = pd.Series({"T1": float("nan"), "T2": None, "T3": float("inf"), "T4": 3.0},
                       dtype="object")
    assert choropleth.colors_for(values, breaks) == {
        "T1": MISSING_COLOR, "T2": MISSING_COLOR, "T3": MISSING_COLOR, "T4": NEUTRAL}


@pytest.mark.parametrize("key, totals", [
    ("attainment", {"time_elapsed": 0.0, "penetration": 0.25}),  # the period has not begun
    ("attainment", {"penetration": 0.25}),
    ("penetration", {"time_elapsed": 0.8, "penetration": float("nan")}),  # no accounts
    ("penetration", {"time_elapsed": 0.8, "penetration": 0.0}),
])
def test_a_relative_scale_without_an_anchor_is_all_no_data(key, totals):
    kpi = MAP_KPIS[key]
    breaks = choropleth.class_breaks(kpi, totals)
    assert breaks is None
    assert choropleth.colors_for(pd.Series({"T1": 0.5, "T2": 1.0}), breaks) == {
        "T1": MISSING_COLOR, "T2": MISSING_COLOR}
    assert choropleth.legend_entries(kpi, breaks) == [(MISSING_COLOR, "no data")]


@pytest.mark.parametrize("key", sorted(ANCHORS))
def test_legend_has_seven_classes_then_no_data(key):
    kpi = MAP_KPIS[key]
    entries = choropleth.legend_entries(kpi, choropleth.class_breaks(kpi, TOTALS))
    assert len(entries) == 8
    assert [color for color, _label in entries] == [*RDBU_7, MISSING_COLOR]
    assert entries[-1][1] == "no data (—)"


@pytest.mark.parametrize("key, labels", [
    ("attainment", ["< 56%", "56% – 68%", "68% – 76%", "76% – 84%", "84% – 92%",
                    "92% – 104%", "≥ 104%"]),
    ("coverage", ["< 1.0×", "1.0× – 2.0×", "2.0× – 2.8×", "2.8× – 3.2×", "3.2× – 4.0×",
                  "4.0× – 5.0×", "≥ 5.0×"]),
    ("revenue_growth", ["< -20%", "-20% – -10%", "-10% – -3%", "-3% – +3%", "+3% – +10%",
                        "+10% – +20%", "≥ +20%"]),
])
def test_legend_labels_name_the_breaks_in_the_kpis_format(key, labels):
    kpi = MAP_KPIS[key]
    entries = choropleth.legend_entries(kpi, choropleth.class_breaks(kpi, TOTALS))
    assert [label for _color, label in entries[:7]] == labels


def test_legend_title_names_the_anchor_of_a_relative_scale():
    assert choropleth.legend_title(MAP_KPIS["attainment"], TOTALS) == \
        "Quota attainment (on pace: 80%)"
    assert choropleth.legend_title(MAP_KPIS["penetration"], TOTALS) == \
        "Market penetration (overall: 25%)"
    assert choropleth.legend_title(MAP_KPIS["pace"], TOTALS) == "Pace"
