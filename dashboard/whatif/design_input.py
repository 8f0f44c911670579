"""The app's counties as a plain unit graph for the design engine (:mod:`dashboard.design`).

One unit per aligned county: x/y are its centroid in km (equirectangular around
the data's mean latitude, enough for seeding and compactness), its measures are
METRICS.md "Balance and workload" totals of the accounts in it:

- ``potential``: Σ annual potential; ``accounts``: the count;
- ``workload``: the Workload index made additive. METRICS.md's travel estimate
  0.7124 × √(n × A) is not a sum over counties, so each county adds its tangent
  at the mean territory (n̄, Ā): √(nA) ≈ (n·Ā + A·n̄) ÷ (2√(n̄Ā)), exact for a
  territory of mean size and close near balance. Benchmarks report the true
  index of the result (:func:`territory_figures`).

Edges are the shared borders plus the water links; a piece of the graph still cut
off from the rest (the demo's Alaska and Hawaii) gets one link to the nearest
county of the largest piece, and ``added_links`` lists them. Named-account
overrides are counted in their county (the demo has 8 of 20,000 accounts).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from dashboard.design.graph import DesignError, UnitGraph
from dashboard.design.split import Items
from dashboard.i18n.formatting import count, number
from dashboard.i18n.translation import _, ngettext
from dashboard.metrics.balance import (
    DEFAULT_WEIGHTS,
    TRAVEL_CONSTANT,
    WorkloadWeights,
    travel_estimate,
)
from dashboard.metrics.frames import Frames

MEASURES = ("potential", "accounts", "workload")
KM_PER_DEGREE = 111.2


@dataclass(frozen=True)
class CountyInput:
    """The engine's input for the frames' alignment, and how to read its answers."""

    graph: UnitGraph
    territory_ids: pd.Index        # engine territory k is territory_ids[k]
    start: np.ndarray              # engine territory per county, today's alignment
    home_bases: tuple[str, ...]    # per territory: the county of its rep's home (or its centre)
    area: np.ndarray               # km² per county
    added_links: tuple[tuple[str, str], ...]


def _xy(lat: np.ndarray, lon: np.ndarray, scale: float) -> np.ndarray:
    lon = np.where(lon > 0, lon - 360, lon)  # the Aleutians west of the antimeridian
    return np.column_stack([lon * scale * KM_PER_DEGREE, lat * KM_PER_DEGREE])


def centres(counties: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude of each county's centre: the atlas' centroid, except for
    a shape that crosses the antimeridian (Aleutians West: its parts at +179° and
    −179° averaged to −110°, in Montana), whose centroid is taken with its longitudes
    east of 0 moved by −360°."""
    lat = counties["lat"].to_numpy("float64").copy()
    lon = counties["lon"].to_numpy("float64").copy()
    if "geometry" not in counties:
        return lat, lon
    for i, shape in enumerate(counties["geometry"]):
        if shape is None or shape.is_empty:
            continue
        west, _, east, _ = shape.bounds
        if east - west > 180:
            moved = shapely.transform(shape, lambda xy: np.column_stack(
                [np.where(xy[:, 0] > 0, xy[:, 0] - 360, xy[:, 0]), xy[:, 1]]))
            lon[i], lat[i] = moved.centroid.x, moved.centroid.y
    return lat, lon


def _link_pieces(graph: UnitGraph, state: np.ndarray) -> list[tuple[str, str]]:
    """Links joining each cut-off piece to the nearest county outside it (of its own
    state, or parent unit, when it has one), smallest piece first, until the graph is one
    piece."""
    label = graph.components()
    links = []
    while label.max() > 0:
        piece = int(np.argmin(np.bincount(label)))
        members, outside = np.flatnonzero(label == piece), np.flatnonzero(label != piece)
        same_state = outside[np.isin(state[outside], state[members])]
        outside = same_state if len(same_state) else outside
        gap = ((graph.xy[members][:, None, :] - graph.xy[outside][None, :, :]) ** 2).sum(-1)
        a, b = np.unravel_index(int(np.argmin(gap)), gap.shape)
        links.append((graph.ids[members[a]], graph.ids[outside[b]]))
        label[label == piece] = label[outside[b]]
        label = np.unique(label, return_inverse=True)[1]
    return links


