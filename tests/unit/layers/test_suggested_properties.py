"""The properties the import page pre-selects for a boundary file's units: the id one
every feature holds with no two alike (named like an id or a code first), the name and
the parent by their names; the user may pick others."""

from __future__ import annotations

import pytest

from dashboard.layers.boundary_checks import SuggestedProperties, suggested_properties
from dashboard.layers.boundary_files import BoundaryFile, Feature


def file_of(*rows: dict) -> BoundaryFile:
    names = list(dict.fromkeys(name for row in rows for name in row))
    return BoundaryFile("f.geojson", [Feature(k + 1, row, None) for k, row in enumerate(rows)],
                        None, names)


@pytest.mark.parametrize(("rows", "expected"), [
    # the départements' properties: code unique, nom and region by their names
    ([{"code": "01", "nom": "Ain", "region": "R1"}, {"code": "02", "nom": "Aisne",
                                                      "region": "R1"}],
     SuggestedProperties("code", "nom", "region")),
    # an id-like property with a repeat loses to the unique one; NAME in capitals
    ([{"GID": 1, "zone": "a", "NAME": "A"}, {"GID": 1, "zone": "b", "NAME": "B"}],
     SuggestedProperties("zone", "NAME", None)),
    # unique but named like an id wins over the first unique one
    ([{"label": "x", "ZCTA5CE20": "10001", "GEOID20": "10001"},
      {"label": "y", "ZCTA5CE20": "10002", "GEOID20": "10002"}],
     SuggestedProperties("GEOID20", "label", None)),
    # a feature without a value: no property is a usable id
    ([{"code": "01", "name": "A"}, {"code": None, "name": "A"}],
     SuggestedProperties(None, "name", None)),
    # no property at all
    ([{}, {}], SuggestedProperties(None, None, None)),
])
def test_the_suggested_properties(rows, expected):
    assert suggested_properties(file_of(*rows)) == expected
