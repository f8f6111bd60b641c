"""Template helpers: texts in several languages, labels, people, directions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from events.text import pick_language
from web import labels
from web.languages import in_language

register = template.Library()

LANGUAGES = ("ar", "en", "fr")


def _pick(texts: Any) -> tuple[str, str]:
    """(text, language) of a {"ar": ..., "en": ..., "fr": ...} mapping in the page's language."""
    if not isinstance(texts, Mapping):
        return (str(texts) if texts is not None else "", "")
    if "default" in texts and len(texts) == 1:
        return str(texts["default"]), ""
    language = (get_language() or "ar")[:2]
    text = pick_language(texts, language)
    for candidate in (language, *LANGUAGES):
        if texts.get(candidate) == text:
            return text, candidate
    return text, ""


@register.filter
def local(texts: Any) -> str:
    """The text in the page's language, else Arabic, else any (plain, autoescaped)."""
    return _pick(texts)[0]


@register.simple_tag
def texts(value: Any, tag: str = "span", prefer: str = "") -> SafeString:
    """A text people wrote, in the page's language where it exists, marked with its
    own language and ``dir="auto"`` so Arabic and Latin display right in any page.
    With ``prefer``, in that language, else in its reading order (web.languages)."""
    text, language = in_language(value, prefer) if prefer else _pick(value)
    element = tag if tag in {"span", "h1", "h2", "h3", "p", "strong", "div"} else "span"
    if language:
        return format_html('<{0} lang="{1}" dir="auto">{2}</{0}>', SafeString(element), language, text)
    return format_html('<{0} dir="auto">{1}</{0}>', SafeString(element), text)


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` in a template, or an empty string."""
    if isinstance(mapping, Mapping):
        return mapping.get(key if key in mapping else str(key), "")
    return ""


@register.filter
def activity_label(kind: str) -> str:
    return labels.label(labels.ACTIVITY, kind)


@register.filter
def proposal_state(state: str) -> str:
    return labels.label(labels.PROPOSAL_STATES, state)


@register.filter
def proposal_action(action: str) -> str:
    return labels.label(labels.PROPOSAL_ACTIONS, action)


@register.filter
def update_state(state: str) -> str:
    return labels.label(labels.UPDATE_STATES, state)


@register.filter
def update_kind(kind: str) -> str:
    return labels.label(labels.UPDATE_KINDS, kind)


@register.filter
def partner_kind(kind: str) -> str:
    return labels.label(labels.PARTNER_KINDS, kind)


@register.filter
def role_label(role: str) -> str:
    return labels.label(labels.ROLES, role)


@register.filter
def resource_kind(kind: str) -> str:
    return labels.label(labels.RESOURCE_KINDS, kind)


@register.filter
def visibility(value: str) -> str:
    return labels.label(labels.VISIBILITIES, value)


@register.filter
def metric_label(value: str) -> str:
    return labels.label(labels.METRICS, value)


@register.filter
def field_errors(errors: Any, name: str) -> list[str]:
    """The messages of one field in a ``{field: [messages]}`` mapping."""
    if isinstance(errors, Mapping):
        return list(errors.get(name, []))
    return []


@register.filter
def meeting_kind(kind: str) -> str:
    return labels.label(labels.MEETING_KINDS, kind)


@register.filter
def meeting_state(state: str) -> str:
    return labels.label(labels.MEETING_STATES, state)


@register.filter
def minutes_state(state: str) -> str:
    return labels.label(labels.MINUTES_STATES, state)
