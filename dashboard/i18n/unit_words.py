"""What the data's units are called: "county" on the US counties, "unit" on a layer of
one's own (issue 19 item 2). ``runtime.geography.Geography.words`` hands out the one for
the data; messages take whole sentences from it, never a glued-in noun (French agrees
"comté" and "unité" differently)."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.i18n import formatting
from dashboard.i18n.translation import N_, _, ngettext

#: the singular and plural msgids of a count of units, of unit moves
_COUNTS = {False: (N_("{count} county"), N_("{count} counties")),
           True: (N_("{count} unit"), N_("{count} units"))}
_MOVES = {False: (N_("{count} county move"), N_("{count} county moves")),
          True: (N_("{count} unit move"), N_("{count} unit moves"))}


@dataclass(frozen=True)
class UnitWords:
    #: True on a layer of one's own: the messages say "unit"
    own_layer: bool = False

    def say(self, county: str, unit: str) -> str:
        """``unit`` on a layer of one's own, else ``county``, translated (both msgids
        marked with ``N_`` where they are written)."""
        return _(unit if self.own_layer else county)

    def count(self, n: int) -> str:
        """"3 counties", "1 unit"."""
        return self._counted(_COUNTS, n)

    def moves(self, n: int) -> str:
        """"3 county moves", "1 unit move"."""
        return self._counted(_MOVES, n)

    def _counted(self, pairs: dict, n: int) -> str:
        return ngettext(*pairs[self.own_layer], n).format(count=formatting.count(n))


COUNTIES = UnitWords()
