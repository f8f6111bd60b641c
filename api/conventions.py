"""The conventions every endpoint follows, in one base class.

- Who acts: ``self.actor`` (events.roles.Actor) from the signed-in user's membership.
- Language: ``self.language`` (ar, en or fr) from Accept-Language (Django's LocaleMiddleware).
- Idempotency: every POST may carry ``Idempotency-Key``. The key becomes the command
  id (events.base.scoped_command_id), so a repeat has one effect even across a crash;
  the first successful response is kept (api.models.IdempotencyRecord) and a repeat
  of the same request gets it back with ``Idempotent-Replayed: true``. The same key
  on a different request is refused (422). Without the header a fresh id is used.
- If-Match: the version a client last saw; the command refuses a stale one (409).
- Read-your-writes: a command's response is rendered from the read models once they
  include its position (projections.service.wait_for); if they lag behind for longer
  than READ_YOUR_WRITES_TIMEOUT, the answer is 202 with what the command returned.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import uuid
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any
from uuid import UUID

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework.exceptions import NotAuthenticated
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.language import localized
from api.models import IdempotencyRecord
from api.problems import Problem
from events.base import CommandResult, scoped_command_id
from events.errors import NotFound
from events.roles import Actor
from projections import queries, service

logger = logging.getLogger(__name__)

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:\-]{1,80}$")
ENTITY_TAG = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')
READ_YOUR_WRITES_TIMEOUT = 5.0


class _Replay(Exception):
    def __init__(self, record: IdempotencyRecord) -> None:
        self.record = record


class ApiView(APIView):
    """The base of every endpoint of /api/v1/."""

    permission_classes: list[type[BasePermission]] = []

    # --- who and in which language ---------------------------------------------------------

    @cached_property
    def actor(self) -> Actor:
        user = self.request.user
        if not user or not user.is_authenticated:
            return Actor.public()
        return queries.actor_for(str(user.pk))

    @property
    def language(self) -> str:
        code = (getattr(self.request, "LANGUAGE_CODE", "") or "ar")[:2]
        return code if code in {"ar", "en", "fr"} else "ar"

    def require_signed_in(self) -> None:
        if not self.request.user or not self.request.user.is_authenticated:
            raise NotAuthenticated()

    def show(self, data: dict[str, Any]) -> dict[str, Any]:
        """A rendering with its texts in the reader's language beside all three."""
        return localized(data, self.language)

    def valid(self, serializer_class: Any) -> Any:
        """The request body checked by ``serializer_class`` (400 when malformed)."""
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def found(self, value: Any, kind: str, object_id: Any) -> Any:
        """``value``, or 404 when the reader may not see it (or it does not exist)."""
        if value is None:
            raise NotFound(kind, object_id)
        return value

    # --- idempotency ------------------------------------------------------------------------------

    def idempotency_owner(self, request: Request) -> str | None:
        """Whose keys these are: the signed-in person (None: keys are not kept)."""
        user = request.user
        return str(user.pk) if user and user.is_authenticated else None

    @cached_property
    def client_key(self) -> str | None:
        key = self.request.headers.get("Idempotency-Key")
        if key is None:
            return None
        if not IDEMPOTENCY_KEY.match(key):
            raise Problem(
                400, "bad_idempotency_key",
                "Idempotency-Key must be 1 to 80 letters, digits or ._:- (a UUID is ideal).",
            )
        return key

    @cached_property
    def idempotency_key(self) -> str:
        return self.client_key or str(uuid.uuid4())

    def command_id(self) -> str:
        return scoped_command_id(self.actor.id or "public", self.idempotency_key)

    def _fingerprint(self, request: Request) -> str:
        data = request.data
        if hasattr(data, "lists"):
            content: Any = {k: v for k, v in data.lists() if k not in request.FILES}
        else:
            content = data
        files = sorted((name, f.name, f.size) for name, f in request.FILES.items())
        payload = json.dumps(
            {"method": request.method, "path": request.path, "data": content, "files": files},
            sort_keys=True, default=str,
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.method != "POST" or self.client_key is None:
            return
        owner = self.idempotency_owner(request)
        if owner is None:
            return
        record = IdempotencyRecord.objects.filter(owner=owner, key=self.client_key).first()
        if record is None:
            return
        if record.fingerprint != self._fingerprint(request):
            raise Problem(
                422, "idempotency_key_reused",
                "This Idempotency-Key was used before for a different request; "
                "use a new key for a new request.",
            )
        raise _Replay(record)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, _Replay):
            response = Response(exc.record.body, status=exc.record.status)
            response["Idempotent-Replayed"] = "true"
            if exc.record.location:
                response["Location"] = exc.record.location
            return response
        return super().handle_exception(exc)

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if (
            request.method == "POST"
            and 200 <= response.status_code < 300
            and "Idempotent-Replayed" not in response
            and isinstance(response, Response)
            and isinstance(response.data, dict)
        ):
            self._keep_first_response(request, response)
        return response

    def _keep_first_response(self, request: Request, response: Response) -> None:
        try:
            key = self.client_key
        except Problem:
            return
        owner = self.idempotency_owner(request)
        if key is None or owner is None:
            return
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.create(
                    owner=owner,
                    key=key,
                    fingerprint=self._fingerprint(request),
                    status=response.status_code,
                    body=response.data,
                    location=response.get("Location", ""),
                )
        except IntegrityError:
            pass  # a concurrent repeat stored it first; the command ran once all the same
        except DatabaseError as error:
            # The command is stored: answer it. A repeat with this key finds the command
            # in the command log and gets the same result, without this record.
            logger.warning("Keeping the response of Idempotency-Key %s failed: %s", key, error)

    # --- commands ---------------------------------------------------------------------------------

    @cached_property
    def expected_version(self) -> int | None:
        """The version of If-Match ("3", W/"3" or 3); None without it or for "*"."""
        header = self.request.headers.get("If-Match")
        if header is None or header.strip() == "*":
            return None
        match = ENTITY_TAG.match(header)
        if not match:
            raise Problem(
                400, "bad_if_match", 'If-Match must be the version of the resource, e.g. "3".'
            )
        return int(match.group(1))

    def run(
        self, use_case: Callable[..., CommandResult], *, versioned: bool = True, **arguments: Any
    ) -> CommandResult:
        """Run one use case as this request's actor, with this request's command id and,
        when ``versioned`` and If-Match was sent, its expected version."""
        if versioned and self.expected_version is not None:
            arguments["expected_version"] = self.expected_version
        return use_case(self.actor, command_id=self.command_id(), **arguments)

    def respond(
        self,
        result: CommandResult,
        render: Callable[[], dict[str, Any] | None],
        *,
        created: bool = False,
        location: str = "",
    ) -> Response:
        """The command's response: the resource as the read models now show it."""
        command = {
            "id": result.command_id,
            "name": result.name,
            "position": result.position,
            "repeated": result.repeated,
        }
        body = render() if service.wait_for(result.position, READ_YOUR_WRITES_TIMEOUT) else None
        headers = {"ETag": f'"{result.version}"'}
        if body is None:
            # Stored, but the read models have not caught up yet (a busy projector).
            pending = {
                "id": str(result.id),
                "kind": result.kind,
                "version": result.version,
                "position": result.position,
                "command": command,
            }
            return Response(pending, status=202, headers=headers)
        body = {**self.show(body), "command": command}
        if location:
            headers["Location"] = location
        return Response(body, status=201 if created else 200, headers=headers)

    def detail(self, body: dict[str, Any], version: int | None = None) -> Response:
        """A GET of one resource, with its version as ETag."""
        headers = {"ETag": f'"{version}"'} if version is not None else {}
        return Response(self.show(body), headers=headers)

    # --- lists ---------------------------------------------------------------------------------------

    def paginate(
        self, queryset: Any, ordering: str | tuple[str, ...], render: Callable[[Any], dict[str, Any]]
    ) -> Response:
        paginator = Cursor()
        paginator.ordering = ordering
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        assert page is not None
        return paginator.get_paginated_response([self.show(render(row)) for row in page])


