"""Which territories a what-if draft touches, so a manager's edits can be held
to their own region.

A draft names a territory when it moves a county, a ZIP area or an account
into it or out of it, changes its quota, or locks it or something in it. A manager may
save or propose a draft only when every territory it names is theirs.

:class:`ScenarioScope` is the one place that decides, with
``access.scope``'s rule, whether a viewer may see a saved scenario, change or
open it, or send a draft: every scenario operation and every what-if answer
built from a posted history asks it. What a scenario touches is judged on
every territory's frames (the live alignment), since the viewer's cut no
longer holds what lies outside their region.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dashboard.access.rules import Viewer
from dashboard.access.scope import Scope, may_change_scenario, may_see_scenario
from dashboard.metrics.frames import Frames
from dashboard.whatif.changeset import index_of, zip_live_territory


def territories_named(frames: Frames, changes) -> set[str]:
    """Territory ids ``changes`` (a ``whatif.Changes``) moves to or from,
    re-quotas or locks, judged against the live alignment in ``frames``."""
    county_owner = frames.alignment["territory_id"]
    account_owner = frames.accounts["territory_id"]

    def owners(ids: Iterable[str], table) -> set[str]:
        known = [i for i in ids if i in table.index]
        return {str(t) for t in table.loc[known].dropna()}

    named = set(changes.county_moves.values())
    named |= owners(changes.county_moves, county_owner)
    named |= {t for t in changes.account_overrides.values() if t}
    named |= owners(changes.account_overrides, account_owner)
    named |= set(changes.zip_moves.values())
    named |= {zip_live_territory(frames, z)
              for z in (*changes.zip_moves, *changes.locked_zips)} - {None}
    # clearing an override sends the account back to its ZIP's or county's territory
    cleared = [a for a, t in changes.account_overrides.items()
               if not t and a in frames.accounts.index]
    if cleared:
        index = index_of(frames)
        units = index.unit_codes(frames, changes, frames.accounts.index.get_indexer(cleared))
        named |= {index.territory_ids[c] for c in units if c >= 0}
    named |= set(changes.quota_changes)
    named |= set(changes.locked_territories)
    named |= owners(changes.locked_counties, county_owner)
    named |= owners(changes.locked_accounts, account_owner)
    return {str(t) for t in named}


#: what :meth:`ScenarioScope.verdict` answers
ALLOWED, HIDDEN, OUTSIDE = "allowed", "hidden", "outside"


@dataclass(frozen=True)
class ScenarioScope:
    """One viewer's rights over saved scenarios and what-if drafts.

    ``frames`` are every territory's (``ScopedData.unscoped_frames``): only
    to judge what a scenario or a draft touches, never to answer with."""

    viewer: Viewer
    scope: Scope
    frames: Frames

    def touched(self, changes) -> set[str]:
        return set() if self.scope.everything else territories_named(self.frames, changes)

    def outside(self, changes) -> list[str]:
        """What ``changes`` names beyond the viewer's scope (for the log, never
        the screen): territories not theirs, and counties or accounts the data
        does not hold, which read the same as another region's (an id outside
        the scope is unknown, whether it exists elsewhere or not). Empty for a
        leader, whose unknown ids are named by ``views.whatif.check_fits``."""
        if self.scope.everything:
            return []
        named = sorted(t for t in territories_named(self.frames, changes)
                       if not self.scope.has_territory(t))
        alignment, accounts = self.frames.alignment.index, self.frames.accounts.index
        counties = [*changes.county_moves, *changes.locked_counties]
        listed = [*changes.account_overrides, *changes.locked_accounts]
        return (named + sorted({c for c in counties if c not in alignment})
                + sorted({z for z in (*changes.zip_moves, *changes.locked_zips)
                          if zip_live_territory(self.frames, z) is None})
                + sorted({a for a in listed if a not in accounts}))

    def may_see(self, changes, author: str | None) -> bool:
        """Whether the scenario is listed to the viewer at all."""
        if self.scope.everything:
            return True
        return may_see_scenario(self.viewer, self.scope, self.touched(changes), author)

    def verdict(self, changes, author: str | None, new=None) -> str:
        """Whether the viewer may open, export, compare, copy, save over, rename,
        delete, move along or apply a stored scenario holding ``changes``,
        written by ``author`` (with ``new``: saving those changes over it).

        HIDDEN when the viewer may not even see it (it must read as a scenario
        that does not exist), OUTSIDE when they may see it but it (or ``new``)
        touches territories outside their scope, else ALLOWED."""
        if self.scope.everything:
            return ALLOWED
        stored = self.touched(changes)
        if not may_see_scenario(self.viewer, self.scope, stored, author):
            return HIDDEN
        new_touched = () if new is None else self.touched(new)
        if (not may_change_scenario(self.viewer, self.scope, stored, author, new_touched)
                or (new is not None and self.outside(new))):
            return OUTSIDE
        return ALLOWED
