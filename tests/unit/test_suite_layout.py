"""The suite's own shape: pytest (rootdir-relative imports, no packages)
refuses two test modules with one basename, which would stop CI."""

from collections import Counter
from pathlib import Path


def test_no_two_test_modules_share_a_name():
    names = Counter(p.name for p in Path(__file__).resolve().parents[1].rglob("test_*.py"))
    assert [n for n, c in names.items() if c > 1] == []
