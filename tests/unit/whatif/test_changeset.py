"""What-if scenarios (issue 5): changes, locks, apply, before/after, per-rep impact, handover.

Figures are worked out by hand on six accounts in three territories; the
invariants (totals conserved, move + undo = identity, gained/lost sums) are
checked again on the real demo.
"""

from __future__ import annotations

import json
import math
import pickle
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard.metrics import kpi_cube, kpi_cube_build
from dashboard.metrics.balance import travel_estimate
from dashboard.metrics.frames import build_frames
from dashboard.metrics.kpi_table import kpi_table
from dashboard.metrics.periods import Period
from dashboard.storage.schema import Dataset
from dashboard.storage.schema import frame_from_rows as _frame
from dashboard.whatif.changeset import Changes, LockedError, apply, current, push, undo
from dashboard.whatif.scenario_impact import (
    FIGURES,
    balance_score,
    before_after,
    handover,
    rep_impact,
)

AS_OF = date(2026, 2, 14)  # T12 = 2025-02-15 .. 2026-02-14
PERIOD = Period.parse("2026Q1")
AREAS = pd.Series({"00001": 300.0, "00002": 100.0, "00003": 2_500.0, "00004": 900.0})




def make_frames():
    return build_frames(make_dataset())


def make_dataset():
    """T1 (rep R1) owns counties 00001 and 00002, T2 (rep R2, home 41 N 74 W) 00003,
    T3 (vacant) 00004. A4 lies in 00003 but is a named account of T1.

    T1: A1..A4, potential 100k; T12 bookings A1 100k + A2 25k + A3 75k = 200k;
        2026Q1 bookings 175k, open 50k (weighted 25k), quota 100k -> projected 2.0
    T2: A5, 50k; T12 50k; 2026Q1 open 40k (weighted 20k), quota 80k -> projected 0.25
    T3: A6, 60k; T12 10k; quota 50k -> projected 0
    """
    accounts = [  # id, county, potential, override, lat, lon
        ("A1", "00001", 10_000, None, 41.0, -74.1), ("A2", "00002", 20_000, None, 40.0, -75.0),
        ("A3", "00002", 30_000, None, 41.0, -74.1), ("A4", "00003", 40_000, "T1", 41.5, -74.0),
        ("A5", "00003", 50_000, None, 41.2, -74.0), ("A6", "00004", 60_000, None, 39.0, -76.0),
    ]
    opps = [  # id, account, amount, status, close
        ("o1", "A1", 100_000, "won", "2026-01-10"), ("o2", "A1", 30_000, "open", "2026-03-01"),
        ("o3", "A2", 25_000, "won", "2025-06-01"), ("o4", "A3", 75_000, "won", "2026-02-14"),
        ("o5", "A3", 20_000, "open", "2026-03-15"), ("o6", "A5", 50_000, "won", "2025-06-01"),
        ("o7", "A5", 40_000, "open", "2026-02-20"), ("o8", "A6", 10_000, "won", "2025-07-01"),
        ("o9", "A4", 999, "lost", "2026-01-05"),
    ]
    return Dataset(
        territories=_frame("territories", [("T1", "One", "East"), ("T2", "Two", "East"),
                                           ("T3", "Three", "West")]),
        reps=_frame("reps", [("R1", "Rep One", "r1@x", "T1", 40.0, -75.0),
                             ("R2", "Rep Two", "r2@x", "T2", 41.0, -74.0)]),
        alignment=_frame("alignment", [("00001", "T1"), ("00002", "T1"), ("00003", "T2"),
                                       ("00004", "T3")]),
        accounts=_frame("accounts", [
            (a, f"Name {a}", fips, lat, lon, None, None, pot, None, None, override)
            for a, fips, pot, override, lat, lon in accounts]),
        opportunities=_frame("opportunities", [
            (o, a, amount, "Closed Won" if status == "won" else "Proposal", status,
             "2024-01-01", close) for o, a, amount, status, close in opps]),
        quotas=_frame("quotas", [("T1", "2026Q1", 100_000), ("T2", "2026Q1", 80_000),
                                 ("T3", "2026Q1", 50_000)]),
    )


