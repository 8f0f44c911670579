"""The frame around every view: navigation bar, global controls, page slot."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids

#: (path, label) of every view, in navigation order
VIEWS = (
    ("/", "Map"),
    ("/attainment", "Attainment"),
    ("/pipeline", "Pipeline"),
    ("/underperformers", "Underperformers"),
    ("/what-if", "What-if"),
    ("/scorecard", "My scorecard"),
    ("/import", "Import"),
)


def navbar() -> dbc.Navbar:
    links = [
        dbc.NavItem(dbc.NavLink(label, href=path, active="exact",
                                id=f"nav-{path.strip('/') or 'map'}"))
        for path, label in VIEWS
    ]
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(
                    [html.Span("◆", className="brand-mark"), " Territory Dashboard"], href="/"
                ),
                dbc.Nav(links, navbar=True, id=ids.NAV, className="me-auto"),
            ],
            fluid=True,
        ),
        color="dark",
        dark=True,
        className="mb-0 py-1",
    )


def controls_bar(period_options: list[dict], region_options: list[dict],
                 segment_options: list[dict], as_of_label: str) -> html.Div:
    """Global selection; values are filled from the URL on load."""

    def labelled(label: str, control) -> html.Div:
        return html.Div([html.Label(label, className="ctl-label"), control], className="ctl")

    return html.Div(
        dbc.Container(
            html.Div(
                [
                    labelled("Period", dcc.Dropdown(
                        id=ids.PERIOD, options=period_options, value="qtd",
                        clearable=False, searchable=False, className="ctl-dd",
                    )),
                    labelled("or dates", dcc.DatePickerRange(
                        id=ids.PERIOD_RANGE, display_format="YYYY-MM-DD",
                        start_date_placeholder_text="from", end_date_placeholder_text="to",
                        minimum_nights=0, clearable=True, className="ctl-range",
                    )),
                    labelled("Region", dcc.Dropdown(
                        id=ids.REGION, options=region_options, value="all",
                        clearable=False, searchable=False, className="ctl-dd",
                    )),
                    labelled("Segment", dcc.Dropdown(
                        id=ids.SEGMENT, options=segment_options, value="all",
                        clearable=False, searchable=False, className="ctl-dd",
                    )),
                    html.Div(
                        [html.Span("Data as of ", className="text-muted"),
                         html.Strong(as_of_label, id=ids.AS_OF)],
                        className="ms-auto as-of",
                    ),
                ],
                className="controls",
            ),
            fluid=True,
        ),
        className="controls-bar",
    )


def shell(controls: html.Div) -> html.Div:
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            navbar(),
            controls,
            dbc.Alert(id=ids.ERROR_BANNER, color="danger", is_open=False, dismissable=True,
                      className="m-2"),
            dbc.Container(html.Div(id=ids.PAGE), fluid=True, className="page"),
            # any view opens a territory's drill-down by writing its id here
            dcc.Store(id=ids.DRILLDOWN_TERRITORY),
            dbc.Offcanvas(id=ids.DRILLDOWN, placement="end", is_open=False,
                          scrollable=True, className="drilldown", title=""),
        ]
    )


def placeholder(title: str, text: str) -> html.Div:
    """An honest empty state for a view whose issue has not landed yet."""
    return html.Div(
        [html.H4(title), html.P(text, className="text-muted")], className="empty-state"
    )
