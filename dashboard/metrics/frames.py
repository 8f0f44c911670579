"""Analysis frames: the Dataset reshaped for fast KPI arithmetic.

Ids become categoricals, dates become integer day numbers (NaN = missing) and
every account and opportunity carries the territory it belongs to *under the
alignment being viewed* (METRICS.md: an account's territory is its override
when set, else its county's territory; an opportunity follows its account).
A what-if builds new frames by swapping the alignment, so history moves with
the accounts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from dashboard.metrics.periods import EPOCH, parse_quarter_label, quarter_bounds, to_day
from dashboard.storage.schema import Dataset, merged_stage_probabilities

_EPOCH64 = np.datetime64(EPOCH, "D")


def day_numbers(dates: pd.Series) -> pd.Series:
    """datetime64 column -> float day numbers, NaN where the date is missing."""
    values = pd.to_datetime(dates).to_numpy(dtype="datetime64[D]")
    days = (values - _EPOCH64).astype("timedelta64[D]").astype("float64")
    days[np.isnat(values)] = np.nan
    return pd.Series(days, index=dates.index)


@dataclass(frozen=True)
class Frames:
    """Everything a KPI function reads.

    territories: index territory_id; territory_name, region, rep_id, rep_name
    reps:        index rep_id; rep_name, email, territory_id, home_lat, home_lon
    alignment:   index county_fips; territory_id
    accounts:    index account_id; ..., annual_potential, customer_since and
                 churned_on as day numbers, territory_id (effective)
    opportunities: opportunity_id, account_id, amount, stage, status,
                 created_on, close_on (int day numbers), probability,
                 territory_id (effective, from the account)
    quotas:      territory_id, period, amount, start_day, end_day
    """

    territories: pd.DataFrame
    reps: pd.DataFrame
    alignment: pd.DataFrame
    accounts: pd.DataFrame
    opportunities: pd.DataFrame
    quotas: pd.DataFrame
    #: values derived from these frames alone (``dashboard.metrics.kpi_cube``); not an
    #: init field, so ``dataclasses.replace`` starts a what-if with an empty one
    cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)


def effective_territory(accounts: pd.DataFrame, alignment: pd.Series,
                        territory_ids=None) -> pd.Series:
    """Override when set, else the territory of the account's county.

    With ``territory_ids`` the result is a categorical over them: KPI code
    then groups by integer codes instead of hashing strings per row."""
    by_county = accounts["county_fips"].map(alignment)
    override = accounts["territory_override"]
    effective = override.where(override.notna(), by_county)
    if territory_ids is None:
        return effective
    return pd.Series(pd.Categorical(effective.astype(object), categories=territory_ids),
                     index=accounts.index)


def _follow_accounts(opps: pd.DataFrame, accounts: pd.DataFrame) -> pd.Series:
    """Each opportunity's territory from its account, by position (fast)."""
    territory = accounts["territory_id"]
    position = accounts.index.get_indexer(opps["account_id"].astype(object))
    if isinstance(territory.dtype, pd.CategoricalDtype):
        codes = np.append(territory.cat.codes.to_numpy(), -1)[position]
        return pd.Series(pd.Categorical.from_codes(codes, dtype=territory.dtype),
                         index=opps.index)
    return opps["account_id"].map(territory)