def latest_only(dataset: Dataset) -> Dataset:
    """The dataset with its alignment history folded into today's alignment:
    each county's latest row and each account's latest override, undated. A
    scenario is one alignment, read restated (METRICS.md), so this is the data
    it stands for."""
    alignment = dataset.alignment.sort_values("effective_from", na_position="first",
                                              kind="stable")
    alignment = alignment.drop_duplicates("county_fips", keep="last").sort_index()
    override = dataset.accounts.set_index("account_id")["territory_override"].copy()
    dated = dataset.overrides.sort_values("effective_from", kind="stable")
    for row in dated.itertuples():
        override[row.account_id] = row.territory_id  # None: back to the county
    return replace(
        dataset, alignment=alignment.assign(effective_from=pd.NaT).astype(
            dataset.alignment.dtypes.to_dict()).reset_index(drop=True),
        accounts=dataset.accounts.assign(territory_override=pd.Series(
            override.to_numpy(object), index=dataset.accounts.index, dtype=object)),
        overrides=dataset.overrides.iloc[:0])


def as_stored(dataset: Dataset, changes: Changes) -> Dataset:
    """The dataset as if the scenario were the stored data: what a full rebuild
    (``build_frames``, no what-if code involved) says the scenario's frames are
    (its history folded into today's alignment: :func:`latest_only`)."""
    def changed(values, keys, mapping):
        return [mapping[k] if k in mapping else v for k, v in zip(keys, values, strict=True)]

    dataset = latest_only(dataset)
    alignment, accounts, quotas = dataset.alignment, dataset.accounts, dataset.quotas
    return replace(
        dataset,
        alignment=alignment.assign(territory_id=changed(
            alignment["territory_id"], alignment["county_fips"], changes.county_moves)),
        accounts=accounts.assign(territory_override=pd.Series(changed(
            accounts["territory_override"], accounts["account_id"],
            changes.account_overrides), index=accounts.index, dtype=object)),
        quotas=quotas.assign(amount=quotas["amount"].to_numpy("float64") * [
            1 + changes.quota_changes.get(t, 0.0) for t in quotas["territory_id"]]))


@pytest.fixture(scope="module")
def frames():
    return make_frames()


def territory_of(frames) -> dict[str, str | None]:
    series = frames.accounts["territory_id"].astype(object)
    return {a: (None if pd.isna(t) else t) for a, t in series.items()}


# -- Changes: data, helpers, locks ---------------------------------------------
def test_changes_round_trip_through_json_and_pickle(frames):
    changes = (Changes.empty().move_counties(frames, ["00002"], "T2")
               .override_accounts(frames, ["A6"], "T1").set_quota_change("T3", -0.2)
               .lock(counties=["00004"], accounts=["A5"], territories=["T3"]))
    data = json.loads(json.dumps(changes.to_json()))
    assert Changes.from_json(data) == changes
    assert pickle.loads(pickle.dumps(changes)) == changes
    assert data["county_moves"] == {"00002": "T2"} and data["locked_territories"] == ["T3"]


def test_changes_are_read_only_and_drop_moves_back_to_base(frames):
    moved = Changes.empty().move_counties(frames, ["00002"], "T2")
    with pytest.raises(TypeError):
        moved.county_moves["00001"] = "T3"
    assert moved.move_counties(frames, ["00002"], "T1") == Changes.empty()
    # A4's base override is T1: overriding it to T1 again is no change, clearing it is one
    assert Changes.empty().override_accounts(frames, ["A4"], "T1") == Changes.empty()
    cleared = Changes.empty().override_accounts(frames, ["A4"], None)
    assert dict(cleared.account_overrides) == {"A4": None}
    assert territory_of(apply(frames, cleared))["A4"] == "T2"  # follows county 00003
    assert Changes.empty().set_quota_change("T1", 0.0) == Changes.empty()


