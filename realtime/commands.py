"""The commands a socket may send, mapped to the use cases of events/ (the same
ones the REST API runs). Synchronous: the consumer calls :func:`run` through
``database_sync_to_async``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from events.base import CommandResult, scoped_command_id
from events.errors import ValidationFailed
from events.platform import Tawasul, application
from realtime.access import actor_of

UseCase = Callable[..., CommandResult]


@dataclass(frozen=True, slots=True)
class SocketCommand:
    """A command name, its arguments, and the use case it runs."""

    required: frozenset[str]
    optional: frozenset[str]
    use_case: Callable[[Tawasul], UseCase]
    # Arguments that must be whole numbers when given.
    integers: frozenset[str] = frozenset()


COMMANDS: dict[str, SocketCommand] = {
    "message.post": SocketCommand(
        frozenset({"thread_id", "text"}), frozenset({"mentions"}), lambda app: app.post_message
    ),
    "message.edit": SocketCommand(
        frozenset({"message_id", "text"}), frozenset({"expected_version"}), lambda app: app.edit_message,
        frozenset({"expected_version"}),
    ),
    "message.retract": SocketCommand(
        frozenset({"message_id"}), frozenset({"expected_version"}), lambda app: app.retract_message,
        frozenset({"expected_version"}),
    ),
    "thread.start": SocketCommand(
        frozenset({"workspace_id", "title"}), frozenset(), lambda app: app.start_thread
    ),
    "comment.post": SocketCommand(
        frozenset({"resource_kind", "resource_id", "text"}), frozenset(), lambda app: app.post_comment
    ),
}
# Ephemeral: handled by the consumer and the hub, never stored.
TYPING = "typing"
NAMES = (*COMMANDS, TYPING)


def check_arguments(name: str, args: dict[str, Any]) -> None:
    """ValidationFailed (with errors per argument) unless ``args`` fit the command."""
    command = COMMANDS[name]
    errors: dict[str, list[str]] = {}
    for missing in sorted(command.required - args.keys()):
        errors[missing] = ["This argument is required."]
    for unknown in sorted(args.keys() - command.required - command.optional):
        errors[unknown] = ["Unknown argument."]
    for key in command.integers & args.keys():
        value = args[key]
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            errors[key] = ["Must be a whole number."]
    for key in ("text", "title", "resource_kind") & args.keys():
        if not isinstance(args[key], str):
            errors[key] = ["Must be a string."]
    for key in ("thread_id", "message_id", "workspace_id", "resource_id") & args.keys():
        if not isinstance(args[key], str):
            errors[key] = ["Must be a valid UUID."]
    if "mentions" in args and args["mentions"] is not None and (
        not isinstance(args["mentions"], list) or not all(isinstance(m, str) for m in args["mentions"])
    ):
        errors["mentions"] = ["A list of user ids."]
    if errors:
        raise ValidationFailed("Some arguments are missing or not valid.", errors=errors)


def run(user_id: str, name: str, client_id: str, args: dict[str, Any]) -> CommandResult:
    """Run a socket command for a signed-in person, as they are now; the client's id,
    scoped to them, is the command id (idempotency, as Idempotency-Key over REST)."""
    check_arguments(name, args)
    actor = actor_of(user_id)
    command_id = scoped_command_id(actor.id, client_id)
    use_case = COMMANDS[name].use_case(application())
    return use_case(actor, command_id=command_id, **args)
