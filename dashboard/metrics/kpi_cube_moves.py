"""Aggregates of a what-if: the same rows with some accounts in other territories.

Rebuilding :mod:`dashboard.metrics.kpi_cube` for every what-if would cost seconds at
2M opportunities, and scanning rows instead nearly as much; but a move
touches few accounts, so their opportunities are taken out of the old
territories' sums and added to the new ones' as a small integer correction
(exact, like the cube itself), one signed entry per moved opportunity and side.
``dashboard.whatif.changeset.apply`` calls :func:`follow` for every scenario of
frames that carry aggregates.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from dashboard.metrics.kpi_cube_build import Aggregates, Moves, members, whole_scaled


def follow(agg: Aggregates, account_territory: np.ndarray, opps: pd.DataFrame
           ) -> Aggregates | None:
    """The aggregates of the same rows after accounts changed territory.

    ``account_territory`` is every account's new territory code (positions
    as in ``agg``); ``opps`` the opportunities, same rows as when ``agg`` was
    built. Only the moved accounts' opportunities are read: their sums leave
    the old territory's sums and join the new one's, as a correction of one
    entry per moved opportunity and side on top of the stored cube (integers,
    so still exact). None when the moved rows are not whole cents (the caller
    then scans rows).
    """
    root = agg.origin or agg
    account_territory = np.asarray(account_territory, dtype=np.int64)
    changed = np.flatnonzero(account_territory != root.account_territory)
    cubes = root.cubes
    if cubes is not None and len(changed):
        positions = np.sort(members(root.opp_order, root.opp_starts, changed))
        cubes = _moved_cubes(root, positions, account_territory, opps)
        if cubes is None:
            return None
    won = replace(root.won, territory=account_territory[root.won.account])
    return replace(root, account_territory=account_territory, won=won, cubes=cubes,
                   origin=root, memo={})


def _status_of(opps: pd.DataFrame, positions: np.ndarray) -> np.ndarray:
    status = opps["status"]
    if isinstance(status.dtype, pd.CategoricalDtype):
        names = np.append(np.asarray(status.cat.categories, dtype=object), None)
        return names[status.cat.codes.to_numpy()[positions]]
    return status.to_numpy(dtype=object)[positions]


def _moved_cubes(root: Aggregates, positions: np.ndarray, account_territory: np.ndarray,
                 opps: pd.DataFrame) -> dict | None:
    account = root.opp_account[positions]
    old, new = root.account_territory[account], account_territory[account]
    close = opps["close_on"].to_numpy(dtype="float64")[positions]
    amount = opps["amount"].to_numpy(dtype="float64")[positions]
    probability = opps["probability"].to_numpy(dtype="float64")[positions]
    status = _status_of(opps, positions)
    won, lost, open_ = status == "won", status == "lost", status == "open"
    dated = ~np.isnan(close)
    cents = whole_scaled(np.where(won | open_, amount, 0.0), 100.0)
    weighted = whole_scaled(np.where(open_, amount * probability, 0.0), 10_000.0)
    if cents is None or weighted is None:
        return None
    leave = np.flatnonzero((old >= 0) & dated)
    join = np.flatnonzero((new >= 0) & dated)
    pick = np.concatenate([leave, join])
    sign = np.concatenate([-np.ones(len(leave), np.int64), np.ones(len(join), np.int64)])
    territory = np.concatenate([old[leave], new[join]])
    any_cube = root.cubes[None]
    day = np.searchsorted(any_cube.days, close[pick])
    values = {
        "won_cents": np.where(won, cents, 0), "won_count": won.astype(np.int64),
        "lost_count": lost.astype(np.int64), "open_cents": np.where(open_, cents, 0),
        "weighted": np.where(open_, weighted, 0),
    }
    signed = {name: sign * v[pick] for name, v in values.items()}
    segment = root.account_segment[account[pick]]

    def moves(keep: np.ndarray | slice) -> Moves:
        return Moves(territory[keep], day[keep], {k: v[keep] for k, v in signed.items()})

    cubes = {None: replace(any_cube, moves=moves(slice(None)))}
    for code, name in enumerate(root.segments):
        cubes[name] = replace(root.cubes[name], moves=moves(segment == code))
    return cubes
