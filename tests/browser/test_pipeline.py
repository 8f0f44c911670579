"""The pipeline view in headless Chromium: it renders the KPI core's figures,
follows the period and redraws against a new healthy line."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys

from dashboard import formatting
from dashboard.overview import scope_for, total_kpis
from dashboard.selection import resolve_period
from layouts import ids

pytestmark = pytest.mark.browser


def totals(app, period="qtd"):
    service = app.server.extensions["territory_service"]
    frames, as_of = service.frames(), service.as_of()
    return total_kpis(frames, scope_for(frames, "all", "all"), resolve_period(period, as_of),
                      as_of)


def strip_text(duo) -> str:
    return duo.find_element(f"#{ids.PIPELINE_CONTENT} .kpi-strip").text


def shown(text: str) -> str:
    """Text as Selenium reads it: no-break spaces come back as plain spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_view_renders_and_follows_the_period(start_app, demo_app):
    duo = start_app("/pipeline")
    content = f"#{ids.PIPELINE_CONTENT}"
    now = totals(demo_app)
    duo.wait_for_contains_text(content, formatting.money(now["open_pipeline"]), timeout=20)
    text = strip_text(duo)
    for value in (formatting.money(now["weighted_pipeline"]), formatting.multiple(now["coverage"]),
                  formatting.percent(now["win_rate"]), formatting.money(now["avg_deal_size"]),
                  formatting.days(now["sales_cycle_days"])):
        assert shown(value) in text
    duo.wait_for_element(f"#{ids.PIPELINE_FUNNEL} .trace", timeout=20)
    duo.wait_for_element(f"#{ids.PIPELINE_COVERAGE} .bars path", timeout=20)

    duo.select_dcc_dropdown(f"#{ids.PERIOD}", value="2025Q4")
    then = totals(demo_app, "2025Q4")
    duo.wait_for_contains_text(content, formatting.percent(then["win_rate"]), timeout=20)
    duo.wait_for_contains_text(content, formatting.money(then["avg_deal_size"]), timeout=20)
    assert "closing in 2025Q4" in strip_text(duo)
    assert duo.get_logs() == []


def test_a_new_healthy_line_redraws_coverage(start_app):
    duo = start_app("/pipeline")
    duo.wait_for_contains_text(f"#{ids.PIPELINE_CONTENT}", "healthy line 3.0×", timeout=20)
    box = duo.find_element(f"#{ids.PIPELINE_HEALTHY}")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("2", Keys.TAB)
    duo.wait_for_contains_text(f"#{ids.PIPELINE_CONTENT}", "healthy line 2.0×", timeout=20)
    duo.wait_for_contains_text(f"#{ids.PIPELINE_COVERAGE}", "Healthy 2.0×", timeout=20)
    assert duo.get_logs() == []
