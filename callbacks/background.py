"""The manager that runs Dash background callbacks (long jobs with progress
and a cancel button, such as the what-if auto-balance).

One place decides where jobs run so every view gets the same: a local
diskcache under the instance folder for the embedded default. Background
jobs run outside the Flask request, so they have no session: callers pass
the user's scope in explicitly (see ``callbacks/guard.py``)."""

from __future__ import annotations

from pathlib import Path

from dashboard.config import Settings


def background_manager(settings: Settings):
    """A Dash background-callback manager for these settings."""
    import diskcache
    from dash import DiskcacheManager

    folder = Path(settings.instance_path).resolve() / "background"
    folder.mkdir(parents=True, exist_ok=True)
    return DiskcacheManager(diskcache.Cache(str(folder)))
