"""The ranked views (attainment, pipeline, underperformers) built in French:
labels, chart words, grid headers and formatters, and French numbers."""

from __future__ import annotations

import json

import pandas as pd
from plotly.utils import PlotlyJSONEncoder

from dashboard.i18n import translation
from layouts import attainment, pipeline, underperformers
from layouts.attainment_figures import growth_figure, pace_class_labels, ranking_figure
from layouts.pipeline_figures import aging_figure, coverage_figure, funnel_figure

ROWS = pd.DataFrame({
    "name": ["North", "South"], "territory_id": ["T1", "T2"], "id": ["T1", "T2"],
    "attainment": [1.234, 0.5], "pace": [1.3, 0.7], "bookings": [1_234_567.0, 45_600.0],
    "quota": [1_000_000.0, 91_200.0], "revenue_growth": [0.126, -0.2],
    "coverage": [3.5, 1.25], "open_pipeline": [2_500_000.0, 80_000.0],
    "remaining_quota": [714_000.0, 64_000.0], "overdue_amount": [12_345.0, 0.0],
    "overdue_count": [3, 0],
})


def dumped(component) -> str:
    return json.dumps(component, cls=PlotlyJSONEncoder, ensure_ascii=False)


def test_attainment_page_and_grids_in_french():
    with translation.use("fr", "EUR"):
        page = dumped(attainment.page("territory", attainment.heat_grid([], ["2026Q1"])))
        columns = attainment.kpi_columns("rep")
        legends = dumped(attainment.pace_legend()) + dumped(attainment.heat_legend())
    assert "Taux d'atteinte de l'objectif" in page and "Classer par" in page
    assert "Commerciaux" in page and "T1 2026" in page
    assert [c["headerName"] for c in columns][:3] == ["Commercial", "Territoire", "Atteinte"]
    bookings = next(c for c in columns if c["field"] == "bookings")["valueFormatter"]
    assert bookings["function"] == (
        'tdFormat.moneyCompact(params.value, "fr", "EUR", false, [["", "\\u00a0\\u20ac"], '
        '["", "\\u00a0k\\u00a0\\u20ac"], ["", "\\u00a0M\\u00a0\\u20ac"], '
        '["", "\\u00a0Md\\u00a0\\u20ac"], ["", "\\u00a0Bn\\u00a0\\u20ac"]])')
    assert "100\u00a0% de l'objectif" in legends and "Rythme" in legends
    assert "95\u00a0%–105\u00a0%" in legends


def test_attainment_figures_in_french():
    with translation.use("fr", "EUR"):
        ranking = ranking_figure(ROWS, 0.4)
        growth = growth_figure(ROWS)
        classes = pace_class_labels()
    assert classes[0] == "En retard sur le rythme (< 85\u00a0%)"
    assert classes[-1] == "En avance (≥ 115\u00a0%)"
    hover = next(h for t in ranking.data for h in t.hovertext if h.startswith("<b>North"))
    assert "Atteinte 123\u00a0%" in hover and "Rythme 130\u00a0%" in hover
    assert "1,2\u00a0M\u00a0€ sur 1\u00a0M\u00a0€" in hover
    notes = [a.text for a in ranking.layout.annotations]
    assert notes == ["100\u00a0% de l'objectif", "Dans le rythme aujourd'hui (40\u00a0% écoulé)"]
    assert ranking.layout.separators == ",\u202f"  # decimal comma, thin-space thousands
    assert {t.name for t in growth.data} == {"En hausse", "En baisse"}
    assert "+13\u00a0%" in growth.data[0].hovertext[0]


def test_pipeline_figures_and_grids_in_french():
    funnel = pd.DataFrame({"stage": ["Prospecting", "Negotiation", "Legal review"],
                           "deals": [1, 12, 3], "amount": [45_600.0, 1_234_567.0, 10_000.0],
                           "weighted": [4_560.0, 925_925.0, 5_000.0]})
    with translation.use("fr", "EUR"):
        figure = funnel_figure(funnel)
        coverage = coverage_figure(ROWS, 3.0)
        aging = aging_figure(ROWS.iloc[:1])
        empty = aging_figure(ROWS.iloc[:0])
        columns = pipeline.territory_grid([], 3.0).columnDefs
        controls = dumped(pipeline.page(3.0, None))
    trace = figure.data[0]
    assert list(trace.y) == ["Prospection", "Négociation", "Legal review"]
    assert trace.text[0] == "45,6\u00a0k\u00a0€ · 1 affaire"
    assert trace.text[1] == "1,2\u00a0M\u00a0€ · 12 affaires"
    assert "Pondéré %{customdata[0]}" in trace.hovertemplate
    assert [row[0] for row in trace.customdata][:2] == ["4,6\u00a0k\u00a0€", "926\u00a0k\u00a0€"]
    assert "$" not in trace.hovertemplate
    assert coverage.layout.annotations[0].text == "Sain 3,0×"
    assert "Couverture 3,5× · en cours 2,5\u00a0M\u00a0€" in coverage.data[0].hovertext[0]
    assert all(t.endswith("\u00a0€") for t in aging.layout.xaxis.ticktext)
    assert "3 affaires en retard pour 12,3\u00a0k\u00a0€" in aging.data[0].hovertext[0]
    assert empty.layout.annotations[0].text.startswith("Aucune affaire en cours")
    assert [c["headerName"] for c in columns][:3] == ["Territoire", "ID", "En cours"]
    cycle = next(c for c in columns if c["field"] == "sales_cycle_days")["valueFormatter"]
    assert cycle["function"] == 'tdFormat.number(params.value, "fr", 0, false, "\\u00a0j")'
    assert "Couverture saine" in controls and "× l'objectif restant" in controls


