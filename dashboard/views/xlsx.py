"""A table the browser already shows, written as an XLSX workbook.

Every grid's "Export XLSX" sends back the rows and column definitions its
AG Grid holds; this module turns them into a one-sheet workbook. It never
reads the store: what a viewer downloads is exactly what they were shown.

The rules a spreadsheet user relies on:

* the header row holds the column titles the grid shows, in the grid's order
  (so in the viewer's language: the grid's ``headerName`` is already translated);
* numbers stay numbers (so they sum and sort in Excel), with a number format
  matching the grid's display where the column has one (money, percent,
  multiple); ISO dates (``2026-08-14``) become real dates;
* text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``
  first) gets a leading quote, the same rule as the CSV exports
  (``dashboard.ingest.export``); control characters XML cannot hold are dropped.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dashboard.i18n import formatting, translation
from dashboard.i18n.translation import _
from dashboard.ingest.export import _safe_text

#: Excel's own limits: rows beyond them would make a file Excel refuses
MAX_ROWS = 1_048_575
MAX_COLUMNS = 16_384

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
#: a ``layouts.grid_format`` formatter: tdFormat.<kind>(params.value, <arguments>)
_TD_FORMAT = re.compile(r"tdFormat\.(\w+)\(params\.value,\s*(.*)\)\s*$", re.S)

MONEY_FORMAT = '"$"#,##0'
PERCENT_FORMAT = "0%"
SIGNED_PERCENT_FORMAT = "+0%;-0%;0%"
MULTIPLE_FORMAT = '0.0"×"'
DATE_FORMAT = "yyyy-mm-dd"


def columns_of(column_defs: object) -> list[tuple[str, str, str | None]]:
    """(field, header, number format) of every data column, column groups
    flattened, in display order; anything that is not a column is skipped."""
    found: list[tuple[str, str, str | None]] = []
    for column in column_defs if isinstance(column_defs, list) else []:
        if not isinstance(column, dict):
            continue
        if isinstance(column.get("children"), list):
            found += columns_of(column["children"])
            continue
        field = column.get("field")
        if not isinstance(field, str) or not field or column.get("hide") is True:
            continue
        header = column.get("headerName")
        found.append((field, header if isinstance(header, str) else field,
                      number_format(column.get("valueFormatter"))))
    return found[:MAX_COLUMNS]


def number_format(formatter: object) -> str | None:
    """The Excel number format closest to a grid column's valueFormatter
    (a JavaScript expression): money, percent, signed percent, multiple."""
    if isinstance(formatter, dict):
        formatter = formatter.get("function")
    if not isinstance(formatter, str):
        return None
    match = _TD_FORMAT.match(formatter.strip())
    if match:
        return _td_number_format(match.group(1), match.group(2))
    if "$" in formatter:
        return MONEY_FORMAT
    if "%" in formatter:
        return SIGNED_PERCENT_FORMAT if "'+'" in formatter else PERCENT_FORMAT
    if "×" in formatter:
        return MULTIPLE_FORMAT
    return None


def money_format(currency: str | None = None, lang: str | None = None) -> str:
    """Whole currency units with the currency where its language puts it:
    '"$"#,##0' (English, USD), '#,##0" €"' (French, EUR)."""
    with translation.use(lang or translation.language(), currency or translation.currency()):
        before, after = formatting.currency_affixes()
    quoted = [f'"{text}"' if text else "" for text in (before, after)]
    return f"{quoted[0]}#,##0{quoted[1]}"


def _td_number_format(kind: str, arguments: str) -> str | None:
    """The Excel format of a ``layouts.grid_format`` formatter, from its
    arguments (locale, then currency or digits, sign, suffix)."""
    try:
        args = json.loads(f"[{arguments}]")
    except ValueError:
        return None
    lang = args[0] if args and isinstance(args[0], str) else None
    if kind in ("money", "moneyCompact"):
        currency = args[1] if len(args) > 1 and isinstance(args[1], str) else None
        return money_format(currency, lang)
    digits = args[1] if len(args) > 1 and isinstance(args[1], int) else 0
    signed = len(args) > 2 and args[2] is True
    decimals = "0" + ("." + "0" * digits if digits else "")
    if kind == "percent":
        return f"+{decimals}%;-{decimals}%;{decimals}%" if signed else f"{decimals}%"
    if kind == "number":
        suffix = args[3] if len(args) > 3 and isinstance(args[3], str) else ""
        quoted = f'"{suffix}"' if suffix else ""
        pattern = f"#,##{decimals}{quoted}"
        return f"+{pattern};-{pattern};{pattern}" if signed else pattern
    return None


def cell_value(value: object) -> object:
    """What one grid value becomes in the sheet: a number, a date, safe text
    or None (an empty cell)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**53 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        if _ISO_DATE.fullmatch(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        return _safe_text(ILLEGAL_CHARACTERS_RE.sub("", value))
    # lists or objects a tampered request might hold: their text, neutralised
    return _safe_text(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def sheet_title(name: str) -> str:
    """A title Excel accepts (31 characters, none of ``[]:*?/\\``)."""
    title = _SHEET_FORBIDDEN.sub(" ", name).strip().strip("'")[:31]
    return title or _("Export")


def workbook_bytes(rows: object, column_defs: object, title: str | None = None) -> bytes:
    """The rows under their grid columns as an XLSX file (bytes).

    ``rows`` is the grid's row data (a list of dicts, keyed by field);
    anything else, or rows that are not dicts, count as no rows."""
    columns = columns_of(column_defs)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title(title or ""))
    sheet.freeze_panes = "A2"
    widths = [max(8, len(header) + 2) for _field, header, _fmt in columns]
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(width, 60)
    bold = Font(bold=True)
    header_cells = []
    for _field, header, _fmt in columns:
        cell = WriteOnlyCell(sheet, value=_safe_text(ILLEGAL_CHARACTERS_RE.sub("", header)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in _dict_rows(rows):
        sheet.append([_cell(sheet, row.get(field), fmt) for field, _header, fmt in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _dict_rows(rows: object) -> Iterable[dict]:
    if not isinstance(rows, list):
        return []
    return [row for row in rows if isinstance(row, dict)][:MAX_ROWS]


def _cell(sheet, value: object, fmt: str | None):
    value = cell_value(value)
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if fmt and isinstance(value, int | float) and not isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = fmt
        return cell
    return value

