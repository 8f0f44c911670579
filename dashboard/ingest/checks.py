"""The DATA_FORMAT.md import rules, checked a whole column at a time.

Every rule is a vector operation that finds the failing rows; words are only
built for the rows a :class:`Report` will list. That is what lets two million
opportunity rows be checked in seconds and a garbage file still produce a
short report: each (file, column, rule) lists at most :data:`MAX_PER_RULE`
rows and sums up the rest in one line.

:mod:`dashboard.ingest.reading` reads files and merges the result; this module only
judges them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.i18n import formatting
from dashboard.i18n.translation import N_, _, ngettext
from dashboard.ingest.parsing import clean_cells, parse_column, reading_layer_unit_ids
from dashboard.storage.schema import (
    MONEY,
    TABLES,
    Column,
    Dataset,
    merged_stage_probabilities,
)

ERROR, WARNING = "error", "warning"
#: Problems listed per (file, column, rule) before the rest are summarised.
MAX_PER_RULE = 1000


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an imported file, in words a user can act on.

    ``row`` is the spreadsheet row (header = 1) or None for the whole file;
    ``column`` is the DATA_FORMAT.md column name, or None. ``reason`` is
    translated where the problem is built; the place words ("row", "column")
    are translated when the problem is shown, in the language of that moment.
    """

    file: str
    row: int | None
    column: str | None
    reason: str
    severity: str = ERROR

    def __str__(self) -> str:
        if self.row is not None and self.column is not None:
            text = _("{file} row {row}, column {column}: {reason}")
        elif self.row is not None:
            text = _("{file} row {row}: {reason}")
        elif self.column is not None:
            text = _("{file} column {column}: {reason}")
        else:
            text = _("{file}: {reason}")
        text = text.format(file=self.file, row=self.row, column=self.column, reason=self.reason)
        if self.severity == WARNING:
            return _("warning: {problem}").format(problem=text)
        return text


def has_errors(problems: Iterable[Problem]) -> bool:
    """Whether anything stops the import (warnings do not)."""
    return any(p.severity == ERROR for p in problems)


@dataclass
class Report:
    """Problems of one file, capped per rule and ordered as the file reads."""

    file: str
    rows: np.ndarray
    column_order: dict[str, int] = field(default_factory=dict)
    _file_level: list[Problem] = field(default_factory=list)
    _row_level: list[Problem] = field(default_factory=list)
    _summaries: list[Problem] = field(default_factory=list)

    def file_problem(self, column: str | None, reason: str, severity: str = ERROR) -> None:
        self._file_level.append(Problem(self.file, None, column, shorten(reason), severity))

    def row_problems(
        self,
        column: str,
        positions: np.ndarray,
        reason: str | Callable[[int], str],
        rule: str,
        severity: str = ERROR,
    ) -> None:
        """Report the rows at ``positions`` (0-based); ``reason`` is only
        called for the ones listed, so a rule failing on every row stays cheap."""
        for position in positions[:MAX_PER_RULE]:
            text = shorten(reason if isinstance(reason, str) else reason(int(position)))
            self._row_level.append(
                Problem(self.file, int(self.rows[position]), column, text, severity)
            )
        more = len(positions) - MAX_PER_RULE
        if more > 0:
            summary = ngettext("… and {count} more row with the same problem ({rule})",
                               "… and {count} more rows with the same problem ({rule})", more)
            self._summaries.append(Problem(
                self.file, None, column,
                summary.format(count=formatting.count(more), rule=rule), severity,
            ))

    def problems(self) -> list[Problem]:
        order = self.column_order
        rows = sorted(self._row_level, key=lambda p: (p.row, order.get(p.column, len(order))))
        return self._file_level + rows + self._summaries


#: Longest problem text kept whole: a reason quoting a 100,000-character cell
#: is cut in the middle so the list stays readable.
MAX_REASON = 300


def shorten(reason: str) -> str:
    if len(reason) <= MAX_REASON:
        return reason
    keep = MAX_REASON // 2
    return _("{start}… ({count} characters left out) …{end}").format(
        start=reason[:keep], count=formatting.count(len(reason) - 2 * keep), end=reason[-keep:])


#: Rule names for the summary line of a column's unparsable cells
#: (translated with ``_()`` where a report is built).
_NOT_VALID = {
    "date": N_("not a valid date"), "money": N_("not an amount"), "number": N_("not a number"),
    "fips": N_("not a FIPS code"), "quarter": N_("not a quarter"), "status": N_("not a status"),
    "flag": N_("not true or false"),
}
_NOT_VALID_AT_ALL = N_("not valid")


@dataclass
class CheckedFile:
    """A file's parsed values beside the cleaned text the user wrote."""

    values: pd.DataFrame
    cells: dict[str, pd.Series]
    report: Report


