"""Territory Dashboard core: storage, validation, frames, KPIs and the what-if engine.

Nothing in this package imports Dash or Flask, so every number can be tested
without a browser or a web server.
"""

from pathlib import Path

#: Where ``dashboard/`` sits: the repository, or site-packages once installed. The
#: folders the product ships outside its packages, ``data/`` and ``assets/``, sit beside
#: it in both (pyproject.toml ships them as namespace packages), so this one path finds
#: them however the product was installed; tests/wheel_check.sh checks it from a wheel.
_BESIDE_THE_PACKAGES = Path(__file__).resolve().parent.parent


def shipped_folder(name: str) -> Path:
    """``data`` (geography, city list) or ``assets`` (CSS, JS, vendored Bootstrap)."""
    return _BESIDE_THE_PACKAGES / name


#: geography and the city list, nothing else
DATA_DIR = shipped_folder("data")
