"""The frame around every view: navigation bar, global controls, page slot."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.access.rules import LEADER, MANAGER, REP
from dashboard.i18n import formatting
from dashboard.i18n.translation import LANGUAGE_NAMES, N_, _, language
from layouts import ids

PRODUCT_NAME = "Territory Dashboard"  # i18n: not shown (a name, the same in every language)

def navbar(views, user=None) -> dbc.Navbar:
    """Links to the views the viewer may open, ``views`` being their (path,
    label) in navigation order (the page registry's, ``callbacks/pages.py``),
    and who is signed in. Their hrefs and the active one follow the URL
    (``callbacks.shell``), so a change of view keeps the period, region,
    segment and as-of date."""
    links = [
        dbc.NavItem(dbc.NavLink(_(label), href=path, active=False,
                                id={"type": ids.NAV_LINK, "path": path}))
        for path, label in views
    ]
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(
                    [html.Span("◆", className="brand-mark"), " " + PRODUCT_NAME], href="/",
                ),
                dbc.Nav(links, navbar=True, id=ids.NAV, className="me-auto"),
                user,
            ],
            fluid=True,
        ),
        color="dark",
        dark=True,
        className="mb-0 py-1",
    )


#: role names as shown in the user menu
ROLE_LABELS = {LEADER: N_("leader"), MANAGER: N_("manager"), REP: N_("rep")}


def user_menu(display_name: str, role: str, csrf_token: str, language: str,
              here: str = "/") -> html.Div:
    """Who is signed in, the language switch and the sign-out button (form
    posts carrying the session's CSRF token, so another site cannot sign the
    user out or change their language)."""
    return html.Div(
        [
            html.Span([html.Span(display_name, id=ids.USER_NAME, className="fw-semibold"),
                       html.Span(_(ROLE_LABELS.get(role, role)), id=ids.USER_ROLE,
                                 className="user-role")],
                      className="user-label"),
            language_switch(csrf_token, language, here),
            html.Form(
                [dcc.Input(type="hidden", name="csrf_token", value=csrf_token),
                 html.Button(_("Sign out"), type="submit", id=ids.SIGN_OUT,
                             className="btn btn-outline-light btn-sm")],
                method="POST", action="/logout", className="d-inline m-0",
            ),
        ],
        className="user-menu",
    )


def language_switch(csrf_token: str, language: str, here: str) -> html.Form:
    """One button per language; the current one is pressed. Posting reloads
    the page in the chosen language and saves the choice on the user."""
    buttons = [
        html.Button(code.upper(), type="submit", name="language", value=code,
                    id=ids.LANGUAGE_BUTTONS[code], title=name, lang=code,
                    className="btn btn-sm " + ("btn-light" if code == language
                                               else "btn-outline-light"),
                    **{"aria-pressed": "true" if code == language else "false",
                       "aria-label": name})
        for code, name in LANGUAGE_NAMES.items()
    ]
    return html.Form(
        [dcc.Input(type="hidden", name="csrf_token", value=csrf_token),
         dcc.Input(type="hidden", name="next", value=here, id=ids.LANGUAGE_NEXT),
         html.Div(buttons, className="btn-group", role="group",
                  **{"aria-label": _("Language")})],
        method="POST", action="/language", className="d-inline m-0 language-switch",
        id=ids.LANGUAGE_SWITCH,
    )


def first_day_of_week() -> int:
    """The date pickers' first column: Monday in French calendars, Sunday in US ones."""
    return 1 if language() == "fr" else 0


def date_picker(picker_id: str, **props) -> dcc.DatePickerSingle:
    """A one-day picker as the pages have it: ISO days, the week starting on the
    language's first day, and an empty picker's words in the page's language
    (Dash's own placeholder, "Select Date", is English whatever the page speaks)."""
    props.setdefault("placeholder", _("Select a date"))
    return dcc.DatePickerSingle(id=picker_id, display_format="YYYY-MM-DD",
                                first_day_of_week=first_day_of_week(), **props)


def as_of_label(chosen: date, default: date) -> str:
    """What the as-of picker is called: the dataset's own date reads as the
    data's date, another one as the day the figures are seen from."""
    return _("Data as of") if chosen == default else _("As of")


def as_of_picker(chosen: date, default: date, earliest: date) -> html.Div:
    """The as-of date every figure is computed at: any day from the first
    deal to the dataset's as-of. Clearing it goes back to the dataset's date."""
    return html.Div(
        [html.Label(as_of_label(chosen, default), id=ids.AS_OF, htmlFor=ids.AS_OF_DATE,
                    className="ctl-label"),
         dcc.DatePickerSingle(
             id=ids.AS_OF_DATE, date=chosen.isoformat(), display_format="YYYY-MM-DD",
             min_date_allowed=earliest.isoformat(), max_date_allowed=default.isoformat(),
             clearable=True,
             placeholder=default.isoformat(), className="ctl-as-of-date",
             first_day_of_week=first_day_of_week(),
         )],
        className="ms-auto ctl as-of",
        title=_("Every figure is computed as of this date. Clear it to go back to the "
                "data's own date, {date}.").format(date=formatting.day(default)),
    )


#: the switch's words (METRICS.md "Alignment history"), and what it explains on hover
RESTATE_LABEL = N_("Restate to today's alignment")
RESTATE_HELP = N_("Off (the default): figures as credited, each deal counted for the "
                  "territory its account had on the close date. On: all history counted "
                  "under the alignment in force at the period's end, as if today's "
                  "territories had always been.")


def restate_switch() -> html.Div:
    """The "restate to today's alignment" switch; its value follows the URL
    (``restated=1``), like the other controls, so it is kept across pages."""
    return html.Div(
        dbc.Switch(id=ids.RESTATED, label=_(RESTATE_LABEL), value=False,
                   className="ctl-restated mb-0", label_class_name="ctl-restated-label"),
        className="ctl restate", title=_(RESTATE_HELP),
    )


def controls_bar(period_options: list[dict], region_options: list[dict],
                 segment_options: list[dict], as_of: html.Div,
                 show_filters: bool = True) -> html.Div:
    """Global selection; values are filled from the URL on load. A rep's bar
    has no region or segment filter: their scope is their own territory.
    ``as_of`` is the :func:`as_of_picker`."""

    def labelled(label: str, control) -> html.Div:
        hidden = not show_filters and label in (_("Region"), _("Segment"))
        # the label names its control for screen readers (a date range: its first date)
        target = getattr(control, "start_date_id", None) or control.id
        return html.Div([html.Label(label, className="ctl-label", htmlFor=target), control],
                        className="ctl", hidden=hidden)

    return html.Div(
        dbc.Container(
            html.Div(
                [
                    labelled(_("Period"), dcc.Dropdown(
                        id=ids.PERIOD, options=period_options, value="qtd",
                        clearable=False, searchable=False, className="ctl-dd",
                    )),
                    labelled(_("or dates"), dcc.DatePickerRange(
                        id=ids.PERIOD_RANGE, display_format="YYYY-MM-DD",
                        start_date_placeholder_text=_("from"), end_date_placeholder_text=_("to"),
                        minimum_nights=0, clearable=True, className="ctl-range",
                        first_day_of_week=first_day_of_week(),
                        start_date_id=ids.PERIOD_RANGE_START,
                    )),
                    labelled(_("Region"), dcc.Dropdown(
                        id=ids.REGION, options=region_options, value="all",
                        clearable=False, searchable=False, className="ctl-dd",
                    )),
                    labelled(_("Segment"), dcc.Dropdown(
                        id=ids.SEGMENT, options=segment_options, value="all",
                        clearable=False, searchable=False, className="ctl-dd",
                    )),
                    restate_switch(),
                    as_of,
                ],
                className="controls",
            ),
            fluid=True,
        ),
        className="controls-bar",
    )


def shell(controls: html.Div, views, user=None, with_drilldown: bool = True) -> html.Div:
    """The page frame; a rep's has no territory drill-down (not theirs to open)."""
    return html.Div(
        lang=language(),
        children=[
            dcc.Location(id=ids.URL, refresh=False),
            navbar(views, user),
            controls,
            dbc.Alert(id=ids.ERROR_BANNER, color="danger", is_open=False, dismissable=True,
                      className="m-2"),
            dbc.Container(html.Div(id=ids.PAGE), fluid=True, className="page"),
        ]
        + (drilldown_slot() if with_drilldown else [])
    )


def drilldown_slot() -> list:
    """Any view opens a territory's drill-down by writing its id in the store."""
    return [dcc.Store(id=ids.DRILLDOWN_TERRITORY),
            dbc.Offcanvas(id=ids.DRILLDOWN, placement="end", is_open=False,
                          scrollable=True, className="drilldown", title="")]

