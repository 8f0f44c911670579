"""Demo territories: contiguous county clusters balanced on potential.

The recipe is the textbook one a sales-operations analyst would follow by
hand: give each Census region a number of territories in proportion to its
potential, and within the region each state its share of them (a state too
small for one territory of its own gets none); seed each state's territories
where its potential is (weighted k-means on county centroids), then grow the
seeds over the county adjacency graph, always feeding the territory that is
currently smallest: first within the seed's state, then, for the counties
left (the states without a seed of their own), across state lines. Growing
only into adjacent counties is what keeps every territory contiguous; growing
within the state first is what keeps "Salt Lake" out of a territory named
after Anaheim. A territory is named after the biggest city of the state that
holds most of its potential.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.geo.us_atlas import REGIONS, county_adjacency, load_counties

#: States that become one territory each. Hawaii's islands share no border, so
#: it cannot be contiguous; Alaska's boroughs are too remote to split usefully.
WHOLE_STATE_TERRITORIES = {"AK": "Alaska: one territory for the whole state; "
                           "the Aleutian islands share no border with the mainland",
                           "HI": "Hawaii: one territory for the whole state; "
                           "its islands share no border"}

#: Weight of land area against potential when choosing which territory grows
#: next. Without it a territory keeps swallowing empty rural counties (they
#: add no potential) and ends up a thousand miles long.
AREA_WEIGHT = 0.1


@dataclass
class TerritoryPlan:
    alignment: pd.DataFrame  # county_fips, territory_id
    territories: pd.DataFrame  # territory_id, territory_name, region
    #: territory_id -> (city, lat, lon) of its biggest city: rep home bases
    hubs: dict[str, tuple[str, float, float]]
    contiguity_exempt: dict[str, str] = field(default_factory=dict)
    #: island counties joined across water to their nearest neighbour
    water_links: list[tuple[str, str]] = field(default_factory=list)


def aligned_counties() -> pd.DataFrame:
    """The 50 states and DC: Puerto Rico and the island areas stay unaligned."""
    counties = load_counties()
    return counties[counties["region"].notna()]


def allocate(weights: np.ndarray, total: int, minimum: int = 1) -> np.ndarray:
    """Largest-remainder split of ``total`` in proportion to ``weights``."""
    weights = np.asarray(weights, dtype=float)
    base = np.full(len(weights), minimum)
    rest = total - base.sum()
    if rest < 0:
        raise ValueError(f"cannot split {total} into {len(weights)} parts of at least {minimum}")
    share = weights / weights.sum() * rest if weights.sum() > 0 else np.full(len(weights), 0.0)
    counts = np.floor(share).astype(int)
    order = np.argsort(-(share - counts), kind="stable")
    counts[order[: rest - counts.sum()]] += 1
    return base + counts


def _planar(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Roughly equal-distance x/y in degrees: longitude shrinks with latitude."""
    return np.column_stack([lon * np.cos(np.radians(38.0)), lat])


