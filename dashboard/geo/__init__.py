"""Geography: the bundled US counties and states (``us_atlas``), territory shapes
dissolved from them for the map (``territory_shapes``) and the approximate ZIP areas'
ids and counties (``zip_areas``).

May import: ``metrics`` (frames). Never Dash or Flask.
"""
