"""Which territories a what-if draft names (a manager may only touch their own)."""

from __future__ import annotations

import pytest

from dashboard.whatif.changeset import Changes
from dashboard.whatif.draft_scope import outside, territories_named
from tests.unit.whatif.test_changeset import make_frames


@pytest.fixture(scope="module")
def frames():
    return make_frames()


def test_an_empty_draft_names_nothing(frames):
    assert territories_named(frames, Changes.empty()) == set()


@pytest.mark.parametrize("build, expected", [
    # county 00002 belongs to T1; moving it to T2 touches both
    (lambda f: Changes.empty().move_counties(f, ["00002"], "T2"), {"T1", "T2"}),
    # A6 sits in T3; a named-account override to T1 touches both
    (lambda f: Changes.empty().override_accounts(f, ["A6"], "T1"), {"T1", "T3"}),
    # clearing A4's override (T1) sends it back to its county's T2
    (lambda f: Changes.empty().override_accounts(f, ["A4"], None), {"T1", "T2"}),
    (lambda f: Changes.empty().set_quota_change("T3", -0.1), {"T3"}),
    (lambda f: Changes.empty().lock(counties=["00003"], accounts=["A1"], territories=["T3"]),
     {"T1", "T2", "T3"}),
])
def test_territories_named(frames, build, expected):
    assert territories_named(frames, build(frames)) == expected


def test_outside_lists_what_a_manager_may_not_touch(frames):
    draft = Changes.empty().move_counties(frames, ["00002"], "T3")
    assert outside(frames, draft, {"T1", "T2"}) == ["T3"]
    assert outside(frames, draft, {"T1", "T3"}) == []