def _weighted_kmeans(xy: np.ndarray, weight: np.ndarray, k: int, rng) -> np.ndarray:
    """Cluster labels of weighted k-means (k-means++ start, Lloyd steps)."""
    first = rng.choice(len(xy), p=weight / weight.sum())
    centres = [xy[first]]
    dist2 = ((xy - centres[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        p = weight * dist2
        centres.append(xy[rng.choice(len(xy), p=p / p.sum())])
        dist2 = np.minimum(dist2, ((xy - centres[-1]) ** 2).sum(axis=1))
    centres = np.array(centres)
    labels = np.zeros(len(xy), dtype=int)
    for _ in range(30):
        labels = ((xy[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
        mass = np.bincount(labels, weights=weight, minlength=k)
        for axis in range(2):
            summed = np.bincount(labels, weights=weight * xy[:, axis], minlength=k)
            centres[:, axis] = np.where(mass > 0, summed / np.maximum(mass, 1e-12),
                                        centres[:, axis])
    return labels


def _seeds(xy: np.ndarray, weight: np.ndarray, k: int, rng) -> list[int]:
    """One distinct seed county per cluster: its heaviest county."""
    labels = _weighted_kmeans(xy, weight, k, rng)
    seeds: list[int] = []
    taken = np.zeros(len(xy), dtype=bool)
    for cluster in range(k):
        members = np.flatnonzero((labels == cluster) & ~taken)
        if len(members) == 0:  # an emptied cluster: take the heaviest free county
            members = np.flatnonzero(~taken)
        pick = members[np.argmax(weight[members])]
        seeds.append(int(pick))
        taken[pick] = True
    return seeds


def _state_seeds(
    states: np.ndarray, xy: np.ndarray, weight: np.ndarray, k: int, rng
) -> list[int]:
    """``k`` seed counties shared among the states by their weight (largest
    remainder; a state whose share rounds to nothing gets no seed, and none
    gets more seeds than it has counties), placed by :func:`_seeds` within
    each state."""
    names = sorted(set(states))
    totals = np.array([weight[states == name].sum() for name in names])
    capacity = np.array([(states == name).sum() for name in names])
    seats = np.zeros(len(names), dtype=int)
    open_ = np.ones(len(names), dtype=bool)
    while True:  # states at their county count keep it; the rest share what is left
        seats[open_] = allocate(totals[open_], k - seats[~open_].sum(), minimum=0)
        full = open_ & (seats >= capacity)
        if not full.any():
            break
        seats[full] = capacity[full]
        open_ &= ~full
    seeds: list[int] = []
    for name, count in zip(names, seats, strict=True):
        if count:
            members = np.flatnonzero(states == name)
            seeds += [int(members[i]) for i in _seeds(xy[members], weight[members],
                                                       int(count), rng)]
    return seeds


def _link_islands(
    fips: list[str], xy: np.ndarray, graph: dict[str, set[str]]
) -> list[tuple[str, str]]:
    """Join every piece of the graph to the nearest county outside it (Nantucket
    to Martha's Vineyard, San Juan to Skagit) until it is one piece."""
    links = []
    while True:
        piece = _component(fips[0], graph)
        if len(piece) == len(fips):
            return links
        inside = np.array([f in piece for f in fips])
        out_idx = np.flatnonzero(~inside)
        in_idx = np.flatnonzero(inside)
        d2 = ((xy[out_idx, None, :] - xy[None, in_idx, :]) ** 2).sum(axis=2)
        a, b = np.unravel_index(np.argmin(d2), d2.shape)
        island, shore = fips[out_idx[a]], fips[in_idx[b]]
        graph[island].add(shore)
        graph[shore].add(island)
        links.append(tuple(sorted((island, shore))))


def _component(start: str, graph: dict[str, set[str]]) -> set[str]:
    seen = {start}
    stack = [start]
    while stack:
        for neighbour in graph[stack.pop()]:
            if neighbour not in seen:
                seen.add(neighbour)
                stack.append(neighbour)
    return seen


def _grow(
    fips: list[str], graph: dict[str, set[str]], seeds: list[int], potential: np.ndarray,
    area: np.ndarray, xy: np.ndarray, states: np.ndarray,
) -> np.ndarray:
    """Territory index of every county, grown from the seeds: the territory
    with the smallest load takes its nearest unassigned neighbour next, first
    only within its seed's state, then anywhere (the counties of states that
    got no seed, or that the state's own territories could not reach)."""
    position = {f: i for i, f in enumerate(fips)}
    neighbours = [[position[n] for n in graph[f]] for f in fips]
    owner = np.full(len(fips), -1)
    unit_potential = max(potential.sum() / len(seeds), 1e-9)
    unit_area = area.sum() / len(seeds)
    owner[seeds] = np.arange(len(seeds))
    load = potential[seeds] / unit_potential + AREA_WEIGHT * area[seeds] / unit_area
    for within_state in (True, False):
        frontier: list[set[int]] = [set() for _ in seeds]
        for county in np.flatnonzero(owner >= 0):
            k = owner[county]
            frontier[k] |= {c for c in neighbours[county] if owner[c] < 0 and (
                not within_state or states[c] == states[seeds[k]])}
        heap = [(load[k], k) for k in range(len(seeds))]
        heapq.heapify(heap)
        while heap:
            _, k = heapq.heappop(heap)
            free = [c for c in frontier[k] if owner[c] < 0]
            if not free:
                continue  # boxed in: it keeps what it has
            seed_xy = xy[seeds[k]]
            nearest = min(free, key=lambda c: (((xy[c] - seed_xy) ** 2).sum(), c))
            owner[nearest] = k
            load[k] += (potential[nearest] / unit_potential
                        + AREA_WEIGHT * area[nearest] / unit_area)
            frontier[k] = {c for c in frontier[k] if owner[c] < 0}
            frontier[k] |= {c for c in neighbours[nearest] if owner[c] < 0 and (
                not within_state or states[c] == states[seeds[k]])}
            heapq.heappush(heap, (load[k], k))
    return owner


class _Namer:
    """Territory names: the biggest city of the state that holds most of the
    territory's potential, and that state ("Dallas TX"); the next biggest when
    another territory already has that name; the biggest county of that state
    ("Elko County NV") when it has no listed city. Lookups are plain dicts,
    built once: a name costs a pass over the territory's counties."""

    def __init__(self, counties: pd.DataFrame, cities: pd.DataFrame, potential: pd.Series):
        self.counties = counties
        self.state = counties["state_abbr"].to_dict()
        self.potential = potential.reindex(counties.index).fillna(0.0).to_dict()
        ranked = cities.sort_values(["population", "city"], ascending=[False, True],
                                    kind="stable").reset_index(drop=True)
        self.cities: dict[str, list[tuple]] = {}
        for rank, row in enumerate(ranked.itertuples()):
            self.cities.setdefault(row.county_fips, []).append((rank, row.city, row.lat, row.lon))
        self.taken: set[str] = set()

    def __call__(self, members: list[str]) -> tuple[str, str, float, float]:
        """(name, hub city, lat, lon) of the territory made of ``members``."""
        by_state: dict[str, list[float]] = {}
        for fips in members:
            weight = by_state.setdefault(self.state[fips], [0.0, 0])
            weight[0] += self.potential[fips]
            weight[1] += 1
        state = max(by_state, key=lambda st: (*by_state[st], st))
        in_state = [f for f in members if self.state[f] == state]
        for _, city, lat, lon in sorted(c for f in in_state for c in self.cities.get(f, ())):
            if self._take(f"{city} {state}"):
                return f"{city} {state}", city, lat, lon
        biggest = self.counties.loc[in_state].sort_values("area_km2", ascending=False)
        for row in biggest.itertuples():
            if self._take(f"{row.name} County {state}"):
                return f"{row.name} County {state}", row.name, row.lat, row.lon
        raise ValueError(f"no free name for a territory in {state}")

    def _take(self, name: str) -> bool:
        if name in self.taken:
            return False
        self.taken.add(name)
        return True


def build_territories(
    county_potential: pd.Series, cities: pd.DataFrame, n_territories: int, rng
) -> TerritoryPlan:
    """Align every county of the 50 states and DC to one of ``n_territories``."""
    if n_territories < len(REGIONS) + len(WHOLE_STATE_TERRITORIES):
        raise ValueError("the demo needs at least 6 territories (4 regions, Alaska, Hawaii)")
    counties = aligned_counties()
    potential = county_potential.reindex(counties.index).fillna(0.0).to_numpy()
    whole = counties["state_abbr"].isin(list(WHOLE_STATE_TERRITORIES)).to_numpy()
    rest = ~whole
    region_potential = [potential[rest & (counties["region"] == r).to_numpy()].sum()
                        for r in REGIONS]
    per_region = allocate(region_potential, n_territories - len(WHOLE_STATE_TERRITORIES))

    adjacency = county_adjacency()
    groups: list[tuple[str, list[str]]] = []  # (region, fips) per territory
    water_links: list[tuple[str, str]] = []
    for region, k in zip(REGIONS, per_region, strict=True):
        mask = rest & (counties["region"] == region).to_numpy()
        fips = counties.index[mask].tolist()
        members = set(fips)
        graph = {f: {n for n in adjacency[f] if n in members} for f in fips}
        xy = _planar(counties["lat"].to_numpy()[mask], counties["lon"].to_numpy()[mask])
        water_links += _link_islands(fips, xy, graph)
        weight = potential[mask] + 0.02 * potential[mask].mean() + 1e-9
        states = counties["state_abbr"].to_numpy()[mask]
        seeds = _state_seeds(states, xy, weight, int(k), rng)
        owner = _grow(fips, graph, seeds, potential[mask],
                      counties["area_km2"].to_numpy()[mask], xy, states)
        clusters: list[list[str]] = [[] for _ in range(int(k))]
        for f, cluster in zip(fips, owner, strict=True):
            clusters[cluster].append(f)
        groups += [(region, members) for members in clusters]
    exempt_states = {}
    for abbr in WHOLE_STATE_TERRITORIES:
        state = counties[counties["state_abbr"] == abbr]
        groups.append((state["region"].iloc[0], state.index.tolist()))
        exempt_states[len(groups) - 1] = abbr

    # Ids read like a map legend: region by region, north to south, west to east.
    lat, lon = counties["lat"].to_numpy(), counties["lon"].to_numpy()
    rows = [counties.index.get_indexer(f) for _, f in groups]
    centre = [(REGIONS.index(r), -round(lat[i].mean(), 1), lon[i].mean())
              for (r, _), i in zip(groups, rows, strict=True)]
    order = sorted(range(len(groups)), key=lambda i: centre[i])
    width = max(2, len(str(len(groups))))
    territory_rows, alignment_rows, hubs, exempt = [], [], {}, {}
    name_of = _Namer(counties, cities, county_potential)
    for number, i in enumerate(order, start=1):
        region, fips = groups[i]
        territory_id = f"T{number:0{width}d}"
        name, city, hub_lat, hub_lon = name_of(fips)
        territory_rows.append((territory_id, name, region))
        alignment_rows += [(f, territory_id) for f in fips]
        hubs[territory_id] = (city, float(hub_lat), float(hub_lon))
        if i in exempt_states:
            exempt[territory_id] = WHOLE_STATE_TERRITORIES[exempt_states[i]]
    territories = pd.DataFrame(territory_rows, columns=["territory_id", "territory_name", "region"],
                               dtype=object)
    alignment = pd.DataFrame(sorted(alignment_rows), columns=["county_fips", "territory_id"],
                             dtype=object)
    return TerritoryPlan(alignment, territories, hubs, exempt, sorted(water_links))
