"""An import through the mapping step tells its progress (what the page's
progress bar and benchmarks/import_big.py read): each step once, in order,
with a growing share of the work, and a dry run stops before the write."""

from __future__ import annotations

from dashboard.ingest import mapped_import
from tests.integration.test_import_mapping_cli import ALIGNMENT, SALESFORCE, TERRITORIES

FILES = [("Opportunities report.csv", SALESFORCE.encode()),
         ("territories.csv", TERRITORIES.encode()), ("alignment.csv", ALIGNMENT.encode())]


def _engine(settings):
    from dashboard.runtime.service import DataService

    service = DataService(settings)
    service.migrate()
    return service.engine


def test_an_import_reports_each_step_in_order_with_a_growing_share(empty_settings):
    told = []
    outcome = mapped_import.run(_engine(empty_settings), FILES,
                                progress=lambda step, share: told.append((step, share)))
    assert outcome.ok
    assert [step for step, _share in told] == ["reading", "mapping", "building", "writing",
                                               "done"]
    shares = [share for _step, share in told]
    assert shares == sorted(shares) and shares[0] == 0.0 and shares[-1] == 1.0


def test_a_dry_run_reports_no_write(empty_settings):
    told = []
    mapped_import.run(_engine(empty_settings), FILES, dry_run=True,
                      progress=lambda step, share: told.append(step))
    assert told == ["reading", "mapping", "building"]
