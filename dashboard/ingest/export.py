"""Writing the Dataset out as the DATA_FORMAT.md files.

The export is the import's mirror: same file names, same columns in schema
order, dates as ``YYYY-MM-DD``, money as plain decimals, missing as an empty
cell. Importing an export into an empty store gives back an identical
Dataset, so an export is a backup and a template at once.

Numbers are written as the shortest decimal that reads back as the same
float (Python's ``repr``), whole numbers without ``.0`` and never in
exponent notation, so that a spreadsheet shows them as plain amounts.

Text that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return: the same rule as the grids' CSV
export, ``assets/grid_export.js``) gets a leading ``'``: opening an export must not execute
anything a user typed into an account name. The importer removes that quote
again (see :func:`dashboard.ingest.parsing.clean_cell`); text that already starts
with quotes and then one of those characters gets one more, so the round
trip holds for it too.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

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

_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
_UTF8_BOM = "\ufeff"


def export_dataset(
    dataset: Dataset, directory: str | Path, as_of: date | None = None
) -> list[Path]:
    """Write the six table files into ``directory`` (created if need be), and
    the dataset's own as-of date when it has one: without it, the same files
    imported elsewhere would report today's figures, not the source's."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    if as_of is not None:
        path = directory / AS_OF_FILE
        path.write_text(as_of.isoformat() + "\n", encoding="utf-8")
        written.append(path)
    for table in LOAD_ORDER:
        path = directory / TABLES[table].file_name
        path.write_bytes(dataset_to_csv_bytes(dataset.table(table), table))
        written.append(path)
    return written


def dataset_to_csv_bytes(frame: pd.DataFrame, table: str, excel_bom: bool = False) -> bytes:
    """One table as DATA_FORMAT.md CSV bytes (UTF-8, ``,``-delimited).

    ``excel_bom`` prefixes a byte-order mark, which Excel needs to read
    accented names correctly when a user double-clicks a download; the
    importer accepts files with and without it.
    """
    columns = {}
    for column in TABLES[table].columns:
        values = frame[column.name] if column.name in frame else pd.Series(None, index=frame.index)
        if column.kind == DATE:
            columns[column.name] = format_dates(values)
        elif column.kind in (MONEY, NUMBER):
            columns[column.name] = format_numbers(values)
        elif column.kind == FLAG:  # "true", blank for no (what the import reads as no)
            columns[column.name] = np.where(as_flags(values).to_numpy(), "true", "")
        else:
            columns[column.name] = format_text(values)
    text = pd.DataFrame(columns, index=frame.index).to_csv(index=False, lineterminator="\n")
    return ((_UTF8_BOM if excel_bom else "") + text).encode("utf-8")


def format_dates(values: pd.Series) -> np.ndarray:
    """``YYYY-MM-DD``, empty where missing."""
    days = pd.to_datetime(values).to_numpy(dtype="datetime64[D]")
    text = np.datetime_as_string(days, unit="D").astype(object)
    text[np.isnat(days)] = ""
    return text


def format_numbers(values: pd.Series) -> np.ndarray:
    """Shortest round-trip decimals; whole numbers without ``.0``; empty where missing."""
    numbers = values.to_numpy(dtype="float64", na_value=np.nan)
    text = np.full(len(numbers), "", dtype=object)
    finite = np.isfinite(numbers)
    whole = finite & (numbers == np.round(numbers)) & (np.abs(numbers) < 2.0**53)
    text[whole] = numbers[whole].astype(np.int64).astype(str).astype(object)
    for position in np.flatnonzero(finite & ~whole):
        shown = repr(float(numbers[position]))
        if "e" in shown:
            shown = np.format_float_positional(numbers[position], unique=True, trim="-")
        text[position] = shown
    return text


def format_text(values: pd.Series) -> list[str]:
    """Text with formula starts neutralised; empty where missing."""
    return [_safe_text(v) for v in values.to_numpy(dtype=object)]


def _safe_text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r", "'") and _FORMULA_START.match(text):
        return "'" + text
    return text
