"""The app through its HTTP endpoints, as a browser would use it."""

from __future__ import annotations

import pytest

from layouts import ids
from tests.dash_http import patched, post_by_input, post_callback, sign_in, speaking, upload
from tests.kpi_expect import core


@pytest.fixture
def client(shared_demo_app):
    """The leader on the module's read-only app (the imports take ``importer``)."""
    return sign_in(shared_demo_app.server.test_client())


@pytest.fixture
def importer(demo_app):
    """The leader on an app of their own: these tests write, or try to."""
    return sign_in(demo_app.server.test_client())


def test_pages_are_served(client):
    for path in ("/", "/import", "/attainment"):
        assert client.get(path).status_code == 200
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200
    assert b"Territory Dashboard" in layout.data


OVERVIEW = (ids.KPI_STRIP, "children")


def overview_values(period="qtd", region="all", segment="all", kpi="attainment"):
    return {f"{ids.PERIOD}.value": period, f"{ids.REGION}.value": region,
            f"{ids.SEGMENT}.value": segment, f"{ids.MAP_KPI_PICKER}.value": kpi,
            f"{ids.URL}.search": ""}


def test_overview_recolours_through_hideout_only(client, shared_demo_app):
    status, body = post_callback(client, shared_demo_app, OVERVIEW, overview_values(kpi="pace"))
    assert status == 200
    response = body["response"]
    hideout = patched(response[ids.MAP_TERRITORIES]["hideout"])
    # every territory of the demo gets a colour and an escaped tooltip
    assert len(hideout["colors"]) >= 50
    assert all(c.startswith("#") for c in hideout["colors"].values())
    assert "data" not in response[ids.MAP_TERRITORIES]
    # a recolour leaves the clicked territory's outline alone
    assert "selected" not in hideout


@pytest.mark.parametrize("values", [
    overview_values(period="1999Q9"),
    overview_values(region="Atlantis"),
    overview_values(segment="<script>alert(1)</script>"),
    overview_values(kpi="nonsense", period="2026-13-01..2026-14-01"),
])
def test_bad_selection_gives_an_empty_state_not_an_error(client, shared_demo_app, values):
    status, body = post_callback(client, shared_demo_app, OVERVIEW, values)
    assert status == 200
    strip = body["response"][ids.KPI_STRIP]["children"]
    assert "No territory matches" in str(strip)
    assert patched(body["response"][ids.MAP_TERRITORIES]["hideout"])["colors"] == {}


def test_region_filter_limits_the_map_to_that_region(client, shared_demo_app):
    service = shared_demo_app.server.extensions["territory_service"]
    territories = service.frames().territories
    west = set(territories.loc[territories["region"] == "West", "territory_id"])
    status, body = post_callback(client, shared_demo_app, OVERVIEW, overview_values(region="West"))
    assert status == 200
    assert set(patched(body["response"][ids.MAP_TERRITORIES]["hideout"])["colors"]) == west


def test_upload_with_bad_rows_lists_them_and_writes_nothing(importer, demo_app):
    from dashboard.storage import store

    service = demo_app.server.extensions["territory_service"]
    version = store.data_version(service.engine)
    status, body = upload(importer, demo_app, {
        "territories.csv": b"territory_id,territory_name,region\nT90,,West\nT91,Nine,West\n",
        "alignment.csv": b"county_fips,territory_id\n06037,T404\n",
    })
    assert status == 200
    text = str(body["response"][ids.IMPORT_RESULT]["children"])
    assert "Nothing was imported" in text
    assert "territories.csv row 2" in text and "alignment.csv row 2" in text
    assert store.data_version(service.engine) == version


def test_upload_of_valid_rows_is_imported(importer, demo_app):
    from dashboard.storage import store

    service = demo_app.server.extensions["territory_service"]
    status, body = upload(importer, demo_app, {
        "territories.csv": b"\xef\xbb\xbfterritory_id;territory_name;region\nT90;New One;West\n",
    })
    assert status == 200
    assert "Imported 1 territories" in str(body["response"][ids.IMPORT_RESULT]["children"])
    assert "T90" in set(store.read_dataset(service.engine).territories["territory_id"])


