"""Alignment rows naming a whole state or Census region instead of a county.

An alignment file may say ``state:WA`` or ``region:West`` in ``county_fips``:
every county of it is aligned to the row's territory, and a county's own row
wins over its state's or region's. The mapping step (``mapping``) and a
native ``alignment.csv`` (``reading``) expand them here, the same way, and the
counties an alignment leaves without a territory are counted by state.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from dashboard.geo import us_atlas
from dashboard.i18n.translation import _, ngettext
from dashboard.ingest.checks import WARNING, Problem

COUNTY = "county_fips"


def counties() -> pd.DataFrame:
    """The counties a state or region row can name (those in a Census region)."""
    atlas = us_atlas.load_counties()
    return atlas[atlas["region"].notna()][["state_abbr", "state_fips", "region"]]


def expand_alignment(rows: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """Alignment rows whose ``county_fips`` names a whole state (``state:WA``)
    or Census region (``region:West``) become one row per county of it, each
    keeping its source row (its index, ``_file``/``_row`` and every other
    column); a county row of its own given as well wins over the state's or
    region's. Returns the rows and (row position, name) of each unknown state
    or region."""
    inside_counties = counties()
    cells = rows[COUNTY].astype(str).str.strip()
    kind = cells.str.extract(r"^(state|region)\s*:\s*(.+)$", flags=re.IGNORECASE)
    whole = kind[0].notna()
    if not whole.any():
        return rows, []
    parts, unknown = [rows[~whole]], []
    for position in np.flatnonzero(whole.to_numpy()):
        which, name = kind.iat[position, 0].lower(), kind.iat[position, 1].strip()
        if which == "state":
            inside = inside_counties.index[inside_counties["state_abbr"] == name.upper()]
        else:
            inside = inside_counties.index[inside_counties["region"].str.lower() == name.lower()]
        if not len(inside):
            unknown.append((position, cells.iat[position]))
            continue
        copies = rows.iloc[[position] * len(inside)].copy()
        copies[COUNTY] = list(inside)
        parts.append(copies)
    expanded = pd.concat(parts)
    # a county named on its own row keeps it (the same effective date and ZIP:
    # the state's or region's row gives way, not a duplicate)
    key = pd.DataFrame({"c": expanded[COUNTY].to_numpy(),
                        **{name: _cells(expanded, name) for name in ("effective_from", "zip")}})
    own = ~expanded.index.isin(rows.index[whole])
    order = np.lexsort((~own,))
    keep = ~key.iloc[order].duplicated().to_numpy()
    return expanded.iloc[order][keep], unknown


def _cells(rows: pd.DataFrame, name: str) -> np.ndarray:
    """The text of the column whose header is ``name`` (any case), "" without one."""
    header = next((h for h in rows.columns if str(h).strip().lower() == name), None)
    if header is None:
        return np.full(len(rows), "", dtype=object)
    return rows[header].fillna("").astype(str).str.strip().to_numpy(dtype=object)


def unknown_area(file: str, row: int, column: str | None, cell: str) -> Problem:
    """The error for a ``state:``/``region:`` row naming neither."""
    return Problem(file, row, column, _(
        "{value} names no US state (a postal code such as state:WA) nor Census region "
        "(region:Northeast, Midwest, South or West)").format(value=repr(cell)))


def unaligned_counties(alignment: pd.DataFrame) -> dict[str, int]:
    """State name -> how many of its counties no alignment row names, for the
    states with any (sorted by name)."""
    left_out = counties()
    left_out = left_out[~left_out.index.isin(alignment[COUNTY].astype(str))]
    names = us_atlas.load_states()["name"]
    counts = left_out.groupby("state_fips").size()
    return dict(sorted((names.get(f, f), int(n)) for f, n in counts.items()))


def unaligned_warning(alignment: pd.DataFrame) -> Problem | None:
    """The import summary's line on the counties no alignment row names, by
    state (a warning: their accounts have no territory until aligned)."""
    left = unaligned_counties(alignment)
    if not left:
        return None
    total = sum(left.values())
    shown = ", ".join(f"{state} ({count})" for state, count in list(left.items())[:60])
    return Problem(_("(import)"), None, COUNTY, ngettext(
        "{count} county is in no territory: {states}",
        "{count} counties are in no territory: {states}", total).format(
        count=total, states=shown), WARNING)


def expand_file(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """A native ``alignment.csv`` as read (its own headers, rows indexed by
    spreadsheet row) with its state and region rows expanded: the same rows
    and problems as the mapping step gives, by file, row and column. A file
    without such rows comes back as it is (no unaligned-county warning)."""
    headers = [h for h in frame.columns if str(h).strip().lower() == COUNTY]
    if len(headers) != 1:  # missing or repeated: the file's checks say so
        return frame, []
    file = frame.attrs.get("file", "alignment.csv")  # i18n: not shown (a file name)
    renamed = frame.rename(columns={headers[0]: COUNTY})
    expanded, unknown = expand_alignment(renamed)
    if expanded is renamed and not unknown:
        return frame, []
    problems = [unknown_area(file, int(renamed.index[position]), headers[0], cell)
                for position, cell in unknown]
    expanded = expanded.rename(columns={COUNTY: headers[0]})
    expanded.attrs["file"] = file
    warning = unaligned_warning(expanded.rename(columns={headers[0]: COUNTY}))
    return expanded, problems + ([warning] if warning else [])
