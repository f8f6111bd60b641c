"""The activity feed: live, filterable by commission, kind and date.

The secretariat and auditors read every commission's feed (stream feed:all);
commission staff read their own commission's (feed:commission:<id>).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.dateparse import parse_date

from events import policy
from projections import queries, streams
from web import activity, labels
from web.access import actor_of, parse_uuid, signin_required

PAGE = 50


@signin_required
def activity_feed(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    everything = policy.may_read_everything(actor)
    if not everything and not actor.commission_id:
        return render(request, "web/forbidden.html", {"section": "activity"}, status=403)
    commission = parse_uuid(request.GET.get("commission")) if everything else actor.commission_id
    kind = request.GET.get("kind", "")
    kind = kind if kind in labels.ACTIVITY_FAMILIES or kind in labels.ACTIVITY else ""
    since = parse_date(request.GET.get("since", "") or "") if request.GET.get("since") else None
    until = parse_date(request.GET.get("until", "") or "") if request.GET.get("until") else None
    before = _int(request.GET.get("before"))
    stream = streams.FEED_ALL if everything else streams.commission_feed(actor.commission_id)  # type: ignore[arg-type]
    after = queries.stream_position(stream)
    rows = queries.activity(
        actor,
        commission=commission,
        kind=kind,
        since=_start(since),
        until=_start(until + dt.timedelta(days=1)) if until else None,
    )
    if not everything:
        # A commission's feed: what happens outside workspaces (their activity is for their members).
        rows = rows.filter(workspace_id__isnull=True)
    if before is not None:
        rows = rows.filter(position__lt=before)
    items = activity.present(rows.order_by("-position")[: PAGE + 1])
    more = items[PAGE].position if len(items) > PAGE else None
    items = items[:PAGE]
    commissions = list(queries.commissions())
    return render(
        request,
        "web/activity.html",
        {
            "section": "activity",
            "items": items,
            "more": items[-1].position if more else None,
            "commissions": commissions,
            "everything": everything,
            "filters": {
                "commission": str(commission) if commission and everything else "",
                "kind": kind,
                "since": since.isoformat() if since else "",
                "until": until.isoformat() if until else "",
            },
            "families": labels.ACTIVITY_FAMILIES,
            "live": {
                "stream": stream,
                "after": after,
                # The live script shows new items only on the first page, and only those
                # the filters keep (the same rules as the query above).
                "enabled": before is None and until is None,
                "commission": str(commission) if commission else None,
                "kind": kind,
                "outside_workspaces_only": not everything,
                "vocabulary": activity.vocabulary(),
                "names_url": reverse("web:people-names"),
            },
        },
    )


def _start(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC) if day else None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@signin_required
def names(request: HttpRequest) -> HttpResponse:
    """Display names of people by id, for items that arrive live (signed-in readers only)."""
    from django.http import JsonResponse

    from web import people

    wanted = [i for i in request.GET.getlist("id")[:50] if i]
    return JsonResponse({"names": people.names(wanted)})
