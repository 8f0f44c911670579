"""Reading and checking the files users import (DATA_FORMAT.md).

Reading and checking are separate steps so that the store can read files from
disk or from a browser upload alike, then check them all together: references
may point into another file of the same import, and nothing is written unless
every file is valid. Checking reports every problem it finds rather than the
first, because a user fixing a spreadsheet wants the whole list at once; but a
rule that fails on more than :data:`MAX_PER_RULE` rows is cut short with one
summary line, so a garbage file of two million rows stays readable.

Rows are numbered as a spreadsheet shows them: the header is row 1 and the
first data row is row 2. Frames read by :func:`read_table_file` carry that
number as their index (named :data:`ROW`) so that the numbers stay right when
blank rows are skipped; frames built by hand are numbered by position.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.i18n import formatting
from dashboard.i18n.translation import _
from dashboard.ingest import areas
from dashboard.ingest.checks import (
    ERROR,
    MAX_PER_RULE,
    WARNING,
    Problem,
    Report,
    check_file,
    check_quota_segments,
    check_references,
    check_rep_owners,
    has_errors,
)
from dashboard.ingest.level_checks import check_levels
from dashboard.ingest.parsing import cell_text
from dashboard.ingest.zip_checks import check_zip_columns
from dashboard.storage.schema import (
    AS_OF_FILE,
    DATE,
    FLAG,
    LOAD_ORDER,
    MONEY,
    NUMBER,
    TABLES,
    Dataset,
    as_flags,
)

__all__ = [
    "ERROR", "MAX_PER_RULE", "ROW", "WARNING", "expand_paths", "has_errors",
    "load_files", "read_files",
    "ReadFiles",  # i18n: not shown (a name)
    "Problem",  # i18n: not shown (a name)
    "read_table_file", "upsert", "validate",
]

#: Index name of frames read from a file: the row numbers the user sees.
ROW = "row"
SUPPORTED_SUFFIXES = (".csv", ".xlsx")
_UTF8_BOM = b"\xef\xbb\xbf"


def row_numbers(frame: pd.DataFrame) -> np.ndarray:
    """Spreadsheet row of each row of a raw frame (see the module docstring)."""
    if frame.index.name == ROW:
        return frame.index.to_numpy(dtype="int64")
    return np.arange(len(frame), dtype="int64") + 2


# -- reading -----------------------------------------------------------------


def table_for_file_name(filename: str) -> str | None:
    """The table a file holds, from its name: ``Accounts.xlsx`` -> accounts."""
    stem = Path(filename).stem.strip().lower()
    return stem if stem in TABLES else None


def read_table_file(
    source: str | Path | bytes, filename: str | None = None
) -> tuple[str | None, pd.DataFrame, list[Problem]]:
    """Read one CSV or XLSX file into a frame of strings, one column per header.

    Returns the table the file name names (None when it names none), the raw
    frame (header text as column names, blank cells as "", index = spreadsheet
    row numbers, ``attrs["file"]`` = the file name) and the problems that kept
    it from being read. Nothing is interpreted yet: :func:`validate` does that.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        if filename is None:
            raise ValueError(
                "reading bytes needs the file name to know the table"  # i18n: not shown
            )
        data: bytes | None = bytes(source)
    else:
        filename = filename or Path(source).name
        data = None
    name = Path(filename).name
    empty = pd.DataFrame(index=pd.RangeIndex(0, name=ROW))
    table = table_for_file_name(name)
    if table is None:
        tables = ", ".join(f"{t}.csv" for t in LOAD_ORDER)
        return None, empty, [Problem(
            name, None, None,
            _("file name {file} does not name a table; call it one of {tables}").format(
                file=name, tables=tables),
        )]
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return table, empty, [Problem(
            name, None, None,
            _("file type {suffix} is not supported; use .csv or .xlsx").format(suffix=suffix)
            if suffix else _("file type (none) is not supported; use .csv or .xlsx"),
        )]
    if data is None:
        data, reason = _file_bytes(source)  # type: ignore[arg-type]
        if data is None:
            return table, empty, [Problem(name, None, None, reason)]
    reader = _read_xlsx if suffix == ".xlsx" else _read_csv
    frame, reason = reader(data)
    if reason is not None:
        return table, empty, [Problem(name, None, None, reason)]
    frame.attrs["file"] = name
    return table, frame, []