def county_input(frames: Frames, counties: pd.DataFrame, adjacency: Mapping[str, Iterable[str]],
                 water_links: Iterable[Iterable[str]] = (),
                 weights: WorkloadWeights = DEFAULT_WEIGHTS) -> CountyInput:
    """The aligned counties of ``frames`` with ``counties`` (us_atlas.load_counties:
    lat, lon, area_km2) and their borders; the territories in the frames' order."""
    fips = pd.Index(frames.alignment.index.astype(object))
    where = counties.reindex(fips)
    accounts = frames.accounts
    county = fips.get_indexer(accounts["county_fips"].astype(object))
    known = county >= 0
    n = np.bincount(county[known], minlength=len(fips)).astype(float)
    potential = np.bincount(county[known], minlength=len(fips),
                            weights=accounts["annual_potential"].to_numpy("float64")[known])
    area = where["area_km2"].fillna(0.0).to_numpy("float64")
    tids = pd.Index(frames.territories["territory_id"].astype(object))
    k = len(tids)
    n_bar, a_bar = n.sum() / k, area.sum() / k
    travel = TRAVEL_CONSTANT * (n * a_bar + area * n_bar) / (2 * np.sqrt(n_bar * a_bar))
    workload = weights.accounts * n + weights.travel_km * travel + weights.potential * potential
    lat, lon = centres(where)
    scale = float(np.cos(np.radians(np.nanmean(lat))))
    xy = _xy(lat, lon, scale)
    edges = [(a, b) for a in fips for b in adjacency.get(a, ())]
    edges += [tuple(pair) for pair in water_links]
    edges = [(a, b) for a, b in edges if a in fips and b in fips]
    measures = np.column_stack([potential, n, workload])
    graph = UnitGraph.build(list(fips), xy, measures, edges, MEASURES)
    # a county's state; a layer of one's own gives its units' parent there (no FIPS prefix)
    state = (where["state_fips"].astype(object).fillna("").to_numpy() if "state_fips" in where
             else np.array([u[:2] for u in fips], dtype=object))
    added = _link_pieces(graph, state)
    if added:
        graph = UnitGraph.build(list(fips), xy, measures, edges + added, MEASURES)
    start = tids.get_indexer(frames.alignment["territory_id"].astype(object))
    return CountyInput(graph, tids, start, _home_bases(frames, tids, graph, start, scale),
                       area, tuple(added))


def _home_bases(frames: Frames, tids: pd.Index, graph: UnitGraph, start: np.ndarray,
                scale: float) -> tuple[str, ...]:
    """Per territory, the county nearest its rep's home (or its counties' centre when
    vacant), never the same county twice."""
    reps = frames.reps.dropna(subset=["territory_id"]).drop_duplicates("territory_id")
    home = reps.set_index("territory_id").reindex(tids)
    xy = _xy(home["home_lat"].to_numpy("float64"), home["home_lon"].to_numpy("float64"), scale)
    bases: list[str] = []
    taken: set[int] = set()
    for k in range(len(tids)):
        own = np.flatnonzero(start == k)
        point = (xy[k] if np.isfinite(xy[k]).all() else graph.xy[own].mean(axis=0))
        order = np.argsort(((graph.xy - point) ** 2).sum(1), kind="stable")
        pick = next(int(u) for u in order if int(u) not in taken)
        taken.add(pick)
        bases.append(graph.ids[pick])
    return tuple(bases)


def account_items(frames: Frames, data: CountyInput, units: Iterable[str]) -> dict[str, Items]:
    """The accounts of ``units`` as movable items (potential, 1 account, their share of the
    county's workload), for :func:`dashboard.design.split.split_units`."""
    accounts = frames.accounts
    in_county = accounts["county_fips"].astype(object)
    items = {}
    for unit in units:
        rows = accounts[in_county == unit]
        position = data.graph.positions([unit])[0]
        count = len(rows)
        per_account = data.graph.measures[position, 2] / max(count, 1)
        measures = np.column_stack([rows["annual_potential"].to_numpy("float64"),
                                    np.ones(count), np.full(count, per_account)])
        items[unit] = Items(tuple(rows.index.astype(str)), measures)
    return items


