"""A small what-if move shows its change (issue 17): the fairness card adds
digits until before and after differ, disruption shares under 0.1% keep two
decimals, and a lock refusal names a county as the map does."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from dashboard.i18n import translation
from dashboard.metrics.frames import build_frames
from dashboard.views import whatif as view
from dashboard.whatif.changeset import Changes, LockedError
from tests.unit.whatif.test_changeset import make_dataset


def fairness(before, after):
    frame = pd.DataFrame({"before": before, "after": after},
                         index=["balance_index", "within_tolerance", "max_min_ratio", "gini"])
    frame["delta"] = frame["after"] - frame["before"]
    return frame


def shown(rows):
    return [(r["before"], r["after"], r["tone"]) for r in rows]


def test_a_small_move_gets_the_digits_that_show_it():
    rows = view.fairness_rows(fairness([0.57112, 0.30, 2.0, 0.2], [0.57142, 0.304, 2.02, 0.2]))
    assert shown(rows) == [
        ("0.5711", "0.5714", "good"),  # was "0.571 → 0.571"
        ("30.0%", "30.4%", "good"),
        ("2.00×", "2.02×", "bad"),
        ("0.200", "0.200", ""),        # unchanged: the usual digits
    ]


def test_digits_stop_at_the_most_a_figure_gets():
    rows = view.fairness_rows(fairness([0.571001, 0.300001, 2.0, 0.2], [0.571002, 0.300002,
                                                                        2.000001, 0.2]))
    assert shown(rows)[:3] == [("0.5710", "0.5710", "good"), ("30.00%", "30.00%", "good"),
                               ("2.000×", "2.000×", "bad")]


@pytest.mark.parametrize(("share", "text"), [
    (0.0, "0.0%"), (0.0003, "0.03%"), (0.00004, "<0.01%"), (0.0009, "0.09%"),
    (0.001, "0.1%"), (0.0125, "1.2%"), (None, "—"),
])
def test_a_small_disruption_is_not_zero(share, text):
    assert view.disruption_rows({"accounts": share})[0] == ("Accounts", text)


def test_small_changes_in_french():
    with translation.use("fr"):
        rows = view.fairness_rows(fairness([0.57112, 0.3, 2.0, 0.2], [0.57142, 0.3, 2.0, 0.2]))
        shares = view.disruption_rows({"accounts": 0.0003, "bookings": 0.00001})
    assert shown(rows)[0] == ("0,5711", "0,5714", "good")
    assert [text for _label, text in shares[:2]] == ["0,03\u00a0%", "<0,01\u00a0%"]


def test_a_locked_county_is_named_as_on_the_map():
    idaho = {"00001": "16001", "00002": "16027"}  # T1's two counties, as Ada and Canyon
    dataset = make_dataset()
    frames = build_frames(replace(
        dataset, alignment=dataset.alignment.replace({"county_fips": idaho}),
        accounts=dataset.accounts.replace({"county_fips": idaho})))
    locked = Changes.empty().lock(counties=["16001", "16027"])
    with pytest.raises(LockedError) as refused:
        locked.move_counties(frames, ["16001", "16027"], "T2")
    assert str(refused.value) == "county Ada, ID; Canyon, ID locked: cannot move"
    assert "16001" not in str(refused.value)
