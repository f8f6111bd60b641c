"""Who opens a socket: the session cookie of a browser, or an API token.

- ``OriginCheck``: Channels' AllowedHostsOriginValidator (a foreign Origin is
  refused: cross-site WebSocket hijacking), except that a program that
  authenticates with ``Authorization: Token`` may omit Origin. Browsers always
  send Origin and cannot set an Authorization header on a WebSocket, so this
  opens nothing to other sites.
- ``TokenAuthMiddleware``: when an Authorization header is present, the token
  alone decides who connects (a wrong or revoked token means anonymous, and the
  consumer refuses anonymous sockets); otherwise the session's user stands.
"""

from __future__ import annotations

from typing import Any

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.security.websocket import AllowedHostsOriginValidator, OriginValidator
from django.contrib.auth.models import AnonymousUser
from rest_framework.authtoken.models import Token

ASGIApp = Any


def header(scope: dict[str, Any], name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value)
    return None


class OriginCheck(OriginValidator):
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if (
            scope.get("type") == "websocket"
            and header(scope, b"origin") is None
            and header(scope, b"authorization") is not None
        ):
            return await self.application(scope, receive, send)
        return await super().__call__(scope, receive, send)


def origin_check(application: ASGIApp) -> OriginCheck:
    allowed = AllowedHostsOriginValidator(application).allowed_origins
    return OriginCheck(application, allowed)


@database_sync_to_async
def user_for_authorization(value: bytes) -> Any:
    """The active user of ``Token <key>``, or AnonymousUser."""
    try:
        scheme, _, key = value.decode("latin-1").strip().partition(" ")
    except UnicodeDecodeError:
        return AnonymousUser()
    key = key.strip()
    if scheme.lower() != "token" or not key or len(key) > 64:
        return AnonymousUser()
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return AnonymousUser()
    return token.user


class TokenAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        authorization = header(scope, b"authorization")
        if authorization is not None:
            scope = dict(scope, user=await user_for_authorization(authorization))
        return await super().__call__(scope, receive, send)


def authenticated(application: ASGIApp) -> ASGIApp:
    """Origin check, then the session (cookie), then the token header."""
    return origin_check(AuthMiddlewareStack(TokenAuthMiddleware(application)))