def read_cells(data: bytes, name: str) -> tuple[pd.DataFrame, list[Problem]]:
    """A CSV or XLSX file of any name and layout as :func:`read_table_file`
    reads a table's: the mapping step (``mapping``) reads CRM exports."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return pd.DataFrame(), [Problem(name, None, None, _(
            "file type {suffix} is not supported; use .csv or .xlsx").format(suffix=suffix))]
    frame, reason = (_read_xlsx if suffix == ".xlsx" else _read_csv)(data)
    if reason is not None:
        return pd.DataFrame(), [Problem(name, None, None, reason)]
    frame.attrs["file"] = name
    return frame, []


def _file_bytes(path: str | Path) -> tuple[bytes | None, str | None]:
    """A file's bytes, or why they cannot be read: every file of an import,
    ``as_of.txt`` included, is reported in the same words, never raised."""
    try:
        return Path(path).read_bytes(), None
    except OSError as exc:
        return None, _("cannot read the file: {error}").format(error=exc.strerror)


def _read_csv(data: bytes) -> tuple[pd.DataFrame, str | None]:
    data = data.removeprefix(_UTF8_BOM)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return pd.DataFrame(), _(
            "file is not UTF-8 text (byte 0x{byte} at position {position}, line {line}); "
            "save it as UTF-8"
        ).format(byte=f"{data[exc.start]:02x}", position=exc.start, line=line)
    if not data.strip():
        return pd.DataFrame(), _("file is empty")
    header_line = data.split(b"\n", 1)[0]
    delimiter = ";" if header_line.count(b";") > header_line.count(b",") else ","
    try:
        cells = pd.read_csv(
            io.BytesIO(data), sep=delimiter, header=None, dtype=str, encoding="utf-8",
            keep_default_na=False, na_filter=False, skip_blank_lines=False, quotechar='"',
        )
    except pd.errors.ParserError as exc:
        return pd.DataFrame(), _ragged_lines(data, delimiter) or _csv_error(str(exc))
    except pd.errors.EmptyDataError:
        return pd.DataFrame(), _("the first line is empty; it must hold the column names")
    return _with_header(cells.fillna("")), None


#: Ragged lines named one by one before the list is cut short.
MAX_LINES_LISTED = 20


def _ragged_lines(data: bytes, delimiter: str) -> str | None:
    """Every line with more values than the header, in one problem: pandas
    stops at the first, and a user fixing the file wants them all."""
    rows = csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=delimiter)
    try:
        header = next(rows, [])
        ragged = [(rows.line_num, len(row)) for row in rows if len(row) > len(header)]
    except csv.Error:  # e.g. a cell over the csv module's size limit: pandas' word stands
        return None
    if len(ragged) < 2:
        return None
    listed = ", ".join(str(line) for line, _seen in ragged[:MAX_LINES_LISTED])
    if len(ragged) > MAX_LINES_LISTED:
        listed += ", …"
    return _("{count} lines have more values than the header's {expected} columns: "
             "lines {lines}").format(count=formatting.count(len(ragged)),
                                     expected=len(header), lines=listed)


def _csv_error(message: str) -> str:
    pandas_says = r"Expected (\d+) fields in line (\d+), saw (\d+)"  # i18n: not shown
    match = re.search(pandas_says, message)
    if match:
        expected, line, seen = match.groups()
        return _("line {line} has {seen} values but the header has {expected} columns").format(
            line=line, seen=seen, expected=expected)
    return _("cannot read the file as CSV: {error}").format(error=message.strip())


def _read_xlsx(data: bytes) -> tuple[pd.DataFrame, str | None]:
    import openpyxl  # only needed for spreadsheets; keeps CSV imports light

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        return pd.DataFrame(), _("cannot read the file as an Excel workbook ({error})").format(
            error=exc)
    try:
        sheet = workbook.worksheets[0]
        records = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    if not records:
        return pd.DataFrame(), _("file is empty")
    width = max(len(r) for r in records)
    cells = pd.DataFrame([r + [""] * (width - len(r)) for r in records], dtype=object)
    return _with_header(cells), None


def _with_header(cells: pd.DataFrame) -> pd.DataFrame:
    """First row as header, the rest numbered as rows 2, 3, …; blank rows and
    nameless empty columns (a trailing delimiter) dropped."""
    header = [str(h) for h in cells.iloc[0].tolist()]
    body = cells.iloc[1:]
    body.columns = header
    body.index = pd.RangeIndex(2, len(cells) + 1, name=ROW)
    blank = body == ""
    keep = [i for i, name in enumerate(header) if name.strip() or not blank.iloc[:, i].all()]
    if len(keep) < len(header):
        body, blank = body.iloc[:, keep], blank.iloc[:, keep]
    return body[~blank.all(axis=1).to_numpy()]


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The files an import of ``paths`` reads: a directory stands for the table
    files inside it and its ``as_of.txt``, if any."""
    for path in map(Path, paths):
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.is_file() and (
                    child.name.lower() == AS_OF_FILE
                    or (table_for_file_name(child.name)
                        and child.suffix.lower() in SUPPORTED_SUFFIXES)
                ):
                    yield child
        else:
            yield path


