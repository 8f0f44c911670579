"""The tables Territory Dashboard holds, as DATA_FORMAT.md names them.

One description serves the database (``models`` builds the data tables'
columns from it: type, length, nullability, key, references), the importer
(which columns are required, what type each holds, how long it may be, what
it references), the exporter (column order) and the :class:`Dataset` that
moves data between them and the store. Keeping it in one place is what makes
"an export imports back unchanged" and "what the importer accepts, the
database holds" hold by construction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

# Column kinds. "id" and "text" are strings; "fips" is a unit id: a county's 5-digit
# FIPS, whose leading zeros matter, or a unit of a layer of one's own (UK LSOA
# E01000001, German AGS 09162000: up to UNIT_ID_LENGTH characters); "date" is
# datetime64 (NaT = missing); "money" and "number" are float64 (NaN = missing);
# "status" is one of OPP_STATUSES; "zip" is a ZIP area id of the approximate ZIP areas
# (5 digits, or ``C`` + the FIPS of a county holding no ZIP centre).
ID, TEXT, FIPS, DATE, MONEY, NUMBER, STATUS, QUARTER, ZIP = (
    "id", "text", "fips", "date", "money", "number", "status", "quarter", "zip",
)

#: "flag" is yes or no, blank = no: a bool column, stored as a boolean that is never NULL.
FLAG = "flag"

OPP_STATUSES = ("open", "won", "lost")
#: Longest unit id the data may name (the "fips" columns: alignment and accounts'
#: county_fips): a layer of one's own has ids longer than a county's 5 digits
#: (migration 0009 widened the columns)
UNIT_ID_LENGTH = 20
#: Longest value, in characters, of each string kind whose length the kind
#: settles; "text" columns each say their own.
KIND_LENGTHS = {ID: 64, FIPS: UNIT_ID_LENGTH, STATUS: 10, QUARTER: 6, ZIP: 6}
#: Kinds held as strings (the rest are numbers and dates).
STRING_KINDS = (ID, TEXT, FIPS, STATUS, QUARTER, ZIP)

#: METRICS.md default stage probabilities; configuration may override them.
DEFAULT_STAGE_PROBABILITIES = {
    "Prospecting": 0.10,
    "Qualification": 0.20,
    "Proposal": 0.50,
    "Negotiation": 0.75,
    "Closed Won": 1.0,
    "Closed Lost": 0.0,
}
OPEN_STAGES = ("Prospecting", "Qualification", "Proposal", "Negotiation")


def merged_stage_probabilities(configured: Mapping[str, float] | None = None) -> dict[str, float]:
    """``configured`` laid over the METRICS.md defaults, not put in their
    place: configuring one stage must not drop every other stage to 0%. The
    weighting (``frames``) and the import's stage warning read the same map."""
    return {**DEFAULT_STAGE_PROBABILITIES, **(configured or {})}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = False
    #: table whose id this column references (validated on import; a foreign
    #: key in the database unless it is ``counties``, which the map holds)
    references: str | None = None
    #: longest value in characters, for a "text" column (other string kinds
    #: take theirs from :data:`KIND_LENGTHS`); checked on import
    max_length: int | None = None
    #: at most one row per value (missing values excepted): a unique
    #: constraint in the database, a rule the importer checks
    unique: bool = False

    def __post_init__(self) -> None:
        if self.kind in STRING_KINDS and self.length is None:
            raise ValueError(f"text column {self.name} needs a max_length")  # i18n: not shown

    @property
    def length(self) -> int | None:
        """Longest value in characters (the database column's length), or
        None for numbers and dates."""
        if self.kind not in STRING_KINDS:
            return None
        return self.max_length or KIND_LENGTHS.get(self.kind)


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    #: column(s) that identify a row; duplicates are refused on import
    key: tuple[str, ...]

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "territories",
            (
                Column("territory_id", ID, True),
                Column("territory_name", TEXT, True, max_length=200),
                Column("region", TEXT, True, max_length=100),
                # the territory's unit one level up (levels.csv); both blank:
                # its region is its parent (a file without levels)
                Column("parent_level", ID),
                Column("parent_id", ID),
            ),
            key=("territory_id",),
        ),
        Table(
            # the units above the territory (districts, regions, ...), each
            # with its parent unit and an optional manager (``hierarchy``)
            "levels",
            (
                Column("level", ID, True),
                Column("unit_id", ID, True),
                Column("unit_name", TEXT, True, max_length=200),
                Column("parent_level", ID),
                Column("parent_id", ID),
                Column("manager", TEXT, max_length=200),
            ),
            key=("level", "unit_id"),
        ),
        Table(
            "reps",
            (
                Column("rep_id", ID, True),
                Column("rep_name", TEXT, True, max_length=200),
                Column("email", TEXT, True, max_length=320),
                # a territory has at most one owning rep
                Column("territory_id", ID, references="territories", unique=True),
                Column("home_lat", NUMBER),
                Column("home_lon", NUMBER),
            ),
            key=("rep_id",),
        ),
        Table(
            "alignment",
            (
                Column("county_fips", FIPS, True, references="counties"),
                Column("territory_id", ID, True, references="territories"),
                # blank: from the beginning; on day d a county belongs to its
                # row with the latest effective_from <= d (METRICS.md)
                Column("effective_from", DATE),
                # a ZIP row (issue 19): the ZIP area of county_fips this row
                # aligns, overriding its county's rows for the accounts in it;
                # blank: a county row
                Column("zip", ZIP, references="zip_areas"),
            ),
            key=("county_fips", "effective_from", "zip"),
        ),
        Table(
            "accounts",
            (
                Column("account_id", ID, True),
                Column("account_name", TEXT, True, max_length=300),
                Column("county_fips", FIPS, True, references="counties"),
                Column("lat", NUMBER),
                Column("lon", NUMBER),
                Column("industry", TEXT, max_length=100),
                Column("segment", TEXT, max_length=100),
                Column("annual_potential", MONEY, True),
                Column("customer_since", DATE),
                Column("churned_on", DATE),
                Column("territory_override", ID, references="territories"),
                # the ZIP area the account lies in (issue 19); blank: none known,
                # the account follows its county's rows only
                Column("zip", ZIP, references="zip_areas"),
                # annual_potential was missing at import and estimated by the
                # stated rule (dashboard.ingest.mapping); the views say "estimated"
                Column("potential_estimated", FLAG),
            ),
            key=("account_id",),
        ),
        Table(
            # dated named-account overrides; a blank territory takes the
            # account back to its county's territory from that date
            "overrides",
            (
                Column("account_id", ID, True, references="accounts"),
                Column("territory_id", ID, references="territories"),
                Column("effective_from", DATE, True),
            ),
            key=("account_id", "effective_from"),
        ),
        Table(
            "opportunities",
            (
                Column("opportunity_id", ID, True),
                Column("account_id", ID, True, references="accounts"),
                Column("amount", MONEY, True),
                Column("stage", TEXT, True, max_length=100),
                Column("status", STATUS, True),
                Column("created_on", DATE, True),
                Column("close_on", DATE, True),
            ),
            key=("opportunity_id",),
        ),
        Table(
            "quotas",
            (
                Column("territory_id", ID, True, references="territories"),
                Column("period", QUARTER, True),
                Column("amount", MONEY, True),
                # blank: all segments; a territory's quarter has either one
                # blank-segment row or one row per segment
                Column("segment", TEXT, max_length=100),
            ),
            key=("territory_id", "period", "segment"),
        ),
    )
}

