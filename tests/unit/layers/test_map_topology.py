"""The map's TopoJSON: only the asked units, neighbours still meeting on one shared line
after simplification, and territories dissolved through the arcs equal to the union of
their units."""

from __future__ import annotations

import shapely

from dashboard.layers import map_topology
from dashboard.layers.topojson import decode

#: Illinois (17) split in two territories by county, with Indiana (18) a third
ILLINOIS_INDIANA = [f for f in map_topology.source(map_topology.COUNTIES).units
                    if f[:2] in ("17", "18")]


def territory(fips: str) -> str:
    return "IN" if fips.startswith("18") else ("IL-N" if int(fips[2:]) < 100 else "IL-S")


def shapes(topology: dict, name: str) -> dict:
    return {f.id: shapely.make_valid(f.geometry) for f in decode(topology, name)}


def test_only_the_asked_units_are_sent_with_their_labels_and_territory():
    topology = map_topology.build(map_topology.COUNTIES, ["17031", "17043", "99999"],
                                  {"17031": "T1", "17043": "T2"})
    units = topology["objects"]["units"]["geometries"]
    assert [(u["id"], u["properties"]["label"], u["properties"]["t"]) for u in units] == [
        ("17031", "Cook, IL", "T1"), ("17043", "DuPage, IL", "T2")]
    every = map_topology.build(map_topology.COUNTIES, ILLINOIS_INDIANA)
    assert len(topology["arcs"]) < len(every["arcs"]) / 20


def test_neighbours_share_their_simplified_border_no_sliver_no_overlap():
    # Louisville (KY) and Clark County (IN) across the Ohio: simplified one by one, they
    # overlap by 1.2e-4 square degrees
    topology = map_topology.build(map_topology.COUNTIES, ["21111", "18019"])
    louisville, clark = (shapes(topology, "units")[f] for f in ("21111", "18019"))
    # one line between them, drawn once: they touch along it and nothing more
    assert louisville.intersection(clark).area < 1e-9
    assert louisville.intersection(clark).length > 0.1
    both = shapely.union_all([louisville, clark])
    assert both.geom_type == "Polygon" and len(both.interiors) == 0  # no sliver between
    arcs = [set(abs(a if a >= 0 else ~a) for ring in u["arcs"] for a in ring)
            for u in topology["objects"]["units"]["geometries"]]
    assert arcs[0] & arcs[1]  # the border is one arc both use


def test_a_dissolved_territory_is_the_union_of_its_units():
    territory_of = {f: territory(f) for f in ILLINOIS_INDIANA}
    topology = map_topology.build(map_topology.COUNTIES, ILLINOIS_INDIANA, territory_of)
    units, dissolved = shapes(topology, "units"), shapes(topology, "territories")
    assert sorted(dissolved) == ["IL-N", "IL-S", "IN"]
    for tid, outline in dissolved.items():
        union = shapely.union_all([units[f] for f in units if territory_of[f] == tid])
        assert outline.symmetric_difference(union).area < 1e-4 * union.area, tid
    # outlines only: the territories' arcs are a small part of the units'
    alone = map_topology.build(map_topology.COUNTIES, ILLINOIS_INDIANA, territory_of,
                               units=False)
    assert "units" not in alone["objects"] and len(alone["arcs"]) < len(topology["arcs"]) / 2


def test_zip_areas_of_a_county_nest_in_it_and_dissolve_back_to_it():
    cells = map_topology.units_in_counties(map_topology.ZIP_CELLS, ["17031"])
    assert len(cells) > 100 and all(c.isdigit() for c in cells)
    topology = map_topology.build(map_topology.ZIP_CELLS, cells, dict.fromkeys(cells, "T1"))
    county = shapes(map_topology.build(map_topology.COUNTIES, ["17031"]), "units")["17031"]
    dissolved = shapes(topology, "territories")["T1"]
    # two tolerances (1 km for counties, 100 m for ZIPs): the same county within them
    assert dissolved.symmetric_difference(county).area < 0.02 * county.area