@pytest.mark.parametrize(
    "changes, move, message",
    [
        (Changes(locked_counties=frozenset({"00002"})),
         lambda c, f: c.move_counties(f, ["00001", "00002"], "T2"), "county 00002"),
        (Changes(locked_territories=frozenset({"T2"})),
         lambda c, f: c.move_counties(f, ["00002"], "T2"), "territory T2"),
        (Changes(locked_territories=frozenset({"T2"})),  # out of a locked territory
         lambda c, f: c.move_counties(f, ["00003"], "T3"), "territory T2"),
        (Changes(locked_accounts=frozenset({"A2"})),  # A2 follows its county
         lambda c, f: c.move_counties(f, ["00002"], "T3"), "account A2"),
        (Changes(locked_accounts=frozenset({"A2"})),
         lambda c, f: c.override_accounts(f, ["A1", "A2"], "T3"), "account A2"),
        (Changes(locked_territories=frozenset({"T3"})),
         lambda c, f: c.override_accounts(f, ["A1"], "T3"), "territory T3"),
        (Changes(locked_territories=frozenset({"T1"})),  # A4 would leave T1 for its county's T2
         lambda c, f: c.override_accounts(f, ["A4"], None), "territory T1"),
        (Changes(locked_territories=frozenset({"T2"})),
         lambda c, f: c.set_quota_change("T2", 0.1), "territory T2"),
        (Changes(locked_territories=frozenset({"T1"})),
         lambda c, f: handover(f, c, "T1", "T2", 0.5), "territory T1"),
    ],
    ids=["locked-county", "into-locked-territory", "out-of-locked-territory",
         "locked-account-in-county", "locked-account-override", "override-into-locked",
         "clear-override-out-of-locked", "quota-of-locked-territory", "handover-from-locked"],
)
def test_locks_refuse_with_a_plain_message(frames, changes, move, message):
    with pytest.raises(LockedError, match=message):
        move(changes, frames)


@pytest.mark.parametrize(
    "changes, move",
    [
        # A4 is locked but overridden to T1: moving its county 00003 leaves it where it is
        (Changes(locked_accounts=frozenset({"A4"})),
         lambda c, f: c.move_counties(f, ["00003"], "T3")),
        # a locked county may stay where it is
        (Changes(locked_counties=frozenset({"00002"})),
         lambda c, f: c.move_counties(f, ["00002"], "T1")),
        # the locked account is skipped by the handover rather than refused
        (Changes(locked_accounts=frozenset({"A1"})),
         lambda c, f: handover(f, c, "T1", "T2", 0.5)),
    ],
    ids=["overridden-locked-account", "no-op-on-locked-county", "handover-skips-locked"],
)
def test_locks_allow_what_does_not_move_them(frames, changes, move):
    result = move(changes, frames)
    for account in changes.locked_accounts:
        assert territory_of(apply(frames, result))[account] == territory_of(frames)[account]


# -- apply ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "build, expected",
    [
        (lambda c, f: c.move_counties(f, ["00002"], "T2"),
         {"A1": "T1", "A2": "T2", "A3": "T2", "A4": "T1", "A5": "T2", "A6": "T3"}),
        (lambda c, f: c.move_counties(f, ["00003"], "T3"),  # A4 keeps its override
         {"A1": "T1", "A2": "T1", "A3": "T1", "A4": "T1", "A5": "T3", "A6": "T3"}),
        (lambda c, f: c.override_accounts(f, ["A1", "A6"], "T2"),
         {"A1": "T2", "A2": "T1", "A3": "T1", "A4": "T1", "A5": "T2", "A6": "T2"}),
        # a county move and an override on the same account: the override wins
        (lambda c, f: c.move_counties(f, ["00002"], "T3").override_accounts(f, ["A2"], "T1"),
         {"A1": "T1", "A2": "T1", "A3": "T3", "A4": "T1", "A5": "T2", "A6": "T3"}),
    ],
    ids=["county", "county-with-named-account", "overrides", "override-beats-county"],
)
def test_apply_moves_accounts_and_their_opportunities(frames, build, expected):
    after = apply(frames, build(Changes.empty(), frames))
    assert territory_of(after) == expected
    opp_territory = after.opportunities["territory_id"].astype(object)
    assert opp_territory.tolist() == [expected[a] for a in after.opportunities["account_id"]]
    # the same as a full rebuild of the data with the scenario stored
    reference = build_frames(as_stored(make_dataset(), build(Changes.empty(), frames)))
    assert territory_of(reference) == expected
    assert territory_of(frames)["A2"] == "T1"  # the base frames are untouched


def test_apply_refuses_an_override_of_an_account_no_longer_in_the_data(frames):
    """A history saved before an import may name an account the data no longer
    holds: its override must not land on another account (it used to go to the
    first moved account, and to the last account's stored override)."""
    gone = Changes(county_moves={"00002": "T2"}, account_overrides={"GONE": "T3"})
    with pytest.raises(ValueError, match="account GONE is not in the current data"):
        apply(frames, gone)
    with pytest.raises(ValueError, match="account GONE is not in the current data"):
        apply(frames, Changes(account_overrides={"GONE": "T2"}))


