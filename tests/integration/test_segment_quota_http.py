"""A segment filter never shows attainment without segment quotas (METRICS.md
"Segment filter"), through the callbacks a browser posts. The demo's quotas are
totals for whole territories, so under "Enterprise" every quota-based figure of
the map strip, the attainment page, pipeline coverage and the drill-down reads
"—" and the view says "no quota by segment"; the map, asked for attainment,
colours by revenue growth and says why."""

from __future__ import annotations

import json

import pytest

from dashboard.views import overview
from dashboard.views.selection import resolve_period
from layouts import ids
from tests.dash_http import patched, post_callback, sign_in, speaking
from tests.integration.test_attainment_http import bar_values, find

SEGMENT = "Enterprise"
NOTE = "no quota by segment"
MISSING = "—"


@pytest.fixture(scope="module")
def demo_app(shared_demo_app):
    """Every test here only reads the app: one for the module (``tests/conftest.py``
    checks that nothing was written when it ends)."""
    return shared_demo_app


@pytest.fixture
def client(demo_app):
    return sign_in(demo_app.server.test_client())


def selection(segment: str) -> dict:
    return {f"{ids.PERIOD}.value": "qtd", f"{ids.REGION}.value": "all",
            f"{ids.SEGMENT}.value": segment, f"{ids.URL}.search": ""}


def cards(tree) -> dict[str, tuple[str, str, str]]:
    """KPI card label -> (value, note, value's class) in a serialized layout."""
    found = {}

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            props = node.get("props", {})
            if props.get("className") == "kpi-card":
                label, value, sub = props["children"]["props"]["children"]
                found[label["props"]["children"]] = (
                    value["props"]["children"],
                    json.dumps(sub["props"]["children"], ensure_ascii=False),
                    value["props"]["className"])
            else:
                walk(props.get("children"))

    walk(tree)
    return found


def assert_no_quota_figures(found: dict, labels) -> None:
    for label in labels:
        value, note, tone = found[label]
        assert value == MISSING, (label, value)
        assert NOTE in note, (label, note)
        assert "bad" not in tone, label


def test_map_strip_legend_and_ranking_under_a_segment_without_quotas(client, demo_app):
    values = selection(SEGMENT) | {f"{ids.MAP_KPI_PICKER}.value": "attainment"}
    status, body = post_callback(client, demo_app, (ids.KPI_STRIP, "children"), values)
    assert status == 200
    response = body["response"]
    assert_no_quota_figures(cards(response[ids.KPI_STRIP]["children"]),
                            ("Quota", "Attainment", "Pace", "Coverage"))
    legend = json.dumps(response[ids.MAP_LEGEND]["children"], ensure_ascii=False)
    assert "Revenue growth · no quota by segment, so not Quota attainment" in legend
    # coloured by revenue growth, as the core colours it, and the ranking shows growth
    columns = response[ids.OVERVIEW_RANKING]["columnDefs"]
    assert columns[-1]["headerName"] == "Revenue growth"
    service = demo_app.server.extensions["territory_service"]
    frames, as_of = service.frames(), service.as_of()
    scope = overview.scope_for(frames, "all", SEGMENT)
    period = resolve_period("qtd", as_of)
    kpis = overview.territory_kpis(frames, scope, period, as_of)
    totals = overview.total_kpis(frames, scope, period, as_of)
    expected, _ = overview.map_hideout(frames, kpis, totals, "revenue_growth")
    hideout = patched(response[ids.MAP_TERRITORIES]["hideout"])
    assert hideout["colors"] == expected["colors"]
    # each tooltip says why a territory has no attainment (the demo's Midwest
    # has Enterprise quotas: those show theirs)
    quota = kpis.set_index("id")["quota"]
    without, with_quota = quota.index[quota.isna()], quota.index[quota.notna()]
    assert len(without) and len(with_quota)
    assert all(f"Attainment, pace, coverage: {MISSING} ({NOTE})" in hideout["tips"][t]
               for t in without)
    assert not any(NOTE in hideout["tips"][t] for t in with_quota)
    assert all("Attainment: " in hideout["tips"][t] for t in with_quota)


def test_map_strip_without_a_segment_keeps_attainment(client, demo_app):
    values = selection("all") | {f"{ids.MAP_KPI_PICKER}.value": "attainment"}
    _, body = post_callback(client, demo_app, (ids.KPI_STRIP, "children"), values)
    found = cards(body["response"][ids.KPI_STRIP]["children"])
    assert found["Attainment"][0].endswith("%") and NOTE not in found["Attainment"][1]
    assert body["response"][ids.OVERVIEW_RANKING]["columnDefs"][-1]["headerName"] == \
        "Quota attainment"