@dataclass
class ReadFiles:
    """What reading an import's files gave, before any checking.

    ``unreadable`` names the tables whose file could not be read at all: the
    other files are still checked (a user fixing an import wants every
    problem at once), but references into those tables cannot be judged.
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    as_of: date | None = None


def read_files(sources: Iterable[tuple[str, bytes | Path]]) -> ReadFiles:
    """Read (file name, bytes or path) pairs: one file per table, plus an
    optional ``as_of.txt`` holding the dataset's as-of date."""
    read = ReadFiles()
    names: dict[str, str] = {}
    for name, source in sources:
        if Path(name).name.lower() == AS_OF_FILE:
            _read_as_of(name, source, read)
            continue
        table, frame, found = read_table_file(source, name)
        read.problems.extend(found)
        if table is None:
            continue
        if table in names:
            read.problems.append(Problem(
                Path(name).name, None, None,
                _("{first} and {second} both hold {table}; import only one").format(
                    first=names[table], second=Path(name).name, table=table),
            ))
            continue
        names[table] = Path(name).name
        if has_errors(found):
            read.unreadable.add(table)
            continue
        if table == "alignment":  # state:WA and region:West rows, as the mapping step reads them
            frame, found = areas.expand_file(frame)
            read.problems.extend(found)
        read.tables[table] = frame
    return read


def _read_as_of(name: str, source: bytes | Path, read: ReadFiles) -> None:
    data, reason = (source, None) if isinstance(source, bytes) else _file_bytes(source)
    if data is None:
        read.problems.append(Problem(Path(name).name, None, None, reason))
        return
    text = data.removeprefix(_UTF8_BOM).decode("utf-8", "replace").strip()
    try:
        read.as_of = date.fromisoformat(text)
    except ValueError:
        read.problems.append(Problem(
            Path(name).name, None, None,
            _("expected one date as YYYY-MM-DD (the dataset's as-of date), found {text}").format(
                text=repr(text[:40])),
        ))


