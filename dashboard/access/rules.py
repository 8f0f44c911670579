"""Who may see what: the access rules, as pure functions of a viewer and the frames.

A leader sees everything; a manager the territories of their region; a rep
their own territory and scorecard only. The web layer asks these functions
on every request and never trusts identifiers the browser sends: whatever a
request names is intersected with the viewer's scope.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

ROLES = ("leader", "manager", "rep")

#: What each role may open. Reps see their scorecard and nothing else; the
#: data import and user administration stay with leaders.
PAGES_BY_ROLE = {
    "leader": None,  # every page
    "manager": frozenset({"/", "/attainment", "/pipeline", "/underperformers", "/what-if",
                          "/scorecard", "/compare"}),
    "rep": frozenset({"/scorecard"}),
}

#: Callback access levels, from the most open: "any" signed-in user (the
#: callback confines its data itself), "manager" (managers and leaders),
#: "leader" only.
LEVELS = ("any", "manager", "leader")


@dataclass(frozen=True)
class Viewer:
    """The signed-in user as the access rules need them.

    ``scope`` is a manager's region or a rep's rep id (empty for a leader)."""

    user_id: int
    username: str
    role: str
    scope: str = ""
    display_name: str = ""
    #: the language the user chose ("" = follow the browser)
    language: str = ""

    @property
    def is_leader(self) -> bool:
        return self.role == "leader"

    def may_call(self, level: str) -> bool:
        """Whether a callback declared at ``level`` answers this viewer."""
        if level not in LEVELS:
            return False
        if self.role == "leader":
            return True
        if self.role == "manager":
            return level in ("any", "manager")
        return self.role == "rep" and level == "any"

    def may_open(self, path: str) -> bool:
        if self.role not in PAGES_BY_ROLE:
            return False
        pages = PAGES_BY_ROLE[self.role]
        return pages is None or path in pages

    def home_page(self) -> str:
        return "/scorecard" if self.role == "rep" else "/"


def territory_scope(viewer: Viewer, territories: pd.DataFrame,
                    reps: pd.DataFrame) -> frozenset[str]:
    """Territory ids the viewer may see.

    ``territories`` has ``territory_id`` and ``region``; ``reps`` has
    ``rep_id`` and ``territory_id``. An unknown role, region or rep sees none."""
    if viewer.role == "leader":
        return frozenset(territories["territory_id"].astype(str))
    if viewer.role == "manager":
        mask = territories["region"].astype(object) == viewer.scope
        return frozenset(territories.loc[mask, "territory_id"].astype(str))
    if viewer.role == "rep":
        mine = reps.loc[reps["rep_id"].astype(object) == viewer.scope, "territory_id"]
        return frozenset(str(t) for t in mine.dropna())
    return frozenset()


def rep_scope(viewer: Viewer, reps: pd.DataFrame,
              territory_ids: frozenset[str]) -> frozenset[str]:
    """Rep ids the viewer may see: a rep only themself; others the reps of
    their territories (and, for a leader, reps without a territory too)."""
    if viewer.role == "rep":
        known = set(reps["rep_id"].astype(str))
        return frozenset({viewer.scope} & known)
    if viewer.role == "leader":
        return frozenset(reps["rep_id"].astype(str))
    mask = reps["territory_id"].astype(object).isin(territory_ids)
    return frozenset(reps.loc[mask, "rep_id"].astype(str))


def confine_region(viewer: Viewer, requested: str, all_value: str) -> str | None:
    """The region a view may show for a request naming ``requested``.

    A leader gets what they asked for; a manager their own region when they
    asked for it or for all regions, else None (out of scope: show nothing)."""
    if viewer.role == "leader":
        return requested
    if viewer.role == "manager" and requested in (all_value, viewer.scope):
        return viewer.scope
    return None


def regions_offered(viewer: Viewer, regions: list[str]) -> list[str]:
    """The region choices a viewer's controls list."""
    if viewer.role == "leader":
        return list(regions)
    if viewer.role == "manager":
        return [r for r in regions if r == viewer.scope]
    return []
