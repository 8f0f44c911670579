"""The form where a viewer sets their own password (``/password``).

A user holding a one-time password (a rep's first sign-in from the first-run
path, or ``users reset-password --one-time``) lands here from the sign-in
form, and ``callbacks.auth`` sends every other request of theirs here (a page)
or refuses it (403, data) until they have set their own; the one-time password
then stops working. Any signed-in viewer may use it to change theirs.

Like the sign-in form it is a plain HTML form with the session's CSRF token,
and a wrong current password counts toward the same Flask-Limiter limits as a
failed sign-in (``callbacks/signin_limits.py``), per address and per user.
"""

from __future__ import annotations

import logging

from flask import Flask, make_response, redirect, request, session
from flask_login import current_user

from callbacks.pages import home_page
from dashboard.access import users
from dashboard.access.signin_limits import wait_minutes
from dashboard.i18n.translation import _, ngettext

log = logging.getLogger("territory_dashboard.auth")

#: the Flask endpoint's name (``callbacks/signin_limits.py`` keys its limit by the viewer)
ENDPOINT = "password"
#: the longest password read from the form (a longer one is cut, as at sign-in)
LONGEST = 200


def install(server: Flask, service, limits) -> None:
    """Add the form's endpoint (GET shows it, POST changes the password)."""
    from callbacks.auth import (
        PAGE_TEMPLATE,
        PASSWORD_PATH,
        STAMP_KEY,
        csrf_ok,
        form_page,
        safe_next,
    )

    template = PAGE_TEMPLATE.replace("<!-- form -->", FORM)

    def page(message: str = "", status: int = 200, next_path: str = "/"):
        viewer = current_user.viewer
        lead = (_("You signed in with a one-time password: choose your own to go on.")
                if viewer.must_change_password else _("Choose a new password."))
        return form_page(template, message, status, title=_("Set your password"), lead=lead,
                         next_path=next_path, password_path=PASSWORD_PATH,
                         username=viewer.username, shortest=users.MIN_PASSWORD_LENGTH)

    def change_password():
        if request.method == "GET":
            return page(next_path=safe_next(request.args.get("next")))
        next_path = safe_next(request.form.get("next"))
        if not csrf_ok():
            return page(_("The form expired; please try again."), 400, next_path)
        current = request.form.get("current_password", "")[:LONGEST]
        new = request.form.get("new_password", "")[:LONGEST]
        if new != request.form.get("repeat_password", "")[:LONGEST]:
            return page(_("The two new passwords differ."), 400, next_path)
        viewer = current_user.viewer
        refused = users.change_password(service.engine, viewer.user_id, current, new)
        if refused == users.WRONG_CURRENT:  # 401: counted like a failed sign-in
            log.info("wrong current password for %s from %s", viewer.username,
                     request.remote_addr)
            return page(_("The current password is wrong."), 401, next_path)
        if refused == users.TOO_SHORT:
            return page(_("A password needs at least {n} characters.").format(
                n=users.MIN_PASSWORD_LENGTH), 400, next_path)
        if refused == users.SAME_AS_BEFORE:
            return page(_("The new password must differ from the current one."), 400,
                        next_path)
        log.info("user %s set a new password", viewer.username)
        # this session goes on; any other of theirs (the one-time password's) ends
        changed = users.viewer_by_id(service.engine, viewer.user_id)
        session[STAMP_KEY] = changed.password_stamp if changed else ""
        return redirect(next_path if next_path != "/" else home_page(viewer))

    def throttled(seconds: int):
        """The form again, answer 429: too many wrong passwords (here or at sign-in)."""
        log.warning("password change throttled for %s", current_user.viewer.username)
        minutes = wait_minutes(seconds)
        html, status, headers = page(ngettext(
            "Too many wrong passwords. Try again in {n} minute.",
            "Too many wrong passwords. Try again in {n} minutes.", minutes).format(n=minutes),
            429, safe_next(request.form.get("next")))
        return make_response(html, status, headers)

    server.add_url_rule(PASSWORD_PATH, ENDPOINT, limits.protect(change_password, throttled),
                        methods=["GET", "POST"])


FORM = """
    <form method="post" action="{{ password_path }}" id="password-form">
      <input type="hidden" name="csrf_token" value="{{ token }}">
      <input type="hidden" name="next" value="{{ next_path }}">
      <input type="hidden" name="username" value="{{ username }}" autocomplete="username">
      <label class="form-label" for="current-password">{{ _("Current password") }}</label>
      <input class="form-control mb-2" id="current-password" name="current_password"
             type="password" autocomplete="current-password" required autofocus>
      <label class="form-label" for="new-password">{{ _("New password") }}</label>
      <input class="form-control mb-1" id="new-password" name="new_password" type="password"
             autocomplete="new-password" minlength="{{ shortest }}" required>
      <div class="form-text mb-2">{{ _("At least {n} characters.").format(n=shortest) }}</div>
      <label class="form-label" for="repeat-password">{{ _("New password again") }}</label>
      <input class="form-control mb-3" id="repeat-password" name="repeat_password"
             type="password" autocomplete="new-password" minlength="{{ shortest }}" required>
      <button class="btn btn-primary w-100" type="submit" id="password-submit">
        {{ _("Set my password") }}</button>
    </form>"""  # i18n: not shown (the texts inside go through _)
