"""The URL is the view's state: a link written from a selection reopens
exactly that selection, and the view's own parameters ride along."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.metrics.periods import to_day
from dashboard.views.selection import (
    MAP_KPI,
    TERRITORY,
    Selection,
    as_of_range,
    as_of_text,
    resolve_as_of,
    resolve_period,
    view_param,
    view_params,
    with_view_param,
)

AS_OF = date(2026, 8, 14)

#: the five kinds of period, each with a region, a segment and an as-of
ROUND_TRIPS = [
    Selection("qtd", "West", "Enterprise", "2026-06-30"),  # quarter to date
    Selection("ytd", "South", "all", "2026-03-31"),  # year to date
    Selection("t12", "all", "SMB", ""),  # trailing twelve months
    Selection("2026-01-01..2026-06-30", "Northeast", "Mid-Market", "2026-07-15"),  # custom
    Selection("2025Q4", "Midwest", "all", "2026-01-10"),  # a named quarter
    Selection("2025", "all", "all", ""),  # a past year
    Selection(),  # everything at its default
]


@pytest.mark.parametrize("selection", ROUND_TRIPS, ids=lambda s: s.period)
def test_a_selection_survives_its_own_link(selection):
    query = selection.to_query()
    assert Selection.from_query(query) == selection
    assert Selection.from_query(query.lstrip("?")) == selection  # with or without "?"


def test_defaults_are_left_out_of_the_link():
    assert Selection().to_query() == ""
    assert Selection("qtd", "all", "all", "").to_query() == ""
    assert Selection("t12", "all", "all", "").to_query() == "?period=t12"
    assert (Selection("2026-01-01..2026-06-30", "West", "SMB", "2026-07-15").to_query()
            == "?period=2026-01-01..2026-06-30&region=West&segment=SMB&as_of=2026-07-15")


def test_a_query_with_text_to_escape_round_trips():
    selection = Selection("qtd", "North & South", "A=B", "")
    assert selection.to_query() == "?region=North+%26+South&segment=A%3DB"
    assert Selection.from_query(selection.to_query()) == selection


@pytest.mark.parametrize("period, as_of, start, end", [
    ("qtd", "2026-06-30", date(2026, 4, 1), date(2026, 6, 30)),
    ("qtd", "2026-08-14", date(2026, 7, 1), date(2026, 9, 30)),
    ("ytd", "2026-03-31", date(2026, 1, 1), date(2026, 3, 31)),
    ("t12", "2026-02-14", date(2025, 2, 15), date(2026, 2, 14)),  # 365 days inclusive
    ("2025Q4", "2026-08-14", date(2025, 10, 1), date(2025, 12, 31)),
    ("2026-01-01..2026-06-30", "2026-08-14", date(2026, 1, 1), date(2026, 6, 30)),
])
def test_the_link_names_the_same_days(period, as_of, start, end):
    """What a view computes from a reopened link: the relative periods follow
    the link's as-of, the named ones do not."""
    selection = Selection.from_query(Selection(period, as_of=as_of).to_query())
    resolved = resolve_period(selection.period, resolve_as_of(selection.as_of, AS_OF))
    assert (resolved.start, resolved.end) == (start, end)


@pytest.mark.parametrize("text", ["", None, "garbage", "2026-13-01", "2026-02-30", "14/08/2026",
                                  "<script>", 20260814])
def test_an_invalid_as_of_is_the_datasets_own(text):
    assert resolve_as_of(text, AS_OF) == AS_OF


def test_a_valid_as_of_is_read_with_or_without_a_time():
    assert resolve_as_of("2026-06-30", AS_OF) == date(2026, 6, 30)
    assert resolve_as_of("2026-06-30T00:00:00", AS_OF) == date(2026, 6, 30)


def test_the_datasets_own_as_of_is_not_written():
    assert as_of_text(AS_OF, AS_OF) == ""
    assert as_of_text(date(2026, 6, 30), AS_OF) == "2026-06-30"


def test_the_as_of_range_runs_from_the_first_deal_to_the_datasets_date():
    first = to_day(date(2024, 7, 3))
    assert as_of_range(float(first), AS_OF) == (date(2024, 7, 3), AS_OF)
    assert as_of_range(float("nan"), AS_OF) == (AS_OF, AS_OF)  # no deals at all
    assert as_of_range(None, AS_OF) == (AS_OF, AS_OF)
    # a deal dated after the as-of (a data error) never makes the range empty
    assert as_of_range(float(to_day(date(2027, 1, 1))), AS_OF) == (AS_OF, AS_OF)


# --- the view's own parameters: the map's KPI, the open drill-down -----------


def test_a_control_change_keeps_the_views_own_parameters():
    current = "?period=ytd&kpi=coverage&territory=T46"
    assert (Selection("t12", "West").to_query(keep=current)
            == "?period=t12&region=West&kpi=coverage&territory=T46")
    assert Selection().to_query(keep=current) == "?kpi=coverage&territory=T46"
    # the global selection of the old query is not kept, only the view's own
    assert Selection().to_query(keep="?region=West") == ""


def test_a_view_parameter_is_set_and_removed_in_place():
    query = with_view_param("?period=ytd&region=West", TERRITORY, "T46")
    assert query == "?period=ytd&region=West&territory=T46"
    query = with_view_param(query, MAP_KPI, "coverage")
    assert query == "?period=ytd&region=West&kpi=coverage&territory=T46"  # fixed order
    assert view_params(query) == {MAP_KPI: "coverage", TERRITORY: "T46"}
    assert view_param(query, TERRITORY) == "T46"
    query = with_view_param(query, TERRITORY, None)
    assert query == "?period=ytd&region=West&kpi=coverage"
    assert with_view_param(with_view_param(query, MAP_KPI, ""), TERRITORY, "") \
        == "?period=ytd&region=West"
    assert with_view_param("", MAP_KPI, "") == ""
    # the global selection reads the same with or without them
    assert Selection.from_query(query) == Selection("ytd", "West")


def test_setting_a_view_parameter_twice_leaves_one():
    query = with_view_param("?territory=T01&territory=T02", TERRITORY, "T46")
    assert query == "?territory=T46"
    assert view_param("?kpi=", MAP_KPI) == ""


def test_only_view_parameters_are_set_this_way():
    with pytest.raises(ValueError):
        with_view_param("", "region", "West")
