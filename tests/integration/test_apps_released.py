"""Nothing process-wide keeps an app once it is built: Dash's class-level
background registries forget it.

Dash keeps every background-callback manager and function in lists on its base
class. Before ``callbacks.background.forget_in_dash_globals`` each app built in
a process stayed alive there with its frames (about 60 MB and six open SQLite
files each): a CI worker of the suite reached 10 GB and was killed, and the
same worker ran out of the 1,024 descriptors ``select()`` handles. A second
app's manager also received the first app's jobs under the same keys."""

from __future__ import annotations

from dash.background_callback.managers import BaseBackgroundCallbackManager as Base

from app import create_app


def _held_by_dash(app, functions_before: int) -> bool:
    """Whether Dash's class-level lists still hold this app's manager or the
    background functions it registered (whose closures hold its data)."""
    return app._background_manager in Base.managers or len(Base.functions) > functions_before


def test_a_built_app_is_not_held_by_dashs_class_level_lists(demo_settings):
    before = len(Base.functions)
    app = create_app(demo_settings)
    assert app._background_manager.func_registry  # it has background jobs of its own
    assert not _held_by_dash(app, before)


def test_each_app_runs_only_its_own_background_jobs(demo_settings):
    before = len(Base.functions)
    first = create_app(demo_settings)
    keys = set(first._background_manager.func_registry)
    second = create_app(demo_settings)
    assert keys and set(second._background_manager.func_registry) == keys
    for key in keys:  # the same callbacks, each app's job made from its own function
        assert first._background_manager.func_registry[key] is not \
            second._background_manager.func_registry[key]
    assert not _held_by_dash(first, before) and not _held_by_dash(second, before)
