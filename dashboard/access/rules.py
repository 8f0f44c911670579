"""Who may see what: the access rules, as pure functions of a viewer and the frames.

A leader sees everything; a manager the territories under their unit (their
region, or a district or any other level's unit: ``Viewer.scope_level``); a rep
their own territory and scorecard only. The web layer asks these functions
on every request and never trusts identifiers the browser sends: whatever a
request names is intersected with the viewer's scope.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import pandas as pd

from dashboard.storage import hierarchy

#: The roles, named here and through these constants everywhere else.
LEADER, MANAGER, REP = "leader", "manager", "rep"
ROLES = (LEADER, MANAGER, REP)

#: Who a page is open to: each entry of the page registry (``callbacks/pages.py``)
#: names one of these. Reps see their scorecard and nothing else; the data
#: import and user administration stay with leaders.
EVERYONE = frozenset(ROLES)
MANAGERS = frozenset({LEADER, MANAGER})
LEADERS = frozenset({LEADER})

#: Callback access levels, from the most open: "any" signed-in user (the
#: callback confines its data itself), managers (and leaders), leaders only.
#: A level is named for the least role it admits.
ANY = "any"
LEVELS = (ANY, MANAGER, LEADER)


@dataclass(frozen=True)
class Viewer:
    """The signed-in user as the access rules need them.

    ``scope`` is a manager's unit id (a region unless ``scope_level`` names
    another level: a district manager's district) or a rep's rep id (empty
    for a leader)."""

    user_id: int
    username: str
    role: str
    scope: str = ""
    display_name: str = ""
    #: the language the user chose ("" = follow the browser)
    language: str = ""
    #: the level of a manager's unit ("" = region)
    scope_level: str = ""
    #: signed in with a one-time password: no page nor data until they set their own
    must_change_password: bool = False
    #: changes whenever the password does: a session signed in before a change ends
    password_stamp: str = ""

    @property
    def unit(self) -> tuple[str, str]:
        """A manager's (level, unit id)."""
        return (self.scope_level or hierarchy.REGION, self.scope)

    @property
    def unit_filter(self) -> str:
        """A manager's unit as a filter value (``hierarchy.filter_value``)."""
        return hierarchy.filter_value(*self.unit)

    @property
    def is_leader(self) -> bool:
        return self.role == LEADER

    def may_call(self, level: str) -> bool:
        """Whether a callback declared at ``level`` answers this viewer."""
        if level not in LEVELS:
            return False
        if self.role == LEADER:
            return True
        if self.role == MANAGER:
            return level in (ANY, MANAGER)
        return self.role == REP and level == ANY


def may_open(viewer: Viewer, path: str, roles_by_path: Mapping[str, Collection[str]]) -> bool:
    """Whether the viewer may open the page at ``path``. ``roles_by_path`` maps
    each page's path to the roles it is open to (the page registry's, in
    navigation order); a path no page has is open to nobody."""
    return viewer.role in roles_by_path.get(path, ())


def home_page(viewer: Viewer, roles_by_path: Mapping[str, Collection[str]]) -> str:
    """Where signing in lands: the first page, in navigation order, the viewer
    may open (a rep's scorecard; the map for the others)."""
    return next((path for path, roles in roles_by_path.items() if viewer.role in roles), "/")


def territory_scope(viewer: Viewer, territories: pd.DataFrame, reps: pd.DataFrame,
                    member: pd.DataFrame | None = None) -> frozenset[str]:
    """Territory ids the viewer may see.

    ``territories`` has ``territory_id`` and ``region``; ``reps`` has
    ``rep_id`` and ``territory_id``; ``member`` is the hierarchy
    (``storage.hierarchy.membership``; None: derived from ``territories``).
    A manager sees the territories under their unit, whatever its level. An
    unknown role, level, unit or rep sees none."""
    if viewer.role == LEADER:
        return frozenset(territories["territory_id"].astype(str))
    if viewer.role == MANAGER:
        if member is None:
            member = hierarchy.membership(territories, None)
        return hierarchy.territories_under(member, *viewer.unit)
    if viewer.role == REP:
        mine = reps.loc[reps["rep_id"].astype(object) == viewer.scope, "territory_id"]
        return frozenset(str(t) for t in mine.dropna())
    return frozenset()


def rep_scope(viewer: Viewer, reps: pd.DataFrame,
              territory_ids: frozenset[str]) -> frozenset[str]:
    """Rep ids the viewer may see: a rep only themself; others the reps of
    their territories (and, for a leader, reps without a territory too)."""
    if viewer.role == REP:
        known = set(reps["rep_id"].astype(str))
        return frozenset({viewer.scope} & known)
    if viewer.role == LEADER:
        return frozenset(reps["rep_id"].astype(str))
    mask = reps["territory_id"].astype(object).isin(territory_ids)
    return frozenset(reps.loc[mask, "rep_id"].astype(str))


def confine_region(viewer: Viewer, requested: str, all_value: str) -> str | None:
    """The region (or other unit: ``hierarchy.filter_value``) a view may show
    for a request naming ``requested``.

    A leader gets what they asked for; a manager their own unit when they
    asked for it or for everything, a unit of a level other than region as
    asked (their frames hold their own territories only, so a unit outside
    them matches nothing), else None (out of scope: show nothing)."""
    if viewer.role == LEADER:
        return requested
    if viewer.role != MANAGER:
        return None
    if requested in (all_value, viewer.unit_filter):
        return viewer.unit_filter
    if isinstance(requested, str) and hierarchy.parse_filter(requested)[0] != hierarchy.REGION:
        return requested
    return None
