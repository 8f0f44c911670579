"""Analysis frames: the Dataset reshaped for fast KPI arithmetic.

Ids become categoricals, dates become integer day numbers (NaN = missing) and
every account and opportunity carries the territory it belongs to *under the
alignment being viewed* (METRICS.md: an account's territory is its override
when set, else its county's territory; an opportunity follows its account).
A what-if (``dashboard.whatif.changeset.apply``) builds new frames by giving
the moved accounts their new territory, so history moves with the accounts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    #: values derived from these frames alone (see :meth:`derived`); not an init
    #: field, so ``dataclasses.replace`` starts a what-if with an empty one
    cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def derived(self, key, compute):
        """``compute()``, run once per key and kept with these frames, so it is
        forgotten with them: the KPI aggregates, a what-if's row index, the
        before side of a scenario's figures. Only for values that depend on
        these frames and the key alone."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]


def effective_codes(county_codes: np.ndarray, overrides: np.ndarray,
                    territory_ids: pd.Index) -> np.ndarray:
    """METRICS.md effective territory of some accounts, as positions in ``territory_ids``
    (-1 = none): the override when set, else the territory of the account's county.

    ``county_codes`` holds the code of each account's county territory and
    ``overrides`` each account's override (missing = none). The live frames
    and every what-if use this one rule; integer codes let KPI code group
    without hashing a string per row."""
    codes = np.array(county_codes, dtype=np.int64)
    overrides = np.asarray(overrides, dtype=object)
    has_override = pd.notna(overrides)
    codes[has_override] = territory_ids.get_indexer(overrides[has_override])
    return codes


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
    by_county = territory_ids.get_indexer(
        accounts["county_fips"].map(alignment_map).astype(object).to_numpy())
    codes = effective_codes(by_county, accounts["territory_override"].to_numpy(object),
                            territory_ids)
    accounts["territory_id"] = pd.Categorical.from_codes(
        codes, dtype=pd.CategoricalDtype(territory_ids))
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
