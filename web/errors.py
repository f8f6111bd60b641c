"""Domain errors, as people read them: in their language, next to the fields.

The write model's messages are English and stable; the ones people meet in the
web client are translated here (web/locale), the others shown as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.formats import number_format
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
    (re.compile(r"^At most (\d+) bytes\.$"), lambda m: too_large(int(m.group(1)))),
]

SIZE_LIMIT = re.compile(r"(\d+) bytes")
REFUSED_SUFFIX = re.compile(r"^Files named (\.\S+) are refused\.$")


def megabytes(size: int) -> str:
    """A byte count in MB as the reader writes numbers: 25, 0,5 in French."""
    value = round(size / 1024 / 1024, 1)
    whole = value == int(value)
    return number_format(int(value) if whole else value, decimal_pos=0 if whole else 1)


def too_large(limit: int) -> str:
    """The size refusal, naming the limit (in English: larger than the limit of 25 MB)."""
    return _("The file is larger than the limit of %(limit)s MB.") % {"limit": megabytes(limit)}


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
        limit = SIZE_LIMIT.search(error.detail)
        return too_large(int(limit.group(1))) if limit else _("The file is too large.")
    if isinstance(error, UnsupportedMediaType):
        suffix = REFUSED_SUFFIX.match(error.detail)
        if suffix:
            return _("Files ending in %(suffix)s are not accepted.") % {"suffix": suffix.group(1)}
        return _("This kind of file is not accepted.")
    if error.errors:
        return _("Please correct the fields marked below.")
    return translate_message(error.detail)


def translate_errors(error: DomainError) -> tuple[str, dict[str, list[str]]]:
    """(the sentence for the form, the messages of each field), translated."""
    fields = {name: [translate_message(m) for m in texts] for name, texts in error.errors.items()}
    return translate_detail(error), fields


def refusal_sentence(error: DomainError) -> str:
    """The whole refusal as the sentences of a form that marks no field (the upload's):
    each said once. A refused file's field messages restate its detail, so the detail
    alone; otherwise the fields' messages, which say what to change."""
    detail, fields = translate_errors(error)
    if isinstance(error, TooLarge | UnsupportedMediaType) or not fields:
        return detail
    return " ".join(dict.fromkeys(m for texts in fields.values() for m in texts))
