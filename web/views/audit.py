"""Auditor pages: a resource's history with diffs, its state as of a moment, the
decision timeline. Read through events/audit (rebuilt from the event store itself,
checked against the hash chain), never from the read models."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from events import policy
from events.audit import service as audit
from events.errors import DomainError
from events.platform import application
from projections import queries
from web import activity, labels, people
from web.access import actor_of, parse_uuid, signin_required
from web.errors import translate_errors

KINDS = [
    "organisation",
    "commission",
    "partner",
    "update",
    "proposal",
    "workspace",
    "thread",
    "message",
    "comment",
    "document",
]


def _allowed(request: HttpRequest) -> bool:
    return policy.may_read_history(actor_of(request))


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "web/forbidden.html", {"section": "audit"}, status=403)


@signin_required
def index(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return _forbidden(request)
    actor = actor_of(request)
    kind = request.GET.get("kind", "")
    resource = parse_uuid(request.GET.get("id"))
    if kind in KINDS and resource:
        from django.shortcuts import redirect

        return redirect("web:audit-history", kind=kind, resource_id=resource)
    recent = activity.present(queries.activity(actor).order_by("-position")[:25])
    return render(
        request,
        "web/audit.html",
        {
            "section": "audit",
            "kinds": {k: labels.RESOURCE_KINDS[k] for k in KINDS},
            "recent": recent,
            "proposals": list(queries.proposals(actor).order_by("-updated_at")[:10]),
            "updates": list(queries.updates(actor).order_by("-updated_at")[:10]),
        },
    )


def _moment(value: str) -> dt.datetime | None:
    """A moment from a datetime-local field (read as UTC, the platform's time zone)."""
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        moment = dt.datetime.combine(day, dt.time.max) if day else None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=1, default=str)


@signin_required
def history(request: HttpRequest, kind: str, resource_id: UUID) -> HttpResponse:
    if not _allowed(request):
        return _forbidden(request)
    if kind not in KINDS:
        return render(request, "web/audit_missing.html", {"section": "audit"}, status=404)
    app = application()
    try:
        found = audit.aggregate_history(app, kind, resource_id)
    except DomainError:
        return render(request, "web/audit_missing.html", {"section": "audit"}, status=404)
    as_of_text = request.GET.get("as_of", "")
    version_text = request.GET.get("version", "")
    state: Any = None
    state_error = ""
    moment = _moment(as_of_text)
    version = int(version_text) if version_text.isdigit() else None
    try:
        if moment is not None:
            state = audit.aggregate_state(app, kind, resource_id, as_of=moment)
        elif version is not None:
            state = audit.aggregate_state(app, kind, resource_id, version=version)
        else:
            state = audit.aggregate_state(app, kind, resource_id)
    except DomainError as error:
        state_error = (
            _("The resource did not exist yet at that moment.") if moment else translate_errors(error)[0]
        )
    entries = list(reversed(found.entries))
    names = people.names(e.actor for e in entries)
    timeline = [
        {
            "entry": entry,
            "actor_name": names.get(entry.actor, entry.actor),
            "verb": labels.label(labels.ACTIVITY, entry.kind),
            "changes": [
                {
                    "field": change.field,
                    "change": change.change,
                    "before": _shown(change.before)
                    if change.change in {"set", "added", "removed"}
                    else _shown(list(change.removed))
                    if change.removed
                    else "—",
                    "after": _shown(change.after)
                    if change.change in {"set", "added", "removed"}
                    else _shown(list(change.added))
                    if change.added
                    else "—",
                }
                for change in entry.changes
            ],
        }
        for entry in entries
    ]
    return render(
        request,
        "web/audit_history.html",
        {
            "section": "audit",
            "kind": kind,
            "resource_id": resource_id,
            "history": found,
            "timeline": timeline,
            "state": state,
            "state_json": json.dumps(state.state, ensure_ascii=False, indent=2, default=str) if state else "",
            "state_error": state_error,
            "as_of": as_of_text,
            "version": version_text,
        },
    )


@signin_required
def decisions(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return _forbidden(request)
    from projections import timeline

    commission = parse_uuid(request.GET.get("commission"))
    kind = request.GET.get("kind", "")
    subjects = {
        "proposal": labels.RESOURCE_KINDS["proposal"],
        "update": labels.RESOURCE_KINDS["update"],
        "commission": labels.RESOURCE_KINDS["commission"],
        "partner": labels.RESOURCE_KINDS["partner"],
        "workspace": labels.RESOURCE_KINDS["workspace"],
        "organisation": labels.RESOURCE_KINDS["organisation"],
    }
    since = parse_date(request.GET.get("since", "") or "")
    until = parse_date(request.GET.get("until", "") or "")
    selection = timeline.DecisionFilter(
        commission_id=commission,
        kinds=(kind,) if kind in subjects else (),
        since=dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC) if since else None,
        until=dt.datetime.combine(until, dt.time.max, tzinfo=dt.UTC) if until else None,
    )
    rows = list(timeline.decisions(selection)[:200])
    names = people.names([*(r.actor for r in rows), *(r.member for r in rows if r.member)])
    return render(
        request,
        "web/audit_decisions.html",
        {
            "section": "audit",
            "rows": [
                {
                    "entry": r,
                    "actor_name": names.get(r.actor, r.actor),
                    "member_name": names.get(r.member, ""),
                    "verb": labels.label(labels.ACTIVITY, r.kind),
                    "href": activity.link_for(r.subject_kind, r.subject_id, None),
                }
                for r in rows
            ],
            "commissions": list(queries.commissions()),
            "subjects": subjects,
            "filters": {
                "commission": str(commission) if commission else "",
                "kind": kind,
                "since": since.isoformat() if since else "",
                "until": until.isoformat() if until else "",
            },
        },
    )
