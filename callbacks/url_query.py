"""Writing the URL's query from a callback, the one way every view does it."""

from __future__ import annotations

from dash import no_update


def new_query(query: str, search: str | None):
    """``query`` for the URL, or no_update when the URL already says it:
    rewriting the same query makes dcc.Location re-announce its pathname,
    which re-renders the whole page (and drops what the user just clicked).
    Every callback that writes the URL's query goes through here."""
    return no_update if query == (search or "") else query
