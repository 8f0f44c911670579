"""The first-run path: from accounts and deals alone to a plan with
territories, reps and quotas.

A dataset may start with accounts and opportunities only (one orders file).
:func:`checklist` says which of the three steps are still to do; each step
builds DATA_FORMAT.md tables of text that go through the ordinary import
(:func:`dashboard.ingest.service.import_read`), so every rule applies and
nothing is written unless all of it is valid.

1. **Territories** (:func:`starter_territories`): one per state or one per
   Census region holding an account, every county of those states or regions
   aligned to it. The design engine's from-scratch mode plugs in beside them
   through :data:`STARTS` (a start is ``accounts -> (territories, alignment)``
   text frames; ``dashboard.design`` may not be imported from here, so the
   web layer registers it).
2. **Reps** (:func:`starter_reps`): one placeholder rep per territory for the
   leader to name; their sign-in accounts are made in the same step
   (``dashboard.access.users.add_rep_accounts``).
3. **Quotas** (:func:`suggest_quotas`): per territory and quarter of a year,
   from history (the same quarter a year earlier × (1 + growth)) or a company
   target split by a blend of potential and history; the leader edits and
   approves them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from dashboard.geo import us_atlas
from dashboard.ingest import areas
from dashboard.ingest.mapping import OwnUnits
from dashboard.ingest.reading import ReadFiles
from dashboard.ingest.service import ImportResult, import_read
from dashboard.storage.schema import TABLES

STATE, REGION = "state", "region"
#: the starts on a layer of one's own: one territory per parent of the units holding
#: accounts (a région over its départements), or per unit holding accounts
PARENT, UNIT = "parent", "unit"
HISTORY, TARGET = "history", "target"


@dataclass(frozen=True)
class Checklist:
    """Where a dataset stands on the first-run path (counts of stored rows)."""

    accounts: int
    territories: int
    reps: int
    quotas: int

    @property
    def needed(self) -> bool:
        """Whether the first-run checklist is shown: accounts without a whole plan."""
        return self.accounts > 0 and not (self.territories and self.reps and self.quotas)

    @property
    def next_step(self) -> str | None:
        """"territories", "reps", "quotas" or None when all are done."""
        if not self.territories:
            return "territories"
        if not self.reps:
            return "reps"
        if not self.quotas:
            return "quotas"
        return None


def checklist(accounts: int, territories: int, reps: int, quotas: int) -> Checklist:
    return Checklist(int(accounts), int(territories), int(reps), int(quotas))


# -- step 1: territories ---------------------------------------------------------


def starter_territories(accounts: pd.DataFrame, by: str = STATE
                        ) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """One territory per state (``by="state"``) or per Census region
    (``"region"``) that holds at least one of ``accounts`` (by ``county_fips``),
    with every county of it aligned to it.

    Returns (territories, alignment, unaligned states): text frames in
    DATA_FORMAT.md columns, and the names of the states left without a
    territory (no account there), sorted. A state's territory is named after
    the state and its id is the state's postal code; a region's territory is
    the region (id upper-case). Each territory's region is its Census region.
    """
    counties = areas.counties()
    states = us_atlas.load_states()["name"]
    held = counties.loc[counties.index.intersection(accounts["county_fips"].dropna().astype(str))]
    if by == REGION:
        chosen = sorted(set(held["region"]))
        aligned = counties[counties["region"].isin(chosen)]
        territory_of = aligned["region"].str.upper()
        territories = pd.DataFrame({"territory_id": [r.upper() for r in chosen],
                                    "territory_name": chosen, "region": chosen})
    else:
        chosen = sorted(set(held["state_abbr"]))
        aligned = counties[counties["state_abbr"].isin(chosen)]
        territory_of = aligned["state_abbr"]
        first = aligned.drop_duplicates("state_abbr").set_index("state_abbr")
        territories = pd.DataFrame({
            "territory_id": chosen,
            "territory_name": [states.get(first.at[s, "state_fips"], s) for s in chosen],
            "region": [first.at[s, "region"] for s in chosen]})
    alignment = pd.DataFrame({"county_fips": aligned.index.astype(str),
                              "territory_id": territory_of.to_numpy()})
    left = counties[~counties.index.isin(aligned.index)]
    unaligned = sorted({states.get(f, f) for f in left["state_fips"]})
    return territories, alignment.reset_index(drop=True), unaligned


#: How a first plan's territories can be drawn: name -> ``accounts ->
#: (territories, alignment, unaligned states)``. The design engine's
#: from-scratch mode is added here by the web layer when it is wired.
STARTS: dict[str, Callable[[pd.DataFrame], tuple[pd.DataFrame, pd.DataFrame, list[str]]]] = {
    STATE: lambda accounts: starter_territories(accounts, STATE),
    REGION: lambda accounts: starter_territories(accounts, REGION),
}


def layer_territories(accounts: pd.DataFrame, units: OwnUnits, by: str = PARENT
                      ) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """On a layer of one's own: one territory per parent holding at least one of
    ``accounts`` (``by="parent"``; its id and name the parent's id, its region the
    same, every unit of that parent aligned) or per unit holding one (``"unit"``; its
    id the unit's, named after it, its region the unit's parent, else the layer).
    Returns the frames as :func:`starter_territories` does, and the units left without
    a territory (no account there), in the layer's order."""
    held = set(accounts["county_fips"].dropna().astype(str))
    parents = list(units.parents) or [None] * len(units.ids)
    names = list(units.names) or list(units.ids)
    if by == PARENT:
        chosen = list(dict.fromkeys(p for uid, p in zip(units.ids, parents, strict=True)
                                    if p is not None and uid in held))
        territory_of = {uid: p for uid, p in zip(units.ids, parents, strict=True)
                        if p in chosen}
        territories = pd.DataFrame({"territory_id": chosen, "territory_name": chosen,
                                    "region": chosen})
    else:
        rows = [(uid, name, parent or units.label) for uid, name, parent
                in zip(units.ids, names, parents, strict=True) if uid in held]
        territory_of = {uid: uid for uid, _name, _region in rows}
        territories = pd.DataFrame(rows, columns=["territory_id", "territory_name", "region"])
    alignment = pd.DataFrame({"county_fips": list(territory_of),
                              "territory_id": list(territory_of.values())}, dtype=object)
    return (territories.astype(object), alignment,
            [uid for uid in units.ids if uid not in territory_of])


