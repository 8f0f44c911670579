"""What every request goes through before and after the app: the real client
address behind trusted proxies, a body size limit checked before anything
reads the body, cross-site request refusal (CSRF), and security headers on
every answer.

* **Proxies**: ``TD_TRUSTED_PROXIES`` = the number of proxy hops in front of
  the app whose ``X-Forwarded-For/-Proto/-Host/-Port`` are believed
  (werkzeug's ``ProxyFix``); 0 (the default) believes none.
* **Body size**: the declared ``Content-Length`` is compared with the route's
  limit before the request goes further (413), and the same limit bounds a
  body sent without a length while it is read.
* **CSRF**: a state-changing request whose ``Origin`` names another host, or
  that the browser marks ``Sec-Fetch-Site: cross-site``/``same-site``, is
  refused (403). Signed in, every such request other than the four forms
  (sign-in, sign-out, language, password: they carry the session's token as
  a field) must carry that token in
  ``X-CSRFToken``: Dash's renderer copies it there from the ``_csrf_token``
  cookie, which this module keeps equal to the session's token.
* **Headers**: a Content-Security-Policy with no inline script but Dash's own
  (by hash, ``app.csp_hashes()``) and no ``eval``, framing refused,
  ``nosniff``, ``Referrer-Policy: same-origin``, and HSTS over HTTPS.
"""

from __future__ import annotations

import hmac
import logging
from urllib.parse import urlsplit

from flask import jsonify, request, session
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from callbacks.api import API_PREFIX, bearer_token
from callbacks.auth import (
    CSRF_FIELD,
    DATA_PREFIXES,
    LOGIN_PATH,
    LOGOUT_PATH,
    PASSWORD_PATH,
    csrf_token,
)
from callbacks.language import LANGUAGE_PATH
from callbacks.limits import (
    API_IMPORT_LIMIT,
    CALLBACK_LIMIT,
    FORM_LIMIT,
    IMPORT_BODY_LIMIT,
    KB,
    MB,
)
from dashboard.i18n.translation import _
from dashboard.ingest.api_spec import IMPORTS_PATH as API_IMPORTS_PATH
from dashboard.runtime.config import Settings

log = logging.getLogger("territory_dashboard.hardening")

#: where flask-login keeps the signed-in user's id in the session
SIGNED_IN_KEY = "_user_id"  # i18n: not shown


CALLBACK_PATH = "/_dash-update-component"
FORM_PATHS = (LOGIN_PATH, LOGOUT_PATH, LANGUAGE_PATH, PASSWORD_PATH)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
#: the cookie Dash's renderer reads the token from, and the header it sends it in
CSRF_COOKIE, CSRF_HEADER = "_csrf_token", "X-CSRFToken"
HSTS = "max-age=31536000"


def install(app, settings: Settings) -> None:
    """Wire the proxies, limits, CSRF checks and headers into ``app.server``.
    Called before any other hook is added, so these run first."""
    server = app.server
    if settings.trusted_proxies:
        hops = settings.trusted_proxies
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                   x_port=hops)
    server.config["MAX_CONTENT_LENGTH"] = IMPORT_BODY_LIMIT  # the backstop of every route
    policy: list[str] = []  # built at the first answer, once every callback is registered

    @server.before_request
    def limit_the_body():
        limit = body_limit(request.path)
        request.max_content_length = limit  # also bounds a body sent without a length
        if (request.content_length or 0) > limit:
            log.warning("refused a %d-byte body to %s from %s", request.content_length,
                        request.path[:100], request.remote_addr)
            raise RequestEntityTooLarge()

    @server.before_request
    def refuse_cross_site():
        if request.method in SAFE_METHODS:
            return None
        reason = cross_site_reason()
        if reason:
            log.warning("refused %s %s from %s: %s", request.method, request.path[:100],
                        request.remote_addr, reason)
            return jsonify({"error": "cross-site request refused"}), 403  # i18n: not shown
        return None

    @server.after_request
    def secure_the_answer(response):
        if not policy:
            policy.append(content_security_policy(app.csp_hashes(), settings.tile_url))
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy[0])
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        _hand_the_token_to_dash(response)
        return response

    @server.errorhandler(RequestEntityTooLarge)
    def too_large(_error):
        message = _("This request is too large: at most {size} are accepted.").format(
            size=readable_size(body_limit(request.path)))
        if request.path.startswith((*DATA_PREFIXES, API_PREFIX)):
            return jsonify({"error": message}), 413
        return message, 413, {"Content-Type": "text/plain; charset=utf-8"}

    del limit_the_body, refuse_cross_site, secure_the_answer, too_large


def body_limit(path: str) -> int:
    """The largest body ``path`` accepts from this request's viewer."""
    if path == API_IMPORTS_PATH:
        return API_IMPORT_LIMIT
    if path != CALLBACK_PATH:
        return FORM_LIMIT
    if current_user.is_authenticated and current_user.viewer.is_leader:
        return IMPORT_BODY_LIMIT
    return CALLBACK_LIMIT


def cross_site_reason() -> str:
    """Why this state-changing request is refused as cross-site; "" if it is not."""
    origin = request.headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc != request.host:
        return f"Origin {origin[:100]!r} is not {request.host!r}"  # i18n: not shown (log)
    fetch_site = request.headers.get("Sec-Fetch-Site", "")
    if fetch_site in ("cross-site", "same-site"):
        return f"Sec-Fetch-Site {fetch_site}"  # i18n: not shown (log)
    if request.path in FORM_PATHS or not current_user.is_authenticated:
        return ""  # the forms check their own field; unsigned requests get 401 next
    if request.path.startswith(API_PREFIX) and bearer_token():
        return ""  # the API reads no cookie, and a cross-site page cannot set this header
    sent = request.headers.get(CSRF_HEADER, "")
    expected = session.get(CSRF_FIELD, "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        return "no or wrong CSRF token"  # i18n: not shown (log)
    return ""


def _hand_the_token_to_dash(response) -> None:
    """Keep the ``_csrf_token`` cookie equal to the session's token for a
    signed-in viewer (not on the sign-in answer itself, which replaces the
    session): Dash's renderer sends it back with every request.

    Reads the session's signed-in mark, not ``current_user``: loading the
    user reads the database, and when the database is lost this runs after
    the outage banner was built, where the failure turned it into a 500."""
    if request.path == LOGIN_PATH or SIGNED_IN_KEY not in session:
        return
    token = csrf_token()
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, secure=request.is_secure, httponly=False,
                            samesite="Strict", path="/")  # i18n: not shown


def content_security_policy(script_hashes: list[str], tile_url: str) -> str:
    """Scripts only from the app (plus Dash's inline renderer start, by hash);
    styles from the app and inline (Plotly, AG Grid and Leaflet set styles from
    script); images from the app, data/blob URLs and the map tile server."""
    tiles = tile_origin(tile_url)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *([tiles] if tiles else [])],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def tile_origin(tile_url: str) -> str:
    """The CSP source of the map tiles: ``https://{s}.tile.example/{z}/...``
    gives ``https://*.tile.example``; "" without tiles."""
    if not tile_url:
        return ""
    parts = urlsplit(tile_url)
    host = ".".join("*" if "{" in label else label for label in parts.netloc.split("."))
    return f"{parts.scheme}://{host}" if parts.scheme and host else ""


def readable_size(size: int) -> str:
    if size >= MB:
        return _("{n} MB").format(n=size // MB)
    return _("{n} KB").format(n=size // KB)
