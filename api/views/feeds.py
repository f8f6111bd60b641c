"""The activity feed, the indicators, and search."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.db.models import Sum
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api import schema
from api.conventions import ApiView, moment_param, uuid_param
from api.models import PageView
from api.problems import Problem
from events import policy
from events.errors import PermissionDenied
from projections import queries, render


class ActivityView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("commission", UUID),
            OpenApiParameter("kind", str, description='An event kind ("message.posted") or '
                             'an object kind ("message").'),
            OpenApiParameter("actor", str, description="The id of the person who acted."),
            OpenApiParameter("since", str, description="From this date or date-time (included)."),
            OpenApiParameter("until", str, description="Before this date or date-time."),
        ],
        responses={200: schema.page_of(schema.Activity)},
        summary="The activity feed you may read, newest first",
    )
    def get(self, request: Request) -> Response:
        found = queries.activity(
            self.actor,
            commission=uuid_param(request, "commission"),
            kind=request.query_params.get("kind", "")[:64],
            actor_id=request.query_params.get("actor", "")[:64],
            since=moment_param(request, "since"),
            until=moment_param(request, "until"),
        )
        return self.paginate(found, "-position", lambda item: item.render())


def page_views(commission: UUID | None, since: dt.date) -> tuple[int, dict[str, int]]:
    """Views of public pages since a day: the total and per kind of page."""
    views = PageView.objects.filter(day__gte=since)
    if commission:
        views = views.filter(commission_id=commission)
    by_kind = {
        row["page_kind"]: row["total"]
        for row in views.values("page_kind").annotate(total=Sum("count"))
    }
    return sum(by_kind.values()), by_kind


class IndicatorsView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("commission", UUID, description="Without it: the whole platform "
                             "(secretariat and auditors)."),
            OpenApiParameter("days", int, description="Days of the daily series (1 to 366, 30 "
                             "by default)."),
        ],
        responses={200: schema.Indicators},
        summary="Indicators and their daily series",
    )
    def get(self, request: Request) -> Response:
        commission = uuid_param(request, "commission")
        raw_days = request.query_params.get("days", "30")
        if not raw_days.isdigit() or not 1 <= int(raw_days) <= 366:
            raise Problem(400, "bad_request", "days must be a whole number from 1 to 366.",
                          errors={"days": ["From 1 to 366."]})
        if not policy.may_read_indicators(self.actor, commission):
            raise PermissionDenied(
                "Indicators are for the secretariat, auditors and each commission's own people."
            )
        if commission and queries.commission_entry(commission) is None:
            raise Problem(404, "not_found", f"No commission with id {commission}.")
        days = int(raw_days)
        figures: dict[str, Any] = queries.indicators(commission, days=days)
        today = timezone.now().date()
        figures["page_views"], figures["page_views_by_kind"] = page_views(
            commission, today - dt.timedelta(days=days - 1)
        )
        return Response(self.show(figures))


class SearchView(ApiView):
    @extend_schema(
        parameters=[OpenApiParameter("q", str, required=True, description="Words, any script.")],
        responses={200: schema.SearchResults},
        summary="Search commissions, partners and the updates you may read",
    )
    def get(self, request: Request) -> Response:
        q = request.query_params.get("q", "")[:200]
        found = queries.search(self.actor, q)
        return Response(self.show({
            "commissions": [self.show(render.commission(c)) for c in found["commissions"]],
            "partners": [self.show(render.partner(p)) for p in found["partners"]],
            "updates": [self.show(render.update(u)) for u in found["updates"]],
        }))
