"""Who acts: roles, memberships and the :class:`Actor` value passed to every use case.

A person holds several memberships at once: secretariat or auditor of the
organisation, staff or secretary-general of one or more commissions, member or
manager of one or more partner institutions. Each membership carries its own
role; permission is decided from all of them (events/policy.py), so joining a
partner never lowers a role held elsewhere.

Pure Python on purpose: events/ receives an Actor and never a Django user, so the
write model stays free of HTTP and ORM concerns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID


class Role(StrEnum):
    SECRETARIAT = "secretariat"
    SECRETARY_GENERAL = "secretary_general"
    STAFF = "staff"
    # A partner's own managers: they manage its members, profile and what it shares.
    PARTNER_MANAGER = "partner_manager"
    PARTNER = "partner"
    AUDITOR = "auditor"
    PUBLIC = "public"
    # The platform itself: bootstrap, demo seed, migrations of data.
    SYSTEM = "system"


class Scope(StrEnum):
    """The kind of body a membership is held in."""

    ORGANISATION = "organisation"
    COMMISSION = "commission"
    PARTNER = "partner"


COMMISSION_ROLES = frozenset({Role.SECRETARY_GENERAL, Role.STAFF})
ORGANISATION_ROLES = frozenset({Role.SECRETARIAT, Role.AUDITOR})
PARTNER_ROLES = frozenset({Role.PARTNER_MANAGER, Role.PARTNER})

ROLES_OF_SCOPE: dict[Scope, frozenset[Role]] = {
    Scope.ORGANISATION: ORGANISATION_ROLES,
    Scope.COMMISSION: COMMISSION_ROLES,
    Scope.PARTNER: PARTNER_ROLES,
}

# From the widest to the narrowest: the role shown for a person with several.
RANK = (
    Role.SYSTEM,
    Role.SECRETARIAT,
    Role.AUDITOR,
    Role.SECRETARY_GENERAL,
    Role.STAFF,
    Role.PARTNER_MANAGER,
    Role.PARTNER,
    Role.PUBLIC,
)


@dataclass(frozen=True, slots=True)
class Membership:
    """One role held in one body."""

    scope: Scope
    scope_id: UUID | None
    role: Role


@dataclass(frozen=True, slots=True)
class Actor:
    """The authenticated person (or the platform) on whose behalf a command runs.

    ``memberships`` holds every role the person holds, oldest first; an
    authenticated person with none acts as the public does but is still known
    by id (an invited person before joining, a removed member)."""

    id: str
    memberships: tuple[Membership, ...] = ()
    is_system: bool = False

    # --- building ----------------------------------------------------------------------

    @classmethod
    def public(cls) -> Actor:
        return cls(id="")

    @classmethod
    def system(cls) -> Actor:
        return cls(id="system", is_system=True)

    @classmethod
    def of(cls, id: str, memberships: Iterable[Membership]) -> Actor:
        return cls(id=id, memberships=tuple(memberships))

    @classmethod
    def holding(
        cls,
        id: str,
        role: Role,
        *,
        commission_id: UUID | None = None,
        partner_id: UUID | None = None,
    ) -> Actor:
        """A person holding one role: the common case, and the tests' shorthand."""
        if role is Role.SYSTEM:
            return cls(id=id, is_system=True)
        if role is Role.PUBLIC:
            return cls(id=id)
        if role in ORGANISATION_ROLES:
            return cls(id=id, memberships=(Membership(Scope.ORGANISATION, None, role),))
        if role in COMMISSION_ROLES:
            if commission_id is None:
                raise ValueError(f"A {role} membership names its commission.")
            return cls(id=id, memberships=(Membership(Scope.COMMISSION, commission_id, role),))
        if partner_id is None:
            raise ValueError(f"A {role} membership names its partner.")
        return cls(id=id, memberships=(Membership(Scope.PARTNER, partner_id, role),))

    def joining(self, membership: Membership) -> Actor:
        """The same person with one more membership (tests of role combinations)."""
        return Actor(id=self.id, memberships=(*self.memberships, membership), is_system=self.is_system)

    # --- what the policy asks ---------------------------------------------------------

    @property
    def is_authenticated(self) -> bool:
        return bool(self.id)

    def holds(self, role: Role) -> bool:
        """An organisation-wide role (secretariat, auditor), or the platform itself."""
        if role is Role.SYSTEM:
            return self.is_system
        return any(m.role is role for m in self.memberships)

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(m.role for m in self.memberships) | ({Role.SYSTEM} if self.is_system else set())

    @property
    def role(self) -> Role:
        """The widest role held: what the interface shows, never what the policy decides by."""
        held = self.roles
        return next((r for r in RANK if r in held), Role.PUBLIC)

    def _ids(self, scope: Scope, roles: frozenset[Role]) -> tuple[UUID, ...]:
        return tuple(
            m.scope_id
            for m in self.memberships
            if m.scope is scope and m.role in roles and m.scope_id is not None
        )

    @property
    def commission_ids(self) -> tuple[UUID, ...]:
        """The commissions this person works for (staff or secretary-general)."""
        return self._ids(Scope.COMMISSION, COMMISSION_ROLES)

    @property
    def partner_ids(self) -> tuple[UUID, ...]:
        """The partner institutions this person is a member (or manager) of."""
        return self._ids(Scope.PARTNER, PARTNER_ROLES)

    @property
    def commission_id(self) -> UUID | None:
        """The person's first commission: the default of pages that show one."""
        return next(iter(self.commission_ids), None)

    @property
    def partner_id(self) -> UUID | None:
        """The person's first partner institution: the default of pages that show one."""
        return next(iter(self.partner_ids), None)

    def belongs_to_commission(self, commission_id: UUID | None) -> bool:
        return commission_id is not None and commission_id in self.commission_ids

    def manages_commission(self, commission_id: UUID | None) -> bool:
        """Its secretary-general."""
        return commission_id is not None and commission_id in self._ids(
            Scope.COMMISSION, frozenset({Role.SECRETARY_GENERAL})
        )

    def belongs_to_partner(self, partner_id: UUID | None) -> bool:
        return partner_id is not None and partner_id in self.partner_ids

    def manages_partner(self, partner_id: UUID | None) -> bool:
        return partner_id is not None and partner_id in self._ids(
            Scope.PARTNER, frozenset({Role.PARTNER_MANAGER})
        )
