"""Who is a member of what, and the Actor a signed-in person acts as."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from events.roles import Actor, Membership, Role, Scope
from projections.models import Membership as MembershipRow


def actor_for(user_id: str | None, *, is_authenticated: bool = True) -> Actor:
    """The Actor a signed-in person acts as: every membership they hold, oldest first.

    A person with none (invited but not yet joined, or removed everywhere) acts as
    the public does: they can read what is published and change nothing."""
    if not user_id or not is_authenticated:
        return Actor.public()
    return Actor.of(
        user_id,
        (Membership(Scope(row.scope), row.scope_id, Role(row.role)) for row in memberships_of(user_id)),
    )


def memberships_of(user_id: str) -> QuerySet[MembershipRow]:
    return MembershipRow.objects.filter(user_id=user_id).order_by("since", "key")


def membership_of(user_id: str) -> MembershipRow | None:
    """The person's oldest membership (what a page showing one role shows)."""
    return memberships_of(user_id).first()


def members(scope: str, scope_id: UUID) -> QuerySet[MembershipRow]:
    """The members of the organisation, a commission or a partner, oldest first."""
    return MembershipRow.objects.filter(scope=scope, scope_id=scope_id).order_by("since", "user_id")


def member(scope_id: UUID, user_id: str) -> MembershipRow | None:
    return MembershipRow.objects.filter(key=MembershipRow.key_of(user_id, scope_id)).first()
