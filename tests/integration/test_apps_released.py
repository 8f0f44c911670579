"""An app that is dropped is freed with its data: nothing process-wide keeps it.

Dash keeps every background-callback manager and function in lists on its base
class. Before ``callbacks.background.forget_in_dash_globals`` each app built in
a process stayed alive there with its frames (about 60 MB and six open SQLite
files each): a CI worker of the suite reached 10 GB and was killed, and the
same worker ran out of the 1,024 descriptors ``select()`` handles. A second
app's manager also received the first app's jobs under the same keys."""

from __future__ import annotations

import gc
import weakref

from app import create_app


def _released(reference: weakref.ref) -> bool:
    gc.unfreeze()  # the app freezes what it holds long-term (service.settle_long_lived)
    gc.collect()
    return reference() is None


def test_an_app_built_and_dropped_is_freed_with_its_data(demo_settings):
    app = create_app(demo_settings)
    service = app.server.extensions["territory_service"]
    service.frames()
    reference = weakref.ref(service)
    del app, service
    create_app(demo_settings)  # Dash itself remembers the latest app (dash._get_app)
    assert _released(reference)


def test_each_app_runs_only_its_own_background_jobs(demo_settings, tmp_path):
    first = create_app(demo_settings)
    keys = set(first._background_manager.func_registry)
    second = create_app(demo_settings)
    assert keys and set(second._background_manager.func_registry) == keys
    for key in keys:  # the same callbacks, each app's job made from its own function
        assert first._background_manager.func_registry[key] is not \
            second._background_manager.func_registry[key]
    reference = weakref.ref(first.server.extensions["territory_service"])
    del first
    assert _released(reference)
