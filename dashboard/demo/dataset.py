"""A deterministic demo dataset a sales leader would find believable.

Accounts sit in real US cities (``data/cities.csv``), territories are
contiguous county clusters balanced on potential (:mod:`dashboard.demo.alignment`),
deals follow seasons and quota cycles (:mod:`dashboard.demo.sales`). A year
before the as-of date a realignment moved a few border counties and named
accounts (:mod:`dashboard.demo.history`), so the alignment and overrides are
dated; the territories of one region have their quotas per segment. Every
account that has won a deal is a customer from its first win, unless it
churned after its last. A few
territories are planted to fail one METRICS.md underperformance rule each;
the manifest names them so tests and demos can check that the dashboard
finds them. Everything derives from one numpy seed, so the same arguments
always give the same frames.
"""

from __future__ import annotations

import math
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from dashboard import DATA_DIR
from dashboard.demo.alignment import aligned_counties, build_territories
from dashboard.demo.districts import districts
from dashboard.demo.history import (
    dated_alignment,
    dated_overrides,
    past_realignment,
    territories_before,
)
from dashboard.demo.sales import Timeline, generate_sales
from dashboard.geo.us_atlas import county_adjacency, county_of_points, load_counties
from dashboard.metrics.periods import EPOCH, to_day
from dashboard.storage.schema import Dataset, as_flags, empty_frame

CITIES_FILE = DATA_DIR / "cities.csv"
BASE_TERRITORIES, BASE_ACCOUNTS, BASE_OPPORTUNITIES = 60, 20_000, 100_000
CAUSES = ("low_penetration", "thin_pipeline", "falling_bookings", "low_pace")
#: The region whose territories have a quota per segment (the others one per quarter)
SEGMENT_QUOTA_REGION = "Midwest"
CAUSE_TEXT = {
    "thin_pipeline": "few open deals for the current quarter: coverage below 2x",
    "low_penetration": "high potential but few customers: penetration in the bottom quartile",
    "falling_bookings": "last year's programme ended: bookings below the same dates last year",
    "low_pace": "the rep is losing this quarter's deals: won bookings far below quota",
}

INDUSTRIES = {  # industry: (share of accounts, potential multiplier, name nouns)
    "Manufacturing": (0.22, 1.1, ("Manufacturing", "Fabrication", "Precision", "Machine Works",
                                  "Plastics", "Metalworks")),
    "Healthcare": (0.14, 1.2, ("Health", "Medical Group", "Care Partners", "Clinics",
                               "Diagnostics")),
    "Retail": (0.16, 0.8, ("Outfitters", "Supply", "Market", "Home Goods", "Trading")),
    "Financial Services": (0.10, 1.3, ("Financial", "Capital", "Credit Union", "Insurance",
                                       "Bancorp")),
    "Technology": (0.12, 1.15, ("Systems", "Software", "Data", "Networks", "Labs")),
    "Logistics": (0.12, 0.95, ("Logistics", "Freight", "Transport", "Distribution")),
    "Energy": (0.06, 1.25, ("Energy", "Power", "Utilities", "Solar")),
    "Public Sector": (0.08, 1.0, ("County Services", "Water Authority", "School District",
                                  "Transit Authority")),
}
NAME_WORDS = (
    "Harbor Summit Pioneer Cedar Granite Keystone Liberty Meridian Northstar Oakridge Pinnacle "
    "Prairie Redwood Riverside Sierra Silverline Sterling Sunrise Tidewater Trinity Valley "
    "Vanguard Westfield Bluewater Cornerstone Crescent Eagle Evergreen Frontier Gateway Heritage "
    "Horizon Ironwood Lakeshore Landmark Magnolia Maple Mesa Mission Monarch Patriot Piedmont "
    "Ridgeline Sequoia Stonebridge Summitview Timberline Union Willow Apex Atlas Beacon Bridgeway "
    "Canyon Coastal Compass Delta Elm Falcon Fairview Foothill Highland Juniper Lonestar Mariner"
).split()
LEGAL_FORMS = ("Inc", "LLC", "Co", "Group", "Corp", "Partners", "Holdings")
FIRST_NAMES = (
    "James Maria Robert Linda Michael Patricia David Jennifer John Elizabeth William Susan "
    "Daniel Jessica Carlos Sarah Anthony Karen Kevin Nancy Brian Lisa Jason Ashley Ryan Emily "
    "Eric Michelle Andrew Amanda Joshua Melissa Marcus Stephanie Jose Rebecca Tyler Laura "
    "Aaron Rachel Nathan Megan Samuel Priya Omar Grace Luis Hannah Derek Olivia"
).split()
LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Thompson White Harris Clark Lewis "
    "Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson "
    "Baker Hall Rivera Campbell Mitchell Carter Roberts Patel Kim Obrien Sullivan"
).split()


