"""Geography: the bundled US counties and states (``us_atlas``), the state outlines
drawn over the maps (``territory_shapes``) and the approximate ZIP areas' ids and
counties (``zip_areas``).

May import: ``metrics`` (frames). Never Dash or Flask.
"""
