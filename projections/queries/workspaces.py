"""Workspaces, their threads and messages, and the unread counts of a reader."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from uuid import UUID

from django.db.models import Count, Q, QuerySet

from events import policy
from events.policy import ReadScope
from events.roles import Actor
from projections.models import MessageEntry, ThreadEntry, WorkspaceEntry, WorkspaceMember
from projections.queries.access import workspace_member_ids, workspaces_of_member


def workspaces(actor: Actor, *, every_readable: bool = False) -> QuerySet[WorkspaceEntry]:
    """The workspaces the actor is a member of; with ``every_readable``, every workspace
    they may read (all of them for the secretariat and auditors)."""
    scope = policy.read_scope(actor)
    if every_readable and scope.everything:
        return WorkspaceEntry.objects.all()
    if not actor.is_authenticated:
        return WorkspaceEntry.objects.none()
    return WorkspaceEntry.objects.filter(id__in=workspaces_of_member(ReadScope(user_id=actor.id)))


def workspace_entry(actor: Actor, workspace_id: UUID) -> WorkspaceEntry | None:
    workspace = WorkspaceEntry.objects.filter(id=workspace_id).first()
    if workspace is None or not policy.may_read_workspace(actor, workspace_member_ids(workspace.id)):
        return None
    return workspace


def workspace_row(workspace_id: UUID) -> WorkspaceEntry | None:
    """The workspace whoever asks: for commands that decide permission themselves
    (its managers need not be members)."""
    return WorkspaceEntry.objects.filter(id=workspace_id).first()


def workspace_members(workspace_id: UUID) -> QuerySet[WorkspaceMember]:
    return WorkspaceMember.objects.filter(workspace_id=workspace_id).order_by("added_at", "user_id")


def threads(workspace_id: UUID) -> QuerySet[ThreadEntry]:
    return ThreadEntry.objects.filter(workspace_id=workspace_id)


def threads_of(workspace_ids: Iterable[UUID]) -> QuerySet[ThreadEntry]:
    return ThreadEntry.objects.filter(workspace_id__in=list(workspace_ids))


def thread_row(thread_id: UUID) -> ThreadEntry | None:
    """The thread whoever asks (for moderation commands, which check permission)."""
    return ThreadEntry.objects.filter(id=thread_id).first()


def thread_entry(actor: Actor, thread_id: UUID) -> ThreadEntry | None:
    thread = ThreadEntry.objects.filter(id=thread_id).first()
    if thread is None or not policy.may_read_workspace(actor, workspace_member_ids(thread.workspace_id)):
        return None
    return thread


def messages(thread_id: UUID, *, after: int | None = None) -> QuerySet[MessageEntry]:
    """The messages of a thread; ``after`` keeps those posted after a position."""
    queryset = MessageEntry.objects.filter(thread_id=thread_id)
    if after is not None:
        queryset = queryset.filter(position__gt=after)
    return queryset


def message_entry(actor: Actor, message_id: UUID) -> MessageEntry | None:
    message = MessageEntry.objects.filter(id=message_id).first()
    if message is None or not policy.may_read_workspace(actor, workspace_member_ids(message.workspace_id)):
        return None
    return message


def messages_before(thread_id: UUID, *, before: int | None = None, limit: int = 50) -> list[MessageEntry]:
    """The last ``limit`` messages of a thread (before a position), oldest first."""
    queryset = MessageEntry.objects.filter(thread_id=thread_id)
    if before is not None:
        queryset = queryset.filter(position__lt=before)
    return list(reversed(queryset.order_by("-position")[:limit]))


def unread_counts(
    user_id: str,
    *,
    thread_ids: Iterable[UUID] = (),
    workspace_ids: Iterable[UUID] = (),
    read_up_to: Mapping[UUID, int],
) -> dict[UUID, int]:
    """Messages by others, not retracted, after the reader's marker (``read_up_to``:
    thread or workspace id -> position read), per thread and per workspace."""
    counts: dict[UUID, int] = {}
    thread_ids, workspace_ids = list(thread_ids), list(workspace_ids)
    base = MessageEntry.objects.exclude(author=user_id).exclude(retracted=True)

    def already_read(ids: Iterable[UUID], field: str) -> Q:
        read = Q(pk__in=[])
        for object_id in ids:
            if read_up_to.get(object_id):
                read |= Q(**{field: object_id, "position__lte": read_up_to[object_id]})
        return read

    if thread_ids:
        per_thread = (
            base.filter(thread_id__in=thread_ids)
            .exclude(already_read(thread_ids, "thread_id"))
            .values("thread_id")
            .annotate(n=Count("id"))
        )
        counts.update({row["thread_id"]: row["n"] for row in per_thread})
    if workspace_ids:
        thread_of = ThreadEntry.objects.filter(workspace_id__in=workspace_ids).values_list("id", flat=True)
        per_workspace = (
            base.filter(workspace_id__in=workspace_ids)
            .exclude(already_read(thread_of, "thread_id"))
            .exclude(already_read(workspace_ids, "workspace_id"))
            .values("workspace_id")
            .annotate(n=Count("id"))
        )
        counts.update({row["workspace_id"]: row["n"] for row in per_workspace})
    return counts