@lru_cache(maxsize=1)
def load_cities() -> pd.DataFrame:
    """The bundled city list (see dashboard/build_cities.py), FIPS kept as text."""
    cities = pd.read_csv(CITIES_FILE, dtype={"county_fips": str, "city": str, "state_abbr": str})
    return cities.astype({"county_fips": object, "city": object, "state_abbr": object})


def _days_to_dates(days: np.ndarray) -> np.ndarray:
    """Float day numbers (NaN = missing) -> datetime64[s] (NaT)."""
    days = np.asarray(days, dtype=float)
    result = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[s]")
    ok = ~np.isnan(days)
    result[ok] = (np.datetime64(EPOCH, "D") + days[ok].astype("timedelta64[D]")).astype(
        "datetime64[s]"
    )
    return result


def _ids(prefix: str, count: int, width: int) -> np.ndarray:
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, count + 1)], dtype=object)


def _place_accounts(cities: pd.DataFrame, n: int, rng) -> pd.DataFrame:
    """Accounts at cities drawn by population, nudged a few km but never out
    of the city's county (a nudge that crosses a line is retried smaller)."""
    population = cities["population"].to_numpy(dtype=float) ** 0.85
    city = rng.choice(len(cities), size=n, p=population / population.sum())
    lat = cities["lat"].to_numpy()[city].copy()
    lon = cities["lon"].to_numpy()[city].copy()
    fips = cities["county_fips"].to_numpy()[city]
    pending = np.arange(n)
    for spread in (0.04, 0.015, 0.005):
        d_lat = rng.normal(0, spread, len(pending))
        d_lon = rng.normal(0, spread, len(pending))
        cand_lat, cand_lon = lat[pending] + d_lat, lon[pending] + d_lon
        inside = county_of_points(cand_lat, cand_lon) == fips[pending]
        lat[pending[inside]], lon[pending[inside]] = cand_lat[inside], cand_lon[inside]
        pending = pending[~inside]  # the rest keep the exact city point
    industries = list(INDUSTRIES)
    share = np.array([INDUSTRIES[i][0] for i in industries])
    industry = rng.choice(len(industries), size=n, p=share / share.sum())
    multiplier = np.array([INDUSTRIES[i][1] for i in industries])[industry]
    # Lognormal sigma 1.5: the top 20% of accounts hold about 75% of potential.
    potential = np.round(rng.lognormal(np.log(40_000), 1.5, n) * multiplier / 100) * 100
    potential = np.maximum(potential, 1_000.0)
    rank = potential.argsort(kind="stable").argsort(kind="stable") / max(n - 1, 1)
    segment = np.where(rank >= 0.95, "Enterprise", np.where(rank >= 0.70, "Mid-Market", "SMB"))
    word = rng.integers(0, len(NAME_WORDS), n)
    noun_pick = rng.random(n)
    form = rng.integers(0, len(LEGAL_FORMS), n)
    use_city = rng.random(n) < 0.15
    city_names = cities["city"].to_numpy()[city]
    names = []
    for i in range(n):
        nouns = INDUSTRIES[industries[industry[i]]][2]
        lead = city_names[i] if use_city[i] else NAME_WORDS[word[i]]
        names.append(f"{lead} {nouns[int(noun_pick[i] * len(nouns))]} {LEGAL_FORMS[form[i]]}")
    return pd.DataFrame(
        {
            "account_id": _ids("A", n, max(6, len(str(n)))),
            "account_name": np.array(names, dtype=object),
            "county_fips": fips.astype(object),
            "lat": lat,
            "lon": lon,
            "industry": np.array(industries, dtype=object)[industry],
            "segment": segment.astype(object),
            "annual_potential": potential,
        }
    )


def _territory_neighbours(alignment: pd.DataFrame) -> dict[str, list[str]]:
    owner = dict(zip(alignment["county_fips"], alignment["territory_id"], strict=True))
    neighbours: dict[str, set[str]] = {t: set() for t in alignment["territory_id"]}
    for fips, adjacent in county_adjacency().items():
        if fips in owner:
            neighbours[owner[fips]] |= {owner[n] for n in adjacent if n in owner} - {owner[fips]}
    return {t: sorted(n) for t, n in neighbours.items()}


