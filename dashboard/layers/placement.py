"""Accounts placed into the units of a layer, and an alignment carried down a level.

An account is placed by its latitude and longitude (the unit holding the point, found with
an STRtree), its postal code (a US ZIP in the built-in ZIP areas: its own cell, or the cell
holding a PO box's centre; in a layer of one's own, the unit whose id is the code) or a
unit id. An account placed nowhere is listed with its row and why, never dropped.

``carry_alignment`` turns a county alignment into a ZIP alignment (each ZIP goes to its
county's territory), so switching a dataset from counties to ZIP areas changes nothing
until someone moves a ZIP.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from dashboard.i18n.translation import _
from dashboard.ingest.checks import ERROR, Problem
from dashboard.ingest.places import zip5
from dashboard.layers import us_layers
from dashboard.layers.model import UnitLayer

#: the first data row of a file, as a spreadsheet numbers it (the header is row 1)
FIRST_ROW = 2


@dataclass(frozen=True)
class Placement:
    """``unit_ids``: one unit id per account, in the accounts' order (None: not placed);
    ``unplaced``: a problem per account not placed, naming its file, row and column."""

    unit_ids: pd.Series
    unplaced: list[Problem]


def _rows(count: int, rows: Sequence[int] | None) -> list[int]:
    return list(rows) if rows is not None else list(range(FIRST_ROW, FIRST_ROW + count))


def _placement(found: Sequence[str | None], reasons: Sequence[str | None], rows: list[int],
               file: str, column: str) -> Placement:
    unplaced = [Problem(file, row, column, reason, ERROR)
                for row, reason in zip(rows, reasons, strict=True) if reason is not None]
    return Placement(pd.Series(list(found), index=rows, dtype=object), unplaced)


def place_by_point(layer: UnitLayer, lats: Sequence[float], lons: Sequence[float], *,
                   file: str, column: str = "lat", rows: Sequence[int] | None = None
                   ) -> Placement:
    """The unit holding each point; a point on a shared border goes to the unit listed
    first, so the answer never depends on the order of a tree query."""
    lat = np.asarray(lats, dtype=np.float64)
    lon = np.asarray(lons, dtype=np.float64)
    row_numbers = _rows(len(lat), rows)
    found = np.full(len(lat), None, dtype=object)
    usable = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    geoms = layer.units["geometry"].to_numpy()
    tree = shapely.STRtree(geoms)
    positions = np.flatnonzero(usable)
    point_idx, unit_idx = tree.query(shapely.points(lon[positions], lat[positions]),
                                     predicate="intersects")
    order = np.lexsort((unit_idx, point_idx))
    point_idx, unit_idx = point_idx[order], unit_idx[order]
    first = np.unique(point_idx, return_index=True)[1]
    found[positions[point_idx[first]]] = layer.units.index.to_numpy()[unit_idx[first]]
    label = _(layer.label)
    reasons = [None if uid is not None
               else _("{lat}, {lon} lies outside every unit of {layer}").format(
                   lat=lat[k], lon=lon[k], layer=label) if usable[k]
               else _("no usable latitude and longitude")
               for k, uid in enumerate(found)]
    return _placement(found, reasons, row_numbers, file, column)


def place_by_postal_code(layer: UnitLayer, codes: Sequence[object], *, file: str,
                         column: str = "postal_code", rows: Sequence[int] | None = None
                         ) -> Placement:
    """The unit of each postal code: in the US ZIP areas, the ZIP's cell; in any other
    layer, the unit whose id is the code (spaces and case ignored)."""
    texts = ["" if pd.isna(code) else str(code).strip() for code in codes]
    if layer.key == us_layers.ZIP_CELLS:
        keys = [zip5(text) or "" for text in texts]
        lookup = us_layers.zip_cell_of({k for k in keys if k})
    else:
        keys = [text.replace(" ", "").upper() for text in texts]
        lookup = {uid.replace(" ", "").upper(): uid for uid in layer.ids}
    found = [lookup.get(key) if key else None for key in keys]
    label = _(layer.label)
    reasons = [None if uid is not None
               else _("postal code {code} is no unit of {layer}").format(code=text, layer=label)
               if text else _("no postal code")
               for uid, text in zip(found, texts, strict=True)]
    return _placement(found, reasons, _rows(len(texts), rows), file, column)


def place_by_unit_id(layer: UnitLayer, unit_ids: Sequence[object], *, file: str,
                     column: str = "unit_id", rows: Sequence[int] | None = None) -> Placement:
    """Accounts that name their unit: the id must be one of the layer's."""
    texts = ["" if pd.isna(uid) else str(uid).strip() for uid in unit_ids]
    known = set(layer.ids)
    found = [text if text in known else None for text in texts]
    label = _(layer.label)
    reasons = [None if uid is not None
               else _("{id} is no unit of {layer}").format(id=text, layer=label) if text
               else _("no unit id")
               for uid, text in zip(found, texts, strict=True)]
    return _placement(found, reasons, _rows(len(texts), rows), file, column)


