"""Find text a user would see that is not wrapped for translation.

Walks the syntax tree of the product's modules and reports every string
literal that reads like words (a capitalised word, or two words) and is not
inside ``_()``, ``N_()`` or ``ngettext()``, not a docstring, not a log line
and not in a place the user never sees (an id, a class name, a column key...).
A line ending in ``# i18n: not shown`` is skipped: say why on that line.

Run ``python -m tests.i18n_scan layouts/overview.py ...`` to list a file's.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WRAPPERS = {"_", "N_", "ngettext", "gettext"}
#: keyword arguments and dict keys whose values never reach the screen as words
NOT_SHOWN = {
    "id", "className", "class_name", "style", "color", "placement", "type", "method", "action",
    "name", "href", "field", "colId", "key", "value", "target", "format", "filename",
    "fileName", "display_format", "mode", "barmode", "template", "font_family", "family",
    "function", "filter", "cellClass", "cellRenderer", "rowModelType", "dashGridOptions",
    "sort", "pinned", "htmlFor", "autocomplete", "role", "lang", "url", "attribution",
    "trigger", "xanchor", "yanchor", "xref", "yref", "orientation", "hoverinfo", "textposition",
    "fill", "line_shape", "dash", "symbol", "fillcolor", "hovermode", "legend_orientation",
    "loading_state", "columnSize", "rowSelection", "getRowId", "position", "tickformat",
    "hoverformat", "valueFormatter", "comparator", "cellStyle", "size", "width", "height",
    "background", "font-family", "fontFamily", "stroke", "dashArray", "weight", "opacity",
    "fillColor", "fillOpacity", "data-testid", "storage_type", "accept", "axis", "side",
    "align", "valign", "textinfo", "sep", "encoding", "float_format", "how", "on", "errors",
    "dtype", "suffix", "prefix", "index", "columns", "usecols", "sheet_name", "engine",
    "path", "options_id", "yaxis", "xaxis", "legendgroup", "uid", "customdata", "meta",
    "separators", "locale", "headerClass", "icon", "responsive", "SESSION_COOKIE_SAMESITE",
}
LOG_NAMES = {"log", "logger", "logging", "warnings"}
PROSE = re.compile(r"[A-Za-z]{2,}")
SKIP_MARK = "# i18n: not shown"


def reads_like_words(text: str) -> bool:
    """Prose, not an identifier or a format: a capitalised word or two words."""
    if not PROSE.search(text):
        return False
    stripped = text.strip()
    if re.fullmatch(r"[a-z0-9_.\-/:%{}()\[\]#=<>!&|*+ ,;'\"]*", stripped) and " " not in stripped:
        return False  # an identifier, a key, a path, a CSS value
    if re.fullmatch(r"[A-Z0-9_]+", stripped):
        return False  # a constant name or code ("USD", "T12")
    if re.match(r"^[A-Z][a-z]", stripped) or re.search(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}", stripped):
        return True
    return False


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _call_owner(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return func.value.id
    return ""


class _Scanner(ast.NodeVisitor):
    def __init__(self, source_lines: list[str]):
        self.lines = source_lines
        self.found: list[tuple[int, str]] = []
        self._skip_depth = 0

    def _skipping(self, node, visit):
        self._skip_depth += 1
        try:
            visit(node)
        finally:
            self._skip_depth -= 1

    def visit_Call(self, node: ast.Call):
        name, owner = _call_name(node), _call_owner(node)
        if name in WRAPPERS or owner in LOG_NAMES or name in {"getLogger", "startswith",
                                                              "endswith", "split", "join",
                                                              "replace", "strftime", "get",
                                                              "pop", "setdefault", "query",
                                                              "rename", "astype"}:
            return self._skipping(node, self.generic_visit)
        self.visit(node.func)
        for arg in node.args:
            self.visit(arg)
        for keyword in node.keywords:
            if keyword.arg in NOT_SHOWN:
                continue
            self.visit(keyword.value)

    def visit_Dict(self, node: ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and key.value in NOT_SHOWN:
                continue
            if key is not None and not isinstance(key, ast.Constant):
                self.visit(key)
            self.visit(value)

    def visit_Assign(self, node: ast.Assign):
        if any(isinstance(t, ast.Attribute) and t.attr == "__doc__" for t in node.targets):
            return None  # a generated docstring
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript):
        self.visit(node.value)  # frame["Column"]: a key, not text

    def visit_Compare(self, node: ast.Compare):
        return None  # role == "leader": a comparison, not text shown

    def visit_Expr(self, node: ast.Expr):
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return None  # a docstring or a bare string
        self.generic_visit(node)

    def visit_Raise(self, node: ast.Raise):
        self.generic_visit(node)

    def visit_Assert(self, node: ast.Assert):
        return None

    def visit_JoinedStr(self, node: ast.JoinedStr):
        literal = "".join(v.value for v in node.values
                          if isinstance(v, ast.Constant) and isinstance(v.value, str))
        if self._skip_depth == 0 and reads_like_words(literal):
            self._report(node, literal + " (f-string: use _(\"...{x}\").format(x=...))")
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                self.visit(value.value)

    def visit_Constant(self, node: ast.Constant):
        if self._skip_depth == 0 and isinstance(node.value, str) and reads_like_words(node.value):
            self._report(node, node.value)

    def _report(self, node, text: str):
        line = self.lines[node.lineno - 1] if node.lineno <= len(self.lines) else ""
        end_line = self.lines[getattr(node, "end_lineno", node.lineno) - 1]
        if SKIP_MARK in line or SKIP_MARK in end_line:
            return
        self.found.append((node.lineno, text))


def untranslated(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string in ``path`` that a user would read untranslated."""
    source = path.read_text(encoding="utf-8")
    scanner = _Scanner(source.splitlines())
    scanner.visit(ast.parse(source))
    return scanner.found


def main(paths: list[str]) -> int:
    total = 0
    for name in paths:
        path = Path(name)
        for line, text in untranslated(path):
            print(f"{path}:{line}: {text!r}")
            total += 1
    print(f"{total} untranslated string(s)")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
