"""METRICS.md Underperformance rules, diagnosis and ordering, on hand-built territories.

Period 2026Q1 viewed on 2026-02-14 (time elapsed 45/90 = 0.5). T12 is
2025-02-15..2026-02-14, so the 2025-01-15 "prior year" deals below count
for growth only. Every figure is worked out in the comments.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.i18n import translation
from dashboard.metrics.balance import WorkloadWeights
from dashboard.metrics.frames import build_frames
from dashboard.metrics.periods import Period
from dashboard.metrics.underperformance import FLAG_COLUMNS, Thresholds, flag_territories
from dashboard.storage.schema import Dataset
from dashboard.storage.schema import frame_from_rows as _frame

Q1 = Period.parse("2026Q1")
AS_OF = date(2026, 2, 14)
STAGE = {"won": "Closed Won", "lost": "Closed Lost"}




def make_frames(territories, reps, alignment, accounts, opps, quotas):
    return build_frames(Dataset(
        territories=_frame("territories", territories),
        reps=_frame("reps", [(r, f"Rep {r}", f"{r}@example.com", t, None, None)
                             for r, t in reps]),
        alignment=_frame("alignment", alignment),
        accounts=_frame("accounts", [
            (a, a, fips, None, None, None, None, pot, since, None, None)
            for a, fips, pot, since in accounts]),
        opportunities=_frame("opportunities", [
            (o, a, amount, stage or STAGE[status], status, "2024-01-01", close)
            for o, a, amount, status, close, stage in opps]),
        quotas=_frame("quotas", quotas),
    ))


CUSTOMER = "2020-01-01"


def build(vacant: tuple[str, ...] = ()):
    """Four territories, one county each (U1 -> 00001, ...).

    U1 healthy: 60k of 100k (pace 1.2); open 100k -> cover 100/40 = 2.5; prior 50k -> +20%;
       2 of 2 accounts customers; potential 200k.
    U2 slow: 30k of 100k (pace .6 < .85); open 200k -> 200/70 = 2.86; prior 20k -> +50%;
       potential 100k.
    U3 thin pipeline, shrinking: 180k of 200k (pace 1.8); open 10k -> 10/20 = .5 < 2;
       prior 200k -> -10%; potential 300k.
    U4 big, barely penetrated: 50k of 50k (pace 2); remaining 0 -> coverage missing; no
       prior -> growth missing; 1 customer of 4 accounts -> .25; potential 400k.
    T12 bookings 60 + 30 + 180 + 50 = 320k; potential 1,000k. Potential index:
       U1 (60/320)/.2 = .9375, U2 (30/320)/.1 = .9375, U3 (180/320)/.3 = 1.875,
       U4 (50/320)/.4 = .390625 < .8.
    Penetration ranks (ties share the lowest): U4 1, others 2 -> bottom quartile (rank ≤ 1
       of 4): U4; potential ranks from the top: U4 1, U3 2 -> top half: U4, U3.
    """
    ids = ["U1", "U2", "U3", "U4"]
    territories = [(t, f"Territory {t}", "East" if t in ("U1", "U2") else "West") for t in ids]
    reps = [(f"R{t}", t) for t in ids if t not in vacant]
    alignment = [(f"0000{i + 1}", t) for i, t in enumerate(ids)]
    accounts = [
        ("a1", "00001", 100_000, CUSTOMER), ("a2", "00001", 100_000, CUSTOMER),
        ("b1", "00002", 100_000, CUSTOMER),
        ("c1", "00003", 300_000, CUSTOMER),
        ("d1", "00004", 100_000, CUSTOMER), ("d2", "00004", 100_000, None),
        ("d3", "00004", 100_000, None), ("d4", "00004", 100_000, None),
    ]
    opps = [
        ("o1", "a1", 60_000, "won", "2026-01-15", None),
        ("o2", "a1", 100_000, "open", "2026-03-15", "Prospecting"),  # weighted 10k
        ("o3", "a2", 50_000, "won", "2025-01-15", None),
        ("o4", "b1", 30_000, "won", "2026-01-15", None),
        ("o5", "b1", 200_000, "open", "2026-03-15", "Prospecting"),  # weighted 20k
        ("o6", "b1", 20_000, "won", "2025-01-15", None),
        ("o7", "c1", 180_000, "won", "2026-01-15", None),
        ("o8", "c1", 10_000, "open", "2026-03-15", "Negotiation"),  # weighted 7.5k
        ("o9", "c1", 200_000, "won", "2025-01-15", None),
        ("o10", "d1", 50_000, "won", "2026-01-15", None),
    ]
    quotas = [("U1", "2026Q1", 100_000), ("U2", "2026Q1", 100_000),
              ("U3", "2026Q1", 200_000), ("U4", "2026Q1", 50_000)]
    return make_frames(territories, reps, alignment, accounts, opps, quotas)


def test_flags_rules_severity_and_order():
    flags = flag_territories(build(), Q1, AS_OF)
    assert list(flags.columns) == list(FLAG_COLUMNS)
    # severity 2: U3 shortfall 200k × (1 - 187.5/200) = 12.5k before U4 50k × (1 - 1) = 0;
    # then U2 (1 rule), shortfall 100k × (1 - (30 + 20)/100) = 50k. U1 fires nothing.
    assert list(flags["territory_id"]) == ["U3", "U4", "U2"]
    assert list(flags["severity"]) == [2, 2, 1]
    assert flags["shortfall"].tolist() == pytest.approx([12_500, 0, 50_000])
    assert flags["rules"].tolist() == [
        ["coverage", "growth"], ["penetration", "potential_index"], ["pace"]]
    assert flags.loc[0, "region"] == "West" and flags.loc[0, "rep_name"] == "Rep RU3"


def test_reasons_carry_the_figures():
    reasons = flag_territories(build(), Q1, AS_OF).set_index("territory_id")["reasons"]
    assert reasons["U2"] == ["Pace 60% (below 85%)"]
    assert reasons["U3"][0] == "Pipeline coverage 0.5× (below 2.0×)"
    assert "-10%" in reasons["U3"][1] and "below 0%" in reasons["U3"][1]
    assert "25%" in reasons["U4"][0] and "bottom quartile" in reasons["U4"][0]
    # 50/320 = 15.6% of bookings from 400/1000 = 40.0% of potential
    assert reasons["U4"][1].startswith("Potential index 0.39 (below 0.80)")
    assert "15.6%" in reasons["U4"][1] and "40.0%" in reasons["U4"][1]


@pytest.mark.parametrize(
    "thresholds, expected",
    [
        (Thresholds(), ["U3", "U4", "U2"]),
        (Thresholds(pace=0.5), ["U3", "U4"]),  # U2's pace .6 no longer below
        # coverage 2.6 also catches U1 (2.5): one rule, shortfall 100k × (1 - 70/100) = 30k,
        # so it follows U2 (one rule, 50k)
        (Thresholds(coverage=2.6), ["U3", "U4", "U2", "U1"]),
        # potential index .95 catches U1 and U2 (.9375 each): U2 now has 2 rules and the
        # largest shortfall of the severity-2 group (50k > 12.5k > 0); U1 trails with 1
        (Thresholds(potential_index=0.95), ["U2", "U3", "U4", "U1"]),
    ],
)
def test_thresholds_are_configurable(thresholds, expected):
    flags = flag_territories(build(), Q1, AS_OF, thresholds)
    assert list(flags["territory_id"]) == expected


@pytest.mark.parametrize(
    "vacant, areas, expected",
    [
        # workload = accounts (no areas): 2, 1, 1, 4, mean 2 -> U4 > 2.3 is overloaded.
        # potential per rep 200, 100, 300, 400k, mean 250k -> U3 > 287.5k under-covered;
        # U2 normal -> execution
        ((), None, {"U2": "execution", "U3": "under-covered", "U4": "overloaded"}),
        # U2's county of 1,000,000 km²: travel .7124 × √(1 × 10⁶) = 712.4 km -> workload
        # 1 + 14.248 = 15.248; mean (2 + 15.248 + 1 + 4) / 4 = 5.562 -> above 6.396: U2 only.
        # U4 (400k of potential) is then under-covered instead
        ((), pd.Series({"00002": 1_000_000.0}),
         {"U2": "overloaded", "U3": "under-covered", "U4": "under-covered"}),
        # a vacant territory is under-covered whatever its load; the potential-per-rep mean
        # is over staffed territories only: (200 + 300 + 400) / 3 = 300k, bar 345k, so U3
        # (300k) is now an execution problem
        (("U2",), None, {"U2": "under-covered", "U3": "execution", "U4": "overloaded"}),
    ],
)
def test_diagnosis(vacant, areas, expected):
    flags = flag_territories(build(vacant), Q1, AS_OF, areas=areas).set_index("territory_id")
    assert flags["diagnosis"].to_dict() == expected
    openings = {"overloaded": ("Overloaded",), "under-covered": ("Under-covered", "Vacant"),
                "execution": ("Execution",)}
    for territory, explanation in flags["explanation"].items():
        assert explanation.startswith(openings[expected[territory]]), territory
    if vacant:
        assert flags.loc["U2", "explanation"].startswith("Vacant")


def test_missing_figures_never_fire():
    # U4 has no prior-year bookings (growth missing) and no remaining quota (coverage
    # missing): neither "growth" nor "coverage" may appear among its rules
    flags = flag_territories(build(), Q1, AS_OF).set_index("territory_id")
    assert not {"growth", "coverage"} & set(flags.loc["U4", "rules"])


def test_reasons_and_diagnoses_in_french():
    with translation.use("fr"):
        flags = flag_territories(build(), Q1, AS_OF).set_index("territory_id")
    reasons = flags["reasons"]
    assert reasons["U2"] == ["Rythme 60\u00a0% (sous 85\u00a0%)"]
    assert reasons["U3"][0] == "Couverture du pipeline 0,5× (sous 2,0×)"
    assert reasons["U4"][1].startswith("Indice de potentiel 0,39 (sous 0,80)")
    assert "15,6\u00a0%" in reasons["U4"][1] and "40,0\u00a0%" in reasons["U4"][1]
    openings = {"overloaded": "Surchargé : ", "under-covered": "Sous-couvert : ",
                "execution": "Exécution : "}
    for territory, explanation in flags["explanation"].items():
        assert explanation.startswith(openings[flags.loc[territory, "diagnosis"]]), territory
    # the stored diagnosis stays a code, only its words change
    assert set(flags["diagnosis"]) <= {"overloaded", "under-covered", "execution"}


def test_no_territories_flags_nothing():
    frames = make_frames([], [], [], [], [], [])
    flags = flag_territories(frames, Q1, AS_OF)
    assert flags.empty and list(flags.columns) == list(FLAG_COLUMNS)


def test_a_vacant_overloaded_territory_reads_under_covered():
    # Vacant U4 holds 4 of the 8 accounts: workload 2, 1, 1, 4 (no areas), mean 2, bar 2.3,
    # so U4 is overloaded too. Vacancy comes first on purpose (no rep to be overloaded):
    # under-covered, explained as vacant with its 400k of potential. Potential per rep
    # over staffed territories: (200 + 100 + 300) / 3 = 200k, bar 230k -> U3 (300k)
    # under-covered; U2 execution.
    flags = flag_territories(build(("U4",)), Q1, AS_OF).set_index("territory_id")
    assert flags["diagnosis"].to_dict() == {
        "U2": "execution", "U3": "under-covered", "U4": "under-covered"}
    assert flags.loc["U4", "explanation"] == "Vacant: no rep covers $400K of potential."


def test_workload_weights_change_the_diagnosis():
    # weights 0 × accounts + 0 × travel + potential ÷ 100,000: workload 2, 1, 3, 4,
    # mean 2.5, bar 2.875 -> U3 (3) and U4 (4) are overloaded; overloaded is checked before
    # potential per rep, so U3 is no longer under-covered (as with the default weights)
    weights = WorkloadWeights(accounts=0, travel_km=0, potential=1e-5)
    flags = flag_territories(build(), Q1, AS_OF, weights=weights).set_index("territory_id")
    assert flags["diagnosis"].to_dict() == {
        "U2": "execution", "U3": "overloaded", "U4": "overloaded"}
    # 3 ÷ 2.5 = 1.20
    assert flags.loc["U3", "explanation"] == (
        "Overloaded: workload 3.0 is 1.20× the mean; too big for one rep.")


@pytest.mark.parametrize(
    "thresholds, expected",
    [
        # bottom 50% of penetration: U1 1.0, U2 1.0, U3 1.0, U4 .25 -> ranks 2, 2, 2, 1;
        # rank ≤ 2 catches all four; top half of potential (U4, U3) -> U4 and U3
        (Thresholds(penetration_bottom=0.5),
         {"U3": "Market penetration 100% in the bottom 50% while potential $300K is in "
                "the top 50%",
          "U4": "Market penetration 25% in the bottom 50% while potential $400K is in "
                "the top 50%"}),
        # top 25% of potential: rank ≤ 1 -> U4 alone; bottom quartile U4 -> U4 only
        (Thresholds(potential_top=0.25),
         {"U4": "Market penetration 25% in the bottom 25% while potential $400K is in "
                "the top 25%"}),
        # 37.5% of 4 territories = 1.5: rank ≤ 1.5 -> U4; the share is written unrounded
        (Thresholds(penetration_bottom=0.375),
         {"U4": "Market penetration 25% in the bottom 37.5% while potential $400K is in "
                "the top 50%"}),
        # 12.5% of 4 territories = 0.5: no rank is ≤ 0.5, nothing fires
        (Thresholds(penetration_bottom=0.125), {}),
    ],
)
def test_penetration_ranks_are_configurable_and_named(thresholds, expected):
    flags = flag_territories(build(), Q1, AS_OF, thresholds).set_index("territory_id")
    fired = flags[flags["rules"].map(lambda rules: "penetration" in rules)]
    reasons = {tid: next(r for r in rs if r.startswith("Market penetration"))
               for tid, rs in fired["reasons"].items()}
    assert reasons == expected


def test_penetration_reason_in_french_names_the_shares():
    with translation.use("fr"):
        flags = flag_territories(build(), Q1, AS_OF, Thresholds(potential_top=0.25))
    assert flags.set_index("territory_id").loc["U4", "reasons"][0] == (
        "Pénétration du marché 25\u00a0% dans les 25\u00a0% inférieurs alors que le "
        "potentiel 400\u00a0k\u00a0$US est dans les 25\u00a0% supérieurs")


def execution_pair(v_deals, w_deals):
    """Two territories of equal load and potential (2 accounts of 100k each, quota
    100k in Q1): both execution problems when flagged. Deals are (amount, status,
    created, close); an account per territory carries them (v1 in V, w1 in W)."""
    territories = [("V", "Territory V", "East"), ("W", "Territory W", "East")]
    accounts = [
        (a, a, fips, None, None, None, None, 100_000, CUSTOMER, None, None)
        for a, fips in (("v1", "00001"), ("v2", "00001"), ("w1", "00002"), ("w2", "00002"))]
    opps = [
        (f"{account}{i}", f"{account}1", amount,
         "Prospecting" if status == "open" else STAGE[status], status, created, close)
        for account, deals in (("v", v_deals), ("w", w_deals))
        for i, (amount, status, created, close) in enumerate(deals)]
    return build_frames(Dataset(
        territories=_frame("territories", territories),
        reps=_frame("reps", [(r, f"Rep {r}", f"{r}@example.com", t, None, None)
                             for r, t in (("RV", "V"), ("RW", "W"))]),
        alignment=_frame("alignment", [("00001", "V"), ("00002", "W")]),
        accounts=_frame("accounts", accounts),
        opportunities=_frame("opportunities", opps),
        quotas=_frame("quotas", [("V", "2026Q1", 100_000), ("W", "2026Q1", 100_000)]),
    ))


def _deals(count, amount, status, created="2025-10-17", close="2026-01-15"):
    return [(amount, status, created, close)] * count


def test_execution_never_calls_a_win_rate_above_the_company_weak():
    # The walkthrough's case: V wins 2 of 4 (50%) while the company wins 3 of 10 (30%).
    # V: 2 × 20k won = 40k of 100k, pace .4 / .5 = .8 < .85 -> flagged; open 200k over
    #    remaining 60k -> coverage 3.33× ≥ the healthy 3×; deal size 20k; cycle 90 days.
    # W: 1 × 20k won of 6 closed (16.7%), 20k of 100k -> pace .4; no open deal -> coverage 0.
    # Company: 3 won of 10 -> 30%; deal size 60k / 3 = 20k; cycle median(90, 90, 90) = 90.
    # V is at or above the company on every count: the diagnosis says so plainly.
    frames = execution_pair(
        _deals(2, 20_000, "won") + _deals(2, 5_000, "lost") + _deals(1, 200_000, "open",
                                                                     close="2026-03-15"),
        _deals(1, 20_000, "won") + _deals(5, 5_000, "lost"))
    flags = flag_territories(frames, Q1, AS_OF).set_index("territory_id")
    assert flags["diagnosis"].to_dict() == {"V": "execution", "W": "execution"}
    assert flags.loc["V", "explanation"] == (
        "Execution: normal load; conversion and pipeline in line with the company — "
        "look at the accounts.")
    # W: win rate 17% < 30%, coverage 0 below the line; deal size (20k) and cycle equal
    # the company's, so neither is named
    assert flags.loc["W", "explanation"] == (
        "Execution: normal load; weak against the company: win rate 17% (company 30%), "
        "pipeline coverage 0.0× (healthy line 3.0×).")


def test_execution_names_deal_size_and_cycle_against_the_company():
    # V: 2 × 10k won (created Oct 17, closed Jan 15: 90 days) of 4 closed, no open deal:
    #    pace .2 / .5 = .4; win rate 50%; coverage 0 / 80k = 0; deal size 10k.
    # W: 2 × 40k won (created Dec 16: 30 days), nothing lost or open: 80k, pace 1.6;
    #    remaining 20k, coverage 0 < 2 -> flagged too.
    # Company: 4 won of 6 -> 66.7%; deal size 100k / 4 = 25k; cycle median(90, 90, 30, 30)
    #    = 60 days. V is below on all four; W only on coverage.
    frames = execution_pair(
        _deals(2, 10_000, "won") + _deals(2, 5_000, "lost"),
        _deals(2, 40_000, "won", created="2025-12-16"))
    flags = flag_territories(frames, Q1, AS_OF).set_index("territory_id")
    assert flags.loc["V", "explanation"] == (
        "Execution: normal load; weak against the company: win rate 50% (company 67%), "
        "pipeline coverage 0.0× (healthy line 3.0×), deal size $10K (company $25K), "
        "sales cycle 90\u00a0d (company 60\u00a0d).")
    assert flags.loc["W", "explanation"] == (
        "Execution: normal load; weak against the company: "
        "pipeline coverage 0.0× (healthy line 3.0×).")
    with translation.use("fr"):
        french = flag_territories(frames, Q1, AS_OF).set_index("territory_id")
    assert french.loc["V", "explanation"] == (
        "Exécution : charge normale ; faible par rapport à l'entreprise : taux de réussite "
        "50\u00a0% (entreprise 67\u00a0%), couverture du pipeline 0,0× (seuil sain 3,0×), "
        "taille des affaires 10\u00a0k\u00a0$US (entreprise 25\u00a0k\u00a0$US), cycle de "
        "vente 90\u00a0j (entreprise 60\u00a0j).")
