"""Which language and currency this request speaks, and its French words.

The locale and currency live in context variables that the web layer sets at
the start of every request (from the signed-in user's saved choice, else the
browser's ``Accept-Language``), so the core, the layouts and the callbacks
translate and format without passing a locale through every function, and
two users served by one process never see each other's language.

Messages are written in English in the code, wrapped in ``_()`` (or ``N_()``
where a module-level constant is defined before any request has a locale;
such constants are translated with ``_()`` where they are shown). French
lives in gettext ``.po`` files under ``dashboard/i18n/locale/fr/`` — one file per
part of the product, so a translator (or a change) touches one file — read
with Babel at first use; no compile step.
"""

from __future__ import annotations

import contextlib
import functools
from contextvars import ContextVar
from pathlib import Path

#: languages the product speaks, the first is the default
LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = LANGUAGES[0]
#: what the language switch shows for each (in its own language, by convention)
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
DEFAULT_CURRENCY = "USD"

LOCALE_DIR = Path(__file__).parent / "locale"

_language: ContextVar[str] = ContextVar("td_language", default=DEFAULT_LANGUAGE)
_currency: ContextVar[str] = ContextVar("td_currency", default=DEFAULT_CURRENCY)


def language() -> str:
    """The language of the current request ("en" or "fr")."""
    return _language.get()


def currency() -> str:
    """The ISO 4217 code money is shown in (a setting, not tied to the language)."""
    return _currency.get()


def supported(code: str | None) -> str | None:
    """``code`` reduced to a language we speak ("fr-CA" → "fr"), else None."""
    if not isinstance(code, str):
        return None
    base = code.strip().lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else None


def activate(lang: str | None, money_code: str | None = None) -> None:
    """Set the language (and currency) for the rest of this request or thread."""
    _language.set(supported(lang) or DEFAULT_LANGUAGE)
    if money_code:
        _currency.set(money_code.upper())


@contextlib.contextmanager
def use(lang: str | None, money_code: str | None = None):
    """Speak ``lang`` inside the block (tests, CLI, background jobs)."""
    lang_token = _language.set(supported(lang) or DEFAULT_LANGUAGE)
    money_token = _currency.set(money_code.upper()) if money_code else None
    try:
        yield
    finally:
        _language.reset(lang_token)
        if money_token is not None:
            _currency.reset(money_token)


def negotiate(saved: str | None, accept_languages: list[tuple[str, float]] | None) -> str:
    """The language to speak: the user's saved choice wins, then the
    browser's preferences in order of quality, then English."""
    chosen = supported(saved)
    if chosen:
        return chosen
    for code, _quality in sorted(accept_languages or [], key=lambda pair: -pair[1]):
        chosen = supported(code)
        if chosen:
            return chosen
    return DEFAULT_LANGUAGE


def catalog_files(lang: str) -> list[Path]:
    return sorted((LOCALE_DIR / lang).glob("*.po"))


@functools.cache
def catalog(lang: str) -> dict[str, str]:
    """msgid → translation for ``lang``, merged from its ``.po`` files.
    Untranslated and fuzzy entries are left out (they fall back to English)."""
    from babel.messages.pofile import read_po

    messages: dict[str, str] = {}
    for path in catalog_files(lang):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=lang):
                if message.id and message.string and not message.fuzzy:
                    if isinstance(message.id, str):
                        messages[message.id] = message.string
    return messages


def gettext(message: str) -> str:
    """``message`` in the request's language (English when not translated)."""
    lang = _language.get()
    if lang == DEFAULT_LANGUAGE:
        return message
    return catalog(lang).get(message, message)


_ = gettext


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name
    """Mark a constant for translation where it is defined; ``_()`` it where shown."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """Singular or plural by ``count``, translated. French counts 0 and 1 as
    singular; the catalog keys both forms by the English singular and plural."""
    lang = _language.get()
    one = count in (0, 1) if lang == "fr" else count == 1
    return gettext(singular if one else plural)
