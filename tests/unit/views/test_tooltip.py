"""The map's hover text: Leaflet inserts it as HTML, so every name in it is
escaped, and every figure is the KPI row's value written by
``dashboard.i18n.formatting``."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from dashboard.i18n import formatting, translation
from dashboard.views.overview import map_hideout, tooltip_html

NAN = float("nan")

SCRIPT = "<script>alert('t')</script> & Sons"
IMG = '<img src=x onerror="alert(1)">'


def kpi_row(**overrides) -> dict:
    row = {"id": "T01", "name": "North", "attainment": 0.8125, "pace": 1.0833,
           "bookings": 1_234_500.0, "quota": 1_520_000.0, "coverage": 2.345,
           "revenue_growth": -0.0712, "penetration": 0.305}
    return {**row, **overrides}


def test_markup_in_territory_and_rep_names_is_escaped():
    text = tooltip_html(kpi_row(name=SCRIPT, id="T<1>"), IMG)
    assert "<script" not in text and "<img" not in text and "T<1>" not in text
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt; &amp; Sons" in text
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in text
    assert "(T&lt;1&gt;)" in text
    # the only tags left are the tooltip's own
    stripped = text.replace("<b>", "").replace("</b>", "").replace("<br>", "")
    assert "<" not in stripped and ">" not in stripped


def test_an_ampersand_is_escaped_once():
    text = tooltip_html(kpi_row(name="Smith & Co"), "A&B")
    assert "<b>Smith &amp; Co</b>" in text
    assert "Rep: A&amp;B" in text
    assert "&amp;amp;" not in text


@pytest.mark.parametrize("rep", [None, "", NAN])
def test_a_vacant_territory_says_so(rep):
    assert "Rep: <i>vacant</i>" in tooltip_html(kpi_row(), rep)


def test_figures_are_the_row_values_formatted():
    row = kpi_row()
    lines = tooltip_html(row, "Ana Ruiz").split("<br>")
    assert lines == [
        "<b>North</b> (T01)",
        "Rep: Ana Ruiz",
        f"Attainment: {formatting.percent(0.8125)} · Pace: {formatting.percent(1.0833)}",
        f"Bookings: {formatting.money(1_234_500.0)} of {formatting.money(1_520_000.0)}",
        f"Coverage: {formatting.multiple(2.345)} · "
        f"Growth: {formatting.signed_percent(-0.0712)}",
        f"Penetration: {formatting.percent(0.305)}",
    ]
    # and those are, by hand:
    assert lines[2:] == ["Attainment: 81% · Pace: 108%", "Bookings: $1.2M of $1.5M",
                         "Coverage: 2.3× · Growth: -7%", "Penetration: 30%"]


def test_missing_figures_are_dashes():
    row = kpi_row(attainment=NAN, pace=NAN, coverage=NAN, revenue_growth=NAN)
    text = tooltip_html(row, "Ana Ruiz")
    assert "Attainment: — · Pace: —" in text and "Coverage: — · Growth: —" in text


def test_french_tooltip_escapes_and_formats_in_french():
    with translation.use("fr", "EUR"):
        text = tooltip_html(kpi_row(name=SCRIPT), IMG)
        expected = formatting.percent(0.8125)
    assert "<script" not in text and "<img" not in text
    assert expected in text and expected != "81%"  # "81 %" with a narrow space


def test_map_hideout_carries_escaped_tips_for_each_territory():
    frames = SimpleNamespace(territories=pd.DataFrame(
        {"rep_name": [IMG, None]}, index=pd.Index(["T01", "T02"], name="territory_id")))
    kpis = pd.DataFrame([kpi_row(id="T01", name=SCRIPT),
                         kpi_row(id="T02", name="South", attainment=NAN)])
    hideout, _legend = map_hideout(frames, kpis, pd.Series({"time_elapsed": 0.8}),
                                   "attainment")
    assert set(hideout["tips"]) == {"T01", "T02"}
    assert hideout["tips"]["T01"] == tooltip_html(kpis.iloc[0].to_dict(), IMG)
    assert "<script" not in hideout["tips"]["T01"] and "<img" not in hideout["tips"]["T01"]
    assert "<i>vacant</i>" in hideout["tips"]["T02"]
    # 81.25% of quota at 80% of the period is on pace: the neutral middle class
    assert hideout["colors"] == {"T01": "#f7f7f7", "T02": "#bdbdbd"}


def test_a_territory_without_a_quota_for_the_segment_says_why():
    """METRICS.md "Segment filter": no segment quota, so attainment, pace and
    coverage are missing; the tooltip says why, as the cards do, and keeps the
    figures that need no quota."""
    row = kpi_row(quota=NAN, attainment=NAN, pace=NAN, coverage=NAN)
    lines = tooltip_html(row, "Ana Ruiz", no_quota=True).split("<br>")
    assert lines[2:] == ["Attainment, pace, coverage: — (no quota by segment)",
                         "Bookings: $1.2M · Growth: -7%", "Penetration: 30%"]
    with translation.use("fr", "USD"):
        french = tooltip_html(row, "Ana Ruiz", no_quota=True).split("<br>")
    assert french[2] == "Atteinte, rythme, couverture : — (pas d'objectif par segment)"
    assert french[3].startswith("Prises de commande : ") and "Croissance : " in french[3]


def test_the_map_gives_the_reason_only_where_the_segment_has_no_quota():
    frames = SimpleNamespace(territories=pd.DataFrame(
        {"rep_name": ["Ana", "Bo"]}, index=pd.Index(["T01", "T02"], name="territory_id")))
    kpis = pd.DataFrame([kpi_row(id="T01"),
                         kpi_row(id="T02", quota=NAN, attainment=NAN, pace=NAN, coverage=NAN)])
    tips = map_hideout(frames, kpis, pd.Series({"time_elapsed": 0.8}), "revenue_growth",
                       segment="Enterprise")[0]["tips"]
    assert "no quota by segment" not in tips["T01"] and "Attainment: 81%" in tips["T01"]
    assert "Attainment, pace, coverage: — (no quota by segment)" in tips["T02"]
    # without a segment, a missing quota is not "by segment"
    plain = map_hideout(frames, kpis, pd.Series({"time_elapsed": 0.8}), "revenue_growth")
    assert "by segment" not in plain[0]["tips"]["T02"]
