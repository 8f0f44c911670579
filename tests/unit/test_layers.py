"""The layers hold: the core never imports the web layer, ``layouts`` never read data, and
each core package imports only what its ``__init__`` docstring's "May import" line says.

The rules are import-linter contracts in ``pyproject.toml``; this runs them, and checks that
the per-package contracts and the docstrings say the same thing, so neither drifts alone.
"""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "dashboard"
PACKAGES = sorted(p.name for p in CORE.iterdir() if (p / "__init__.py").exists())
RUN_LINT_IMPORTS = ("import sys; from importlinter.cli import lint_imports; "
                    "sys.exit(lint_imports(no_cache=True, no_logo=True))")


def test_the_import_contracts_are_kept():
    # a fresh interpreter in the repository: the graph is the tree's, not this process's
    result = subprocess.run([sys.executable, "-c", RUN_LINT_IMPORTS], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def _may_import(package: str) -> set[str]:
    """The core packages named by the "May import" line of ``package``'s docstring."""
    doc = (CORE / package / "__init__.py").read_text()
    line = re.search(r"May import:(.*?)\.\s", doc, re.S)
    assert line, f"dashboard/{package}/__init__.py has no 'May import:' line"
    if "every other core package" in line[1]:
        return set(PACKAGES) - {package}
    named = {name.removeprefix("dashboard.") for name in re.findall(r"``([\w.]+)``", line[1])}
    return named & set(PACKAGES)


def _contracted_imports() -> dict[str, set[str]]:
    """Per core package with a contract: the core packages it is not forbidden to import."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    allowed = {}
    for contract in config["tool"]["importlinter"]["contracts"]:
        sources = contract["source_modules"]
        if len(sources) == 1 and sources[0].removeprefix("dashboard.") in PACKAGES:
            package = sources[0].removeprefix("dashboard.")
            forbidden = {m.removeprefix("dashboard.") for m in contract["forbidden_modules"]}
            allowed[package] = set(PACKAGES) - forbidden - {package}
    return allowed


@pytest.mark.parametrize("package", PACKAGES)
def test_each_core_package_contract_says_what_its_docstring_says(package):
    may_import = _may_import(package)
    contracted = _contracted_imports().get(package, set(PACKAGES) - {package})
    assert contracted == may_import
