"""Proposed boundaries: the dissolved outline of every territory a
scenario's county moves reshape, for the editor map (issue 5 part 2, "the map
shows the proposed boundaries").

Only territories that gain or lose a county are dissolved: the others keep
their live outline, which the county colours already show. Dissolving is the
expensive part (a union of ~50 county polygons per territory), so callers
cache the result per set of county moves (:func:`moves_key`).
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Mapping

import pandas as pd

from dashboard.geo import us_atlas
from dashboard.i18n.translation import _

#: as the territory map: ~1 km, three decimals
SIMPLIFY_DEGREES = 0.01
PRECISION = 3

EMPTY = {"type": "FeatureCollection", "features": []}


def moves_key(county_moves: Mapping[str, str]) -> str:
    """A short stable key of the county moves (what the outlines depend on)."""
    text = json.dumps(sorted(county_moves.items()))
    return hashlib.sha1(text.encode()).hexdigest()


def reshaped(base: pd.Series, county_moves: Mapping[str, str]) -> list[str]:
    """Territories that gain or lose a county, sorted."""
    touched = {base.get(f) for f in county_moves} | set(county_moves.values())
    return sorted(t for t in touched if isinstance(t, str))


def proposed_outlines(base: pd.Series, county_moves: Mapping[str, str],
                      labels: Mapping[str, str] | None = None,
                      shapes: pd.Series | None = None) -> dict:
    """GeoJSON outlines of the reshaped territories under the moves; each
    feature carries its territory id and an escaped tooltip. ``shapes``: the units'
    geometry by id (the data's Geography; default: the US counties)."""
    if not county_moves:
        return EMPTY
    territories = reshaped(base, county_moves)
    alignment = base.to_dict() | dict(county_moves)
    members: dict[str, list[str]] = {t: [] for t in territories}
    for fips, territory in alignment.items():
        if territory in members:
            members[territory].append(fips)
    shapes = us_atlas.dissolve(members, tolerance_deg=SIMPLIFY_DEGREES, geometry=shapes)
    labels = labels or {}
    features = []
    for territory, geometry in sorted(shapes.items()):
        label = labels.get(territory, html.escape(territory))
        feature = us_atlas.to_geojson_feature(
            geometry, {"territory_id": territory,
                       "tooltip": _("Proposed boundary of {territory}").format(
                           territory=label)}, PRECISION)
        if feature["geometry"] is not None:
            features.append(feature)
    return {"type": "FeatureCollection", "features": features}
