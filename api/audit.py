"""The audit endpoints, /api/v1/audit/: for auditors and the secretariat only.

- ``decisions/``: the decision timeline, filtered, newest first (cursor pages);
- ``<kind>/<id>/?as_of=<moment>`` or ``?version=N``: a resource exactly as it was,
  rebuilt from its events (never from the read models);
- ``<kind>/<id>/history/``: every event of the resource, with who, when, which
  command, and the field-by-field changes it made;
- ``chain/``: the hash chain's head (or the link at ``?position=N``), to hold
  against a signed checkpoint kept elsewhere.

Verifying the whole chain, signing checkpoints and exporting bundles are
operations of the ``tawasul audit`` command (docs/audit.md), not of the API: a
verification reads every event, and the signing key belongs to one host.
The work is done by events/audit and projections/timeline.py; these views
check permission (events.policy.may_read_history), read parameters, and render.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import schema
from api.conventions import ApiView, Cursor, uuid_param
from api.people import names
from api.problems import Problem
from events import policy
from events.audit import service as audit
from events.errors import ValidationFailed
from events.platform import KINDS, application
from projections import timeline

# --- permission ----------------------------------------------------------------------------------


class MayReadHistory(BasePermission):
    """Auditors and the secretariat; anyone else 403 (401 when not signed in)."""

    message = "Only auditors and the secretariat read the audit history."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        return policy.may_read_history(view.actor)  # type: ignore[attr-defined]


class AuditView(ApiView):
    permission_classes = [MayReadHistory]

    def known_kind(self, kind: str) -> str:
        if kind not in KINDS:
            raise Problem(
                404,
                "not_found",
                f"There is no kind of resource {kind!r}; the kinds are: {', '.join(sorted(KINDS))}.",
            )
        return kind


# --- parameters ----------------------------------------------------------------------------------


def _bad(name: str, message: str) -> Problem:
    return Problem(400, "bad_request", f"{name}: {message}", errors={name: [message]})


def _bound(request: Request, name: str) -> dt.datetime | None:
    """A date (midnight UTC) or a date-time (UTC when it has no offset), as the
    activity feed's filters take them."""
    value = request.query_params.get(name)
    if not value:
        return None
    try:
        moment = parse_datetime(value)
        if moment is None and (day := parse_date(value)) is not None:
            moment = dt.datetime.combine(day, dt.time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise _bad(name, "Must be a date or an ISO 8601 date-time.")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, dt.UTC)


def _kinds(request: Request) -> tuple[str, ...]:
    kinds = tuple(
        k.strip() for value in request.query_params.getlist("kind") for k in value.split(",") if k.strip()
    )
    unknown = timeline.unknown_kinds(kinds)
    if unknown:
        options = ", ".join(timeline.DECISION_KINDS)
        raise _bad("kind", f"Unknown decision kinds {', '.join(unknown)}; the kinds are: {options}.")
    return kinds


# --- OpenAPI descriptions (never used to produce the JSON) ---------------------------------------


