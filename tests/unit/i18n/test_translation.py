"""English and French: locale choice, Babel formatting, and a complete catalog.

The catalog test extracts every ``_()`` / ``N_()`` / ``ngettext()`` message
from the product's code (Babel's own extractor) and requires a French
translation for each, with the same ``{placeholders}``: a message added in
English without its French fails here, not in front of a French user.
"""

from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from dashboard.i18n import formatting, translation

ROOT = Path(__file__).resolve().parents[3]
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
    french = translation.catalog("fr")
    missing = [f"{where}: {msgid!r}" for msgid, where in extracted_messages().items()
               if not french.get(msgid)]
    assert not missing, "no French for:\n" + "\n".join(missing)


def test_translations_keep_every_placeholder():
    wrong = [msgid for msgid, text in translation.catalog("fr").items()
             if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(text))]
    assert not wrong, f"placeholders differ in: {wrong}"


def test_no_message_is_translated_two_ways_in_different_files():
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for path in translation.catalog_files("fr"):
        with path.open("rb") as handle:
            for message in read_po(handle):
                if not message.id or not message.string:
                    continue
                if message.id in seen and seen[message.id][1] != message.string:
                    clashes.append(f"{message.id!r}: {seen[message.id][0]} vs {path.name}")
                seen.setdefault(message.id, (path.name, message.string))
    assert not clashes, "\n".join(clashes)


def test_french_vocabulary_of_the_trade():
    with translation.use("fr"):
        assert translation._("Map") == "Carte"
        assert translation._("Sign out") == "Se déconnecter"


def test_untranslated_messages_fall_back_to_english():
    with translation.use("fr"):
        assert translation._("A sentence nobody translated") == "A sentence nobody translated"


@pytest.mark.parametrize(("saved", "browser", "expected"), [
    ("fr", [("en-US", 1.0)], "fr"),                 # the user's choice beats the browser
    ("", [("fr-CA", 1.0), ("en", 0.5)], "fr"),      # a regional variant counts
    ("", [("de", 1.0), ("en", 0.8), ("fr", 0.9)], "fr"),  # best quality we speak
    ("", [("de", 1.0)], "en"),                      # nothing we speak: English
    ("xx", None, "en"),
])
def test_the_language_is_negotiated(saved, browser, expected):
    assert translation.negotiate(saved, browser) == expected


def test_the_issue_examples_of_money():
    with translation.use("fr", "EUR"):
        assert formatting.money_exact(1234.5) == "1\u202f234,50\u00a0€"
    with translation.use("en", "USD"):
        assert formatting.money_exact(1234.5) == "$1,234.50"


def test_compact_money_in_both_languages():
    with translation.use("en", "USD"):
        assert [formatting.money(v) for v in (789, 456_000, 1_234_567, 12_345_678, -45_000)] \
            == ["$789", "$456K", "$1.2M", "$12.3M", "-$45K"]
    with translation.use("fr", "EUR"):
        assert formatting.money(1_234_567) == "1,2\u00a0M\u00a0€"
        assert formatting.money(456_000) == "456\u00a0k\u00a0€"


def test_percent_count_multiple_and_days_follow_the_language():
    with translation.use("en"):
        assert (formatting.percent(0.1234, 1), formatting.signed_percent(0.2),
                formatting.count(12345), formatting.multiple(3.5), formatting.days(42)) \
            == ("12.3%", "+20%", "12,345", "3.5×", "42\u00a0d")
    with translation.use("fr"):
        assert (formatting.percent(0.1234, 1), formatting.signed_percent(-0.2),
                formatting.count(12345), formatting.multiple(3.5), formatting.days(42)) \
            == ("12,3\u00a0%", "-20\u00a0%", "12\u202f345", "3,5×", "42\u00a0j")


def test_dates_follow_the_language():
    with translation.use("en"):
        assert formatting.day(date(2026, 9, 30)) == "Sep 30, 2026"
    with translation.use("fr"):
        assert formatting.day(date(2026, 9, 30)) == "30 sept. 2026"


def test_missing_values_stay_a_dash_in_every_language():
    for lang in translation.LANGUAGES:
        with translation.use(lang):
            assert {formatting.money(None), formatting.percent(float("nan")),
                    formatting.count(None)} == {formatting.MISSING}


def test_a_language_set_in_a_block_does_not_leak_out():
    with translation.use("fr"):
        pass
    assert translation.language() == "en"


# The fast formatters write what Babel writes (they take its symbols and
# patterns once per language, then do plain string work: 20× faster, which a
# 500-territory chart's hovers need). Checked against Babel itself.

from babel.numbers import format_compact_currency, format_decimal, format_percent  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

AMOUNTS = st.floats(min_value=-9e11, max_value=9e11, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(value=AMOUNTS, lang=st.sampled_from(translation.LANGUAGES),
       currency=st.sampled_from(["USD", "EUR", "GBP"]))
def test_compact_money_matches_babel_away_from_the_rounding_edges(value, lang, currency):
    magnitude = abs(value)
    power = max(0, min(3, int(math.log10(magnitude) // 3))) if magnitude >= 1 else 0
    scaled = magnitude / 1000 ** power
    digits = 1 if scaled < 100 else 0  # at most 3 significant digits and one decimal
    if power == 0 or scaled >= 999 or round(scaled, digits) != round(scaled, 6):
        return  # Babel writes "$1000K" and "$999.6"; ours "$1M" and "$1K" (by hand below)
    with translation.use(lang, currency):
        assert formatting.money(value) == format_compact_currency(
            value, currency, locale=lang, fraction_digits=digits)


@settings(max_examples=300, deadline=None)
@given(value=st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
       digits=st.integers(min_value=0, max_value=2), lang=st.sampled_from(translation.LANGUAGES))
def test_numbers_and_percents_match_babel(value, digits, lang):
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    expected = format_decimal(value, format=pattern, locale=lang)
    if expected.lstrip("-").strip("0" + ".,") == "":
        expected = expected.lstrip("-")  # Babel writes "-0"; we never do
    with translation.use(lang):
        assert formatting.number(value, digits) == expected
        if abs(value) < 1e7:
            babel_percent = format_percent(value / 100, formatting._percent_pattern(
                lang, digits, False), locale=lang)
            if babel_percent.startswith("-") and not any(c in "123456789"
                                                         for c in babel_percent):
                babel_percent = babel_percent[1:]
            assert formatting.percent(value / 100, digits) == babel_percent


def test_compact_money_at_the_edges_reads_as_people_expect():
    with translation.use("en", "USD"):
        assert [formatting.money(v) for v in (0, 0.4, -0.4, 999.6, 999_999, 9_999, 2.5e9)] \
            == ["$0", "$0", "$0", "$1K", "$1M", "$10K", "$2.5B"]
    with translation.use("fr", "USD"):
        assert formatting.money(999_999) == "1\u00a0M\u00a0$US"
