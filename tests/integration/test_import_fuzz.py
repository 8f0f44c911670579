"""Property tests: whatever bytes a user uploads -- wrong types, huge fields,
missing or doubled columns, odd encodings, formula strings, broken
spreadsheets -- an import returns a list of problems a person can read, no
exception escapes, and a refused import writes nothing at all."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.ingest.service import import_files
from dashboard.storage import db, store
from dashboard.storage.schema import LOAD_ORDER, TABLES
from tests.integration.test_store import small_dataset

FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture
def engine(tmp_path):
    eng = db.make_engine(f"sqlite:///{tmp_path}/fuzz.sqlite")
    db.upgrade(eng)
    store.replace_dataset(eng, small_dataset(), as_of=date(2026, 8, 14))
    yield eng
    eng.dispose()


FORMULAS = ["=1+1", "=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "'=quoted", "=" + "A" * 300]
PLAUSIBLE = ["T1", "T2", "R1", "A1", "A2", "O1", "06037", "48201", "2026Q3", "2026-02-03",
             "won", "open", "lost", "Closed Won", "SMB", "1234.5", "$1,234.50", "-5", "0", ""]
cell = st.one_of(
    st.sampled_from(PLAUSIBLE),
    st.sampled_from(FORMULAS),
    st.text(max_size=40),
    st.text(alphabet="0123456789-.,$€ eE+", max_size=25),
    st.integers(-10**30, 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(1_000, 300_000).map(lambda n: "9" * n),  # a huge field
    st.sampled_from(["\x00", "\u202e", "\ufeff", "a\nb", '"', "\r", ";", ",", "\t"]),
)


@st.composite
def header(draw, table: str) -> list[str]:
    names = list(TABLES[table].column_names)
    kept = draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
    extra = draw(st.lists(st.one_of(st.text(max_size=12), st.sampled_from(names)), max_size=3))
    columns = kept + extra
    return [draw(st.sampled_from([c, c.upper(), f" {c} ", c.title()])) for c in columns]


@st.composite
def csv_bytes(draw, table: str) -> bytes:
    columns = draw(header(table))
    width = len(columns)
    rows = draw(st.lists(st.lists(cell, min_size=max(0, width - 1), max_size=width + 1),
                         max_size=6))
    delimiter = draw(st.sampled_from([",", ";"]))
    if draw(st.booleans()):
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter).writerows([columns, *rows])
        text = out.getvalue()
    else:  # joined by hand: quotes and delimiters inside cells break the structure
        text = "\n".join(delimiter.join(r) for r in [columns, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 9)) == 0:  # a few random bytes somewhere
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    return data


def append(sheet, row: list) -> None:
    from openpyxl.utils.exceptions import IllegalCharacterError

    try:
        sheet.append(row)
    except IllegalCharacterError:  # a spreadsheet cannot hold control characters at all
        sheet.append(["x" if isinstance(v, str) else v for v in row])


@st.composite
def xlsx_bytes(draw, table: str) -> bytes:
    if draw(st.booleans()):
        return draw(st.binary(max_size=200))  # not a workbook at all
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    append(sheet, draw(header(table)))
    value = st.one_of(cell.filter(lambda v: len(v) < 30_000 and "\x00" not in v),
                      st.integers(-10**9, 10**9), st.floats(-1e9, 1e9), st.none(),
                      st.dates().map(lambda d: d), st.booleans())
    for row in draw(st.lists(st.lists(value, max_size=8), max_size=4)):
        append(sheet, row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@st.composite
def upload(draw) -> list[tuple[str, bytes]]:
    files = []
    for table in draw(st.lists(st.sampled_from(LOAD_ORDER), min_size=1, max_size=3)):
        kind = draw(st.sampled_from(["csv", "csv", "csv", "xlsx", "odd name"]))
        if kind == "xlsx":
            files.append((f"{table}.xlsx", draw(xlsx_bytes(table))))
        elif kind == "odd name":
            name = draw(st.sampled_from([f"{table}.txt", f"{table}", "notes.csv", "../x.csv",
                                         f"{table.upper()}.CSV"]))
            files.append((name, draw(csv_bytes(table))))
        else:
            files.append((f"{table}.csv", draw(csv_bytes(table))))
    return files


def snapshot(engine) -> tuple:
    dataset = store.read_dataset(engine)
    return store.data_stamp(engine), {t: len(dataset.table(t)) for t in LOAD_ORDER}


def check_result(engine, files, before):
    result = import_files(engine, files, actor="fuzz")  # must not raise, whatever the bytes
    for problem in result.problems:
        line = str(problem)
        assert line.strip() and "Traceback" not in line
        assert len(line) < 2_000, f"problem text of {len(line)} characters"
    if result.unchanged:  # e.g. a header with no rows: valid, and nothing new
        assert result.ok and snapshot(engine) == before
    elif result.ok:
        assert snapshot(engine)[0] != before[0]
    else:
        assert result.errors, "refused without saying why"
        assert snapshot(engine) == before, "a refused import wrote something"
    return result


@FUZZ
@given(files=upload())
def test_malformed_uploads_are_refused_with_reasons_and_write_nothing(engine, files):
    check_result(engine, files, snapshot(engine))


@FUZZ
@given(table=st.sampled_from(LOAD_ORDER), data=st.data())
def test_a_file_missing_a_required_column_is_refused(engine, table, data):
    required = [c.name for c in TABLES[table].columns if c.required]
    dropped = data.draw(st.sampled_from(required))
    columns = [c for c in TABLES[table].column_names if c != dropped]
    rows = data.draw(st.lists(st.lists(cell, min_size=len(columns), max_size=len(columns)),
                              min_size=1, max_size=4))
    out = io.StringIO()
    csv.writer(out).writerows([columns, *rows])
    before = snapshot(engine)
    result = check_result(engine, [(f"{table}.csv", out.getvalue().encode())], before)
    assert not result.ok
    assert any(p.column == dropped or dropped in p.reason for p in result.errors)
