"""Sign-in, sign-out and the request hook that refuses what a viewer may not have.

Sign-in is a plain HTML form (no Dash), so it works before any JavaScript
loads and carries a CSRF token tied to the session. Every other request
passes ``enforce``: unsigned requests get 401 (data endpoints) or a redirect
to the form (pages); a signed-in viewer calling a callback above their role,
or one that declares no access level, gets 403 and a log line.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from datetime import timedelta
from urllib.parse import quote

from flask import (
    Flask,
    abort,
    jsonify,
    make_response,
    redirect,
    render_template_string,
    request,
    session,
)
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from callbacks import guard, password_change
from callbacks.api import API_PREFIX
from callbacks.pages import home_page
from callbacks.signin_limits import SignInLimits
from dashboard.access import users
from dashboard.access.rules import Viewer
from dashboard.access.signin_limits import wait_minutes
from dashboard.i18n import translation
from dashboard.i18n.translation import _, ngettext

log = logging.getLogger("territory_dashboard.auth")

LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
#: where a viewer sets their own password (``callbacks/password_change.py``);
#: one holding a one-time password reaches nothing else until they have
PASSWORD_PATH = "/password"
#: no data behind these: the sign-in form, the language switch, static files, the health probe
PUBLIC_PREFIXES = ("/login", "/language", "/assets/", "/_dash-component-suites/", "/_favicon.ico",
                   "/favicon.ico", "/healthz",
                   API_PREFIX)  # the import API checks its own bearer token (callbacks/api.py)
#: answered with 401 instead of a redirect when unsigned (fetched by scripts)
DATA_PREFIXES = ("/_dash-", "/_td/")
CSRF_FIELD = "csrf_token"
#: the session's copy of its user's password stamp at sign-in (``users.password_stamp``)
STAMP_KEY = "password_stamp"  # i18n: not shown


class SignedIn(UserMixin):
    """flask-login's user object around a ``Viewer``."""

    def __init__(self, viewer: Viewer):
        self.viewer = viewer

    def get_id(self) -> str:
        return str(self.viewer.user_id)


class HttpsAwareSessions(SecureCookieSessionInterface):
    """Session cookie marked ``Secure`` whenever the request came over HTTPS
    (or the config insists), so one deployment serves both without a setting."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def csrf_token() -> str:
    """The session's CSRF token, created on first use."""
    token = session.get(CSRF_FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def csrf_ok() -> bool:
    sent = request.form.get(CSRF_FIELD, "")
    expected = session.get(CSRF_FIELD, "")
    return bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())


def safe_next(target: str | None) -> str:
    """A local path to go to after sign-in; anything else (another site) is refused."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def install(app, service, cache) -> None:
    """Wire sign-in and enforcement into the Dash app's Flask server."""
    server: Flask = app.server
    server.session_interface = HttpsAwareSessions()
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                         PERMANENT_SESSION_LIFETIME=timedelta(hours=12))
    manager = LoginManager()
    manager.init_app(server)
    limits = SignInLimits(server, service.settings, cache)

    @manager.user_loader
    def load_user(user_id: str):
        try:
            found = users.viewer_by_id(service.engine, int(user_id))
        except ValueError:
            return None
        if found is None or session.get(STAMP_KEY, found.password_stamp) != found.password_stamp:
            return None  # unknown, inactive, or its password changed since this sign-in
        return SignedIn(found)

    @server.before_request
    def enforce():
        return _enforce(app)

    def login():
        if request.method == "GET":
            return _login_page(next_path=safe_next(request.args.get("next")))
        if not csrf_ok():
            return _login_page(_("The form expired; please sign in again."), status=400)
        username = request.form.get("username", "")[:100]
        password = request.form.get("password", "")[:200]
        next_path = safe_next(request.form.get("next"))
        found = users.authenticate(service.engine, username, password)
        if found is None:
            log.info("failed sign-in from %s", request.remote_addr)
            return _login_page(_("Wrong username or password."), status=401,
                               username=username, next_path=next_path)
        limits.remember(username)
        session.clear()  # a fresh session: no fixation of a pre-sign-in cookie
        session.permanent = True
        session[STAMP_KEY] = found.password_stamp
        login_user(SignedIn(found))
        log.info("user %s signed in", found.username)
        if found.must_change_password:
            return redirect(f"{PASSWORD_PATH}?next={quote(next_path, safe='/')}")
        return redirect(next_path if next_path != "/" else home_page(found))

    def throttled(seconds: int):
        """The form again, answer 429: Flask-Limiter found too many failures."""
        log.warning("sign-in throttled for a username or for %s", request.remote_addr)
        minutes = wait_minutes(seconds)
        html, status, headers = _login_page(ngettext(
            "Too many failed sign-ins. Try again in {n} minute.",
            "Too many failed sign-ins. Try again in {n} minutes.", minutes).format(n=minutes),
            status=429)
        return make_response(html, status, headers)

    server.add_url_rule(LOGIN_PATH, "login", limits.protect(login, throttled),
                        methods=["GET", "POST"])
    password_change.install(server, service, limits)

    @server.route(LOGOUT_PATH, methods=["POST"])
    def logout():
        if not csrf_ok():
            abort(400)
        logout_user()
        session.clear()
        return redirect(LOGIN_PATH)

    del load_user, enforce, logout


