"""Settings, read once from the environment (or passed to ``create_app``).

Every setting has a default that gives the embedded demo: an SQLite file in a
local ``instance/`` folder, the demo data built into it on first start and a
local file cache, so ``territory-dashboard serve`` needs no other service.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from dashboard.schema import DEFAULT_STAGE_PROBABILITIES

DEFAULT_TILE_URL = "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png"
DEFAULT_TILE_ATTRIBUTION = "© OpenStreetMap contributors © CARTO"


@dataclass(frozen=True)
class Settings:
    #: SQLAlchemy URL; empty means SQLite in ``instance_path``.
    database_url: str = ""
    instance_path: str = "instance"
    #: Flask secret. Empty is allowed only while ``demo`` is on.
    secret_key: str = ""
    #: Build the demo dataset into an empty database on start.
    demo: bool = True
    #: flask-caching Redis URL; empty means a local cache.
    cache_redis_url: str = ""
    #: Map tiles; empty draws territories on a plain background (offline).
    tile_url: str = DEFAULT_TILE_URL
    tile_attribution: str = DEFAULT_TILE_ATTRIBUTION
    stage_probabilities: dict = field(default_factory=lambda: dict(DEFAULT_STAGE_PROBABILITIES))
    #: Fixed as-of date (ISO) overriding the dataset's own; empty = dataset's, else today.
    as_of: str = ""
    #: gunicorn worker processes for ``serve --prod`` (``WEB_CONCURRENCY``)
    workers: int = 2
    #: ISO 4217 code money is shown in, whatever the language (``TD_CURRENCY``)
    currency: str = "USD"

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        path = Path(self.instance_path).resolve() / "territory.sqlite"
        return f"sqlite:///{path}"

    @classmethod
    def from_env(cls, environ: dict | None = None, **overrides) -> Settings:
        """Settings from ``TD_*``/well-known variables, then explicit overrides."""
        env = os.environ if environ is None else environ
        values: dict = {}
        mapping = {
            "database_url": "DATABASE_URL",
            "instance_path": "TD_INSTANCE_PATH",
            "secret_key": "SECRET_KEY",
            "cache_redis_url": "CACHE_REDIS_URL",
            "tile_url": "TD_TILE_URL",
            "tile_attribution": "TD_TILE_ATTRIBUTION",
            "as_of": "TD_AS_OF",
            "currency": "TD_CURRENCY",
        }
        for attr, var in mapping.items():
            if var in env:
                values[attr] = env[var]
        if env.get("WEB_CONCURRENCY", "").strip():
            try:
                values["workers"] = max(1, int(env["WEB_CONCURRENCY"]))
            except ValueError as exc:
                raise ValueError(
                    f"WEB_CONCURRENCY must be a whole number, got {env['WEB_CONCURRENCY']!r}"
                ) from exc
        if "TD_DEMO" in env:
            values["demo"] = env["TD_DEMO"].strip().lower() not in ("0", "false", "no", "")
        known = {f.name for f in fields(cls)}
        values.update({k: v for k, v in overrides.items() if k in known})
        return cls(**values)

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)
