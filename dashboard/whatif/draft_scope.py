"""Which territories a what-if draft touches, so a manager's edits can be held
to their own region.

A draft names a territory when it moves a county or an account into it or
out of it, changes its quota, or locks it or something in it. A manager may
save or propose a draft only when every territory it names is theirs.
"""

from __future__ import annotations

from collections.abc import Iterable

from dashboard.metrics.frames import Frames


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
    # clearing an override sends the account back to its county's territory
    cleared = [a for a, t in changes.account_overrides.items()
               if not t and a in frames.accounts.index]
    counties = frames.accounts.loc[cleared, "county_fips"].dropna()
    named |= {changes.county_moves.get(c) or county_owner.get(c) for c in counties} - {None}
    named |= set(changes.quota_changes)
    named |= set(changes.locked_territories)
    named |= owners(changes.locked_counties, county_owner)
    named |= owners(changes.locked_accounts, account_owner)
    return {str(t) for t in named}


def outside(frames: Frames, changes, allowed: set[str] | frozenset[str]) -> list[str]:
    """The territories ``changes`` names that are not in ``allowed``, sorted."""
    return sorted(territories_named(frames, changes) - set(allowed))
