"""Domain errors: small, named, and free of HTTP.

api/problems.py maps them to status codes and RFC 9457 bodies; realtime/ maps
them to error frames. Each carries a stable ``code`` that clients may test.

The errors of each field carry a stable code too (:class:`FieldCode`) and the
parameters of their sentence, beside the English sentence itself: a client
translates the code, so rewording a sentence never drops its translation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from enum import StrEnum
from typing import Any
from uuid import UUID


class FieldCode(StrEnum):
    """Every code a field error may carry: the one registry, which the web client's
    translations (web/errors.py) must cover."""

    INVALID = "invalid"
    """No finer code: clients show the English message."""
    NOT_TEXT = "not_text"
    EMPTY = "empty"
    TOO_LONG = "too_long"  # limit, length
    CONTROL_CHARACTERS = "control_characters"
    BIDI_OVERRIDE = "bidi_override"
    TEXT_PER_LANGUAGE = "text_per_language"
    TEXTS_BY_LANGUAGE = "texts_by_language"
    UNKNOWN_LANGUAGE = "unknown_language"  # languages
    LANGUAGE_REQUIRED = "language_required"
    NOT_ONE_OF = "not_one_of"  # options
    NOT_A_UUID = "not_a_uuid"
    FILE_NAME_WITH_FOLDERS = "file_name_with_folders"
    FILE_EMPTY = "file_empty"
    FILE_KIND_REFUSED = "file_kind_refused"
    FILE_TOO_LARGE = "file_too_large"  # limit (bytes)
    PARTNER_REQUIRED = "partner_required"
    USERNAME_TAKEN = "username_taken"
    # Meetings
    ENDS_BEFORE_START = "ends_before_start"
    UNKNOWN_TIME_ZONE = "unknown_time_zone"
    LINK_NOT_WEB = "link_not_web"
    PLACE_OR_LINK = "place_or_link"
    NOT_AN_AGENDA_ITEM = "not_an_agenda_item"
    NOT_REGISTERED = "not_registered"
    CORRECTION_REASON = "correction_reason"


@dataclass(frozen=True)
class FieldError:
    """One refusal of a field: its code, its English sentence, the sentence's values."""

    code: FieldCode
    message: str
    params: Mapping[str, Any] = dataclass_field(default_factory=dict)

    def __post_init__(self) -> None:
        # An unknown code fails here, where it is raised, not silently in a client.
        object.__setattr__(self, "code", FieldCode(self.code))
        object.__setattr__(self, "params", dict(self.params))

    def as_json(self) -> dict[str, Any]:
        return {"code": str(self.code), "params": dict(self.params)}


def _field_error(item: str | FieldError) -> FieldError:
    return item if isinstance(item, FieldError) else FieldError(FieldCode.INVALID, str(item))


class DomainError(Exception):
    """Base class: the command was refused and nothing was stored.

    ``errors`` maps each field at fault to its refusals: English sentences (coded
    ``invalid``) or :class:`FieldError`; ``params`` are the values of ``detail``."""

    code = "domain_error"

    def __init__(
        self,
        detail: str,
        *,
        errors: Mapping[str, Iterable[str | FieldError]] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.params: dict[str, Any] = dict(params or {})
        self.field_errors: dict[str, list[FieldError]] = {
            k: [_field_error(item) for item in v] for k, v in (errors or {}).items()
        }

    @property
    def errors(self) -> dict[str, list[str]]:
        """The English sentences of each field, as the API has always given them."""
        return {k: [e.message for e in v] for k, v in self.field_errors.items()}

    @property
    def codes(self) -> dict[str, list[dict[str, Any]]]:
        """The code and parameters of each field's refusals, for clients that translate."""
        return {k: [e.as_json() for e in v] for k, v in self.field_errors.items()}


class ValidationFailed(DomainError):
    """Input that can never be valid: empty or over-long text, unknown kind..."""

    code = "invalid"

    @classmethod
    def field(
        cls, name: str, message: str, code: FieldCode = FieldCode.INVALID, **params: Any
    ) -> ValidationFailed:
        return cls(message, errors={name: [FieldError(code, message, params)]})

    @classmethod
    def not_one_of(cls, name: str, options: Iterable[str]) -> ValidationFailed:
        """A value outside its choices, naming them in the order given."""
        listed = [str(option) for option in options]
        return cls.field(name, f"Must be one of: {', '.join(listed)}.", FieldCode.NOT_ONE_OF, options=listed)


class TooLarge(ValidationFailed):
    code = "too_large"


class UnsupportedMediaType(ValidationFailed):
    code = "unsupported_media_type"


class NotFound(DomainError):
    code = "not_found"

    def __init__(self, kind: str, id: UUID | str) -> None:
        super().__init__(f"No {kind} with id {id}.")
        self.kind = kind
        self.id = id


class PermissionDenied(DomainError):
    code = "forbidden"


class IllegalTransition(DomainError):
    """The command does not apply to the resource in its current state."""

    code = "illegal_transition"

    def __init__(self, kind: str, state: str, action: str) -> None:
        super().__init__(f"Cannot {action} a {kind} that is {state}.")
        self.kind = kind
        self.state = state
        self.action = action


class AlreadyExists(DomainError):
    code = "already_exists"


class ConcurrencyConflict(DomainError):
    """Someone else changed the aggregate first: nothing of this command was stored."""

    code = "conflict"

    def __init__(
        self, kind: str, aggregate_id: UUID, expected_version: int, actual_version: int | None
    ) -> None:
        super().__init__(
            f"{kind} {aggregate_id} was changed concurrently: this command expected "
            f"version {expected_version}, the stored version is {actual_version}."
        )
        self.kind = kind
        self.aggregate_id = aggregate_id
        self.expected_version = expected_version
        self.actual_version = actual_version


class Unavailable(DomainError):
    """A service the command needs (file storage, say) failed: nothing was recorded,
    and the same command may be sent again."""

    code = "unavailable"


class IdempotencyKeyReused(DomainError):
    """The same command id was sent before with a different command or by someone else."""

    code = "idempotency_key_reused"
