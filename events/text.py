"""Validation of what people write: names, titles, messages, in ar/en/fr.

Text is normalised to NFC and stripped; control characters are refused, and so
are the bidirectional embedding/override/isolate controls in names (they let a
name display as something else). Nothing is silently cut or altered beyond
that: an over-long or empty text is refused with a field message.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from events.errors import FieldCode, FieldError, ValidationFailed

LANGUAGES = ("ar", "en", "fr")

NAME_MAX = 200
TITLE_MAX = 300
MESSAGE_MAX = 10_000
COMMENT_MAX = 5_000
BODY_MAX = 100_000
RATIONALE_MAX = 5_000
DESCRIPTION_MAX = 5_000

# LRE, RLE, PDF, LRO, RLO and the isolates LRI, RLI, FSI, PDI.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ALLOWED_CONTROLS_MULTILINE = frozenset("\n\t")


def clean_text(
    value: Any,
    field: str,
    *,
    max_length: int,
    required: bool = True,
    multiline: bool = False,
) -> str:
    """Return ``value`` normalised, or raise ValidationFailed naming ``field``."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed.field(field, "Must be text.", FieldCode.NOT_TEXT)
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip()
    if required and not text:
        raise ValidationFailed.field(field, "This field may not be empty.", FieldCode.EMPTY)
    if len(text) > max_length:
        raise ValidationFailed.field(
            field,
            f"At most {max_length} characters are allowed; this text has {len(text)}.",
            FieldCode.TOO_LONG,
            limit=max_length,
            length=len(text),
        )
    allowed = _ALLOWED_CONTROLS_MULTILINE if multiline else frozenset()
    for char in text:
        if char in allowed:
            continue
        if unicodedata.category(char) == "Cc":
            raise ValidationFailed.field(
                field, "Control characters are not allowed.", FieldCode.CONTROL_CHARACTERS
            )
        if not multiline and char in BIDI_CONTROLS:
            raise ValidationFailed.field(
                field,
                "Bidirectional override characters are not allowed in names.",
                FieldCode.BIDI_OVERRIDE,
            )
    return text


def clean_localized(
    value: Any, field: str, *, max_length: int, required: bool = True, multiline: bool = False
) -> dict[str, str]:
    """A text in up to three languages: ``{"ar": ..., "en": ..., "fr": ...}``.

    At least one language is required when ``required``; empty languages are dropped.
    """
    if value is None:
        value = {}
    if isinstance(value, str):
        raise ValidationFailed.field(
            field, 'Give the text per language, e.g. {"ar": "..."}.', FieldCode.TEXT_PER_LANGUAGE
        )
    if not isinstance(value, Mapping):
        raise ValidationFailed.field(
            field, "Must be an object of texts keyed by language.", FieldCode.TEXTS_BY_LANGUAGE
        )
    unknown = sorted(set(value) - set(LANGUAGES))
    if unknown:
        raise ValidationFailed.field(
            field,
            f"Unknown language {', '.join(map(str, unknown))}: use ar, en or fr.",
            FieldCode.UNKNOWN_LANGUAGE,
            languages=[str(language) for language in unknown],
        )
    cleaned: dict[str, str] = {}
    errors: dict[str, list[FieldError]] = {}
    for language in LANGUAGES:
        if language not in value:
            continue
        try:
            text = clean_text(
                value[language],
                f"{field}.{language}",
                max_length=max_length,
                required=False,
                multiline=multiline,
            )
        except ValidationFailed as error:
            errors.update(error.field_errors)
            continue
        if text:
            cleaned[language] = text
    if errors:
        raise ValidationFailed("Some texts are invalid.", errors=errors)
    if required and not cleaned:
        raise ValidationFailed.field(
            field, "Give the text in at least one of ar, en, fr.", FieldCode.LANGUAGE_REQUIRED
        )
    return cleaned


def pick_language(texts: Mapping[str, str], language: str) -> str:
    """The text in ``language``, else Arabic, else any: never empty when texts exist."""
    for candidate in (language, "ar", "en", "fr"):
        if texts.get(candidate):
            return texts[candidate]
    return ""


def require_choice(value: Any, field: str, choices: Mapping[str, Any] | frozenset[str]) -> str:
    if value not in choices:
        raise ValidationFailed.not_one_of(field, sorted(choices))
    return str(value)
