"""The import rules of the hierarchy (``levels.csv`` and territories' parents).

Judged on the merged dataset (what would be stored), since a territory may
name a unit of an earlier import and a ``levels.csv`` may come alone. Each
problem is file, row, column and reason, as every other import rule.
"""

from __future__ import annotations

import pandas as pd

from dashboard.i18n.translation import _
from dashboard.ingest.checks import ERROR, Problem
from dashboard.storage import hierarchy
from dashboard.storage.hierarchy import REGION, RESERVED, parents, text
from dashboard.storage.schema import TABLES, Dataset


def _file_row(raw: pd.DataFrame | None, rows, key: dict[str, object]) -> int | None:
    """The spreadsheet row of the imported row with ``key`` (None when the row
    was already stored, not in this import)."""
    if raw is None or any(column not in raw for column in key):
        return None
    mask = pd.Series(True, index=raw.index)
    for column, value in key.items():
        mask &= raw[column].astype(str).str.strip() == str(value)
    at = mask.to_numpy().nonzero()[0]
    return int(rows[at[0]]) if len(at) else None


def check_levels(merged: Dataset, imported: dict[str, pd.DataFrame],
                 rows: dict[str, object]) -> list[Problem]:
    """Problems of the merged hierarchy, each named by the file that brought it
    (``imported``: the raw frames of this import; ``rows``: each one's
    spreadsheet row numbers)."""
    territories, levels = merged.territories, merged.levels
    if levels.empty and ("parent_level" not in territories
                         or territories["parent_level"].isna().all()):
        return []  # the single region level: nothing to check
    found: list[Problem] = []

    def problem(table: str, frame: pd.DataFrame, position: int, column: str,
                reason: str) -> None:
        raw = imported.get(table)
        name = (raw.attrs.get("file") if raw is not None else None) or TABLES[table].file_name
        key = {k: frame[k].iloc[position] for k in TABLES[table].key}
        found.append(Problem(name, _file_row(raw, rows.get(table), key), column, reason, ERROR))

    known = set(zip(*(hierarchy.units(territories, levels)[c] for c in ("level", "unit_id")),
                    strict=True))

    def check_parent(table: str, frame: pd.DataFrame, position: int) -> None:
        level = text(frame["parent_level"].iloc[position])
        unit = text(frame["parent_id"].iloc[position])
        if bool(level) != bool(unit):
            problem(table, frame, position, "parent_id" if level else "parent_level",
                    _("parent_level and parent_id go together: give both or neither"))
        elif level and (level, unit) not in known:
            problem(table, frame, position, "parent_id",
                    _("unknown parent: there is no {level} {unit} in levels").format(
                        level=level, unit=unit))

    parent_of = dict(zip(zip(levels["level"], levels["unit_id"], strict=True),
                         parents(levels), strict=True))
    for position, (level, unit) in enumerate(zip(levels["level"], levels["unit_id"],
                                                 strict=True)):
        if level in RESERVED:
            problem("levels", levels, position, "level", _(
                "{level} is a level of its own in the KPI table; give this level another "
                "name").format(level=level))
        check_parent("levels", levels, position)
        if _loops((level, unit), parent_of):
            problem("levels", levels, position, "parent_id", _(
                "{level} {unit} is its own ancestor").format(level=level, unit=unit))
    for position in range(len(territories)):
        check_parent("territories", territories, position)
    if found:
        return found
    for position, parent in enumerate(parents(territories)):
        region = text(territories["region"].iloc[position])
        reached = _region_reached(parent, parent_of)
        if reached is not None and reached != region:
            problem("territories", territories, position, "region", _(
                "its parent rolls up to region {reached}, not {region}").format(
                    reached=reached, region=region or ""))
    return found


def _loops(start, parent_of) -> bool:
    seen, unit = {start}, parent_of.get(start)
    while unit is not None:
        if unit in seen:
            return unit == start
        seen.add(unit)
        unit = parent_of.get(unit)
    return False


def _region_reached(parent, parent_of) -> str | None:
    unit, seen = parent, set()
    while unit is not None and unit not in seen:
        if unit[0] == REGION:
            return unit[1]
        seen.add(unit)
        unit = parent_of.get(unit)
    return None
