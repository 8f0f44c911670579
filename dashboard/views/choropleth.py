"""Colouring territories by a KPI on a diverging, colour-blind-safe scale.

The scale is ColorBrewer RdBu (7 classes), which ColorBrewer rates safe for
the common colour-vision deficiencies; red is below target, blue above,
the pale middle class is "on target". Breaks are fixed around each KPI's
target so a colour means the same thing in every period, and missing values
get a neutral grey that is not on the scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.i18n import formatting
from dashboard.i18n.translation import N_, _

PALETTE = ("#b2182b", "#ef8a62", "#fddbc7", "#f7f7f7", "#d1e5f0", "#67a9cf", "#2166ac")
MISSING_COLOR = "#bdbdbd"


@dataclass(frozen=True)
class MapKpi:
    key: str
    #: English, marked with ``N_()``: :attr:`title` is what a user reads
    label: str
    #: six class breaks, ascending, symmetric around the target
    breaks: tuple[float, ...]
    fmt: str  # name of a dashboard.i18n.formatting function
    #: breaks are multiples of this figure of the whole scope, when set:
    #: attainment is judged against the share of the period elapsed (48% of
    #: quota is on target halfway through a quarter), penetration against the
    #: overall penetration of what is shown (the company, or the region picked)
    relative_to: str | None = None
    #: divides by Quota, so missing under a segment without segment quotas
    needs_quota: bool = False

    def format(self, value) -> str:
        return getattr(formatting, self.fmt)(value)

    @property
    def title(self) -> str:
        """The KPI's name in the request's language."""
        return _(self.label)


MAP_KPIS: dict[str, MapKpi] = {
    k.key: k
    for k in (
        MapKpi("attainment", N_("Quota attainment"), (0.7, 0.85, 0.95, 1.05, 1.15, 1.3), "percent",
               relative_to="time_elapsed", needs_quota=True),
        MapKpi("pace", N_("Pace"), (0.7, 0.85, 0.95, 1.05, 1.15, 1.3), "percent",
               needs_quota=True),
        MapKpi("coverage", N_("Pipeline coverage"), (1.0, 2.0, 2.75, 3.25, 4.0, 5.0), "multiple",
               needs_quota=True),
        MapKpi(
            "revenue_growth", N_("Revenue growth"),
            (-0.2, -0.1, -0.03, 0.03, 0.1, 0.2), "signed_percent",
        ),
        MapKpi(
            "penetration", N_("Market penetration"),
            (0.6, 0.8, 0.95, 1.05, 1.2, 1.4), "percent", relative_to="penetration",
        ),
    )
}

#: what the map colours by when the KPI asked for needs a quota there is not
NO_QUOTA_KPI = "revenue_growth"


def class_breaks(kpi: MapKpi, totals) -> list[float] | None:
    """Absolute breaks for this KPI; None when a relative scale has no anchor.

    ``totals`` maps KPI names to the figures of the whole scope."""
    if kpi.relative_to is None:
        return list(kpi.breaks)
    anchor = totals.get(kpi.relative_to)
    if anchor is None or not np.isfinite(anchor) or anchor <= 0:
        return None
    return [b * anchor for b in kpi.breaks]


def colors_for(values: pd.Series, breaks: list[float] | None) -> dict[str, str]:
    """territory id -> fill colour."""
    if breaks is None:
        return {str(k): MISSING_COLOR for k in values.index}
    numeric = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
    classes = np.searchsorted(np.asarray(breaks), numeric, side="right")
    return {
        str(key): MISSING_COLOR if not np.isfinite(v) else PALETTE[int(c)]
        for key, v, c in zip(values.index, numeric, classes, strict=True)
    }


def legend_entries(kpi: MapKpi, breaks: list[float] | None) -> list[tuple[str, str]]:
    """(colour, label) pairs from worst to best, then missing."""
    if breaks is None:
        return [(MISSING_COLOR, _("no data"))]
    labels = [f"< {kpi.format(breaks[0])}"]
    pairs = zip(breaks, breaks[1:], strict=False)
    labels += [f"{kpi.format(lo)} – {kpi.format(hi)}" for lo, hi in pairs]
    labels.append(f"≥ {kpi.format(breaks[-1])}")
    return [*zip(PALETTE, labels, strict=True), (MISSING_COLOR, _("no data (—)"))]


def legend_title(kpi: MapKpi, totals) -> str:
    """The legend heading, naming the anchor of a relative scale."""
    if kpi.relative_to == "time_elapsed":
        return _("{kpi} (on pace: {share})").format(
            kpi=kpi.title, share=formatting.percent(totals.get("time_elapsed")))
    if kpi.relative_to == "penetration":
        return _("{kpi} (overall: {share})").format(
            kpi=kpi.title, share=formatting.percent(totals.get("penetration")))
    return kpi.title


def fallback_title(shown: MapKpi, wanted: MapKpi, totals) -> str:
    """The legend heading when the map shows ``shown`` because ``wanted`` needs
    a quota by segment: it says why."""
    return _("{shown} · no quota by segment, so not {wanted}").format(
        shown=legend_title(shown, totals), wanted=wanted.title)
