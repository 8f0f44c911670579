"""The region filter, generalised to every level above the territory.

The global control that used to list regions lists each region followed by
its units of the lower levels (a district reads ``West › Pacific``), so one
choice narrows every view (map, rankings, attainment, pipeline...) to a
region or a district alike. Values are ``storage.hierarchy.filter_value``s:
a region by its id, as links have always named it, any other unit as
``level:unit_id``. A manager's "all" is their own unit; the choices under it
are its units of the lower levels.
"""

from __future__ import annotations

from dashboard.access.rules import LEADER, MANAGER, Viewer
from dashboard.i18n.translation import _
from dashboard.metrics.frames import Frames, hierarchy_of, level_units
from dashboard.storage import hierarchy
from dashboard.views.selection import ALL

#: between a unit and the region it is in, in a choice's label
TRAIL = " › "  # i18n: not shown (punctuation)


def unit_choices(frames: Frames) -> list[tuple[str, str]]:
    """(filter value, label) of every unit of ``frames``: each region, then
    its units of the other levels, the lowest last, each by name."""
    member = hierarchy_of(frames)
    units = level_units(frames)
    names = {(lvl, u): n for lvl, u, n in zip(units["level"], units["unit_id"],
                                                units["unit_name"], strict=True)}
    lower = [lvl for lvl in reversed(member.columns) if lvl != hierarchy.REGION]
    choices = []
    for region in sorted(member[hierarchy.REGION].dropna().unique()):
        region_name = names.get((hierarchy.REGION, region), region)
        choices.append((hierarchy.filter_value(hierarchy.REGION, region), region_name))
        inside = member[member[hierarchy.REGION] == region]
        for level in lower:
            found = sorted(inside[level].dropna().unique(),
                           key=lambda u, lvl=level: (names.get((lvl, u), u), u))
            choices += [(hierarchy.filter_value(level, u),
                         f"{region_name}{TRAIL}{names.get((level, u), u)}") for u in found]
    return choices


def filter_options(viewer: Viewer, frames: Frames) -> list[dict]:
    """The filter's choices for ``viewer``; ``frames`` are the viewer's own
    (cut to their scope), so nothing outside it is listed.

    A leader: all regions, then every unit. A manager: their unit (the value
    "all"), then the units under it. Anyone else: "all" alone (a rep's
    control is hidden, but a dropdown clears a value it does not offer)."""
    choices = unit_choices(frames)
    if viewer.role == LEADER:
        return ([{"label": _("All regions"), "value": ALL}]
                + [{"label": label, "value": value} for value, label in choices])
    if viewer.role == MANAGER:
        own = viewer.unit_filter
        label = next((lab for value, lab in choices if value == own), viewer.scope)
        levels = list(hierarchy_of(frames).columns)  # bottom first
        below = set(levels[:levels.index(viewer.unit[0])] if viewer.unit[0] in levels else ())
        return ([{"label": label, "value": ALL}]
                + [{"label": lab, "value": value} for value, lab in choices
                   if hierarchy.parse_filter(value)[0] in below])
    return [{"label": _("All regions"), "value": ALL}]


def filter_values(viewer: Viewer, frames: Frames) -> list[str]:
    """The values a link may name for ``viewer`` besides "all"."""
    return [o["value"] for o in filter_options(viewer, frames) if o["value"] != ALL]