def test_import_problems_are_listed_in_the_browsers_language(importer, demo_app):
    from dashboard.storage import store

    service = demo_app.server.extensions["territory_service"]
    version = store.data_version(service.engine)
    speaking(importer, "fr-FR,fr;q=0.9,en;q=0.5")
    status, body = upload(importer, demo_app, {
        "territories.csv": b"territory_id,territory_name,region\nT90,,West\nT91,Nine,West\n",
        "alignment.csv": b"county_fips,territory_id\n06037,T404\n",
    })
    assert status == 200
    text = str(body["response"][ids.IMPORT_RESULT]["children"])
    assert "Rien n'a été importé : 2 problèmes doivent d'abord être corrigés." in text
    assert ("territories.csv ligne 2, colonne territory_name : territory_name est manquant"
            in text)
    assert "alignment.csv ligne 2, colonne territory_id : le territoire T404 n'existe pas" in text
    assert store.data_version(service.engine) == version

    status, body = upload(importer, demo_app, {
        "territories.csv": b"territory_id,territory_name,region\nT92,Nouveau,West\n",
    })
    assert status == 200
    assert "Données importées : territories (1)." in str(
        body["response"][ids.IMPORT_RESULT]["children"])


def test_a_picked_date_range_becomes_the_period_in_the_url(client, shared_demo_app):
    status, body = post_callback(client, shared_demo_app, (ids.URL, "search"), {
        f"{ids.URL}.search": "?region=West",
        f"{ids.PERIOD}.value": "qtd", f"{ids.REGION}.value": "West",
        f"{ids.SEGMENT}.value": "all",
        f"{ids.PERIOD_RANGE}.start_date": "2026-07-01",
        f"{ids.PERIOD_RANGE}.end_date": "2026-07-31",
    }, changed=[f"{ids.PERIOD_RANGE}.end_date"])
    assert status == 200
    response = body["response"]
    assert response[ids.URL]["search"] == "?period=2026-07-01..2026-07-31&region=West"
    assert response[ids.PERIOD]["value"] == "2026-07-01..2026-07-31"


def test_controls_that_match_the_url_leave_it_alone(client, shared_demo_app):
    """Rewriting an unchanged query re-renders the page (dcc.Location re-announces
    its pathname), which dropped a territory outline clicked meanwhile."""
    values = {f"{ids.URL}.search": "?period=ytd", f"{ids.PERIOD}.value": "ytd",
              f"{ids.REGION}.value": "all", f"{ids.SEGMENT}.value": "all",
              f"{ids.PERIOD_RANGE}.start_date": None, f"{ids.PERIOD_RANGE}.end_date": None}
    status, body = post_callback(client, shared_demo_app, (ids.URL, "search"), values,
                                 changed=[f"{ids.PERIOD}.value"])
    assert status in (200, 204)
    assert ids.URL not in ((body or {}).get("response") or {})
    values[f"{ids.PERIOD}.value"] = "t12"
    status, body = post_callback(client, shared_demo_app, (ids.URL, "search"), values,
                                 changed=[f"{ids.PERIOD}.value"])
    assert status == 200 and body["response"][ids.URL]["search"] == "?period=t12"


# --- the URL is the view's state: as-of, the map's KPI, the open drill-down ---

ALL_CONTROLS = (ids.PERIOD, ids.REGION, ids.SEGMENT)


def service_of(app):
    return app.server.extensions["territory_service"]


def strip_cards(strip) -> dict[str, tuple[str, str]]:
    """Label -> (value, tone) of every card of a KPI strip as sent."""
    found = {}
    if strip["props"].get("className", "").startswith("with-reading"):
        strip = strip["props"]["children"][1]  # the strip under its reading note
    for card in strip["props"]["children"]:
        label, value, _sub = card["props"]["children"]["props"]["children"]
        tone = value["props"]["className"].removeprefix("kpi-value").strip()
        found[label["props"]["children"]] = (value["props"]["children"], tone)
    return found


def core_cards(totals) -> dict[str, str]:
    from dashboard.i18n import formatting

    return {"Bookings": formatting.money(totals["bookings"]),
            "Quota": formatting.money(totals["quota"]),
            "Attainment": formatting.percent(totals["attainment"]),
            "Coverage": formatting.multiple(totals["coverage"])}


