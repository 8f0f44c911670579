"""Words for the design engine's answers on the what-if page
(:mod:`dashboard.whatif.design_runs`): why each county moved, why a county's accounts
became named-account overrides, and what each designed territory holds.

A county's reason is the engine's last move of that county (:class:`dashboard.design.
search.Move`): which territory's measure it brought closer to the target, from what to
what (as multiples of the target), and whether it was one move alone, part of an
ejection chain, of a run of counties taken together, or of the planned flow between
neighbours.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from dashboard.design.engine import Result
from dashboard.i18n.formatting import count, money, multiple
from dashboard.i18n.translation import N_, _, ngettext
from dashboard.whatif.design_runs import MEASURES, Prepared, Reading

#: how each measure reads in a reason (translated where used)
MEASURE_NAMES = {"potential": N_("potential"), "accounts": N_("accounts"),
                 "workload": N_("workload")}
#: why a move was taken, by the engine's kind of move
WHY = {
    "balance": N_("brings the {measure} of {territory} from {before} to {after} the target"),
    "chain": N_("part of a chain of moves that brings the {measure} of {territory} from "
                "{before} to {after} the target"),
    "transfer": N_("part of a run of counties taken together that brings the {measure} of "
                   "{territory} from {before} to {after} the target"),
    "flow": N_("part of the planned flow between neighbours that brings the {measure} of "
               "{territory} from {before} to {after} the target"),
}
#: the same on a layer of one's own, where the units are not counties
WHY_OWN = {**WHY, "transfer": N_("part of a run of units taken together that brings the "
                                 "{measure} of {territory} from {before} to {after} the "
                                 "target")}


def measure_name(measure: str) -> str:
    known = MEASURE_NAMES.get(measure)
    return _(known) if known else measure


def territory_names(p: Prepared) -> dict[str, str]:
    """"T05 Name" per territory id of the scope."""
    rows = p.frames.territories
    return {str(t): f"{t} {'' if n is None or n != n else n}".strip() for t, n in
            zip(rows["territory_id"].astype(object), rows["territory_name"].astype(object),
                strict=True)}


def _last_moves(result: Result) -> dict[int, tuple[int, object]]:
    """Per unit of the engine's graph, its last move in the result's path and where."""
    return {move.unit: (order, move) for order, move in enumerate(result.moves)}


def _why(move, p: Prepared, reading: Reading, names: Mapping[str, str],
         own_layer: bool = False) -> str:
    if move is None or move.kind not in WHY:
        if move is not None and move.kind == "compactness":
            return _("keeps the balance and shortens the border between territories")
        return _("a step out of a local optimum that later moves build on")
    territory = str(p.tids[reading.label[move.territory]])
    return _((WHY_OWN if own_layer else WHY)[move.kind]).format(
        measure=measure_name(p.graph.measure_names[move.measure]),
        territory=names.get(territory, territory),
        before=multiple(1 + move.before, 2), after=multiple(1 + move.after, 2))


def move_reasons(p: Prepared, result: Result, reading: Reading,
                 county_names: Mapping[str, str], own_layer: bool = False) -> list[str]:
    """"County, ST (fips): moves …, from A to B: why" per moved county, in the order of
    their last move (``own_layer``: the units are a layer's, not counties)."""
    names = territory_names(p)
    position = {unit: i for i, unit in enumerate(p.graph.ids)}
    last = _last_moves(result)
    start = p.tids.to_numpy(object)[p.county_start]
    rows = []
    for county, fips in enumerate(p.counties):
        if fips not in reading.county_moves:
            continue
        unit = position.get(fips, position.get(f"{fips}#0"))
        order, move = last.get(unit, (-1, None))
        potential, accounts, _work, bookings = p.county_graph.measures[county]
        source, target = str(start[county]), reading.county_moves[fips]
        text = ngettext(
            "moves {count} account, {potential} potential, {bookings} trailing-12-month "
            "bookings, from {source} to {target}: {why}",
            "moves {count} accounts, {potential} potential, {bookings} trailing-12-month "
            "bookings, from {source} to {target}: {why}", int(accounts)).format(
            count=count(accounts), potential=money(potential), bookings=money(bookings),
            source=names.get(source, source), target=names.get(target, target),
            why=_why(move, p, reading, names, own_layer))
        rows.append((order, f"{county_names.get(fips, fips)} ({fips}): {text}"))
    return [text for _order, text in sorted(rows, key=lambda r: r[0])]


def split_reasons(p: Prepared, reading: Reading, county_names: Mapping[str, str],
                  own_layer: bool = False) -> list[str]:
    """Per county split by its accounts: how many became named-account overrides, where
    they went, and why (the county alone is above what a territory may hold; ``own_layer``:
    "the unit alone")."""
    if not reading.overrides:
        return []
    names = territory_names(p)
    frame = p.frames.accounts
    counties = frame["county_fips"].reindex(list(reading.overrides)).astype(object)
    balanced = [MEASURES.index(m) for m in p.options.measures]
    rows = []
    for fips in p.oversize:
        mine = [a for a, c in counties.items() if c == fips]
        if not mine:
            continue
        into: dict[str, int] = {}
        for account in mine:
            into[reading.overrides[account]] = into.get(reading.overrides[account], 0) + 1
        ratio = p.county_graph.measures[p.county_graph.positions([fips])[0], balanced] \
            / p.target[balanced]
        worst = int(np.argmax(ratio))
        where = ", ".join(f"{names.get(t, t)} ({count(n)})" for t, n in sorted(into.items()))
        rows.append(f"{county_names.get(fips, fips)} ({fips}): " + (ngettext(
            "{count} account becomes a named-account override, to {where}: the unit alone "
            "holds {ratio} the target {measure}, above the {allowed} a territory may hold",
            "{count} accounts become named-account overrides, to {where}: the unit alone "
            "holds {ratio} the target {measure}, above the {allowed} a territory may hold",
            len(mine)) if own_layer else ngettext(
            "{count} account becomes a named-account override, to {where}: the county "
            "alone holds {ratio} the target {measure}, above the {allowed} a territory may "
            "hold",
            "{count} accounts become named-account overrides, to {where}: the county alone "
            "holds {ratio} the target {measure}, above the {allowed} a territory may hold",
            len(mine))).format(count=count(len(mine)), where=where,
                              ratio=multiple(ratio[worst], 2),
                              measure=measure_name(p.options.measures[worst]),
                              allowed=multiple(1 + p.options.tolerance, 2)))
    return rows


def territory_reasons(p: Prepared, reading: Reading, own_layer: bool = False) -> list[str]:
    """Per designed territory: its counties (``own_layer``: units) and each measure as a
    multiple of the target."""
    names = territory_names(p)
    counts = np.bincount(reading.code, minlength=len(p.tids))
    totals = np.stack([np.bincount(reading.code, weights=p.county_graph.measures[:, j],
                                   minlength=len(p.tids)) for j in range(len(MEASURES))],
                      axis=1)
    rows = []
    for k, tid in enumerate(p.tids):
        if not counts[k]:
            rows.append(names.get(str(tid), str(tid)) + ": "
                        + (_("no unit") if own_layer else _("no county")))
            continue
        parts = ", ".join(_("{measure} {ratio}").format(
            measure=measure_name(m), ratio=multiple(totals[k, j] / p.target[j], 2))
            for j, m in enumerate(MEASURES))
        rows.append(names.get(str(tid), str(tid)) + ": " + (ngettext(
            "{count} unit, {measures} the target", "{count} units, {measures} the target",
            int(counts[k])) if own_layer else ngettext(
            "{count} county, {measures} the target", "{count} counties, {measures} the target",
            int(counts[k]))).format(count=count(counts[k]), measures=parts))
    return rows
