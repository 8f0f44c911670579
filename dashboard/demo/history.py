"""The demo's alignment history: one realignment applied about a year before the
as-of date (METRICS.md "Alignment history").

Today's alignment is the balanced one :mod:`dashboard.demo.alignment` designs;
a year earlier a few pairs of neighbouring territories were drawn differently:
some border counties that today belong to one territory of the pair belonged
to the other, and the realignment moved them on the first day of a quarter.
So the data holds dated alignment rows (each moved county's old row from the
beginning, its new row from the change), and reading the past *as credited*
gives the touched territories other figures than *restated*. Both alignments
keep every territory contiguous.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from dashboard.geo.us_atlas import county_adjacency, is_contiguous
from dashboard.metrics.periods import quarter_bounds, quarter_of

#: Share of the receiving territory's potential the realignment gave it, per pair
MOVED_SHARE = (0.08, 0.20)
#: A county holding more of its territory's potential than this stays (its hub)
HUB_SHARE = 0.30
#: Most counties one pair exchanges
MAX_MOVES_PER_PAIR = 8


@dataclass(frozen=True)
class Realignment:
    """Counties that changed territory on ``effective_from`` (today's alignment
    has ``to_territory``; before that date they had ``from_territory``)."""

    effective_from: date
    moves: pd.DataFrame  # county_fips, from_territory, to_territory


def realignment_date(as_of: date) -> date:
    """The first day of the quarter that holds the day one year before ``as_of``."""
    return quarter_bounds(*quarter_of(as_of - timedelta(days=365)))[0]


def _adjacency(water_links) -> dict[str, set[str]]:
    adjacency = {fips: set(near) for fips, near in county_adjacency().items()}
    for a, b in water_links:
        adjacency[a].add(b)
        adjacency[b].add(a)
    return adjacency


def _neighbour_pairs(owner: dict[str, str], region: dict[str, str],
                     adjacency: dict[str, set[str]], exempt: set[str]) -> list[tuple[str, str]]:
    pairs = set()
    for fips, territory in owner.items():
        for near in adjacency[fips]:
            other = owner.get(near)
            if (other and other != territory and region[other] == region[territory]
                    and not {territory, other} & exempt):
                pairs.add(tuple(sorted((territory, other))))
    return sorted(pairs)


def past_realignment(
    alignment: pd.DataFrame, territories: pd.DataFrame, county_potential: pd.Series,
    water_links, exempt: set[str], as_of: date, rng,
) -> Realignment:
    """The realignment a year before ``as_of``: for a few disjoint pairs of
    neighbouring territories of one region (one pair per 20 territories, at
    least one), border counties of the receiving territory that the giving one
    held before, between :data:`MOVED_SHARE` of the receiver's potential, the
    receiver staying contiguous without them."""
    adjacency = _adjacency(water_links)
    owner = dict(zip(alignment["county_fips"], alignment["territory_id"], strict=True))
    region = dict(zip(territories["territory_id"], territories["region"], strict=True))
    potential = county_potential.reindex(alignment["county_fips"]).fillna(0.0)
    members = alignment.groupby("territory_id")["county_fips"].apply(set).to_dict()
    total = {t: potential[list(f)].sum() for t, f in members.items()}
    pairs = _neighbour_pairs(owner, region, adjacency, exempt)
    wanted = max(1, round(len(territories) / 20))
    moves, used = [], set()
    for index in rng.permutation(len(pairs)):
        if len(used) >= 2 * wanted:
            break
        pair = pairs[index]
        if set(pair) & used:
            continue
        giver, receiver = pair if rng.random() < 0.5 else pair[::-1]
        moved = _border_counties(giver, receiver, members, potential, total[receiver],
                                 adjacency)
        if moved:
            used |= set(pair)
            moves += [(fips, giver, receiver) for fips in moved]
    frame = pd.DataFrame(sorted(moves), columns=["county_fips", "from_territory",
                                                 "to_territory"], dtype=object)
    return Realignment(realignment_date(as_of), frame)


def _border_counties(giver, receiver, members, potential, receiver_total, adjacency):
    """Counties of ``receiver`` that ``giver`` held before: its border counties,
    heaviest first, while the moved potential stays under the upper share and
    ``receiver`` stays contiguous; none unless the lower share is reached."""
    low, high = (share * receiver_total for share in MOVED_SHARE)
    keep, held = set(members[receiver]), set(members[giver])
    moved, weight = [], 0.0
    while len(moved) < MAX_MOVES_PER_PAIR and weight < low:
        border = sorted((c for c in keep if adjacency[c] & held),
                        key=lambda c: (-potential[c], c))
        for county in border:
            if (weight + potential[county] <= high and potential[county] <= HUB_SHARE
                    * receiver_total and len(keep) > 1 and is_contiguous(keep - {county},
                                                                         adjacency)):
                keep.discard(county)
                held.add(county)
                moved.append(county)
                weight += potential[county]
                break
        else:
            break  # nothing more can move
    return moved if weight >= low else []


def dated_alignment(alignment: pd.DataFrame, realignment: Realignment) -> pd.DataFrame:
    """DATA_FORMAT.md alignment rows: every county's row from the beginning (its
    territory before the realignment) and, for each moved county, its row from
    the realignment's date."""
    moves = realignment.moves.set_index("county_fips")
    before = alignment["county_fips"].map(moves["from_territory"])
    undated = alignment.assign(
        territory_id=before.where(before.notna(), alignment["territory_id"]),
        effective_from=pd.NaT)
    dated = alignment[alignment["county_fips"].isin(moves.index)].assign(
        effective_from=pd.Timestamp(realignment.effective_from))
    rows = pd.concat([undated, dated], ignore_index=True)
    return rows.sort_values(["county_fips", "effective_from"], na_position="first",
                            kind="stable").reset_index(drop=True)