def test_a_link_with_an_as_of_shows_the_cores_figures_at_that_date(client, shared_demo_app):
    """2026-05-15 is half-way through 2026Q2: the link's "quarter to date" is
    that quarter, counted to that day, not the dataset's 2026Q3."""
    from datetime import date

    as_of = date(2026, 5, 15)
    then = core(shared_demo_app, "qtd", as_of=as_of).totals
    now = core(shared_demo_app, "qtd").totals
    assert core_cards(then)["Bookings"] != core_cards(now)["Bookings"]  # a change to see

    values = overview_values() | {f"{ids.URL}.search": "?as_of=2026-05-15"}
    status, body = post_callback(client, shared_demo_app, OVERVIEW, values)
    assert status == 200
    shown = strip_cards(body["response"][ids.KPI_STRIP]["children"])
    assert {k: shown[k][0] for k in core_cards(then)} == core_cards(then)

    # the page a pasted link renders on load says the same
    status, body = post_callback(client, shared_demo_app, (ids.PAGE, "children"), {
        f"{ids.URL}.pathname": "/", f"{ids.URL}.search": "?as_of=2026-05-15"})
    assert status == 200
    page = str(body["response"][ids.PAGE]["children"])
    assert all(text in page for text in core_cards(then).values())


def test_a_link_with_an_as_of_sets_the_picker_its_label_and_the_periods(client, shared_demo_app):
    status, body = post_callback(client, shared_demo_app, (ids.URL, "search"), {
        f"{ids.URL}.search": "?as_of=2026-05-15", f"{ids.AS_OF_DATE}.date": "2026-08-14",
        f"{ids.PERIOD}.value": "qtd", f"{ids.REGION}.value": "all",
        f"{ids.SEGMENT}.value": "all"}, changed=[f"{ids.URL}.search"])
    assert status == 200
    response = body["response"]
    assert response[ids.AS_OF_DATE]["date"] == "2026-05-15"
    assert response[ids.AS_OF]["children"] == "As of"
    # the past quarters offered are the ones before 2026-05-15's quarter
    quarters = [o["value"] for o in response[ids.PERIOD]["options"] if "Q" in o["value"]]
    assert quarters[:2] == ["2026Q1", "2025Q4"]
    assert ids.URL not in response  # the link is left as it was


@pytest.mark.parametrize("search", ["?as_of=garbage", "?as_of=2026-02-30", "?as_of="])
def test_an_invalid_as_of_in_the_link_is_the_datasets_date(client, shared_demo_app, search):
    default = service_of(shared_demo_app).as_of()
    values = {f"{ids.URL}.search": search, f"{ids.PERIOD}.value": "qtd",
              f"{ids.REGION}.value": "all", f"{ids.SEGMENT}.value": "all",
              f"{ids.AS_OF_DATE}.date": default.isoformat()}
    status, body = post_callback(client, shared_demo_app, (ids.URL, "search"), values, changed=[])
    assert status == 200  # on load
    response = body["response"]
    assert response[ids.AS_OF_DATE]["date"] == default.isoformat()
    assert response[ids.AS_OF]["children"] == "Data as of"
    assert ids.URL not in response
    status, body = post_callback(client, shared_demo_app, (ids.URL, "search"), values,
                                 changed=[f"{ids.URL}.search"])
    assert status in (200, 204) and not (body or {}).get("response")  # back/forward to it

    values = overview_values() | {f"{ids.URL}.search": search}
    status, body = post_callback(client, shared_demo_app, OVERVIEW, values)
    assert status == 200
    shown = strip_cards(body["response"][ids.KPI_STRIP]["children"])
    expected = core_cards(core(shared_demo_app, "qtd", as_of=default).totals)
    assert {k: shown[k][0] for k in expected} == expected


def pick_as_of(client, app, picked, search="", period="qtd", region="all"):
    return post_callback(client, app, (ids.URL, "search"), {
        f"{ids.URL}.search": search, f"{ids.PERIOD}.value": period,
        f"{ids.REGION}.value": region, f"{ids.SEGMENT}.value": "all",
        f"{ids.AS_OF_DATE}.date": picked}, changed=[f"{ids.AS_OF_DATE}.date"])


