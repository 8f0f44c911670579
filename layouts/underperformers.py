"""Underperforming territories: threshold controls, flag cards, map and table.

Builds components from the display records of ``dashboard.views.flagged``; it
never reads data. Severity is always written out ("3 rules") next to its
colour, so the flags do not rely on colour alone.
"""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import html

from dashboard.i18n import formatting as fmt
from dashboard.i18n.translation import _, ngettext
from dashboard.views.flagged import (
    PENETRATION_FIELDS,
    THRESHOLD_FIELDS,
    ThresholdField,
    default_inputs,
)
from layouts import components, grid_format, ids


def grid_columns() -> list[dict]:
    """The table's columns, in the request's language and currency."""
    return [
        {"field": "severity", "headerName": _("Rules"), "minWidth": 92, "maxWidth": 100,
         "filter": "agNumberColumnFilter"},
        {"field": "name", "headerName": _("Territory"), "minWidth": 140},
        {"field": "territory_id", "headerName": _("ID"), "minWidth": 70, "maxWidth": 80},
        {"field": "rep", "headerName": _("Rep"), "minWidth": 120},
        {"field": "region", "headerName": _("Region"), "minWidth": 105, "maxWidth": 120},
        {"field": "shortfall", "headerName": _("Shortfall"), "minWidth": 110, "maxWidth": 130,
         "headerTooltip": _("Quota × (1 − projected attainment); "
                            "negative = projected over quota"),
         "filter": "agNumberColumnFilter", "valueFormatter": grid_format.money()},
        {"field": "reasons", "headerName": _("Why flagged"), "minWidth": 260, "flex": 3,
         "wrapText": True, "autoHeight": True, "cellClass": "wrap-cell"},
        {"field": "diagnosis", "headerName": _("Diagnosis"), "minWidth": 165},
        {"field": "detail", "headerName": _("Diagnosis detail"), "minWidth": 220, "flex": 2,
         "wrapText": True, "autoHeight": True, "cellClass": "wrap-cell"},
    ]


_INPUT_IDS = {
    "pace": ids.UP_PACE, "coverage": ids.UP_COVERAGE, "growth": ids.UP_GROWTH,
    "potential_index": ids.UP_POTENTIAL_INDEX,
    "penetration_bottom": ids.UP_PENETRATION_BOTTOM, "potential_top": ids.UP_POTENTIAL_TOP,
}


def summary_strip(figures: dict | None) -> html.Div:
    """Headline cards; ``None`` (nothing in scope) gives an empty strip."""
    if figures is None:
        return components.kpi_strip([])
    flagged, in_scope = figures["flagged"], figures["in_scope"]
    return components.kpi_strip([
        components.kpi_card(_("Flagged territories"),
                            _("{count} of {total}").format(count=fmt.count(flagged),
                                                             total=fmt.count(in_scope)),
                            _("at least one rule fires"), "bad" if flagged else "good"),
        components.kpi_card(_("Two or more rules"), fmt.count(figures["multi_rule"]),
                            _("the most urgent")),
        components.kpi_card(_("Design problems"), fmt.count(figures["design"]),
                            _("overloaded or under-covered")),
        components.kpi_card(_("Execution problems"), fmt.count(figures["execution"]),
                            _("normal load; compared with the company")),
        components.kpi_card(_("Shortfall of flagged"), fmt.money(figures["shortfall"]),
                            _("quota × (1 − projected attainment)")),
    ])


def _threshold_input(field: ThresholdField, value, disabled: bool = False) -> list:
    """A threshold's label and number input, with its unit after it."""
    return [
        dbc.Label(_(field.label), html_for=_INPUT_IDS[field.name], className="ctl-label"),
        dbc.InputGroup(
            [dbc.Input(id=_INPUT_IDS[field.name], type="number", value=value,
                       step=field.step, min=field.low, max=field.high, debounce=400,
                       disabled=disabled)]
            + ([dbc.InputGroupText(field.unit)] if field.unit else []),
            size="sm",
        ),
    ]


def threshold_controls(values: dict, penetration_on: bool, note=None) -> dbc.Card:
    """The rule thresholds, pre-filled with the METRICS.md defaults (any
    ``values`` leaves out); the penetration rule's two ranks sit with its
    switch, since they belong to it."""
    values = {**default_inputs(), **values}
    cols = [
        dbc.Col(_threshold_input(field, values[field.name]), xs=6, md=3, lg=2)
        for field in THRESHOLD_FIELDS
    ]
    cols.append(dbc.Col(
        [
            dbc.Label(_("Penetration rule"), html_for=ids.UP_PENETRATION, className="ctl-label"),
            dbc.Switch(id=ids.UP_PENETRATION, value=penetration_on,
                       label=_("Low penetration, high potential"),
                       className="mt-1 small"),
            # greyed out while the rule is off: they would change nothing
            dbc.Row([dbc.Col(_threshold_input(field, values[field.name],
                                              disabled=not penetration_on), xs=6)
                     for field in PENETRATION_FIELDS], className="g-2"),
        ],
        xs=12, md=12, lg=4,
    ))
    header = html.Div(
        [html.Span(_("Flag a territory when")),
         dbc.Button(_("Reset"), id=ids.UP_RESET, size="sm", color="secondary", outline=True,
                    className="ms-auto")],
        className="d-flex align-items-center",
    )
    return dbc.Card(
        [
            dbc.CardHeader(header),
            dbc.CardBody([dbc.Row(cols, className="g-3"), html.Div(note, id=ids.UP_NOTE)],
                         className="py-2"),
        ]
    )


