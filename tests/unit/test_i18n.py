"""English and French: locale choice, Babel formatting, and a complete catalog.

The catalog test extracts every ``_()`` / ``N_()`` / ``ngettext()`` message
from the product's code (Babel's own extractor) and requires a French
translation for each, with the same ``{placeholders}``: a message added in
English without its French fails here, not in front of a French user.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from dashboard import formatting, i18n

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(p for folder in ("dashboard", "layouts", "callbacks")
                 for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts)
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
JINJA_MESSAGE = re.compile(r"""\{\{\s*_\(\s*"([^"]+)"\s*\)\s*\}\}""")
PLACEHOLDER = re.compile(r"\{[a-z_]*[^{}]*\}")


def extracted_messages() -> dict[str, str]:
    """msgid → "file:line" of its first use, from code and inline templates."""
    found: dict[str, str] = {}
    for path in SOURCES:
        where = path.relative_to(ROOT)
        for line, message, _comments, _context in extract_from_file(
                "python", path, keywords=KEYWORDS):
            for msgid in (message if isinstance(message, tuple) else (message,)):
                if msgid:
                    found.setdefault(msgid, f"{where}:{line}")
        for match in JINJA_MESSAGE.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group(1), f"{where} (template)")
    return found


def test_every_message_in_the_code_has_a_french_translation():
    french = i18n.catalog("fr")
    missing = [f"{where}: {msgid!r}" for msgid, where in extracted_messages().items()
               if not french.get(msgid)]
    assert not missing, "no French for:\n" + "\n".join(missing)


def test_translations_keep_every_placeholder():
    wrong = [msgid for msgid, text in i18n.catalog("fr").items()
             if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(text))]
    assert not wrong, f"placeholders differ in: {wrong}"


def test_no_message_is_translated_two_ways_in_different_files():
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for path in i18n.catalog_files("fr"):
        with path.open("rb") as handle:
            for message in read_po(handle):
                if not message.id or not message.string:
                    continue
                if message.id in seen and seen[message.id][1] != message.string:
                    clashes.append(f"{message.id!r}: {seen[message.id][0]} vs {path.name}")
                seen.setdefault(message.id, (path.name, message.string))
    assert not clashes, "\n".join(clashes)


def test_french_vocabulary_of_the_trade():
    with i18n.use("fr"):
        assert i18n._("Map") == "Carte"
        assert i18n._("Sign out") == "Se déconnecter"


def test_untranslated_messages_fall_back_to_english():
    with i18n.use("fr"):
        assert i18n._("A sentence nobody translated") == "A sentence nobody translated"


@pytest.mark.parametrize(("saved", "browser", "expected"), [
    ("fr", [("en-US", 1.0)], "fr"),                 # the user's choice beats the browser
    ("", [("fr-CA", 1.0), ("en", 0.5)], "fr"),      # a regional variant counts
    ("", [("de", 1.0), ("en", 0.8), ("fr", 0.9)], "fr"),  # best quality we speak
    ("", [("de", 1.0)], "en"),                      # nothing we speak: English
    ("xx", None, "en"),
])
def test_the_language_is_negotiated(saved, browser, expected):
    assert i18n.negotiate(saved, browser) == expected


def test_the_issue_examples_of_money():
    with i18n.use("fr", "EUR"):
        assert formatting.money_exact(1234.5) == "1\u202f234,50\u00a0€"
    with i18n.use("en", "USD"):
        assert formatting.money_exact(1234.5) == "$1,234.50"


def test_compact_money_in_both_languages():
    with i18n.use("en", "USD"):
        assert [formatting.money(v) for v in (789, 456_000, 1_234_567, 12_345_678, -45_000)] \
            == ["$789", "$456K", "$1.23M", "$12.3M", "-$45K"]
    with i18n.use("fr", "EUR"):
        assert formatting.money(1_234_567) == "1,23\u00a0M\u00a0€"
        assert formatting.money(456_000) == "456\u00a0k\u00a0€"


def test_percent_count_multiple_and_days_follow_the_language():
    with i18n.use("en"):
        assert (formatting.percent(0.1234, 1), formatting.signed_percent(0.2),
                formatting.count(12345), formatting.multiple(3.5), formatting.days(42)) \
            == ("12.3%", "+20%", "12,345", "3.5×", "42\u00a0d")
    with i18n.use("fr"):
        assert (formatting.percent(0.1234, 1), formatting.signed_percent(-0.2),
                formatting.count(12345), formatting.multiple(3.5), formatting.days(42)) \
            == ("12,3\u00a0%", "-20\u00a0%", "12\u202f345", "3,5×", "42\u00a0j")


def test_dates_follow_the_language():
    with i18n.use("en"):
        assert formatting.day(date(2026, 9, 30)) == "Sep 30, 2026"
    with i18n.use("fr"):
        assert formatting.day(date(2026, 9, 30)) == "30 sept. 2026"


def test_missing_values_stay_a_dash_in_every_language():
    for lang in i18n.LANGUAGES:
        with i18n.use(lang):
            assert {formatting.money(None), formatting.percent(float("nan")),
                    formatting.count(None)} == {formatting.MISSING}


def test_a_language_set_in_a_block_does_not_leak_out():
    with i18n.use("fr"):
        pass
    assert i18n.language() == "en"