def test_attainment_page_shows_no_attainment_and_says_why(client, demo_app):
    values = selection(SEGMENT) | {f"{ids.ATTAINMENT_LEVEL}.value": "territory"}
    status, body = post_callback(client, demo_app, (ids.ATTAINMENT_CONTENT, "children"), values)
    assert status == 200
    content = body["response"][ids.ATTAINMENT_CONTENT]["children"]
    text = json.dumps(content, ensure_ascii=False)
    assert "No quota by segment: the quotas are set for all segments together" in text
    assert_no_quota_figures(cards(content), ("Attainment", "Pace", "Projected", "On pace"))
    # no bar of attainment but for the territories with a quota for the segment
    # (the demo's one region with segment quotas), and the card says why
    frames = demo_app.server.extensions["territory_service"].frames()
    quotas = frames.quotas[frames.quotas["segment"].astype(object) == SEGMENT]
    names = frames.territories["territory_name"].astype(object)
    with_quota = set(names[names.index.isin(quotas["territory_id"].astype(object))])
    assert with_quota and len(with_quota) < len(names)
    assert set(bar_values(find(content, ids.ATTAINMENT_RANKING)["figure"])) == with_quota
    assert "Territories by attainment · " in text and " · no quota by segment" in text


def test_pipeline_coverage_says_no_quota_by_segment(client, demo_app):
    values = selection(SEGMENT) | {f"{ids.PIPELINE_HEALTHY}.value": 3.0}
    status, body = post_callback(client, demo_app, (ids.PIPELINE_CONTENT, "children"), values)
    assert status == 200
    content = body["response"][ids.PIPELINE_CONTENT]["children"]
    assert_no_quota_figures(cards(content), ("Coverage",))
    text = json.dumps(content, ensure_ascii=False)
    # a missing coverage is not a quota met
    assert "with quota met" not in text
    assert "Coverage of remaining quota · " in text


def test_drilldown_says_no_quota_by_segment(client, demo_app):
    values = selection(SEGMENT) | {f"{ids.DRILLDOWN_TERRITORY}.data": "T07",
                                   f"{ids.DRILLDOWN}.is_open": False}
    status, body = post_callback(client, demo_app, (ids.DRILLDOWN, "children"), values,
                                 changed=[f"{ids.DRILLDOWN_TERRITORY}.data"])
    assert status == 200
    found = cards(body["response"][ids.DRILLDOWN]["children"])
    for label in ("Attainment", "Pace", "Coverage"):
        value, note, tone = found[label]
        assert value == MISSING and note == json.dumps(f"Company {MISSING}", ensure_ascii=False)
        assert "bad" not in tone
    assert NOTE in found["Bookings"][1] and "quota" not in found["Bookings"][1].replace(NOTE, "")


def test_the_note_is_french_in_french(client, demo_app):
    speaking(client, "fr")
    values = selection(SEGMENT) | {f"{ids.ATTAINMENT_LEVEL}.value": "territory"}
    _, body = post_callback(client, demo_app, (ids.ATTAINMENT_CONTENT, "children"), values)
    text = json.dumps(body["response"][ids.ATTAINMENT_CONTENT]["children"], ensure_ascii=False)
    assert "Pas d'objectif par segment : " in text and "pas d'objectif par segment" in text
    assert NOTE not in text.lower()
    values = selection(SEGMENT) | {f"{ids.MAP_KPI_PICKER}.value": "attainment"}
    _, body = post_callback(client, demo_app, (ids.KPI_STRIP, "children"), values)
    tips = patched(body["response"][ids.MAP_TERRITORIES]["hideout"])["tips"]
    assert any("Atteinte, rythme, couverture : — (pas d'objectif par segment)" in tip
               for tip in tips.values())


@pytest.mark.parametrize("kpi", ["", "&kpi=pace", "&kpi=coverage"])
def test_a_map_opened_on_a_segment_colours_by_growth_and_says_why(client, demo_app, kpi):
    status, body = post_callback(client, demo_app, (ids.PAGE, "children"), {
        f"{ids.URL}.pathname": "/", f"{ids.URL}.search": f"?segment={SEGMENT}{kpi}"})
    assert status == 200
    page = body["response"][ids.PAGE]["children"]
    legend = json.dumps(find(page, ids.MAP_LEGEND), ensure_ascii=False)
    assert "Revenue growth · no quota by segment, so not " in legend
    assert find(page, ids.OVERVIEW_RANKING)["columnDefs"][-1]["headerName"] == "Revenue growth"
    assert_no_quota_figures(cards(page), ("Quota", "Attainment", "Pace", "Coverage"))
