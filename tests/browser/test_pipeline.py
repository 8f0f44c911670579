"""The pipeline view in headless Chromium: it renders the KPI core's figures,
follows the period and redraws against a new healthy line."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys

from dashboard.i18n import formatting
from dashboard.views import rankings
from layouts import ids
from tests.browser.view_steps import choose, core, shown, wait_for_cards

pytestmark = pytest.mark.browser


def totals(app, period="qtd"):
    return core(app, period).totals


def strip_text(duo) -> str:
    return duo.find_element(f"#{ids.PIPELINE_CONTENT} .kpi-strip").text


def strip_figures(found) -> dict[str, str]:
    """The pipeline strip as the core formats the scope (card -> value)."""
    t, money = found.totals, formatting.money
    overdue = rankings.overdue_summary(rankings.open_deals(found.frames),
                                       found.scope.territory_ids, found.scope.segment,
                                       found.as_of, 1)
    return {"Open pipeline": money(t["open_pipeline"]), "Weighted": money(t["weighted_pipeline"]),
            "Coverage": formatting.multiple(t["coverage"]),
            "Win rate": formatting.percent(t["win_rate"]),
            "Avg deal size": money(t["avg_deal_size"]),
            "Sales cycle": formatting.days(t["sales_cycle_days"]),
            "Overdue": money(overdue["amount"])}


def test_view_renders_and_follows_the_period(start_app, demo_app):
    duo = start_app("/pipeline")
    content = f"#{ids.PIPELINE_CONTENT}"
    now = totals(demo_app)
    duo.wait_for_contains_text(content, formatting.money(now["open_pipeline"]))
    text = strip_text(duo)
    for value in (formatting.money(now["weighted_pipeline"]), formatting.multiple(now["coverage"]),
                  formatting.percent(now["win_rate"]), formatting.money(now["avg_deal_size"]),
                  formatting.days(now["sales_cycle_days"])):
        assert shown(value) in text
    duo.wait_for_element(f"#{ids.PIPELINE_FUNNEL} .trace")
    duo.wait_for_element(f"#{ids.PIPELINE_COVERAGE} .bars path")

    choose(duo, ids.PERIOD, "2025Q4", "period=2025Q4")
    then = totals(demo_app, "2025Q4")
    duo.wait_for_contains_text(content, formatting.percent(then["win_rate"]))
    duo.wait_for_contains_text(content, formatting.money(then["avg_deal_size"]))
    assert "closing in 2025Q4" in strip_text(duo)
    assert duo.get_logs() == []


def test_changing_the_region_changes_the_cards(start_app, demo_app):
    duo = start_app("/pipeline")
    content = f"#{ids.PIPELINE_CONTENT}"
    everyone, west = core(demo_app), core(demo_app, region="West")
    assert strip_figures(everyone) != strip_figures(west)  # a change to see
    wait_for_cards(duo, content, strip_figures(everyone))

    choose(duo, ids.REGION, "West", "region=West")
    wait_for_cards(duo, content, strip_figures(west))
    duo.wait_for_element(f"#{ids.PIPELINE_FUNNEL} .trace")
    assert duo.get_logs() == []


def test_a_new_healthy_line_redraws_coverage(start_app):
    duo = start_app("/pipeline")
    duo.wait_for_contains_text(f"#{ids.PIPELINE_CONTENT}", "healthy line 3.0×")
    box = duo.find_element(f"#{ids.PIPELINE_HEALTHY}")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("2", Keys.TAB)
    duo.wait_for_contains_text(f"#{ids.PIPELINE_CONTENT}", "healthy line 2.0×")
    duo.wait_for_contains_text(f"#{ids.PIPELINE_COVERAGE}", "Healthy 2.0×")
    assert duo.get_logs() == []
