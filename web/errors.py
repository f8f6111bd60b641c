"""Domain errors, as people read them: in their language, next to the fields.

The write model's refusals carry stable codes (events.errors.FieldCode) beside
their English sentences; the web client translates the codes, with their
parameters (web/locale), so rewording a sentence never drops its translation.
A code without a translation here is shown by its English sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.errors import (
    ConcurrencyConflict,
    DomainError,
    FieldCode,
    FieldError,
    IllegalTransition,
    NotFound,
    PermissionDenied,
    TooLarge,
    UnsupportedMediaType,
)

Params = Mapping[str, Any]

FIELD_SENTENCES: dict[FieldCode, Any] = {
    FieldCode.EMPTY: gettext_lazy("This field may not be empty."),
    FieldCode.CONTROL_CHARACTERS: gettext_lazy("Control characters are not allowed."),
    FieldCode.BIDI_OVERRIDE: gettext_lazy("Bidirectional override characters are not allowed in names."),
    FieldCode.LANGUAGE_REQUIRED: gettext_lazy(
        "Write it in at least one language: Arabic, English or French."
    ),
    FieldCode.FILE_NAME_WITH_FOLDERS: gettext_lazy("A file name without folders, e.g. report.pdf."),
    FieldCode.FILE_EMPTY: gettext_lazy("The file is empty."),
    FieldCode.FILE_KIND_REFUSED: gettext_lazy("This kind of file is not accepted."),
    FieldCode.PARTNER_REQUIRED: gettext_lazy("Choose at least one partner."),
    FieldCode.USERNAME_TAKEN: gettext_lazy("This username is taken: choose another."),
    # The web's forms offer these as lists, so the reader chose outside them.
    FieldCode.NOT_A_UUID: gettext_lazy("Choose an item from the list."),
    FieldCode.NOT_ONE_OF: gettext_lazy("Choose an item from the list."),
    FieldCode.ENDS_BEFORE_START: gettext_lazy("The end must come after the start."),
    FieldCode.UNKNOWN_TIME_ZONE: gettext_lazy("Choose a time zone such as Africa/Tunis."),
    FieldCode.LINK_NOT_WEB: gettext_lazy("Give a web address starting with https://."),
    FieldCode.PLACE_OR_LINK: gettext_lazy("Give a place, an online link, or both."),
    FieldCode.NOT_AN_AGENDA_ITEM: gettext_lazy("Choose an item of the agenda."),
    FieldCode.NOT_REGISTERED: gettext_lazy("Only a registered participant checks in."),
    FieldCode.CORRECTION_REASON: gettext_lazy("Say what this version corrects."),
}
"""Codes whose sentence has no values."""


def _too_long(params: Params) -> str:
    return _("At most %(limit)s characters are allowed; this text has %(length)s.") % {
        "limit": params["limit"],
        "length": params["length"],
    }


FIELD_RENDERERS: dict[FieldCode, Callable[[Params], str]] = {
    FieldCode.TOO_LONG: _too_long,
    FieldCode.FILE_TOO_LARGE: lambda params: too_large(int(params["limit"])),
}
"""Codes whose sentence names values (a limit, a length)."""

SHOWN_IN_ENGLISH = frozenset(
    {
        # No finer code: the sentence is all there is.
        FieldCode.INVALID,
        # Refusals of what the API is sent and the web's forms never send.
        FieldCode.NOT_TEXT,
        FieldCode.TEXT_PER_LANGUAGE,
        FieldCode.TEXTS_BY_LANGUAGE,
        FieldCode.UNKNOWN_LANGUAGE,
    }
)
"""Codes the web shows by their English sentence, on purpose."""


def megabytes(size: int) -> str:
    """A byte count in MB as the reader writes numbers: 25, 0,5 in French."""
    value = round(size / 1024 / 1024, 1)
    whole = value == int(value)
    return number_format(int(value) if whole else value, decimal_pos=0 if whole else 1)


def too_large(limit: int) -> str:
    """The size refusal, naming the limit (in English: larger than the limit of 25 MB)."""
    return _("The file is larger than the limit of %(limit)s MB.") % {"limit": megabytes(limit)}


def translate_field_error(error: FieldError) -> str:
    """One refusal of a field in the reader's language, by its code; its English
    sentence for a code without a translation (or with values missing)."""
    if error.code in FIELD_SENTENCES:
        return str(FIELD_SENTENCES[error.code])
    render = FIELD_RENDERERS.get(error.code)
    if render is not None:
        try:
            return render(error.params)
        except (KeyError, TypeError, ValueError):
            return error.message
    return error.message


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
        limit = error.params.get("limit")
        return too_large(int(limit)) if isinstance(limit, int) else _("The file is too large.")
    if isinstance(error, UnsupportedMediaType):
        suffix = error.params.get("suffix")
        if suffix:
            return _("Files ending in %(suffix)s are not accepted.") % {"suffix": suffix}
        return _("This kind of file is not accepted.")
    if error.field_errors:
        return _("Please correct the fields marked below.")
    return error.detail


def translate_errors(error: DomainError) -> tuple[str, dict[str, list[str]]]:
    """(the sentence for the form, the messages of each field), translated."""
    fields = {
        name: [translate_field_error(e) for e in refusals] for name, refusals in error.field_errors.items()
    }
    return translate_detail(error), fields


def refusal_sentence(error: DomainError) -> str:
    """The whole refusal as the sentences of a form that marks no field (the upload's):
    each said once. A refused file's field messages restate its detail, so the detail
    alone; otherwise the fields' messages, which say what to change."""
    detail, fields = translate_errors(error)
    if isinstance(error, TooLarge | UnsupportedMediaType) or not fields:
        return detail
    return " ".join(dict.fromkeys(m for texts in fields.values() for m in texts))
