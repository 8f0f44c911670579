"""The attainment chart's bar labels never sit across its lines (issue 17):
a bar ending just short of "on pace today" or of 100% of quota had its
outside label drawn over the line."""

from __future__ import annotations

import numpy as np
import pandas as pd

from layouts.attainment_figures import ranking_figure

#: a label such as "47%" at 11 px is ~24 px, over a plot ~600 px wide: 4% of
#: the axis; 5% is what the test asks to be clear of a line
LABEL = 0.05


def rows(attainment: list[float]) -> pd.DataFrame:
    n = len(attainment)
    return pd.DataFrame({
        "name": [f"T{i}" for i in range(n)], "territory_id": [f"T{i}" for i in range(n)],
        "attainment": attainment, "pace": [a / 0.49 for a in attainment],
        "bookings": [1000.0] * n, "quota": [2000.0] * n})


def labels(figure) -> list[tuple[float, str]]:
    """(bar end, label position) of every bar."""
    found = []
    for trace in figure.data:
        if trace.type != "bar":
            continue
        positions = trace.textposition
        positions = [positions] * len(trace.x) if isinstance(positions, str) else positions
        found += list(zip(trace.x, positions, strict=True))
    return found


def test_no_outside_label_crosses_the_on_pace_or_the_quota_line():
    attainment = [0.2, 0.45, 0.47, 0.485, 0.49, 0.5, 0.93, 0.97, 0.99, 1.0, 1.05, np.nan]
    figure = ranking_figure(rows(attainment), 0.49)
    lines = [shape.x0 for shape in figure.layout.shapes]
    assert sorted(lines) == [0.49, 1.0]
    axis = figure.layout.xaxis.range[1]
    shown = [(x, p) for x, p in labels(figure) if np.isfinite(x)]
    assert len(shown) == 11
    for end, position in shown:
        if position == "outside":  # the label runs from the bar's end to the right
            crossed = [x for x in lines if end < x <= end + LABEL * axis]
            assert not crossed, f"the label of a bar ending at {end} crosses the line at {crossed}"
        else:  # inside: it ends at the bar's end, left of any line past it
            assert position == "inside" and end >= LABEL * axis
    # bars clear of the lines keep their label outside, as before
    assert dict(shown)[0.2] == "outside" and dict(shown)[1.05] == "outside"


def test_a_bar_too_short_for_its_label_keeps_it_outside():
    figure = ranking_figure(rows([0.01, 0.03]), 0.05)
    assert {p for _x, p in labels(figure)} == {"outside"}
