"""Where an account is, from what its file has: a county FIPS code, a US ZIP
code, a latitude and longitude, or a city and state.

* ZIP codes are looked up offline in the table the ``zipcodes`` package ships
  (MIT licence; its coordinates from GeoNames, CC BY 4.0): each ZIP's state,
  primary county and centre. The county's name is matched to the FIPS code
  of the county of that name in that state in the map's own counties
  (``dashboard.geo.us_atlas``); where no name matches, the county holding the
  ZIP's centre is taken. A ZIP whose centre lies in another county than its
  primary one reaches into several counties: it goes to the table's primary
  county and a note says so, with both.
* A latitude and longitude are placed in the county holding the point.
* A city and state are looked up in the shipped city list (``data/cities.csv``).

Rows in another country (a ``country`` column naming one) are refused, with
their count and reason: only US counties exist for now. Nothing is dropped
silently: every row not placed is listed with why.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from dashboard import DATA_DIR
from dashboard.geo import us_atlas
from dashboard.i18n.translation import _

#: a ``country`` cell naming the US, as compared (lower case, letters and spaces)
_US_NAMES = {"", "us", "usa", "u s", "u s a", "america",
             "united states", "united states of america"}  # i18n: not shown
_COUNTY_WORDS = re.compile(  # what a county's name says besides its name
    r"\b(county|parish|borough|census area|city and borough of|municipality of|"  # i18n: not shown
    r"municipality|municipio|city and borough)\b")
_ZIP = re.compile(r"(\d{5})(?:[- ]?\d{4})?")


def _name_key(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    plain = plain.replace("saint ", "st ").replace("st. ", "st ").replace("ste. ", "ste ")
    return re.sub(r"[^a-z0-9]", "", _COUNTY_WORDS.sub("", plain))


def _independent_city(fips: str) -> bool:
    """Virginia's independent cities, Baltimore, St. Louis and Carson City: a
    county-level city that shares its name with a county (Roanoke, Baltimore)."""
    return fips[:2] in ("24", "29", "32", "51") and int(fips[2:]) >= 510


@lru_cache(maxsize=1)
def _county_by_name() -> dict[tuple[str, str, bool], str]:
    counties = us_atlas.load_counties()
    table = {}
    for fips, name, state in zip(counties.index, counties["name"], counties["state_abbr"],
                                 strict=True):
        table[(state, _name_key(str(name)), _independent_city(fips))] = fips
    return table


def county_from_name(state: str, county: str) -> str | None:
    """FIPS of the county called ``county`` (``Harris County``, ``Roanoke city``) in ``state``."""
    by_name = _county_by_name()
    city = bool(re.search(r"\bcity$", county.strip(), re.IGNORECASE))
    short = _name_key(re.sub(r"\s+city$", "", county.strip(), flags=re.IGNORECASE))
    for key in ((short, city), (short, not city), (_name_key(county), city),
                (_name_key(county), not city)):
        if (state, *key) in by_name:
            return by_name[(state, *key)]
    return None


@dataclass(frozen=True)
class ZipPlace:
    state: str
    county_fips: str | None
    lat: float
    lon: float
    #: the county holding the ZIP's centre, when it is not ``county_fips``
    centre_fips: str | None = None


@lru_cache(maxsize=1)
def _zip_rows() -> dict[str, tuple[str, str, float, float]]:
    """ZIP -> (state, county name, lat, lon) from the ``zipcodes`` package."""
    import zipcodes

    return {r["zip_code"]: (r["state"], r.get("county") or "", float(r["lat"]), float(r["long"]))
            for r in zipcodes.list_all() if r.get("lat") and r.get("long")}


def zip_places(codes: set[str]) -> dict[str, ZipPlace]:
    """The ZIP codes of ``codes`` the table knows, each placed in a county
    (only the ZIPs asked for are placed: the county shapes are searched once
    for all of them)."""
    rows = _zip_rows()
    known = sorted(c for c in codes if c in rows)
    centres = us_atlas.county_of_points([rows[c][2] for c in known], [rows[c][3] for c in known])
    places = {}
    for code, centre in zip(known, centres, strict=True):
        state, county_name, lat, lon = rows[code]
        named = county_from_name(state, county_name) if county_name else None
        county = named or centre
        places[code] = ZipPlace(state, county, lat, lon,
                                centre if centre and county and centre != county else None)
    return places


@lru_cache(maxsize=1)
def _city_table() -> dict[tuple[str, str], tuple[str, float, float]]:
    table: dict[tuple[str, str], tuple[str, float, float]] = {}
    with open(DATA_DIR / "cities.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (row["state_abbr"], _name_key(row["city"]))
            table.setdefault(key, (row["county_fips"], float(row["lat"]), float(row["lon"])))
    return table


@lru_cache(maxsize=1)
def _state_abbreviations() -> dict[str, str]:
    """State name or abbreviation (as compared) -> abbreviation."""
    counties = us_atlas.load_counties()
    states = us_atlas.load_states()
    table = {}
    for state_fips, abbr in zip(counties["state_fips"], counties["state_abbr"], strict=True):
        table[abbr.lower()] = abbr
        if state_fips in states.index:
            table[re.sub(r"[^a-z]", "", str(states.at[state_fips, "name"]).lower())] = abbr
    return table


def state_abbreviation(text: str) -> str | None:
    """``Texas``, ``TX`` or ``tx`` -> ``TX``; None when it names no state."""
    table = _state_abbreviations()
    return table.get(text.strip().lower()) or table.get(re.sub(r"[^a-z]", "", text.lower()))


def zip5(text: str) -> str | None:
    """The 5-digit ZIP in ``12345``, ``12345-6789`` or a spreadsheet's ``2134``
    (a leading zero lost); None when it is not a US ZIP code."""
    text = text.strip()
    if text.isdigit() and 3 <= len(text) <= 4:
        text = text.zfill(5)
    match = _ZIP.fullmatch(text)
    return match.group(1) if match else None


@dataclass
class Placed:
    """Where each row of a file is. Indexed like the input; ``county_fips``
    None where a row is not placed (``unplaced`` says why) or is refused as
    outside the US (``foreign``). ``notes`` are (row index, text) pairs for
    choices the user should see: a ZIP reaching into several counties."""

    county_fips: pd.Series
    lat: pd.Series
    lon: pd.Series
    unplaced: dict[object, str] = field(default_factory=dict)
    foreign: pd.Series | None = None
    notes: list[tuple[object, str]] = field(default_factory=list)


def _cells(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame:
        return frame[name].astype(str).str.strip()
    return pd.Series("", index=frame.index, dtype=object)


def place(frame: pd.DataFrame) -> Placed:
    """Place every row of ``frame`` (columns among ``county_fips``,
    ``postal_code``, ``lat``, ``lon``, ``city``, ``state``, ``country``, as text)."""
    fips_cells, zip_cells = _cells(frame, "county_fips"), _cells(frame, "postal_code")
    lat_cells, lon_cells = _cells(frame, "lat"), _cells(frame, "lon")
    city_cells, state_cells = _cells(frame, "city"), _cells(frame, "state")
    country = _cells(frame, "country").str.lower().str.replace(r"[^a-z]+", " ", regex=True)
    foreign = ~country.str.strip().isin(_US_NAMES)
    counties = pd.Series(None, index=frame.index, dtype=object)
    lat = pd.to_numeric(lat_cells.str.replace(",", "."), errors="coerce")
    lon = pd.to_numeric(lon_cells.str.replace(",", "."), errors="coerce")
    placed = Placed(counties, lat.astype("float64"), lon.astype("float64"), foreign=foreign)
    todo = ~foreign
    # 1. a FIPS code is taken as written: the import's own check judges it
    given = todo & (fips_cells != "")
    counties[given] = fips_cells[given]
    todo &= ~given
    # 2. a ZIP code
    has_zip = todo & (zip_cells != "")
    if has_zip.any():
        _place_zips(placed, zip_cells[has_zip])
        todo &= ~has_zip
    # 3. a point
    has_point = todo & lat.notna() & lon.notna()
    if has_point.any():
        found = us_atlas.county_of_points(lat[has_point], lon[has_point])
        counties[has_point] = found
        for index, fips in zip(lat[has_point].index, found, strict=True):
            if fips is None:
                placed.unplaced[index] = _(
                    "latitude {lat}, longitude {lon} is in no US county").format(
                    lat=lat[index], lon=lon[index])
        todo &= ~has_point
    # 4. a city and state
    has_city = todo & (city_cells != "") & (state_cells != "")
    for index in city_cells[has_city].index:
        _place_city(placed, index, city_cells[index], state_cells[index])
    todo &= ~has_city
    for index in todo[todo].index:
        placed.unplaced[index] = _(
            "cannot place this account: no county FIPS, ZIP code, latitude and longitude, "
            "or city and state")
    return placed


def _place_zips(placed: Placed, zips: pd.Series) -> None:
    """Place rows by ZIP, each distinct ZIP looked up once."""
    codes = {text: zip5(text) for text in pd.unique(zips)}
    table = zip_places({c for c in codes.values() if c})
    counties = us_atlas.load_counties()
    found = {text: table.get(code) if code else None for text, code in codes.items()}
    entries = zips.map(found)
    known = entries.map(lambda e: e is not None and e.county_fips is not None).astype(bool)
    placed.county_fips[known[known].index] = entries[known].map(lambda e: e.county_fips)
    lacking = known & (placed.lat.isna() | placed.lon.isna())
    placed.lat[lacking] = entries[lacking].map(lambda e: e.lat).astype("float64")
    placed.lon[lacking] = entries[lacking].map(lambda e: e.lon).astype("float64")
    for index, text in zips[~known].items():
        code = codes[text]
        if code is None:
            reason = _("ZIP code {zip} is not a US ZIP code").format(zip=text)
        elif code in table:  # military (APO/FPO) and Pacific island ZIPs
            reason = _("ZIP code {zip} lies in no US county (a military or overseas "
                       "ZIP code)").format(zip=code)
        else:
            reason = _("ZIP code {zip} is not in the ZIP table (no county for it)").format(
                zip=code)
        placed.unplaced[index] = reason
    spanning = entries[known].map(lambda e: e.centre_fips is not None)
    firsts = zips[spanning[spanning].index].map(codes).drop_duplicates()
    for index, code in firsts.items():
        entry = table[code]
        placed.notes.append((index, _(
            "ZIP code {zip} reaches into more than one county: placed in {primary} "
            "({primary_fips}), the ZIP table's primary county; its centre lies in "
            "{other} ({other_fips})").format(
            zip=code, primary=counties.at[entry.county_fips, "name"],
            primary_fips=entry.county_fips, other=counties.at[entry.centre_fips, "name"],
            other_fips=entry.centre_fips)))


def _place_city(placed: Placed, index: object, city: str, state: str) -> None:
    abbr = state_abbreviation(state)
    found = _city_table().get((abbr, _name_key(city))) if abbr else None
    if found is None:
        placed.unplaced[index] = _("city {city}, {state} is not in the city list").format(
            city=city, state=state)
        return
    placed.county_fips[index] = found[0]
    if pd.isna(placed.lat[index]) or pd.isna(placed.lon[index]):
        placed.lat[index], placed.lon[index] = found[1], found[2]
