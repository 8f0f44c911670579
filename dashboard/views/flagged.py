"""The underperformers view as plain data: thresholds read from the controls,
cards and grid rows from ``flag_territories``, and the map's colours and tips.

Nothing here decides whether a territory is weak: that is
``dashboard.metrics.underperformance`` (METRICS.md "Underperformance"). This module
only turns its table into words and colours, so the list, the grid and the
map always say the same thing.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import pandas as pd

from dashboard.i18n import formatting as fmt
from dashboard.i18n.translation import N_, _, ngettext
from dashboard.metrics.underperformance import Thresholds

DEFAULTS = Thresholds()

#: unflagged territories recede; severity 1..4+ on a sequential
#: colour-blind-safe ramp (ColorBrewer OrRd), darker = more rules fired
UNFLAGGED = "#e5e7eb"
OUTSIDE = "#ffffff"
SEVERITY_COLORS = ("#fdd49e", "#fc8d59", "#d7301f", "#7f0000")

DIAGNOSIS_LABELS = {
    "overloaded": N_("Design: overloaded"),
    "under-covered": N_("Design: under-covered"),
    "execution": N_("Execution"),
}
#: the word an explanation of each diagnosis starts with ("Execution: ...")
DIAGNOSIS_NAMES = {"overloaded": N_("Overloaded"), "under-covered": N_("Under-covered"),
                   "execution": N_("Execution")}


@dataclass(frozen=True)
class ThresholdField:
    """One adjustable threshold: how it is shown and which values make sense.

    ``label`` is marked with ``N_`` and translated where shown. ``scale``
    converts the shown number to the Thresholds value (percent
    fields are shown as 85, stored as 0.85). Growth may be negative ("growth
    below −10%" is a real question); the others cannot be.
    """

    name: str
    label: str
    unit: str
    scale: float
    low: float
    high: float
    step: float

    def shown(self, value: float) -> float:
        return round(value * self.scale, 6)


THRESHOLD_FIELDS = (
    ThresholdField("pace", N_("Pace below"), "%", 100.0, 0.0, 500.0, 5),
    ThresholdField("coverage", N_("Coverage below"), "×", 1.0, 0.0, 50.0, 0.1),
    ThresholdField("growth", N_("Growth below"), "%", 100.0, -100.0, 1000.0, 5),
    ThresholdField("potential_index", N_("Potential index below"), "", 1.0, 0.0, 10.0, 0.05),
)
#: the market-penetration rule's two ranks, shown beside its switch. Shares
#: of the territories ranked, from 1% to all of them: 0% would only repeat
#: what the switch does.
PENETRATION_FIELDS = (
    ThresholdField("penetration_bottom", N_("Penetration in bottom"), "%", 100.0, 1.0, 100.0,
                   5),
    ThresholdField("potential_top", N_("Potential in top"), "%", 100.0, 1.0, 100.0, 5),
)
ALL_FIELDS = THRESHOLD_FIELDS + PENETRATION_FIELDS


def default_inputs() -> dict[str, float]:
    """What the threshold inputs show first: METRICS.md defaults in display units."""
    return {f.name: f.shown(getattr(DEFAULTS, f.name)) for f in ALL_FIELDS}


def _number(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def parse_thresholds(values: dict, penetration_on) -> tuple[Thresholds, list[str]]:
    """(Thresholds, labels of the inputs that were not usable, in the request's language).

    A value that is empty, not a number or outside its field's range falls
    back to the METRICS.md default, so a half-typed or forged value never
    breaks the view; the caller says which ones were ignored. With the
    penetration switch off its two ranks are not read, so nothing is said
    about a value that changes nothing.
    """
    chosen: dict[str, float] = {}
    ignored = []
    fields = THRESHOLD_FIELDS if penetration_on is False else ALL_FIELDS
    for field in fields:
        number = _number(values.get(field.name))
        if number is None or not field.low <= number <= field.high:
            ignored.append(_(field.label))
            continue
        chosen[field.name] = number / field.scale
    if penetration_on is False:
        # rank ≤ 0 × count never holds, so the penetration rule cannot fire
        chosen["penetration_bottom"] = 0.0
    return Thresholds(**chosen), ignored


def severity_color(severity: int) -> str:
    if severity <= 0:
        return UNFLAGGED
    return SEVERITY_COLORS[min(severity, len(SEVERITY_COLORS)) - 1]


def severity_text_color(severity: int) -> str:
    """Badge text that stays readable on the light and the dark end of the ramp."""
    return "#1f2937" if severity <= 2 else "#ffffff"


def severity_label(severity: int) -> str:
    return ngettext("{n} rule", "{n} rules", severity).format(n=fmt.count(severity))


def shortfall_text(shortfall) -> str:
    """Quota × (1 − Projected attainment) in words: below zero means ahead."""
    if fmt.is_missing(shortfall):
        return _("Shortfall — (no quota)")
    if shortfall > 0:
        return _("{amount} short of quota").format(amount=fmt.money(shortfall))
    if shortfall == 0:
        return _("Projected to land on quota")
    return _("Projected {amount} over quota").format(amount=fmt.money(-shortfall))


def explanation_detail(explanation: str, diagnosis: str) -> str:
    """The explanation without a leading "Execution: " that would only repeat
    the badge beside it; "Vacant: ..." stays, it says more than the badge.
    The head is compared in English and in the request's language ("Exécution :")."""
    head, sep, rest = str(explanation).partition(":")
    names = {str(diagnosis).lower(), _(DIAGNOSIS_NAMES.get(diagnosis, "")).lower()} - {""}
    if sep and rest.startswith((" ", "\u00a0")) and head.strip().lower() in names:
        rest = rest.lstrip()
        return rest[:1].upper() + rest[1:]
    return str(explanation)


def _vacant(name) -> bool:
    return not (isinstance(name, str) and name)


def _rep(name) -> str:
    return _("Vacant") if _vacant(name) else name


def flag_cards(flags: pd.DataFrame) -> list[dict]:
    """One display record per flagged territory, in ``flag_territories`` order."""
    cards = []
    for row in flags.itertuples():
        severity = int(row.severity)
        cards.append({
            "territory_id": row.territory_id,
            "name": str(row.territory_name),
            "rep": _rep(row.rep_name),
            "region": str(row.region),
            "severity": severity,
            "severity_label": severity_label(severity),
            "color": severity_color(severity),
            "text_color": severity_text_color(severity),
            "shortfall_text": shortfall_text(row.shortfall),
            "reasons": list(row.reasons),
            "diagnosis": row.diagnosis,
            "diagnosis_label": _(DIAGNOSIS_LABELS[row.diagnosis])
            if row.diagnosis in DIAGNOSIS_LABELS else str(row.diagnosis),
            "explanation": row.explanation,
            "detail": explanation_detail(row.explanation, row.diagnosis),
        })
    return cards


def grid_rows(flags: pd.DataFrame, cards: list[dict] | None = None) -> list[dict]:
    """Flat rows for the table and its CSV export (numbers kept as numbers);
    ``cards`` are ``flag_cards(flags)`` when the caller has them already."""
    rows = []
    cards = flag_cards(flags) if cards is None else cards
    for card, shortfall in zip(cards, flags["shortfall"], strict=True):
        rows.append({
            "territory_id": card["territory_id"], "name": card["name"], "rep": card["rep"],
            "region": card["region"], "severity": card["severity"],
            "shortfall": None if fmt.is_missing(shortfall) else float(shortfall),
            "reasons": "; ".join(card["reasons"]),
            "diagnosis": card["diagnosis_label"], "detail": card["detail"],
        })
    return rows


def summary(flags: pd.DataFrame, in_scope: int) -> dict:
    """Headline counts; the shortfall adds only territories projected below quota."""
    shortfalls = flags["shortfall"]
    design = int(flags["diagnosis"].isin(["overloaded", "under-covered"]).sum())
    return {
        "flagged": len(flags),
        "in_scope": in_scope,
        "multi_rule": int((flags["severity"] >= 2).sum()),
        "design": design,
        "execution": len(flags) - design,
        "shortfall": float(shortfalls[shortfalls > 0].sum()),
    }


def _tip(name, tid, rep_name, lines: list[str]) -> str:
    """Hover text; every piece is escaped because Leaflet inserts it as HTML."""
    head = f"<b>{html.escape(str(name))}</b> ({html.escape(str(tid))})"
    vacant = _("vacant")
    rep_text = f"<i>{html.escape(vacant)}</i>" if _vacant(rep_name) else html.escape(str(rep_name))
    rep_line = _("Rep: {rep}").format(rep=rep_text)
    return "<br>".join([head, rep_line] + [html.escape(line) for line in lines])


def map_hideout(territories: pd.DataFrame, scope_ids, flags: pd.DataFrame,
                key: str = "underperformers", cards: list[dict] | None = None) -> dict:
    """Hideout for the territory map: severity colours, flagged outlines, tips.

    ``territories`` is the frames' territory table (all of them, so territories
    outside the region still draw, in white); ``scope_ids`` the selected ones.
    """
    scope = set(scope_ids)
    cards = flag_cards(flags) if cards is None else cards
    by_id = {card["territory_id"]: card for card in cards}
    colors, tips = {}, {}
    for row in territories.itertuples():
        tid = row.territory_id
        card = by_id.get(tid) if tid in scope else None
        if tid not in scope:
            colors[tid], lines = OUTSIDE, [_("Outside the selected region")]
        elif card is None:
            colors[tid], lines = UNFLAGGED, [_("Not flagged at these thresholds")]
        else:
            colors[tid] = card["color"]
            lines = ([_("Flagged: {rules} · {shortfall}").format(
                         rules=card["severity_label"], shortfall=card["shortfall_text"])]
                     + [f"• {reason}" for reason in card["reasons"]]
                     + [card["explanation"]])
        tips[tid] = _tip(row.territory_name, tid, row.rep_name, lines)
    return {"key": key, "colors": colors, "tips": tips, "selected": None,
            "flagged": [t for t in by_id if t in scope]}


def legend_entries(region_filtered: bool) -> list[tuple[str, str]]:
    top = len(SEVERITY_COLORS)
    entries = [(UNFLAGGED, _("Not flagged"))] + [
        (color, severity_label(i) if i < top else _("{n}+ rules").format(n=fmt.count(top)))
        for i, color in enumerate(SEVERITY_COLORS, start=1)
    ]
    if region_filtered:
        entries.append((OUTSIDE, _("Outside the region")))
    return entries
