"""The demo's history and segment quotas through `kpis` (issue 17 item 4): the
realignment a year ago makes "as credited" and `--restated` differ for the
territories it touched over a period that reads days before it, and agree for
a period after it; the region with segment quotas answers `--segment` with
quotas, the others leave them empty."""

from __future__ import annotations

import csv
import io

import pytest

from dashboard.runtime.cli import main
from dashboard.storage import store
from dashboard.storage.db import make_engine


@pytest.fixture
def demo_env(demo_settings, monkeypatch):
    monkeypatch.setenv("TD_INSTANCE_PATH", demo_settings.instance_path)
    monkeypatch.setenv("TD_DEMO", "0")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("TD_AS_OF", raising=False)
    return demo_settings


@pytest.fixture
def dataset(demo_env):
    return store.read_dataset(make_engine(demo_env.resolved_database_url))


def kpis(capsys, *argv) -> str:
    assert main(["kpis", *argv]) == 0
    return capsys.readouterr().out


def rows(out: str) -> dict[str, dict]:
    return {row["id"]: row for row in csv.DictReader(io.StringIO(out))}


def touched_territories(dataset) -> set[str]:
    """Territories a dated alignment row or dated override moves anything into
    or out of: a county's territory before and after its dated row; an
    account's before (its undated override, else its county's) and after."""
    alignment = dataset.alignment
    undated = alignment[alignment["effective_from"].isna()].set_index("county_fips")[
        "territory_id"]
    dated = alignment[alignment["effective_from"].notna()]
    touched = set(dated["territory_id"]) | set(undated[dated["county_fips"]])
    accounts = dataset.accounts.set_index("account_id")
    for row in dataset.overrides.itertuples():
        account = accounts.loc[row.account_id]
        county = undated[account["county_fips"]]
        before = account["territory_override"] or county
        touched |= {before, row.territory_id or county}
    return touched


def test_demo_history_as_credited_and_restated(dataset, capsys):
    assert dataset.alignment["effective_from"].notna().any()
    touched = touched_territories(dataset)
    moved = dataset.alignment.loc[dataset.alignment["effective_from"].notna(), "territory_id"]
    # 2025 holds the months before the realignment of 2025-07-01
    credited = rows(kpis(capsys, "--period", "2025", "--level", "territory"))
    restated = rows(kpis(capsys, "--period", "2025", "--level", "territory", "--restated"))
    differ = {t for t in credited if credited[t]["bookings"] != restated[t]["bookings"]}
    assert set(moved) <= differ <= touched
    # a visible difference: some touched territory's attainment moves by 5 points or more
    assert max(abs(float(credited[t]["attainment"]) - float(restated[t]["attainment"]))
               for t in differ) >= 0.05
    # a period after the change reads the same both ways, to the byte
    after = kpis(capsys, "--period", "2026Q3", "--level", "territory")
    assert after == kpis(capsys, "--period", "2026Q3", "--level", "territory", "--restated")


def test_demo_segment_quotas_in_one_region(dataset, capsys):
    quotas = dataset.quotas
    region = dataset.territories.set_index("territory_id")["region"]
    with_segments = set(quotas.loc[quotas["segment"].notna(), "territory_id"])
    regions = set(region[sorted(with_segments)])
    assert len(regions) == 1 and with_segments == set(region.index[region.isin(regions)])
    by_territory = rows(kpis(capsys, "--period", "2026Q3", "--level", "territory",
                             "--segment", "Mid-Market"))
    expected = quotas[(quotas["period"] == "2026Q3") & (quotas["segment"] == "Mid-Market")]
    expected = expected.set_index("territory_id")["amount"]
    for territory, row in by_territory.items():
        if territory in with_segments:
            assert float(row["quota"]) == pytest.approx(expected[territory])
        else:
            assert row["quota"] == row["attainment"] == ""
    by_region = rows(kpis(capsys, "--period", "2026Q3", "--level", "region",
                          "--segment", "Mid-Market"))
    for name, row in by_region.items():
        assert (row["quota"] != "") == (name in regions)
    company = rows(kpis(capsys, "--period", "2026Q3", "--level", "company",
                        "--segment", "Mid-Market"))
    assert [row["quota"] for row in company.values()] == [""]
    whole = quotas[quotas["period"] == "2026Q3"].groupby("territory_id")["amount"].sum()
    totals = rows(kpis(capsys, "--period", "2026Q3", "--level", "territory"))
    assert {t: float(r["quota"]) for t, r in totals.items()} == pytest.approx(
        whole.to_dict())
