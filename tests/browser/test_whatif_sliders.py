"""The what-if sliders in headless Chromium: each one changes the figures a
manager reads (quota change, handover share, balance weight), and "Suggest a
rebalance" runs in the background and draws its trade-off chart."""

from __future__ import annotations

import math

import pytest

from dashboard.geo import us_atlas
from dashboard.i18n import formatting
from dashboard.views.selection import resolve_period
from dashboard.whatif import scenario_impact
from layouts import ids
from tests.browser.whatif_steps import choose, click, open_editor, set_slider, type_number

pytestmark = pytest.mark.browser


def service_of(app):
    return app.server.extensions["territory_service"]


def test_quota_slider_changes_the_territory_quota(start_app, demo_app):
    duo = open_editor(start_app)
    choose(duo, ids.WI_QUOTA_TERRITORY, "T01 ·")
    set_slider(duo, ids.WI_QUOTA_PCT, 20)
    click(duo, f"#{ids.WI_QUOTA_APPLY}")
    duo.wait_for_contains_text(f"#{ids.WI_ALERT}", "Quota of T01 +20%")
    row = f"#{ids.WI_TOUCHED} .ag-row[row-id='T01']"
    duo.wait_for_element(row)
    duo.wait_for_text_to_equal(f"{row} [col-id='quota_delta']", quota_delta(demo_app, 0.2))
    assert duo.get_logs() == []


def quota_delta(app, change: float) -> str:
    """The Δ quota cell as the grid formats signed money in English
    (tdFormat.moneyCompact of assets/format.js: formatting.money's rule)."""
    service = service_of(app)
    frames, as_of = service.frames(), service.as_of()
    period = resolve_period("qtd", as_of)
    quotas = frames.quotas
    mine = quotas[(quotas["territory_id"].astype(object) == "T01")
                  & (quotas["period"].astype(object) == period.label)]
    delta = float(mine["amount"].sum()) * change
    return "+" + formatting.money(delta)


def test_handover_slider_moves_that_share_of_accounts(start_app, demo_app):
    duo = open_editor(start_app)
    frames = service_of(demo_app).frames()
    owned = int((frames.accounts["territory_id"].astype(object) == "T01").sum())
    moving = math.floor(owned * 0.25 + 0.5)
    choose(duo, ids.WI_HANDOVER_FROM, "T01 ·")
    choose(duo, ids.WI_HANDOVER_TO, "T02 ·")
    set_slider(duo, ids.WI_HANDOVER_SHARE, 25)
    click(duo, f"#{ids.WI_HANDOVER_APPLY}")
    duo.wait_for_contains_text(f"#{ids.WI_ALERT}", "Handed 25% of T01's accounts to T02")
    for territory, sign in (("T01", "-"), ("T02", "+")):  # Intl.NumberFormat's minus
        duo.wait_for_text_to_equal(
            f"#{ids.WI_TOUCHED} .ag-row[row-id='{territory}'] [col-id='accounts_delta']",
            f"{sign}{moving:,}")
    assert duo.get_logs() == []


def test_balance_weight_slider_reweights_the_fairness_card(start_app, demo_app):
    service = service_of(demo_app)
    frames, as_of = service.frames(), service.as_of()

    def blend_index(weight):
        result = scenario_impact.before_after(
            frames, frames, us_atlas.load_counties()["area_km2"], resolve_period("qtd", as_of),
            as_of, metric="score", potential_weight=weight)
        return f"{result.fairness.at['balance_index', 'after']:.3f}"

    half, potential_only = blend_index(0.5), blend_index(1.0)
    assert half != potential_only
    duo = open_editor(start_app)
    click(duo, f"label[for='_dbcprivate_radioitems_{ids.WI_METRIC}_input_score']")
    duo.wait_for_contains_text(f"#{ids.WI_FAIRNESS}", half)
    set_slider(duo, ids.WI_WEIGHT, 1)
    duo.wait_for_contains_text(f"#{ids.WI_FAIRNESS}", potential_only)
    assert duo.get_logs() == []


def test_suggest_a_rebalance_runs_in_the_background_with_its_tradeoff_chart(start_app):
    duo = open_editor(start_app)
    type_number(duo, ids.WI_TIME_LIMIT, 3)  # the engine runs until its time limit
    click(duo, f"#{ids.WI_SUGGEST}")
    duo.wait_for_contains_text(f"#{ids.WI_ALERT}", "Suggested rebalance of potential")
    duo.wait_for_element(f"#{ids.WI_TRADEOFF} .scatterlayer .point")
    duo.wait_for_contains_text(f"#{ids.WI_REASONS}", "trailing-12-month bookings")
    duo.wait_for_element(f"#{ids.WI_SUGGEST}:not([disabled])")
    assert duo.get_logs() == []
