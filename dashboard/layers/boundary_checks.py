"""A boundary file judged and turned into a layer: the user picked the id, name and parent
properties; every problem names the file, the feature, the property and the reason.

Refused (errors): an id property the file does not have, a feature without an id,
duplicate ids, a file with no area at all (only points or lines). Kept with a warning:
an invalid geometry (repaired with ``shapely.make_valid``, the reason given), a point or
line among the areas (left out), overlaps between units and gaps between them, each with
its area in km².
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from dashboard.geo.us_atlas import geodesic_area_km2
from dashboard.i18n import formatting
from dashboard.i18n.translation import _
from dashboard.layers.boundary_files import BoundaryFile, Feature
from dashboard.layers.model import UnitLayer, build_layer, candidate_pairs

ERROR, WARNING = "error", "warning"
#: overlaps and gaps smaller than this are rounding between two programs, not news
MIN_REPORTED_KM2 = 0.01
#: a sliver between neighbours narrower than twice this (degrees, ~100 m) counts as a gap
GAP_WIDTH_DEG = 0.0005
_POLYGONAL = (Polygon, MultiPolygon)


@dataclass(frozen=True)
class BoundaryProblem:
    """One thing wrong with a boundary file; ``feature`` is its 1-based number."""

    file: str
    feature: int | None
    property: str | None
    reason: str
    severity: str = ERROR

    def __str__(self) -> str:
        if self.feature is not None and self.property is not None:
            text = _("{file} feature {feature}, property {property}: {reason}")
        elif self.feature is not None:
            text = _("{file} feature {feature}: {reason}")
        elif self.property is not None:
            text = _("{file} property {property}: {reason}")
        else:
            text = _("{file}: {reason}")
        text = text.format(file=self.file, feature=self.feature, property=self.property,
                           reason=self.reason)
        return _("warning: {problem}").format(problem=text) if self.severity == WARNING else text


@dataclass
class BoundaryLayer:
    """The layer (None when refused) and every problem found, errors first."""

    layer: UnitLayer | None
    problems: list[BoundaryProblem] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.layer is None


def _id_text(value: Any) -> str:
    """An id cell as text: ``75`` and ``75.0`` (a Shapefile's number) read ``75``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _km2(value: float) -> str:
    """Three significant digits or so: 1,234 / 50.1 / 2.35 / 0.012."""
    return formatting.number(value, 0 if value >= 100 else 1 if value >= 10
                             else 2 if value >= 1 else 3)


def _polygonal_part(geom: BaseGeometry) -> BaseGeometry | None:
    if isinstance(geom, _POLYGONAL):
        return geom
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, _POLYGONAL)]
    return shapely.union_all(parts) if parts else None


def _areas(source: BoundaryFile, report) -> list[tuple[Feature, BaseGeometry]]:
    """The features that are areas, repaired where invalid; the rest reported."""
    kept = []
    for feature in source.features:
        geom = feature.geometry
        if geom is None or geom.is_empty:
            reason = (_("unreadable geometry ({error}): left out").format(error=feature.unreadable)
                      if feature.unreadable else _("no geometry: left out"))
            report(feature.number, None, reason, WARNING)
            continue
        area = _polygonal_part(geom)
        if area is None:
            report(feature.number, None, _("a {kind}, not an area: left out").format(
                kind=geom.geom_type), WARNING)
            continue
        why = feature.repaired
        if not area.is_valid:
            why = why or shapely.is_valid_reason(area)
            area = _polygonal_part(shapely.make_valid(area))
        if why:
            if area is None or area.is_empty:
                report(feature.number, None, _("invalid geometry ({why}) with no area left "
                                               "once repaired: left out").format(why=why),
                       WARNING)
                continue
            report(feature.number, None, _("invalid geometry repaired ({why})").format(why=why),
                   WARNING)
        kept.append((feature, area))
    return kept


def build_boundary_layer(source: BoundaryFile, id_property: str,
                         name_property: str | None = None,
                         parent_property: str | None = None,
                         key: str | None = None, label: str | None = None) -> BoundaryLayer:
    """Check ``source`` with the properties the user picked, and build its layer."""
    problems: list[BoundaryProblem] = []

    def report(feature: int | None, prop: str | None, reason: str, severity: str = ERROR):
        problems.append(BoundaryProblem(source.name, feature, prop, reason, severity))

    for chosen in (id_property, name_property, parent_property):
        if chosen is not None and chosen not in source.properties:
            report(None, chosen, _("no feature has this property; the file's properties are "
                                   "{names}").format(names=", ".join(source.properties) or "—"))
    if problems:
        return BoundaryLayer(None, problems)
    kept = _areas(source, report)
    if not kept:
        kinds = {f.geometry.geom_type for f in source.features if f.geometry is not None}
        reason = (_("the file holds only points: a layer needs areas")
                  if kinds and kinds <= {"Point", "MultiPoint"}
                  else _("the file holds no area: a layer needs polygons"))
        report(None, None, reason)
        return _refused(problems)
    ids = _checked_ids(kept, id_property, report)
    if ids is None:
        return _refused(problems)
    names, parents = [], []
    for (feature, _area), uid in zip(kept, ids, strict=True):
        name = _id_text(feature.properties.get(name_property)) if name_property else ""
        names.append(name or uid)
        parent = _id_text(feature.properties.get(parent_property)) if parent_property else ""
        if parent_property and not parent:
            report(feature.number, parent_property, _("no parent unit: the unit has none"),
                   WARNING)
        parents.append(parent or None)
    geometries = [area for _feature, area in kept]
    _report_overlaps_and_gaps(kept, ids, id_property, report)
    layer = build_layer(key or f"upload:{source.name}", label or source.name, ids, names,
                        geometries, parents)
    return BoundaryLayer(layer, sorted(problems, key=lambda p: p.severity != ERROR))


