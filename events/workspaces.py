"""Live workspaces: workspaces with members, their threads, and messages.

Aggregate boundaries keep each command's cost independent of history: a message
is its own aggregate (posting loads the small workspace and thread aggregates,
never the thread's messages), so a thread with 100,000 messages takes a new one
as fast as an empty thread. Workspaces are snapshotted (see events/platform.py)
so that a long membership history stays cheap to load.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import event

from events import policy
from events.application import EventStoreApplication
from events.base import Outcome, TawasulAggregate, as_uuid, command, require
from events.commissions import Commission
from events.errors import AlreadyExists, IllegalTransition, NotFound, ValidationFailed
from events.kinds import PLAIN, Kind, declare
from events.roles import Actor
from events.text import DESCRIPTION_MAX, MESSAGE_MAX, NAME_MAX, TITLE_MAX, clean_text
from events.writing import AuthoredText

MAX_MENTIONS = 50


class Workspace(TawasulAggregate):
    KIND = "workspace"

    @event("Created")
    def __init__(
        self,
        id: UUID,
        name: str,
        description: str,
        commission_id: UUID | None,
        actor: str,
        command_id: str,
    ):
        self.name = name
        self.description = description
        self.commission_id = commission_id
        self.created_by = actor
        # The creator is the first member.
        self.members: list[str] = [actor]
        self.archived = False

    def _check_active(self, action: str) -> None:
        if self.archived:
            raise IllegalTransition(self.KIND, "archived", action)

    def add_member(self, user_id: str, *, actor: str, command_id: str) -> None:
        self._check_active("add a member to")
        if user_id in self.members:
            raise AlreadyExists(f"User {user_id} is a member of this workspace already.")
        self._member_added(user_id=user_id, actor=actor, command_id=command_id)

    @event("MemberAdded")
    def _member_added(self, user_id: str, actor: str, command_id: str) -> None:
        self.members.append(user_id)

    def remove_member(self, user_id: str, *, actor: str, command_id: str) -> None:
        self._check_active("remove a member from")
        if user_id not in self.members:
            raise NotFound("workspace member", user_id)
        self._member_removed(user_id=user_id, actor=actor, command_id=command_id)

    @event("MemberRemoved")
    def _member_removed(self, user_id: str, actor: str, command_id: str) -> None:
        self.members.remove(user_id)

    def archive(self, *, actor: str, command_id: str) -> None:
        self._check_active("archive")
        self._archived(actor=actor, command_id=command_id)

    @event("Archived")
    def _archived(self, actor: str, command_id: str) -> None:
        self.archived = True


class Thread(TawasulAggregate):
    KIND = "thread"

    @event("Started")
    def __init__(self, id: UUID, workspace_id: UUID, title: str, actor: str, command_id: str):
        self.workspace_id = workspace_id
        self.title = title
        self.started_by = actor
        self.closed = False

    def rename(self, title: str, *, actor: str, command_id: str) -> None:
        if self.closed:
            raise IllegalTransition(self.KIND, "closed", "rename")
        if title != self.title:
            self._renamed(title=title, actor=actor, command_id=command_id)

    @event("Renamed")
    def _renamed(self, title: str, actor: str, command_id: str) -> None:
        self.title = title

    def close(self, *, actor: str, command_id: str) -> None:
        if self.closed:
            raise IllegalTransition(self.KIND, "closed", "close")
        self._closed(actor=actor, command_id=command_id)

    @event("Closed")
    def _closed(self, actor: str, command_id: str) -> None:
        self.closed = True


class Message(AuthoredText, TawasulAggregate):
    KIND = "message"

    @event("Posted")
    def __init__(
        self,
        id: UUID,
        thread_id: UUID,
        workspace_id: UUID,
        text: str,
        mentions: list[str],
        actor: str,
        command_id: str,
    ):
        self.thread_id = thread_id
        self.workspace_id = workspace_id
        self.text = text
        self.mentions = mentions
        self.author = actor
        self.retracted = False
        # Earlier texts, oldest first: the edit history.
        self.history: list[str] = []

    @event("Edited")
    def _edited(self, text: str, actor: str, command_id: str) -> None:
        self._apply_edit(text)

    @event("Retracted")
    def _retracted(self, actor: str, command_id: str) -> None:
        # The text stays in the history of events (auditors see it); readers see
        # the retraction.
        self.retracted = True


def clean_mentions(mentions: Any, members: list[str]) -> list[str]:
    if mentions is None:
        return []
    if not isinstance(mentions, list | tuple) or len(mentions) > MAX_MENTIONS:
        raise ValidationFailed.field("mentions", f"A list of at most {MAX_MENTIONS} user ids.")
    cleaned = list(dict.fromkeys(str(m) for m in mentions))
    outsiders = [m for m in cleaned if m not in members]
    if outsiders:
        raise ValidationFailed.field("mentions", "Only members of the workspace can be mentioned.")
    return cleaned


class WorkspaceUseCases(EventStoreApplication):
    def workspace(self, workspace_id: UUID | str) -> Workspace:
        return self.load(Workspace, as_uuid(workspace_id, "workspace_id"))

    def _workspace_to_manage(
        self, actor: Actor, workspace_id: UUID, expected_version: int | None = None
    ) -> Workspace:
        workspace = self.load(Workspace, as_uuid(workspace_id, "workspace_id"), expected_version)
        require(
            policy.may_manage_workspace(actor, workspace.commission_id, workspace.created_by),
            "Only the workspace's creator, its commission's secretary-general and the secretariat manage it.",
        )
        return workspace

    def _workspace_to_take_part(self, actor: Actor, workspace_id: UUID, action: str) -> Workspace:
        workspace = self.read(Workspace, as_uuid(workspace_id, "workspace_id"))
        require(
            policy.may_take_part(actor, workspace.members),
            "Only members of the workspace take part in it.",
        )
        if workspace.archived:
            raise IllegalTransition(workspace.KIND, "archived", action)
        return workspace

    @command("workspace.create")
    def create_workspace(
        self,
        actor: Actor,
        *,
        command_id: str,
        name: str,
        description: str = "",
        commission_id: UUID | None = None,
    ) -> Outcome:
        require(policy.may_create_workspace(actor), "Your role cannot create workspaces.")
        commission = self.load(Commission, as_uuid(commission_id, "commission_id")) if commission_id else None
        workspace = Workspace(
            id=uuid4(),
            name=clean_text(name, "name", max_length=NAME_MAX),
            description=clean_text(
                description,
                "description",
                max_length=DESCRIPTION_MAX,
                required=False,
                multiline=True,
            ),
            commission_id=commission.id if commission else None,
            actor=actor.id,
            command_id=command_id,
        )
        return Outcome(workspace)

    @command("workspace.add_member")
    def add_workspace_member(
        self,
        actor: Actor,
        *,
        command_id: str,
        workspace_id: UUID,
        user_id: str,
        expected_version: int | None = None,
    ) -> Outcome:
        workspace = self._workspace_to_manage(actor, workspace_id, expected_version)
        workspace.add_member(
            clean_text(user_id, "user_id", max_length=64), actor=actor.id, command_id=command_id
        )
        return Outcome(workspace, data={"user_id": user_id})

    @command("workspace.remove_member")
    def remove_workspace_member(
        self,
        actor: Actor,
        *,
        command_id: str,
        workspace_id: UUID,
        user_id: str,
        expected_version: int | None = None,
    ) -> Outcome:
        workspace = self._workspace_to_manage(actor, workspace_id, expected_version)
        workspace.remove_member(user_id, actor=actor.id, command_id=command_id)
        return Outcome(workspace, data={"user_id": user_id})

    @command("workspace.archive")
    def archive_workspace(
        self,
        actor: Actor,
        *,
        command_id: str,
        workspace_id: UUID,
        expected_version: int | None = None,
    ) -> Outcome:
        workspace = self._workspace_to_manage(actor, workspace_id, expected_version)
        workspace.archive(actor=actor.id, command_id=command_id)
        return Outcome(workspace)

    # --- threads ---------------------------------------------------------------------

    @command("thread.start")
    def start_thread(self, actor: Actor, *, command_id: str, workspace_id: UUID, title: str) -> Outcome:
        workspace = self._workspace_to_take_part(actor, workspace_id, "start a thread in")
        thread = Thread(
            id=uuid4(),
            workspace_id=workspace.id,
            title=clean_text(title, "title", max_length=TITLE_MAX),
            actor=actor.id,
            command_id=command_id,
        )
        return Outcome(thread)

    def _thread_to_moderate(self, actor: Actor, thread_id: UUID, expected_version: int | None) -> Thread:
        thread = self.load(Thread, as_uuid(thread_id, "thread_id"), expected_version)
        workspace = self.workspace(thread.workspace_id)
        require(
            (actor.id == thread.started_by and policy.may_take_part(actor, workspace.members))
            or policy.may_moderate_workspace(actor, workspace.commission_id, workspace.created_by),
            "Only the thread's starter and the workspace's managers rename or close it.",
        )
        return thread

    @command("thread.rename")
    def rename_thread(
        self,
        actor: Actor,
        *,
        command_id: str,
        thread_id: UUID,
        title: str,
        expected_version: int | None = None,
    ) -> Outcome:
        thread = self._thread_to_moderate(actor, thread_id, expected_version)
        thread.rename(clean_text(title, "title", max_length=TITLE_MAX), actor=actor.id, command_id=command_id)
        return Outcome(thread)

    @command("thread.close")
    def close_thread(
        self,
        actor: Actor,
        *,
        command_id: str,
        thread_id: UUID,
        expected_version: int | None = None,
    ) -> Outcome:
        thread = self._thread_to_moderate(actor, thread_id, expected_version)
        thread.close(actor=actor.id, command_id=command_id)
        return Outcome(thread)

    # --- messages ----------------------------------------------------------------------

    @command("message.post")
    def post_message(
        self,
        actor: Actor,
        *,
        command_id: str,
        thread_id: UUID,
        text: str,
        mentions: list[str] | None = None,
    ) -> Outcome:
        """Post a message in a thread of a workspace the actor is a member of."""
        thread = self.read(Thread, as_uuid(thread_id, "thread_id"))
        workspace = self._workspace_to_take_part(actor, thread.workspace_id, "post in")
        if thread.closed:
            raise IllegalTransition(thread.KIND, "closed", "post in")
        message = Message(
            id=uuid4(),
            thread_id=thread.id,
            workspace_id=workspace.id,
            text=clean_text(text, "text", max_length=MESSAGE_MAX, multiline=True),
            mentions=clean_mentions(mentions, workspace.members),
            actor=actor.id,
            command_id=command_id,
        )
        return Outcome(message)

    def _own_message(self, actor: Actor, message_id: UUID, expected_version: int | None) -> Message:
        message = self.load(Message, as_uuid(message_id, "message_id"), expected_version)
        require(
            policy.may_change_own_writing(actor, message.author),
            "Only its author edits or retracts a message.",
        )
        workspace = self.workspace(message.workspace_id)
        require(policy.may_take_part(actor, workspace.members), "You left this workspace.")
        return message

    @command("message.edit")
    def edit_message(
        self,
        actor: Actor,
        *,
        command_id: str,
        message_id: UUID,
        text: str,
        expected_version: int | None = None,
    ) -> Outcome:
        message = self._own_message(actor, message_id, expected_version)
        message.edit(
            clean_text(text, "text", max_length=MESSAGE_MAX, multiline=True),
            actor=actor.id,
            command_id=command_id,
        )
        return Outcome(message)

    @command("message.retract")
    def retract_message(
        self,
        actor: Actor,
        *,
        command_id: str,
        message_id: UUID,
        expected_version: int | None = None,
    ) -> Outcome:
        message = self._own_message(actor, message_id, expected_version)
        message.retract(actor=actor.id, command_id=command_id)
        return Outcome(message)


EVENT_KINDS = {
    **declare(
        Workspace,
        created=PLAIN,
        archived=PLAIN,
        member_added=Kind(changes_access=True, tells="user_id"),
        member_removed=Kind(changes_access=True, tells="user_id"),
    ),
    **declare(Thread, started=PLAIN, renamed=PLAIN, closed=PLAIN),
    **declare(
        Message, posted=Kind(tells="mentions"), edited=PLAIN, retracted=PLAIN
    ),
}
