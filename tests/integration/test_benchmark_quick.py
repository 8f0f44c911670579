"""The benchmark runner's quick mode, in-process on a tiny dataset: every
interaction gets a row and every measured one has positive timings. No time
thresholds: this is a smoke test that the runner still drives the app."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo root: benchmarks/

pytest.importorskip("duckdb")  # benchmark-only dependency (benchmarks/README.md)

from benchmarks import run  # noqa: E402

INTERACTIONS = (
    "Recolour map by another KPI",
    "Change the period",
    "Change the region",
    "Open a territory drill-down",
    "Attainment view (period change)",
    "Pipeline view (period change)",
    "Underperformers, new thresholds",
    "Open the map page (route '/')",
    "What-if: move one county",
    "What-if: move 500 accounts",  # tiny has 500 accounts: all of them move
    "What-if: change a quota",
    "Rep scorecard",
)
ALWAYS_MEASURED = (
    "Recolour map by another KPI", "Change the period", "Change the region",
    "Underperformers, new thresholds", "Open the map page (route '/')",
    "What-if: move one county", "What-if: move 500 accounts", "What-if: change a quota",
)


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench")
    return run.run_benchmark("tiny", run.QUICK_REPEATS, root=root, subprocess_build=False,
                             log=lambda *_: None)


def test_every_interaction_has_a_row(result):
    assert [r.name for r in result.rows] == list(INTERACTIONS)


def test_measured_rows_have_positive_timings(result):
    by_name = {r.name: r for r in result.rows}
    for name in ALWAYS_MEASURED:
        assert by_name[name].measured, f"{name}: {by_name[name].note}"
    for row in result.rows:
        if not row.measured:
            assert row.via == "n/a"
            continue
        assert len(row.cold) == run.QUICK_REPEATS
        assert all(t > 0 for t in row.cold), row.name
        assert row.floor and all(t > 0 for t in row.floor), row.name
        summary = row.summary()
        assert summary["cold_p50_ms"] > 0 and summary["ratio"] > 0
        if row.via in (run.HTTP, run.HTTP_CHAIN):
            assert all(t > 0 for t in row.warm) and all(s > 0 for s in row.sizes), row.name
            assert "error" not in row.note and "failed" not in row.note, row.note


def test_facts_and_table(result):
    facts = result.facts
    assert facts["cold_start_s"] > 0 and facts["peak_rss_mb"] > 0
    assert facts["map_page_bytes"] > 0 and facts["territory_topojson_bytes"] > 0
    table = run.markdown_table(result)
    assert table.count("\n") == len(INTERACTIONS) + 1


def test_zip_units_move_a_zip_area(tmp_path):
    """``--units zip``: the tiny dataset built on approximate ZIP areas in a folder of
    its own, and the unit moved by the what-if is a ZIP area, measured like the rest."""
    result = run.run_benchmark("tiny", 1, root=tmp_path, subprocess_build=False,
                               log=lambda *_: None, units="zip")
    assert (tmp_path / "tiny" / "seed-7-zip" / "territory.sqlite").exists()
    assert not (tmp_path / "tiny" / "seed-7").exists()
    names = [r.name for r in result.rows]
    assert names == [n.replace("move one county", "move one ZIP area") for n in INTERACTIONS]
    moved = result.rows[names.index("What-if: move one ZIP area")]
    assert moved.measured and moved.floor and "error" not in moved.note, moved.note
    section = run.report(result, run.machine(), "today")
    assert section.startswith("### Size tiny (ZIP units)\n")


def test_a_zip_section_goes_after_its_size(tmp_path):
    path = tmp_path / "RESULTS.md"
    path.write_text("# R\n\n<!-- size:L -->\nL\n<!-- /size:L -->\n\n## Hotspots\n")
    run.write_results("L on ZIPs", run.section_key("L", "zip"), path)
    run.write_results("L on ZIPs, again", run.section_key("L", "zip"), path)
    assert path.read_text() == ("# R\n\n<!-- size:L -->\nL\n<!-- /size:L -->\n\n"
                                "<!-- size:L-zip -->\nL on ZIPs, again\n<!-- /size:L-zip -->"
                                "\n\n## Hotspots\n")
