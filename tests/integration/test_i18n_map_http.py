"""The map, the territory drill-down and the rep scorecard in French: words
from the catalog, numbers in French form (a narrow no-break space between
thousands, a decimal comma, a no-break space before "%"), and the same pages
in English for an English browser."""

from __future__ import annotations

import json
from datetime import date

import plotly
import pytest

from dashboard.i18n import translation
from dashboard.metrics.periods import Period, to_day
from dashboard.views.selection import period_options, resolve_period
from layouts import ids
from tests.dash_http import patched, post_callback, sign_in, speaking

FRENCH = "fr-FR,fr;q=0.9,en;q=0.5"


@pytest.fixture(scope="module")
def demo_app(shared_demo_app):
    """Every test here only reads the app: one for the module (``tests/conftest.py``
    checks that nothing was written when it ends)."""
    return shared_demo_app


@pytest.fixture
def french(demo_app):
    client = sign_in(demo_app.server.test_client())
    speaking(client, FRENCH)
    return client


def text_of(body) -> str:
    return json.dumps(body, ensure_ascii=False)


def overview_values(kpi="attainment"):
    return {f"{ids.PERIOD}.value": "qtd", f"{ids.REGION}.value": "all",
            f"{ids.SEGMENT}.value": "all", f"{ids.MAP_KPI_PICKER}.value": kpi,
            f"{ids.URL}.search": ""}


def test_the_map_speaks_french(french, demo_app):
    status, body = post_callback(french, demo_app, (ids.KPI_STRIP, "children"),
                                 overview_values())
    assert status == 200
    text = text_of(body)
    assert "Prises de commande" in text and "Taux de réussite" in text
    assert "Couverture" in text and "Pénétration" in text
    assert "\u00a0%" in text  # 12 % in French, not 12%
    hideout = patched(body["response"][ids.MAP_TERRITORIES]["hideout"])
    tip = next(iter(hideout["tips"].values()))
    assert "Commercial :" in tip
    assert "Atteinte :" in tip and "Rythme :" in tip and "\u00a0%" in tip
    legend = text_of(body["response"][ids.MAP_LEGEND])
    assert "Taux d'atteinte de l'objectif (dans les temps :" in legend
    assert "aucune donnée (—)" in legend
    value_column = body["response"][ids.OVERVIEW_RANKING]["columnDefs"][-1]
    assert value_column["headerName"] == "Taux d'atteinte de l'objectif"
    assert value_column["valueFormatter"]["function"].startswith(
        'tdFormat.percent(params.value, "fr"')


def open_drilldown(client, app, period: str):
    """The panel's answer when T07 is opened for ``period``."""
    values = {f"{ids.DRILLDOWN_TERRITORY}.data": "T07", f"{ids.PERIOD}.value": period,
              f"{ids.REGION}.value": "all", f"{ids.SEGMENT}.value": "all",
              f"{ids.URL}.search": "", f"{ids.DRILLDOWN}.is_open": False}
    status, body = post_callback(client, app, (ids.DRILLDOWN, "children"), values,
                                 changed=[f"{ids.DRILLDOWN_TERRITORY}.data"])
    assert status == 200
    return body


def test_the_drilldown_speaks_french(french, demo_app):
    body = open_drilldown(french, demo_app, "ytd")
    text = text_of(body["response"][ids.DRILLDOWN]["children"])
    for words in ("Le portefeuille en un coup d'œil", "Affaires en cours", "Imprimer",
                  "Concentration des comptes (80/20)", "Afficher sous forme de tableau",
                  "Prises de commande face à l'objectif, 8 derniers trimestres",
                  "depuis le début de l'année", "Entreprise"):
        assert words in text, words
    # grids: French headers, French money in the cells' formatter, words in the cells
    assert '"headerName": "Compte"' in text and '"headerName": "Secteur"' in text
    assert 'tdFormat.money(params.value, \\"fr\\"' in text
    assert '"Oui"' in text or '"Non"' in text
    # charts: French separators and the currency after the amount
    assert '"separators": ",\u202f"' in text
    assert "Part des prises de commande" in text
    assert "\u00a0%" in text


def test_the_scorecard_speaks_french(french, demo_app):
    values = {f"{ids.SCORECARD_REP}.value": "R001", f"{ids.PERIOD}.value": "qtd",
              f"{ids.URL}.search": ""}
    status, body = post_callback(french, demo_app, (ids.SCORECARD_CONTENT, "children"), values)
    assert status == 200
    text = text_of(body)
    for words in ("Comptes à risque", "Affaires en retard", "Clients sans prise de commande",
                  "Comptes principaux", "Taux de réussite", "Cycle de vente"):
        assert words in text, words
    assert "\u00a0j" in text or "—" in text  # sales cycle in days ("42 j")
    assert "\u00a0%" in text


