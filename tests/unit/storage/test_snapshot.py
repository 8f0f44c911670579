"""The frames snapshot: a restarted worker gets exactly the frames (and KPI
aggregates) of the same data version, and never those of another."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.demo.dataset import generate_demo
from dashboard.metrics import kpi_cube, kpi_cube_build
from dashboard.metrics.frames import build_frames
from dashboard.metrics.kpi_table import kpi_table
from dashboard.metrics.periods import Period
from dashboard.storage import snapshot


def _prepared():
    dataset, manifest = generate_demo(n_territories=8, n_accounts=400, n_opportunities=2000)
    frames = build_frames(dataset)
    kpi_cube_build.prepare(frames)
    return frames, date.fromisoformat(manifest["as_of"])


def test_a_snapshot_gives_back_the_same_frames_and_figures(tmp_path):
    frames, as_of = _prepared()
    snapshot.save(tmp_path, "7-abc", {"Proposal": 0.5}, frames)
    loaded = snapshot.load(tmp_path, "7-abc", {"Proposal": 0.5})
    assert loaded is not None
    for name in ("territories", "reps", "alignment", "accounts", "opportunities", "quotas"):
        pd.testing.assert_frame_equal(getattr(loaded, name), getattr(frames, name))
    assert kpi_cube.aggregates_of(loaded) is not None
    q = Period.parse("2026Q1")
    pd.testing.assert_frame_equal(kpi_table(loaded, q, as_of), kpi_table(frames, q, as_of),
                                  check_exact=True)


def test_another_data_version_or_setting_reads_nothing_and_old_files_go(tmp_path):
    frames, _ = _prepared()
    snapshot.save(tmp_path, "7-abc", None, frames)
    assert snapshot.load(tmp_path, "8-def", None) is None  # data changed
    assert snapshot.load(tmp_path, "7-abc", {"Proposal": 0.9}) is None  # probabilities changed
    snapshot.save(tmp_path, "8-def", None, frames)
    assert len(list(snapshot.folder(tmp_path).glob("*.pickle"))) == 1
    assert snapshot.load(tmp_path, "7-abc", None) is None


def test_a_damaged_snapshot_is_removed_and_ignored(tmp_path):
    frames, _ = _prepared()
    snapshot.save(tmp_path, "7-abc", None, frames)
    (path,) = snapshot.folder(tmp_path).glob("*.pickle")
    path.write_bytes(path.read_bytes()[:1000])
    assert snapshot.load(tmp_path, "7-abc", None) is None
    assert not path.exists()


def test_the_snapshot_is_keyed_by_the_effective_stage_probabilities(tmp_path):
    # the service keys snapshots with Settings.stage_probabilities, which is always the
    # full map (configured stages laid over the defaults): one changed stage is another
    # snapshot, and a partial setting equal to the defaults is the same one
    from dashboard.runtime.config import Settings
    from dashboard.storage.schema import DEFAULT_STAGE_PROBABILITIES

    frames, _ = _prepared()
    default = Settings().stage_probabilities
    changed = Settings(stage_probabilities={"Negotiation": 0.9}).stage_probabilities
    assert changed == {**DEFAULT_STAGE_PROBABILITIES, "Negotiation": 0.9}
    snapshot.save(tmp_path, "7-abc", default, frames)
    assert snapshot.load(tmp_path, "7-abc", changed) is None
    same = Settings(stage_probabilities={"Negotiation": 0.75}).stage_probabilities
    assert snapshot.load(tmp_path, "7-abc", same) is not None


def test_frames_weigh_open_deals_with_the_merged_probabilities():
    dataset, _ = generate_demo(n_territories=8, n_accounts=400, n_opportunities=2000)
    frames = build_frames(dataset, {"Negotiation": 0.9})
    opps = frames.opportunities
    open_ = opps["status"] == "open"
    by_stage = opps[open_].groupby("stage", observed=True)["probability"].first().to_dict()
    # Negotiation configured; the other open stages keep their METRICS.md defaults
    assert by_stage == {"Prospecting": 0.1, "Qualification": 0.2, "Proposal": 0.5,
                        "Negotiation": 0.9}


def test_a_snapshot_of_frames_with_history_gives_back_the_credited_figures(tmp_path):
    """Format 2 (issue 17 item 4): the dated rows come back, so does the
    credited cube (a restarted worker answers as credited from the cube, not
    by building it again on its first request), and every figure, as
    credited and restated, is the one of the frames it was made from."""
    from tests.unit.metrics.test_alignment_history import demo_with_history

    frames = build_frames(demo_with_history())
    kpi_cube_build.prepare(frames)
    snapshot.save(tmp_path, "v1", None, frames)
    loaded = snapshot.load(tmp_path, "v1", None)
    pd.testing.assert_frame_equal(loaded.alignment_rows, frames.alignment_rows)
    pd.testing.assert_frame_equal(loaded.override_rows, frames.override_rows)
    assert kpi_cube_build.CREDITED_KEY in loaded.cache
    as_of = date(2026, 8, 14)
    for restated in (False, True):
        for period in ("2026Q1", "2026"):
            pd.testing.assert_frame_equal(
                kpi_table(loaded, Period.parse(period), as_of, restated=restated),
                kpi_table(frames, Period.parse(period), as_of, restated=restated))
