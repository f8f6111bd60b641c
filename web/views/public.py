"""The directory and the public pages of commissions and partners: no sign-in."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from api.models import record_page_view
from events import policy
from projections import queries
from web import labels
from web.access import actor_of, found


def directory(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    kind = kind if kind in labels.PARTNER_KINDS else ""
    record_page_view("directory")
    commissions = list(queries.commissions(q=q))
    partners = list(queries.partners(q=q, kind=kind).order_by("country")[:60]) if (q or kind) else []
    return render(
        request,
        "web/directory.html",
        {
            "section": "directory",
            "q": q,
            "kind": kind,
            "kinds": labels.PARTNER_KINDS,
            "commissions": commissions,
            "partners": partners,
            "searched": bool(q or kind),
        },
    )


def commission(request: HttpRequest, commission_id: object) -> HttpResponse:
    entry = found(queries.commission_entry(commission_id))  # type: ignore[arg-type]
    actor = actor_of(request)
    record_page_view("commission", entry.id)
    updates = queries.updates(actor, commission=entry.id, state="published").order_by("-published_at")[:20]
    documents = queries.documents(actor, commission=entry.id).filter(visibility="public", archived=False)
    return render(
        request,
        "web/commission.html",
        {
            "section": "directory",
            "commission": entry,
            "updates": list(updates),
            "documents": list(documents.order_by("-updated_at")[:20]),
            "partners": list(queries.partners(commission=entry.id).order_by("kind")),
            "internals": policy.may_read_commission_internals(actor, entry.id),
        },
    )


def partner(request: HttpRequest, partner_id: object) -> HttpResponse:
    entry = found(queries.partner_entry(partner_id))  # type: ignore[arg-type]
    actor = actor_of(request)
    record_page_view("partner")
    commissions = [
        c for c in (queries.commission_entry(queries.scope_uuid(i)) for i in entry.commission_ids) if c
    ]
    documents = queries.documents(actor, resource_kind="partner", resource_id=entry.id).filter(
        visibility="public", archived=False
    )
    return render(
        request,
        "web/partner.html",
        {
            "section": "directory",
            "partner": entry,
            "commissions": commissions,
            "documents": list(documents.order_by("-updated_at")[:20]),
        },
    )
