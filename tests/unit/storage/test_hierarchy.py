"""Levels above the territory (README "Data format changes": levels.csv): the
roll-up worked out by hand, old files without levels, and the import rules."""

from __future__ import annotations

import pytest

from dashboard.ingest.export import export_dataset
from dashboard.ingest.reading import load_files, validate
from dashboard.storage import hierarchy
from dashboard.storage.schema import Dataset, frame_from_rows

# T1, T2 > district D1 "Coast" > area A1 > region East
# T3     > district D2 "Hills" > region East (no area: a chain may skip a level)
# T4     > its region West (no parent given: the old meaning)
TERRITORIES = frame_from_rows("territories", [
    ("T1", "North", "East", "district", "D1"),
    ("T2", "South", "East", "district", "D1"),
    ("T3", "Inland", "East", "district", "D2"),
    ("T4", "Far", "West"),
])
LEVELS = frame_from_rows("levels", [
    ("district", "D1", "Coast", "area", "A1", "ann"),
    ("district", "D2", "Hills", "region", "East"),
    ("area", "A1", "Seaboard", "region", "East"),
    ("region", "East", "Eastern region", None, None, "eve"),
])


def test_membership_names_each_territorys_unit_at_every_level_bottom_first():
    member = hierarchy.membership(TERRITORIES, LEVELS)
    assert list(member.columns) == ["district", "area", "region"]
    assert member.to_dict("index") == {
        "T1": {"district": "D1", "area": "A1", "region": "East"},
        "T2": {"district": "D1", "area": "A1", "region": "East"},
        "T3": {"district": "D2", "area": None, "region": "East"},
        "T4": {"district": None, "area": None, "region": "West"},
    }


@pytest.mark.parametrize("level,unit,expected", [
    ("district", "D1", {"T1", "T2"}),
    ("district", "D2", {"T3"}),
    ("area", "A1", {"T1", "T2"}),
    ("region", "East", {"T1", "T2", "T3"}),
    ("region", "West", {"T4"}),
    ("district", "D9", set()),  # an unknown unit: nothing
    ("zone", "D1", set()),  # an unknown level: nothing
])
def test_territories_under_a_unit(level, unit, expected):
    member = hierarchy.membership(TERRITORIES, LEVELS)
    assert hierarchy.territories_under(member, level, unit) == expected


def test_units_list_the_file_and_derive_the_regions_it_does_not_name():
    units = hierarchy.units(TERRITORIES, LEVELS).set_index(["level", "unit_id"])
    assert units.loc[("region", "East"), "unit_name"] == "Eastern region"  # named by the file
    assert units.loc[("region", "West"), "unit_name"] == "West"  # derived from territories
    assert len(units) == 5


def test_without_levels_the_region_is_the_only_level():
    old = frame_from_rows("territories", [("T1", "North", "East"), ("T2", "South", "West")])
    member = hierarchy.membership(old, None)
    assert list(member.columns) == ["region"]
    assert member["region"].to_dict() == {"T1": "East", "T2": "West"}


@pytest.mark.parametrize("level,unit", [("district", "D1"), ("region", "West"),
                                        ("district", "a:b")])
def test_filter_values_read_back(level, unit):
    value = hierarchy.filter_value(level, unit)
    assert hierarchy.parse_filter(value) == (level, unit)
    if level == "region":
        assert value == unit  # a region's link reads as it always has


# --- the import rules ---------------------------------------------------------

TERRITORIES_CSV = ("territory_id,territory_name,region,parent_level,parent_id\n"
                   "T1,North,East,district,D1\nT2,South,West,,\n")


def problems_of(tmp_path, texts: dict[str, str]) -> list[tuple]:
    for name, text in texts.items():
        (tmp_path / f"{name}.csv").write_text(text)
    files, found = load_files(tmp_path)
    assert found == []
    _, problems = validate(files)
    return [(p.file, p.row, p.column, p.reason) for p in problems]


def test_levels_import_and_old_files_import_unchanged(tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    assert problems_of(old, {"territories": "territory_id,territory_name,region\nT1,N,East\n"}) \
        == []
    new = tmp_path / "new"
    new.mkdir()
    assert problems_of(new, {
        "territories": TERRITORIES_CSV,
        "levels": "level,unit_id,unit_name,parent_level,parent_id,manager\n"
                  "district,D1,Coast,region,East,ann\n",
    }) == []


@pytest.mark.parametrize("levels,territories,expected", [
    # a territory naming a district levels.csv does not have
    ("level,unit_id,unit_name\ndistrict,D2,Hills\n", TERRITORIES_CSV,
     ("territories.csv", 2, "parent_id", "unknown parent: there is no district D1 in levels")),
    # half a parent
    ("level,unit_id,unit_name,parent_level,parent_id\ndistrict,D1,Coast,region,\n",
     TERRITORIES_CSV, ("levels.csv", 2, "parent_id",
                       "parent_level and parent_id go together: give both or neither")),
    # a level called like a built-in KPI level
    ("level,unit_id,unit_name\nterritory,D1,Coast\n",
     "territory_id,territory_name,region\nT1,North,East\n",
     ("levels.csv", 2, "level",
      "territory is a level of its own in the KPI table; give this level another name")),
    # a loop: D1 > Z1 > D1
    ("level,unit_id,unit_name,parent_level,parent_id\n"
     "district,D1,Coast,zone,Z1\nzone,Z1,Zed,district,D1\n", TERRITORIES_CSV,
     ("levels.csv", 2, "parent_id", "district D1 is its own ancestor")),
    # T1's district is in the West but T1 says East
    ("level,unit_id,unit_name,parent_level,parent_id\ndistrict,D1,Coast,region,West\n",
     TERRITORIES_CSV,
     ("territories.csv", 2, "region", "its parent rolls up to region West, not East")),
])
def test_hierarchy_problems_are_refused_with_file_row_column_and_reason(
        tmp_path, levels, territories, expected):
    found = problems_of(tmp_path, {"territories": territories, "levels": levels})
    assert expected in found


def test_an_export_with_levels_imports_back_unchanged(tmp_path):
    dataset = Dataset(territories=TERRITORIES, levels=LEVELS)
    export_dataset(dataset, tmp_path)
    assert (tmp_path / "levels.csv").read_text().splitlines()[:2] == [
        "level,unit_id,unit_name,parent_level,parent_id,manager", "district,D1,Coast,area,A1,ann"]
    files, found = load_files(tmp_path)
    merged, problems = validate(files)
    assert found == [] and problems == []
    assert merged.levels.equals(dataset.levels) and merged.territories.equals(TERRITORIES)
