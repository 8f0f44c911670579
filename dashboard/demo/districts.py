"""The demo's districts: the US Census divisions, between the territory and the region.

Each of the four Census regions splits into two or three divisions (New
England and Middle Atlantic in the Northeast, Pacific and Mountain in the
West...), which nest exactly in the regions, so they make a believable
district level: territory › district › region. A territory belongs to the
division holding most of its counties' potential (its counties all lie in
its region, so the district's region is the territory's). Nothing here draws
a random number: the rest of the demo is the same with or without districts.
Each district has a manager, ``manager-<district id>``, a demo user
(``access.users.ensure_demo_users``).
"""

from __future__ import annotations

import pandas as pd

DISTRICT = "district"

#: Census division -> (region, its states' USPS codes)
DIVISIONS = {
    "New England": ("Northeast", "CT ME MA NH RI VT"),
    "Middle Atlantic": ("Northeast", "NJ NY PA"),
    "East North Central": ("Midwest", "IL IN MI OH WI"),
    "West North Central": ("Midwest", "IA KS MN MO NE ND SD"),
    "South Atlantic": ("South", "DE DC FL GA MD NC SC VA WV"),
    "East South Central": ("South", "AL KY MS TN"),
    "West South Central": ("South", "AR LA OK TX"),
    "Mountain": ("West", "AZ CO ID MT NV NM UT WY"),
    "Pacific": ("West", "AK CA HI OR WA"),
}
_DIVISION_OF_STATE = {state: name for name, (_, states) in DIVISIONS.items()
                      for state in states.split()}


def district_id(division: str) -> str:
    """``Middle Atlantic`` -> ``middle-atlantic``."""
    return division.lower().replace(" ", "-")


def districts(territories: pd.DataFrame, alignment: pd.DataFrame, counties: pd.DataFrame,
              county_potential: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(``territories`` with parent_level and parent_id naming each one's
    district, the levels table of the districts that have a territory, in
    DIVISIONS order). ``alignment`` maps county_fips to territory_id;
    ``counties`` has state_abbr; every county weighs its potential plus one
    (so a territory of accountless counties still has a division)."""
    frame = alignment[["county_fips", "territory_id"]].copy()
    frame["division"] = counties.loc[frame["county_fips"], "state_abbr"].map(
        _DIVISION_OF_STATE).to_numpy(object)
    frame["weight"] = frame["county_fips"].map(county_potential).fillna(0.0).to_numpy() + 1.0
    order = {name: i for i, name in enumerate(DIVISIONS)}
    weights = frame.groupby(["territory_id", "division"], sort=False)["weight"].sum().reset_index()
    weights["order"] = weights["division"].map(order)
    best = (weights.sort_values(["territory_id", "weight", "order"],
                                ascending=[True, False, True], kind="stable")
            .drop_duplicates("territory_id").set_index("territory_id")["division"])
    division = territories["territory_id"].map(best)
    territories = territories.assign(
        parent_level=DISTRICT, parent_id=division.map(district_id).to_numpy(object))
    used = [name for name in DIVISIONS if name in set(division)]
    levels = pd.DataFrame({
        "level": DISTRICT,
        "unit_id": [district_id(name) for name in used],
        "unit_name": used,
        "parent_level": "region",
        "parent_id": [DIVISIONS[name][0] for name in used],
        "manager": [f"manager-{district_id(name)}" for name in used],
    }, columns=["level", "unit_id", "unit_name", "parent_level", "parent_id", "manager"],
        dtype=object)
    return territories, levels