def test_apply_scales_the_quotas_of_one_territory(frames):
    after = apply(frames, Changes.empty().set_quota_change("T2", 0.1))
    assert after.quotas.set_index("territory_id")["amount"].to_dict() == pytest.approx(
        {"T1": 100_000, "T2": 88_000, "T3": 50_000})
    assert frames.quotas["amount"].sum() == 230_000
    assert apply(frames, Changes.empty()) is frames


# -- before / after --------------------------------------------------------------
def test_before_after_county_move_hand_worked(frames):
    """00002 (A2, A3) moves from T1 to T2."""
    after = apply(frames, Changes.empty().move_counties(frames, ["00002"], "T2"))
    result = before_after(frames, after, AREAS, PERIOD, AS_OF)
    table = result.territories.set_index("territory_id")
    assert result.touched == ["T1", "T2"]
    expected = {  # figure: (T1 before, T1 after, T2 before, T2 after)
        "accounts": (4, 2, 1, 3),
        "potential": (100_000, 50_000, 50_000, 100_000),
        "travel_km": (travel_estimate(4, 400), travel_estimate(2, 300),
                      travel_estimate(1, 2_500), travel_estimate(3, 2_600)),
        "t12_bookings": (200_000, 100_000, 50_000, 150_000),
        "open_pipeline": (50_000, 30_000, 40_000, 60_000),
        "quota": (100_000, 100_000, 80_000, 80_000),
        # T1 after: (100k booked + 15k weighted) / 100k; T2 after: (75k + 30k) / 80k
        "projected_attainment": (2.0, 1.15, 0.25, 1.3125),
    }
    for figure, (t1_old, t1_new, t2_old, t2_new) in expected.items():
        got = [table.at[t, f"{figure}_{side}"] for t in ("T1", "T2") for side in
               ("before", "after")]
        assert got == pytest.approx([t1_old, t1_new, t2_old, t2_new]), figure
        assert table.at["T1", f"{figure}_delta"] == pytest.approx(t1_new - t1_old)
    assert table.at["T3", "accounts_delta"] == 0 and table.at["T2", "rep_name"] == "Rep Two"
    assert table.at["T1", "workload_after"] == pytest.approx(2 + travel_estimate(2, 300) / 50)
    # totals: conserved; projected attainment from summed parts (175k + 45k) / 230k
    assert result.totals.loc["t12_bookings"].tolist() == pytest.approx([260_000, 260_000, 0])
    assert result.totals.at["projected_attainment", "after"] == pytest.approx(220 / 230)
    # disruption: 2 of 6 accounts, 100k of 260k T12 bookings, 20k of 90k open pipeline
    assert result.disruption == pytest.approx(
        {"accounts": 2 / 6, "bookings": 100 / 260, "pipeline": 20 / 90})
    # potential 100k, 50k, 60k before and 50k, 100k, 60k after: the same spread
    balance = 1 - math.sqrt((30**2 + 20**2 + 10**2) / 3) / 70
    assert result.fairness.at["balance_index", "before"] == pytest.approx(balance)
    assert result.fairness.at["balance_index", "delta"] == pytest.approx(0.0)
    assert result.fairness.at["max_min_ratio", "after"] == pytest.approx(2.0)


def test_before_after_quota_change_touches_only_that_territory(frames):
    after = apply(frames, Changes.empty().set_quota_change("T2", 0.1))
    result = before_after(frames, after, AREAS, PERIOD, AS_OF)
    table = result.territories.set_index("territory_id")
    assert result.touched == ["T2"]
    assert table.at["T2", "quota_after"] == pytest.approx(88_000)
    assert table.at["T2", "projected_attainment_after"] == pytest.approx(20 / 88)
    assert result.disruption == {"bookings": 0.0, "accounts": 0.0, "pipeline": 0.0}


def test_disruption_is_one_when_everything_moves(frames):
    changes = (Changes.empty().move_counties(frames, ["00001", "00002"], "T2")
               .move_counties(frames, ["00003"], "T3").move_counties(frames, ["00004"], "T1")
               .override_accounts(frames, ["A4"], "T3"))
    result = before_after(frames, apply(frames, changes), AREAS, PERIOD, AS_OF)
    assert result.disruption == pytest.approx({"bookings": 1.0, "accounts": 1.0,
                                               "pipeline": 1.0})
    assert result.touched == ["T1", "T2", "T3"]


