"""The import page's boundary file section: a leader's own areas (GeoJSON, TopoJSON or a
zipped Shapefile) checked and added as a unit layer, then the data run on it: what
``territory-dashboard layers add`` and ``units layer:NAME`` do, from the browser."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.i18n import formatting
from dashboard.i18n.translation import _, ngettext
from layouts import ids
from layouts.imports import drop_hint, megabytes, problem_lines


def section(max_file_bytes: int) -> dbc.Card:
    """The section as the page first shows it: the upload box, and room for the form
    the upload fills (with room for what Check, Add and Use say)."""
    hint = drop_hint(_("Drop a GeoJSON, TopoJSON or zipped Shapefile here, or {link}"),
                     _("choose a file"))
    return dbc.Card([
        dbc.CardHeader(_("Boundary file (your own units)")),
        dbc.CardBody([
            html.P(_("Areas of your own (départements, postal districts, sales areas) "
                     "instead of US counties: the file becomes a unit layer, and the data "
                     "can then run on it. Any coordinate system; invalid shapes are "
                     "repaired and reported."), className="small text-muted"),
            dcc.Upload(id=ids.LAYER_UPLOAD, children=html.Div(hint), multiple=False,
                       max_size=max_file_bytes, className="upload-box"),
            # filled and shown by assets/upload_limit.js, {name} replaced
            html.Div(_("{name} is larger than {size}: it was not uploaded. Add larger "
                       "files with the command line (territory-dashboard layers "
                       "add).").format(name="{name}", size=megabytes(max_file_bytes)),
                     id=ids.LAYER_TOO_BIG, hidden=True, role="alert",
                     className="alert alert-warning mt-2 mb-0",
                     **{"data-max-bytes": str(max_file_bytes)}),
            dcc.Store(id=ids.LAYER_TOKEN),
            # a spinner while the file is read, checked or added (a big file takes
            # seconds), and only then
            dcc.Loading(html.Div(id=ids.LAYER_FORM, className="mt-3"),
                        target_components={ids.LAYER_FORM: "children"}),
        ]),
    ])


def _picker(label: str, ident: str, properties: list[str], value: str | None,
            clearable: bool) -> dbc.Col:
    return dbc.Col([
        dbc.Label(label, html_for=ident, className="small mb-1"),
        dcc.Dropdown(id=ident, options=properties, value=value, clearable=clearable,
                     placeholder=_("none")),
    ], md=4)


def form(file_name: str, features: int, properties: list[str], suggested,
         layer_name: str) -> html.Div:
    """What an upload read: the file's features, its properties offered for the unit
    id (required), name and parent (``suggested`` pre-selected), the layer's name,
    Check and Add, and where what they found goes."""
    counted = ngettext("{file}: {count} feature, properties {names}.",
                       "{file}: {count} features, properties {names}.", features)
    return html.Div([
        html.P(counted.format(file=file_name, count=formatting.count(features),
                              names=", ".join(properties) or "—"), className="small"),
        dbc.Row([
            _picker(_("Unit id (required)"), ids.LAYER_ID_PROPERTY, properties,
                    suggested.id, False),
            _picker(_("Unit name"), ids.LAYER_NAME_PROPERTY, properties, suggested.name, True),
            _picker(_("Parent unit"), ids.LAYER_PARENT_PROPERTY, properties,
                    suggested.parent, True),
        ], className="g-2"),
        dbc.Row([
            dbc.Col([
                dbc.Label(_("Layer name"), html_for=ids.LAYER_NAME, className="small mb-1"),
                dbc.Input(id=ids.LAYER_NAME, value=layer_name, size="sm", maxLength=100),
                html.Div(_("Letters, digits, - and _; a layer of that name is replaced."),
                         className="small text-muted"),
            ], md=4),
            dbc.Col([
                dbc.Button(_("Check"), id=ids.LAYER_CHECK, color="secondary",
                           outline=True, size="sm", className="me-2"),
                dbc.Button(_("Add layer"), id=ids.LAYER_ADD, color="primary", size="sm"),
            ], md=8, className="d-flex align-items-start pt-md-4"),
        ], className="g-2 mt-1"),
        # shown while Check or Add runs (a background job: no spinner of its own)
        html.Div([dbc.Spinner(size="sm", spinner_class_name="me-2"),
                  _("Checking the file… a big one takes up to a minute.")],
                 id=ids.LAYER_RUNNING, style={"display": "none"},
                 className="small text-muted mt-3"),
        html.Div(id=ids.LAYER_RESULT, className="mt-3"),
    ])


def unreadable(reason: str) -> dbc.Alert:
    """The upload is no boundary file the app can read."""
    return dbc.Alert(reason, color="danger", className="mb-0")


def checked(units: int | None, layer_name: str, errors: list[str], warnings: list[str],
            added: bool = False) -> html.Div:
    """What Check (``added`` False) or Add found: refused (``units`` None) with every
    problem, or the count of units and the warnings; once added, "Use this layer for
    the data"."""
    parts = []
    if units is None:
        refused = (ngettext("Layer {name} not added: {count} problem, nothing was stored.",
                            "Layer {name} not added: {count} problems, nothing was stored.",
                            len(errors)) if added else
                   ngettext("Refused: {count} problem, the layer cannot be added.",
                            "Refused: {count} problems, the layer cannot be added.",
                            len(errors)))
        parts.append(dbc.Alert(refused.format(name=layer_name,
                                              count=formatting.count(len(errors))),
                               color="danger"))
    else:
        done = (ngettext("Layer {name} added: {count} unit.",
                         "Layer {name} added: {count} units.", units) if added else
                ngettext("The file makes {count} unit: it can be added as layer {name}.",
                         "The file makes {count} units: it can be added as layer {name}.",
                         units))
        parts.append(dbc.Alert(done.format(name=layer_name, count=formatting.count(units)),
                               color="success"))
    if errors:
        parts.append(problem_lines(errors))
    if warnings:  # kept with the layer: repairs, shapes left out, overlaps and gaps
        parts.append(html.Div(_("Warnings:"), className="fw-semibold mt-2"))
        parts.append(problem_lines(warnings))
    if added and units is not None:
        parts.append(html.Div([
            html.P(_("Run the data on it: each account is placed into the unit holding its "
                     "latitude and longitude (else the unit it names), and the alignment "
                     "names the layer's units. On an empty database, the next import names "
                     "them."), className="small text-muted mt-3 mb-2"),
            dcc.Store(id=ids.LAYER_ADDED, data=layer_name),
            dbc.Button(_("Use this layer for the data"), id=ids.LAYER_USE, color="primary",
                       size="sm"),
            dcc.Loading(html.Div(id=ids.LAYER_USE_RESULT, className="mt-2"),
                        target_components={ids.LAYER_USE_RESULT: "children"}),
        ]))
    return html.Div(parts)


def switched(done: str | None, problems: list[str]) -> html.Div:
    """What "Use this layer for the data" did (``done``), or every row without a unit
    and that nothing was written."""
    if done:
        return html.Div(dbc.Alert(done, color="success", className="mb-0"))
    summary = ngettext("Nothing was written: {count} problem, the data stays on its units.",
                       "Nothing was written: {count} problems, the data stays on its units.",
                       len(problems))
    return html.Div([dbc.Alert(summary.format(count=formatting.count(len(problems))),
                               color="danger"), problem_lines(problems)])


def refused(reason: str) -> dbc.Alert:
    """A choice the form cannot take (no id property, a layer name with spaces)."""
    return dbc.Alert(reason, color="warning", className="mb-0")