def _overrides(accounts, territory, alignment, rng) -> np.ndarray:
    """Named accounts: a few of the biggest accounts kept by a neighbouring
    territory's rep (the relationship predates the current map)."""
    override = np.full(len(accounts), None, dtype=object)
    neighbours = _territory_neighbours(alignment)
    big = np.argsort(-accounts["annual_potential"].to_numpy(), kind="stable")[:300]
    big = [i for i in big if neighbours[territory[i]]]
    count = min(len(big), max(3, round(len(accounts) / 2500)))
    for i in rng.choice(big, size=count, replace=False):
        options = neighbours[territory[i]]
        override[i] = options[rng.integers(len(options))]
    return override


def _choose_planted(
    territories: pd.DataFrame, exempt: set[str], count: int, rng
) -> dict[str, str]:
    """Territory id -> cause. Low penetration needs a high-potential territory
    (METRICS.md: potential in the top half), so it picks from the top 40%."""
    causes = [CAUSES[i % len(CAUSES)] for i in range(count)]
    free = [t for t in territories["territory_id"] if t not in exempt]
    rank = territories.set_index("territory_id")["potential"].rank(pct=True)
    planted: dict[str, str] = {}
    for cause in causes:
        pool = [t for t in free if t not in planted]
        high = [t for t in pool if rank[t] >= 0.6]
        if cause == "low_penetration" and high:
            pool = high
        planted[str(rng.choice(pool))] = cause
    return planted


def _customers(accounts, t_pos, rate, as_of_day, window_start, rng):
    """customer_since and churned_on (day numbers). Each territory gets exactly
    round(rate x accounts) current customers, so penetration is what the plan
    says rather than a binomial draw; bigger accounts are likelier customers."""
    n = len(accounts)
    weight = accounts["segment"].map({"Enterprise": 3.0, "Mid-Market": 1.6, "SMB": 1.0})
    key = np.log(weight.to_numpy(dtype=float)) + rng.gumbel(size=n)
    order = np.lexsort((-key, t_pos))
    counts = np.bincount(t_pos, minlength=len(rate))
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    rank = np.empty(n, dtype=int)
    rank[order] = np.arange(n) - first[t_pos[order]]
    current = rank < np.round(rate * counts)[t_pos]
    churned = ~current & (rank < np.round((rate + 0.06) * counts)[t_pos])
    twelve_years = 12 * 365
    since = np.full(n, np.nan)
    recent = rng.random(n) < 0.3
    since[current] = np.where(
        recent, rng.integers(window_start, as_of_day + 1, n),
        rng.integers(as_of_day - twelve_years, window_start, n),
    )[current]
    old = rng.integers(as_of_day - twelve_years, as_of_day - 545, n)
    since[churned] = old[churned]
    churn = np.full(n, np.nan)
    low = np.maximum(old + 180, as_of_day - 3 * 365)
    churn[churned] = (low + rng.random(n) * (as_of_day - low)).round()[churned]
    return since, churn, current | churned


def _customer_from_first_win(since, churned, won, as_of_day):
    """An account that has won a deal is a customer from its first win (or
    earlier) unless it churned after its last one: customer_since no later
    than the first win, and a churn date on or before the last win dropped.
    The sales generator already gives won deals to customers only, so this
    changes few accounts; it makes the rule hold whatever the sizes."""
    won = won[won["close_day"] <= as_of_day]
    first = won.groupby("account_pos")["close_day"].min()
    last = won.groupby("account_pos")["close_day"].max()
    since, churned = since.copy(), churned.copy()
    pos = first.index.to_numpy()
    since[pos] = np.fmin(since[pos], first.to_numpy())
    stale = churned[pos] <= last.to_numpy()
    churned[pos[stale]] = np.nan
    return since, churned


