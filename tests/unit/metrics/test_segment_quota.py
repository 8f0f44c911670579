"""METRICS.md "Segment filter": Quota under a segment filter is the territory's
quota *for that segment*, missing when it has only a total (and with it
attainment, pace, remaining quota, coverage and projected attainment); above the
territory a segment quota exists only when every territory of the group has one.
Without a filter, Quota is the blank-segment row or the sum of the per-segment rows.

Every expected number is worked out in the comments from the rows below.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from dashboard.metrics import kpi_cube_build
from dashboard.metrics.frames import build_frames
from dashboard.metrics.kpi_table import kpi_table
from dashboard.metrics.periods import Period
from dashboard.storage.schema import TABLES, Dataset, frame_from_rows

NAN = float("nan")
Q1 = Period.parse("2026Q1")  # 90 days
MID_Q1 = date(2026, 2, 14)  # day 45 of 90: time elapsed 0.5
QUOTA_FIGURES = ("quota", "attainment", "pace", "remaining_quota", "coverage",
                 "projected_attainment")


def acct(aid, fips, segment):
    return (aid, f"Account {aid}", fips, None, None, "Retail", segment, 100_000, None, None,
            None)


def won(oid, aid, amount):
    return (oid, aid, amount, "Closed Won", "won", "2026-01-02", "2026-02-01")


def _frame(table: str, rows: list[tuple]) -> pd.DataFrame:
    """frame_from_rows with optional trailing columns left blank (effective dates)."""
    width = len(TABLES[table].column_names)
    return frame_from_rows(table, [row + (None,) * (width - len(row)) for row in rows])


def quotas(rows) -> pd.DataFrame:
    """quotas.csv rows (territory, quarter, amount, segment; None = blank), built
    directly so the test does not depend on where the schema puts the column."""
    frame = pd.DataFrame(list(rows), columns=["territory_id", "period", "amount", "segment"],
                         dtype=object)
    frame["amount"] = frame["amount"].astype("float64")
    return frame


def frames_of(quota_rows: pd.DataFrame, cube: bool = False):
    # T1 and T2 in East, T3 in West, each with its own rep
    dataset = Dataset(
        territories=_frame("territories", [("T1", "North", "East"), ("T2", "South", "East"),
                                           ("T3", "Coast", "West")]),
        reps=_frame("reps", [(r, f"Rep {r}", f"{r}@example.com", t, None, None)
                             for r, t in (("R1", "T1"), ("R2", "T2"), ("R3", "T3"))]),
        alignment=_frame("alignment", [("00001", "T1"), ("00002", "T2"), ("00003", "T3")]),
        accounts=_frame("accounts", [acct("A1", "00001", "SMB"), acct("A2", "00001", "Ent"),
                                     acct("A3", "00002", "SMB"), acct("A4", "00002", "Ent"),
                                     acct("A5", "00003", "Ent")]),
        opportunities=_frame("opportunities", [
            won("O1", "A1", 30_000), won("O2", "A2", 50_000), won("O3", "A3", 20_000),
            won("O4", "A4", 60_000), won("O5", "A5", 40_000),
            # open Ent pipeline in T1, Proposal = 50%
            ("O6", "A2", 40_000, "Proposal", "open", "2026-01-10", "2026-03-15"),
        ]),
        quotas=quota_rows,
    )
    frames = build_frames(dataset)
    if cube:  # the service's path: the precomputed aggregates
        frames = replace(frames)
        kpi_cube_build.prepare(frames)
    return frames


# 2026Q1: T1 has a quota per segment (SMB 40k + Ent 100k = 140k), T2 only a total
# (200k), T3 per segment (Ent 80k + SMB 20k = 100k).
MIXED = quotas([("T1", "2026Q1", 40_000, "SMB"), ("T1", "2026Q1", 100_000, "Ent"),
                ("T2", "2026Q1", 200_000, None),
                ("T3", "2026Q1", 80_000, "Ent"), ("T3", "2026Q1", 20_000, "SMB")])

MISSING = dict.fromkeys(QUOTA_FIGURES, NAN)
# Enterprise. T1: O2 50k of its Ent quota 100k -> .5, pace .5/.5 = 1; open O6 40k,
#   weighted 20k; remaining 50k -> coverage .8; projected (50+20)/100 = .7.
T1_ENT = dict(bookings=50_000, quota=100_000, attainment=0.5, pace=1.0, remaining_quota=50_000,
              coverage=0.8, projected_attainment=0.7)
# T2 has only a total: its 200k is never set against O4's 60k (was 60/200 = 30%).
T2_ENT = dict(MISSING, bookings=60_000)
# T3: O5 40k of 80k -> .5, pace 1; remaining 40k, no open pipeline -> coverage 0; projected .5.
T3_ENT = dict(bookings=40_000, quota=80_000, attainment=0.5, pace=1.0, remaining_quota=40_000,
              coverage=0.0, projected_attainment=0.5)
# SMB. T1: O1 30k of 40k -> .75, pace 1.5, remaining 10k, coverage 0; T3: nothing of 20k.
T1_SMB = dict(bookings=30_000, quota=40_000, attainment=0.75, pace=1.5, remaining_quota=10_000,
              coverage=0.0, projected_attainment=0.75)
T3_SMB = dict(bookings=0, quota=20_000, attainment=0.0, pace=0.0, remaining_quota=20_000,
              coverage=0.0, projected_attainment=0.0)
# No filter: quota is the blank row or the per-segment rows' sum. T1 80k of 140k, weighted
#   20k; T2 80k of 200k; T3 40k of 100k; company 200k of 440k (+20k weighted).
T1_ALL = dict(bookings=80_000, quota=140_000, attainment=80 / 140, pace=160 / 140,
              remaining_quota=60_000, coverage=40 / 60, projected_attainment=100 / 140)
T2_ALL = dict(bookings=80_000, quota=200_000, attainment=0.4, pace=0.8,
              remaining_quota=120_000, coverage=0.0, projected_attainment=0.4)
T3_ALL = dict(bookings=40_000, quota=100_000, attainment=0.4, pace=0.8,
              remaining_quota=60_000, coverage=0.0, projected_attainment=0.4)
COMPANY_ALL = dict(bookings=200_000, quota=440_000, attainment=200 / 440, pace=400 / 440,
                   remaining_quota=240_000, coverage=40 / 240, projected_attainment=220 / 440)


def assert_row(row: pd.Series, expected: dict) -> None:
    for column, value in expected.items():
        assert row[column] == pytest.approx(value, nan_ok=True, rel=1e-12), column


CASES = [
    ("territory", "Ent", None, {"T1": T1_ENT, "T2": T2_ENT, "T3": T3_ENT}),
    ("rep", "Ent", None, {"R1": T1_ENT, "R2": T2_ENT, "R3": T3_ENT}),
    # East holds T2, which has no Ent quota: East has none; West is T3's
    ("region", "Ent", None, {"East": dict(MISSING, bookings=110_000), "West": T3_ENT}),
    ("company", "Ent", None, {"company": dict(MISSING, bookings=150_000)}),
    # a filter of territories that all have one: 90k of 180k, weighted 20k, remaining 90k
    ("company", "Ent", ["T1", "T3"], {"company": dict(
        bookings=90_000, quota=180_000, attainment=0.5, pace=1.0, remaining_quota=90_000,
        coverage=40 / 90, projected_attainment=110 / 180)}),
    ("territory", "SMB", None, {"T1": T1_SMB, "T2": dict(MISSING, bookings=20_000),
                                "T3": T3_SMB}),
    ("territory", None, None, {"T1": T1_ALL, "T2": T2_ALL, "T3": T3_ALL}),
    ("company", None, None, {"company": COMPANY_ALL}),
]


@pytest.mark.parametrize("cube", [False, True], ids=["rows", "cube"])
@pytest.mark.parametrize("level, segment, territory_ids, expected", CASES)
def test_segment_quota_by_hand(level, segment, territory_ids, expected, cube):
    table = kpi_table(frames_of(MIXED, cube), Q1, MID_Q1, level, territory_ids=territory_ids,
                      segment=segment).set_index("id")
    assert sorted(table.index) == sorted(expected)
    for entity, values in expected.items():
        assert_row(table.loc[entity], values)


def test_a_quarter_with_only_a_total_makes_the_longer_period_missing():
    # T1 per segment in Q1 but one total in Q2: its 2026 Ent quota is unknown; T3 has
    # no Q2 row at all, so its 2026 Ent quota is Q1's 80k (its Q2 quota is 0 in every segment).
    rows = quotas([*MIXED.itertuples(index=False), ("T1", "2026Q2", 150_000, None)])
    table = kpi_table(frames_of(rows), Period.parse("2026"), MID_Q1, segment="Ent")
    table = table.set_index("id")
    assert_row(table.loc["T1"], dict(MISSING, bookings=50_000))
    assert table.loc["T3", "quota"] == 80_000
    everything = kpi_table(frames_of(rows), Period.parse("2026"), MID_Q1).set_index("id")
    assert everything.loc["T1", "quota"] == 290_000  # 140k + 150k


def test_quotas_without_a_segment_column_are_totals():
    # a dataset from before segment quotas: no column, so every row is a total
    legacy = MIXED.drop(columns="segment")
    table = kpi_table(frames_of(legacy), Q1, MID_Q1, "territory", segment="Ent").set_index("id")
    for entity in ("T1", "T2", "T3"):
        assert_row(table.loc[entity], MISSING)
    unfiltered = kpi_table(frames_of(legacy), Q1, MID_Q1, "company").iloc[0]
    assert unfiltered["quota"] == 440_000
