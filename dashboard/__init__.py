"""Territory Dashboard core: storage, validation, frames, KPIs and the what-if engine.

Nothing in this package imports Dash or Flask, so every number can be tested
without a browser or a web server.
"""

from pathlib import Path

#: The repository's ``data/`` folder: geography, city list, nothing else.
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