def test_picking_an_as_of_writes_the_link_and_refreshes_every_view(client, shared_demo_app):
    status, body = pick_as_of(client, shared_demo_app, "2026-05-15",
                              search="?period=ytd&kpi=coverage&territory=T46", period="ytd")
    assert status == 200
    response = body["response"]
    # the view's own parameters stay; the as-of joins the selection
    assert response[ids.URL]["search"] == "?period=ytd&as_of=2026-05-15&kpi=coverage&territory=T46"
    assert response[ids.PERIOD]["value"] == "ytd"  # re-sent: every view listens to it
    assert response[ids.AS_OF]["children"] == "As of"
    assert [o["value"] for o in response[ids.PERIOD]["options"]][3] == "2026Q1"


def test_picking_the_datasets_date_or_clearing_removes_it_from_the_link(client, shared_demo_app):
    default = service_of(shared_demo_app).as_of().isoformat()
    status, body = pick_as_of(client, shared_demo_app, default,
                              search="?region=West&as_of=2026-05-15", region="West")
    assert status == 200
    response = body["response"]
    assert response[ids.URL]["search"] == "?region=West"
    assert response[ids.AS_OF]["children"] == "Data as of"
    assert ids.AS_OF_DATE not in response  # it already shows that date

    status, body = pick_as_of(client, shared_demo_app, None, search="?as_of=2026-05-15")
    assert status == 200
    response = body["response"]
    assert response[ids.URL]["search"] == ""
    assert response[ids.AS_OF_DATE]["date"] == default  # cleared: the data's own date again


def test_a_reps_link_says_what_they_chose_and_their_scorecard_follows_the_as_of(shared_demo_app):
    """The link holds the controls as chosen; the scope is applied where data
    is read. It used to hold the confined region, so a rep's link said
    ``region=(out of scope)`` after any change, and a manager's the region
    their "all" stands for (which their region menu cannot show)."""
    from datetime import date

    from dashboard.i18n import formatting
    from dashboard.metrics.kpi_table import kpi_table
    from dashboard.views.selection import resolve_period

    rep = sign_in(shared_demo_app.server.test_client(), "r046")
    status, body = pick_as_of(rep, shared_demo_app, "2026-05-15")
    assert status == 200 and body["response"][ids.URL]["search"] == "?as_of=2026-05-15"
    for who in (rep, sign_in(shared_demo_app.server.test_client(), "manager-west")):
        status, body = post_callback(who, shared_demo_app, (ids.URL, "search"), {
            f"{ids.URL}.search": "", f"{ids.PERIOD}.value": "ytd",
            f"{ids.REGION}.value": "all", f"{ids.SEGMENT}.value": "all",
            f"{ids.AS_OF_DATE}.date": None}, changed=[f"{ids.PERIOD}.value"])
        assert status == 200 and body["response"][ids.URL]["search"] == "?period=ytd"

    # a rep's scorecard is their own (whoever they ask for), at the link's as-of
    as_of = date(2026, 5, 15)
    row = kpi_table(service_of(shared_demo_app).frames(), resolve_period("qtd", as_of), as_of,
                    "rep").set_index("id").loc["R046"]
    status, body = post_callback(rep, shared_demo_app, (ids.SCORECARD_CONTENT, "children"), {
        f"{ids.SCORECARD_REP}.value": "R001", f"{ids.PERIOD}.value": "qtd",
        f"{ids.URL}.search": "?as_of=2026-05-15"})
    assert status == 200
    content = str(body["response"][ids.SCORECARD_CONTENT]["children"])
    assert formatting.money(row["bookings"]) in content


def test_a_control_change_keeps_the_maps_kpi_and_the_open_drilldown(client, shared_demo_app):
    status, body = post_callback(client, shared_demo_app, (ids.URL, "search"), {
        f"{ids.URL}.search": "?kpi=coverage&territory=T46", f"{ids.PERIOD}.value": "t12",
        f"{ids.REGION}.value": "all", f"{ids.SEGMENT}.value": "all",
        f"{ids.AS_OF_DATE}.date": service_of(shared_demo_app).as_of().isoformat()},
        changed=[f"{ids.PERIOD}.value"])
    assert status == 200
    assert body["response"][ids.URL]["search"] == "?period=t12&kpi=coverage&territory=T46"


