"""Home: for a signed-in person their workspaces and their commission's latest
activity; for the public, the platform's front page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from api.models import record_page_view
from events import policy
from events.roles import Role
from projections import queries
from web import activity, reading
from web.access import actor_of


def home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not actor.is_authenticated or actor.role is Role.PUBLIC:
        return landing(request)
    workspaces = list(queries.workspaces(actor).filter(archived=False).order_by("-last_activity_at")[:12])
    unread = reading.unread_in_workspaces(request.user, [w.id for w in workspaces])
    if policy.may_read_everything(actor):
        feed = queries.activity(actor)
        feed_title = "all"
    elif actor.commission_id:
        feed = queries.activity(actor, commission=actor.commission_id)
        feed_title = "commission"
    else:
        feed = queries.activity(actor)
        feed_title = "mine"
    commission = queries.commission_entry(actor.commission_id) if actor.commission_id else None
    partner = queries.partner_entry(actor.partner_id) if actor.partner_id else None
    awaiting = (
        queries.proposals(actor).filter(state__in=["submitted", "under_review"]).count()
        if policy.may_decide_proposals(actor)
        else None
    )
    drafts = (
        queries.updates(actor, commission=actor.commission_id, state="draft").count()
        if actor.commission_id
        else None
    )
    return render(
        request,
        "web/home.html",
        {
            "section": "home",
            "workspaces": [(w, unread.get(w.id, 0)) for w in workspaces],
            "feed": activity.present(feed.order_by("-position")[:15]),
            "feed_title": feed_title,
            "commission": commission,
            "partner": partner,
            "awaiting": awaiting,
            "drafts": drafts,
        },
    )


def landing(request: HttpRequest) -> HttpResponse:
    record_page_view("home")
    actor = actor_of(request)
    return render(
        request,
        "web/landing.html",
        {
            "section": "home",
            "updates": list(queries.updates(actor, state="published").order_by("-published_at")[:6]),
            "commissions": {c.id: c for c in queries.commissions()},
            "commission_count": queries.commissions().count(),
            "partner_count": queries.partners().count(),
        },
    )
