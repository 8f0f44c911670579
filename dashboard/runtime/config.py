"""Settings, read once from the environment (or passed to ``create_app``).

Every setting has a default that gives the embedded demo: an SQLite file in a
local ``instance/`` folder, the demo data built into it on first start and a
local file cache, so ``territory-dashboard serve`` needs no other service.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from dashboard.metrics.balance import DEFAULT_WEIGHTS, WorkloadWeights
from dashboard.storage.schema import DEFAULT_STAGE_PROBABILITIES, merged_stage_probabilities

DEFAULT_TILE_URL = "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png"
DEFAULT_TILE_ATTRIBUTION = "© OpenStreetMap contributors © CARTO"

STAGE_PROBABILITIES_EXAMPLE = '{"Proposal": 0.6, "Negotiation": 0.8}'
WORKLOAD_WEIGHTS_EXAMPLE = '{"accounts": 1, "travel_km": 0.02, "potential": 0}'


class SettingsError(ValueError):
    """A setting the app cannot run with. The message names the setting and
    says what would fit, because it is printed as the one line an operator
    sees at start (``wsgi.build_app``), never as a traceback."""


def _is_number(value) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def stage_probabilities_from(configured, name: str = "stage_probabilities") -> dict[str, float]:
    """The configured stage probabilities laid over the METRICS.md defaults.

    Merged rather than replacing, so configuring one stage cannot silently
    drop the others to 0%. Each value must be a probability in [0, 1]; a
    percentage written as 60 is refused rather than guessed at.
    """
    if configured is None:
        configured = {}
    if not isinstance(configured, dict):
        raise SettingsError(
            f"{name} must be a JSON object of stage -> probability, such as "
            f"{STAGE_PROBABILITIES_EXAMPLE}")
    checked: dict[str, float] = {}
    for stage, value in configured.items():
        label = str(stage).strip()
        if not label:
            raise SettingsError(f"{name}: a stage name is empty")
        if not _is_number(value) or not 0 <= value <= 1:
            # a whole number up to 100 is most likely a percentage
            hint = f" (write {value:g}% as {value / 100:g})" if (
                _is_number(value) and 1 < value <= 100 and value == int(value)) else ""
            raise SettingsError(
                f'{name}: the probability of stage "{label}" must be a number from 0 to 1, '
                f"got {json.dumps(value)}{hint}")
        checked[label] = float(value)
    return merged_stage_probabilities(checked)


def workload_weights_from(configured, name: str = "workload_weights") -> WorkloadWeights:
    """METRICS.md Workload index weights, the unnamed ones keeping their defaults.

    Weights are non-negative (a negative weight would make more work look
    lighter) and at least one is above 0, else every territory weighs 0 and
    the balance index and the "overloaded" diagnosis mean nothing.
    """
    if isinstance(configured, WorkloadWeights):
        configured = {f.name: getattr(configured, f.name) for f in fields(WorkloadWeights)}
    if configured is None:
        configured = {}
    known = [f.name for f in fields(WorkloadWeights)]
    if not isinstance(configured, dict):
        raise SettingsError(
            f"{name} must be a JSON object of weight name -> number, such as "
            f"{WORKLOAD_WEIGHTS_EXAMPLE}")
    chosen: dict[str, float] = {}
    for key, value in configured.items():
        if key not in known:
            raise SettingsError(
                f'{name}: unknown weight "{key}"; the weights are {", ".join(known)}')
        if not _is_number(value) or value < 0:
            raise SettingsError(
                f'{name}: the weight "{key}" must be a number of at least 0, '
                f"got {json.dumps(value)}")
        chosen[key] = float(value)
    weights = replace(DEFAULT_WEIGHTS, **chosen)
    if not any(getattr(weights, key) > 0 for key in known):
        raise SettingsError(f"{name}: at least one weight must be above 0")
    return weights


def _json_setting(env, var: str, example: str):
    """The JSON value of ``var``; None when it is unset or blank."""
    text = env.get(var, "").strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SettingsError(
            f"{var} is not valid JSON ({exc.msg} at character {exc.pos + 1}); "
            f"write an object such as {example}") from None


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
    #: METRICS.md stage probabilities (``TD_STAGE_PROBABILITIES``), always the
    #: full map: configured stages laid over the defaults
    stage_probabilities: dict = field(default_factory=lambda: dict(DEFAULT_STAGE_PROBABILITIES))
    #: METRICS.md Workload index weights (``TD_WORKLOAD_WEIGHTS``)
    workload_weights: WorkloadWeights = DEFAULT_WEIGHTS
    #: Fixed as-of date (ISO) overriding the dataset's own; empty = dataset's, else today.
    as_of: str = ""
    #: gunicorn worker processes for ``serve --prod`` (``WEB_CONCURRENCY``)
    workers: int = 2
    #: ISO 4217 code money is shown in, whatever the language (``TD_CURRENCY``)
    currency: str = "USD"
    #: proxy hops in front of the app whose X-Forwarded-* headers are believed
    #: (``TD_TRUSTED_PROXIES``); 0 believes none
    trusted_proxies: int = 0
    #: a token that ``/healthz`` callers send in ``X-Health-Token`` to get the
    #: checks' details (``TD_HEALTH_TOKEN``); empty: the status only, for everyone
    health_token: str = ""
    #: the unit layer the demo is built on (``TD_UNITS``): county, zip or mixed
    #: (``dashboard.runtime.units``); the data keeps its own choice after that
    units: str = "county"

    def __post_init__(self) -> None:
        # settings passed in code (create_app({...}), tests) get the same
        # merge and checks as the environment's
        object.__setattr__(self, "stage_probabilities",
                           stage_probabilities_from(self.stage_probabilities))
        object.__setattr__(self, "workload_weights", workload_weights_from(self.workload_weights))
        if self.units not in ("county", "zip", "mixed"):
            raise SettingsError(f"TD_UNITS must be county, zip or mixed, got {self.units!r}")

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
            "health_token": "TD_HEALTH_TOKEN",
            "units": "TD_UNITS",
        }
        for attr, var in mapping.items():
            if var in env:
                values[attr] = env[var]
        if env.get("WEB_CONCURRENCY", "").strip():
            try:
                values["workers"] = max(1, int(env["WEB_CONCURRENCY"]))
            except ValueError as exc:
                raise SettingsError(
                    f"WEB_CONCURRENCY must be a whole number, got {env['WEB_CONCURRENCY']!r}"
                ) from exc
        if env.get("TD_TRUSTED_PROXIES", "").strip():
            text = env["TD_TRUSTED_PROXIES"].strip()
            if not text.isdigit():
                raise SettingsError(
                    f"TD_TRUSTED_PROXIES must be the number of proxy hops in front of the app "
                    f"(0 for none), got {text!r}")
            values["trusted_proxies"] = int(text)
        probabilities = _json_setting(env, "TD_STAGE_PROBABILITIES",
                                      STAGE_PROBABILITIES_EXAMPLE)
        if probabilities is not None:
            values["stage_probabilities"] = stage_probabilities_from(
                probabilities, "TD_STAGE_PROBABILITIES")
        weights = _json_setting(env, "TD_WORKLOAD_WEIGHTS", WORKLOAD_WEIGHTS_EXAMPLE)
        if weights is not None:
            values["workload_weights"] = workload_weights_from(weights, "TD_WORKLOAD_WEIGHTS")
        if "TD_DEMO" in env:
            values["demo"] = env["TD_DEMO"].strip().lower() not in ("0", "false", "no", "")
        known = {f.name for f in fields(cls)}
        values.update({k: v for k, v in overrides.items() if k in known})
        return cls(**values)

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)
