"""The ZIP areas of an alignment and their territory, live or under a what-if.

This is what the map reads to draw ZIP units (issue 19): a county expanded into its
ZIP areas, a territory's ZIPs, the ZIPs a scenario moved. One call::

    from dashboard.whatif.zip_units import zip_units
    from dashboard.views.whatif import current_changes

    units = zip_units(frames, current_changes(steps), counties=["06075"])
    units.loc[units["territory_id"] == "T07"]      # a territory's ZIPs among them
    units.loc[units["moved"]]                       # what the scenario moved

``frames`` are the viewer's (a manager's cut holds their region's counties and ZIP
rows only, so nothing of another region comes back), ``changes`` a
:class:`~dashboard.whatif.changeset.Changes` (the what-if history's last step;
``Changes.empty()`` for the live alignment). ZIP ids are those of the approximate
ZIP areas (``dashboard.geo.zip_areas``, the shapes in ``data/geo/zip-cells.json.gz``):
five digits, or ``C`` + FIPS for a county holding no ZIP centre.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from dashboard.geo import zip_areas
from dashboard.metrics.frames import Frames
from dashboard.whatif.changeset import Changes

COLUMNS = ("county_fips", "territory_id", "live_territory_id", "own_row", "moved",
           "accounts")


def zip_units(frames: Frames, changes: Changes | None = None,
              counties: Iterable[str] | None = None) -> pd.DataFrame:
    """Every ZIP area of ``counties`` (default: every county of ``frames``'
    alignment, plus the ZIPs with a ZIP row there), indexed by ZIP id, sorted.

    Columns: ``county_fips``; ``territory_id``, the ZIP's territory under
    ``changes`` (its ZIP move, else its ZIP row, else its county's territory with
    the county moves; None when the county is unaligned); ``live_territory_id``,
    the same without the changes; ``own_row``, whether the ZIP has a ZIP row or a
    ZIP move (False: it follows its county); ``moved``, whether its territory
    differs from the live one; ``accounts``, how many accounts lie in it (their
    own territory may differ: a named-account override comes first).
    A county of ``counties`` outside ``frames`` yields no ZIP.
    """
    changes = changes or Changes.empty()
    county_of = frames.alignment["territory_id"]
    if counties is None:
        counties = county_of.index
    wanted = [c for c in dict.fromkeys(counties) if c in county_of.index]
    cells = zip_areas.cells_in(wanted)
    rows = frames.zip_alignment
    if counties is not None:
        rows = rows.loc[rows["county_fips"].isin(set(wanted)).to_numpy()]
    units = pd.DataFrame({"county_fips": pd.concat([
        cells, rows["county_fips"].astype(object)])})
    units = units[~units.index.duplicated(keep="last")].sort_index()
    units.index.name = "zip"
    county_live = county_of.reindex(units["county_fips"]).to_numpy(object)
    county_now = np.array([changes.county_moves.get(c, t) for c, t in
                           zip(units["county_fips"], county_live, strict=True)], dtype=object)
    own = rows["territory_id"].reindex(units.index).to_numpy(object)
    has_row = pd.notna(own)
    live = np.where(has_row, own, county_live)
    moves = pd.Series(dict(changes.zip_moves), dtype=object).reindex(units.index).to_numpy(object)
    moved_zip = pd.notna(moves)
    now = np.where(moved_zip, moves, np.where(has_row, own, county_now))
    counts = frames.accounts["zip"].value_counts() if "zip" in frames.accounts else None
    units["territory_id"] = now
    units["live_territory_id"] = live
    units["own_row"] = has_row | moved_zip
    units["moved"] = pd.Series(now, dtype=object).ne(pd.Series(live, dtype=object)).to_numpy()
    units["accounts"] = (np.zeros(len(units), dtype=np.int64) if counts is None else
                         counts.reindex(units.index, fill_value=0).to_numpy(np.int64))
    return units[list(COLUMNS)]
