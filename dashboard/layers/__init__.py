"""Unit layers (issue 19): the atoms an alignment is made of, whatever the geography.

``model`` (a layer: units with id, name, geometry, area, parent; rook adjacency from
shared borders), ``topojson`` (decoding any TopoJSON, shipped or uploaded), ``us_layers``
(the built-in US counties and approximate ZIP areas: Voronoi cells of ZIP centres clipped
to their county, read from ``data/geo/zip-cells.json.gz``), ``boundary_files`` (a
leader's own GeoJSON, TopoJSON or zipped Shapefile, reprojected to WGS84),
``boundary_checks`` (refusals, repairs, overlaps and gaps), ``placement`` (accounts
into units by point, postal code or unit id; a county alignment carried to its ZIPs).

May import: ``geo`` (US counties), ``ingest`` (ZIP look-ups, problems), ``i18n``. Never
Dash or Flask.
"""