def check_file(table: str, raw: pd.DataFrame, report: Report,
               stage_probabilities: Mapping[str, float] | None = None) -> CheckedFile:
    """Column, value, duplicate and date-order rules: those one file can settle.

    ``raw`` holds text cells under the file's own header names; the result's
    ``values`` are parsed, in schema columns, positionally indexed.
    ``stage_probabilities`` are the configured ones (None: the METRICS.md
    defaults), against which open opportunities' stages are checked.
    """
    spec = TABLES[table]
    raw = raw.reset_index(drop=True)
    found: dict[str, int] = {}
    for position, label in enumerate(raw.columns):
        name = str(label).strip().lower()
        if name in found:
            report.file_problem(
                name, _("column {column} appears more than once; remove the copy").format(
                    column=name))
        elif name in spec.column_names:
            found[name] = position
        elif str(label).strip() in [str(c).strip() for c in raw.columns[:position]]:
            continue  # an ignored column repeated: one warning is enough
        else:
            shown = str(label).strip()
            if shown:
                reason = _("column {column} is not part of {file} and is ignored")
            else:
                reason = _("column with no name is not part of {file} and is ignored")
            report.file_problem(
                shown or None, reason.format(column=shown, file=spec.file_name), WARNING,
            )
    for name in spec.required_columns:
        if name not in found:
            report.file_problem(
                name, _("required column {column} is missing").format(column=name))
    values: dict[str, pd.Series] = {}
    cells: dict[str, pd.Series] = {}
    for column in spec.columns:
        if column.name not in found:
            values[column.name] = pd.Series(None, index=raw.index, dtype=object)
            continue
        text = clean_cells(raw.iloc[:, found[column.name]])
        parsed = parse_column(column.kind, text)
        values[column.name], cells[column.name] = parsed.values, text
        head = parsed.errors.iloc[:MAX_PER_RULE]
        listed = dict(zip(head.index, head, strict=True))
        report.row_problems(
            column.name, parsed.errors.index.to_numpy(), listed.__getitem__,
            _(_NOT_VALID.get(column.kind, _NOT_VALID_AT_ALL)),
        )
        if column.required:
            missing = np.flatnonzero(text.isna().to_numpy())
            report.row_problems(
                column.name, missing, _("{column} is missing").format(column=column.name),
                _("missing"),
            )
        if column.length is not None:
            _check_length(report, column, parsed.values)
        if column.kind == MONEY:
            negative = np.flatnonzero((parsed.values < 0).to_numpy())
            report.row_problems(
                column.name, negative,
                _quoting(_("{column} is negative ({value})"), text, column=column.name),
                _("negative amount"),
            )
    checked = CheckedFile(pd.DataFrame(values, index=raw.index), cells, report)
    _check_duplicates(table, checked)
    for later, earlier in (("close_on", "created_on"), ("churned_on", "customer_since")):
        if later in cells and earlier in cells:
            _check_date_order(checked, later, earlier)
    if table == "opportunities":
        _check_open_stages(checked, stage_probabilities)
    return checked


def _check_length(report: Report, column: Column, values: pd.Series) -> None:
    """A value longer than its database column (``schema`` says how long) is
    refused here, with the limit, rather than by the database halfway through
    the write (PostgreSQL refuses it, SQLite would keep it)."""
    limit = column.length
    cells = values.to_numpy(dtype=object)
    # one pass over the lengths in C; the rows are looked for only when one is too long
    if max(map(len, filter(None, cells)), default=0) <= limit:
        return
    lengths = np.fromiter((len(v) if v else 0 for v in cells), dtype="int64", count=len(cells))
    too_long = _("{column} is {length} characters long, longer than the {limit} allowed")
    report.row_problems(
        column.name, np.flatnonzero(lengths > limit),
        lambda position: too_long.format(column=column.name,
                                         length=formatting.count(int(lengths[position])),
                                         limit=formatting.count(limit)),
        _("longer than {limit} characters").format(limit=formatting.count(limit)),
    )


def _check_open_stages(checked: CheckedFile,
                       stage_probabilities: Mapping[str, float] | None) -> None:
    """A warning, not an error: an open opportunity whose stage has no
    configured probability still imports, but it silently weighs 0% in the
    weighted pipeline (``frames.build_frames``) unless someone is told.
    Won and lost deals are left alone: their status sets 100% or 0% whatever
    the stage says. Stages are matched exactly, as the weighting matches them."""
    if "stage" not in checked.cells or "status" not in checked.cells:
        return
    known = merged_stage_probabilities(stage_probabilities)
    stage = checked.values["stage"]
    unknown = (checked.values["status"] == "open") & stage.notna() & ~stage.isin(list(known))
    no_probability = _("stage {value} has no configured probability; this open opportunity "
                       "counts at 0% in the weighted pipeline")
    checked.report.row_problems(
        "stage", np.flatnonzero(unknown.to_numpy(bool)),
        _quoting(no_probability, checked.cells["stage"]), _("stage without a probability"),
        WARNING,
    )


