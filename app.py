"""Territory Dashboard web app: ``create_app(config)`` and the entry point."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

import dash
import flask
from flask_caching import Cache

from callbacks import api, auth, background, hardening, language
from callbacks import shell as shell_callbacks
from callbacks.pages import PAGES, SHARED
from dashboard import shipped_folder
from dashboard.runtime.config import Settings
from dashboard.runtime.service import DataService

log = logging.getLogger("territory_dashboard")

ASSETS = shipped_folder("assets")

#: What flask-compress compresses: pages, styles, scripts (the app's and Dash's),
#: every callback's JSON, and the map's account points (GeoJSON).
COMPRESSED_TYPES = ("text/html", "text/css", "text/javascript", "application/javascript",
                    "application/json", "application/geo+json")


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

    manager = background.background_manager(settings)
    functions_before = background.dash_functions_count()
    app = dash.Dash(
        __name__,
        server=_compressing_server(),
        compress=True,
        title="Territory Dashboard",
        assets_folder=str(ASSETS),
        external_stylesheets=[],
        suppress_callback_exceptions=True,
        update_title=None,
        on_error=shell_callbacks.show_error,
        background_callback_manager=manager,
    )
    server = app.server
    server.config["SECRET_KEY"] = settings.secret_key or _demo_secret_key(settings)
    cache = Cache(server, config=_cache_config(settings))
    hardening.install(app, settings)  # first: its hooks run before any other reads the body
    language.install(app, service, settings.currency)
    api.install(app, service)  # before auth: a service token opens the API only
    auth.install(app, service, cache)
    service.shared_cache = cache
    server.extensions["territory_service"] = service
    server.extensions["territory_cache"] = cache

    app.layout = shell_callbacks.serve_layout(service)
    shell_callbacks.register(app, service)
    for page in PAGES:
        for register in page.register:
            register(app, service)
    for register in SHARED:
        register(app, service)
    _register_error_pages(server)
    background.forget_in_dash_globals(manager, functions_before)
    return app


def _compressing_server() -> flask.Flask:
    """The Flask server, with flask-compress's settings in place before
    ``Dash(compress=True)`` starts it: it reads them once (so Dash's own
    gzip-only choice, written after, changes nothing). Any answer a client
    accepts compressed is: the map page's callback answer is 435 kB of JSON
    for the 60 demo territories (864 kB at size L). zstd first, since
    browsers that take it (Chrome, Firefox) get nearly gzip's size for a
    seventh of its time (map page: 126 kB in ~5 ms, gzip 115 kB in ~36 ms),
    then brotli (Safari), then gzip."""
    server = flask.Flask(__name__)
    server.config.update(COMPRESS_MIMETYPES=list(COMPRESSED_TYPES),
                         COMPRESS_ALGORITHM=["zstd", "br", "gzip"])
    return server


def _demo_secret_key(settings: Settings) -> str:
    """The demo's secret, kept in the instance folder: sessions survive a
    restart and every worker signs with the same key."""
    path = Path(settings.instance_path).resolve() / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _cache_config(settings: Settings) -> dict:
    if settings.cache_redis_url:
        from callbacks.cache import cache_config

        return cache_config(settings.cache_redis_url, 600)
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
        from callbacks import outage  # database outages, failures in request hooks

        handled = outage.answer(exc)
        if handled is not None:
            return handled
        log.exception("unhandled error")
        return {"error": "Something went wrong on the server; it has been logged."}, 500


def serve(settings: Settings, host: str, port: int, debug: bool, prod: bool = False,
          workers: int | None = None) -> int:
    """Development server (Flask's), or gunicorn with ``prod`` (see ``wsgi.py``)."""
    if prod:
        from wsgi import run

        return run(settings, host, port, workers or settings.workers)
    app = create_app(settings)
    log.info("Territory Dashboard on http://%s:%s", host, port)
    app.run(host=host, port=port, debug=debug)
    return 0


def main(argv: list[str] | None = None) -> int:
    from dashboard.runtime.cli import main as cli_main

    return cli_main(argv, serve=serve)


if __name__ == "__main__":
    raise SystemExit(main())