@pytest.mark.parametrize(
    "weight, expected",
    [
        # potential 100k, 50k, 60k (mean 70k); workload 4, 1, 1 (mean 2)
        (1.0, [10 / 7, 5 / 7, 6 / 7]),
        (0.0, [2.0, 0.5, 0.5]),
        (0.5, [(10 / 7 + 2) / 2, (5 / 7 + 0.5) / 2, (6 / 7 + 0.5) / 2]),
    ],
)
def test_balance_score_blends_potential_and_workload(weight, expected):
    frame = pd.DataFrame({"potential": [100_000, 50_000, 60_000], "workload": [4, 1, 1]},
                         index=["T1", "T2", "T3"])
    assert balance_score(frame, weight).tolist() == pytest.approx(expected)


def test_balance_score_missing_when_a_mean_is_zero():
    frame = pd.DataFrame({"potential": [0.0, 0.0], "workload": [1.0, 3.0]})
    assert balance_score(frame, 0.5).isna().all()
    assert balance_score(frame, 0.0).tolist() == pytest.approx([0.5, 1.5])


def test_fairness_card_on_the_blended_score(frames):
    after = apply(frames, Changes.empty())
    result = before_after(frames, after, AREAS, PERIOD, AS_OF, metric="score",
                          potential_weight=1.0)
    balance = 1 - math.sqrt((30**2 + 20**2 + 10**2) / 3) / 70  # scaling keeps the index
    assert result.fairness.at["balance_index", "before"] == pytest.approx(balance)


# -- per-rep impact --------------------------------------------------------------
def test_rep_impact_hand_worked(frames):
    changes = (Changes.empty().move_counties(frames, ["00002"], "T2")
               .set_quota_change("T2", 0.25))
    impact = rep_impact(frames, apply(frames, changes), PERIOD, AS_OF).set_index("territory_id")
    assert list(impact.index) == ["T1", "T2"]
    one, two = impact.loc["T1"], impact.loc["T2"]
    assert (one["rep_id"], one["accounts_lost"], one["accounts_gained"]) == ("R1", 2, 0)
    assert one["lost_account_ids"] == ["A2", "A3"]
    assert one["lost_account_names"] == ["Name A2", "Name A3"]
    assert two["gained_account_ids"] == ["A2", "A3"] and two["lost_account_ids"] == []
    # A2 25k + A3 75k booked in T12; A3's 20k open this quarter
    assert (one["t12_bookings_lost"], two["t12_bookings_gained"]) == (100_000, 100_000)
    assert (one["open_pipeline_lost"], two["open_pipeline_gained"]) == (20_000, 20_000)
    assert (one["t12_bookings_gained"], two["t12_bookings_lost"]) == (0, 0)
    assert (two["quota_before"], two["quota_after"]) == (80_000, 100_000)
    assert (one["quota_before"], one["quota_after"]) == (100_000, 100_000)


def test_rep_impact_lists_a_vacant_territory_without_rep(frames):
    impact = rep_impact(frames, apply(frames, Changes.empty().override_accounts(
        frames, ["A1"], "T3")), PERIOD, AS_OF).set_index("territory_id")
    assert impact.at["T3", "rep_id"] is None and impact.at["T3", "accounts_gained"] == 1
    assert impact.at["T3", "t12_bookings_gained"] == 100_000
    assert rep_impact(frames, frames, PERIOD, AS_OF).empty


# -- slider (a): handover ----------------------------------------------------------
CENTROIDS = pd.DataFrame({"lat": [39.0], "lon": [-76.0]}, index=["00004"])


