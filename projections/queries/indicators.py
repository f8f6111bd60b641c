"""The dashboard's indicators: figures of a commission or of the platform, daily series."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.db.models import Count, QuerySet

from projections.models import (
    ActivityItem,
    DailyCounter,
    DocumentEntry,
    MessageEntry,
    ProposalEntry,
    UpdateEntry,
    WorkspaceEntry,
)


def indicators(commission: UUID | None, *, days: int = 30, today: dt.date | None = None) -> dict[str, Any]:
    """The figures of a commission (or of the platform without ``commission``) and
    their daily series over the last ``days`` days (from DailyCounter)."""
    today = today or dt.datetime.now(dt.UTC).date()
    start = today - dt.timedelta(days=days - 1)
    month_ago = dt.datetime.combine(today, dt.time.min, tzinfo=dt.UTC) - dt.timedelta(days=29)

    def scoped(queryset: QuerySet[Any], field: str = "commission_id") -> QuerySet[Any]:
        return queryset.filter(**{field: commission}) if commission else queryset

    proposals_by_state = dict(
        scoped(ProposalEntry.objects.all())
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    workspaces_of = WorkspaceEntry.objects.filter(commission_id=commission).values("id")
    messages = MessageEntry.objects.all()
    if commission:
        messages = messages.filter(workspace_id__in=workspaces_of)
    active = scoped(ActivityItem.objects.filter(created_at__gte=month_ago))
    scope_key = str(commission) if commission else "all"
    series: dict[str, list[dict[str, Any]]] = {}
    for row in DailyCounter.objects.filter(scope=scope_key, day__gte=start, day__lte=today).order_by(
        "metric", "day"
    ):
        series.setdefault(row.metric, []).append({"day": row.day.isoformat(), "value": row.value})
    return {
        "commission_id": str(commission) if commission else None,
        "updates_published": scoped(UpdateEntry.objects.filter(state="published")).count(),
        "proposals_by_state": proposals_by_state,
        "active_partnerships": proposals_by_state.get("concluded", 0),
        "documents": scoped(DocumentEntry.objects.filter(archived=False)).count(),
        "messages": messages.filter(retracted=False).count(),
        "members_active_30_days": active.exclude(actor__in=["", "system"]).values("actor").distinct().count(),
        "days": days,
        "series": series,
    }


def indicator_totals(metric: str, *, days: int = 30, today: dt.date | None = None) -> dict[str, int]:
    """One indicator summed over the last ``days`` days, per commission id (and "all")."""
    from django.db.models import Sum

    today = today or dt.datetime.now(dt.UTC).date()
    start = today - dt.timedelta(days=days - 1)
    rows = (
        DailyCounter.objects.filter(metric=metric, day__gte=start, day__lte=today)
        .values("scope")
        .annotate(total=Sum("value"))
    )
    return {row["scope"]: int(row["total"] or 0) for row in rows}
