"""Members of the organisation, of a commission or of a partner institution.

Every change records who made it (actor) and, when given, why (rationale): the
audit's decision timeline shows both.

The checks are shared here; each aggregate declares its own events
(``Commission.MemberJoined``, ``Partner.MemberJoined``...) so that every event
topic names the aggregate it belongs to.
"""

from __future__ import annotations

from typing import Any, ClassVar

from events.errors import AlreadyExists, NotFound, ValidationFailed
from events.roles import Role
from events.text import clean_text


def clean_rationale(value: Any) -> str:
    """Why a membership or affiliation changed: optional, kept in the history."""
    return clean_text(value or "", "rationale", max_length=2000, required=False, multiline=True)


def check_role(role: Any, allowed: frozenset[Role]) -> Role:
    try:
        value = Role(role)
    except ValueError:
        value = None
    if value not in allowed:
        raise ValidationFailed.not_one_of("role", sorted(r.value for r in allowed))
    return value


class MembershipRules:
    """Mixed into aggregates that keep ``members``: user id -> role."""

    KIND: ClassVar[str]
    members: dict[str, str]

    def add_member(
        self, user_id: str, role: Role, *, actor: str, command_id: str, rationale: str = ""
    ) -> None:
        if user_id in self.members:
            raise AlreadyExists(f"User {user_id} is already a member of this {self.KIND}.")
        self._member_joined(
            user_id=user_id, role=role.value, actor=actor, command_id=command_id, rationale=rationale
        )

    def remove_member(self, user_id: str, *, actor: str, command_id: str, rationale: str = "") -> None:
        if user_id not in self.members:
            raise NotFound(f"{self.KIND} member", user_id)
        self._member_left(user_id=user_id, actor=actor, command_id=command_id, rationale=rationale)

    def change_member_role(
        self, user_id: str, role: Role, *, actor: str, command_id: str, rationale: str = ""
    ) -> None:
        if user_id not in self.members:
            raise NotFound(f"{self.KIND} member", user_id)
        if self.members[user_id] != role.value:
            self._member_role_changed(
                user_id=user_id, role=role.value, actor=actor, command_id=command_id, rationale=rationale
            )

    # Declared with @event("MemberJoined") etc. by each aggregate.
    def _member_joined(
        self, user_id: str, role: str, actor: str, command_id: str, rationale: str = ""
    ) -> None:
        raise NotImplementedError

    def _member_left(self, user_id: str, actor: str, command_id: str, rationale: str = "") -> None:
        raise NotImplementedError

    def _member_role_changed(
        self, user_id: str, role: str, actor: str, command_id: str, rationale: str = ""
    ) -> None:
        raise NotImplementedError