def _quoting(template: str, cells: pd.Series, **known: str) -> Callable[[int], str]:
    """A reason quoting the cell: ``template`` (translated) has a ``{value}``
    and the ``known`` placeholders."""
    return lambda position: template.format(value=cells.iat[position], **known)


def _check_duplicates(table: str, checked: CheckedFile) -> None:
    """Duplicate keys within the file; for the alignment, a county aligned
    twice from the same date. A blank optional key column (no effective_from,
    no segment) is a value like any other: two blank rows repeat the key."""
    spec = TABLES[table]
    key = list(spec.key)
    if not all(k in checked.cells for k in spec.key if k in spec.required_columns):
        return
    keys = checked.values[key]
    required = [k for k in key if k in spec.required_columns]
    positions = np.flatnonzero(keys[required].notna().all(axis=1).to_numpy())
    if len(key) == 1:
        codes, _uniques = pd.factorize(keys[key[0]].to_numpy(dtype=object)[positions])
    else:
        codes = keys.iloc[positions].groupby(key, sort=False, dropna=False).ngroup().to_numpy()
    if len(codes) == 0 or np.bincount(codes).max() == 1:
        return
    later = pd.Series(codes).duplicated().to_numpy()
    # factorize and ngroup(sort=False) number keys in order of first appearance
    _codes, first_of_code = np.unique(codes, return_index=True)
    repeats = positions[later]
    firsts = positions[first_of_code[codes[later]]]
    rows = checked.report.rows
    reasons, columns = {}, {}
    aligned_twice = _("county {county} is aligned twice (also on row {row})")
    aligned_twice_from = _("county {county} is aligned twice from {date} (also on row {row})")
    zip_twice = _("ZIP {zip} is aligned twice (also on row {row})")
    zip_twice_from = _("ZIP {zip} is aligned twice from {date} (also on row {row})")
    duplicate = _("duplicate {key} (also on row {row})")
    both = _("{first} and {second}")
    for position, first in zip(repeats[:MAX_PER_RULE], firsts[:MAX_PER_RULE], strict=True):
        given = [k for k in key if not pd.isna(keys[k].iat[position])]
        pairs = [f"{k} {_key_text(keys[k].iat[position])}" for k in given]
        shown = pairs[0]
        if len(pairs) > 1:
            shown = both.format(first=", ".join(pairs[:-1]), second=pairs[-1])
        if table == "alignment" and not pd.isna(keys["zip"].iat[position]):
            since = keys["effective_from"].iat[position]
            reasons[position] = (zip_twice if pd.isna(since) else zip_twice_from).format(
                zip=keys["zip"].iat[position], date=_key_text(since), row=rows[first])
        elif table == "alignment":
            since = keys["effective_from"].iat[position]
            reasons[position] = (aligned_twice if pd.isna(since) else aligned_twice_from).format(
                county=keys[key[0]].iat[position], date=_key_text(since), row=rows[first])
        else:
            reasons[position] = duplicate.format(key=shown, row=rows[first])
        # a composite key is reported on its last given column, the one that
        # repeats within a group
        columns[position] = given[-1]
    listed = repeats[:MAX_PER_RULE]
    for column in dict.fromkeys(columns.values()):
        mine = np.array([columns[p] == column for p in listed], dtype=bool)
        # the rows beyond the listed ones are summed up under the first column
        extra = repeats[MAX_PER_RULE:] if column == columns[listed[0]] else repeats[:0]
        checked.report.row_problems(column, np.concatenate([listed[mine], extra]),
                                    reasons.__getitem__, _("duplicate"))


def _key_text(value: object) -> str:
    """A key value as the file writes it (dates ISO)."""
    return f"{value:%Y-%m-%d}" if isinstance(value, pd.Timestamp) else str(value)


def check_quota_segments(checked: dict[str, CheckedFile], merged: pd.DataFrame) -> None:
    """DATA_FORMAT.md: a territory's quarter has either one quota for all
    segments (blank segment) or one per segment, counting the stored quotas
    this import keeps. The imported rows of a quarter that has both are refused."""
    if "quotas" not in checked:
        return
    file = checked["quotas"]
    blank = merged["segment"].isna()
    quarter = ["territory_id", "period"]
    mixed = (merged.assign(blank=blank, given=~blank).groupby(quarter)[["blank", "given"]]
             .any().all(axis=1))
    mixed = mixed[mixed]
    if mixed.empty:
        return
    values = file.values
    at = pd.MultiIndex.from_frame(values[quarter]).isin(mixed.index)
    both = _("territory {territory} has a quota for all segments and quotas by segment "
             "for {period}; give one or the other")
    file.report.row_problems(
        "segment", np.flatnonzero(at),
        lambda p: both.format(territory=values["territory_id"].iat[p],
                              period=values["period"].iat[p]),
        _("quota for all segments and by segment"),
    )