def test_underperformers_controls_and_grid_in_french():
    with translation.use("fr", "EUR"):
        controls = dumped(underperformers.threshold_controls(
            {"pace": 85, "coverage": 2.0, "growth": 0, "potential_index": 0.8}, True))
        strip = dumped(underperformers.summary_strip(
            {"flagged": 3, "in_scope": 1200, "multi_rule": 1, "design": 2, "execution": 1,
             "shortfall": 1_234_567.0}))
        columns = underperformers.grid_columns()
    assert "Signaler un territoire quand" in controls and "Rythme sous" in controls
    assert "Réinitialiser" in controls and "Faible pénétration, fort potentiel" in controls
    assert "3 sur 1\u202f200" in strip and "1,2\u00a0M\u00a0€" in strip
    shortfall = next(c for c in columns if c["field"] == "shortfall")
    assert shortfall["headerName"] == "Manque"
    assert shortfall["valueFormatter"]["function"] == 'tdFormat.money(params.value, "fr", "EUR")'


def test_english_is_unchanged_outside_a_french_block():
    assert pace_class_labels()[0] == "Behind pace (< 85%)"
    assert underperformers.grid_columns()[0]["headerName"] == "Rules"


def test_a_long_flag_list_shows_the_most_severe_and_points_to_the_table():
    card = {"territory_id": "T1", "name": "North", "rep": "Ann", "region": "East",
            "severity": 2, "severity_label": "2 rules", "color": "#b2182b",
            "text_color": "white", "shortfall_text": "$1K short of quota",
            "reasons": ["Pace 50% (under 85%)"], "diagnosis": "execution",
            "diagnosis_label": "Execution", "explanation": "Execution: …", "detail": "…"}
    cards = [dict(card, territory_id=f"T{i}") for i in range(60)]
    with translation.use("fr"):
        shown = underperformers.flag_list(cards)
    assert len(shown) == underperformers.MAX_CARDS + 1
    assert "Les 50 plus graves" in shown[-1].children and "(60)" in shown[-1].children
    assert len(underperformers.flag_list(cards[:50])) == 50  # no note when all fit


def test_french_percent_axes_read_like_the_cards():
    """Plotly's ".0%" writes "50%" in any language; the cards write "50 %" in
    French: every percent axis is written by the cards' rule."""
    from dashboard.i18n import formatting
    from dashboard.views.drilldown import concentration_curve
    from layouts.drilldown_figures import concentration_figure

    with translation.use("fr", "EUR"):
        ranking = ranking_figure(ROWS, 0.4)
        growth = growth_figure(ROWS)
        curve = concentration_figure(concentration_curve([50.0, 30.0, 20.0]), 0.5)
        axes = [ranking.layout.xaxis, growth.layout.xaxis, curve.layout.xaxis,
                curve.layout.yaxis]
        for axis in axes:
            assert axis.tickformat in (None, "")
            assert "%" not in (axis.ticksuffix or "")
        assert list(axes[0].ticktext) == [formatting.percent(v) for v in axes[0].tickvals]
        assert list(axes[1].ticktext) == [formatting.signed_percent(v)
                                          for v in axes[1].tickvals]
    assert "50\u00a0%" in axes[0].ticktext and "100\u00a0%" in axes[0].ticktext
    assert "-20\u00a0%" in axes[1].ticktext and "+20\u00a0%" in axes[1].ticktext
    assert "0\u00a0%" in axes[1].ticktext
    assert list(axes[2].ticktext) == ["0\u00a0%", "20\u00a0%", "40\u00a0%", "60\u00a0%",
                                      "80\u00a0%", "100\u00a0%"]
    # the curve's hover too: "Top 33 % of accounts" written by the rule, not "%{x:.0%}"
    assert curve.data[1].hovertext[1] == \
        "Premiers 33\u00a0% des comptes : 50\u00a0% des prises de commande"