@pytest.mark.parametrize(
    "changes, to_tid, share, moved",
    [
        # R2's home 41 N 74 W: A1 and A3 (both 8 km, tie by id), then A4 (56 km), A2 far
        (Changes.empty(), "T2", 0.5, ["A1", "A3"]),
        (Changes.empty(), "T2", 0.75, ["A1", "A3", "A4"]),
        (Changes.empty(), "T2", 0.1, []),  # 0.4 of an account rounds to none
        (Changes.empty(), "T2", 1.0, ["A1", "A2", "A3", "A4"]),
        (Changes(locked_accounts=frozenset({"A1"})), "T2", 0.5, ["A3", "A4"]),
        # T3 is vacant: distance from its counties' centroid (39 N 76 W): A2 first
        (Changes.empty(), "T3", 0.25, ["A2"]),
    ],
    ids=["half", "three-quarters", "rounds-to-none", "all", "skips-locked", "vacant"],
)
def test_handover_takes_the_closest_accounts_first(frames, changes, to_tid, share, moved):
    result = handover(frames, changes, "T1", to_tid, share, centroids=CENTROIDS)
    assert sorted(a for a, t in result.account_overrides.items() if t == to_tid) == moved
    assert result.locked_accounts == changes.locked_accounts


def test_handover_is_deterministic_and_refuses_bad_shares(frames):
    first = handover(frames, Changes.empty(), "T1", "T2", 0.5)
    assert handover(frames, Changes.empty(), "T1", "T2", 0.5) == first
    with pytest.raises(ValueError, match="between 0 and 1"):
        handover(frames, Changes.empty(), "T1", "T2", 1.5)


# -- invariants --------------------------------------------------------------------
def _figures(frames, base, changes):
    result = before_after(base, apply(base, changes), AREAS, PERIOD, AS_OF)
    return result.territories[[f"{f}_after" for f in FIGURES]]


def test_move_then_undo_gives_back_the_same_figures(frames):
    history = push((), Changes.empty())
    history = push(history, current(history).move_counties(frames, ["00002"], "T3"))
    history = push(history, current(history).override_accounts(frames, ["A5"], "T1"))
    moved = _figures(frames, frames, current(history))
    history = undo(undo(history))
    assert current(history) == Changes.empty()
    pd.testing.assert_frame_equal(_figures(frames, frames, current(history)),
                                  _figures(frames, frames, Changes.empty()))
    assert not moved.equals(_figures(frames, frames, current(history)))
    assert undo(()) == ()


# -- the real demo -----------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_data():
    from dashboard.demo.dataset import generate_demo

    dataset, manifest = generate_demo()
    return dataset, date.fromisoformat(manifest["as_of"])


@pytest.fixture(scope="module")
def demo(demo_data):
    from dashboard.geo.us_atlas import load_counties

    dataset, as_of = demo_data
    return build_frames(dataset), as_of, load_counties()["area_km2"]


def test_demo_moves_conserve_totals_and_reconcile_per_rep(demo, demo_data):
    base, as_of, areas = demo
    period = Period.parse("2026Q3")
    counties = base.alignment.index[:40:7].tolist()
    territories = base.territories.index.tolist()
    changes = Changes.empty().move_counties(base, counties, territories[3])
    accounts = base.accounts.index[::20][:1000].tolist()
    changes = changes.override_accounts(base, accounts, territories[5])
    changes = handover(base, changes, territories[10], territories[11], 0.3)
    after = apply(base, changes)

    # the fast path agrees with a full rebuild of the data with the scenario stored
    reference = build_frames(as_stored(demo_data[0], changes))
    assert territory_of(reference) == territory_of(after)
    np.testing.assert_array_equal(reference.opportunities["territory_id"].cat.codes,
                                  after.opportunities["territory_id"].cat.codes)

    result = before_after(base, after, areas, period, as_of)
    for figure in ("accounts", "potential", "t12_bookings", "open_pipeline", "quota"):
        assert result.totals.at[figure, "delta"] == pytest.approx(0, abs=1e-3), figure
    company = kpi_table(after, period, as_of, level="company")
    assert result.totals.at["projected_attainment", "after"] == pytest.approx(
        company.at[0, "projected_attainment"])
    full = kpi_table(after, period, as_of).set_index("id")  # touched-only recompute is exact
    table = result.territories.set_index("territory_id")
    np.testing.assert_allclose(table["quota_after"], full["quota"].reindex(table.index))
    np.testing.assert_allclose(table["open_pipeline_after"],
                               full["open_pipeline"].reindex(table.index))

    impact = rep_impact(base, after, period, as_of).set_index("territory_id")
    assert impact["accounts_gained"].sum() == impact["accounts_lost"].sum() > 1000
    touched = table.loc[impact.index]
    np.testing.assert_allclose(impact["accounts_gained"] - impact["accounts_lost"],
                               touched["accounts_delta"])
    np.testing.assert_allclose(impact["t12_bookings_gained"] - impact["t12_bookings_lost"],
                               touched["t12_bookings_delta"], atol=1e-6)
    np.testing.assert_allclose(impact["open_pipeline_gained"] - impact["open_pipeline_lost"],
                               touched["open_pipeline_delta"], atol=1e-6)

    history = undo(push((Changes.empty(),), changes))
    again = before_after(base, apply(base, current(history)), areas, period, as_of)
    assert again.touched == [] and again.disruption["accounts"] == 0
    before_cols = [f"{f}_before" for f in FIGURES]
    after_cols = [f"{f}_after" for f in FIGURES]
    np.testing.assert_array_equal(again.territories[before_cols].to_numpy(),
                                  again.territories[after_cols].to_numpy())