class Cursor(CursorPagination):
    """Cursor pagination: ``next``/``previous`` links, ``?page_size=`` up to 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-position"


def uuid_param(request: Request, name: str) -> UUID | None:
    """A UUID query parameter, or None when absent; 400 when malformed."""
    value = request.query_params.get(name)
    if not value:
        return None
    try:
        return UUID(value)
    except ValueError:
        raise Problem(400, "bad_request", f"{name} must be a UUID.",
                      errors={name: ["Must be a UUID."]}) from None


def choice_param(request: Request, name: str, choices: Mapping[str, Any] | frozenset[str]) -> str:
    value = request.query_params.get(name, "")
    if value and value not in choices:
        options = ", ".join(sorted(choices))
        raise Problem(400, "bad_request", f"{name} must be one of: {options}.",
                      errors={name: [f"Must be one of: {options}."]})
    return value


def moment_param(request: Request, name: str) -> dt.datetime | None:
    """A query parameter naming a moment: a date (midnight UTC) or an ISO 8601 date-time
    (UTC when it gives no zone); 400 otherwise."""
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
        raise Problem(400, "bad_request", f"{name} must be a date or an ISO 8601 date-time.",
                      errors={name: ["Must be a date or an ISO 8601 date-time."]})
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, dt.UTC)
