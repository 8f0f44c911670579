"""The unit layer a dataset runs on (issue 19): counties, ZIP areas, or mixed.

- ``county``: the alignment's units are counties (as always); accounts need no ZIP.
- ``zip``: every account is placed into its approximate ZIP area (by its latitude and
  longitude; an account that already names its ZIP keeps it) and the alignment is
  carried: a ZIP without a row of its own follows its county's rows, so every figure is
  what it was until someone moves a ZIP. The what-if moves ZIP areas.
- ``mixed``: as ``zip``, and the big metros are aligned by ZIP: each ZIP area of a
  county holding more potential than the average territory gets ZIP rows, copies of its
  county's rows (every effective date), so the figures are still unchanged and those
  ZIPs are units of their own. The what-if shows counties and the ZIPs inside them.

- ``layer:NAME``: a leader's own layer (``territory-dashboard layers add``, stored in the
  database: ``dashboard.runtime.custom_layers``). The alignment's and the accounts'
  ``county_fips`` hold the layer's unit ids; switching places every account with a point
  into the unit holding it.

The choice is stored with the data (``app_meta`` key ``units``) by the demo build
(``TD_UNITS`` or ``init-demo --units``) and by ``territory-dashboard units LAYER``,
which switches a stored dataset: :func:`stored_units` is what the app reads.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from dashboard.ingest.mapping import OwnUnits
from dashboard.layers import placement, us_layers
from dashboard.storage import db, unit_layers
from dashboard.storage.schema import Dataset
from dashboard.storage.unit_layers import META_KEY

COUNTY, ZIP, MIXED = "county", "zip", "mixed"
UNITS = (COUNTY, ZIP, MIXED)


def check_units(units: str) -> str:
    """``units`` when it is a unit layer (``layer:NAME`` for one's own); ValueError naming
    the choices."""
    if units not in UNITS and not unit_layers.layer_of(units):
        # i18n: not shown (the command line's and the settings' own words, in English)
        raise ValueError(f"units must be one of {', '.join(UNITS)} or layer:NAME, "
                         f"got {units!r}")
    return units


def stored_units(engine: Engine) -> str:
    """The unit layer of the stored data (``county`` when none was chosen)."""
    value = db.get_meta(engine, META_KEY, COUNTY)
    return value if value in UNITS or unit_layers.layer_of(value) else COUNTY


def store_units(engine: Engine, units: str) -> None:
    """Record the data's unit layer; the data stamp changes with it, so every worker's
    pages read the new layer at their next request (``DataService.geography``)."""
    from dashboard.storage.store import touch_stamp

    with Session(engine) as session, session.begin():
        db.set_meta(session, META_KEY, check_units(units))
        touch_stamp(session)


def own_units(engine: Engine) -> OwnUnits | None:
    """The layer of one's own the stored data runs on, as the mapping step places
    accounts in it (``layers.placement.place_rows``); None on the US layers."""
    from dashboard.runtime import custom_layers

    name = unit_layers.layer_of(db.get_meta(engine, META_KEY))
    if name is None:
        return None
    layer = custom_layers.load_layer(engine, name)
    return OwnUnits(layer.label, tuple(layer.ids), partial(placement.place_rows, layer),
                    tuple(None if pd.isna(p) or p == "" else str(p)
                          for p in layer.units["parent_id"]),
                    tuple(str(n) for n in layer.units["name"]))


def on_units(dataset: Dataset, units: str) -> Dataset:
    """``dataset`` on the unit layer ``units`` (module docstring); a new Dataset,
    the tables it does not change shared."""
    if check_units(units) == COUNTY:
        return dataset
    if unit_layers.layer_of(units):
        # i18n: not shown (a programming error: the command line calls custom_layers)
        raise ValueError("a layer of one's own needs its database: custom_layers.on_layer")
    accounts = place_accounts(dataset.accounts)
    alignment = dataset.alignment
    if units == MIXED:
        alignment = with_metro_zip_rows(alignment, accounts)
    return Dataset(**{**dataset.tables(), "accounts": accounts, "alignment": alignment})


def place_accounts(accounts: pd.DataFrame) -> pd.DataFrame:
    """Each account without a ZIP placed into the ZIP area holding its point (none
    when it has no usable point or lies outside every area)."""
    accounts = accounts.copy()
    if "zip" not in accounts:
        accounts["zip"] = pd.Series(None, index=accounts.index, dtype=object)
    missing = np.flatnonzero(accounts["zip"].isna().to_numpy())
    if len(missing):
        found = placement.place_by_point(
            us_layers.zip_cell_layer(), accounts["lat"].to_numpy("float64")[missing],
            accounts["lon"].to_numpy("float64")[missing], file="accounts.csv")
        column = accounts["zip"].to_numpy(object).copy()
        column[missing] = found.unit_ids.to_numpy(object)
        accounts["zip"] = pd.Series(column, index=accounts.index, dtype=object)
    return accounts


def metro_counties(alignment: pd.DataFrame, accounts: pd.DataFrame) -> list[str]:
    """Counties holding more potential than the average territory does."""
    potential = accounts.groupby("county_fips")["annual_potential"].sum()
    territories = alignment.loc[alignment["zip"].isna() if "zip" in alignment else
                                slice(None), "territory_id"].nunique()
    average = potential.sum() / max(territories, 1)
    return sorted(potential.index[potential > average])


def with_metro_zip_rows(alignment: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """``alignment`` with ZIP rows for every ZIP area of the metro counties, each a copy
    of its county's rows (the county's history carried, so nothing changes)."""
    from dashboard.geo import zip_areas

    if "zip" not in alignment:
        alignment = alignment.assign(zip=pd.Series(None, index=alignment.index, dtype=object))
    county_rows = alignment.loc[alignment["zip"].isna()]
    cells = zip_areas.cells_in(metro_counties(alignment, accounts))
    carried = cells.rename("county_fips").rename_axis("zip").reset_index().merge(
        county_rows.drop(columns="zip"), on="county_fips")
    carried = carried[list(alignment.columns)]
    taken = alignment.loc[alignment["zip"].notna(), ["zip", "effective_from"]]
    if len(taken):  # rows already there win
        key = pd.MultiIndex.from_frame(carried[["zip", "effective_from"]])
        carried = carried[~key.isin(pd.MultiIndex.from_frame(taken))]
    return pd.concat([alignment, carried], ignore_index=True)