# -- the scenario's KPIs from the live aggregates ----------------------------------
@pytest.fixture(scope="module")
def prepared(demo_data):
    """Frames as the service holds them: with the KPI aggregates."""
    frames = build_frames(demo_data[0])
    kpi_cube_build.prepare(frames)
    return frames


def _demo_changes(frames, kind: str) -> Changes:
    tids = list(frames.territories["territory_id"])
    counties = frames.alignment.index[::97]
    accounts = frames.accounts.index
    changes = Changes.empty()
    if kind in ("county moves", "all three"):
        for i, fips in enumerate(counties):
            changes = changes.move_counties(frames, [fips], tids[(i * 7) % len(tids)])
    if kind in ("account overrides", "all three"):
        chosen = accounts[::41]
        for i in range(0, len(chosen), 100):
            changes = changes.override_accounts(frames, chosen[i:i + 100], tids[i % len(tids)])
        stored = accounts[frames.accounts["territory_override"].notna().to_numpy()]
        changes = changes.override_accounts(frames, stored[:5], None)  # back to the county
    if kind in ("quota changes", "all three"):
        changes = changes.set_quota_change(tids[3], 0.15).set_quota_change(tids[8], -0.4)
    assert not changes.is_empty
    return changes


@pytest.mark.parametrize("kind", ["county moves", "account overrides", "quota changes",
                                  "all three"])
def test_a_scenario_kpi_table_equals_a_full_row_scan_of_its_data(prepared, demo_data, kind):
    """A scenario of the service's frames answers its KPIs from the live aggregates
    corrected for its moves; every figure must equal, to the last bit, a row scan of
    frames built from scratch with the scenario stored as the data."""
    dataset, as_of = demo_data
    changes = _demo_changes(prepared, kind)
    after = apply(prepared, changes)
    assert kpi_cube.aggregates_of(after) is not None  # not a silent fall back to the row scan
    scanned = build_frames(as_stored(dataset, changes))
    assert kpi_cube.aggregates_of(scanned) is None
    pd.testing.assert_series_equal(after.opportunities["territory_id"],
                                   scanned.opportunities["territory_id"])
    for period in (Period.parse("2026Q3"), Period.parse("2026"), Period.parse("2025Q3")):
        for level in ("territory", "region", "company"):
            for segment in (None, "SMB"):
                pd.testing.assert_frame_equal(
                    kpi_table(after, period, as_of, level, segment=segment),
                    kpi_table(scanned, period, as_of, level, segment=segment),
                    check_exact=True)


def test_a_scenario_of_a_scenario_is_corrected_against_the_stored_data(prepared, demo_data):
    """The comparison and the rebalance search apply changes to a scenario's frames:
    the correction is taken from the stored data, never stacked on the first one."""
    dataset, as_of = demo_data
    first, second = (_demo_changes(prepared, "county moves"),
                     _demo_changes(prepared, "account overrides"))
    twice = apply(apply(prepared, first), second)
    scanned = build_frames(as_stored(as_stored(dataset, first), second))
    period = Period.parse("2026Q3")
    pd.testing.assert_frame_equal(kpi_table(twice, period, as_of),
                                  kpi_table(scanned, period, as_of), check_exact=True)
    # the live frames' figures are untouched by their scenarios
    pd.testing.assert_frame_equal(kpi_table(prepared, period, as_of),
                                  kpi_table(build_frames(dataset), period, as_of),
                                  check_exact=True)
