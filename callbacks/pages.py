"""The page registry: every page the app serves, in navigation order.

One entry per page says its path, its navigation label, the roles it is open
to, the function that lays it out and the functions that register its
callbacks. ``app.py`` registers the callbacks from it, the shell
(``callbacks/shell.py``) lists the navigation and routes by it, and the
access rule (``dashboard.access.rules.may_open``) is fed its paths and roles.
Adding a view is adding an entry here.

It lives in the web layer: an entry holds layouts and callbacks, which the
core may not import (the core keeps the rule, fed with ``ROLES_BY_PATH``),
and a page's layout function computes its first content from the data, which
``layouts/`` never reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from callbacks import (
    attainment,
    drilldown,
    first_run,
    geometry,
    health,
    import_layer,
    imports,
    overview,
    pipeline,
    scenarios_apply,
    scenarios_panel,
    scorecard,
    underperformers,
    whatif,
    whatif_zips,
)
from dashboard.access import rules
from dashboard.access.rules import EVERYONE, LEADERS, MANAGERS, Viewer
from dashboard.i18n.translation import N_


@dataclass(frozen=True)
class Page:
    """One page: where it is, what the navigation calls it, who may open it,
    how it is laid out and which callbacks make it work."""

    path: str
    #: the navigation's label, marked for translation (translated where shown)
    label: str
    #: the roles that may open it (``dashboard.access.rules``)
    roles: frozenset[str]
    #: ``layout(data, selection, **link)``: the page for the viewer's confined
    #: selection, where ``data`` is the data cut to the viewer's scope
    #: (``guard.data``), or the data service itself for an unscoped page
    layout: Callable
    #: each ``register(app, service)`` the page's components need
    register: tuple[Callable, ...]
    #: ``link(data, search)``: the page's own parameters of the URL (beyond
    #: the selection), as keyword arguments for ``layout``
    link: Callable | None = None
    #: False for the page that works on an empty database (the import)
    needs_data: bool = True
    #: False for a page that confines itself: the scorecard (one rep's card,
    #: ranked among every rep) and the import (leaders only)
    scoped: bool = True


PAGES = (
    Page("/", N_("Map"), MANAGERS, overview.render, (overview.register, first_run.register),
         link=overview.link_state),
    Page("/attainment", N_("Attainment"), MANAGERS, attainment.render, (attainment.register,)),
    Page("/pipeline", N_("Pipeline"), MANAGERS, pipeline.render, (pipeline.register,)),
    Page("/underperformers", N_("Underperformers"), MANAGERS, underperformers.render,
         (underperformers.register,)),
    Page("/what-if", N_("What-if"), MANAGERS, whatif.render,
         (whatif.register, whatif_zips.register, scenarios_panel.register,
          scenarios_apply.register)),
    Page("/scorecard", N_("My scorecard"), EVERYONE, scorecard.render, (scorecard.register,),
         scoped=False),
    Page("/import", N_("Import"), LEADERS, imports.render,
         (imports.register, import_layer.register),
         needs_data=False, scoped=False),
)

#: callbacks that are no page of their own: the drill-down panel any view
#: opens, the public health check and the maps' unit geometry
SHARED = (drilldown.register, health.register, geometry.register)

BY_PATH = {page.path: page for page in PAGES}

#: what the access rules are fed: each page's path and roles, in navigation order
ROLES_BY_PATH = {page.path: page.roles for page in PAGES}


def home_page(viewer: Viewer) -> str:
    """Where signing in lands the viewer (``rules.home_page`` over this registry)."""
    return rules.home_page(viewer, ROLES_BY_PATH)
