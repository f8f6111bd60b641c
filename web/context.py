"""What every page knows: who is looking, what they may open, the host organisation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events import policy
from events.roles import Role
from web.access import actor_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    actor = actor_of(request)
    items: list[tuple[str, str, Any]] = []
    if actor.is_authenticated and actor.role is not Role.PUBLIC:
        items.append(("home", reverse("web:home"), _("Home")))
        items.append(("workspaces", reverse("web:workspaces"), _("Workspaces")))
        if policy.may_read_everything(actor) or actor.commission_id:
            items.append(("activity", reverse("web:activity"), _("Activity")))
        if actor.commission_ids or policy.may_read_everything(actor):
            items.append(("updates", reverse("web:updates"), _("Updates")))
        items.append(("partnerships", reverse("web:partnerships"), _("Partnerships")))
        items.append(("meetings", reverse("web:meetings"), _("Meetings")))
        items.append(("documents", reverse("web:documents"), _("Documents")))
        if policy.may_read_indicators(actor, None) or actor.commission_id:
            items.append(("dashboard", reverse("web:dashboard"), _("Dashboard")))
        if policy.may_read_history(actor):
            items.append(("audit", reverse("web:audit"), _("Audit")))
        if (
            policy.may_manage_organisation(actor)
            or any(actor.manages_commission(c) for c in actor.commission_ids)
            or any(actor.manages_partner(p) for p in actor.partner_ids)
        ):
            items.append(("invitations", reverse("web:invitations"), _("Invitations")))
    items.append(("directory", reverse("web:directory"), _("Directory")))
    section = getattr(request, "resolver_match", None)
    current = section.url_name if section else ""
    return {
        "actor": actor,
        "nav_items": items,
        "nav_current": current,
        "organisation": settings.HOST_ORGANISATION,
    }