def _check_date_order(checked: CheckedFile, later: str, earlier: str) -> None:
    later_on, earlier_on = checked.values[later], checked.values[earlier]
    wrong = np.flatnonzero((later_on < earlier_on).to_numpy())

    is_before = _("{later} {later_date} is before {earlier} {earlier_date}")

    def reason(position: int) -> str:
        # the dates are quoted as the file writes them (ISO), like any cell
        return is_before.format(
            later=later, later_date=f"{later_on.iat[position]:%Y-%m-%d}",
            earlier=earlier, earlier_date=f"{earlier_on.iat[position]:%Y-%m-%d}",
        )

    rule = _("{later} before {earlier}").format(later=later, earlier=earlier)
    checked.report.row_problems(later, wrong, reason, rule)


def _known_ids(table: str, checked: dict[str, CheckedFile], existing: Dataset) -> np.ndarray:
    """Ids a reference may point to: this import's rows and the existing ones."""
    key = TABLES[table].key[0]
    ids = [existing.table(table)[key].dropna().to_numpy(dtype=object)]
    if table in checked:
        ids.append(checked[table].values[key].dropna().to_numpy(dtype=object))
    return np.concatenate(ids)


#: (reason, rule name) of a reference to a row that does not exist, by the
#: table referenced; translated with ``_()`` where a report is built.
_UNKNOWN = {
    "territories": (N_("territory {value} does not exist"), N_("unknown territory")),
    "accounts": (N_("account {value} does not exist"), N_("unknown account")),
    "counties": (N_("county {value} does not exist"), N_("unknown county")),
    # the same column when the data runs on a layer of one's own (``units layer:NAME``)
    "units": (N_("{value} is no unit of the data's unit layer"), N_("unknown unit")),
}


def check_references(
    checked: dict[str, CheckedFile], existing: Dataset, known_counties: set[str] | None,
    unreadable: Iterable[str] = (),
) -> None:
    """Every reference must name a row of this import or of ``existing``;
    references into a table whose file could not be read are not judged,
    since the missing row may well be in that file."""
    tables = [t for t in ("territories", "accounts") if t not in set(unreadable)]
    known = {table: _known_ids(table, checked, existing) for table in tables}
    if known_counties is not None:
        known["counties"] = np.array(sorted(known_counties), dtype=object)
    for table, file in checked.items():
        for column in TABLES[table].columns:
            if column.references not in known or column.name not in file.cells:
                continue
            refs = file.values[column.name]
            unknown = refs.notna() & ~refs.isin(known[column.references])
            unknown = np.flatnonzero(unknown.to_numpy())
            named = ("units" if column.references == "counties" and reading_layer_unit_ids()
                     else column.references)
            reason, rule = _UNKNOWN[named]
            file.report.row_problems(column.name, unknown, _quoting(_(reason), refs), _(rule))


def check_rep_owners(checked: dict[str, CheckedFile], existing: Dataset) -> None:
    """A territory has at most one rep, counting the existing reps this import keeps."""
    if "reps" not in checked or "territory_id" not in checked["reps"].cells:
        return
    file = checked["reps"]
    reps = file.values[["rep_id", "territory_id"]]
    claims = reps[reps["territory_id"].notna() & ~reps["rep_id"].duplicated()]
    kept = existing.reps[~existing.reps["rep_id"].isin(reps["rep_id"].dropna())]
    owners = kept.dropna(subset=["territory_id"]).drop_duplicates("territory_id")
    owner_of = dict(zip(owners["territory_id"], owners["rep_id"], strict=True))
    taken = claims[claims["territory_id"].isin(list(owner_of))]
    already_owned = _("territory {territory} is already owned by rep {rep}")
    file.report.row_problems(
        "territory_id", taken.index.to_numpy(),
        lambda p: already_owned.format(territory=reps.at[p, "territory_id"],
                                       rep=owner_of[reps.at[p, "territory_id"]]),
        _("territory already owned"),
    )
    free = claims[~claims["territory_id"].isin(list(owner_of))]
    first = free.drop_duplicates("territory_id")
    first_claim = dict(
        zip(first["territory_id"], zip(first["rep_id"], first.index, strict=True), strict=True)
    )
    second = free[free["territory_id"].duplicated()]
    rows = file.report.rows

    owned_on_row = _("territory {territory} is already owned by rep {rep} (row {row})")

    def reason(position: int) -> str:
        territory = reps.at[position, "territory_id"]
        rep, claimed_at = first_claim[territory]
        return owned_on_row.format(territory=territory, rep=rep, row=rows[claimed_at])

    file.report.row_problems(
        "territory_id", second.index.to_numpy(), reason, _("territory owned twice")
    )
