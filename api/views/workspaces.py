"""Live workspaces: members, threads, messages, read markers and unread counts."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models.functions import Greatest
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api import people, schema
from api import serializers as inputs
from api.conventions import ApiView
from api.models import ReadMarker
from api.problems import Problem
from events import policy
from events.platform import application
from events.roles import Actor
from projections import queries, render


def _markers(user_id: Any, kind: str, ids: list[UUID]) -> dict[UUID, int]:
    return dict(
        ReadMarker.objects.filter(user_id=user_id, kind=kind, object_id__in=ids).values_list(
            "object_id", "position"
        )
    )


def with_unread(view: ApiView, items: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """Add each thread's (or workspace's) count of unread messages for the reader."""
    user = view.request.user
    if not user.is_authenticated or not items:
        return items
    ids = [UUID(item["id"]) for item in items]
    markers = _markers(user.pk, "thread", ids) if kind == "thread" else {
        **_markers(user.pk, "thread", list(
            queries.threads_of(ids).values_list("id", flat=True))),
        **_markers(user.pk, "workspace", ids),
    }
    counts = queries.unread_counts(
        str(user.pk),
        thread_ids=ids if kind == "thread" else (),
        workspace_ids=ids if kind == "workspace" else (),
        read_up_to=markers,
    )
    for item in items:
        item["unread"] = counts.get(UUID(item["id"]), 0)
    return items


def render_row(row: Any, rendering: Any) -> dict[str, Any] | None:
    return rendering(row) if row is not None else None


def _workspace(actor: Actor, workspace_id: UUID) -> dict[str, Any] | None:
    entry = queries.workspace_entry(actor, workspace_id)
    return render.workspace(entry) if entry else None


def _thread(actor: Actor, thread_id: UUID) -> dict[str, Any] | None:
    entry = queries.thread_entry(actor, thread_id)
    return render.thread(entry) if entry else None


def _message(actor: Actor, message_id: UUID) -> dict[str, Any] | None:
    entry = queries.message_entry(actor, message_id)
    if entry is None:
        return None
    return people.with_names([render.message(entry)], "author", "author_name")[0]


class WorkspacesView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter(
            "scope", str, enum=["mine", "all"],
            description="mine (default): the workspaces you are a member of; all: every "
            "workspace you may read (all of them for the secretariat and auditors).",
        )],
        responses={200: schema.page_of(schema.Workspace)},
        summary="Your workspaces, with unread counts",
    )
    def get(self, request: Request) -> Response:
        scope = request.query_params.get("scope", "mine")
        if scope not in {"mine", "all"}:
            raise Problem(400, "bad_request", "scope must be mine or all.",
                          errors={"scope": ["Must be mine or all."]})
        found = queries.workspaces(self.actor, every_readable=scope == "all")
        response = self.paginate(found, ("-last_activity_at", "id"), render.workspace)
        with_unread(self, response.data["results"], "workspace")
        return response

    @extend_schema(request=inputs.WorkspaceCreation,
                   responses={201: schema.result_of(schema.Workspace)},
                   summary="Create a workspace (you become its first member)")
    def post(self, request: Request) -> Response:
        data = self.valid(inputs.WorkspaceCreation)
        result = self.run(
            application().create_workspace, versioned=False, name=data["name"],
            description=data.get("description", ""), commission_id=data.get("commission_id"),
        )
        return self.respond(result, lambda: _workspace(self.actor, result.id), created=True,
                            location=f"/api/v1/workspaces/{result.id}/")


class WorkspaceView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: schema.Workspace}, summary="One workspace")
    def get(self, request: Request, workspace_id: UUID) -> Response:
        entry = self.found(queries.workspace_entry(self.actor, workspace_id), "workspace",
                           workspace_id)
        body = with_unread(self, [render.workspace(entry)], "workspace")[0]
        return self.detail(body, entry.version)


class WorkspaceMembersView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: schema.page_of(schema.WorkspaceMember)},
                   summary="Members of a workspace")
    def get(self, request: Request, workspace_id: UUID) -> Response:
        self.found(queries.workspace_entry(self.actor, workspace_id), "workspace", workspace_id)
        response = self.paginate(
            queries.workspace_members(workspace_id), ("added_at", "key"),
            lambda m: {"user_id": m.user_id, "added_by": m.added_by,
                       "added_at": m.added_at.isoformat()},
        )
        people.with_person(response.data["results"])
        return response

    @extend_schema(request=inputs.WorkspaceMemberAddition,
                   responses={201: schema.result_of(schema.WorkspaceMemberChange)},
                   summary="Add a member (the workspace's managers)")
    def post(self, request: Request, workspace_id: UUID) -> Response:
        # Managers (the secretary-general of its commission) need not be members: the
        # command decides who may manage.
        self.found(queries.workspace_row(workspace_id), "workspace", workspace_id)
        data = self.valid(inputs.WorkspaceMemberAddition)
        result = self.run(
            application().add_workspace_member, workspace_id=workspace_id, user_id=data["user_id"]
        )
        return self.respond(result, lambda: _member_change(workspace_id, data["user_id"],
                                                           result.version), created=True)


def _member_change(workspace_id: UUID, user_id: str, version: int) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "member": user_id in queries.workspace_member_ids(workspace_id),
        "version": version,
    }


class WorkspaceMemberView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: schema.result_of(schema.WorkspaceMemberChange)},
                   summary="Remove a member")
    def delete(self, request: Request, workspace_id: UUID, user_id: str) -> Response:
        self.found(queries.workspace_row(workspace_id), "workspace", workspace_id)
        result = self.run(
            application().remove_workspace_member, workspace_id=workspace_id, user_id=user_id
        )
        return self.respond(result, lambda: _member_change(workspace_id, user_id, result.version))


class ArchiveWorkspaceView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: schema.result_of(schema.Workspace)},
                   summary="Archive a workspace (read-only from then on)")
    def post(self, request: Request, workspace_id: UUID) -> Response:
        self.found(queries.workspace_row(workspace_id), "workspace", workspace_id)
        result = self.run(application().archive_workspace, workspace_id=workspace_id)
        return self.respond(result, lambda: render_row(queries.workspace_row(workspace_id),
                                                       render.workspace))


class ThreadsView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: schema.page_of(schema.Thread)},
                   summary="Threads of a workspace, with unread counts")
    def get(self, request: Request, workspace_id: UUID) -> Response:
        self.found(queries.workspace_entry(self.actor, workspace_id), "workspace", workspace_id)
        response = self.paginate(queries.threads(workspace_id), ("-started_at", "id"),
                                 render.thread)
        with_unread(self, response.data["results"], "thread")
        return response

    @extend_schema(request=inputs.ThreadStart, responses={201: schema.result_of(schema.Thread)},
                   summary="Start a thread (members)")
    def post(self, request: Request, workspace_id: UUID) -> Response:
        self.found(queries.workspace_entry(self.actor, workspace_id), "workspace", workspace_id)
        data = self.valid(inputs.ThreadStart)
        result = self.run(
            application().start_thread, versioned=False, workspace_id=workspace_id,
            title=data["title"],
        )
        return self.respond(result, lambda: _thread(self.actor, result.id), created=True,
                            location=f"/api/v1/threads/{result.id}/")


class ThreadView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: schema.Thread}, summary="One thread")
    def get(self, request: Request, thread_id: UUID) -> Response:
        entry = self.found(queries.thread_entry(self.actor, thread_id), "thread", thread_id)
        return self.detail(with_unread(self, [render.thread(entry)], "thread")[0], entry.version)

    @extend_schema(request=inputs.ThreadRename, responses={200: schema.result_of(schema.Thread)},
                   summary="Rename a thread")
    def patch(self, request: Request, thread_id: UUID) -> Response:
        self.found(queries.thread_row(thread_id), "thread", thread_id)
        data = self.valid(inputs.ThreadRename)
        result = self.run(application().rename_thread, thread_id=thread_id, title=data["title"])
        return self.respond(result, lambda: render_row(queries.thread_row(thread_id),
                                                       render.thread))


class CloseThreadView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: schema.result_of(schema.Thread)},
                   summary="Close a thread")
    def post(self, request: Request, thread_id: UUID) -> Response:
        self.found(queries.thread_row(thread_id), "thread", thread_id)
        result = self.run(application().close_thread, thread_id=thread_id)
        return self.respond(result, lambda: render_row(queries.thread_row(thread_id),
                                                       render.thread))


class MessagesView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter(
            "after", int, description="Only messages posted after this position, oldest first "
            "(to catch up); without it, newest first.",
        )],
        responses={200: schema.page_of(schema.Message)},
        summary="Messages of a thread (cursor-paginated)",
    )
    def get(self, request: Request, thread_id: UUID) -> Response:
        self.found(queries.thread_entry(self.actor, thread_id), "thread", thread_id)
        after = request.query_params.get("after")
        if after is not None and (not after.isdigit() or len(after) > 18):
            raise Problem(400, "bad_request", "after must be a position (a whole number).",
                          errors={"after": ["Must be a whole number."]})
        found = queries.messages(thread_id, after=int(after) if after is not None else None)
        response = self.paginate(found, "position" if after is not None else "-position",
                                 render.message)
        people.with_names(response.data["results"], "author", "author_name")
        return response

    @extend_schema(request=inputs.MessagePost, responses={201: schema.result_of(schema.Message)},
                   summary="Post a message (members)")
    def post(self, request: Request, thread_id: UUID) -> Response:
        self.found(queries.thread_entry(self.actor, thread_id), "thread", thread_id)
        data = self.valid(inputs.MessagePost)
        result = self.run(
            application().post_message, versioned=False, thread_id=thread_id, text=data["text"],
            mentions=data.get("mentions"),
        )
        return self.respond(result, lambda: _message(self.actor, result.id), created=True,
                            location=f"/api/v1/messages/{result.id}/")


class ReadView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=inputs.ReadPosition, responses={200: schema.ReadMarker},
                   summary="Mark a thread read up to a position")
    def post(self, request: Request, thread_id: UUID) -> Response:
        self.found(queries.thread_entry(self.actor, thread_id), "thread", thread_id)
        position = self.valid(inputs.ReadPosition)["position"]
        marker, created = ReadMarker.objects.get_or_create(
            user=request.user, kind="thread", object_id=thread_id,
            defaults={"position": position},
        )
        if not created:
            # A marker only moves forward: a late request never un-reads messages.
            ReadMarker.objects.filter(pk=marker.pk).update(
                position=Greatest("position", position)
            )
            marker.refresh_from_db()
        unread = with_unread(self, [{"id": str(thread_id)}], "thread")[0]["unread"]
        return Response(self.show(
            {"thread_id": str(thread_id), "position": marker.position, "unread": unread}
        ))


class MessageView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: schema.Message}, summary="One message")
    def get(self, request: Request, message_id: UUID) -> Response:
        self.found(queries.message_entry(self.actor, message_id), "message", message_id)
        body = _message(self.actor, message_id)
        assert body is not None
        return self.detail(body, body["version"])

    @extend_schema(request=inputs.TextEdit, responses={200: schema.result_of(schema.Message)},
                   summary="Edit your message")
    def patch(self, request: Request, message_id: UUID) -> Response:
        self.found(queries.message_entry(self.actor, message_id), "message", message_id)
        data = self.valid(inputs.TextEdit)
        result = self.run(application().edit_message, message_id=message_id, text=data["text"])
        return self.respond(result, lambda: _message(self.actor, message_id))


class RetractMessageView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: schema.result_of(schema.Message)},
                   summary="Retract your message")
    def post(self, request: Request, message_id: UUID) -> Response:
        self.found(queries.message_entry(self.actor, message_id), "message", message_id)
        result = self.run(application().retract_message, message_id=message_id)
        return self.respond(result, lambda: _message(self.actor, message_id))


class MessageHistoryView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: schema.MessageHistory}, summary="Earlier texts of a message")
    def get(self, request: Request, message_id: UUID) -> Response:
        entry = self.found(queries.message_entry(self.actor, message_id), "message", message_id)
        visible = policy.may_read_earlier_texts(self.actor, entry.retracted)
        return Response(self.show({
            "id": str(entry.id),
            "retracted": entry.retracted,
            "text": entry.text if visible else "",
            "history": entry.history if visible else [],
        }))

