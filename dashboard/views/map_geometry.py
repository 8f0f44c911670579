"""The map's unit geometry for one scope, as TopoJSON text (``dashboard.layers.map_topology``).

Three layers are served: ``counties`` (the what-if map's units, each with its live
territory), ``zip-cells`` (the approximate ZIP areas of some counties: a county expanded on
the what-if map) and ``territories`` (the territories dissolved on the server, drawn by the
map page). Each holds the frames' own units only: frames cut to a manager's scope give their
region's counties, ZIP areas and territories, and no id, name or shape of another.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

import pandas as pd

from dashboard.geo import zip_areas
from dashboard.i18n.translation import _
from dashboard.layers import map_topology
from dashboard.metrics.frames import Frames
from dashboard.whatif.changeset import Changes
from dashboard.whatif.zip_units import zip_units

TERRITORIES = "territories"  # i18n: not shown (a URL name)
LAYERS = (map_topology.COUNTIES, map_topology.ZIP_CELLS, TERRITORIES)
#: counties one request may ask the ZIP areas of (a page expands a few at a time)
MAX_COUNTIES = 50


def county_territories(frames: Frames) -> pd.Series:
    """Each aligned county's territory (object ids), indexed by FIPS."""
    return frames.alignment["territory_id"].astype(object)


def zip_rows(frames: Frames) -> pd.Series:
    """The territory of each ZIP area that has a row of its own (a mixed alignment)."""
    return frames.zip_alignment["territory_id"].astype(object)


def zip_territories(frames: Frames, counties: Iterable[str]) -> dict[str, str]:
    """The live territory of each ZIP area of these (aligned) counties: its own row's,
    else its county's (``whatif.zip_units``, the one place that says it)."""
    units = zip_units(frames, None, counties)["live_territory_id"].dropna()
    return {str(uid): str(tid) for uid, tid in units.items()}


def all_zip_territories(frames: Frames) -> pd.Series:
    """The live territory of every ZIP area of the aligned counties, sorted by ZIP id: in
    the counties with ZIP rows as :func:`zip_territories` says, every other one its
    county's (a ZIP without a row follows its county). Asking ``whatif.zip_units`` of
    every county took ~0.3 s of a mixed map's first build; only a few counties are split."""
    map_topology.source(map_topology.ZIP_CELLS)  # read first, it gives zip_areas the ids too
    counties = county_territories(frames)
    cells = zip_areas.cell_counties()
    territory = pd.Series(counties.reindex(cells.to_numpy(object)).to_numpy(object),
                          index=cells.index, dtype=object)
    split = zip_territories(frames, pd.unique(frames.zip_alignment["county_fips"]))
    territory[list(split)] = list(split.values())
    return territory.dropna()


def asked_counties(frames: Frames, text: str | None) -> list[str]:
    """The FIPS a ``county=`` list names that the frames align, at most :data:`MAX_COUNTIES`;
    anything else (another region's county, junk) is dropped without a word."""
    if not isinstance(text, str) or not text:
        return []
    aligned = county_territories(frames).index
    names = [part.strip() for part in text.split(",")[:MAX_COUNTIES]]
    return sorted({name for name in names if name in aligned})


def topology(frames: Frames, layer: str, counties: Iterable[str] = (),
             base: str = map_topology.COUNTIES) -> dict:
    """The layer's TopoJSON for these frames; ``counties`` (already checked with
    :func:`asked_counties`) picks the ZIP areas to send, none meaning every one in scope.
    ``base`` is the layer the data's units come from (``runtime.geography``): the US
    counties, or a layer of one's own, whose units the ``counties`` URL then serves and
    whose territories are dissolved from them (it has no ZIP areas)."""
    if base != map_topology.COUNTIES:
        if layer == map_topology.ZIP_CELLS:
            raise LookupError(layer)
        territory_of = county_territories(frames).to_dict()
        return map_topology.build(base, territory_of, territory_of,
                                  units=layer == map_topology.COUNTIES)
    if layer == map_topology.COUNTIES:
        territory_of = county_territories(frames).to_dict()
        return map_topology.build(layer, territory_of, territory_of, units=True)
    if layer == map_topology.ZIP_CELLS:
        counties = list(counties) or list(county_territories(frames).index)
        territory_of = zip_territories(frames, counties)
        return map_topology.build(layer, territory_of, territory_of, units=True)
    if layer == TERRITORIES:
        if len(zip_rows(frames)):  # a county split by ZIP rows is dissolved from its ZIPs
            territory_of = all_zip_territories(frames)
            return map_topology.build(map_topology.ZIP_CELLS, territory_of.index, territory_of,
                                      units=False,
                                      tolerance=map_topology.TOLERANCE[map_topology.COUNTIES])
        territory_of = county_territories(frames).to_dict()
        return map_topology.build(map_topology.COUNTIES, territory_of, territory_of,
                                  units=False)
    raise ValueError(layer)


def topology_text(frames: Frames, layer: str, counties: Iterable[str] = (),
                  base: str = map_topology.COUNTIES) -> str:
    return json.dumps(topology(frames, layer, counties, base), separators=(",", ":"))


def zip_hideout(frames: Frames, counties: Iterable[str], changes: Changes,
                colors: Mapping[str, str], names: Mapping[str, str],
                selected: Iterable[str] = ()) -> dict:
    """What the what-if map's ZIP layer reads for the expanded ``counties``: each ZIP
    area's territory under ``changes`` (``whatif.zip_units``) and its colour, the ZIPs
    the scenario moved (``changed``), the ``selected`` ones, territory labels (the
    viewer's only: ``names``) and the tooltip's words, in the page's language."""
    units = zip_units(frames, changes, counties).dropna(subset=["territory_id"])
    territory = {str(uid): str(tid) for uid, tid in units["territory_id"].items()}
    return {
        "key": "whatif-zips",
        "colors": {uid: colors.get(tid, "#bdbdbd") for uid, tid in territory.items()},
        "territory": territory,
        "changed": [str(uid) for uid in units.index[units["moved"].to_numpy(bool)]],
        "names": dict(names),
        "selected": [z for z in selected if z in territory],
        "words": {"outside": _("another region's territory"),
                  "approximate": _("approximate ZIP area"),
                  "moved": _("moved in this scenario")},
    }
