"""Which language of a text people wrote is shown to a reader, and which others exist.

A text written in several languages ({"ar": ..., "en": ..., "fr": ...}) is shown in
the reader's language when it exists; when it does not, in the first that exists of
English, then French, then Arabic (the reader's own language is skipped in that
list, since it is missing). So an English reader of an update written in Arabic and
French reads the French; a French reader of one written in Arabic and English reads
the English; an Arabic reader of one written in English and French reads the English.
The other languages are offered as links, and the page says which one is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language, pgettext_lazy

LANGUAGES = ("ar", "en", "fr")
FALLBACK = ("en", "fr", "ar")

# Names as they read inside a sentence of the page ("shown in English", "affiché en anglais").
NAMES = {
    "ar": pgettext_lazy("language, in a sentence", "Arabic"),
    "en": pgettext_lazy("language, in a sentence", "English"),
    "fr": pgettext_lazy("language, in a sentence", "French"),
}
# Each language's name in itself, for a link to it.
ENDONYMS = {"ar": "العربية", "en": "English", "fr": "Français"}


def reader_language() -> str:
    """The page's language: the reader's, as chosen or negotiated."""
    language = (get_language() or "ar")[:2]
    return language if language in LANGUAGES else "ar"


def reading_order(language: str) -> tuple[str, ...]:
    """The reader's language first, then English, French and Arabic."""
    return (language, *(code for code in FALLBACK if code != language))


def written_in(texts: Any) -> list[str]:
    """The languages a text exists in, in the platform's order (ar, en, fr)."""
    if not isinstance(texts, Mapping):
        return []
    return [code for code in LANGUAGES if str(texts.get(code) or "").strip()]


def shown_language(available: list[str], preferred: str) -> str:
    """The first of ``available`` in the reading order of ``preferred`` ("" when none)."""
    return next((code for code in reading_order(preferred) if code in available), "")


def in_language(texts: Any, language: str) -> tuple[str, str]:
    """(text, its language): ``texts`` in ``language``, else in that language's reading order."""
    if not isinstance(texts, Mapping):
        return (str(texts) if texts is not None else "", "")
    code = shown_language(written_in(texts), language)
    if code:
        return str(texts[code]), code
    other = next((str(v) for v in texts.values() if v), "")
    return other, ""


def language_name(code: str) -> str:
    """The language's name in the page's language ("French", "الفرنسية", "anglais")."""
    return str(NAMES.get(code, code))


def language_endonym(code: str) -> str:
    """The language's name in itself ("Français", "العربية"), for a link to it."""
    return ENDONYMS.get(code, code)