def test_a_url_change_the_controls_already_show_refreshes_nothing(client, shared_demo_app):
    """Writing ``kpi=`` or ``territory=`` changes the URL; the controls must
    not be re-sent then, or every view would recompute for nothing."""
    status, body = post_callback(client, shared_demo_app, (ids.URL, "search"), {
        f"{ids.URL}.search": "?period=ytd&territory=T46", f"{ids.PERIOD}.value": "ytd",
        f"{ids.REGION}.value": "all", f"{ids.SEGMENT}.value": "all",
        f"{ids.AS_OF_DATE}.date": service_of(shared_demo_app).as_of().isoformat()},
        changed=[f"{ids.URL}.search"])
    assert status in (200, 204)
    assert not (body or {}).get("response")


def test_the_maps_kpi_goes_into_the_link_but_not_the_default(client, shared_demo_app):

    def pick(kpi, search):
        return post_by_input(client, shared_demo_app, ids.URL, ids.MAP_KPI_PICKER, {
            f"{ids.MAP_KPI_PICKER}.value": kpi, f"{ids.URL}.search": search})

    status, body = pick("coverage", "?period=ytd&territory=T46")
    assert status == 200
    assert body["response"][ids.URL]["search"] == "?period=ytd&kpi=coverage&territory=T46"
    status, body = pick("attainment", "?period=ytd&kpi=coverage")
    assert status == 200 and body["response"][ids.URL]["search"] == "?period=ytd"
    status, body = pick("<b>nonsense</b>", "")  # a forged KPI is the default: nothing to write
    assert status in (200, 204) and not (body or {}).get("response")


def test_a_link_with_a_kpi_reopens_the_map_coloured_by_it(client, shared_demo_app):
    status, body = post_callback(client, shared_demo_app, (ids.PAGE, "children"), {
        f"{ids.URL}.pathname": "/", f"{ids.URL}.search": "?kpi=coverage&territory=T46"})
    assert status == 200
    page = body["response"][ids.PAGE]["children"]
    text = str(page)
    assert "'value': 'coverage'" in text and "Pipeline coverage" in text
    assert "'selected': 'T46'" in text  # the open drill-down's territory is outlined
    # a forged KPI opens the default map, no error
    status, body = post_callback(client, shared_demo_app, (ids.PAGE, "children"), {
        f"{ids.URL}.pathname": "/", f"{ids.URL}.search": "?kpi=%3Cscript%3E"})
    assert status == 200 and "'value': 'attainment'" in str(body["response"])


def test_a_link_naming_a_territory_opens_its_drilldown(client, shared_demo_app):

    def load(search, shown=None, is_open=False, who=client):
        return post_by_input(who, shared_demo_app, ids.DRILLDOWN_TERRITORY, ids.URL, {
            f"{ids.URL}.search": search, f"{ids.DRILLDOWN_TERRITORY}.data": shown,
            f"{ids.DRILLDOWN}.is_open": is_open})

    status, body = load("?period=ytd&territory=T46")
    assert status == 200 and body["response"][ids.DRILLDOWN_TERRITORY]["data"] == "T46"
    # already open on it: nothing to do; the link lost it (back button): closed
    status, body = load("?territory=T46", "T46", True)
    assert status in (200, 204) and not (body or {}).get("response")
    status, body = load("?period=ytd", "T46", True)
    assert status == 200
    assert body["response"][ids.DRILLDOWN] == {"is_open": False}
    # an unknown territory, or one outside a manager's region: no panel, no error
    assert load("?territory=T999")[0] in (200, 204)
    assert not (load("?territory=T999")[1] or {}).get("response")
    service = service_of(shared_demo_app)
    territories = service.frames().territories
    east = territories.index[territories["region"] == "Northeast"][0]
    manager = sign_in(shared_demo_app.server.test_client(), "manager-west")
    status, body = load(f"?territory={east}", who=manager)
    assert status in (200, 204) and not (body or {}).get("response")
    # a rep has no drill-down at all: refused, whatever the link says
    rep = sign_in(shared_demo_app.server.test_client(), "r046")
    assert load("?territory=T46", who=rep)[0] == 403


