"""The approximate ZIP areas as ids only: which county each ZIP area lies in.

``data/geo/zip-cells.json.gz`` (built by ``tools/build_zip_cells.py``, drawn by
``dashboard.layers.us_layers``) holds one cell per active standard ZIP with a centre,
clipped to the county holding that centre, so every cell lies in exactly one county;
a county holding no ZIP centre is one cell, id ``C`` + its FIPS. The import's checks,
the frames and the what-if need only the ids and their counties, not the shapes: this
reads them without decoding a geometry and keeps nothing else.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterable

import pandas as pd

from dashboard.geo.us_atlas import GEO_DIR

ZIP_CELLS_FILE = GEO_DIR / "zip-cells.json.gz"


#: the ids, counties and aliases, once read (``_index``): one entry
_READ: list[tuple[pd.Series, dict[str, str]]] = []
_READING = threading.Lock()


def _index() -> tuple[pd.Series, dict[str, str]]:
    if not _READ:
        with _READING:
            if not _READ:
                with gzip.open(ZIP_CELLS_FILE, "rt", encoding="utf-8") as handle:
                    remember(json.load(handle))
    return _READ[0]


def remember(topology: dict) -> None:
    """Keep the ids, counties and aliases of the ZIP areas' topology when another reader
    parsed the file anyway (``layers.map_topology`` reads it for the shapes): the 8 MB of
    JSON are then parsed once a process, not twice (0.7 s of CPU)."""
    if _READ:
        return
    cells = topology["objects"]["cells"]["geometries"]
    counties = pd.Series([c["properties"]["county"] for c in cells],
                         index=pd.Index([str(c["id"]) for c in cells], name="zip"),
                         name="county_fips", dtype=object)
    _READ[:] = [(counties.sort_index(), dict(topology["zip_aliases"]))]


def cell_counties() -> pd.Series:
    """County FIPS of every ZIP area, indexed by the area's id, sorted (29,839 areas)."""
    return _index()[0]


def cells_in(counties: Iterable[str]) -> pd.Series:
    """The ZIP areas of some counties: their county FIPS, indexed by area id."""
    every = cell_counties()
    return every[every.isin(set(counties)).to_numpy()]


def area_of(code: str) -> str | None:
    """The ZIP area of a 5-digit ZIP: its own, or for a PO box, a unique or a military
    ZIP the area holding its centre; an area id (``C06075``) is its own. None: unknown."""
    counties, aliases = _index()
    if code in counties.index:
        return code
    return aliases.get(code)
