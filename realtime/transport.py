"""The hub's two shortcuts to Daphne's side of one socket.

- How many bytes wait in the server's own write buffer. Daphne's ``send`` never
  blocks: a WebSocket frame goes straight into the Twisted transport's buffer,
  which grows without bound when the client reads slowly. To keep each socket's
  buffer bounded, the hub needs that buffer's size.
- Writing a text frame now. Going through the ASGI ``send`` costs a task per
  socket and per item (the hub's writer), two coroutines and Daphne's checks; at
  a hundred sockets that is most of the fan-out's time. The hub writes a live
  frame straight to the socket's transport when nothing else waits for that
  socket: the frame's bytes, built once for all the sockets of a stream, exactly
  as autobahn would write them (through autobahn's ``sendMessage`` when the
  socket negotiated compression or autobahn has something half-sent).

Both come from the protocol behind the ASGI ``send`` callable Daphne gives the
application (``functools.partial(server.handle_reply, protocol)``, wrapped by
Channels' session middleware). On any other server they are None: the hub
bounds its own outbox only (such servers block in ``send`` instead, which fills
that outbox) and writes through ``send``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

BacklogProbe = Callable[[], int]
# Writes a text frame now; False when the connection is no longer open.
DirectWrite = Callable[[str], bool]


def _daphne_protocol(send: Any) -> Any | None:
    target = send
    for _ in range(8):
        if isinstance(target, functools.partial):
            return target.args[0] if target.args else None
        owner = getattr(target, "__self__", None)
        inner = getattr(owner, "real_send", None)  # channels.sessions.InstanceSessionWrapper
        if inner is None:
            return None
        target = inner
    return None


def write_backlog_probe(send: Any) -> BacklogProbe | None:
    return _twisted_probe(getattr(_daphne_protocol(send), "transport", None))


def direct_writer(send: Any) -> DirectWrite | None:
    protocol = _daphne_protocol(send)
    if protocol is None or not callable(getattr(protocol, "sendMessage", None)):
        return None
    open_state = getattr(protocol, "STATE_OPEN", None)
    if open_state is None:
        return None
    ground_state = getattr(protocol, "SEND_STATE_GROUND", None)

    def write(text: str) -> bool:
        if protocol.state != open_state:
            return False
        if (
            getattr(protocol, "_perMessageCompress", True) is None
            and not getattr(protocol, "send_queue", True)
            and getattr(protocol, "send_state", None) == ground_state
        ):
            # Nothing half-sent, nothing compressed: the frame's bytes (the same for
            # every socket) go to the transport as autobahn itself would write them.
            protocol.transport.write(text_frame(text))
        else:
            protocol.sendMessage(text.encode(), False)
        return True

    return write


_last_frame: tuple[str, bytes] = ("", b"")


def text_frame(text: str) -> bytes:
    """One unmasked, unfragmented WebSocket text frame (RFC 6455, section 5.2), as a
    server sends it. The hub hands the same string to every socket of a stream, so
    the last one is kept."""
    global _last_frame
    last_text, last_frame = _last_frame
    if text is last_text:
        return last_frame
    payload = text.encode()
    size = len(payload)
    if size < 126:
        header = bytes((0x81, size))
    elif size < 1 << 16:
        header = bytes((0x81, 126)) + size.to_bytes(2, "big")
    else:
        header = bytes((0x81, 127)) + size.to_bytes(8, "big")
    frame = header + payload
    _last_frame = (text, frame)
    return frame


def _twisted_probe(transport: Any) -> BacklogProbe | None:
    if transport is None or not all(
        hasattr(transport, name) for name in ("dataBuffer", "offset", "_tempDataLen")
    ):
        return None

    def pending() -> int:
        return int(len(transport.dataBuffer) - transport.offset + transport._tempDataLen)

    return pending
