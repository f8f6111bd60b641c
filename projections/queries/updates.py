"""Commission updates (news, activity reports, publications), filtered by the policy."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Q, QuerySet

from events import policy
from events.roles import Actor
from projections.models import UpdateEntry


def updates(
    actor: Actor, *, commission: UUID | None = None, state: str = "", kind: str = ""
) -> QuerySet[UpdateEntry]:
    """Commission updates the actor may read: published ones, and every state of
    their own commission's (all of them for the secretariat and auditors)."""
    scope = policy.read_scope(actor)
    queryset = UpdateEntry.objects.all()
    if not scope.everything:
        visible = Q(state="published")
        if scope.commission_ids:
            visible |= Q(commission_id__in=scope.commission_ids)
        queryset = queryset.filter(visible)
    if commission is not None:
        queryset = queryset.filter(commission_id=commission)
    if state:
        queryset = queryset.filter(state=state)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def update_entry(actor: Actor, update_id: UUID) -> UpdateEntry | None:
    """The update, or None when there is none the actor may read."""
    update = UpdateEntry.objects.filter(id=update_id).first()
    if update is None or not policy.may_read_update(actor, update.commission_id, update.state == "published"):
        return None
    return update
