"""Who acts: roles and the :class:`Actor` value passed to every use case.

Pure Python on purpose: events/ receives an Actor and never a Django user, so the
write model stays free of HTTP and ORM concerns.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID


class Role(StrEnum):
    SECRETARIAT = "secretariat"
    SECRETARY_GENERAL = "secretary_general"
    STAFF = "staff"
    PARTNER = "partner"
    AUDITOR = "auditor"
    PUBLIC = "public"
    # The platform itself: bootstrap, demo seed, migrations of data.
    SYSTEM = "system"


COMMISSION_ROLES = frozenset({Role.SECRETARY_GENERAL, Role.STAFF})
ORGANISATION_ROLES = frozenset({Role.SECRETARIAT, Role.AUDITOR})
PARTNER_ROLES = frozenset({Role.PARTNER})


@dataclass(frozen=True, slots=True)
class Actor:
    """The authenticated person (or the platform) on whose behalf a command runs."""

    id: str
    role: Role
    commission_id: UUID | None = None
    partner_id: UUID | None = None

    @classmethod
    def public(cls) -> Actor:
        return cls(id="", role=Role.PUBLIC)

    @classmethod
    def system(cls) -> Actor:
        return cls(id="system", role=Role.SYSTEM)

    @property
    def is_authenticated(self) -> bool:
        return self.role is not Role.PUBLIC

    def belongs_to_commission(self, commission_id: UUID | None) -> bool:
        return (
            commission_id is not None
            and self.role in COMMISSION_ROLES
            and self.commission_id == commission_id
        )
