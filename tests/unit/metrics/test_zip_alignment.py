"""Mixed county/ZIP alignments (issue 19 item 4): a ZIP row overrides its county's
rows for the accounts in that ZIP, effective-dated like them, and a named-account
override still comes first. Worked by hand on two counties and three ZIPs.

- county 00001 is T1's from the beginning and T2's from 2026-03-01;
  county 00002 is T2's throughout;
- ZIPs 10001 and 10002 lie in 00001, 20001 in 00002; ZIP 10002 is T3's from
  2026-02-15 (a ZIP row); the others have no row and follow their county;
- A1 (00001, ZIP 10001), A2 (00001, ZIP 10002), A3 (00002, ZIP 20001),
  A4 (00001, ZIP 10002, named-account override to T2 from the beginning),
  A5 (00001, no ZIP known);
- deals, all won: O1 A2 100 closes 02-01; O2 A2 200 closes 02-20; O3 A1 50
  closes 03-10; O4 A4 70 closes 02-20; O5 A5 10 closes 01-10; O6 A1 5 closes
  02-20; quotas 2026Q1:
  T1 1000, T2 1000, T3 1000; as-of 2026-03-31.

Territories: A1 and A5 T1 until 02-28, T2 from 03-01; A2 T1 until 02-14, T3 from
02-15 (its county's move on 03-01 does not reach it); A3 T2; A4 T2.
As credited: T1 = O1 + O5 + O6 = 115; T2 = O3 + O4 = 120; T3 = O2 = 200.
Restated on 03-31: T1 nothing; T2 = O3 + O4 + O5 + O6 = 135; T3 = O1 + O2 = 300.
"""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.metrics import kpi_cube_build
from dashboard.metrics.frames import build_frames, has_history
from dashboard.metrics.kpi_table import kpi_table
from dashboard.metrics.periods import Period
from dashboard.storage.schema import Dataset
from dashboard.storage.schema import frame_from_rows as _frame

Q1 = Period.parse("2026Q1")
AS_OF = date(2026, 3, 31)


def acct(aid, fips, zip_area, override=None):
    return (aid, f"Account {aid}", fips, None, None, "Retail", "SMB", 1000.0, "2025-01-01",
            None, override, zip_area)


def won(oid, aid, amount, close):
    return (oid, aid, amount, "Closed Won", "won", "2026-01-01", close)


def dataset(dated: bool = True) -> Dataset:
    """The data above; undated: the ZIP row and the county rows from the beginning,
    without 00001's move."""
    since = "2026-02-15" if dated else None
    alignment = [("00001", "T1", None), ("00002", "T2", None), ("00001", "T3", since, "10002")]
    if dated:
        alignment.append(("00001", "T2", "2026-03-01"))
    return Dataset(
        territories=_frame("territories", [(t, f"Territory {t}", "West")
                                           for t in ("T1", "T2", "T3")]),
        reps=_frame("reps", []),
        alignment=_frame("alignment", alignment),
        accounts=_frame("accounts", [acct("A1", "00001", "10001"),
                                     acct("A2", "00001", "10002"),
                                     acct("A3", "00002", "20001"),
                                     acct("A4", "00001", "10002", override="T2"),
                                     acct("A5", "00001", None)]),
        opportunities=_frame("opportunities", [
            won("O1", "A2", 100.0, "2026-02-01"), won("O2", "A2", 200.0, "2026-02-20"),
            won("O3", "A1", 50.0, "2026-03-10"), won("O4", "A4", 70.0, "2026-02-20"),
            won("O5", "A5", 10.0, "2026-01-10"), won("O6", "A1", 5.0, "2026-02-20")]),
        quotas=_frame("quotas", [(t, "2026Q1", 1000.0) for t in ("T1", "T2", "T3")]),
    )


def territories(frames) -> dict[str, str]:
    return frames.accounts["territory_id"].astype(object).to_dict()


def test_the_latest_alignment_takes_the_zip_row_over_its_county_and_the_override_over_both():
    frames = build_frames(dataset())
    assert territories(frames) == {"A1": "T2", "A2": "T3", "A3": "T2", "A4": "T2", "A5": "T2"}
    assert frames.zip_alignment.to_dict("index") == {
        "10002": {"territory_id": "T3", "county_fips": "00001"}}
    # the county alignment the map draws is the counties' own
    assert frames.alignment["territory_id"].to_dict() == {"00001": "T2", "00002": "T2"}


def test_without_dates_the_zip_row_holds_from_the_beginning_and_no_history_is_kept():
    frames = build_frames(dataset(dated=False))
    assert not has_history(frames)
    assert territories(frames) == {"A1": "T1", "A2": "T3", "A3": "T2", "A4": "T2", "A5": "T1"}
    assert frames.opportunities.set_index("opportunity_id")["credited_territory_id"].astype(
        object).to_dict() == {"O1": "T3", "O2": "T3", "O3": "T1", "O4": "T2", "O5": "T1",
                          "O6": "T1"}


def test_each_deal_is_credited_to_its_zip_territory_on_its_close_date():
    frames = build_frames(dataset())
    credited = frames.opportunities.set_index("opportunity_id")["credited_territory_id"]
    # O1 closes before the ZIP row (its county's T1), O2 after it; O3 after the county
    # move; O6 in the ZIP next door, which has no row: its county's T1
    assert credited.astype(object).to_dict() == {"O1": "T1", "O2": "T3", "O3": "T2",
                                                 "O4": "T2", "O5": "T1", "O6": "T1"}


@pytest.mark.parametrize("with_cube", [False, True])
@pytest.mark.parametrize(("restated", "expected"), [
    (False, {"T1": 115.0, "T2": 120.0, "T3": 200.0}),
    (True, {"T1": 0.0, "T2": 135.0, "T3": 300.0}),
])
def test_kpis_as_credited_and_restated_by_hand(restated, expected, with_cube):
    frames = build_frames(dataset())
    if with_cube:
        kpi_cube_build.prepare(frames)
    table = kpi_table(frames, Q1, AS_OF, "territory", restated=restated).set_index("id")
    assert table["bookings"].to_dict() == expected
