"""Rook adjacency: a shared edge makes neighbours, a shared corner does not."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from dashboard.layers.model import build_layer, rook_adjacency

#: four 1° squares meeting at (1, 1), like the Four Corners; E overlaps D; F stands apart
SQUARES = {"A": box(0, 0, 1, 1), "B": box(1, 0, 2, 1), "C": box(0, 1, 1, 2),
           "D": box(1, 1, 2, 2), "E": box(1.5, 1.5, 2.5, 2.5), "F": box(5, 5, 6, 6)}


@pytest.mark.parametrize(("unit", "neighbours"), [
    ("A", {"B", "C"}),        # not D: one corner only
    ("D", {"B", "C", "E"}),   # E overlaps D: neighbours too
    ("E", {"D"}),
    ("F", set()),             # an island
])
def test_neighbours_share_an_edge_not_a_corner(unit, neighbours):
    adjacency = rook_adjacency(list(SQUARES), list(SQUARES.values()))
    assert adjacency[unit] == neighbours


def test_a_border_written_twice_with_rounding_noise_is_still_shared():
    # two programs write the same border to slightly different last digits
    left = box(0, 0, 1, 1)
    right = box(1 + 1e-12, 0, 2, 1)
    assert rook_adjacency(["L", "R"], [left, right]) == {"L": {"R"}, "R": {"L"}}


def test_a_layer_keeps_ids_names_parents_and_areas():
    layer = build_layer("test", "test", ["A", "B"], ["Alpha", "Beta"],
                        [SQUARES["A"], SQUARES["B"]], ["P", None])
    assert layer.units["name"].tolist() == ["Alpha", "Beta"]
    assert layer.children_of("P") == ["A"]
    # a 1° square at the equator: 111.32 km × 110.57 km
    assert layer.units.at["A", "area_km2"] == pytest.approx(12308, rel=1e-3)
    assert layer.adjacency["A"] == {"B"}
    with pytest.raises(ValueError):
        build_layer("test", "test", ["A", "A"], ["x", "y"], [SQUARES["A"], SQUARES["B"]])