def test_an_open_drilldown_is_in_the_link_until_it_closes(client, shared_demo_app):

    def panel(is_open, territory, search):
        return post_by_input(client, shared_demo_app, ids.URL, ids.DRILLDOWN, {
            f"{ids.DRILLDOWN}.is_open": is_open, f"{ids.DRILLDOWN}.title": "x",
            f"{ids.DRILLDOWN_TERRITORY}.data": territory, f"{ids.URL}.search": search})

    status, body = panel(True, "T46", "?period=ytd&kpi=coverage")
    assert status == 200
    assert body["response"][ids.URL]["search"] == "?period=ytd&kpi=coverage&territory=T46"
    status, body = panel(False, "T46", "?period=ytd&kpi=coverage&territory=T46")
    assert status == 200 and body["response"][ids.URL]["search"] == "?period=ytd&kpi=coverage"
    status, body = panel(True, "T999", "")  # an unknown one is never written
    assert status in (200, 204) and not (body or {}).get("response")


# --- the map's ranking: numbers that sort and export; the coverage card's line ---


def test_the_ranking_holds_numbers_formatted_as_the_kpi(client, shared_demo_app):
    status, body = post_callback(client, shared_demo_app, OVERVIEW, overview_values(kpi="coverage"))
    assert status == 200
    response = body["response"][ids.OVERVIEW_RANKING]
    values = [r["value"] for r in response["rowData"]]
    present = [v for v in values if v is not None]
    assert present == sorted(present) and all(isinstance(v, float) for v in present)
    assert values[len(present):] == [None] * (len(values) - len(present))  # missing last
    value_column = response["columnDefs"][-1]
    assert value_column["field"] == "value" and value_column["headerName"] == "Pipeline coverage"
    assert value_column["valueFormatter"]["function"].startswith("tdFormat.number(params.value")
    assert value_column.get("sortable", True) is not False


def test_the_ranking_has_csv_and_xlsx_exports(client, shared_demo_app):
    status, body = post_callback(client, shared_demo_app, (ids.OVERVIEW_RANKING, "exportDataAsCsv"),
                                 {f"{ids.OVERVIEW_RANKING_EXPORT}.n_clicks": 1})
    assert status == 200 and body["response"][ids.OVERVIEW_RANKING]["exportDataAsCsv"] is True
    rows = [{"id": "T01", "name": "Alpha", "value": 0.5}]
    percent = {"function": 'tdFormat.percent(params.value, "en", 0, false)'}
    columns = [{"field": "id", "headerName": "ID"},
               {"field": "value", "headerName": "Pace", "valueFormatter": percent}]
    status, body = post_callback(client, shared_demo_app, (ids.OVERVIEW_RANKING_DOWNLOAD, "data"), {
        f"{ids.OVERVIEW_RANKING_XLSX}.n_clicks": 1, f"{ids.OVERVIEW_RANKING}.rowData": rows,
        f"{ids.OVERVIEW_RANKING}.columnDefs": columns,
        f"{ids.OVERVIEW_RANKING}.csvExportParams": {"fileName": "territories-weakest-first.csv"}})
    assert status == 200
    assert body["response"][ids.OVERVIEW_RANKING_DOWNLOAD]["data"]["filename"] \
        == "territories-weakest-first.xlsx"


@pytest.mark.parametrize("coverage, tone", [(2.5, "bad"), (2.99, "bad"), (3.0, "good"),
                                            (4.2, "good"), (float("nan"), "")])
def test_the_coverage_card_judges_against_the_pipelines_healthy_line(shared_demo_app, coverage,
                                                                     tone):
    """2.5× was "good" against a 2× line while the map coloured it below its
    3× centre and the pipeline view called it below the healthy line."""
    import pandas as pd

    from callbacks.overview import kpi_cards
    from dashboard.metrics.periods import Period
    from dashboard.views.rankings import HEALTHY_COVERAGE

    assert HEALTHY_COVERAGE == 3.0
    totals = pd.Series({k: 0.5 for k in (
        "bookings", "quota", "time_elapsed", "attainment", "projected_attainment", "pace",
        "open_pipeline", "weighted_pipeline", "win_rate", "avg_deal_size", "penetration",
        "revenue_growth")} | {"coverage": coverage})
    with shared_demo_app.server.test_request_context("/"):
        strip = kpi_cards(totals, Period.parse("2026Q3"))
    card = next(c for c in strip if "Coverage" in str(c))
    assert card.children.children[1].className == f"kpi-value {tone}".strip()