def load_files(
    paths: str | Path | Iterable[str | Path],
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Read files (a directory stands for the table files inside it) for :func:`validate`."""
    if isinstance(paths, str | Path):
        paths = [paths]
    read = read_files((path.name, path) for path in expand_paths(paths))
    return read.tables, read.problems


# -- checking ----------------------------------------------------------------


def validate(
    files: dict[str, pd.DataFrame],
    existing: Dataset | None = None,
    known_counties: set[str] | None = None,
    unreadable: Iterable[str] = (),
    stage_probabilities: Mapping[str, float] | None = None,
) -> tuple[Dataset, list[Problem]]:
    """Check imported tables against every DATA_FORMAT.md rule and merge them.

    Each file's rows replace the existing rows with the same key and add the
    others (an upsert), so importing the same files twice changes nothing.
    References may point to rows of this import or of ``existing``.
    ``known_counties`` is the set of county FIPS codes the map knows; None
    skips that check. ``unreadable`` names tables whose file could not be
    read: references into them are not judged. ``stage_probabilities`` are
    the configured ones, which open deals' stages are checked against. The
    merged Dataset is returned even when there are errors, for the caller to
    discard.
    """
    existing = existing if existing is not None else Dataset()
    problems: list[Problem] = []
    for name in files:
        if name not in TABLES:
            problems.append(Problem(
                name, None, None, _("there is no table called {name}").format(name=name)))
    reports = {
        name: Report(
            files[name].attrs.get("file", TABLES[name].file_name),
            row_numbers(files[name]),
            {c: i for i, c in enumerate(TABLES[name].column_names)},
        )
        for name in LOAD_ORDER
        if name in files
    }
    checked = {name: check_file(name, files[name], report, stage_probabilities)
               for name, report in reports.items()}
    check_references(checked, existing, known_counties, unreadable)
    check_zip_columns(checked)
    check_rep_owners(checked, existing)
    imported = {name: table.values for name, table in checked.items()}
    merged = Dataset(**{
        name: upsert(name, existing.table(name), imported.get(name)) for name in LOAD_ORDER
    })
    check_quota_segments(checked, merged.quotas)
    problems.extend(check_levels(merged, files, {name: row_numbers(files[name])
                                                 for name in files if name in TABLES}))
    for report in reports.values():
        problems.extend(report.problems())
    return merged, problems


def upsert(table: str, existing: pd.DataFrame, imported: pd.DataFrame | None) -> pd.DataFrame:
    """Existing rows with imported rows replacing those with the same key.

    A replaced row keeps its place and new rows follow in file order, so a
    re-import leaves the row order alone too. Repeated keys are an error
    anyway, but the merge still picks one row: of imported rows repeating a
    key the first wins; of stored rows repeating a key the last wins, in its
    own place, when there are imported rows to merge (with none, the stored
    rows come back as they are).
    """
    existing = canonical(existing, table)
    if imported is None:
        return existing
    key = list(TABLES[table].key)
    # a blank optional key column (no effective_from, no segment) is part of the key
    imported = canonical(imported, table).dropna(subset=[
        k for k in key if k in TABLES[table].required_columns])
    if imported[key].duplicated().any():
        imported = imported.drop_duplicates(key, keep="first")
    if existing.empty or imported.empty:
        merged = imported if existing.empty else existing
        return merged.reset_index(drop=True)
    existing_keys = _key_index(existing, key)
    if not existing_keys.is_unique:
        existing = existing[~existing_keys.duplicated(keep="last")]
        existing_keys = _key_index(existing, key)
    at = existing_keys.get_indexer(_key_index(imported, key))
    replaced = np.zeros(len(existing), dtype=bool)
    replaced[at[at >= 0]] = True
    places = np.concatenate([
        np.flatnonzero(~replaced),
        np.where(at >= 0, at, len(existing) + np.arange(len(imported))),
    ])
    merged = pd.concat([existing[~replaced], imported], ignore_index=True)
    return merged.take(np.argsort(places, kind="stable")).reset_index(drop=True)


def _key_index(frame: pd.DataFrame, key: list[str]) -> pd.Index:
    if len(key) == 1:
        return pd.Index(frame[key[0]].to_numpy(dtype=object))
    # blank as a value of its own, so two blank keys match (NaN never equals NaN)
    return pd.MultiIndex.from_frame(frame[key].astype(object).where(frame[key].notna(), _BLANK))


#: What a blank key column reads as when keys are matched (not a valid value
#: of any column).
_BLANK = "\0blank"


def canonical(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """A table's columns in schema order with the dtypes schema.Dataset promises."""
    columns = {}
    for column in TABLES[table].columns:
        if column.name in frame:
            values = frame[column.name]
        else:
            values = pd.Series(None, index=frame.index, dtype=object)
        if column.kind == DATE:
            values = pd.to_datetime(values).astype("datetime64[s]")
        elif column.kind in (MONEY, NUMBER):
            values = values.astype("float64")
        elif column.kind == FLAG:
            values = as_flags(values)
        else:
            values = values.astype(object)
            values = values.where(values.notna(), None)
        columns[column.name] = values
    return pd.DataFrame(columns, index=frame.index)

