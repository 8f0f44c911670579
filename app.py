"""Territory Dashboard web app: ``create_app(config)`` and the entry point."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

import dash
from flask_caching import Cache

from callbacks import attainment as attainment_callbacks
from callbacks import drilldown as drilldown_callbacks
from callbacks import imports as import_callbacks
from callbacks import overview as overview_callbacks
from callbacks import pipeline as pipeline_callbacks
from callbacks import scenarios_panel as scenarios_panel_callbacks
from callbacks import shell as shell_callbacks
from callbacks import underperformers as underperformers_callbacks
from callbacks import whatif as whatif_callbacks
from callbacks.background import background_manager
from dashboard.config import Settings
from dashboard.service import DataService

log = logging.getLogger("territory_dashboard")

#: every view's callbacks module; each has ``register(app, service)`` and,
#: when it is a page, ``PATH`` and ``render(service, selection)``
VIEW_MODULES = (overview_callbacks, import_callbacks, underperformers_callbacks,
                attainment_callbacks, drilldown_callbacks, pipeline_callbacks,
                whatif_callbacks, scenarios_panel_callbacks)

ASSETS = Path(__file__).resolve().parent / "assets"


class ConfigurationError(RuntimeError):
    """A setting the app cannot start with; the message says which and why."""


def create_app(config: Settings | dict | None = None) -> dash.Dash:
    """Build the Dash app: storage migrated, demo built if asked, callbacks registered."""
    if config is None:
        settings = Settings.from_env()
    elif isinstance(config, dict):
        settings = Settings.from_env(**config)
    else:
        settings = config
    if not settings.secret_key and not settings.demo:
        raise ConfigurationError("SECRET_KEY must be set when the demo mode is off")

    service = DataService(settings)
    service.migrate()
    if settings.demo:
        service.ensure_demo()

    app = dash.Dash(
        __name__,
        title="Territory Dashboard",
        assets_folder=str(ASSETS),
        external_stylesheets=[],
        suppress_callback_exceptions=True,
        update_title=None,
        on_error=shell_callbacks.show_error,
        background_callback_manager=background_manager(settings),
    )
    server = app.server
    server.config["SECRET_KEY"] = settings.secret_key or secrets.token_hex(32)
    server.config["SESSION_COOKIE_HTTPONLY"] = True
    server.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    cache = Cache(server, config=_cache_config(settings))
    service.shared_cache = cache
    server.extensions["territory_service"] = service
    server.extensions["territory_cache"] = cache

    app.layout = shell_callbacks.serve_layout(service)
    pages = {m.PATH: m.render for m in VIEW_MODULES if hasattr(m, "PATH")}
    shell_callbacks.register(app, service, pages)
    for module in VIEW_MODULES:
        module.register(app, service)
    _register_error_pages(server)
    return app


def _cache_config(settings: Settings) -> dict:
    if settings.cache_redis_url:
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": settings.cache_redis_url,
                "CACHE_DEFAULT_TIMEOUT": 600}
    folder = Path(settings.instance_path).resolve() / "cache"
    return {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(folder),
            "CACHE_DEFAULT_TIMEOUT": 600, "CACHE_THRESHOLD": 2000}


def _register_error_pages(server) -> None:
    """A failure never shows a traceback: log it, answer in plain words."""

    @server.errorhandler(Exception)
    def _handle(exc):  # pragma: no cover - exercised through HTTP tests
        from werkzeug.exceptions import HTTPException

        if isinstance(exc, HTTPException):
            return exc
        log.exception("unhandled error")
        return {"error": "Something went wrong on the server; it has been logged."}, 500


def serve(settings: Settings, host: str, port: int, debug: bool) -> int:
    """Development server (Flask's); production uses gunicorn (README)."""
    app = create_app(settings)
    log.info("Territory Dashboard on http://%s:%s", host, port)
    app.run(host=host, port=port, debug=debug)
    return 0


def main(argv: list[str] | None = None) -> int:
    from dashboard.cli import main as cli_main

    return cli_main(argv, serve=serve)


if __name__ == "__main__":
    raise SystemExit(main())
