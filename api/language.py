"""Accept-Language for localised fields.

Names and titles are stored in up to three languages, ``{"ar": ..., "en": ..., "fr": ...}``.
Every rendering keeps that object and gains ``localized``: the same fields as one
string each, in the reader's language (Accept-Language, through Django's
LocaleMiddleware), else Arabic, else any (events.text.pick_language).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from events.text import LANGUAGES, pick_language

# Renderings whose nested objects carry texts worth localising too.
NESTED = {"profile": ("city", "address", "description"), "object": ("label",)}


def is_texts(value: Any) -> bool:
    """A mapping of language -> text ({"default": text} for names in one language)."""
    return (
        isinstance(value, Mapping)
        and bool(value)
        and all(k in LANGUAGES or k == "default" for k in value)
        and all(isinstance(v, str) for v in value.values())
    )


def pick(texts: Mapping[str, str], language: str) -> str:
    if "default" in texts and len(texts) == 1:
        return texts["default"]
    return pick_language(texts, language)


def localized(data: dict[str, Any], language: str) -> dict[str, Any]:
    """``data`` with ``localized``: each text field of it in ``language``."""
    strings: dict[str, str] = {}
    for key, value in data.items():
        if is_texts(value):
            strings[key] = pick(value, language)
        elif key in NESTED and isinstance(value, Mapping):
            for inner in NESTED[key]:
                if is_texts(value.get(inner)):
                    strings[inner] = pick(value[inner], language)
        elif (
            key == "secretary_general"
            and isinstance(value, Mapping)
            and is_texts(value.get("name"))
        ):
            strings["secretary_general"] = pick(value["name"], language)
    return {**data, "localized": strings}