def territory_figures(frames: Frames, data: CountyInput, county_territory: np.ndarray,
                      overrides: Mapping[str, int] | None = None,
                      weights: WorkloadWeights = DEFAULT_WEIGHTS) -> pd.DataFrame:
    """METRICS.md accounts, potential and Workload index per territory for an engine
    answer (engine territory per county, named accounts placed elsewhere)."""
    accounts = frames.accounts
    county = pd.Index(data.graph.ids).get_indexer(accounts["county_fips"].astype(str))
    territory = np.where(county >= 0, county_territory[county], -1)
    for account, k in (overrides or {}).items():
        territory[accounts.index.get_loc(account)] = k
    size = len(data.territory_ids)
    placed = territory >= 0
    n = np.bincount(territory[placed], minlength=size).astype(float)
    potential = np.bincount(territory[placed], minlength=size,
                            weights=accounts["annual_potential"].to_numpy("float64")[placed])
    area = np.bincount(county_territory, weights=data.area, minlength=size)
    workload = (weights.accounts * n + weights.travel_km * travel_estimate(n, area)
                + weights.potential * potential)
    return pd.DataFrame({"potential": potential, "accounts": n, "workload": workload},
                        index=data.territory_ids)


def _listed(values, most: int = 5) -> str:
    values = [str(v) for v in values]
    more = len(values) - most
    shown = ", ".join(values[:most])
    return shown if more <= 0 else _("{shown} and {count} more").format(shown=shown,
                                                                         count=count(more))


def refusal(error: DesignError) -> str:
    """The design engine's refusal (:class:`DesignError`) in the user's words and
    language: what is wrong and what to do about it."""
    p = error.params
    if error.code == "disconnected":
        sizes = p.get("sizes") or []
        return ngettext(
            "The units do not form one connected graph: {count} piece (sizes {sizes}); "
            "cut off, e.g.: {units}. Add the missing links (water links) so every unit "
            "can be reached.",
            "The units do not form one connected graph: {count} pieces (sizes {sizes}); "
            "cut off, e.g.: {units}. Add the missing links (water links) so every unit "
            "can be reached.", int(p.get("components", len(sizes)) or 0)).format(
            count=count(p.get("components", len(sizes))), sizes=_listed(sizes),
            units=_listed(p.get("example") or []))
    if error.code == "bad_coordinates":
        units = p.get("units") or []
        return ngettext("{count} unit has no coordinates: {units}. Give every unit its x "
                        "and y.",
                        "{count} units have no coordinates: {units}. Give every unit its x "
                        "and y.", len(units)).format(count=count(len(units)), units=_listed(units))
    if error.code == "too_many_territories":
        return _("{territories} territories cannot be made of {units} units: ask for at "
                 "most {units}.").format(territories=p.get("territories"),
                                         units=p.get("units"))
    if error.code == "no_units":
        return _("There are no units to design territories from.")
    if error.code == "bad_measures":
        return _("Measures must be numbers of 0 or more, not all 0: check {columns}.").format(
            columns=_listed(p.get("columns") or []))
    if error.code == "unknown_unit":
        return _("Links or locks name units that are not in the list: {units}.").format(
            units=_listed(p.get("ids") or []))
    if error.code == "bad_lock":
        return _("A lock pins a unit to a territory the design does not have.")
    if error.code == "bad_start":
        return _("The starting alignment must give every unit one of the territories.")
    return _("The design engine cannot work on this input: {reason}.").format(
        reason=str(error))


def shortfall(result, unit_names: Mapping[str, str] | None = None) -> list[str]:
    """Why an answer (:class:`dashboard.design.engine.Result`) is not within tolerance:
    per measure how far its worst territory is outside the band, and the units too big
    for the band on their own (no assignment can meet the tolerance with them whole)."""
    names = unit_names or {}
    lines = [_("{measure}: the worst territory is {points} percentage points outside the "
               "band.").format(measure=measure, points=number(by * 100, 1))
             for measure, by in result.missed_by.items() if by > 1e-12]
    lines += [_("{unit} alone holds {ratio}× a territory's target {measure}, above the "
                "{allowed}× the tolerance allows: no assignment can meet it without "
                "splitting it.").format(unit=names.get(o.unit, o.unit), ratio=number(o.ratio, 2),
                                        measure=o.measure, allowed=number(o.allowed, 2))
              for o in result.oversize]
    return lines
