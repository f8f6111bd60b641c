"""Invitations: the ones a person may see, and the one a link names."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Q, QuerySet

from events import policy
from events.roles import Actor
from projections.models import InvitationEntry


def visible_invitations(actor: Actor) -> QuerySet[InvitationEntry]:
    """The invitations an actor sent, or could send (the secretariat sees all)."""
    if policy.may_manage_organisation(actor):
        return InvitationEntry.objects.all()
    visible = Q(invited_by=actor.id)
    managed = [c for c in actor.commission_ids if actor.manages_commission(c)]
    if managed:
        visible |= Q(scope="commission", scope_id__in=managed)
    managed_partners = [p for p in actor.partner_ids if actor.manages_partner(p)]
    if managed_partners:
        visible |= Q(scope="partner", scope_id__in=managed_partners)
    return InvitationEntry.objects.filter(visible)


def invitation_entry(invitation_id: UUID) -> InvitationEntry | None:
    return InvitationEntry.objects.filter(id=invitation_id).first()


def invitation_of_token(token_hash: str) -> InvitationEntry | None:
    return InvitationEntry.objects.filter(token_hash=token_hash).first()
