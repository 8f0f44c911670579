"""The import API for scheduled syncs: ``POST /api/v1/imports`` with a
service account's bearer token (``dashboard.access.service_accounts``), and
its OpenAPI description at ``/api/v1/openapi.json``.

Thin: read the token, the files and the mapping name, call
``dashboard.ingest.api_import``, send its answer with the status code that
says what happened (201 imported, 200 unchanged, 400 refused with every
problem, 401 no or bad token, 409 overtaken by another write, 413 too large,
429 too many bad tokens). The API ignores the session cookie: a signed-in
leader's browser cannot call it, and a service account's token opens nothing
but the API (pages and callbacks answer 403).
"""

from __future__ import annotations

import logging
import time
from pathlib import PurePosixPath, PureWindowsPath

from flask import Blueprint, jsonify, request
from flask_limiter import Limiter, RequestLimit

from callbacks.signin_limits import client_address
from dashboard.access import service_accounts
from dashboard.access.signin_limits import limit_text
from dashboard.i18n.translation import _, ngettext
from dashboard.ingest import api_import, api_spec
from dashboard.runtime.units import own_units

log = logging.getLogger("territory_dashboard.api")

API_PREFIX = "/api/v1/"
_STATUS_CODES = {api_import.IMPORTED: 201, api_import.UNCHANGED: 200,
                 api_import.REFUSED: 400, api_import.STALE: 409}


def bearer_token() -> str:
    """The request's bearer token ("" without one)."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _file_name(sent: str | None) -> str:
    """The file's own name, without any folder a client put before it."""
    return PureWindowsPath(PurePosixPath(sent or "").name).name[:200]


def install(app, service) -> None:
    """Register the API's blueprint, its bad-token limit, and the refusal of
    bearer tokens anywhere else. Called before ``auth.install``, so a token
    sent to a page is refused before the page would redirect to sign in."""
    server = app.server
    api = Blueprint("api_v1", __name__, url_prefix=API_PREFIX.rstrip("/"))
    limiter = Limiter(
        key_func=client_address, app=server,
        storage_uri=service.settings.cache_redis_url or "memory://",
        strategy="moving-window", key_prefix="td-api", in_memory_fallback_enabled=True,
        swallow_errors=True, headers_enabled=False)

    def unauthorised():
        answer = jsonify({"error": _(
            "A service account's bearer token is required (Authorization: Bearer ...); "
            "this one is missing, wrong or revoked.")})
        challenge = 'Bearer realm="territory-dashboard"'  # i18n: not shown (a header)
        return answer, 401, {"WWW-Authenticate": challenge}

    def breached(limit: RequestLimit):
        seconds = max(1, int(limit.reset_at - time.time()))
        log.warning("import API: too many bad tokens from %s", client_address())
        return jsonify({"error": ngettext(
            "Too many bad tokens from this address; try again in {n} second.",
            "Too many bad tokens from this address; try again in {n} seconds.",
            seconds).format(n=seconds)}), 429, {
            "Retry-After": str(seconds)}

    @limiter.limit(limit_text(service_accounts.BAD_TOKEN_LIMIT), methods=["POST"],
                   deduct_when=lambda response: response.status_code == 401,
                   on_breach=breached, scope="api-token")
    def post_imports():
        account = service_accounts.authenticate(service.engine, bearer_token())
        if account is None:
            log.warning("import API: bad token from %s", client_address())
            return unauthorised()
        files = [(_file_name(f.filename), f.read())
                 for field in request.files for f in request.files.getlist(field)]
        outcome = api_import.run(service.engine, files, request.form.get("mapping", "auto"),
                                 actor=f"service:{account}",
                                 stage_probabilities=service.settings.stage_probabilities,
                                 units=own_units(service.engine))
        log.info("import API: %s by service account %s (%d files)", outcome.status, account,
                 len(files))
        return jsonify(outcome.to_json()), _STATUS_CODES[outcome.status]

    def openapi():
        return jsonify(api_spec.openapi())

    api.add_url_rule("/imports", "imports", post_imports, methods=["POST"])
    api.add_url_rule("/openapi.json", "openapi", openapi, methods=["GET"])
    server.register_blueprint(api)

    @server.before_request
    def token_opens_the_api_only():
        if bearer_token() and not request.path.startswith(API_PREFIX):
            log.warning("a bearer token sent to %s refused", request.path[:100])
            return jsonify({"error": _("A service account's token may only import through "
                                       "the API.")}), 403
        return None

    del token_opens_the_api_only
