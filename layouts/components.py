"""Small building blocks shared by several views."""

from __future__ import annotations

import functools

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.i18n import translation
from dashboard.i18n.translation import _
from layouts import help_texts, ids


def kpi_card(label: str, value: str, sub: str = "", tone: str = "") -> dbc.Card:
    """One figure of a KPI strip; ``tone`` is "good", "bad" or ""."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(label, className="kpi-label"),
                html.Div(value, className=f"kpi-value {tone}".strip()),
                html.Div(sub, className="kpi-sub"),
            ]
        ),
        className="kpi-card",
    )


def kpi_strip(cards: list) -> html.Div:
    return html.Div(cards, className="kpi-strip")


def quota_note(text: str) -> html.Div:
    """The sentence a view shows above its figures when a quota-based one is
    missing for a reason the reader must know (no quota by segment)."""
    return html.Div(text, className="alert alert-secondary py-1 px-2 small mb-2 quota-note",
                    role="note")


def reading_note(text: str, restated: bool) -> html.Div:
    """The line a view of actuals shows above its figures to say which reading
    of history they are (as credited, or restated to today's alignment)."""
    return html.Div(text, className="reading-note small mb-1 "
                    + ("reading-restated" if restated else "reading-credited"),
                    role="note", **{"data-reading": "restated" if restated else "credited"})


def with_reading(content, text: str, restated: bool, compact: bool = False) -> html.Div:
    """``content`` (a view's strip) under its :func:`reading_note`; ``compact``
    puts the note in the page's top padding instead of a row of its own (the
    map, which must end above the fold at 1440 × 900)."""
    return html.Div([reading_note(text, restated), content],
                    className="with-reading-compact" if compact else "with-reading")


def empty_state(title: str, text: str) -> html.Div:
    return html.Div([html.H5(title), html.P(text, className="text-muted mb-0")],
                    className="empty-state")


def no_match() -> html.Div:
    """The empty state of a view whose region, segment or period selects no territory."""
    return empty_state(
        _("No territory matches these filters"),
        _("Choose another region, segment or period in the bar above."),
    )


def legend(title: str, entries: list[tuple[str, str]]) -> html.Div:
    return html.Div(
        [html.Div(title, className="legend-title")]
        + [
            html.Div([html.Span(className="swatch", style={"background": color}), label],
                     className="legend-row")
            for color, label in entries
        ],
        className="map-legend",
    )


def csv_export(file_name: str) -> dict:
    """AG Grid ``csvExportParams`` for a grid's "Export CSV": the file name,
    and text that a spreadsheet would run as a formula neutralised
    (``assets/grid_export.js``)."""
    return {"fileName": file_name,
            "processCellCallback": {"function": "safeCsvCell(params)"}}


def export_buttons(csv_id: str) -> html.Div:
    """A grid's "Export CSV" button, and its "Export XLSX" twin with the
    download it fills when ``ids.XLSX_EXPORTS`` names one."""
    buttons = [dbc.Button(_("Export CSV"), id=csv_id, size="sm", color="secondary", outline=True)]
    if csv_id in ids.XLSX_EXPORTS:
        xlsx_id, download_id = ids.XLSX_EXPORTS[csv_id]
        buttons += [dbc.Button(_("Export XLSX"), id=xlsx_id, size="sm", color="secondary",
                               outline=True),
                    dcc.Download(id=download_id)]
    return html.Div(buttons, className="export-buttons ms-auto")


def graph_config(file_name: str) -> dict:
    """A chart's plotly config: only the "Download plot as PNG" button, shown
    on hover, saving under ``file_name``.png at twice the screen resolution;
    in the request's language (the button's tooltip, and plotly's own month
    and day names and separators, from Babel)."""
    config = {"displayModeBar": "hover", "displaylogo": False,
              "modeBarButtons": [["toImage"]],
              "toImageButtonOptions": {"format": "png", "filename": file_name, "scale": 2}}
    lang = translation.language()
    if lang != translation.DEFAULT_LANGUAGE:
        config["locale"] = lang
        config["locales"] = {lang: {
            # plotly.js 3 says "PNG", 2 said "png": the dictionary is keyed by its words
            "dictionary": dict.fromkeys(PLOTLY_PNG_BUTTON, _("Download plot as a PNG")),
            "format": plotly_locale_format(lang)}}
    return config


#: plotly.js's own words for the PNG button: keys of its locale dictionary, never shown
PLOTLY_PNG_BUTTON = ("Download plot as a PNG", "Download plot as a png")  # i18n: not shown


@functools.cache
def plotly_locale_format(lang: str) -> dict:
    """Plotly's locale ``format`` block (names of months and days, separators,
    date order) from the language's CLDR data."""
    from babel import Locale
    from babel.numbers import get_decimal_symbol, get_group_symbol

    cldr = Locale.parse(lang)

    def names(kind: str, width: str, order) -> list[str]:
        return [getattr(cldr, kind)["format"][width][i] for i in order]

    sunday_first = (6, 0, 1, 2, 3, 4, 5)  # plotly lists days from Sunday, CLDR from Monday
    return {"days": names("days", "wide", sunday_first),
            "shortDays": names("days", "abbreviated", sunday_first),
            "months": names("months", "wide", range(1, 13)),
            "shortMonths": names("months", "abbreviated", range(1, 13)),
            "decimal": get_decimal_symbol(lang), "thousands": get_group_symbol(lang),
            "date": "%d/%m/%Y"}


def described_graph(figure, file_name: str, description: str, graph_id: str | None = None):
    """A chart with its PNG download and a text alternative for screen readers."""
    extra = {"id": graph_id} if graph_id else {}
    return html.Div(dcc.Graph(figure=figure, config=graph_config(file_name), **extra),
                    role="figure", **{"aria-label": description})


def help_button(view: str) -> html.Span:
    """The "?" of a view: a popover saying what the view shows and how to
    read it (texts in ``layouts.help_texts``), opened by click or keyboard."""
    button_id = HELP_IDS[view]
    title, text = (_(part) for part in help_texts.VIEW_HELP[view])
    label = _("Help: {title}").format(title=title)
    return html.Span([
        html.Button("?", id=button_id, type="button", title=label,
                    className="btn btn-sm btn-outline-secondary help-button",
                    **{"aria-label": label}),
        dbc.Popover([dbc.PopoverHeader(title), dbc.PopoverBody(text)], target=button_id,
                    trigger="legacy", placement="bottom"),
    ], className="help")


HELP_IDS = {"map": ids.HELP_MAP, "attainment": ids.HELP_ATTAINMENT, "pipeline": ids.HELP_PIPELINE,
            "underperformers": ids.HELP_UNDERPERFORMERS, "scorecard": ids.HELP_SCORECARD}