def territories_before(by_county: np.ndarray, county_fips: pd.Series,
                       realignment: Realignment) -> np.ndarray:
    """Each account's county territory before the realignment, from today's."""
    before = county_fips.map(realignment.moves.set_index("county_fips")["from_territory"])
    return np.where(before.notna(), before.to_numpy(dtype=object), by_county)


def dated_overrides(
    accounts: pd.DataFrame, undated: np.ndarray, by_county: np.ndarray,
    by_county_before: np.ndarray, neighbours: dict[str, list[str]],
    realignment: Realignment, rng, count: int,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Named-account changes made with the realignment, from its date:
    ``count`` of the older named accounts (``undated``, overrides from the
    beginning) go back to their county's territory, and ``count`` big accounts
    of the touched territories go to a neighbouring territory's rep.

    Returns DATA_FORMAT.md overrides.csv rows and each account's territory
    today and before the realignment."""
    before = np.where(pd.notna(undated), undated, by_county_before)
    now = np.where(pd.notna(undated), undated, by_county)
    named = np.flatnonzero(pd.notna(undated))
    ended = rng.choice(named, size=min(count, len(named)), replace=False)
    touched = set(realignment.moves["from_territory"]) | set(realignment.moves["to_territory"])
    big = np.argsort(-accounts["annual_potential"].to_numpy(), kind="stable")
    candidates = [i for i in big[: max(50, len(big) // 50)]
                  if pd.isna(undated[i]) and by_county[i] == by_county_before[i]
                  and by_county[i] in touched and neighbours[by_county[i]]]
    started = candidates[:count]
    given = [neighbours[by_county[i]][rng.integers(len(neighbours[by_county[i]]))]
             for i in started]
    now[ended] = by_county[ended]
    now[started] = given
    when = pd.Timestamp(realignment.effective_from)
    rows = pd.DataFrame({
        "account_id": accounts["account_id"].to_numpy()[np.r_[ended, started].astype(int)],
        "territory_id": np.array([None] * len(ended) + given, dtype=object),
        "effective_from": when,
    })
    return rows.sort_values("account_id", kind="stable").reset_index(drop=True), now, before
