"""The activity feed, filtered by the policy."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.db.models import Q, QuerySet

from events import policy
from events.roles import Actor
from projections.models import ActivityItem
from projections.queries.access import workspaces_of_member


def activity(
    actor: Actor,
    *,
    commission: UUID | None = None,
    kind: str = "",
    actor_id: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[ActivityItem]:
    """The activity items the actor may read (events.policy.may_read_activity):
    everything for the secretariat and auditors; their commission's activity
    outside workspaces; the activity of the workspaces they belong to."""
    scope = policy.read_scope(actor)
    queryset = ActivityItem.objects.all()
    if not scope.everything:
        visible = Q(pk__in=[])
        if scope.commission_ids:
            visible |= Q(workspace_id__isnull=True, commission_id__in=scope.commission_ids)
        if scope.user_id:
            visible |= Q(workspace_id__in=workspaces_of_member(scope))
        queryset = queryset.filter(visible)
    if commission is not None:
        queryset = queryset.filter(commission_id=commission)
    if kind:
        # "message" matches every message.* kind; "message.posted" one kind.
        queryset = queryset.filter(kind=kind) if "." in kind else queryset.filter(kind__startswith=f"{kind}.")
    if actor_id:
        queryset = queryset.filter(actor=actor_id)
    if since is not None:
        queryset = queryset.filter(created_at__gte=since)
    if until is not None:
        queryset = queryset.filter(created_at__lt=until)
    return queryset
