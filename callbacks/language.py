"""The language of each request, and the switch that changes it.

Every request speaks the signed-in user's saved language, else the one chosen
on the sign-in page (kept in the session), else the browser's
``Accept-Language``; the choice is set in ``dashboard.i18n.translation``'s context for the
layouts and callbacks of that request. The switch is a small form post (with
the session's CSRF token) that saves the choice on the user, so it follows
them to any browser, and reloads the page in the new language.
"""

from __future__ import annotations

import logging

from flask import abort, redirect, request, session
from flask_login import current_user

from dashboard.access import users
from dashboard.i18n import translation

log = logging.getLogger("territory_dashboard.language")

LANGUAGE_PATH = "/language"
SESSION_KEY = "language"


def request_language() -> str:
    """The language for this request (see the module docstring)."""
    saved = ""
    if current_user and current_user.is_authenticated:
        saved = current_user.viewer.language
    saved = saved or session.get(SESSION_KEY, "")
    return translation.negotiate(saved, list(request.accept_languages))


def install(app, service, currency: str) -> None:
    """Hook the language into every request and add the switch's endpoint."""
    from callbacks.auth import csrf_ok, safe_next

    server = app.server

    @server.before_request
    def speak_the_users_language():
        # the thread starts every request at the default (see the teardown), so
        # if finding the user fails (database down) it speaks that, not another's
        translation.activate(request_language(), currency)

    @server.teardown_request
    def back_to_the_default_language(_error):
        # the thread (a test client's, a server's) outlives the request
        translation.activate(None, currency)

    @server.route(LANGUAGE_PATH, methods=["POST"])
    def choose_language():
        if not csrf_ok():
            abort(400)
        chosen = translation.supported(request.form.get("language"))
        if chosen is None:
            abort(400)
        session[SESSION_KEY] = chosen
        if current_user.is_authenticated:
            users.set_language(service.engine, current_user.viewer.user_id, chosen)
            log.info("user %s chose language %s", current_user.viewer.username, chosen)
        return redirect(safe_next(request.form.get("next")))

    @server.after_request
    def name_the_page_language(response):
        """Dash's page template has a bare ``<html>``: name the language on it,
        so screen readers pronounce French as French."""
        if (response.mimetype == "text/html" and not response.direct_passthrough
                and response.status_code == 200):
            body = response.get_data(as_text=True)
            if "<html>" in body[:200]:
                lang = translation.language()
                response.set_data(body.replace("<html>", f'<html lang="{lang}">', 1))
        return response

    del speak_the_users_language, back_to_the_default_language, choose_language
    del name_the_page_language
