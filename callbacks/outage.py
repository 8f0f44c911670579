"""What a user sees when a request fails outside a callback's own body -- in
the sign-in hook that loads the user, say, while the database is down.

Dash's ``on_error`` only covers exceptions raised inside a callback; a
failure in a request hook reaches Flask's error handler instead, and a bare
HTTP 500 there leaves the page silently stale (the browser shows nothing
outside debug mode). So a failed callback request is answered the way Dash
answers a handled error: HTTP 200, no output changed, the shell's error
banner opened with plain words. A page request gets a short 503 page. Lost
database connections are expected operational events: one warning line,
not a traceback per request; SQLAlchemy's pre-ping reconnects by itself once
the database is back, so the next request simply works.
"""

from __future__ import annotations

import logging

from flask import request
from markupsafe import escape

from dashboard.i18n.translation import N_, _
from layouts import ids

log = logging.getLogger("territory_dashboard.outage")

CALLBACK_PATH = "/_dash-update-component"
DATABASE_DOWN = N_("The database is not answering right now, so this view could not be "
                   "updated. It reconnects by itself: try again in a moment.")
SOMETHING_WRONG = N_("Something went wrong while updating this view. "
                     "The problem has been logged; try again or change the selection.")


def is_database_outage(error: BaseException) -> bool:
    """A lost or refused database connection (not a bad query)."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    return isinstance(error, OperationalError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated)


def banner_response(message: str) -> dict:
    """A callback answer that changes no output and opens the error banner."""
    return {"multi": True, "response": {},
            "sideUpdate": {ids.ERROR_BANNER: {"is_open": True, "children": message}}}


def answer(error: BaseException):
    """The response for an unhandled ``error``, or None to use the generic one."""
    outage = is_database_outage(error)
    if outage:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        log.warning("database unavailable during %s %s: %s", request.method, request.path,
                    reason[0] if reason else type(error).__name__)
    if request.path == CALLBACK_PATH:
        if not outage:
            log.exception("request failed before its callback ran", exc_info=error)
        return banner_response(_(DATABASE_DOWN if outage else SOMETHING_WRONG)), 200
    if outage:
        page = ("<!doctype html><meta http-equiv=\"refresh\" content=\"10\">"
                "<title>Territory Dashboard</title><p>"  # i18n: not shown
                + escape(_("The database is not answering right now. "
                           "This page reloads itself in 10 seconds.")) + "</p>")
        return page, 503, {"Retry-After": "10", "Content-Type": "text/html; charset=utf-8"}
    return None
