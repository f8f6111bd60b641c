"""Who is looking at a page, and the small guards every view shares.

Views never decide permissions themselves: they ask events.policy (through the
Actor of the signed-in person) and projections.queries, which filter by it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from events.base import scoped_command_id
from events.roles import Actor
from projections import queries

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponse)


def actor_of(request: HttpRequest) -> Actor:
    """The Actor of the signed-in person (the public when signed out), once per request."""
    cached: Actor | None = getattr(request, "_tawasul_actor", None)
    if cached is None:
        user = request.user
        signed_in = bool(user.is_authenticated)
        cached = queries.actor_for(str(user.pk) if signed_in else None, is_authenticated=signed_in)
        request._tawasul_actor = cached  # type: ignore[attr-defined]
    return cached


def signin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send a signed-out visitor to the sign-in page, then back here."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return guarded


def found(value: Any) -> Any:
    """The value, or a 404 (what the reader may not see does not exist for them)."""
    if value is None:
        raise Http404
    return value


def new_form_key() -> str:
    """A fresh idempotency key for a form: submitting it twice has one effect."""
    return str(uuid.uuid4())


def command_id(request: HttpRequest, actor: Actor) -> str:
    """The command id of a submitted form: its idempotency key, scoped to its sender."""
    key = str(request.POST.get("form_key") or "").strip() or new_form_key()
    return scoped_command_id(actor.id, key)


def parse_uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None
