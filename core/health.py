"""GET /healthz: the state of the database, the event store, the channel layer
and the projector. 200 when everything answers, 503 otherwise."""

from __future__ import annotations

import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from events.platform import application
from projections import service
from projections.queries import projection_status

# The projector is healthy while it keeps up: caught up, or moved recently.
STALE_AFTER_SECONDS = 30


def _check(probe: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        detail = probe() or {}
    except Exception as error:
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 2), **detail}


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"engine": connection.vendor}


def _event_store() -> dict[str, Any]:
    return {"head": application().recorder.max_notification_id() or 0}


def _channel_layer() -> dict[str, Any]:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    async_to_sync(layer.group_send)("healthz", {"type": "health.ping"})
    return {"backend": type(layer).__name__}


def _projector() -> dict[str, Any]:
    from projections.models import ProjectionPosition

    statuses = projection_status()
    lag = max((s.lag for s in statuses), default=0)
    newest = ProjectionPosition.objects.order_by("-updated_at").values_list("updated_at", flat=True)
    last = newest.first()
    moved_recently = last is not None and (time.time() - last.timestamp()) < STALE_AFTER_SECONDS
    if lag and not moved_recently:
        raise RuntimeError(f"the projector is {lag} events behind and not moving")
    return {
        "lag": lag,
        "mode": settings.PROJECTOR,
        "running_here": service.is_running_here(),
        "positions": {s.name: s.position for s in statuses},
    }


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": _check(_database),
        "event_store": _check(_event_store),
        "channel_layer": _check(_channel_layer),
        "projector": _check(_projector),
    }
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse({"ok": ok, **checks}, status=200 if ok else 503)
