"""Activity items as the pages show them: who, what, which object, where it links."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.urls import reverse

from projections import queries
from projections.models import ActivityItem
from web import labels, people

# Where each kind of object is shown (messages and comments: their workspace, when any).
ROUTES = {
    "workspace": "web:workspace",
    "thread": "web:thread",
    "update": "web:update",
    "proposal": "web:proposal",
    "document": "web:document",
    "commission": "web:commission",
    "partner": "web:partner",
}

ICONS = {
    "message": "✉",
    "thread": "#",
    "workspace": "▦",
    "update": "✎",
    "proposal": "⇄",
    "document": "▤",
    "comment": "❝",
    "commission": "★",
    "partner": "◆",
    "organisation": "◎",
}


@dataclass(frozen=True)
class ShownActivity:
    position: int
    kind: str
    actor: str
    actor_name: str
    verb: str
    label: dict[str, str]
    href: str
    icon: str
    created_at: datetime
    country: str = ""


def link_for(object_kind: str, object_id: Any, workspace_id: Any) -> str:
    route = ROUTES.get(object_kind)
    if route:
        return reverse(route, args=[object_id])
    if workspace_id:
        return reverse("web:workspace", args=[workspace_id])
    return ""


def present(items: Iterable[ActivityItem]) -> list[ShownActivity]:
    rows = list(items)
    names = people.names(item.actor for item in rows)
    countries = countries_of_commissions()
    return [
        ShownActivity(
            position=item.position,
            kind=item.kind,
            actor=item.actor,
            actor_name=names.get(item.actor, ""),
            verb=labels.label(labels.ACTIVITY, item.kind),
            label=item.label or {},
            href=link_for(item.object_kind, item.object_id, item.workspace_id),
            icon=ICONS.get(item.object_kind, "•"),
            created_at=item.created_at,
            country=countries.get(str(item.commission_id), "") if item.commission_id else "",
        )
        for item in rows
    ]


def vocabulary() -> dict[str, Any]:
    """What the live feed script needs to show new items like the server does."""
    return {
        "verbs": {kind: str(text) for kind, text in labels.ACTIVITY.items()},
        "icons": ICONS,
        "routes": {
            kind: reverse(route, args=["00000000-0000-0000-0000-000000000000"])
            for kind, route in ROUTES.items()
        },
        "workspace_route": reverse("web:workspace", args=["00000000-0000-0000-0000-000000000000"]),
        "countries": countries_of_commissions(),
    }


def countries_of_commissions() -> dict[str, str]:
    """Commission id -> its country code, to tag each item with the commission it concerns."""
    return {str(c.id): c.country for c in queries.commissions()}