def _enforce(app):
    path = request.path
    if path.startswith(PUBLIC_PREFIXES):
        return None
    if not current_user.is_authenticated:
        if path.startswith(DATA_PREFIXES):
            return jsonify({"error": "sign in first"}), 401  # i18n: not shown
        target = request.full_path.rstrip("?")
        # the whole target is one value of the form's query: its own ? & = escaped,
        # or the first & would end it (and drop region, segment, drill-down)
        return redirect(f"{LOGIN_PATH}?next={quote(target, safe='/')}")
    if current_user.viewer.must_change_password and path not in (PASSWORD_PATH, LOGOUT_PATH):
        # a one-time password opens nothing but the form that replaces it
        if path.startswith(DATA_PREFIXES):
            return jsonify({"error": "set your own password first"}), 403  # i18n: not shown
        return redirect(f"{PASSWORD_PATH}?next={quote(request.full_path.rstrip('?'), safe='/')}")
    if path == "/_dash-update-component":
        return _check_callback(app, current_user.viewer)
    return None


def _check_callback(app, viewer: Viewer):
    body = request.get_json(silent=True) or {}
    output = body.get("output") if isinstance(body, dict) else None
    entry = app.callback_map.get(output) if isinstance(output, str) else None
    if entry is None:
        return jsonify({"error": "unknown callback"}), 403  # i18n: not shown
    wanted = guard.declared_level(entry.get("callback"))
    if wanted is None:
        log.error("callback %s declares no access level: refused", output[:200])
        return jsonify({"error": "not allowed"}), 403  # i18n: not shown
    if not viewer.may_call(wanted):
        guard.out_of_scope(f"callback {output[:200]} (needs {wanted})", viewer)
        return jsonify({"error": "not allowed"}), 403  # i18n: not shown
    return None


#: the card every form page shares (sign-in, password change), with the
#: language switch under the page's own form
PAGE_TEMPLATE = """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · Territory Dashboard</title>
<link rel="stylesheet" href="/assets/vendor/bootstrap.min.css">
<link rel="stylesheet" href="/assets/style.css">
</head><body class="login-body">
<main class="login-card card shadow-sm">
  <div class="card-body">
    <h1 class="h4 mb-1"><span class="brand-mark">◆</span> Territory Dashboard</h1>
    <p class="text-muted mb-3">{{ lead }}</p>
    {% if message %}
    <div class="alert alert-danger py-2" role="alert" id="login-error">{{ message }}</div>
    {% endif %}
    <!-- form -->
    <form method="post" action="{{ language_path }}" class="mt-3 text-center language-switch"
          id="language-switch">
      <input type="hidden" name="csrf_token" value="{{ token }}">
      <input type="hidden" name="next" value="{{ here }}">
      {% for code, name in languages %}
      <button type="submit" name="language" value="{{ code }}" lang="{{ code }}"
              id="language-{{ code }}" aria-pressed="{{ 'true' if code == lang else 'false' }}"
              class="btn btn-link btn-sm{{ ' fw-bold' if code == lang else '' }}">
        {{ name }}</button>
      {% endfor %}
    </form>
  </div>
</main></body></html>"""  # i18n: not shown (the texts inside go through _)

LOGIN_TEMPLATE = PAGE_TEMPLATE.replace("<!-- form -->", """
    <form method="post" action="{{ login_path }}" id="login-form">
      <input type="hidden" name="csrf_token" value="{{ token }}">
      <input type="hidden" name="next" value="{{ next_path }}">
      <label class="form-label" for="username">{{ _("Username") }}</label>
      <input class="form-control mb-2" id="username" name="username" value="{{ username }}"
             autocomplete="username" required autofocus>
      <label class="form-label" for="password">{{ _("Password") }}</label>
      <input class="form-control mb-3" id="password" name="password" type="password"
             autocomplete="current-password" required>
      <button class="btn btn-primary w-100" type="submit" id="login-submit">
        {{ _("Sign in") }}</button>
    </form>""")  # i18n: not shown (the texts inside go through _)


def form_page(template: str, message: str, status: int, **values):
    """A form page (``PAGE_TEMPLATE`` around a form) as Flask answers it: never cached."""
    html = render_template_string(template, message=message, token=csrf_token(), _=_,
                                  lang=translation.language(),
                                  languages=list(translation.LANGUAGE_NAMES.items()),
                                  language_path="/language",
                                  here=request.full_path.rstrip("?"), **values)
    return html, status, {"Cache-Control": "no-store"}


def _login_page(message: str = "", status: int = 200, username: str = "",
                next_path: str = "/"):
    return form_page(LOGIN_TEMPLATE, message, status, title=_("Sign in"),
                     lead=_("Sign in to see your territories."), username=username,
                     next_path=next_path, login_path=LOGIN_PATH)
