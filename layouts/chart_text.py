"""Text alternatives for charts: a one-line description for screen readers
and, where the figures matter, the chart's numbers as a small table."""

from __future__ import annotations

from dash import html

from dashboard.i18n import formatting
from dashboard.i18n.translation import N_, _

_KINDS = {"bar": N_("bar chart"), "scatter": N_("line chart")}
_KINDS_OF = {"bar": N_("bar chart of {name}"), "scatter": N_("line chart of {name}")}


def title_of(figure) -> str:
    text = getattr(getattr(figure.layout, "title", None), "text", None)
    return str(text) if text else _("Chart")


def describe(figure) -> str:
    """"<title>: bar chart of Bookings, line chart of Quota" (the title and
    trace names are already in the request's language)."""
    parts = []
    for trace in figure.data:
        name = trace.name or ""
        if trace.type in _KINDS:
            parts.append(_(_KINDS_OF[trace.type]).format(name=name) if name
                         else _(_KINDS[trace.type]))
        else:
            parts.append(_("{kind} chart of {name}").format(kind=trace.type, name=name) if name
                         else _("{kind} chart").format(kind=trace.type))
    title = title_of(figure)
    if not parts:
        return _("{title}: no data").format(title=title)
    return _("{title}: {parts}").format(title=title, parts=", ".join(parts))


def money_table(figure, first_header: str, label_header: str | None = None) -> html.Details:
    """The series of a chart whose traces share their x values and plot money,
    as a collapsed "Show as table": one row per x, one column per trace, and
    (``label_header``) the text written on the first trace's bars."""
    traces = [t for t in figure.data if t.x is not None and t.y is not None]
    xs = list(traces[0].x) if traces else []
    header = [first_header] + [t.name or "" for t in traces]
    labels = list(traces[0].text) if traces and label_header and traces[0].text is not None \
        else None
    if labels is not None:
        header.append(label_header)
    body = []
    for index, x in enumerate(xs):
        cells = [html.Th(str(x), scope="row")]
        for trace in traces:
            values = list(trace.y)
            cells.append(html.Td(formatting.money(values[index]) if index < len(values)
                                 else "—", className="text-end"))
        if labels is not None:
            cells.append(html.Td(str(labels[index]) if index < len(labels) else "—",
                                 className="text-end"))
        body.append(html.Tr(cells))
    table = html.Table(
        [html.Caption(title_of(figure)), html.Thead(html.Tr([html.Th(h, scope="col")
                                                            for h in header])),
         html.Tbody(body)],
        className="table table-sm mb-0 chart-table",
    )
    return html.Details([html.Summary(_("Show as table")), table], className="chart-table-toggle")
