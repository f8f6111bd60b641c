"""WebSocket routes: one endpoint, /ws/ (docs/protocol.md)."""

from __future__ import annotations

from typing import Any

from channels.routing import URLRouter
from django.urls import path, re_path

from realtime.auth import authenticated
from realtime.consumers import LiveConsumer


async def no_such_endpoint(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Any other WebSocket path: refused at the handshake (HTTP 403)."""
    message = await receive()
    if message["type"] == "websocket.connect":
        await send({"type": "websocket.close"})


def websocket_application() -> Any:
    return authenticated(
        URLRouter([
            path("ws/", LiveConsumer.as_asgi()),
            re_path(r"", no_such_endpoint),
        ])
    )
