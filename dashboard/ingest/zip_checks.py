"""The ``zip`` columns of accounts.csv and alignment.csv (issue 19): ZIP areas.

A ``zip`` value names one of the approximate ZIP areas (``dashboard.geo.zip_areas``):
a 5-digit ZIP (``94103``; ``94103-1234`` and a spreadsheet's ``2134`` read as
``94103`` and ``02134``) or ``C`` + the FIPS of a county holding no ZIP centre.

- accounts.csv: the ZIP area the account lies in. A PO box, unique or military ZIP is
  stored as the area holding its centre (the import says so, as a warning); an
  unknown ZIP is an error.
- alignment.csv: a ZIP row. The ZIP must be an area of its own (a PO box ZIP is
  refused, naming its area) and ``county_fips`` must be the county the area lies in.

Nothing is read from the ZIP table unless a file has a ZIP value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.geo import zip_areas
from dashboard.i18n.translation import _
from dashboard.ingest.checks import WARNING, CheckedFile
from dashboard.ingest.places import zip5


def _code(text: str) -> str:
    """A ZIP cell as written, spelled as the area ids are."""
    text = text.strip()
    if text[:1] in ("C", "c") and text[1:].isdigit():
        return "C" + text[1:]
    return zip5(text) or text


def check_zip_columns(checked: dict[str, CheckedFile]) -> None:
    """Normalise and check the ``zip`` columns of the checked files, in place
    (before they are merged into the stored data)."""
    for table in ("accounts", "alignment"):
        file = checked.get(table)
        if file is not None and "zip" in file.cells:
            _check_zip_column(table, file)


def _check_zip_column(table: str, file: CheckedFile) -> None:
    values = file.values["zip"]
    present = np.flatnonzero(values.notna().to_numpy())
    if len(present) == 0:
        return
    written = values.to_numpy(object)[present]
    codes = np.array([_code(str(v)) for v in written], dtype=object)
    areas = np.array([zip_areas.area_of(c) for c in codes], dtype=object)
    report = file.report
    unknown = pd.isna(areas)
    report.row_problems("zip", present[unknown], lambda p: _(
        "ZIP {value} is not one of the approximate ZIP areas").format(
            value=values.iat[p]), _("unknown ZIP"))
    alias = ~unknown & (areas != codes)
    area_at = dict(zip(present, areas, strict=True))
    if table == "accounts":
        report.row_problems("zip", present[alias], lambda p: _(
            "ZIP {value} has no area of its own: the account is placed in ZIP area "
            "{area}, which holds its centre").format(value=values.iat[p], area=area_at[p]),
            _("ZIP without an area"), WARNING)
        stored = np.where(unknown, None, areas)
    else:
        report.row_problems("zip", present[alias], lambda p: _(
            "ZIP {value} has no area of its own (a PO box or a unique ZIP): align "
            "ZIP area {area}, which holds its centre").format(
                value=values.iat[p], area=area_at[p]), _("ZIP without an area"))
        stored = np.where(unknown | alias, None, codes)
        _check_counties(file, present, stored)
    column = values.to_numpy(object).copy()
    column[present] = stored
    file.values["zip"] = pd.Series(column, index=values.index, dtype=object)


def _check_counties(file: CheckedFile, present: np.ndarray, areas: np.ndarray) -> None:
    """A ZIP row's county_fips must be the county its ZIP area lies in."""
    counties = zip_areas.cell_counties()
    given = file.values["county_fips"].to_numpy(object)[present]
    actual = np.array([counties.get(a) if a is not None else None for a in areas],
                      dtype=object)
    wrong = pd.notna(actual) & pd.notna(given) & (actual != given)
    at = dict(zip(present, zip(areas, actual, given, strict=True), strict=True))
    file.report.row_problems("county_fips", present[wrong], lambda p: _(
        "ZIP area {zip} lies in county {county}, not {given}").format(
            zip=at[p][0], county=at[p][1], given=at[p][2]), _("ZIP in another county"))