def _reps(territories, hubs, vacant, rng) -> pd.DataFrame:
    staffed = [t for t in territories["territory_id"] if t not in vacant]
    count = len(staffed) + 1  # plus one new hire not yet given a territory
    grid = rng.permutation(len(FIRST_NAMES) * len(LAST_NAMES))
    if count > len(grid):
        raise ValueError(f"the demo has names for {len(grid)} reps, not {count}")
    first = [FIRST_NAMES[g // len(LAST_NAMES)] for g in grid[:count]]
    last = [LAST_NAMES[g % len(LAST_NAMES)] for g in grid[:count]]
    last = ["O'Brien" if name == "Obrien" else name for name in last]
    home = [hubs[t] for t in staffed] + [hubs[sorted(vacant)[0]] if vacant else hubs[staffed[0]]]
    return pd.DataFrame(
        {
            "rep_id": _ids("R", count, max(3, len(str(count)))),
            "rep_name": np.array([f"{f} {s}" for f, s in zip(first, last, strict=True)],
                                 dtype=object),
            "email": np.array([f"{f}.{s}@example.com".lower().replace("'", "")
                               for f, s in zip(first, last, strict=True)], dtype=object),
            "territory_id": np.array([*staffed, None], dtype=object),
            "home_lat": np.array([h[1] for h in home], dtype=float),
            "home_lon": np.array([h[2] for h in home], dtype=float),
        }
    )


def generate_demo(
    seed: int = 7, scale: float = 1.0, as_of: date = date(2026, 8, 14),
    n_territories: int | None = None, n_accounts: int | None = None,
    n_opportunities: int | None = None,
) -> tuple[Dataset, dict]:
    """The demo Dataset and its manifest (as_of, seed, counts, vacant and
    planted territories, contiguity exemptions). ``scale`` multiplies the
    base counts (60 territories, 20,000 accounts, 100,000 opportunities);
    explicit counts win over it."""
    rng = np.random.default_rng(seed)
    n_territories = n_territories or max(6, round(BASE_TERRITORIES * scale))
    n_accounts = n_accounts or round(BASE_ACCOUNTS * scale)
    n_opportunities = n_opportunities or round(BASE_OPPORTUNITIES * scale)
    timeline = Timeline.around(as_of)

    counties = aligned_counties()
    cities = load_cities()
    cities = cities[cities["county_fips"].isin(counties.index)].reset_index(drop=True)
    accounts = _place_accounts(cities, n_accounts, rng)
    county_potential = accounts.groupby("county_fips")["annual_potential"].sum()
    plan = build_territories(county_potential, cities, n_territories, rng)
    # territory > district (Census division) > region: no random number drawn
    territories, levels = districts(plan.territories, plan.alignment, counties, county_potential)
    alignment_map = plan.alignment.set_index("county_fips")["territory_id"]

    by_county = accounts["county_fips"].map(alignment_map).to_numpy(dtype=object)
    accounts["territory_override"] = _overrides(accounts, by_county, plan.alignment, rng)
    exempt = set(plan.contiguity_exempt)
    realignment = past_realignment(plan.alignment, territories, county_potential,
                                   plan.water_links, exempt, as_of, rng)
    overrides, effective, effective_before = dated_overrides(
        accounts, accounts["territory_override"].to_numpy(dtype=object), by_county,
        territories_before(by_county, accounts["county_fips"], realignment),
        _territory_neighbours(plan.alignment), realignment, rng,
        count=max(1, round(len(accounts) / 10_000)))
    position = {t: i for i, t in enumerate(territories["territory_id"])}
    t_pos = np.array([position[t] for t in effective])
    t_before = np.array([position[t] for t in effective_before])
    territories["potential"] = np.bincount(
        t_pos, weights=accounts["annual_potential"].to_numpy(), minlength=len(territories)
    )

    free = len(territories) - len(exempt)
    n_vacant = min(max(2, math.ceil(len(territories) / 25)), free // 3)
    n_planted = min(max(5, round(len(territories) / 12)), free - n_vacant)
    planted = _choose_planted(territories, exempt, n_planted, rng)
    pool = [t for t in territories["territory_id"] if t not in planted and t not in exempt]
    vacant = sorted(str(t) for t in rng.choice(pool, size=n_vacant, replace=False))

    rank = territories["potential"].rank(pct=True).to_numpy()
    rate = np.clip(0.20 + 0.20 * rank + rng.normal(0, 0.01, len(rank)), 0.15, 0.45)
    cause = territories["territory_id"].map(planted).to_numpy(dtype=object)
    rate[cause == "low_penetration"] = 0.05
    since, churned, ever = _customers(accounts, t_pos, rate, timeline.as_of,
                                      timeline.days[0], rng)

    territories["win_rate"] = rng.uniform(0.20, 0.38, len(territories))
    territories["growth"] = np.where(cause == "falling_bookings", 0.0,
                                     rng.uniform(0.10, 0.25, len(territories)))
    territories["cause"] = cause
    sales_input = accounts[["annual_potential", "segment"]].assign(
        t=t_pos, t_before=t_before, is_customer=ever, churn_day=churned)
    opps, quotas = generate_sales(
        sales_input, territories, n_opportunities, as_of, rng,
        change_day=to_day(realignment.effective_from),
        segment_quotas=(territories["region"] == SEGMENT_QUOTA_REGION).to_numpy())

    # A recent customer's start date is its first won deal, where it has one.
    won = opps[opps["status"] == "won"]
    first_won = won.groupby("account_pos")["close_day"].min()
    first_won_all = np.full(len(accounts), np.nan)
    first_won_all[first_won.index.to_numpy()] = first_won.to_numpy()
    adopt = ~np.isnan(first_won_all) & (since >= timeline.days[0]) & np.isnan(churned)
    since[adopt] = first_won_all[adopt]
    since, churned = _customer_from_first_win(since, churned, won, timeline.as_of)

    accounts["customer_since"] = _days_to_dates(since)
    accounts["churned_on"] = _days_to_dates(churned)
    opps = opps.sort_values(["created_day", "account_pos", "close_day"], kind="stable")
    opportunities = pd.DataFrame(
        {
            "opportunity_id": _ids("O", len(opps), max(7, len(str(len(opps))))),
            "account_id": accounts["account_id"].to_numpy()[opps["account_pos"].to_numpy()],
            "amount": opps["amount"].to_numpy(dtype=float),
            "stage": opps["stage"].to_numpy(dtype=object),
            "status": opps["status"].to_numpy(dtype=object),
            "created_on": _days_to_dates(opps["created_day"].to_numpy()),
            "close_on": _days_to_dates(opps["close_day"].to_numpy()),
        }
    )
    reps = _reps(territories, plan.hubs, set(vacant), rng)

    dataset = Dataset(
        territories=_canonical("territories", territories),
        levels=_canonical("levels", levels),
        reps=_canonical("reps", reps),
        alignment=_canonical("alignment", dated_alignment(plan.alignment, realignment)),
        accounts=_canonical("accounts", accounts),
        opportunities=_canonical("opportunities", opportunities),
        quotas=_canonical("quotas", quotas),
        overrides=_canonical("overrides", overrides),
    )
    unaligned = load_counties().drop(index=counties.index)["state_abbr"].value_counts()
    manifest = {
        "as_of": as_of.isoformat(),
        "seed": seed,
        "scale": scale,
        "counts": {name: len(frame) for name, frame in dataset.tables().items()},
        "vacant": vacant,
        "unassigned_reps": reps.loc[reps["territory_id"].isna(), "rep_id"].tolist(),
        "planted": [
            {"territory_id": t, "cause": c, "description": CAUSE_TEXT[c]}
            for t, c in sorted(planted.items())
        ],
        "contiguity_exempt": dict(sorted(plan.contiguity_exempt.items())),
        "water_links": [list(pair) for pair in plan.water_links],
        # Puerto Rico and the island areas: no Census region, no territory.
        "unaligned_counties": {str(k): int(v) for k, v in sorted(unaligned.items())},
        "realignment": {
            "effective_from": realignment.effective_from.isoformat(),
            "moves": realignment.moves.to_dict("records"),
            "overrides": [{"account_id": row.account_id,
                           "territory_id": None if pd.isna(row.territory_id) else row.territory_id}
                          for row in overrides.itertuples()],
        },
        "segment_quota_region": SEGMENT_QUOTA_REGION,
    }
    return dataset, manifest


def _canonical(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The table's columns in schema order with schema dtypes (object strings
    with None, datetime64[s] dates, float64 numbers)."""
    template = empty_frame(table)
    out = {}
    for column in template.columns:
        # a column the demo does not make (effective_from, segment) is blank
        values = frame[column] if column in frame else pd.Series(None, index=frame.index)
        dtype = template[column].dtype
        if pd.api.types.is_object_dtype(dtype):
            array = np.array(values.to_numpy(dtype=object), dtype=object)
            array[pd.isna(array)] = None
            out[column] = pd.Series(array, dtype=object)
        elif pd.api.types.is_bool_dtype(dtype):  # a flag: blank is no (NaN as bool is True)
            out[column] = as_flags(values.to_numpy(dtype=object))
        else:
            out[column] = pd.Series(values.to_numpy(), dtype=dtype)
    return pd.DataFrame(out)