class Subject(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.CharField()
    id = serializers.UUIDField()
    label = schema.Texts(help_text="Its name or title when the decision was taken.")


class Decision(serializers.Serializer):  # type: ignore[type-arg]
    position = serializers.IntegerField(help_text="Global position of the decision's event.")
    kind = serializers.ChoiceField(choices=timeline.DECISION_KINDS)
    subject = Subject()
    commission_id = serializers.UUIDField(allow_null=True)
    partner_id = serializers.UUIDField(allow_null=True)
    actor = serializers.CharField(help_text="The user id of whoever decided.")
    actor_name = serializers.CharField(allow_blank=True)
    command_id = serializers.CharField()
    decided_at = serializers.DateTimeField()
    rationale = serializers.CharField(allow_blank=True, help_text="The rationale, or a withdrawal's reason.")
    member = serializers.CharField(allow_null=True, help_text="Whom a membership decision is about.")
    member_name = serializers.CharField(allow_blank=True)
    role = serializers.CharField(allow_null=True)
    previous_role = serializers.CharField(allow_null=True)
    details = serializers.JSONField(help_text='{"from": state, "to": state} for proposals and updates.')


class Change(serializers.Serializer):  # type: ignore[type-arg]
    field = serializers.CharField(help_text='A dotted path into the state, e.g. "profile.phone".')
    change = serializers.ChoiceField(choices=["set", "added", "removed", "appended", "changed"])
    before = serializers.JSONField(required=False)
    after = serializers.JSONField(required=False)
    added = serializers.ListField(child=serializers.JSONField(), required=False)
    removed = serializers.ListField(child=serializers.JSONField(), required=False)


class HistoryEvent(serializers.Serializer):  # type: ignore[type-arg]
    position = serializers.IntegerField()
    version = serializers.IntegerField()
    kind = serializers.CharField(help_text='e.g. "proposal.accepted"')
    timestamp = serializers.DateTimeField()
    actor = serializers.CharField()
    actor_name = serializers.CharField(allow_blank=True)
    command_id = serializers.CharField()
    data = serializers.JSONField(help_text="What the event says (rationale, reason, new values...).")
    changes = Change(many=True)
    digest = serializers.CharField(allow_null=True, help_text="Its digest in the hash chain (hex).")
    linked = serializers.BooleanField(help_text="The event's bytes hash onto the chain at its position.")


class History(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.CharField()
    id = serializers.UUIDField()
    version = serializers.IntegerField()
    linked = serializers.BooleanField(help_text="Every event hashes onto the chain.")
    events = HistoryEvent(many=True)


class State(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.CharField()
    id = serializers.UUIDField()
    as_of = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(help_text="The version shown.")
    current_version = serializers.IntegerField()
    position = serializers.IntegerField(help_text="Global position of the version's event.")
    timestamp = serializers.DateTimeField(help_text="When that event happened.")
    digest = serializers.CharField(allow_null=True)
    linked = serializers.BooleanField()
    state = serializers.JSONField(
        help_text="The resource, with the read models' field names where they overlap (and the "
        "texts of retracted messages and comments, which auditors see)."
    )


class ChainLinkOut(serializers.Serializer):  # type: ignore[type-arg]
    position = serializers.IntegerField()
    digest = serializers.CharField()
    recorded_at = serializers.DateTimeField(allow_null=True)


# --- views ---------------------------------------------------------------------------------------

KIND_PARAMETER = OpenApiParameter(
    "kind", str, OpenApiParameter.PATH, enum=sorted(KINDS), description="The kind of resource."
)


def _with_names(rows: list[dict[str, Any]], *fields: str) -> list[dict[str, Any]]:
    found = names(row[f] for row in rows for f in fields if row.get(f))
    for row in rows:
        for f in fields:
            row[f"{f}_name"] = found.get(row.get(f) or "", {}).get("display_name", "")
    return rows


class DecisionsView(AuditView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "commission",
                UUID,
                description="Decisions about this commission, what "
                "belongs to it, and partners affiliated with it.",
            ),
            OpenApiParameter("actor", str, description="The user id of whoever decided."),
            OpenApiParameter(
                "kind",
                str,
                many=True,
                description='Decision kinds ("proposal.accepted") '
                'or subject kinds ("proposal"); repeat or separate with commas.',
            ),
            OpenApiParameter("since", str, description="From this date or date-time (included)."),
            OpenApiParameter("until", str, description="Before this date or date-time."),
            OpenApiParameter("subject", UUID, description="Decisions about this resource."),
            OpenApiParameter("member", str, description="Membership decisions about this person."),
        ],
        responses={200: schema.page_of(Decision)},
        summary="Every decision with its rationale, newest first (auditors, secretariat)",
    )
    def get(self, request: Request) -> Response:
        selection = timeline.DecisionFilter(
            commission_id=uuid_param(request, "commission"),
            actor=request.query_params.get("actor") or None,
            kinds=_kinds(request),
            since=_bound(request, "since"),
            until=_bound(request, "until"),
            subject_id=uuid_param(request, "subject"),
            member=request.query_params.get("member") or None,
        )
        paginator = Cursor()
        paginator.ordering = "-position"
        page = paginator.paginate_queryset(timeline.decisions(selection), request, view=self)
        assert page is not None
        rows = _with_names([timeline.render(entry) for entry in page], "actor", "member")
        return paginator.get_paginated_response(rows)


class ResourceStateView(AuditView):
    @extend_schema(
        parameters=[
            KIND_PARAMETER,
            OpenApiParameter(
                "as_of",
                str,
                description="An ISO 8601 moment with its time zone, e.g. "
                "2026-03-01T12:00:00Z: the resource after its last event at or before it.",
            ),
            OpenApiParameter("version", int, description="The resource after this version's event."),
        ],
        responses={200: State},
        summary="A resource as it was at a moment or a version, rebuilt from its events",
    )
    def get(self, request: Request, kind: str, aggregate_id: UUID) -> Response:
        self.known_kind(kind)
        as_of_text = request.query_params.get("as_of")
        version_text = request.query_params.get("version")
        if as_of_text and version_text:
            raise _bad("as_of", "Give as_of or version, not both.")
        version = None
        if version_text:
            try:
                version = int(version_text)
            except ValueError:
                raise _bad("version", "Must be a whole number from 1.") from None
            if version < 1:
                raise _bad("version", "Must be a whole number from 1.")
        try:
            as_of = audit.parse_moment(as_of_text, "as_of") if as_of_text else None
        except ValidationFailed as error:
            raise _bad("as_of", error.detail) from None
        view = audit.aggregate_state(application(), kind, aggregate_id, version=version, as_of=as_of)
        return Response(view.as_json(), headers={"ETag": f'"{view.version}"'})


class ResourceHistoryView(AuditView):
    @extend_schema(
        parameters=[KIND_PARAMETER],
        responses={200: History},
        summary="Every event of a resource with the changes it made (auditors, secretariat)",
    )
    def get(self, request: Request, kind: str, aggregate_id: UUID) -> Response:
        self.known_kind(kind)
        found = audit.aggregate_history(application(), kind, aggregate_id)
        body = found.as_json()
        _with_names(body["events"], "actor")
        return Response(body, headers={"ETag": f'"{found.version}"'})


class ChainView(AuditView):
    @extend_schema(
        parameters=[OpenApiParameter("position", int, description="The link at this position.")],
        responses={200: ChainLinkOut},
        summary="The hash chain's head, or its link at a position",
    )
    def get(self, request: Request) -> Response:
        app = application()
        text = request.query_params.get("position")
        if text:
            try:
                position = int(text)
            except ValueError:
                raise _bad("position", "Must be a whole number.") from None
            links = app.ledger.select_chained(position, position)
            if not links or links[0].digest is None:
                raise Problem(404, "not_found", f"The chain has no link at position {position}.")
            link = links[0]
            return Response(
                {
                    "position": link.position,
                    "digest": link.digest.hex() if link.digest else None,
                    "recorded_at": link.recorded_at.isoformat() if link.recorded_at else None,
                }
            )
        head = app.ledger.chain_head()
        if head is None:
            raise Problem(404, "not_found", "The chain is empty: nothing has happened yet.")
        return Response(
            {
                "position": head.position,
                "digest": head.digest.hex(),
                "recorded_at": head.recorded_at.isoformat(),
            }
        )
