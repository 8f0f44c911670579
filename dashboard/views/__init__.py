"""View models: what each page shows, as plain data (frames, dicts, strings), built
from the metrics and the what-if engine. ``layouts`` turns these into components;
nothing here knows about components.

May import: every other core package. Never Dash or Flask.
"""