def _refused(problems: list[BoundaryProblem]) -> BoundaryLayer:
    return BoundaryLayer(None, sorted(problems, key=lambda p: p.severity != ERROR))


def _checked_ids(kept, id_property: str, report) -> list[str] | None:
    """The kept features' ids, or None (reported) when any is blank or repeated."""
    ids = [_id_text(feature.properties.get(id_property)) for feature, _area in kept]
    if not any(ids):
        report(None, id_property, _("no feature has a usable id in this property"))
        return None
    first_with: dict[str, int] = {}
    refused = False
    for (feature, _area), uid in zip(kept, ids, strict=True):
        if not uid:
            report(feature.number, id_property, _("no id: every unit needs one"))
            refused = True
        elif uid in first_with:
            report(feature.number, id_property, _("id {id} is already used by feature "
                                                  "{other}").format(id=uid,
                                                                    other=first_with[uid]))
            refused = True
        else:
            first_with[uid] = feature.number
    return None if refused else ids


def _report_overlaps_and_gaps(kept, ids: list[str], id_property: str, report) -> None:
    geoms = np.array([area for _feature, area in kept], dtype=object)
    left, right = candidate_pairs(geoms)
    overlaps = shapely.intersection(geoms[left], geoms[right])
    for i, j, piece in zip(left, right, overlaps, strict=True):
        piece = _polygonal_part(piece) if piece is not None else None
        km2 = geodesic_area_km2(piece) if piece is not None and not piece.is_empty else 0.0
        if km2 >= MIN_REPORTED_KM2:
            report(kept[j][0].number, id_property, _(
                "unit {id} overlaps unit {other} (feature {feature}) over {area} km²").format(
                    id=ids[j], other=ids[i], feature=kept[i][0].number, area=_km2(km2)),
                WARNING)
    union = shapely.union_all(geoms)
    holes = [Polygon(ring) for part in shapely.get_parts(union) if isinstance(part, Polygon)
             for ring in part.interiors]
    closed = union.buffer(GAP_WIDTH_DEG, join_style="mitre").buffer(
        -GAP_WIDTH_DEG, join_style="mitre")
    gaps = shapely.union_all([*holes, closed.difference(union)])
    tree = shapely.STRtree(geoms)
    for gap in shapely.get_parts(gaps):
        km2 = geodesic_area_km2(gap) if isinstance(gap, _POLYGONAL) else 0.0
        if km2 < MIN_REPORTED_KM2:
            continue
        where = gap.representative_point()
        around = sorted({ids[k] for k in tree.query(gap.buffer(GAP_WIDTH_DEG),
                                                    predicate="intersects")})
        report(None, None, _("gap of {area} km² near {lon}, {lat} between units "
                             "{ids}").format(area=_km2(km2), lon=f"{where.x:.4f}",
                                             lat=f"{where.y:.4f}", ids=", ".join(around)),
               WARNING)


#: property names (lower case) that usually hold a unit's name, and its parent's id
_NAME_WORDS = ("nom", "name", "libelle", "label", "namelsad")
_PARENT_WORDS = ("parent", "region", "région", "reg", "state", "statefp", "departement",
                 "département", "dep", "county", "countyfp")


@dataclass(frozen=True)
class SuggestedProperties:
    """The properties a user most likely picks: ``id`` one every feature holds with no two
    alike (one named like an id or code first), ``name`` and ``parent`` by their names."""

    id: str | None
    name: str | None
    parent: str | None


def suggested_properties(source: BoundaryFile) -> SuggestedProperties:
    """A first guess at the id, name and parent properties of ``source`` (the user can
    pick others; :func:`build_boundary_layer` judges the choice)."""
    def unique(prop: str) -> bool:
        values = [_id_text(f.properties.get(prop)) for f in source.features]
        return all(values) and len(set(values)) == len(values)

    def named(words: tuple[str, ...], taken: set[str]) -> str | None:
        by_word = {p.lower(): p for p in source.properties if p not in taken}
        return next((by_word[w] for w in words if w in by_word), None)

    unique_ones = [p for p in source.properties if unique(p)]
    id_like = [p for p in unique_ones if any(w in p.lower() for w in ("id", "code", "geoid"))]
    id_property = (id_like or unique_ones or [None])[0]
    name_property = named(_NAME_WORDS, {id_property})
    parent = named(_PARENT_WORDS, {id_property, name_property})
    return SuggestedProperties(id_property, name_property, parent)
