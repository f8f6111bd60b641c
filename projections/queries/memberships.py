"""Who is a member of what, and the Actor a signed-in person acts as."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from events.roles import Actor, Role
from projections.models import Membership


def actor_for(user_id: str | None, *, is_authenticated: bool = True) -> Actor:
    """The Actor a signed-in person acts as, from their membership.

    A person with no membership (invited but not yet joined, or removed) acts as
    the public does: they can read what is published and change nothing."""
    if not user_id or not is_authenticated:
        return Actor.public()
    membership = Membership.objects.filter(user_id=user_id).first()
    if membership is None:
        return Actor(id=user_id, role=Role.PUBLIC)
    role = Role(membership.role)
    return Actor(
        id=user_id,
        role=role,
        commission_id=membership.scope_id if membership.scope == "commission" else None,
        partner_id=membership.scope_id if membership.scope == "partner" else None,
    )


def membership_of(user_id: str) -> Membership | None:
    return Membership.objects.filter(user_id=user_id).first()


def members(scope: str, scope_id: UUID) -> QuerySet[Membership]:
    """The members of the organisation, a commission or a partner, oldest first."""
    return Membership.objects.filter(scope=scope, scope_id=scope_id).order_by("since", "user_id")


def member(scope_id: UUID, user_id: str) -> Membership | None:
    return Membership.objects.filter(scope_id=scope_id, user_id=user_id).first()