def test_english_is_unchanged(demo_app):
    client = sign_in(demo_app.server.test_client())
    speaking(client, "en-US,en;q=0.9")
    status, body = post_callback(client, demo_app, (ids.KPI_STRIP, "children"),
                                 overview_values())
    text = text_of(body)
    assert status == 200 and "Bookings" in text and "Win rate" in text
    assert "Prises de commande" not in text


def test_period_names_in_french():
    as_of = date(2026, 8, 14)
    with translation.use("fr"):
        labels = [o["label"] for o in period_options(as_of)]
        assert labels[:3] == ["Trimestre en cours", "Depuis le début de l'année",
                              "12 derniers mois"]
        assert "T2 2026" in labels and "Année 2025" in labels
        assert resolve_period("2026Q2", as_of).label == "T2 2026"
        assert resolve_period("2026-01-01..2026-06-30", as_of).label \
            == "1 janv. 2026 – 30 juin 2026"
    with translation.use("en"):
        assert resolve_period("2026Q2", as_of).label == "2026Q2"
        # a label in another language is the same period (the same cache key)
        assert resolve_period("2026Q2", as_of) == Period.parse("2026Q2")


def test_the_map_page_kpi_picker_and_ranking_speak_french(demo_app):
    from callbacks import overview
    from dashboard.views.selection import Selection

    service = demo_app.server.extensions["territory_service"]
    with translation.use("fr", "EUR"):
        text = json.dumps(overview.render(service, Selection()),
                          cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)
    for words in ("Territoires colorés selon", "Afficher les comptes", "Couverture du pipeline",
                  "Croissance du chiffre d'affaires", "Pénétration du marché",
                  "Territoires, les plus faibles d'abord", '"headerName": "Territoire"',
                  "La carte des territoires"):
        assert words in text, words
    assert "\u00a0€" in text and "$" not in text  # money in euros, after the amount


def props_with(tree, key: str) -> list[dict]:
    """Every component's props holding ``key`` (a grid's rowData, a graph's figure)."""
    if isinstance(tree, dict):
        props = tree.get("props")
        found = [props] if isinstance(props, dict) and key in props else []
        return found + [p for value in tree.values() for p in props_with(value, key)]
    if isinstance(tree, list):
        return [p for item in tree for p in props_with(item, key)]
    return []


def grid_of(tree, grid_id: str) -> dict:
    return next(p for p in props_with(tree, "rowData") if p.get("id") == grid_id)


FRENCH_STAGES = {"Prospection", "Qualification", "Proposition", "Négociation"}
ENGLISH_ONLY = {"Prospecting", "Proposal", "Negotiation"}


def assert_french_dates_and_stages(grid: dict, date_field: str) -> None:
    """Stages in the funnel's French (one translation), the date cells written the
    French way by the grid while the row keeps the ISO date it sorts by."""
    rows = grid["rowData"]
    assert rows
    assert {r["stage"] for r in rows} <= FRENCH_STAGES
    assert all(date.fromisoformat(r[date_field]) for r in rows)
    column = next(c for c in grid["columnDefs"] if c["field"] == date_field)
    assert column["valueFormatter"]["function"] == 'tdFormat.day(params.value, "fr")'


def test_the_drilldown_tables_and_stage_chart_speak_french(french, demo_app):
    panel = open_drilldown(french, demo_app, "qtd")["response"][ids.DRILLDOWN]["children"]
    assert_french_dates_and_stages(grid_of(panel, ids.DRILLDOWN_DEALS), "close_date")
    bars = [trace for p in props_with(panel, "figure") for trace in p["figure"]["data"]
            if trace.get("orientation") == "h"]
    assert bars and all(set(trace["y"]) <= FRENCH_STAGES for trace in bars)
    assert not ENGLISH_ONLY & set(text_of(panel).split('"'))


def test_the_scorecards_overdue_deals_speak_french(french, demo_app):
    service = demo_app.server.extensions["territory_service"]
    frames, as_of = service.frames(), service.as_of()
    opps = frames.opportunities
    overdue = opps[(opps["status"] == "open") & (opps["close_on"] < to_day(as_of))]
    territories = set(overdue["territory_id"].dropna())
    rep = frames.reps[frames.reps["territory_id"].isin(territories)].index[0]
    values = {f"{ids.SCORECARD_REP}.value": rep, f"{ids.PERIOD}.value": "qtd",
              f"{ids.URL}.search": ""}
    status, body = post_callback(french, demo_app, (ids.SCORECARD_CONTENT, "children"), values)
    assert status == 200
    grid = grid_of(body["response"][ids.SCORECARD_CONTENT]["children"], ids.SCORECARD_OVERDUE)
    assert_french_dates_and_stages(grid, "close_date")
