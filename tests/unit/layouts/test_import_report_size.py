"""An import's summary holds its problems as one text block, one a line: as a
list item each, a 150,000-line export's 493 warnings made ~500 components,
which the browser took 7.4 s to lay out after the job's answer came (the
"22 s between the job's end and the summary" of issue 16)."""

from __future__ import annotations

from layouts.imports import import_report


def _components(tree) -> int:
    children = getattr(tree, "children", None)
    inner = children if isinstance(children, list) else [children]
    return 1 + sum(_components(c) for c in inner if hasattr(c, "to_plotly_json"))


def test_hundreds_of_warnings_are_one_block_of_lines():
    warnings = [f"warning: orders.csv row {row}, column Postal Code: ZIP code reaches into "
                "more than one county" for row in range(2, 502)]
    report = import_report(True, [], warnings, {"accounts": 3})
    # the success, the "Warnings:" heading, the block of lines, and their Div
    assert _components(report) <= 6
    text = str(report)
    assert "orders.csv row 2," in text and "orders.csv row 501," in text


def test_errors_are_one_block_of_lines_too():
    errors = [f"orders.csv row {row}, column Amount: not a number" for row in range(2, 302)]
    report = import_report(False, errors, [], {})
    assert _components(report) <= 4
    assert "Nothing was imported: 300 problems must be fixed first." in str(report)
