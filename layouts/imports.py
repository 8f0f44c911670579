"""Import page: drop CSV/XLSX files, see every problem or what was loaded."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.i18n import formatting
from dashboard.i18n.translation import _, ngettext
from dashboard.storage.schema import TABLES
from layouts import ids
from layouts.import_job import NATIVE, progress_box


def import_page(max_file_bytes: int) -> html.Div:
    """``max_file_bytes``: the largest file the box takes (``dcc.Upload``
    drops a larger one; ``assets/upload_limit.js`` says so in the page)."""
    from layouts import import_layer  # it builds on this module's helpers

    # file and column names are the files' own: they stay as DATA_FORMAT.md spells them
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
            dbc.Col([
                dbc.Card(
                    [
                        dbc.CardHeader(_("Import data")),
                        dbc.CardBody(
                            [
                                dcc.Upload(
                                    id=ids.IMPORT_UPLOAD,
                                    children=html.Div(_drop_hint()),
                                    multiple=True,
                                    max_size=max_file_bytes,
                                    className="upload-box",
                                ),
                                html.Div(_size_hint(max_file_bytes),
                                         className="small text-muted mt-1"),
                                # filled and shown by assets/upload_limit.js, {name} replaced
                                html.Div(_("{name} is larger than {size}: it was not "
                                           "uploaded. Load larger files with the command "
                                           "line (territory-dashboard import).").format(
                                             name="{name}", size=megabytes(max_file_bytes)),
                                         id=ids.IMPORT_TOO_BIG, hidden=True, role="alert",
                                         className="alert alert-warning mt-2 mb-0",
                                         **{"data-max-bytes": str(max_file_bytes)}),
                                # a spinner while the upload is answered, and only then:
                                # an import shows its own progress bar
                                dcc.Loading(html.Div(id=ids.IMPORT_RESULT, className="mt-3"),
                                            target_components={ids.IMPORT_RESULT: "children"}),
                                dcc.Store(id=ids.IMPORT_MAP_TOKEN),
                            ]
                        ),
                    ]
                ),
                # under the import box: the right column's list is taller
                html.Div(import_layer.section(max_file_bytes), className="mt-3"),
            ], lg=7),
            dbc.Col(
                dbc.Card(
                    [
                        dbc.CardHeader(_("Accepted files")),
                        dbc.CardBody(
                            [
                                html.P(_("Files named after their table import as they "
                                         "are. Required columns are starred; nothing is "
                                         "written unless every file is valid."),
                                       className="small text-muted"),
                                html.P(_("Any other CSV or XLSX export (Salesforce, "
                                         "HubSpot, Zoho, order lines) goes through a mapping "
                                         "step first: its columns are recognised, and you "
                                         "check them before anything is imported."),
                                       className="small text-muted"),
                                formats,
                            ]
                        ),
                    ]
                ),
                lg=5,
            ),
            # the mapping step: the upload's job (its progress bar above) puts it here
            dbc.Col(html.Div(id=ids.IMPORT_MAP), width=12),
        ],
        className="g-3",
    )


def megabytes(size: int) -> str:
    return _("{n} MB").format(n=formatting.count(size // (1024 * 1024)))


def _size_hint(max_file_bytes: int) -> str:
    return _("Files up to {size} each.").format(size=megabytes(max_file_bytes))


def _drop_hint() -> list:
    return drop_hint(_("Drop CSV or XLSX files here, or {link}"), _("choose files"))


def drop_hint(message: str, link: str) -> list:
    """An upload hint ``message`` with ``link`` in place of its ``{link}``, kept in one
    message so that a language may put the link where its grammar wants it."""
    before, _link, after = message.partition("{link}")
    return [part for part in (before, html.A(link), after) if part != ""]


def import_job(token: str, signed_viewer: str) -> html.Div:
    """An upload's background job (an import of files named after their
    tables, or the check of any other layout that opens the mapping step):
    the store that starts it (the staged files' token and the viewer signed
    for the job), its progress box, and where what it did is shown."""
    return html.Div([
        dcc.Store(id=ids.IMPORT_RUN, data={"token": token, "viewer": signed_viewer}),
        progress_box(NATIVE),
        html.Div(id=ids.IMPORT_RUN_RESULT),
    ])


def upload_again() -> dbc.Alert:
    """The mapping step's files are gone (imported already, or too old)."""
    return dbc.Alert(_("These files are no longer waiting here: upload them again."),
                     color="warning")


def import_report(ok: bool, errors: list[str], warnings: list[str], rows: dict,
                  unchanged: bool = False, saved_profile: str | None = None) -> html.Div:
    """What an import did: the tables loaded, or every problem that stopped it.

    ``errors`` and ``warnings`` are the problems as text (file, row, column
    and reason, already in the request's language); table names in ``rows``
    are the files' own and stay as they are."""
    parts = []
    if ok and unchanged:
        parts.append(dbc.Alert(_("Nothing changed: the files hold the data already stored."),
                               color="info"))
    elif ok:
        loaded = ", ".join(_("{count} {table}").format(count=formatting.count(n), table=t)
                           for t, n in rows.items())
        parts.append(dbc.Alert(_("Imported {tables}.").format(tables=loaded), color="success"))
    if ok and saved_profile:
        parts.append(dbc.Alert(_("Mapping saved as “{name}”.").format(name=saved_profile),
                               color="info"))
    if not ok:
        summary = ngettext("Nothing was imported: {count} problem must be fixed first.",
                           "Nothing was imported: {count} problems must be fixed first.",
                           len(errors))
        parts.append(dbc.Alert(summary.format(count=formatting.count(len(errors))),
                               color="danger"))
        parts.append(problem_lines(errors))
    if warnings:
        parts.append(html.Div(_("Warnings:"), className="fw-semibold mt-2"))
        parts.append(problem_lines(warnings))
    return html.Div(parts)


def problem_lines(problems: list[str]) -> html.Div:
    """Problems one a line, as one text block: a list item each made a big
    file's summary (hundreds of warnings) thousands of components, which the
    browser took 7 s to lay out after the answer came."""
    return html.Div("\n".join(f"• {problem}" for problem in problems),
                    className="problem-list problem-lines")
