"""An empty date picker speaks the page's language: Dash's own placeholder,
"Select Date", is English on a French page (the import's as-of, the first
run's as-of and the scenario's effective date were blank that way)."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.i18n import translation
from layouts import ids
from layouts.import_mapping import as_of_choice
from layouts.scenarios_apply import dialog


def _picker(tree, ident: str):
    if getattr(tree, "id", None) == ident:
        return tree
    children = getattr(tree, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found = _picker(child, ident)
            if found is not None:
                return found
    return None


@pytest.mark.parametrize(("language", "words", "first_day"), [
    ("fr", "Choisir une date", 1), ("en", "Select a date", 0)])
@pytest.mark.parametrize(("build", "ident"), [
    (lambda: as_of_choice(date(2025, 12, 18)), ids.IMPORT_MAP_AS_OF),
    (dialog, ids.SC_APPLY_DATE)])
def test_an_empty_date_picker_says_so_in_the_page_language(language, words, first_day,
                                                           build, ident):
    with translation.use(language):
        picker = _picker(build(), ident)
    assert picker.placeholder == words
    assert picker.first_day_of_week == first_day