def starts(units: OwnUnits | None) -> dict[str, Callable[
        [pd.DataFrame], tuple[pd.DataFrame, pd.DataFrame, list[str]]]]:
    """The starts offered for the data's units: :data:`STARTS` on the US layers; on a
    layer of one's own, by parent (when its units have parents) and by unit."""
    if units is None:
        return STARTS
    offered = [PARENT] if any(p is not None for p in units.parents) else []
    return {by: (lambda accounts, by=by: layer_territories(accounts, units, by))
            for by in [*offered, UNIT]}


# -- step 2: reps ----------------------------------------------------------------


def rep_id_for(territory_id: str) -> str:
    return f"R-{territory_id}"


def username_for(rep_id: str) -> str:
    """A rep's sign-in name: the rep id in lower case (as the demo's ``r046``)."""
    return str(rep_id).lower()


def starter_reps(territories: pd.DataFrame) -> list[dict]:
    """One rep row per territory without an owner, for the leader to name:
    ``rep_id``, ``territory_id``, ``territory_name``, and blank ``rep_name``
    and ``email`` (the leader's to fill; a row left without a name is left
    out, its territory stays unassigned)."""
    return [{"rep_id": rep_id_for(t.territory_id), "territory_id": t.territory_id,
             "territory_name": t.territory_name, "rep_name": "", "email": ""}
            for t in territories.itertuples(index=False)]