#: Order in which tables must be written so references exist first.
LOAD_ORDER = ("territories", "levels", "reps", "alignment", "accounts", "overrides",
              "opportunities", "quotas")

#: An optional key column (a blank effective_from, a blank quota segment)
#: still has to be part of its table's primary key, which no database lets be
#: NULL: the store writes this value of its kind for blank and reads it back
#: as blank. Nothing outside the store ever sees it.
STORED_BLANK = {DATE: date(1, 1, 1), TEXT: "", ZIP: ""}


def blank_keys(table: str) -> list[Column]:
    """The optional columns of ``table``'s key (stored as :data:`STORED_BLANK`)."""
    spec = TABLES[table]
    return [c for c in spec.columns if c.name in spec.key and not c.required]

#: The optional file beside the tables that carries the dataset's own as-of
#: date, so an export imported elsewhere reports the same default figures.
AS_OF_FILE = "as_of.txt"


def empty_frame(table: str) -> pd.DataFrame:
    """A frame with the table's columns and canonical dtypes and no rows."""
    spec = TABLES[table]
    data = {}
    for col in spec.columns:
        if col.kind == DATE:
            data[col.name] = pd.Series([], dtype="datetime64[s]")
        elif col.kind in (MONEY, NUMBER):
            data[col.name] = pd.Series([], dtype="float64")
        elif col.kind == FLAG:
            data[col.name] = pd.Series([], dtype="bool")
        else:
            data[col.name] = pd.Series([], dtype="object")
    return pd.DataFrame(data)


def as_flags(values) -> pd.Series:
    """A flag column's canonical values: bool, missing = False."""
    series = pd.Series(values)
    array = series.to_numpy(dtype=object)
    flags = np.zeros(len(array), dtype=bool)
    known = pd.notna(array)
    flags[known] = array[known].astype(bool)
    return pd.Series(flags, index=series.index)


@dataclass
class Dataset:
    """The eight DATA_FORMAT.md tables as frames with canonical dtypes.

    Strings are object columns with None for missing, dates datetime64 with
    NaT, money and coordinates float64 with NaN. The importer produces this,
    the store reads and writes it, the exporter writes it back out.
    """

    territories: pd.DataFrame = field(default_factory=lambda: empty_frame("territories"))
    reps: pd.DataFrame = field(default_factory=lambda: empty_frame("reps"))
    alignment: pd.DataFrame = field(default_factory=lambda: empty_frame("alignment"))
    accounts: pd.DataFrame = field(default_factory=lambda: empty_frame("accounts"))
    opportunities: pd.DataFrame = field(default_factory=lambda: empty_frame("opportunities"))
    quotas: pd.DataFrame = field(default_factory=lambda: empty_frame("quotas"))
    overrides: pd.DataFrame = field(default_factory=lambda: empty_frame("overrides"))
    #: last, so a Dataset built positionally (the seven tables) still reads right
    levels: pd.DataFrame = field(default_factory=lambda: empty_frame("levels"))

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: self.table(name) for name in LOAD_ORDER}


def frame_from_rows(table: str, rows: list[tuple]) -> pd.DataFrame:
    """Rows in DATA_FORMAT.md column order (trailing optional columns may be
    left out), coerced to the canonical dtypes.

    The shortest honest way to build a small Dataset by hand (tests, examples)
    that goes through the same dtypes the importer produces."""
    spec = TABLES[table]
    width = len(spec.column_names)
    # rows may leave out trailing optional columns (effective_from, segment)
    rows = [tuple(row) + (None,) * (width - len(row)) for row in rows]
    frame = pd.DataFrame(rows, columns=spec.column_names, dtype=object)
    for col in spec.columns:
        if col.kind == DATE:
            frame[col.name] = pd.to_datetime(frame[col.name]).astype("datetime64[s]")
        elif col.kind in (MONEY, NUMBER):
            frame[col.name] = frame[col.name].astype("float64")
        elif col.kind == FLAG:
            frame[col.name] = as_flags(frame[col.name])
    return frame
