"""Property tests: whatever a (tampered) browser posts to the views'
callbacks -- wrong types, unknown regions, nonsense periods, huge numbers,
markup -- the server answers without a 500 and without a traceback; and any
value of the type the control really sends gives a view (figures or an empty
state), never the error banner."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layouts import ids
from tests.dash_http import find_callback, post_callback, sign_in

FUZZ = settings(max_examples=20, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

TARGETS = {
    "overview": (ids.KPI_STRIP, "children"),
    "attainment": (ids.ATTAINMENT_CONTENT, "children"),
    "pipeline": (ids.PIPELINE_CONTENT, "children"),
    "underperformers": (ids.UP_SUMMARY, "children"),
}

PLAUSIBLE = ["qtd", "ytd", "t12m", "2026Q3", "2025", "2026-01-01..2026-06-30", "all", "West",
             "South", "Enterprise", "SMB", "attainment", "pace", "coverage", "territory", "rep",
             "region", "?period=2026Q2&region=West", ""]
scalar = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20),
    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(PLAUSIBLE),
    st.text(max_size=30), st.sampled_from(["<script>alert(1)</script>", "../../etc/passwd",
                                           "1999Q9", "2026-13-45..x", "'; DROP TABLE x;--",
                                           "9" * 5000, "\u202e\x00"]),
)
value = st.recursive(scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=8)


text_value = st.one_of(st.none(), st.sampled_from(PLAUSIBLE), st.text(max_size=40))
number_value = st.one_of(st.none(), st.integers(-10**9, 10**9),
                         st.floats(allow_nan=False, allow_infinity=False))
#: inputs that are numbers or switches in the page; every other input is text
TYPED = {f"{i}.value": number_value for i in (ids.UP_PACE, ids.UP_COVERAGE, ids.UP_GROWTH,
                                              ids.UP_POTENTIAL_INDEX, ids.PIPELINE_HEALTHY,
                                              ids.UP_PENETRATION_BOTTOM, ids.UP_POTENTIAL_TOP)}
TYPED[f"{ids.UP_PENETRATION}.value"] = st.one_of(st.none(), st.booleans())


@pytest.fixture
def client(demo_app):
    """A signed-in browser: the one place to change when sign-in changes."""
    return sign_in(demo_app.server.test_client())


def inputs_of(app, output) -> list[str]:
    _key, spec = find_callback(app, *output)
    return [f"{d['id']}.{d['property']}" for d in spec["inputs"] + spec.get("state", [])]


@pytest.mark.parametrize("view", sorted(TARGETS))
def test_random_values_never_give_a_500_or_a_traceback(client, demo_app, view):
    output = TARGETS[view]
    names = inputs_of(demo_app, output)

    @FUZZ
    @given(values=st.fixed_dictionaries({name: value for name in names}),
           changed=st.sampled_from(names))
    def post(values, changed):
        status, body = post_callback(client, demo_app, output, values, changed=[changed])
        text = json.dumps(body)
        assert status != 500 and status < 500, (status, text[:300])
        assert "Traceback" not in text and 'File "' not in text

    post()


@pytest.mark.parametrize("view", sorted(TARGETS))
def test_any_value_of_the_right_type_gives_a_view_not_the_error_banner(client, demo_app, view):
    output = TARGETS[view]
    names = inputs_of(demo_app, output)

    @FUZZ
    @given(values=st.fixed_dictionaries({n: TYPED.get(n, text_value) for n in names}),
           changed=st.sampled_from(names))
    def post(values, changed):
        status, body = post_callback(client, demo_app, output, values, changed=[changed])
        assert status == 200
        assert ids.ERROR_BANNER not in (body.get("sideUpdate") or {}), values
        assert output[0] in body["response"]

    post()
