"""The frames of docs/protocol.md: parsing what clients send, building what they get.

Pure functions and constants, no I/O: the consumer calls :func:`parse` on each
incoming text frame and sends what the builders return.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# --- limits (docs/protocol.md, "Limits") ----------------------------------------------------
MAX_FRAME_BYTES = 64 * 1024
# Daphne drops the connection over this size without handing the frame to us.
HARD_FRAME_BYTES = 256 * 1024
COMMANDS_PER_SECOND = 20
OTHER_FRAMES_PER_SECOND = 50
MAX_SUBSCRIPTIONS = 100
OUTBOX_MAX_FRAMES = 1000
OUTBOX_MAX_BYTES = 4 * 1024 * 1024
CATCH_UP_HOLD_MAX = 5000
MAX_STREAM_NAME = 120
MAX_POSITION = 2**63 - 1

CLIENT_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,80}$")


def limits() -> dict[str, int]:
    return {
        "max_frame_bytes": MAX_FRAME_BYTES,
        "commands_per_second": COMMANDS_PER_SECOND,
        "max_subscriptions": MAX_SUBSCRIPTIONS,
    }


class ProtocolError(Exception):
    """A frame refused before anything ran: answered with an error frame."""

    def __init__(
        self,
        code: str,
        detail: str,
        *,
        id: str | None = None,
        stream: str | None = None,
        errors: Mapping[str, list[str]] | None = None,
    ) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.id = id
        self.stream = stream
        self.errors = dict(errors or {})

    def frame(self) -> str:
        return error(self.code, self.detail, id=self.id, stream=self.stream, errors=self.errors)


# --- what clients send -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Subscribe:
    stream: str
    after: int | None


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    stream: str


@dataclass(frozen=True, slots=True)
class Command:
    id: str
    name: str
    args: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Ping:
    id: str | int | None


Frame = Subscribe | Unsubscribe | Command | Ping


def encoded_size_over(text: str, limit: int) -> bool:
    """True when ``text`` takes more than ``limit`` bytes in UTF-8 (without encoding
    short texts: a character takes at most 4 bytes)."""
    if len(text) > limit:
        return True
    return len(text) * 4 > limit and len(text.encode("utf-8", "surrogatepass")) > limit


def parse(text: str | None, data: bytes | None = None) -> Frame:
    """One incoming WebSocket message as a frame, or ProtocolError."""
    if text is None:
        if data is not None and len(data) > MAX_FRAME_BYTES:
            raise ProtocolError("too_large", f"Frames are limited to {MAX_FRAME_BYTES} bytes.")
        raise ProtocolError("malformed", "Binary frames are not accepted: send JSON text frames.")
    if encoded_size_over(text, MAX_FRAME_BYTES):
        raise ProtocolError("too_large", f"Frames are limited to {MAX_FRAME_BYTES} bytes.")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise ProtocolError("malformed", "The frame is not valid JSON.") from None
    if not isinstance(value, dict):
        raise ProtocolError("malformed", "A frame is a JSON object with a \"type\".")
    kind = value.get("type")
    if not isinstance(kind, str):
        raise ProtocolError("malformed", "A frame is a JSON object with a \"type\".")
    if kind == "subscribe":
        stream = _stream_of(value)
        return Subscribe(stream, _after_of(value, stream))
    if kind == "unsubscribe":
        return Unsubscribe(_stream_of(value))
    if kind == "command":
        return _command_of(value)
    if kind == "ping":
        ping_id = value.get("id")
        return Ping(ping_id if isinstance(ping_id, str | int) and not isinstance(ping_id, bool) else None)
    raise ProtocolError(
        "unknown_type",
        "Unknown frame type: expected subscribe, unsubscribe, command or ping.",
    )


def _stream_of(value: dict[str, Any]) -> str:
    stream = value.get("stream")
    if not isinstance(stream, str) or not stream or len(stream) > MAX_STREAM_NAME:
        raise ProtocolError(
            "invalid",
            "\"stream\" must name a stream: thread:<id>, workspace:<id>, feed:commission:<id>, "
            "feed:all or user:me.",
            errors={"stream": ["Not a stream name."]},
        )
    return stream


def _after_of(value: dict[str, Any], stream: str) -> int | None:
    after = value.get("after")
    if after is None:
        return None
    if isinstance(after, bool) or not isinstance(after, int) or not 0 <= after <= MAX_POSITION:
        raise ProtocolError(
            "invalid",
            "\"after\" must be null or the position of the last item you have (a whole number >= 0).",
            stream=stream,
            errors={"after": ["Must be null or a whole number >= 0."]},
        )
    return after


def _command_of(value: dict[str, Any]) -> Command:
    command_id = value.get("id")
    if not isinstance(command_id, str) or not CLIENT_ID.match(command_id):
        raise ProtocolError(
            "invalid",
            "A command needs an \"id\" of 1 to 80 letters, digits or ._:- (a fresh UUID).",
            id=command_id if isinstance(command_id, str) and len(command_id) <= 200 else None,
            errors={"id": ["1 to 80 letters, digits or ._:-"]},
        )
    name = value.get("name")
    args = value.get("args", {})
    if not isinstance(name, str) or not isinstance(args, dict):
        raise ProtocolError(
            "malformed",
            "A command has a \"name\" (a string) and \"args\" (an object).",
            id=command_id,
        )
    return Command(command_id, name, args)


# --- what clients get ------------------------------------------------------------------------------


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def event(label: str, position: int, kind: str, data_json: str) -> str:
    """An event frame; ``data_json`` is the item's data encoded once for every socket."""
    return (
        f'{{"type":"event","stream":{dumps(label)},"position":{position},'
        f'"kind":{dumps(kind)},"data":{data_json}}}'
    )


def welcome(user_id: str) -> str:
    return dumps({"type": "welcome", "user_id": user_id, "limits": limits()})


def subscribed(label: str, position: int) -> str:
    return dumps({"type": "subscribed", "stream": label, "position": position})


def unsubscribed(label: str, reason: str | None = None) -> str:
    frame: dict[str, Any] = {"type": "unsubscribed", "stream": label}
    if reason:
        frame["reason"] = reason
    return dumps(frame)


def resubscribe(label: str, after: int, reason: str) -> str:
    return dumps({"type": "resubscribe", "stream": label, "after": after, "reason": reason})


def ack(
    command_id: str, position: int | None, *, kind: str | None = None, object_id: str | None = None,
    version: int | None = None,
) -> str:
    frame: dict[str, Any] = {"type": "ack", "id": command_id, "position": position}
    if kind is not None:
        frame.update(kind=kind, object_id=object_id, version=version)
    return dumps(frame)


def error(
    code: str,
    detail: str,
    *,
    id: str | None = None,
    stream: str | None = None,
    errors: Mapping[str, list[str]] | None = None,
) -> str:
    frame: dict[str, Any] = {"type": "error", "code": code, "detail": detail}
    if id is not None:
        frame["id"] = id
    if stream is not None:
        frame["stream"] = stream
    if errors:
        frame["errors"] = {k: list(v) for k, v in errors.items()}
    return dumps(frame)


def presence(label: str, present: list[str]) -> str:
    return dumps({"type": "presence", "stream": label, "present": present})


def typing(label: str, user_id: str) -> str:
    return dumps({"type": "typing", "stream": label, "user_id": user_id})


def pong(ping_id: str | int | None) -> str:
    return dumps({"type": "pong"} if ping_id is None else {"type": "pong", "id": ping_id})
