"""The data service as one viewer sees it: frames cut to their scope.

Every view callback reads its data through a :class:`ScopedData`, so what it
answers is built from the viewer's territories only (``access.scope``): a
manager's map, totals, what-if and pickers hold their region and nothing
else, whatever the request named. Memo keys carry the scope, since the
shared cache serves every user.
"""

from __future__ import annotations

from dashboard.access import scope as access_scope
from dashboard.access.rules import Viewer
from dashboard.access.scope import Scope
from dashboard.metrics import kpi_cube_build
from dashboard.metrics.frames import Frames
from dashboard.runtime.service import DataService


class ScopedData:
    """One request's view of the data: the stamp, the full frames it was cut
    from (to judge what a request touches, never to answer with) and the cut."""

    def __init__(self, service: DataService, viewer: Viewer):
        self.service = service
        self.viewer = viewer
        stamp, full = service.current()
        self.stamp = stamp
        self._full = full
        self.scope: Scope = access_scope.of(viewer, full)
        cut = access_scope.restrict(full, self.scope)
        if cut is not full:
            kpi_cube_build.prepare(cut)  # once per scope and data version
        self._cut = cut

    @property
    def engine(self):
        return self.service.engine

    @property
    def settings(self):
        return self.service.settings

    def frames(self) -> Frames:
        """The frames cut to the viewer's scope: what answers are built from."""
        return self._cut

    def unscoped_frames(self) -> Frames:
        """Every territory's frames, to judge what a stored scenario or a posted
        history touches (which decides whether the viewer may have it). An
        answer built from these leaks other regions: never return them."""
        return self._full

    def as_of(self):
        return self.service.as_of()

    def geography(self):
        """The unit layer the data runs on (``DataService.geography``), as of this
        request's data stamp."""
        return self.service.geography(self.stamp)

    def data_stamp(self) -> str:
        return self.stamp

    def memo(self, name: str, args: tuple, compute):
        """``DataService.memo`` over the cut frames, keyed by the scope too."""
        return self.service.memo(name, (self.scope.key, *args), compute,
                                 at=(self.stamp, self._cut))

    def company_memo(self, name: str, args: tuple, compute):
        """``DataService.memo`` over every territory's frames, for the figures
        METRICS.md defines over the whole company (the underperformer rules'
        quartiles rank all territories): the caller keeps only the scope's rows
        of the result, so a manager's flags are the leader's, region by region."""
        return self.service.memo(name, args, compute, at=(self.stamp, self._full))

    def company_derived(self, key: tuple, compute):
        """``DataService.derived`` over every territory's frames (as
        :meth:`company_memo`: the caller keeps only the scope's rows)."""
        return self.service.derived(key, compute, at=(self.stamp, self._full))

    def derived(self, key: tuple, compute):
        """``DataService.derived`` over the cut frames, keyed by the scope too."""
        return self.service.derived((self.scope.key, *key), compute, at=(self.stamp, self._cut))
