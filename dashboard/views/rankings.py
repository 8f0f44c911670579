"""View models of the attainment and pipeline views, as plain data.

Every METRICS.md KPI here comes from :func:`dashboard.metrics.kpi_table.kpi_table`;
this module only orders its rows, counts open deals by stage (a breakdown of
Open pipeline, not a KPI of its own) and lists overdue open deals, which
METRICS.md does not define: an open deal is *overdue* when its expected
close date is before the as-of date.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date

import numpy as np
import pandas as pd

from dashboard.i18n.translation import N_, _
from dashboard.metrics.frames import Frames, has_history, territories_on
from dashboard.metrics.kpi_table import kpi_table
from dashboard.metrics.periods import Period, quarter_label, quarter_of, to_day
from dashboard.storage.schema import OPEN_STAGES

#: default healthy pipeline coverage (issue 4: "a configurable healthy line, default 3×")
HEALTHY_COVERAGE = 3.0
HEALTHY_BOUNDS = (0.5, 10.0)

#: how the product's own stages (schema.OPEN_STAGES) read on screen; the stored
#: stage stays as imported, and a stage outside this vocabulary shows as is
STAGE_LABELS = {
    "Prospecting": N_("Prospecting"),
    "Qualification": N_("Qualification"),
    "Proposal": N_("Proposal"),
    "Negotiation": N_("Negotiation"),
    "Closed Won": N_("Closed Won"),
    "Closed Lost": N_("Closed Lost"),
}


def stage_label(stage) -> str:
    """A stage as shown, in the request's language (data stages pass through)."""
    label = STAGE_LABELS.get(stage)
    return _(label) if label else str(stage)


def ranked(table: pd.DataFrame, key: str, ascending: bool = False) -> pd.DataFrame:
    """Rows ordered by ``key`` (best first unless ``ascending``), missing last, ties by id."""
    ordered = table.sort_values(["id"], kind="stable")
    ordered = ordered.sort_values(key, ascending=ascending, na_position="last", kind="stable")
    return ordered.reset_index(drop=True)


