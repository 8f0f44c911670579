"""METRICS.md "Underperformance": which territories to look at, why, and what kind of problem.

Every rule is evaluated for every territory at once from the territory-level
KPI parts, so the flags agree with the numbers the rest of the dashboard
shows. A missing figure (no quota, no prior-year bookings, ...) never fires a
rule: "no data" is not evidence of underperformance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from dashboard.i18n import formatting as fmt
from dashboard.i18n.translation import _
from dashboard.metrics.balance import DEFAULT_WEIGHTS, WorkloadWeights, territory_workload
from dashboard.metrics.frames import Frames
from dashboard.metrics.kpi_blocks import Grouping, Window, ratio
from dashboard.metrics.kpi_parts import kpis_from_parts
from dashboard.metrics.kpi_table import group_figures
from dashboard.metrics.periods import Period

RULES = ("pace", "coverage", "growth", "penetration", "potential_index")
DIAGNOSES = ("overloaded", "under-covered", "execution")

FLAG_COLUMNS = (
    "territory_id", "territory_name", "region", "rep_name", "reasons", "rules",
    "diagnosis", "explanation", "severity", "shortfall",
)


@dataclass(frozen=True)
class Thresholds:
    """METRICS.md default thresholds; the UI lets the user change each one."""

    pace: float = 0.85
    coverage: float = 2.0
    growth: float = 0.0
    #: penetration rank within the lowest this share of territories
    penetration_bottom: float = 0.25
    #: potential rank within the highest this share of territories
    potential_top: float = 0.5
    potential_index: float = 0.8
    #: diagnosis: "above 1.15 × the mean"
    overload_factor: float = 1.15
    potential_per_rep_factor: float = 1.15
    #: diagnosis: "pipeline coverage below the healthy line" (the pipeline
    #: view's default line, dashboard.views.rankings.HEALTHY_COVERAGE)
    healthy_coverage: float = 3.0


DEFAULT_THRESHOLDS = Thresholds()


def territory_signals(
    frames: Frames,
    period: Period,
    as_of: date,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    areas: pd.Series | None = None,
    weights: WorkloadWeights = DEFAULT_WEIGHTS,
    workload: pd.DataFrame | None = None,
    restated: bool = False,
) -> pd.DataFrame:
    """Every territory with the figures the rules read and one boolean column per rule.

    The figures are as credited (METRICS.md "Alignment history"), or
    ``restated`` to the alignment in force on E; the workload of the
    diagnosis is the latest alignment's (a balance figure) either way.

    ``workload`` is ``territory_workload(frames, areas, weights)`` when the
    caller keeps it per data version (it does not depend on the period or the
    thresholds); else it is computed from ``areas`` and ``weights``.

    Penetration's "bottom quartile" and potential's "top half" (by default;
    ``penetration_bottom`` and ``potential_top`` set the shares) are ranks, not
    interpolated quantiles: a territory is in the bottom quartile when its
    rank from the lowest (ties sharing the best rank) is ≤ 25% of the ranked
    territories, so tied territories are flagged together and a lone
    territory is never "bottom" of itself. Potential index compares a
    territory's share of company T12 Bookings with its share of company
    Potential, the company being every territory (unaligned accounts left out).
    """
    territories = frames.territories
    tids = territories["territory_id"]
    groups = pd.Series(tids.to_numpy(), index=tids.to_numpy())
    grouping = Grouping.from_series(groups)
    window = Window.of(period, as_of)
    parts, cycle, _top = group_figures(frames, grouping, window, restated=restated)
    parts = parts.reindex(tids.to_numpy(), fill_value=0.0)
    figures = kpis_from_parts(parts, period, as_of)
    figures["sales_cycle_days"] = grouping.series(cycle).reindex(tids.to_numpy())
    for column in ("bookings", "quota", "potential", "bookings_t12", "weighted_pipeline"):
        figures[column] = parts[column]

    figures["booking_share"] = ratio(parts["bookings_t12"], parts["bookings_t12"].sum())
    figures["potential_share"] = ratio(parts["potential"], parts["potential"].sum())
    figures["potential_index"] = ratio(figures["booking_share"], figures["potential_share"])
    figures["shortfall"] = figures["quota"] * (1 - figures["projected_attainment"])

    t = thresholds
    figures["rule_pace"] = figures["pace"] < t.pace
    figures["rule_coverage"] = figures["coverage"] < t.coverage
    figures["rule_growth"] = figures["revenue_growth"] < t.growth
    low_penetration = _within_lowest(figures["penetration"], t.penetration_bottom)
    high_potential = _within_lowest(-figures["potential"], t.potential_top)
    figures["rule_penetration"] = low_penetration & high_potential
    figures["rule_potential_index"] = figures["potential_index"] < t.potential_index
    figures["severity"] = figures[[f"rule_{r}" for r in RULES]].sum(axis=1).astype("int64")

    if workload is None:
        workload = territory_workload(
            frames, areas if areas is not None else pd.Series(dtype="float64"), weights)
    workload = workload.reindex(tids.to_numpy())
    figures["workload"] = workload["workload"]
    figures["vacant"] = territories["rep_id"].isna().to_numpy()
    _diagnose(figures, t, _company(frames, parts, period, as_of, window, restated))
    return figures


def _company(frames: Frames, parts: pd.DataFrame, period: Period, as_of: date,
             window: Window, restated: bool = False) -> pd.Series:
    """The company's win rate, average deal size and sales cycle: the first two
    from the territories' summed parts (METRICS.md aggregates up by summing), the
    cycle, a median, over all their won deals; the same as ``kpi_table``'s
    company row, without building it."""
    summed = parts.sum().to_frame().T
    company = kpis_from_parts(summed, period, as_of).iloc[0]
    tids = parts.index.to_numpy()
    whole = Grouping.from_series(pd.Series("company", index=tids))
    _parts, cycle, _top = group_figures(frames, whole, window, restated=restated)
    company["sales_cycle_days"] = whole.series(cycle).get("company", np.nan)
    return company


def _within_lowest(values: pd.Series, share: float) -> pd.Series:
    """Rank (1 = lowest, ties share the lowest rank) ≤ share × the count ranked; NaN never."""
    rank = values.rank(method="min", na_option="keep")
    return (rank <= share * values.notna().sum()).fillna(False).astype(bool)


def _diagnose(figures: pd.DataFrame, t: Thresholds, company: pd.Series) -> None:
    """METRICS.md diagnosis: a design problem (load, coverage) or an execution one.

    METRICS.md lists "overloaded" first, but a vacant territory is
    under-covered before anything else, on purpose: overloaded means "too big
    for one rep", and with no rep there is nobody to be overloaded; "weak
    conversion" misses the point too. The fix for a vacant territory is to
    staff it, whatever its workload, so a vacant and overloaded territory
    reads under-covered. Then overloaded, then under-covered by potential per
    rep, else execution.
    Means are over all territories for workload and over staffed ones for
    potential per rep (a vacant territory has no rep to divide by).
    An execution diagnosis names what is weak against ``company`` (its
    ``kpi_table`` row): see ``_execution``.
    """
    workload_mean = figures["workload"].mean()  # severity is set before this runs
    overloaded = figures["workload"] > t.overload_factor * workload_mean
    staffed_potential = figures["potential"].where(~figures["vacant"])
    potential_mean = staffed_potential.mean()
    rich = staffed_potential > t.potential_per_rep_factor * potential_mean
    diagnosis = np.select(
        [figures["vacant"], overloaded, rich],
        ["under-covered", "overloaded", "under-covered"],
        default="execution",
    )
    explanation = []
    for row, kind in zip(figures.itertuples(), diagnosis, strict=True):
        if row.severity == 0:
            explanation.append("")  # explained only where a rule fires (the words cost)
            continue
        if kind == "under-covered" and row.vacant:
            text = _("Vacant: no rep covers {potential} of potential.").format(
                potential=fmt.money(row.potential))
        elif kind == "overloaded":
            text = _("Overloaded: workload {workload} is {ratio} the mean; "
                     "too big for one rep.").format(
                workload=fmt.number(row.workload, 1),
                ratio=fmt.multiple(row.workload / workload_mean, 2))
        elif kind == "under-covered":
            text = _("Under-covered: potential per rep {potential} is {ratio} the mean; "
                     "more than one rep can work.").format(
                potential=fmt.money(row.potential),
                ratio=fmt.multiple(row.potential / potential_mean, 2))
        else:
            text = _execution(row, t, company)
        explanation.append(text)
    figures["diagnosis"] = diagnosis
    figures["explanation"] = explanation


def _below(value, line) -> bool:
    """``value`` < ``line`` when both are known: a missing figure is no evidence."""
    return not (fmt.is_missing(value) or fmt.is_missing(line)) and value < line


def _execution(row, t: Thresholds, company: pd.Series) -> str:
    """METRICS.md: an execution diagnosis names what is weak against the company
    (win rate and average deal size below the company's, pipeline coverage below
    the healthy line, a sales cycle longer than the company's), and says plainly
    when none is; a figure at or above the company's is never called weak."""
    weak = []
    if _below(row.win_rate, company["win_rate"]):
        weak.append(_("win rate {value} (company {company})").format(
            value=fmt.percent(row.win_rate), company=fmt.percent(company["win_rate"])))
    if _below(row.coverage, t.healthy_coverage):
        weak.append(_("pipeline coverage {value} (healthy line {line})").format(
            value=fmt.multiple(row.coverage), line=fmt.multiple(t.healthy_coverage)))
    if _below(row.avg_deal_size, company["avg_deal_size"]):
        weak.append(_("deal size {value} (company {company})").format(
            value=fmt.money(row.avg_deal_size), company=fmt.money(company["avg_deal_size"])))
    if _below(company["sales_cycle_days"], row.sales_cycle_days):
        weak.append(_("sales cycle {value} (company {company})").format(
            value=fmt.days(row.sales_cycle_days), company=fmt.days(company["sales_cycle_days"])))
    if not weak:
        return _("Execution: normal load; conversion and pipeline in line with the "
                 "company — look at the accounts.")
    return _("Execution: normal load; weak against the company: {weak}.").format(
        weak=", ".join(weak))


def _reasons(row, t: Thresholds) -> list[str]:
    """A reason in words per fired rule, with the figures (METRICS.md: "in words"),
    in the request's language."""
    reasons = []
    if row.rule_pace:
        reasons.append(_("Pace {value} (below {threshold})").format(
            value=fmt.percent(row.pace), threshold=fmt.percent(t.pace)))
    if row.rule_coverage:
        reasons.append(_("Pipeline coverage {value} (below {threshold})").format(
            value=fmt.multiple(row.coverage), threshold=fmt.multiple(t.coverage)))
    if row.rule_growth:
        reasons.append(_("Revenue growth {value} (below {threshold})").format(
            value=fmt.signed_percent(row.revenue_growth), threshold=fmt.percent(t.growth)))
    if row.rule_penetration:
        reasons.append(_penetration_reason(row, t))
    if row.rule_potential_index:
        reasons.append(_("Potential index {value} (below {threshold}): {booking_share} of "
                         "company T12 bookings from {potential_share} of company "
                         "potential").format(
            value=fmt.number(row.potential_index, 2),
            threshold=fmt.number(t.potential_index, 2),
            booking_share=fmt.percent(row.booking_share, 1),
            potential_share=fmt.percent(row.potential_share, 1)))
    return reasons


def _penetration_reason(row, t: Thresholds) -> str:
    """At the METRICS.md ranks the reason says "bottom quartile" and "top half"
    as people do; at any other ranks it names the shares chosen, so the words
    never claim a quartile the user has changed."""
    figures = dict(penetration=fmt.percent(row.penetration), potential=fmt.money(row.potential))
    if (t.penetration_bottom, t.potential_top) == (DEFAULT_THRESHOLDS.penetration_bottom,
                                                   DEFAULT_THRESHOLDS.potential_top):
        return _("Market penetration {penetration} in the bottom quartile while "
                 "potential {potential} is in the top half").format(**figures)
    return _("Market penetration {penetration} in the bottom {bottom} while potential "
             "{potential} is in the top {top}").format(
        bottom=_share(t.penetration_bottom), top=_share(t.potential_top), **figures)


def _share(value: float) -> str:
    """A rank share as typed: 25% stays "25%", 12.5% is not rounded to 13%."""
    whole = abs(value * 100 - round(value * 100)) < 1e-9
    return fmt.percent(value, 0 if whole else 1)


def flag_territories(
    frames: Frames,
    period: Period,
    as_of: date,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    areas: pd.Series | None = None,
    weights: WorkloadWeights = DEFAULT_WEIGHTS,
    workload: pd.DataFrame | None = None,
    restated: bool = False,
) -> pd.DataFrame:
    """METRICS.md Underperformance: one row per territory where any rule fires
    (as credited, or ``restated``: see :func:`territory_signals`).

    Ordered by severity (rules fired) descending, then by shortfall =
    Quota × (1 − Projected attainment) descending, missing shortfall last.
    ``areas`` (county_fips -> km²) feeds the workload index of the diagnosis;
    without it the travel term is 0 and workload is the weighted account count.
    """
    signals = territory_signals(frames, period, as_of, thresholds, areas, weights, workload,
                                restated)
    flagged = signals[signals["severity"] > 0]
    territories = frames.territories.reindex(flagged.index)
    table = pd.DataFrame(
        {
            "territory_id": flagged.index.to_numpy(),
            "territory_name": territories["territory_name"].to_numpy(),
            "region": territories["region"].to_numpy(),
            "rep_name": territories["rep_name"].to_numpy(),
            "reasons": [_reasons(row, thresholds) for row in flagged.itertuples()],
            "rules": [
                [r for r in RULES if getattr(row, f"rule_{r}")] for row in flagged.itertuples()
            ],
            "diagnosis": flagged["diagnosis"].to_numpy(),
            "explanation": flagged["explanation"].to_numpy(),
            "severity": flagged["severity"].to_numpy("int64"),
            "shortfall": flagged["shortfall"].to_numpy("float64"),
        },
        columns=list(FLAG_COLUMNS),
    )
    table = table.sort_values(
        ["severity", "shortfall", "territory_id"],
        ascending=[False, False, True],
        na_position="last",
        kind="stable",
    )
    return table.reset_index(drop=True)
