"""One money rule for cards, grid cells and chart ticks (issue 17 item 5:
"$146.94K" in a grid beside "$498.7K" on a card, "500k $US" on a French axis).

The rule (``formatting.money``): at most 3 significant digits and at most one
decimal, whole units under a thousand, the language's compact suffix with one
case everywhere ("K" in English; "k €", "M €" in French).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from dashboard.i18n import formatting, translation
from layouts import grid_format
from layouts.drilldown_figures import quarterly_figure, stage_figure
from layouts.pipeline_figures import aging_figure

ROOT = Path(__file__).resolve().parents[3]
AMOUNTS = [0, 7, 789, 999.4, 999.6, 1_000, 9_540, 9_960, 12_345, 99_949, 99_960,
           146_940, 498_700, 999_499, 999_999, 1_234_567, 12_345_678, 123_456_789,
           2.5e9, -45_000, -146_940, -0.4]
LANGUAGES = [("en", "USD"), ("fr", "EUR"), ("fr", "USD")]


def test_the_walkthrough_amounts_read_one_way():
    with translation.use("en", "USD"):
        assert [formatting.money(v) for v in (146_940, 498_700, 1_234_567, 12_345_678,
                                              9_540, 999_999)] \
            == ["$147K", "$499K", "$1.2M", "$12.3M", "$9.5K", "$1M"]
    with translation.use("fr", "EUR"):
        assert [formatting.money(v) for v in (146_940, 1_234_567, 9_540)] \
            == ["147\u00a0k\u00a0€", "1,2\u00a0M\u00a0€", "9,5\u00a0k\u00a0€"]


@pytest.mark.parametrize(("lang", "currency"), LANGUAGES)
def test_every_compact_amount_has_three_significant_digits_at_most(lang, currency):
    with translation.use(lang, currency):
        for value in AMOUNTS:
            text = formatting.money(value)
            assert len(re.sub(r"\D", "", text).lstrip("0")) <= 3, text
            assert not re.search(r"[.,]\d\d", text), text
            if lang == "en":
                assert not re.search(r"\dk", text), text  # one case: K


def grid_cells(lang: str, currency: str, values: list[float]) -> list[str]:
    """What the grids' money formatter (assets/format.js, run by node with the
    arguments layouts.grid_format writes into a column) shows for ``values``."""
    with translation.use(lang, currency):
        call = grid_format.money_compact()["function"]
    arguments = call[call.index("(params.value, ") + len("(params.value, "):-1]
    script = (ROOT / "assets" / "format.js").read_text(encoding="utf-8")
    program = ("var window = {};\n" + script + "\nvar out = " + json.dumps(values)
               + ".map(function (v) { return window.tdFormat.moneyCompact(v, "
               + arguments + "); });\nprocess.stdout.write(JSON.stringify(out));")
    result = subprocess.run([shutil.which("node"), "-e", program], capture_output=True,
                            text=True, check=True, timeout=60)
    return json.loads(result.stdout)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run assets/format.js")
@pytest.mark.parametrize(("lang", "currency"), LANGUAGES)
def test_grid_cells_write_what_the_cards_write(lang, currency):
    cells = grid_cells(lang, currency, AMOUNTS)
    with translation.use(lang, currency):
        assert cells == [formatting.money(v) for v in AMOUNTS]


def test_money_ticks_are_round_steps_written_by_the_rule():
    with translation.use("en", "USD"):
        assert formatting.money_ticks(520_000) == (
            [0.0, 200_000.0, 400_000.0, 600_000.0], ["$0", "$200K", "$400K", "$600K"])
        assert formatting.money_ticks(2.3e6)[1] == ["$0", "$500K", "$1M", "$1.5M", "$2M",
                                                    "$2.5M"]
        assert formatting.money_ticks(0)[1][0] == "$0"
    with translation.use("fr", "USD"):
        assert formatting.money_ticks(520_000)[1][1] == "200\u00a0k\u00a0$US"


def test_french_chart_axes_read_like_the_cards():
    # today: tickformat "~s" with ticksuffix " $US" -> Plotly writes "500k $US"
    series = pd.DataFrame({"quarter": ["2025Q4", "2026Q1"], "bookings": [420_000.0, 510_000.0],
                           "quota": [500_000.0, 500_000.0], "attainment": [0.84, 1.02]})
    funnel = pd.DataFrame({"stage": ["Prospecting", "Negotiation"],
                           "amount": [1_250_000.0, 300_000.0], "weighted": [125_000.0, 225_000.0]})
    aging = pd.DataFrame({"territory_id": ["T1"], "id": ["T1"], "name": ["North"],
                          "overdue_amount": [12_300.0], "overdue_count": [3]})
    with translation.use("fr", "USD"):
        axes = [quarterly_figure(series).layout.yaxis, stage_figure(funnel, "T1").layout.xaxis]
        axes.append(aging_figure(aging).layout.xaxis)
        for axis in axes:
            assert axis.tickformat in (None, "")
            assert list(axis.ticktext) == [formatting.money(v) for v in axis.tickvals]
        assert "400\u00a0k\u00a0$US" in axes[0].ticktext
        assert "1\u00a0M\u00a0$US" in axes[1].ticktext
