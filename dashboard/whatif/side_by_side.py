"""Compare two alignments side by side (issue 5 part 4): two saved scenarios,
or one against the live alignment.

Every figure comes from :func:`dashboard.whatif.scenario_impact.before_after`, run
three times: live → A and live → B give each side's fairness and its
disruption against today, A → B gives what going from one to the other
changes. The diff map shows only the counties the two assign differently,
so its payload stays small whatever the size of the alignment.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.i18n import formatting
from dashboard.i18n.translation import _
from dashboard.metrics.balance import DEFAULT_WEIGHTS, WorkloadWeights
from dashboard.metrics.frames import Frames
from dashboard.metrics.periods import Period
from dashboard.views.whatif import DISRUPTION_LABELS, FAIRNESS_LABELS, _fmt
from dashboard.whatif.changeset import Changes, apply
from dashboard.whatif.scenario_impact import before_after

#: colour of a county the two alignments assign differently
DIFF_COLOR = "#d95f02"


@dataclass(frozen=True)
class Comparison:
    """rows: (label, live, A, B) text lines of the side-by-side table;
    differ: fips -> (territory under A, territory under B);
    touched: territories whose figures differ between A and B;
    between: disruption shares of going from A to B."""

    rows: list[tuple[str, str, str, str]]
    differ: dict[str, tuple[str, str]]
    touched: list[str]
    between: dict[str, float]


def differing_counties(base: pd.Series, a: Changes, b: Changes) -> dict[str, tuple[str, str]]:
    """County fips -> (territory under A, under B) where the two differ."""
    out = {}
    for fips in sorted(set(a.county_moves) | set(b.county_moves)):
        ta, tb = a.county_moves.get(fips, base.get(fips)), b.county_moves.get(fips, base.get(fips))
        if ta != tb:
            out[fips] = (str(ta), str(tb))
    return out


def _count(n: int) -> str:
    return formatting.count(n)


def compare(frames: Frames, a: Changes, b: Changes, areas: pd.Series, period: Period,
            as_of: date, metric: str = "potential",
            weights: WorkloadWeights = DEFAULT_WEIGHTS, own_layer: bool = False) -> Comparison:
    """The side-by-side figures of scenarios A and B (either may be empty: live);
    ``weights`` are the configured workload weights, as the editor uses; ``own_layer``:
    the units are a layer's, so the moves row says "Unit moves"."""
    after_a, after_b = apply(frames, a), apply(frames, b)
    live_a = before_after(frames, after_a, areas, period, as_of, weights, metric=metric)
    live_b = before_after(frames, after_b, areas, period, as_of, weights, metric=metric)
    a_to_b = before_after(after_a, after_b, areas, period, as_of, weights, metric=metric)
    rows: list[tuple[str, str, str, str]] = []
    for key, label, kind, _better in FAIRNESS_LABELS:
        rows.append((_(label), _fmt(live_a.fairness.at[key, "before"], kind),
                     _fmt(live_a.fairness.at[key, "after"], kind),
                     _fmt(live_b.fairness.at[key, "after"], kind)))
    for key, label in DISRUPTION_LABELS:
        rows.append((_("Disruption vs live · {measure}").format(measure=_(label)),
                     formatting.percent(0.0, 1),
                     formatting.percent(live_a.disruption.get(key), 1),
                     formatting.percent(live_b.disruption.get(key), 1)))
    rows.append((_("Territories touched vs live"), _count(0), _count(len(live_a.touched)),
                 _count(len(live_b.touched))))
    for attribute, label in (("county_moves",
                              _("Unit moves") if own_layer else _("County moves")),
                             ("zip_moves", _("ZIP area moves")),
                             ("account_overrides", _("Account overrides")),
                             ("quota_changes", _("Quota changes"))):
        rows.append((label, _count(0), _count(len(getattr(a, attribute))),
                     _count(len(getattr(b, attribute)))))
    base = frames.alignment["territory_id"]
    return Comparison(rows, differing_counties(base, a, b), a_to_b.touched, a_to_b.disruption)


def diff_geojson(shapes: Mapping, differ: Mapping[str, tuple[str, str]],
                 labels: Mapping[str, str], name_a: str, name_b: str) -> dict:
    """The county features (from the editor's cached shapes) that A and B
    assign differently, each with an escaped tooltip naming both owners."""
    features = []
    a_name, b_name = html.escape(name_a), html.escape(name_b)
    for feature in shapes.get("features", []):
        fips = feature["properties"].get("fips")
        if fips not in differ:
            continue
        ta, tb = differ[fips]
        tooltip = (f"<b>{feature['properties'].get('label', fips)}</b><br>"
                   f"{a_name}: {labels.get(ta, html.escape(ta))}<br>"
                   f"{b_name}: {labels.get(tb, html.escape(tb))}")
        features.append({"type": "Feature", "geometry": feature["geometry"],
                         "properties": {"fips": fips, "tooltip": tooltip}})
    return {"type": "FeatureCollection", "features": features}
