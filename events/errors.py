"""Domain errors: small, named, and free of HTTP.

api/problems.py maps them to status codes and RFC 9457 bodies; realtime/ maps
them to error frames. Each carries a stable ``code`` that clients may test.
"""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID


class DomainError(Exception):
    """Base class: the command was refused and nothing was stored."""

    code = "domain_error"

    def __init__(self, detail: str, *, errors: Mapping[str, list[str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors: dict[str, list[str]] = {k: list(v) for k, v in (errors or {}).items()}


class ValidationFailed(DomainError):
    """Input that can never be valid: empty or over-long text, unknown kind..."""

    code = "invalid"

    @classmethod
    def field(cls, name: str, message: str) -> ValidationFailed:
        return cls(message, errors={name: [message]})


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
