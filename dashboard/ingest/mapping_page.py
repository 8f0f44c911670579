"""The mapping step as the upload page shows it: plain rows for its grids
(files and their kinds, columns and their fields and date orders, stages
and their statuses), the problems by file, row, column and reason, and the
first rows as stored; and back from the edited grids to a
:class:`~dashboard.ingest.mapping.Proposal`. Rows sent back by a browser are
checked here: a value that is not one of the choices offered is ignored."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from dashboard.i18n.translation import N_, _
from dashboard.ingest import dates, recognise, values
from dashboard.ingest.checks import ERROR, Problem, has_errors
from dashboard.ingest.mapped_import import MappedImport
from dashboard.ingest.mapping import DATE_FIELDS, FileMapping, Proposal
from dashboard.ingest.reading import table_for_file_name

KINDS = (recognise.ORDERS, recognise.FLAT_DEALS, recognise.OPPORTUNITIES, recognise.ACCOUNTS,
         recognise.TERRITORIES, recognise.ALIGNMENT, recognise.REPS, recognise.QUOTAS)
_KIND_LABELS = {
    recognise.ORDERS: N_("order lines (each row a won sale)"),
    recognise.FLAT_DEALS: N_("deals with their accounts' columns"),
    recognise.OPPORTUNITIES: N_("deals"),
    recognise.ACCOUNTS: N_("accounts"),
    recognise.TERRITORIES: N_("territories"),
    recognise.ALIGNMENT: N_("alignment (county → territory)"),
    recognise.REPS: N_("reps"),
    recognise.QUOTAS: N_("quotas"),
}
STATUSES = (values.OPEN, values.WON, values.LOST)
_STATUS_LABELS = {values.OPEN: N_("open"), values.WON: N_("won"), values.LOST: N_("lost")}
#: every field a column may be mapped to, in the vocabularies' order
FIELDS = tuple(dict.fromkeys(f for vocabulary in recognise.VOCABULARY.values()
                             for f in vocabulary))


def kind_labels(own_layer: bool = False) -> dict[str, str]:
    """Each kind's name on the page ("" is a file not recognised); ``own_layer``: the
    data runs on a layer of one's own, whose alignment names units, not counties."""
    labels = {"": _("not recognised: choose"), **{k: _(v) for k, v in _KIND_LABELS.items()}}
    if own_layer:
        labels[recognise.ALIGNMENT] = _("alignment (unit → territory)")
    return labels


def status_labels() -> dict[str, str]:
    return {s: _(label) for s, label in _STATUS_LABELS.items()}


def order_labels() -> dict[str, str]:
    """Each date order as written ("" is an order not known yet)."""
    return {"": _("not known: choose"), **dates.ORDER_LABELS}


def is_native(names: list[str]) -> bool:
    """Whether every file is named after a DATA_FORMAT.md table (or is
    ``as_of.txt``): such an upload imports as it always has, no mapping step."""
    return bool(names) and all(
        table_for_file_name(n) is not None or n.lower() == "as_of.txt" for n in names)


@dataclass
class PageRows:
    files: list[dict]
    columns: list[dict]
    stages: list[dict]


def grid_rows(outcome: MappedImport) -> PageRows:
    """The three grids' rows for a proposal."""
    proposal = outcome.proposal
    files, columns = [], []
    for file in proposal.files:
        files.append({"file": file.file, "kind": file.kind or "",
                      "rows": outcome.row_counts.get(file.file, 0)})
        samples = outcome.samples.get(file.file, {})
        for header, field in file.columns.items():
            is_date = field in DATE_FIELDS
            order = file.date_orders.get(header) if is_date else None
            columns.append({
                "file": file.file, "kind": file.kind or "", "column": header,
                "examples": ", ".join(samples.get(header, [])), "field": field or "",
                # a non-date column has no order at all (its cell stays blank)
                "order": (order or "") if is_date else None, "is_date": is_date,
                "ask": is_date and not order,
            })
    stages = [{"stage": s, "status": st} for s, st in proposal.stage_status.items()]
    return PageRows(files, columns, stages)


def _rows(value: object) -> list[dict]:
    if not isinstance(value, list):
        return []
    return [r for r in value if isinstance(r, dict)]


def edited(files: object, columns: object, stages: object) -> Proposal:
    """The proposal the edited grids say. A file whose kind was changed gets
    its columns recognised again for the new kind."""
    kinds = {}
    for row in _rows(files):
        kind = row.get("kind")
        if isinstance(row.get("file"), str):
            kinds[row["file"]] = kind if kind in KINDS else None
    by_file: dict[str, list[dict]] = {}
    for row in _rows(columns):
        if row.get("file") in kinds and isinstance(row.get("column"), str):
            by_file.setdefault(row["file"], []).append(row)
    mappings = []
    for name, kind in kinds.items():
        rows = by_file.get(name, [])
        if kind is not None and any(r.get("kind") != kind for r in rows):
            mappings.append(FileMapping(name, kind, recognise.map_headers(
                [r["column"] for r in rows], kind)))
            continue
        mappings.append(FileMapping(
            name, kind,
            {r["column"]: r.get("field") if r.get("field") in FIELDS else None for r in rows},
            {r["column"]: r["order"] for r in rows if r.get("order") in dates.ORDERS}))
    statuses = {r["stage"]: r["status"] for r in _rows(stages)
                if isinstance(r.get("stage"), str) and r.get("status") in STATUSES}
    return Proposal(mappings, statuses)


def problem_rows(problems: list[Problem]) -> list[dict]:
    """Errors first, then warnings: file, row, column, reason."""
    ordered = sorted(problems, key=lambda p: p.severity != ERROR)
    return [{"file": p.file, "row": "" if p.row is None else str(p.row),
             "column": p.column or "", "reason": p.reason, "error": p.severity == ERROR}
            for p in ordered]


def can_import(outcome: MappedImport) -> bool:
    return bool(outcome.proposal.files) and not has_errors(outcome.problems)


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if value is pd.NaT or value is pd.NA:
        return ""
    if isinstance(value, float):
        # a sum of cents in binary floating point (101.1 + 406.61 is
        # 507.71000000000004): shown to 9 decimals, which any amount fits
        return str(round(value, 9))
    return str(value)


def preview_tables(outcome: MappedImport) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Each table's first rows as stored: its column names and cells as text."""
    return {table: ([str(c) for c in frame.columns],
                    [[_cell(v) for v in row] for row in frame.itertuples(index=False)])
            for table, frame in outcome.preview.items()}
