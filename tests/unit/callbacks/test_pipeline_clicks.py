"""A click on the pipeline view's overdue list opens the territory the deal is
listed under: its account's on the as-of date of the link (METRICS.md "As
credited": open pipeline counts for the territory on E), on the hand-worked
data of tests/unit/metrics/test_alignment_history.py, where county 00001 (A1's)
moves T1 -> T2 on 2026-02-01."""

from __future__ import annotations

import pandas as pd
import pytest

from callbacks.pipeline import clicked_territory
from dashboard.metrics.frames import build_frames
from dashboard.storage.schema import frame_from_rows
from dashboard.views.selection import Selection
from layouts import ids
from tests.unit.metrics.test_alignment_history import AS_OF, dataset, opp


@pytest.fixture(scope="module")
def frames():
    data = dataset()
    # O9: A1's open deal closing 2026-01-25, overdue from the 26th
    data.opportunities = pd.concat([data.opportunities, frame_from_rows(
        "opportunities", [opp("O9", "A1", 40.0, "open", "2026-01-02", "2026-01-25")])],
        ignore_index=True)
    return build_frames(data)


@pytest.mark.parametrize(("query", "expected"), [
    # as of 01-31 the overdue list shows O9 under T1 (A1's until 02-01): the
    # latest alignment, T2, is where it opened before
    ("?as_of=2026-01-31", "T1"),
    ("?as_of=2026-01-31&restated=1", "T1"),
    # the data's own as-of (03-31): A1 is T2's by then
    ("", "T2"),
])
def test_an_overdue_deal_opens_the_territory_it_is_listed_under(frames, query, expected):
    assert clicked_territory(frames, ids.PIPELINE_OVERDUE, {"rowId": "O9"},
                             Selection.from_query(query), AS_OF) == expected


def test_an_unknown_deal_opens_nothing(frames):
    assert clicked_territory(frames, ids.PIPELINE_OVERDUE, {"rowId": "O404"},
                             Selection(), AS_OF) is None
