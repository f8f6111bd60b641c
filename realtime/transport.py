"""How many bytes wait in the server's own write buffer for one socket.

Daphne's ``send`` never blocks: a WebSocket frame goes straight into the Twisted
transport's buffer, which grows without bound when the client reads slowly. To
keep each socket's buffer bounded, the hub needs that buffer's size: this module
finds the Twisted transport behind the ASGI ``send`` callable Daphne gives the
application (``functools.partial(server.handle_reply, protocol)``, wrapped by
Channels' session middleware). On any other server it returns None and the
hub bounds its own outbox only (such servers block in ``send`` instead, which
fills that outbox).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

BacklogProbe = Callable[[], int]


def write_backlog_probe(send: Any) -> BacklogProbe | None:
    target = send
    for _ in range(8):
        if isinstance(target, functools.partial):
            protocol = target.args[0] if target.args else None
            return _twisted_probe(getattr(protocol, "transport", None))
        owner = getattr(target, "__self__", None)
        inner = getattr(owner, "real_send", None)  # channels.sessions.InstanceSessionWrapper
        if inner is None:
            return None
        target = inner
    return None


def _twisted_probe(transport: Any) -> BacklogProbe | None:
    if transport is None or not all(
        hasattr(transport, name) for name in ("dataBuffer", "offset", "_tempDataLen")
    ):
        return None

    def pending() -> int:
        return len(transport.dataBuffer) - transport.offset + transport._tempDataLen

    return pending