def reps_table(rows: list[dict]) -> pd.DataFrame:
    """The named rows of the reps grid as a reps.csv table of text (rows
    with neither a name nor an e-mail are left out; one with only one of
    them goes to the import, which says which is missing)."""
    named = [r for r in rows if str(r.get("rep_name") or "").strip()
             or str(r.get("email") or "").strip()]
    return pd.DataFrame(
        [{"rep_id": str(r["rep_id"]).strip(), "rep_name": str(r.get("rep_name") or "").strip(),
          "email": str(r.get("email") or "").strip(), "territory_id": str(r["territory_id"])}
         for r in named], columns=["rep_id", "rep_name", "email", "territory_id"])


# -- step 3: quotas --------------------------------------------------------------


def quarters_of(year: int) -> list[str]:
    return [f"{year}Q{q}" for q in range(1, 5)]


def _won_by_territory(opportunities: pd.DataFrame, territory_of: pd.Series) -> pd.DataFrame:
    """Won deals with their account's territory and their quarter label."""
    won = opportunities[opportunities["status"] == "won"]
    closed = pd.to_datetime(won["close_on"])
    return pd.DataFrame({"territory_id": won["account_id"].map(territory_of).to_numpy(object),
                         "amount": won["amount"].astype(float).to_numpy(),
                         "quarter": closed.dt.to_period("Q").astype(str).to_numpy(),
                         "year": closed.dt.year.to_numpy()})


def _cents(values: np.ndarray) -> np.ndarray:
    return np.round(values.astype(float), 2)


def _split(total: float, shares: np.ndarray) -> np.ndarray:
    """``total`` split by ``shares`` (summing to 1) to the cent, the
    remainder on the last, so the parts add up to the total exactly in cents."""
    parts = _cents(total * shares)
    if len(parts):
        parts[-1] = round(round(total, 2) - float(parts[:-1].sum()), 2)
    return parts


def suggest_quotas(territories: pd.DataFrame, accounts: pd.DataFrame,
                   opportunities: pd.DataFrame, territory_of: pd.Series, year: int,
                   method: str = HISTORY, growth: float = 0.1, target: float = 0.0,
                   potential_weight: float = 0.5) -> pd.DataFrame:
    """Suggested quotas of each territory for the four quarters of ``year``:
    a frame indexed by territory_id, one column per quarter (``2026Q1``…).

    ``history``: the territory's won bookings in the same quarter of the year
    before × (1 + ``growth``), to the cent (0 without bookings then).
    ``target``: the company's annual ``target`` in four equal quarters (to
    the cent, the remainder on Q4), each split between the territories by
    ``potential_weight`` × their share of the accounts' annual potential +
    (1 − ``potential_weight``) × their share of the year before's won
    bookings (a measure with no total drops out: the other takes its weight),
    to the cent with the remainder on the last territory, so the quotas add
    up to the target exactly. Territories are taken from ``territories``;
    ``territory_of`` (index account_id) is each account's territory today, as
    the analysis frames place it (override, else its ZIP's row, else its
    county's): reading the alignment table here again took a ZIP row of a
    mixed alignment for a second row of its county.
    """
    ids = list(territories["territory_id"])
    quarters = quarters_of(year)
    territory_of = territory_of.astype(object)
    won = _won_by_territory(opportunities, territory_of)
    if method == HISTORY:
        before = won[won["year"] == year - 1]
        by_quarter = before.assign(q=before["quarter"].str[-1]).pivot_table(
            index="territory_id", columns="q", values="amount", aggfunc="sum")
        table = pd.DataFrame(index=pd.Index(ids, name="territory_id"))
        for label in quarters:
            quarter = label[-1]
            last_year = (by_quarter[quarter] if quarter in by_quarter
                         else pd.Series(dtype=float)).reindex(ids).fillna(0.0)
            table[label] = _cents(last_year.to_numpy() * (1 + growth))
        return table
    history = won[won["year"] == year - 1].groupby("territory_id")["amount"].sum()
    history = history.reindex(ids).fillna(0.0).to_numpy()
    potential = accounts.assign(t=accounts["account_id"].map(territory_of)).groupby(
        "t")["annual_potential"].sum().reindex(ids).fillna(0.0).to_numpy(float)
    weights = {"potential": potential_weight if potential.sum() > 0 else 0.0,
               "history": (1 - potential_weight) if history.sum() > 0 else 0.0}
    if not sum(weights.values()):
        shares = np.full(len(ids), 1 / len(ids)) if ids else np.array([])
    else:
        total_weight = sum(weights.values())
        shares = np.zeros(len(ids))
        if weights["potential"]:
            shares += weights["potential"] / total_weight * potential / potential.sum()
        if weights["history"]:
            shares += weights["history"] / total_weight * history / history.sum()
    quarter_targets = _split(target, np.full(4, 0.25))
    table = pd.DataFrame(index=pd.Index(ids, name="territory_id"))
    for label, quarter_target in zip(quarters, quarter_targets, strict=True):
        table[label] = _split(float(quarter_target), shares)
    return table


