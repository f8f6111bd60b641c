"""Domain errors, as people read them: in their language, next to the fields.

The write model's messages are English and stable; the ones people meet in the
web client are translated here (web/locale), the others shown as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.errors import (
    ConcurrencyConflict,
    DomainError,
    IllegalTransition,
    NotFound,
    PermissionDenied,
    TooLarge,
    UnsupportedMediaType,
)

FIELD_MESSAGES = {
    "This field may not be empty.": gettext_lazy("This field may not be empty."),
    "Control characters are not allowed.": gettext_lazy("Control characters are not allowed."),
    "Bidirectional override characters are not allowed in names.": gettext_lazy(
        "Bidirectional override characters are not allowed in names."
    ),
    "Give the text in at least one of ar, en, fr.": gettext_lazy(
        "Write it in at least one language: Arabic, English or French."
    ),
    "A file name without folders, e.g. report.pdf.": gettext_lazy(
        "A file name without folders, e.g. report.pdf."
    ),
    "The file is empty.": gettext_lazy("The file is empty."),
    "This kind of file is refused.": gettext_lazy("This kind of file is not accepted."),
    "Name at least one partner.": gettext_lazy("Choose at least one partner."),
    "This username is taken: choose another.": gettext_lazy("This username is taken: choose another."),
    "Must be a valid UUID.": gettext_lazy("Choose an item from the list."),
}

PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"^At most (\d+) characters are allowed; this text has (\d+)\.$"),
        lambda m: (
            _("At most %(limit)s characters are allowed; this text has %(length)s.")
            % {"limit": m.group(1), "length": m.group(2)}
        ),
    ),
    (
        re.compile(r"^At most (\d+) bytes\.$"),
        lambda m: (
            _("The file is larger than the limit of %(limit)s MB.")
            % {"limit": round(int(m.group(1)) / 1024 / 1024, 1)}
        ),
    ),
]


def translate_message(message: str) -> str:
    if message in FIELD_MESSAGES:
        return str(FIELD_MESSAGES[message])
    for pattern, render in PATTERNS:
        match = pattern.match(message)
        if match:
            return render(match)
    return message


def translate_detail(error: DomainError) -> str:
    """The error as one sentence for the top of a form."""
    if isinstance(error, ConcurrencyConflict):
        return _("Someone changed this while you were working on it. Reload the page and try again.")
    if isinstance(error, PermissionDenied):
        return _("You are not allowed to do this.")
    if isinstance(error, IllegalTransition):
        return _("This cannot be done in its current state.")
    if isinstance(error, NotFound):
        return _("It no longer exists, or you may not see it.")
    if isinstance(error, TooLarge):
        return _("The file is too large.")
    if isinstance(error, UnsupportedMediaType):
        return _("This kind of file is not accepted.")
    if error.errors:
        return _("Please correct the fields marked below.")
    return translate_message(error.detail)


def translate_errors(error: DomainError) -> tuple[str, dict[str, list[str]]]:
    """(the sentence for the form, the messages of each field), translated."""
    fields = {name: [translate_message(m) for m in texts] for name, texts in error.errors.items()}
    return translate_detail(error), fields
