"""Aggregates of a what-if: the same rows with some accounts in other territories.

Rebuilding :mod:`dashboard.metrics.kpi_cube` for every what-if would cost seconds at
2M opportunities, and scanning rows instead nearly as much; but a move
touches few accounts, so their opportunities' sums are taken out of the old
territories' running totals and added to the new ones' as a small integer
correction (exact, like the cube itself). ``dashboard.whatif.changeset.apply``
calls :func:`follow` for every scenario of frames that carry aggregates.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from dashboard.metrics.kpi_cube_build import Aggregates, members, whole_scaled


def follow(agg: Aggregates, account_territory: np.ndarray, opps: pd.DataFrame
           ) -> Aggregates | None:
    """The aggregates of the same rows after accounts changed territory.

    ``account_territory`` is every account's new territory code (positions
    as in ``agg``); ``opps`` the opportunities, same rows as when ``agg`` was
    built. Only the moved accounts' opportunities are read: their sums leave
    the old territory's running totals and join the new one's, as a small
    correction on top of the stored cube (integers, so still exact). None
    when the moved rows are not whole cents (the caller then scans rows).
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
    rows = np.unique(np.concatenate([old[(old >= 0) & dated], new[(new >= 0) & dated]]))
    leave = np.flatnonzero((old >= 0) & dated)
    join = np.flatnonzero((new >= 0) & dated)
    pick = np.concatenate([leave, join])
    sign = np.concatenate([-np.ones(len(leave)), np.ones(len(join))])
    local = np.searchsorted(rows, np.concatenate([old[leave], new[join]]))
    n_segments, n_rows = len(root.segments), len(rows)
    any_cube = root.cubes[None]
    days = any_cube.days
    n_days = len(days)
    segment = root.account_segment[account[pick]]
    slot = np.where(segment >= 0, segment, n_segments)
    flat = (slot * n_rows + local) * n_days + np.searchsorted(days, close[pick])
    size = (n_segments + 1) * n_rows * n_days

    def summed(values: np.ndarray) -> np.ndarray:
        totals = np.bincount(flat, weights=sign * values[pick], minlength=size)
        return np.rint(totals).astype(np.int64).reshape(n_segments + 1, n_rows, n_days)

    measures = {
        "won_cents": summed(np.where(won, cents, 0)), "won_count": summed(won * 1.0),
        "lost_count": summed(lost * 1.0), "open_cents": summed(np.where(open_, cents, 0)),
        "weighted": summed(np.where(open_, weighted, 0)),
    }

    def running(per_day: np.ndarray) -> np.ndarray:
        out = np.zeros((per_day.shape[0], n_days + 1), np.int64)
        np.cumsum(per_day, axis=1, out=out[:, 1:])
        return out

    cubes = {None: replace(any_cube, rows=rows, delta={
        k: running(v.sum(axis=0)) for k, v in measures.items()})}
    for code, name in enumerate(root.segments):
        cubes[name] = replace(root.cubes[name], rows=rows, delta={
            k: running(v[code]) for k, v in measures.items()})
    return cubes