def threshold_note(ignored: list[str], segment_note: bool, estimated: int = 0) -> list:
    """Why a typed value was not used, what the segment filter does here, and
    how many accounts' potential (which two rules read) was estimated at import."""
    notes = []
    if ignored:
        notes.append(html.Div(
            "⚠ " + _("Not a usable value for {fields}: using the default instead.").format(
                fields=", ".join(ignored)),
            className="text-danger small mt-2",
        ))
    if segment_note:
        notes.append(html.Div(
            _("The rules read every segment: the segment filter does not change the flags."),
            className="text-muted small mt-2",
        ))
    if estimated:
        notes.append(html.Div(ngettext(
            "{count} account's annual potential is estimated (missing at import): the "
            "penetration and potential index rules read the estimate.",
            "{count} accounts' annual potentials are estimated (missing at import): the "
            "penetration and potential index rules read the estimates.", estimated).format(
            count=fmt.count(estimated)), className="text-muted small mt-2"))
    return notes


def flag_card(card: dict) -> dbc.Card:
    """One flagged territory: who, how bad, why in words, and the diagnosis."""
    badge = html.Span(
        f"▲ {card['severity_label']}", className="severity-badge",
        style={"background": card["color"], "color": card["text_color"]},
    )
    header = html.Div(
        [badge, html.Span(card["name"], className="flag-name"),
         html.Span(card["shortfall_text"], className="flag-shortfall ms-auto")],
        className="d-flex align-items-center gap-2 flex-wrap",
    )
    button = dbc.Button(_("Open drill-down →"),
                        id={"type": ids.UP_OPEN, "index": card["territory_id"]},
                        size="sm", color="link", className="open-link ms-auto")
    meta = html.Div(
        [html.Span(_("{territory_id} · Rep {rep} · {region}").format(
                       territory_id=card["territory_id"], rep=card["rep"],
                       region=card["region"]),
                   className="text-muted small"), button],
        className="d-flex align-items-center mb-1",
    )
    reasons = html.Ul([html.Li(r) for r in card["reasons"]], className="flag-reasons mb-2")
    diagnosis = html.Div(
        [html.Span(card["diagnosis_label"], className=f"diag-badge diag-{card['diagnosis']}"),
         html.Span(card["detail"], className="small")],
        className="d-flex align-items-start gap-2",
    )
    return dbc.Card(
        dbc.CardBody([header, meta, reasons, diagnosis], className="py-2"),
        className="flag-card mb-2", style={"borderLeftColor": card["color"]},
    )


#: cards listed at most (the most severe first); the table holds every flag
MAX_CARDS = 50


def flag_list(cards: list[dict] | None) -> html.Div | list:
    if cards is None:
        return components.no_match()
    if not cards:
        return components.empty_state(
            _("No territory is flagged"),
            _("No rule fires at these thresholds for this selection."),
        )
    shown = [flag_card(card) for card in cards[:MAX_CARDS]]
    if len(cards) > MAX_CARDS:
        note = _("The {shown} most severe are listed here; the table below lists all {total}.")
        shown.append(html.P(note.format(shown=MAX_CARDS, total=fmt.count(len(cards))),
                            className="text-muted small mb-0", id=ids.UP_MORE))
    return shown



def map_legend(entries: list[tuple[str, str]]) -> html.Div:
    legend = components.legend(_("Rules fired"), entries)
    legend.children.append(html.Div(
        [html.Span(className="swatch flagged-swatch"), _("Flagged (dashed outline)")],
        className="legend-row",
    ))
    return legend


def flags_grid(rows: list[dict]) -> dag.AgGrid:
    return dag.AgGrid(
        id=ids.UP_GRID,
        rowData=rows,
        columnDefs=grid_columns(),
        defaultColDef={"sortable": True, "resizable": True, "filter": True},
        dashGridOptions={"headerHeight": 32, "domLayout": "autoHeight"},
        getRowId="params.data.territory_id",
        csvExportParams=components.csv_export("underperforming-territories.csv"),
        columnSize="responsiveSizeToFit",
        style={"height": None},
    )


def page(strip, controls, cards, count_text: str, map_div, grid) -> html.Div:
    list_card = dbc.Card(
        [
            dbc.CardHeader([html.Span(_("Flagged territories, most severe first")),
                            html.Span(count_text, id=ids.UP_LIST_COUNT,
                                      className="text-muted fw-normal ms-2"),
                            components.help_button("underperformers")]),
            dbc.CardBody(html.Div(cards, id=ids.UP_LIST), className="flag-list-body"),
        ],
        className="h-100",
    )
    map_card = dbc.Card(
        [dbc.CardHeader(_("Where they are (hover for the reasons, click to open)")),
         dbc.CardBody(map_div, className="p-0")],
        className="h-100",
    )
    table_card = dbc.Card(
        [
            dbc.CardHeader(html.Div(
                [html.Span(_("The same flags as a table")),
                 components.export_buttons(ids.UP_GRID_EXPORT)],
                className="d-flex align-items-center",
            )),
            dbc.CardBody(grid, className="p-0"),
        ]
    )
    return html.Div(
        [
            html.Div(strip, id=ids.UP_SUMMARY),
            html.Div(controls, className="mt-3"),
            dbc.Row([dbc.Col(list_card, lg=5), dbc.Col(map_card, lg=7)], className="g-3 mt-1"),
            html.Div(table_card, className="mt-3"),
        ]
    )
