"""View model of the what-if editor: county shapes, map colours, the edit
history as page data, and the rows of its tables.

The editor keeps its scenario in the browser (a ``dcc.Store``), never on the
server: the history is a list of steps, each ``{"label", "changes",
"reasons"}`` with ``changes`` a :meth:`Changes.to_json`, so undo is dropping
the last step and the scenario is the last step's changes. Every number shown
comes from :mod:`dashboard.whatif.scenario_impact`; this module only arranges it.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping

import pandas as pd

from dashboard.geo import us_atlas
from dashboard.i18n import formatting
from dashboard.i18n.translation import N_, _, ngettext
from dashboard.i18n.unit_words import COUNTIES, UnitWords
from dashboard.metrics.frames import Frames
from dashboard.storage.schema import UNIT_ID_LENGTH
from dashboard.whatif.changeset import Changes, zip_live_territory

#: ~1 km, as the territory map: 3,100 counties stay near 1 MB of GeoJSON
SIMPLIFY_DEGREES = 0.01
PRECISION = 3
#: a qualitative palette (Tableau 10 + two), assigned so bordering territories differ
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
           "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#86bcb6", "#d4a6c8")
#: a history longer than this is refused: the page data stays small
MAX_STEPS = 200


# -- map ---------------------------------------------------------------------
def build_unit_shapes(frames: Frames, geography) -> dict:
    """Every aligned unit of ``geography`` (``runtime.geography.Geography``: the US
    counties, or a layer of one's own) as a simplified GeoJSON feature: fips, an escaped
    label ("Autauga, AL"; the layer's own name) and its live territory ``t`` (the base the
    scenario's moves are relative to). Built once per data version."""
    shapes, labels = geography.table["geometry"], geography.labels
    base = frames.alignment["territory_id"]
    features = []
    for fips in base.index.intersection(shapes.index):
        geometry = shapes[fips].simplify(SIMPLIFY_DEGREES, preserve_topology=True)
        label = html.escape(str(labels.get(fips, fips)))
        feature = us_atlas.to_geojson_feature(geometry, {"fips": fips, "label": label,
                                                    "t": str(base[fips])}, PRECISION)
        if feature["geometry"] is not None:
            features.append(feature)
    return {"type": "FeatureCollection", "features": features}


def territory_colors(alignment: pd.Series, adjacency: Mapping[str, Iterable[str]],
                     palette: tuple[str, ...] = PALETTE) -> dict[str, str]:
    """A colour per territory such that bordering territories differ where the
    palette allows (greedy colouring, most neighbours first, ties by id).

    Computed on the live alignment and kept for every scenario, so a moved
    county takes its new territory's colour and nothing else repaints."""
    owner = alignment.to_dict()
    neighbours: dict[str, set[str]] = {t: set() for t in owner.values()}
    for fips, territory in owner.items():
        for other in adjacency.get(fips, ()):
            other_territory = owner.get(other)
            if other_territory is not None and other_territory != territory:
                neighbours[territory].add(other_territory)
    colors: dict[str, str] = {}
    for territory in sorted(neighbours, key=lambda t: (-len(neighbours[t]), t)):
        used = {colors[n] for n in neighbours[territory] if n in colors}
        free = [c for c in palette if c not in used]
        colors[territory] = free[0] if free else palette[len(colors) % len(palette)]
    return colors


def scenario_alignment(base: pd.Series, changes: Changes) -> dict[str, str]:
    """County fips -> territory under the changes' county moves."""
    return base.to_dict() | dict(changes.county_moves)


def map_hideout(base: pd.Series, changes: Changes, colors: Mapping[str, str],
                names: Mapping[str, str], selected: Iterable[str] = ()) -> dict:
    """What the county layer's style reads: colour of every county under the
    scenario, the moved counties (``changed``, outlined) with their new
    territory (``moved``, for the tooltip), territory labels and the selection."""
    alignment = scenario_alignment(base, changes)
    return {
        "key": "whatif",
        "colors": {fips: colors.get(t, "#bdbdbd") for fips, t in alignment.items()},
        "changed": sorted(changes.county_moves),
        "moved": dict(changes.county_moves),
        "locked": sorted(changes.locked_counties),
        "names": dict(names),
        "selected": list(selected),
        # the tooltip's words, in the page's language (assets/map.js)
        "words": {"moved_from": _("moved from"), "locked": _("locked"),
                  "outside": _("another region's territory")},
    }


def territory_labels(frames: Frames, escape: bool = True) -> dict[str, str]:
    """"T07 · Name (Rep)" per territory; escaped for the map's HTML tooltips,
    plain for dropdowns (which show text as text)."""
    labels = {}
    for row in frames.territories.itertuples():
        rep = getattr(row, "rep_name", None)
        rep = rep if isinstance(rep, str) and rep else _("vacant")
        label = f"{row.territory_id} · {row.territory_name} ({rep})"
        labels[row.territory_id] = html.escape(label) if escape else label
    return labels


def county_options(frames: Frames, labels: pd.Series) -> list[dict]:
    """Dropdown choices for picking units without the map, by name: ``labels`` is each
    unit's ("Autauga, AL"; ``runtime.geography``)."""
    known = frames.alignment.index.intersection(labels.index)
    options = [{"label": f"{labels[uid]} · {uid}", "value": uid} for uid in known]
    return sorted(options, key=lambda o: o["label"])


def toggle(selected: list | None, fips: str) -> list[str]:
    """The selection with ``fips`` added, or removed when already in it."""
    selected = [s for s in (selected or []) if isinstance(s, str)]
    return [s for s in selected if s != fips] if fips in selected else [*selected, fips]


#: what a map click may name: a county's FIPS, or a unit id of a layer of one's own ("02",
#: "2A", a UK LSOA "E01000001", a Canadian postal code "K1A 0B1"): letters, digits and
#: ``_ - . /``, words apart by single spaces, at most ``schema.UNIT_ID_LENGTH`` characters
_UNIT_ID = re.compile(r"[\w./-]+(?: [\w./-]+)*")


def clicked_fips(feature) -> str | None:
    """The unit (a county's fips) a map click names, else None (the payload comes from
    the browser: anything but a plain id the unit column can hold is dropped)."""
    if not isinstance(feature, dict):
        return None
    found = (feature.get("properties") or {}).get("fips")
    if not isinstance(found, str) or len(found) > UNIT_ID_LENGTH:
        return None
    return found if _UNIT_ID.fullmatch(found) else None


# -- history (page data) -----------------------------------------------------
def history_of(steps) -> tuple[Changes, ...]:
    """The Changes snapshots of the stored steps (oldest first).

    Raises ValueError on anything that is not a list of steps."""
    if not steps:
        return ()
    if not isinstance(steps, list) or len(steps) > MAX_STEPS:
        raise ValueError(_("the scenario history is not readable"))
    try:
        return tuple(Changes.from_json(step["changes"]) for step in steps)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(_("the scenario history is not readable")) from exc


def current_changes(steps) -> Changes:
    history = history_of(steps)
    return history[-1] if history else Changes.empty()


def check_fits(frames: Frames, changes: Changes, words: UnitWords = COUNTIES) -> Changes:
    """The changes, when every county, account and territory they name is in the
    frames; else ValueError naming the first that is not (the page data may
    predate an import, or have been written by hand). ``words``: what the units are
    called (``Geography.words``: "unit" on a layer of one's own)."""
    territories = set(frames.territories["territory_id"])
    named = (set(changes.county_moves.values()) | set(changes.quota_changes)
             | set(changes.zip_moves.values())
             | {t for t in changes.account_overrides.values() if t is not None})
    # only what the changes name is looked up (an index's hash table), never
    # every account: this runs on each edit and redraw
    for message, unknown in (
            (N_("territory {name} is not in the current data"), sorted(named - territories)),
            (words.say(N_("county {name} is not in the current data"),
                       N_("unit {name} is not in the current data")),
             sorted(f for f in changes.county_moves if f not in frames.alignment.index)),
            (N_("account {name} is not in the current data"),
             sorted(a for a in changes.account_overrides if a not in frames.accounts.index)),
            (N_("ZIP area {name} is not in the current data"),
             sorted(z for z in changes.zip_moves if zip_live_territory(frames, z) is None))):
        if unknown:
            raise ValueError(_(message).format(name=unknown[0]))
    return changes


def push_step(steps, changes: Changes, label: str, reasons: list[str] | None = None) -> list:
    """The stored history with one more step (its full snapshot, so undo is a pop)."""
    if len(steps or []) >= MAX_STEPS:
        raise ValueError(_("a scenario keeps at most {count} steps: undo some first").format(
            count=formatting.count(MAX_STEPS)))
    return [*(steps or []), {"label": label, "changes": changes.to_json(),
                             "reasons": list(reasons or [])}]


def latest_reasons(steps) -> tuple[str, list[str]]:
    """The label and move reasons of the newest step that has reasons (a suggested
    rebalance still in the history), else ("", [])."""
    for step in reversed(steps if isinstance(steps, list) else []):
        if isinstance(step, dict) and step.get("reasons"):
            return step.get("label", ""), list(step["reasons"])
    return "", []


# -- tables ------------------------------------------------------------------
#: (figure, header, kind) of the before/after grid
FIGURE_COLUMNS = (
    ("accounts", N_("Accounts"), "count"), ("potential", N_("Potential"), "money"),
    ("workload", N_("Workload"), "number"), ("travel_km", N_("Travel km"), "count"),
    ("t12_bookings", N_("T12 bookings"), "money"),
    ("open_pipeline", N_("Open pipeline"), "money"),
    ("quota", N_("Quota"), "money"),
    ("projected_attainment", N_("Proj. attainment"), "percent"),
)


def _value(value):
    """A JSON-safe number (None for missing) for a grid cell."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return float(value)


def touched_rows(territories: pd.DataFrame, touched: list[str]) -> list[dict]:
    """One grid row per touched territory: each figure before, after and delta."""
    rows = []
    table = territories.set_index("territory_id", drop=False)
    for territory in touched:
        row = table.loc[territory]
        record = {"id": territory, "name": row["name"],
                  "rep": row["rep_name"] if isinstance(row["rep_name"], str) else _("vacant")}
        for figure, _header, _kind in FIGURE_COLUMNS:
            for side in ("before", "after", "delta"):
                record[f"{figure}_{side}"] = _value(row[f"{figure}_{side}"])
        for side in ("before", "after"):
            record[f"potential_{side}_note"] = estimated_note(
                int(row.get(f"estimated_potentials_{side}", 0)))
        rows.append(record)
    return rows


def estimated_note(count: int) -> str:
    """What a territory's potential says of its accounts' estimated potentials
    ("3 accounts estimated"; "" when none was estimated at import)."""
    if not count:
        return ""
    return ngettext("{count} account estimated", "{count} accounts estimated", count).format(
        count=formatting.count(count))


def total_row(totals: pd.DataFrame, region: str | None = None) -> dict:
    """The whole alignment as a pinned grid row; a manager's whole is their
    ``region`` (the company's totals are not theirs to see)."""
    name = _("Whole alignment") if region is None else _("All of {region}").format(region=region)
    record = {"id": "All", "name": name, "rep": ""}
    for figure, _header, _kind in FIGURE_COLUMNS:
        for side in ("before", "after", "delta"):
            record[f"{figure}_{side}"] = _value(totals.at[figure, side])
    return record


FAIRNESS_LABELS = (
    ("balance_index", N_("Balance index"), "number", True),
    ("within_tolerance", N_("Within ±15% of mean"), "percent", True),
    ("max_min_ratio", N_("Max ÷ min"), "multiple", False),
    ("gini", N_("Gini"), "number", False),
)


#: (usual digits, most digits) per kind of fairness figure: a small move gets
#: digits until before and after read differently, up to the most
FAIRNESS_DIGITS = {"number": (3, 4), "percent": (0, 2), "multiple": (1, 3)}


def _fmt(value, kind: str, digits: int | None = None) -> str:
    """A fairness figure as text, with ``digits`` (default: the kind's usual)."""
    digits = FAIRNESS_DIGITS[kind][0] if digits is None else digits
    if kind == "percent":
        return formatting.percent(value, digits)
    if kind == "multiple":
        return formatting.multiple(value, digits)
    if formatting.is_missing(value):
        return formatting.MISSING
    return formatting.number(value, digits)


def _before_after(before, after, kind: str) -> tuple[str, str]:
    """Before and after as text, with the fewest digits (from the kind's usual
    to its most) at which a change between them shows ("0.571 → 0.571" was a
    move too small for three digits)."""
    digits, most = FAIRNESS_DIGITS[kind]
    changed = not (formatting.is_missing(before) or formatting.is_missing(after)) \
        and abs(after - before) > 1e-12
    while changed and digits < most and _fmt(before, kind, digits) == _fmt(after, kind, digits):
        digits += 1
    return _fmt(before, kind, digits), _fmt(after, kind, digits)


def fairness_rows(fairness: pd.DataFrame) -> list[dict]:
    """Fairness card lines: label, before, after and the change, with a tone
    ("good" when the change makes the alignment fairer, "bad" when less fair)."""
    rows = []
    for key, label, kind, higher_is_better in FAIRNESS_LABELS:
        before, after = fairness.at[key, "before"], fairness.at[key, "after"]
        delta = fairness.at[key, "delta"]
        tone = ""
        if not formatting.is_missing(delta) and abs(delta) > 1e-9:
            tone = "good" if (delta > 0) == higher_is_better else "bad"
        before_text, after_text = _before_after(before, after, kind)
        rows.append({"label": _(label), "before": before_text, "after": after_text,
                     "tone": tone})
    return rows


DISRUPTION_LABELS = (("accounts", N_("Accounts")), ("bookings", N_("T12 bookings")),
                     ("pipeline", N_("Open pipeline")))
#: a share under 0.1% keeps two decimals, one under 0.01% reads "<0.01%": never "0.0%" for a move
SMALL_SHARE, TINY_SHARE = 0.001, 0.0001


def share_text(share) -> str:
    """A disruption share (METRICS.md Disruption) as a percentage, 0 only when
    nothing moved."""
    if formatting.is_missing(share) or share == 0 or share >= SMALL_SHARE:
        return formatting.percent(share, 1)
    if share < TINY_SHARE:
        return "<" + formatting.percent(TINY_SHARE, 2)
    return formatting.percent(share, 2)


def disruption_rows(shares: Mapping[str, float]) -> list[tuple[str, str]]:
    """(label, share text) of METRICS.md Disruption, three ways."""
    return [(_(label), share_text(shares.get(key))) for key, label in DISRUPTION_LABELS]


def _names(names: list, limit: int = 3) -> str:
    shown = ", ".join(str(n) for n in names[:limit])
    if len(names) <= limit:
        return shown
    return _("{names} +{count} more").format(names=shown,
                                             count=formatting.count(len(names) - limit))


def rep_rows(impact: pd.DataFrame) -> list[dict]:
    """Per-rep impact rows for the grid (whatif_impact.rep_impact, one per territory)."""
    rows = []
    for r in impact.to_dict("records"):
        rows.append({
            "id": r["territory_id"], "territory": f"{r['territory_id']} · {r['territory_name']}",
            "rep": r["rep_name"] if isinstance(r["rep_name"], str) else _("vacant"),
            "accounts_gained": r["accounts_gained"], "accounts_lost": r["accounts_lost"],
            "gained": _names(r["gained_account_names"]), "lost": _names(r["lost_account_names"]),
            "t12_bookings_net": _value(r["t12_bookings_gained"] - r["t12_bookings_lost"]),
            "open_pipeline_net": _value(r["open_pipeline_gained"] - r["open_pipeline_lost"]),
            "quota_before": _value(r["quota_before"]), "quota_after": _value(r["quota_after"]),
        })
    return rows
