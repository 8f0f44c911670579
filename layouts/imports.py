"""Import page: drop CSV/XLSX files, see every problem or what was loaded."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.schema import TABLES
from layouts import ids


def import_page() -> html.Div:
    formats = html.Ul(
        [
            html.Li([html.Code(t.file_name), ": ",
                     ", ".join(f"{c.name}{'*' if c.required else ''}" for c in t.columns)])
            for t in TABLES.values()
        ],
        className="small",
    )
    return dbc.Row(
        [
            dbc.Col(
                dbc.Card(
                    [
                        dbc.CardHeader("Import data"),
                        dbc.CardBody(
                            [
                                dcc.Upload(
                                    id=ids.IMPORT_UPLOAD,
                                    children=html.Div(["Drop CSV or XLSX files here, or ",
                                                       html.A("choose files")]),
                                    multiple=True,
                                    className="upload-box",
                                ),
                                dcc.Loading(html.Div(id=ids.IMPORT_RESULT, className="mt-3")),
                            ]
                        ),
                    ]
                ),
                lg=7,
            ),
            dbc.Col(
                dbc.Card(
                    [
                        dbc.CardHeader("Accepted files"),
                        dbc.CardBody(
                            [
                                html.P("Name each file after its table. Required columns "
                                       "are starred; nothing is written unless every file "
                                       "is valid.", className="small text-muted"),
                                formats,
                            ]
                        ),
                    ]
                ),
                lg=5,
            ),
        ],
        className="g-3",
    )


def import_report(ok: bool, errors: list[str], warnings: list[str], rows: dict) -> html.Div:
    parts = []
    if ok:
        loaded = ", ".join(f"{n:,} {t}" for t, n in rows.items())
        parts.append(dbc.Alert(f"Imported {loaded}.", color="success"))
    else:
        parts.append(dbc.Alert(
            f"Nothing was imported: {len(errors):,} problem(s) must be fixed first.",
            color="danger"))
        parts.append(html.Ul([html.Li(e) for e in errors], className="problem-list"))
    if warnings:
        parts.append(html.Div("Warnings:", className="fw-semibold mt-2"))
        parts.append(html.Ul([html.Li(w) for w in warnings], className="problem-list"))
    return html.Div(parts)
