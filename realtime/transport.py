"""The hub's two shortcuts to Daphne's side of one socket.

- How many bytes wait in the server's own write buffer. Daphne's ``send`` never
  blocks: a WebSocket frame goes straight into the Twisted transport's buffer,
  which grows without bound when the client reads slowly. To keep each socket's
  buffer bounded, the hub needs that buffer's size.
- Writing a text frame now. Going through the ASGI ``send`` costs a task per
  socket and per item (the hub's writer), two coroutines and Daphne's checks; at
  a hundred sockets that is most of the fan-out's time. The hub writes a live
  frame straight through the protocol (autobahn's ``sendMessage``, which frames
  it and writes it to the transport) when nothing else waits for that socket.

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

    def write(text: str) -> bool:
        if protocol.state != open_state:
            return False
        protocol.sendMessage(text.encode(), False)
        return True

    return write


def _twisted_probe(transport: Any) -> BacklogProbe | None:
    if transport is None or not all(
        hasattr(transport, name) for name in ("dataBuffer", "offset", "_tempDataLen")
    ):
        return None

    def pending() -> int:
        return len(transport.dataBuffer) - transport.offset + transport._tempDataLen

    return pending
