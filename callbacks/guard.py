"""Server-side access checks that every callback goes through.

Two layers, so a forgotten check fails closed:

1. Each callback declares who may call it with ``@guard.level("any" |
   "manager" | "leader")`` under its ``@app.callback``. A request hook
   (``callbacks/auth.py``) looks the called callback up in the app's own
   callback map and refuses it (403, logged) when the signed-in viewer's role
   does not reach that level -- or when the callback declares nothing.
2. Inside, a callback confines what it returns to the viewer's scope with
   the helpers here: whatever identifiers the browser sent are intersected
   with the territories and reps the viewer may see.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from flask import has_request_context
from flask_login import current_user

from dashboard.access import rules
from dashboard.access.rules import Viewer
from dashboard.runtime.scoped import ScopedData
from dashboard.runtime.service import DataService
from dashboard.views.selection import ALL, Selection

log = logging.getLogger("territory_dashboard.access")

ACCESS_ATTRIBUTE = "td_access_level"


def level(name: str) -> Callable:
    """Declare who may call the decorated callback (put it under ``@app.callback``
    -- i.e. applied first -- so Dash's wrapper copies the mark)."""
    if name not in rules.LEVELS:
        raise ValueError(f"unknown access level {name!r}")  # i18n: not shown

    def mark(function: Callable) -> Callable:
        setattr(function, ACCESS_ATTRIBUTE, name)
        return function

    return mark


def declared_level(callback_function) -> str | None:
    return getattr(callback_function, ACCESS_ATTRIBUTE, None)


def viewer() -> Viewer | None:
    """The signed-in viewer of the current request, else None."""
    if not has_request_context():
        return None
    user = current_user
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.viewer


def require_viewer() -> Viewer:
    """The viewer; raises when there is none (the request hook already refused
    unsigned requests, so this only guards against a hook being bypassed)."""
    found = viewer()
    if found is None:
        raise PermissionError("no signed-in user")  # i18n: not shown
    return found


def data(service: DataService | ScopedData, who: Viewer | None = None) -> ScopedData:
    """The data as the signed-in viewer (or ``who``, in a background job) may
    see it: what every view callback builds its answer from. Data already
    cut for this viewer is returned as it is."""
    if isinstance(service, ScopedData):
        if who is None or service.viewer == who:
            return service  # a background job's data, cut for the viewer it was signed for
        service = service.service
    return ScopedData(service, who or require_viewer())


def territory_ids(service: DataService | ScopedData,
                  who: Viewer | None = None) -> frozenset[str]:
    return frozenset(data(service, who).frames().territories.index)


def rep_ids(service: DataService | ScopedData, who: Viewer | None = None) -> frozenset[str]:
    """Rep ids the viewer may see (a rep only themself, not a territory partner)."""
    who = who or require_viewer()
    frames = data(service, who).frames()
    return rules.rep_scope(who, frames.reps, frozenset(frames.territories.index))


def out_of_scope(what: str, who: Viewer | None = None) -> None:
    """Log a request that named something outside the viewer's scope."""
    who = who or viewer()
    log.warning("out-of-scope request refused: user=%s role=%s asked for %s",
                getattr(who, "username", "?"), getattr(who, "role", "?"), what)


#: a region no territory has: what an out-of-scope request is answered with,
#: so every view shows its ordinary "no territory matches" state
OUT_OF_SCOPE_REGION = "(out of scope)"  # i18n: not shown (a filter value, never a label)


def confine(selection: Selection, who: Viewer | None = None) -> Selection:
    """The selection with its region confined to the viewer's scope. A request
    naming a region the viewer may not see (logged) matches no territory."""
    who = who or require_viewer()
    region = rules.confine_region(who, selection.region, ALL)
    if region is None:
        if not (who.role == rules.REP and selection.region == ALL):  # a rep's default asks nothing
            out_of_scope(f"region {str(selection.region)[:64]!r}", who)
        region = OUT_OF_SCOPE_REGION
    if region == selection.region:
        return selection
    return replace(selection, region=region)


def selection(period, region, segment, search, restated=None) -> Selection:
    """``Selection.from_controls`` confined to the signed-in viewer."""
    return confine(Selection.from_controls(period, region, segment, search, restated))


def allowed_territory(service: DataService | ScopedData, territory: object) -> str | None:
    """``territory`` when it is a territory id in the viewer's scope, else None
    (logged when it names one outside)."""
    if not isinstance(territory, str) or not territory:
        return None
    if territory in territory_ids(service):
        return territory
    out_of_scope(f"territory {territory[:64]!r}")
    return None


# --- background jobs: no Flask session there, so the scope travels signed ----

#: a signed viewer is good for a working day; the page is reloaded long before
VIEWER_TOKEN_MAX_AGE = 12 * 3600


def viewer_token(secret: str, who: Viewer | None = None) -> str:
    """The viewer, signed with the app's secret, for a page to hand to its
    background callbacks (which run outside the request and its session).
    The browser can carry it but not forge or alter it."""
    from itsdangerous import URLSafeTimedSerializer

    from dashboard.i18n import translation

    who = who or require_viewer()
    # "l": the page's language, for the job to speak it (it has no request)
    data = {"i": who.user_id, "u": who.username, "r": who.role, "s": who.scope,
            "sl": who.scope_level, "l": translation.language()}
    return URLSafeTimedSerializer(secret, salt="td-viewer").dumps(data)


def viewer_from_token(secret: str, token) -> Viewer | None:
    """The viewer a ``viewer_token`` names, or None when it is missing, forged
    or expired."""
    from itsdangerous import BadSignature, URLSafeTimedSerializer

    if not isinstance(token, str) or not token:
        return None
    try:
        data = URLSafeTimedSerializer(secret, salt="td-viewer").loads(
            token, max_age=VIEWER_TOKEN_MAX_AGE)
    except BadSignature:
        log.warning("a background job got a forged or expired viewer token")
        return None
    return Viewer(user_id=data["i"], username=data["u"], role=data["r"], scope=data["s"],
                  language=data.get("l") or "", scope_level=data.get("sl") or "")
