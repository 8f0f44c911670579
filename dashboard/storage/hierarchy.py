"""The levels above the territory: which unit of each level every territory rolls up to.

DATA_FORMAT (README "Data format changes"): ``levels.csv`` lists the units
above the territory (``level, unit_id, unit_name, parent_level, parent_id,
manager``), each naming its parent unit; a territory names its own parent in
``territories.parent_level``/``parent_id``. Both blank means the territory's
parent is its region, and the ``region`` level is always there: a unit of it
for every ``territories.region`` value (a ``levels.csv`` row of level
``region`` only names it and gives it a manager). A file set without
``levels.csv`` is therefore the single level region, as before.

:func:`membership` walks each territory's chain of parents: one column per
level, bottom first and region last, holding the territory's unit id at that
level (None where its chain does not pass that level). Every roll-up (the
``kpis`` level, a filter, a manager's scope) is a group-by or a mask on one
column of it. ``ingest.level_checks`` lists what an
import must refuse.
"""

from __future__ import annotations

import pandas as pd

REGION = "region"
#: level names that already mean something else in ``kpis --level``
RESERVED = ("territory", "rep", "company")
#: one filter value naming a unit of a level other than region: ``level:unit_id``
#: (a region's filter value is its id alone, as links have always written it)
SEPARATOR = ":"


def text(value) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def units(territories: pd.DataFrame, levels: pd.DataFrame | None) -> pd.DataFrame:
    """Every unit above the territory: ``levels`` rows plus a region unit for
    each ``territories.region`` the file does not list (named after itself,
    no manager). Columns: level, unit_id, unit_name, parent_level, parent_id,
    manager."""
    columns = ["level", "unit_id", "unit_name", "parent_level", "parent_id", "manager"]
    given = (pd.DataFrame(columns=columns) if levels is None or levels.empty
             else levels[columns].astype(object))
    listed = set(given.loc[given["level"] == REGION, "unit_id"])
    regions = [r for r in pd.unique(territories["region"].dropna().astype(str)) if r not in listed]
    derived = pd.DataFrame({"level": REGION, "unit_id": regions, "unit_name": regions,
                            "parent_level": None, "parent_id": None, "manager": None},
                           columns=columns, dtype=object)
    return pd.concat([given, derived], ignore_index=True) if len(derived) else given


def parents(table: pd.DataFrame) -> list[tuple[str, str] | None]:
    if "parent_level" not in table or "parent_id" not in table:
        return [None] * len(table)
    out = []
    for level, unit in zip(table["parent_level"], table["parent_id"], strict=True):
        level, unit = text(level), text(unit)
        out.append((level, unit) if level and unit else None)
    return out


def membership(territories: pd.DataFrame, levels: pd.DataFrame | None) -> pd.DataFrame:
    """Index territory_id; one column per level (bottom first, ``region``
    last) with the territory's unit id at that level, None where its chain
    does not reach the level. ``region`` is always ``territories.region``.

    A chain stops at an unknown parent or where it would loop (an import
    refuses both: ``ingest.level_checks``)."""
    table = units(territories, levels)
    parent_of = dict(zip(zip(table["level"], table["unit_id"], strict=True),
                         parents(table), strict=True))
    ids = territories["territory_id"].astype(str).to_numpy()
    regions = territories["region"].to_numpy(object)
    chains: list[dict[str, str]] = []
    depth: dict[str, int] = {}
    for parent, region in zip(parents(territories), regions, strict=True):
        chain: dict[str, str] = {}
        unit = parent or (REGION, text(region))
        while unit is not None and unit in parent_of and unit[0] not in chain:
            chain[unit[0]] = unit[1]
            unit = parent_of[unit]
        for position, level in enumerate(chain):
            depth[level] = min(depth.get(level, position), position)
        chain[REGION] = text(region)
        chains.append(chain)
    order = sorted((lvl for lvl in depth if lvl != REGION), key=lambda lvl: (depth[lvl], lvl))
    frame = pd.DataFrame(chains, index=pd.Index(ids, dtype=object),
                         columns=[*order, REGION], dtype=object)
    return frame.astype(object).where(frame.notna(), None)


def level_names(member: pd.DataFrame) -> list[str]:
    """The levels of a :func:`membership` frame, bottom first."""
    return list(member.columns)


def territories_under(member: pd.DataFrame, level: str, unit_id: str) -> frozenset[str]:
    """The territory ids that roll up to ``unit_id`` of ``level`` (none for an
    unknown level or unit)."""
    if level not in member.columns:
        return frozenset()
    mask = member[level].astype(object) == unit_id
    return frozenset(member.index[mask.to_numpy()].astype(str))


def filter_value(level: str, unit_id: str) -> str:
    """The filter (URL ``region=``) value naming a unit: a region by its id,
    any other level's unit as ``level:unit_id``."""
    return unit_id if level == REGION else f"{level}{SEPARATOR}{unit_id}"


def parse_filter(value: str) -> tuple[str, str]:
    """(level, unit id) of a filter value (:func:`filter_value`'s inverse)."""
    level, sep, unit = str(value).partition(SEPARATOR)
    return (level, unit) if sep and level != REGION else (REGION, str(value))