def quotas_table(rows: list[dict], quarters: list[str]) -> pd.DataFrame:
    """The quotas grid (one row per territory, one column per quarter) as a
    quotas.csv table of text; blank cells are left out."""
    records = []
    for row in rows:
        for quarter in quarters:
            value = row.get(quarter)
            if value is None or str(value).strip() == "":
                continue
            records.append({"territory_id": str(row["territory_id"]), "period": quarter,
                            "amount": str(value).strip()})
    return pd.DataFrame(records, columns=["territory_id", "period", "amount"])


# -- the data's own date -----------------------------------------------------------


def last_activity(opportunities: pd.DataFrame):
    """The as-of date a dataset without one defaults to: its last activity,
    the latest created date of any deal or close date of a won or lost one
    (an open deal's close date is a forecast, not activity). None without
    any date. Dates may be ISO text or datetimes."""
    if opportunities.empty:
        return None
    created = pd.to_datetime(opportunities["created_on"], errors="coerce")
    closed = opportunities["status"].astype(str).str.lower().isin(["won", "lost"])
    close = pd.to_datetime(opportunities["close_on"], errors="coerce").where(closed)
    latest = pd.concat([created, close]).max()
    return None if pd.isna(latest) else latest.date()


# -- the company before its territories ------------------------------------------


def company_summary(accounts: pd.DataFrame, opportunities: pd.DataFrame, as_of: date) -> dict:
    """What the map page shows of the company before any territory exists:
    accounts, customers (accounts with a won deal closed on or before
    ``as_of``), won bookings and deals in the 12 months to ``as_of`` (after
    ``as_of`` − 12 months, up to and including it) and in the 12 months
    before those, and the open pipeline's amount."""
    end = pd.Timestamp(as_of)
    start, before = end - pd.DateOffset(months=12), end - pd.DateOffset(months=24)
    close = pd.to_datetime(opportunities["close_on"])
    won = opportunities["status"] == "won"
    last = won & (close > start) & (close <= end)
    prior = won & (close > before) & (close <= start)
    return {
        "accounts": len(accounts),
        "customers": int(opportunities.loc[won & (close <= end), "account_id"].nunique()),
        "bookings": float(opportunities.loc[last, "amount"].sum()),
        "won_deals": int(last.sum()),
        "prior_bookings": float(opportunities.loc[prior, "amount"].sum()),
        "open_pipeline": float(opportunities.loc[opportunities["status"] == "open",
                                                 "amount"].sum()),
    }


# -- saving a step -------------------------------------------------------------------


def save(engine: Engine, tables: dict[str, pd.DataFrame], actor: str,
         as_of: date | None = None) -> ImportResult:
    """A step's tables (text, DATA_FORMAT.md columns) imported over the stored
    data like any import: every rule checked, all or nothing, a new data
    version. ``as_of`` alone (no tables) changes the data's own as-of date."""
    for name, frame in tables.items():
        frame.attrs["file"] = TABLES[name].file_name
    return import_read(engine, ReadFiles(tables=dict(tables), as_of=as_of),
                       [TABLES[name].file_name for name in tables], actor)