def healthy_line(value, default: float = HEALTHY_COVERAGE) -> float:
    """The coverage line a user typed, clamped to a sane range; junk reads as the default."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    if not np.isfinite(number):
        return default
    low, high = HEALTHY_BOUNDS
    return min(max(number, low), high)


def with_territory(frames: Frames, table: pd.DataFrame, level: str) -> pd.DataFrame:
    """Adds ``territory_id`` (what a click opens) and ``territory_name`` to a kpi_table.

    A territory opens itself, a rep the territory they own, a region nothing.
    """
    out = table.copy()
    if level == "territory":
        out["territory_id"] = out["id"]
    elif level == "rep":
        out["territory_id"] = out["id"].map(frames.reps["territory_id"])
    else:
        out["territory_id"] = None
    names = frames.territories["territory_name"]
    out["territory_name"] = out["territory_id"].map(names)
    out["territory_id"] = out["territory_id"].astype("object").where(
        out["territory_id"].notna(), None)
    out["territory_name"] = out["territory_name"].astype("object").where(
        out["territory_name"].notna(), None)
    return out


def drill_target(frames: Frames, level: str, entity_id) -> str | None:
    """The territory a click on an entity opens; None for a region or an unknown id."""
    if not isinstance(entity_id, str):
        return None
    if level == "territory" and entity_id in frames.territories.index:
        return entity_id
    if level == "rep" and entity_id in frames.reps.index:
        territory = frames.reps.at[entity_id, "territory_id"]
        return territory if isinstance(territory, str) else None
    return None


# --- attainment by quarter --------------------------------------------------


def closed_quarters(as_of: date, count: int = 8) -> list[str]:
    """Labels of the ``count`` calendar quarters that ended before the as-of quarter."""
    year, quarter = quarter_of(as_of)
    labels = []
    for _step in range(count):
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
        labels.append(quarter_label(year, quarter))
    return labels[::-1]


def attainment_by_quarter(
    frames: Frames, quarters: Sequence[str], segment: str | None,
    restated_on: date | None = None,
) -> pd.DataFrame:
    """Attainment of every territory (rows, by id) in each quarter (columns).

    One kpi_table call per quarter; a closed quarter's attainment does not
    depend on the as-of date, so the quarter's own end is used for it. As
    credited (METRICS.md), unless ``restated_on``: then every quarter is
    restated under the alignment in force on that day (the view's as-of).
    """
    columns = {}
    names = None
    for label in quarters:
        period = Period.parse(label)
        table = kpi_table(frames, period, period.end, "territory", segment=segment,
                          restated=restated_on is not None, restate_on=restated_on)
        columns[label] = table.set_index("id")["attainment"]
        names = table.set_index("id")["name"]
    out = pd.DataFrame(columns)
    if names is not None:
        out.insert(0, "name", names)
    return out


# --- pipeline ---------------------------------------------------------------


def open_deals(frames: Frames, day: int | None = None) -> pd.DataFrame:
    """Every open opportunity with what the pipeline view shows and filters on.

    A few thousand rows instead of every opportunity, so a view can memoize
    it per data version and filter it on each change in a millisecond. Each
    deal is in its account's territory under the latest alignment, or on
    ``day`` when given (:func:`deals_on`).
    """
    deals = _open_deals(frames)
    return deals if day is None else deals_on(frames, deals, day)


def deals_on(frames: Frames, deals: pd.DataFrame, day: int) -> pd.DataFrame:
    """``deals`` (from :func:`open_deals`) each in its account's territory on
    ``day``: METRICS.md "As credited" counts open pipeline for the territory
    on E, and so does the restated reading (the alignment in force on E).
    One array index per request; the deals themselves as they were without
    alignment history."""
    if not has_history(frames) or _ACCOUNT not in deals:
        return deals
    codes = np.append(territories_on(frames, day), -1)[deals[_ACCOUNT].to_numpy()]
    categories = frames.accounts["territory_id"].dtype.categories
    ids = np.append(categories.to_numpy(object), None)[codes]
    names = frames.territories["territory_name"].reindex(categories).to_numpy(object)
    out = deals.copy()
    out["territory_id"] = ids
    out["territory_name"] = np.append(names, None)[codes]
    out[_CODE] = codes
    out.attrs[_CATEGORIES] = categories
    return out


def _open_deals(frames: Frames) -> pd.DataFrame:
    opps = frames.opportunities
    opps = opps[opps["status"] == "open"]
    accounts = frames.accounts
    deals = pd.DataFrame({
        "opportunity_id": opps["opportunity_id"].astype(str).to_numpy(),
        "account_name": opps["account_id"].map(accounts["account_name"]).to_numpy(),
        "segment": opps["account_id"].map(accounts["segment"]).to_numpy(),
        "territory_id": opps["territory_id"].to_numpy(),
        "territory_name": opps["territory_id"].map(
            frames.territories["territory_name"]).to_numpy(),
        "amount": opps["amount"].to_numpy(dtype="float64"),
        "weighted": (opps["amount"] * opps["probability"]).to_numpy(dtype="float64"),
        "stage": opps["stage"].astype(str).to_numpy(),
        "close_on": opps["close_on"].to_numpy(dtype="float64"),
    })
    # the overdue list's order, computed once: a request then sorts one integer
    order = deals.sort_values(["close_on", "amount", "opportunity_id"],
                              ascending=[True, False, True], kind="stable").index
    rank = np.empty(len(deals), np.int64)
    rank[order.to_numpy()] = np.arange(len(deals))
    deals[_RANK] = rank
    deals[_ACCOUNT] = accounts.index.get_indexer(opps["account_id"].astype(object))
    territory = opps["territory_id"]
    if isinstance(territory.dtype, pd.CategoricalDtype):
        deals[_CODE] = territory.cat.codes.to_numpy()
        deals.attrs[_CATEGORIES] = territory.cat.categories
    return deals


_RANK, _CODE, _CATEGORIES = "_overdue_rank", "_territory_code", "territory_categories"
_ACCOUNT = "_account_position"


def _scoped(deals: pd.DataFrame, territory_ids: Iterable[str], segment: str | None):
    """The same scope rule as kpi_table: the territories, then the account's segment."""
    categories = deals.attrs.get(_CATEGORIES)
    if categories is not None and _CODE in deals:
        # integer codes instead of hashing every deal's territory id
        wanted = np.zeros(len(categories) + 1, bool)
        positions = categories.get_indexer(list(territory_ids))
        wanted[positions[positions >= 0]] = True
        keep = pd.Series(wanted[deals[_CODE].to_numpy()], index=deals.index)
    else:
        keep = deals["territory_id"].isin(list(territory_ids))
    if segment is not None:
        keep &= deals["segment"] == segment
    return deals[keep]


def stage_funnel(
    deals: pd.DataFrame, territory_ids: Iterable[str], segment: str | None, period: Period
) -> pd.DataFrame:
    """Open deals (from :func:`open_deals`) closing in P, by stage: deals, amount, weighted.

    The amounts add up to the scope's Open pipeline and Weighted pipeline
    (METRICS.md); stages follow the sales process, unknown ones last.
    """
    rows = _scoped(deals, territory_ids, segment)
    rows = rows[(rows["close_on"] >= period.start_day) & (rows["close_on"] <= period.end_day)]
    grouped = rows.groupby("stage", sort=False).agg(
        deals=("amount", "size"), amount=("amount", "sum"), weighted=("weighted", "sum"))
    extra = sorted(s for s in grouped.index if s not in OPEN_STAGES)
    stages = list(OPEN_STAGES) + extra
    out = grouped.reindex(stages, fill_value=0).rename_axis("stage").reset_index()
    out["deals"] = out["deals"].astype("int64")
    return out


def overdue_deals(
    deals: pd.DataFrame, territory_ids: Iterable[str], segment: str | None, as_of: date,
) -> pd.DataFrame:
    """Open deals whose expected close date is before the as-of date, oldest first.

    Columns: opportunity_id, account_name, territory_id, territory_name,
    amount, stage, close_date (ISO), days_overdue.
    """
    return _overdue_rows(_late(deals, territory_ids, segment, as_of), as_of, None)


def overdue_summary(deals: pd.DataFrame, territory_ids: Iterable[str], segment: str | None,
                    as_of: date, oldest: int) -> dict:
    """What a view shows of the overdue deals without building a row for each
    (~100k at size L): the ``oldest`` few as rows, the count and amount, and
    per territory of ``territory_ids`` (``aging_by_territory``)."""
    late = _late(deals, territory_ids, segment, as_of)
    return {"oldest": _overdue_rows(late, as_of, oldest), "count": len(late),
            "amount": float(late["amount"].sum()),
            "by_territory": aging_by_territory(late, territory_ids)}


def _late(deals: pd.DataFrame, territory_ids: Iterable[str], segment: str | None,
          as_of: date) -> pd.DataFrame:
    rows = _scoped(deals, territory_ids, segment)
    return rows[rows["close_on"] < to_day(as_of)]


def _overdue_rows(late: pd.DataFrame, as_of: date, limit: int | None) -> pd.DataFrame:
    today = to_day(as_of)
    if _RANK in late:
        # most days overdue = earliest close day: the precomputed order is this sort's
        late = late.iloc[np.argsort(late[_RANK].to_numpy(), kind="stable")[:limit]]
    out = late[["opportunity_id", "account_name", "territory_id", "territory_name", "amount",
                "stage"]].copy()
    # day numbers count from 1970-01-01, numpy's own epoch: ISO text in one call
    days = late["close_on"].to_numpy(dtype="float64").astype("int64")
    out["close_date"] = np.datetime_as_string(days.astype("datetime64[D]")).astype(object)
    out["days_overdue"] = (today - late["close_on"]).astype("int64")
    if _RANK in late:
        return out.reset_index(drop=True)
    return out.sort_values(["days_overdue", "amount", "opportunity_id"],
                           ascending=[False, False, True], kind="stable"
                           ).head(limit).reset_index(drop=True)


def aging_by_territory(overdue: pd.DataFrame, territory_ids: Iterable[str]) -> pd.DataFrame:
    """Overdue deal count and amount per territory, zero for territories without any."""
    ids = pd.Index(list(territory_ids), name="id")
    grouped = overdue.groupby("territory_id").agg(
        overdue_count=("amount", "size"), overdue_amount=("amount", "sum"))
    out = grouped.reindex(ids, fill_value=0).reset_index()
    out["overdue_count"] = out["overdue_count"].astype("int64")
    out["overdue_amount"] = out["overdue_amount"].astype("float64")
    return out


def grid_records(table: pd.DataFrame, columns: Sequence[str]) -> list[dict]:
    """Rows for a table widget: missing and non-finite values become None (JSON null)."""
    return json.loads(table.loc[:, list(columns)].to_json(orient="records", double_precision=15))


def deal_territory(frames: Frames, opportunity_id, day: int | None = None,
                   restated: bool = False) -> str | None:
    """The territory an opportunity counts for (METRICS.md "As credited"); None
    for an unknown id.

    A won or lost deal counts, as credited, for its account's territory on its
    close date, or, ``restated``, for its account's on ``day``. An open deal
    counts for its account's territory on ``day`` in either reading: the
    territory the pipeline view lists it under (its overdue list reads the
    as-of date). Without a ``day``, the latest alignment."""
    if not isinstance(opportunity_id, str):
        return None
    opps = frames.opportunities
    found = np.flatnonzero((opps["opportunity_id"] == opportunity_id).to_numpy())
    if not len(found):
        return None
    deal = opps.iloc[found[0]]
    if deal["status"] != "open" and not restated:
        territory = deal.get("credited_territory_id", deal["territory_id"])
    elif day is not None and has_history(frames):
        account = frames.accounts.index.get_indexer([deal["account_id"]])[0]
        code = territories_on(frames, day)[account] if account >= 0 else -1
        categories = frames.accounts["territory_id"].dtype.categories
        territory = categories[code] if code >= 0 else None
    else:
        territory = deal["territory_id"]
    return territory if isinstance(territory, str) else None