def carry_alignment(parent_alignment: Mapping[str, str], layer: UnitLayer
                    ) -> tuple[dict[str, str], list[str]]:
    """Each unit of ``layer`` in its parent's territory (a county alignment → a ZIP
    alignment); and the units whose parent the alignment does not name, in id order."""
    parents = layer.units["parent_id"]
    territory = parents.map(lambda parent: parent_alignment.get(parent) if parent else None)
    aligned = territory.dropna()
    return dict(zip(aligned.index, aligned, strict=True)), sorted(
        territory.index[territory.isna()])


#: the fields of an account row that place it in a layer of one's own, in the order tried
#: (the first one a row fills decides, as in the US mapping step): a unit id, a point, a
#: postal code
UNIT_FIELD, POINT_FIELD, POSTAL_FIELD = "county_fips", "lat", "postal_code"


def _text(rows: pd.DataFrame, name: str) -> pd.Series:
    if name in rows:
        return rows[name].fillna("").astype(str).str.strip()
    return pd.Series("", index=rows.index, dtype=object)


def place_rows(layer: UnitLayer, rows: pd.DataFrame
               ) -> tuple[list[str | None], dict[int, tuple[str, str]]]:
    """Each account row (text columns among ``county_fips`` holding a unit id, ``lat`` and
    ``lon``, ``postal_code``) in a unit of ``layer``, by the first of them the row fills: a
    unit id, else its point (the unit holding it), else a postal code equal to a unit id.
    Returns each row's unit (None: placed nowhere), in the rows' order, and, by row
    position, the field that failed and why; a row filling none of them is listed too."""
    units: list[str | None] = [None] * len(rows)
    failed: dict[int, tuple[str, str]] = {}
    named = _text(rows, UNIT_FIELD)
    lat = pd.to_numeric(_text(rows, "lat").str.replace(",", "."), errors="coerce")
    lon = pd.to_numeric(_text(rows, "lon").str.replace(",", "."), errors="coerce")
    postal = _text(rows, POSTAL_FIELD)
    by_id = (named != "").to_numpy()
    by_point = ~by_id & (lat.notna() & lon.notna()).to_numpy()
    by_postal = ~by_id & ~by_point & (postal != "").to_numpy()
    for field_name, chosen, place in (
            (UNIT_FIELD, by_id, lambda at: place_by_unit_id(
                layer, named.iloc[at], file="", rows=list(at))),
            (POINT_FIELD, by_point, lambda at: place_by_point(
                layer, lat.iloc[at], lon.iloc[at], file="", rows=list(at))),
            (POSTAL_FIELD, by_postal, lambda at: place_by_postal_code(
                layer, postal.iloc[at], file="", rows=list(at)))):
        positions = np.flatnonzero(chosen)
        if not len(positions):
            continue
        placed = place(positions)
        for position, unit in placed.unit_ids.items():
            units[position] = unit
        failed.update({int(problem.row): (field_name, problem.reason)
                       for problem in placed.unplaced})
    for position in np.flatnonzero(~by_id & ~by_point & ~by_postal):
        failed[int(position)] = (UNIT_FIELD, _(
            "cannot place this account in a unit of {layer}: no unit id, latitude and "
            "longitude, or postal code").format(layer=_(layer.label)))
    return units, failed
