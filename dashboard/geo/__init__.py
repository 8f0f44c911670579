"""Geography: the bundled US counties and states (``us_atlas``) and territory shapes
dissolved from them for the map (``territory_shapes``).

May import: ``metrics`` (frames). Never Dash or Flask.
"""