def build_frames(
    dataset: Dataset, stage_probabilities: dict[str, float] | None = None
) -> Frames:
    """The analysis frames of ``dataset``.

    ``stage_probabilities`` is laid over the METRICS.md defaults, not put in
    their place: configuring one stage must not drop every other stage to 0%
    in the weighted pipeline. A stage known to neither counts at 0% (the
    importer warns about such open opportunities).
    """
    probabilities = merged_stage_probabilities(stage_probabilities)

    reps = dataset.reps.set_index("rep_id", drop=False).rename_axis(None)
    owners = (
        dataset.reps.dropna(subset=["territory_id"])
        .drop_duplicates("territory_id")
        .set_index("territory_id")[["rep_id", "rep_name"]]
    )
    territories = dataset.territories.set_index("territory_id", drop=False).rename_axis(None)
    territories = territories.join(owners, how="left")

    alignment_map = dataset.alignment.set_index("county_fips")["territory_id"]

    accounts = dataset.accounts.copy()
    accounts["customer_since"] = day_numbers(accounts["customer_since"])
    accounts["churned_on"] = day_numbers(accounts["churned_on"])
    territory_ids = pd.Index(dataset.territories["territory_id"].astype(object))
    accounts["territory_id"] = effective_territory(accounts, alignment_map, territory_ids)
    accounts = accounts.set_index("account_id", drop=False).rename_axis(None)

    opps = dataset.opportunities.copy()
    opps["created_on"] = day_numbers(opps["created_on"])
    opps["close_on"] = day_numbers(opps["close_on"])
    opps["probability"] = _probabilities(opps, probabilities)
    opps["status"] = opps["status"].astype("category")
    opps["territory_id"] = _follow_accounts(opps, accounts)

    quotas = dataset.quotas.copy()
    bounds = [quarter_bounds(*parse_quarter_label(p)) for p in quotas["period"]]
    quotas["start_day"] = [to_day(b[0]) for b in bounds]
    quotas["end_day"] = [to_day(b[1]) for b in bounds]

    return Frames(
        territories=territories,
        reps=reps,
        alignment=alignment_map.to_frame(),
        accounts=accounts,
        opportunities=opps.reset_index(drop=True),
        quotas=quotas.reset_index(drop=True),
    )


def _probabilities(opps: pd.DataFrame, probabilities: dict[str, float]) -> pd.Series:
    """Stage probability; won is always 1 and lost 0 whatever the stage says."""
    by_stage = opps["stage"].map(probabilities).astype("float64").fillna(0.0)
    by_stage = by_stage.where(opps["status"] != "won", 1.0)
    return by_stage.where(opps["status"] != "lost", 0.0)


def with_alignment(
    frames: Frames, alignment: pd.Series, overrides: pd.Series | None = None
) -> Frames:
    """Frames under another alignment (a what-if): accounts and their
    opportunities follow their new territory; nothing else changes.

    The tables are copied shallowly (one new column each, the rest shared),
    and when ``frames`` carry KPI aggregates the what-if gets them too,
    corrected for the moved accounts only (``kpi_cube_moves.follow``), so its KPIs
    cost what the base's do instead of a scan of every opportunity."""
    from dashboard.metrics import kpi_cube, kpi_cube_build, kpi_cube_moves

    accounts = frames.accounts.copy(deep=False)
    if overrides is not None:
        accounts["territory_override"] = overrides.reindex(accounts.index)
    territory_ids = pd.Index(frames.territories["territory_id"].astype(object))
    opps = frames.opportunities.copy(deep=False)
    agg = kpi_cube.aggregates_of(frames)
    if agg is None or not agg.territory_ids.equals(territory_ids):
        accounts["territory_id"] = effective_territory(accounts, alignment, territory_ids)
        opps["territory_id"] = _follow_accounts(opps, accounts)
        return replace(frames, alignment=alignment.to_frame("territory_id"),
                       accounts=accounts, opportunities=opps)
    codes = kpi_cube_moves.effective_codes(agg, alignment, accounts["territory_override"])
    dtype = pd.CategoricalDtype(territory_ids)
    accounts["territory_id"] = pd.Categorical.from_codes(codes, dtype=dtype)
    opps["territory_id"] = pd.Categorical.from_codes(
        np.append(codes, -1)[agg.opp_account], dtype=dtype)
    moved = replace(frames, alignment=alignment.to_frame("territory_id"), accounts=accounts,
                    opportunities=opps)
    kpi_cube_build.attach(moved, kpi_cube_moves.follow(agg, codes, opps))
    return moved
