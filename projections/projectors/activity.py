"""The activity feed (one item per event) and the daily counters of the indicators."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from projections.base import EventContext, Projector
from projections.kinds import kind_of
from projections.models import (
    ActivityItem,
    CommentEntry,
    CommissionEntry,
    DailyCounter,
    DocumentEntry,
    MeetingEntry,
    MessageEntry,
    PartnerEntry,
    ProposalEntry,
    ThreadEntry,
    UpdateEntry,
    WorkspaceEntry,
)
from projections.unit import Rows

Described = tuple[dict[str, str], UUID | None, UUID | None]  # label, commission, workspace


def _plain(text: str) -> dict[str, str]:
    return {"default": text}


def describe(rows: Rows, kind: str, object_id: UUID) -> Described:
    """Label, commission and workspace of an object, from the batch's read models."""
    if kind == "commission":
        commission = rows.get(CommissionEntry, object_id)
        return (commission.name if commission else {}), object_id, None
    if kind == "partner":
        partner = rows.get(PartnerEntry, object_id)
        if partner is None:
            return {}, None, None
        first = UUID(partner.commission_ids[0]) if partner.commission_ids else None
        return partner.name, first, None
    if kind == "update":
        update = rows.get(UpdateEntry, object_id)
        return (update.title, update.commission_id, None) if update else ({}, None, None)
    if kind == "proposal":
        proposal = rows.get(ProposalEntry, object_id)
        return (proposal.title, proposal.commission_id, None) if proposal else ({}, None, None)
    if kind == "workspace":
        workspace = rows.get(WorkspaceEntry, object_id)
        if workspace is None:
            return {}, None, None
        return _plain(workspace.name), workspace.commission_id, workspace.id
    if kind == "thread":
        thread = rows.get(ThreadEntry, object_id)
        if thread is None:
            return {}, None, None
        _, commission_id, workspace_id = describe(rows, "workspace", thread.workspace_id)
        return _plain(thread.title), commission_id, workspace_id
    if kind == "message":
        message = rows.get(MessageEntry, object_id)
        if message is None:
            return {}, None, None
        return describe(rows, "thread", message.thread_id)
    if kind == "document":
        document = rows.get(DocumentEntry, object_id)
        if document is None:
            return {}, None, None
        in_workspace = document.resource_id if document.resource_kind == "workspace" else None
        return _plain(document.name), document.commission_id, in_workspace
    if kind == "meeting":
        meeting = rows.get(MeetingEntry, object_id)
        if meeting is None:
            return {}, None, None
        # An invited meeting's activity is for those who read everything: the people
        # of the commission it concerns are not all invited.
        shared = meeting.commission_ids and meeting.visibility != "invited"
        return meeting.title, (UUID(meeting.commission_ids[0]) if shared else None), None
    if kind == "comment":
        comment = rows.get(CommentEntry, object_id)
        if comment is None:
            return {}, None, None
        return describe(rows, comment.resource_kind, comment.resource_id)
    return {}, None, None


class ActivityProjector(Projector):
    name = "activity"
    models = (ActivityItem,)
    sees_every_event = True
    depends_on = ("directory", "updates", "pipeline", "workspaces", "comments", "documents", "meetings")

    def on_event(self, event: Any, context: EventContext) -> None:
        kind = kind_of(context.topic)
        object_kind = kind.split(".", 1)[0]
        label, commission_id, workspace_id = describe(context.rows, object_kind, context.aggregate_id)
        if kind == "partner.affiliated_with_commission":
            commission_id = event.commission_id
        context.rows.add(
            ActivityItem(
                position=context.position,
                kind=kind,
                actor=context.actor,
                object_kind=object_kind,
                object_id=context.aggregate_id,
                label=label,
                commission_id=commission_id,
                workspace_id=workspace_id,
                created_at=context.timestamp,
            )
        )


# Event kinds counted per day, and the indicator each one feeds.
METRICS = {
    "update.published": "updates_published",
    "proposal.submitted": "proposals_submitted",
    "proposal.accepted": "proposals_accepted",
    "proposal.concluded": "partnerships_concluded",
    "document.uploaded": "documents_uploaded",
    "message.posted": "messages_posted",
    "comment.posted": "comments_posted",
    "partner.registered": "partners_registered",
}


class IndicatorsProjector(Projector):
    name = "indicators"
    models = (DailyCounter,)
    sees_every_event = True
    depends_on = ("activity",)

    def on_event(self, event: Any, context: EventContext) -> None:
        item = context.rows.get(ActivityItem, context.position)
        if item is None:
            return
        day = context.timestamp.date()
        metrics = ["actions"]
        if item.kind in METRICS:
            metrics.append(METRICS[item.kind])
        scopes = ["all"] + ([str(item.commission_id)] if item.commission_id else [])
        counted = [(self._key(scope, day, metric), scope, metric) for scope in scopes for metric in metrics]
        context.rows.prefetch(DailyCounter, [key for key, _, _ in counted])  # one query, not four
        for key, scope, metric in counted:
            self._count(context.rows, key, scope, day, metric)

    @staticmethod
    def _key(scope: str, day: date, metric: str) -> str:
        return f"{scope}|{day.isoformat()}|{metric}"

    @staticmethod
    def _count(rows: Rows, key: str, scope: str, day: date, metric: str) -> None:
        counter = rows.get(DailyCounter, key)
        if counter is None:
            rows.add(DailyCounter(key=key, scope=scope, day=day, metric=metric, value=1))
        else:
            counter.value += 1
            rows.changed(counter)
