"""The suite's own shape: ``tests/unit`` mirrors the code, one folder per package of
``dashboard/`` (plus ``layouts``), so a module's tests are found where the module is."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "tests" / "unit"
#: top-level layers whose unit tests also live in a folder of their own
LAYERS = ("layouts", "callbacks")


def _packages() -> set[str]:
    core = {p.name for p in (ROOT / "dashboard").iterdir()
            if p.is_dir() and (p / "__init__.py").exists()}
    return core | set(LAYERS)


def test_every_unit_test_folder_names_a_package():
    folders = {p.name for p in UNIT.iterdir() if p.is_dir() and not p.name.startswith("__")}
    assert folders - _packages() == set()


def test_no_unit_test_module_sits_outside_a_package_folder():
    # these two check the whole tree's shape, not one package
    whole_tree = {Path(__file__).name, "test_layers.py"}
    loose = sorted(p.name for p in UNIT.glob("test_*.py") if p.name not in whole_tree)
    assert loose == []


def test_every_core_package_has_unit_tests():
    core = {p.name for p in (ROOT / "dashboard").iterdir()
            if p.is_dir() and (p / "__init__.py").exists()}
    tested = {p.parent.name for p in UNIT.rglob("test_*.py")}
    assert core - tested == set()
