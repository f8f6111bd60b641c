"""The OpenAPI description of what the API answers (drf-spectacular).

These serializers describe the JSON of projections/render.py (plus ``localized``
and, for commands, ``command``); they are never used to produce it. The hook
:func:`add_problem_responses` documents the problem-details errors and the
convention headers (Idempotency-Key, If-Match, Accept-Language) on every operation.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


def Texts(**kwargs: Any) -> serializers.DictField:  # noqa: N802
    return serializers.DictField(child=serializers.CharField(allow_blank=True), **kwargs)


def _localized() -> serializers.DictField:
    return serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text="Each text field in the language of Accept-Language (else Arabic, else any).",
    )


class Versioned(serializers.Serializer):  # type: ignore[type-arg]
    version = serializers.IntegerField(help_text="Send it back in If-Match to change this resource.")
    position = serializers.IntegerField(help_text="Global position of the event shown last.")
    localized = _localized()


class CommandInfo(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.CharField(help_text="The command id (from Idempotency-Key).")
    name = serializers.CharField()
    position = serializers.IntegerField(help_text="Global position of the command's last event.")
    repeated = serializers.BooleanField(help_text="True when this command had run before.")


class Problem(serializers.Serializer):  # type: ignore[type-arg]
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField()
    instance = serializers.CharField(required=False)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
    current_version = serializers.IntegerField(required=False, allow_null=True)


# --- resources ------------------------------------------------------------------------------------


class Commission(Versioned):
    id = serializers.UUIDField()
    country = serializers.CharField()
    name = Texts()
    profile = serializers.JSONField()
    secretary_general = serializers.JSONField(allow_null=True)
    member_count = serializers.IntegerField()
    registered_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class Partner(Versioned):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    country = serializers.CharField()
    name = Texts()
    profile = serializers.JSONField()
    commission_ids = serializers.ListField(child=serializers.CharField())
    member_count = serializers.IntegerField()
    registered_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class Member(serializers.Serializer):  # type: ignore[type-arg]
    user_id = serializers.CharField()
    scope = serializers.CharField()
    scope_id = serializers.CharField()
    role = serializers.CharField()
    since = serializers.DateTimeField()
    display_name = serializers.CharField(allow_blank=True)
    username = serializers.CharField(allow_blank=True)
    localized = _localized()


class Affiliation(serializers.Serializer):  # type: ignore[type-arg]
    commission_id = serializers.UUIDField()
    state = serializers.ChoiceField(choices=["requested", "accepted"])
    since = serializers.DateTimeField()
    requested_by = serializers.CharField(allow_blank=True)
    rationale = serializers.CharField(allow_blank=True)
    rights = serializers.ListField(child=serializers.CharField(), help_text="What the partner shares.")


class MemberChange(serializers.Serializer):  # type: ignore[type-arg]
    user_id = serializers.CharField()
    role = serializers.CharField(allow_null=True)
    member = serializers.BooleanField()
    version = serializers.IntegerField(help_text="The version of the commission or partner.")
    localized = _localized()


class Update(Versioned):
    id = serializers.UUIDField()
    commission_id = serializers.UUIDField()
    kind = serializers.CharField()
    title = Texts()
    summary = Texts()
    body = Texts()
    state = serializers.CharField()
    author = serializers.CharField()
    drafted_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()


class DecisionOut(serializers.Serializer):  # type: ignore[type-arg]
    position = serializers.IntegerField()
    action = serializers.CharField()
    state = serializers.CharField()
    decided_by = serializers.CharField()
    rationale = serializers.CharField(allow_blank=True)
    decided_at = serializers.DateTimeField()


class Proposal(Versioned):
    id = serializers.UUIDField()
    commission_id = serializers.UUIDField()
    partner_ids = serializers.ListField(child=serializers.CharField())
    title = Texts()
    summary = Texts()
    state = serializers.CharField()
    proposed_by = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    decisions = DecisionOut(many=True, required=False)


class Workspace(Versioned):
    id = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    commission_id = serializers.UUIDField(allow_null=True)
    created_by = serializers.CharField()
    archived = serializers.BooleanField()
    member_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    last_activity_at = serializers.DateTimeField()
    unread = serializers.IntegerField(required=False)


class WorkspaceMember(serializers.Serializer):  # type: ignore[type-arg]
    user_id = serializers.CharField()
    added_by = serializers.CharField()
    added_at = serializers.DateTimeField()
    display_name = serializers.CharField(allow_blank=True)
    username = serializers.CharField(allow_blank=True)
    localized = _localized()


class WorkspaceMemberChange(serializers.Serializer):  # type: ignore[type-arg]
    user_id = serializers.CharField()
    member = serializers.BooleanField()
    version = serializers.IntegerField(help_text="The version of the workspace.")
    localized = _localized()


class Thread(Versioned):
    id = serializers.UUIDField()
    workspace_id = serializers.UUIDField()
    title = serializers.CharField()
    started_by = serializers.CharField()
    closed = serializers.BooleanField()
    started_at = serializers.DateTimeField()
    last_message_at = serializers.DateTimeField(allow_null=True)
    message_count = serializers.IntegerField()
    unread = serializers.IntegerField(required=False)


class Message(Versioned):
    id = serializers.UUIDField()
    thread_id = serializers.UUIDField()
    workspace_id = serializers.UUIDField()
    author = serializers.CharField()
    author_name = serializers.CharField(allow_blank=True, required=False)
    text = serializers.CharField(allow_blank=True)
    mentions = serializers.ListField(child=serializers.CharField())
    retracted = serializers.BooleanField()
    edited = serializers.BooleanField()
    posted_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)


class EarlierText(serializers.Serializer):  # type: ignore[type-arg]
    text = serializers.CharField(allow_blank=True)
    replaced_at = serializers.DateTimeField()
    by = serializers.CharField()


class MessageHistory(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField()
    retracted = serializers.BooleanField()
    text = serializers.CharField(allow_blank=True)
    history = EarlierText(many=True)
    localized = _localized()


class ReadMarker(serializers.Serializer):  # type: ignore[type-arg]
    thread_id = serializers.UUIDField()
    position = serializers.IntegerField()
    unread = serializers.IntegerField()
    localized = _localized()


class ResourceRef(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.CharField()
    id = serializers.UUIDField()


class Comment(Versioned):
    id = serializers.UUIDField()
    resource = ResourceRef()
    author = serializers.CharField()
    author_name = serializers.CharField(allow_blank=True, required=False)
    text = serializers.CharField(allow_blank=True)
    retracted = serializers.BooleanField()
    edited = serializers.BooleanField()
    posted_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)


class Document(Versioned):
    id = serializers.UUIDField()
    resource = ResourceRef()
    commission_id = serializers.UUIDField(allow_null=True)
    visibility = serializers.CharField()
    name = serializers.CharField()
    media_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_by = serializers.CharField()
    archived = serializers.BooleanField()
    version_count = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class DocumentVersion(serializers.Serializer):  # type: ignore[type-arg]
    number = serializers.IntegerField()
    name = serializers.CharField()
    media_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    added_by = serializers.CharField()
    added_at = serializers.DateTimeField()
    localized = _localized()


class ActivityObject(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.CharField()
    id = serializers.UUIDField()
    label = serializers.DictField(child=serializers.CharField(allow_blank=True))


class Activity(serializers.Serializer):  # type: ignore[type-arg]
    position = serializers.IntegerField()
    kind = serializers.CharField()
    actor = serializers.CharField()
    object = ActivityObject()
    commission_id = serializers.UUIDField(allow_null=True)
    workspace_id = serializers.UUIDField(allow_null=True)
    created_at = serializers.DateTimeField()
    localized = _localized()


class Indicators(serializers.Serializer):  # type: ignore[type-arg]
    commission_id = serializers.UUIDField(allow_null=True)
    updates_published = serializers.IntegerField()
    proposals_by_state = serializers.DictField(child=serializers.IntegerField())
    active_partnerships = serializers.IntegerField()
    documents = serializers.IntegerField()
    messages = serializers.IntegerField()
    members_active_30_days = serializers.IntegerField()
    page_views = serializers.IntegerField()
    page_views_by_kind = serializers.DictField(child=serializers.IntegerField())
    days = serializers.IntegerField()
    series = serializers.JSONField()
    localized = _localized()


class SearchResults(serializers.Serializer):  # type: ignore[type-arg]
    commissions = Commission(many=True)
    partners = Partner(many=True)
    updates = Update(many=True)
    localized = _localized()


class AgendaItemOut(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField()
    title = Texts()
    duration_minutes = serializers.IntegerField()
    presenter = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(required=False, help_text="Withdrawn items: why.")


class MinutesVersion(serializers.Serializer):  # type: ignore[type-arg]
    number = serializers.IntegerField(help_text="1, 2, ... in the order drafted.")
    state = serializers.ChoiceField(choices=["draft", "provisional", "definitive"])
    text = Texts(allow_null=True, help_text="In the meeting: null until definitive.")
    reason = serializers.CharField(allow_blank=True, help_text="A correction: what it corrects.")
    by = serializers.CharField()
    at = serializers.DateTimeField()


class Meeting(Versioned):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    title = Texts()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    time_zone = serializers.CharField()
    place = serializers.CharField(allow_blank=True)
    online_link = serializers.CharField(allow_blank=True)
    organiser = serializers.CharField()
    commission_ids = serializers.ListField(child=serializers.CharField())
    partner_ids = serializers.ListField(child=serializers.CharField())
    visibility = serializers.CharField()
    capacity = serializers.IntegerField(allow_null=True)
    has_waiting_list = serializers.BooleanField()
    state = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    agenda = AgendaItemOut(many=True)
    withdrawn_items = AgendaItemOut(many=True)
    current_item_id = serializers.UUIDField(allow_null=True)
    registered_count = serializers.IntegerField()
    waiting_count = serializers.IntegerField()
    present_count = serializers.IntegerField(help_text="Checked in now (meeting in progress).")
    seats_left = serializers.IntegerField(allow_null=True)
    minutes = MinutesVersion(allow_null=True, help_text="The current version of the minutes, if any.")
    minutes_versions = serializers.IntegerField()
    scheduled_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class Participant(serializers.Serializer):  # type: ignore[type-arg]
    user_id = serializers.CharField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=["registered", "waiting"])
    rank = serializers.IntegerField(help_text="Order of registration (or place on the waiting list).")
    present = serializers.BooleanField(help_text="Checked in now.")
    attended_items = serializers.ListField(
        child=serializers.UUIDField(), help_text="The agenda items they were present for."
    )


class Token(serializers.Serializer):  # type: ignore[type-arg]
    token = serializers.CharField()


class HeldMembership(serializers.Serializer):  # type: ignore[type-arg]
    scope = serializers.ChoiceField(choices=["organisation", "commission", "partner"])
    scope_id = serializers.UUIDField(allow_null=True)
    role = serializers.CharField()


class Me(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField()
    username = serializers.CharField()
    display_name = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    language = serializers.CharField()
    role = serializers.CharField()
    commission_id = serializers.UUIDField(allow_null=True)
    partner_id = serializers.UUIDField(allow_null=True)
    memberships = HeldMembership(many=True, help_text="Every membership held, each with its role.")
    may = serializers.DictField(child=serializers.BooleanField())
    localized = _localized()


class Invitation(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField()
    email = serializers.CharField()
    scope = serializers.CharField()
    scope_id = serializers.UUIDField()
    role = serializers.CharField()
    state = serializers.CharField()
    invited_by = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    rationale = serializers.CharField(allow_blank=True)
    localized = _localized()


# --- wrappers -------------------------------------------------------------------------------------


@cache
def result_of(serializer: type[serializers.Serializer]) -> type[serializers.Serializer]:  # type: ignore[type-arg]
    """The response of a command: the resource and the command that changed it."""
    return type(f"{serializer.__name__}Result", (serializer,), {"command": CommandInfo()})


@cache
def page_of(serializer: type[serializers.Serializer]) -> type[serializers.Serializer]:  # type: ignore[type-arg]
    """A cursor-paginated list."""
    return type(
        f"{serializer.__name__}Page",
        (serializers.Serializer,),
        {
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer(many=True),
        },
    )


@cache
def list_of(serializer: type[serializers.Serializer]) -> type[serializers.Serializer]:  # type: ignore[type-arg]
    """A short list, whole (no pages)."""
    return type(f"{serializer.__name__}List", (serializers.Serializer,), {"results": serializer(many=True)})


# --- the hook ---------------------------------------------------------------------------------------

ERRORS_OF_READS = ("400", "401", "403", "404", "406")
ERRORS_OF_WRITES = (*ERRORS_OF_READS, "409", "413", "415", "422")

# Endpoints that are not commands of events/ (no 202 "stored, not yet projected").
NOT_COMMANDS = (
    "/auth/token/", "/me/", "/invitations/", "/invitations/accept/", "/revoke/", "/read/",
)

HEADERS = {
    "Idempotency-Key": {
        "in": "header",
        "name": "Idempotency-Key",
        "required": False,
        "description": "A key of yours (a UUID) that makes a repeat of this request "
        "have one effect and get the first response back.",
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,80}$"},
    },
    "If-Match": {
        "in": "header",
        "name": "If-Match",
        "required": False,
        "description": 'The version you last saw (the ETag, e.g. "3"): a stale one gets 409.',
        "schema": {"type": "string", "pattern": '^"[0-9]{1,9}"$'},
    },
}


def add_problem_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: problem responses and convention headers."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Problem", {
        "type": "object",
        "required": ["type", "title", "status", "detail", "code"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "code": {"type": "string"},
            "instance": {"type": "string"},
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
            "codes": {
                "type": "object",
                "description": "Each field's refusals as in errors, as stable codes with "
                "the values of their sentence.",
                "additionalProperties": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["code", "params"],
                        "properties": {
                            "code": {"type": "string"},
                            "params": {"type": "object", "additionalProperties": True},
                        },
                    },
                },
            },
            "current_version": {"type": "integer", "nullable": True},
        },
    })
    problem = {
        "description": "Problem details (RFC 9457)",
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    pending = {
        "description": "Stored; the read models have not caught up yet.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CommandPending"}}},
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "patch", "put", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            writes = method != "get"
            for status in ERRORS_OF_WRITES if writes else ERRORS_OF_READS:
                responses.setdefault(status, problem)
            if path.endswith("/auth/token/"):
                responses.setdefault("429", problem)
                responses.pop("409", None)
            parameters = operation.setdefault("parameters", [])
            if method == "post":
                parameters.append(HEADERS["Idempotency-Key"])
            if writes and "{" in path:
                parameters.append(HEADERS["If-Match"])
            if writes and not any(path.endswith(tail) for tail in NOT_COMMANDS):
                responses.setdefault("202", pending)
    if "CommandPending" not in components:
        components["CommandPending"] = {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "kind": {"type": "string"},
                "version": {"type": "integer"},
                "position": {"type": "integer"},
                "command": {"type": "object"},
            },
        }
    return result


class TawasulAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, naming a collection's GET "…_list" (our views are
    APIViews, so it cannot tell a list from a single resource and would name both
    "…_retrieve" with numeral suffixes)."""

    def get_operation_id(self) -> str:
        operation_id: str = super().get_operation_id()
        collection = not self.path.rstrip("/").endswith("}")
        if self.method == "GET" and collection and operation_id.endswith("_retrieve"):
            return operation_id.removesuffix("_retrieve") + "_list"
        return operation_id
