"""Errors as RFC 9457 problem details: the one place where errors become HTTP.

Every error of the API is answered with ``Content-Type: application/problem+json``
and a body such as::

    {"type": "urn:tawasul:problem:invalid", "title": "Invalid input", "status": 422,
     "detail": "The update is not valid.", "instance": "/api/v1/updates/",
     "code": "invalid", "errors": {"title": ["Give the text in at least one of ar, en, fr."]},
     "codes": {"title": [{"code": "language_required", "params": {}}]}}

Domain errors (events/errors.py) and DRF's and Django's own exceptions are
mapped here, by :func:`exception_handler` (DRF's EXCEPTION_HANDLER). The
``code`` is stable: clients may test it; ``type`` is the same code as a URN.
``errors`` gives each field's English sentences; ``codes`` the same refusals, in
the same order, as stable codes (events.errors.FieldCode) with the values of
their sentence, for clients that say them in their reader's language.

400 means the request is malformed (wrong JSON, a missing field, a wrong type);
422 means it is well formed but the domain refuses its content (an empty title,
an unknown language).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response

from events import errors as domain
from events.outages import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:tawasul:problem:"


TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Precondition failed",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    500: "Server error",
    503: "Service unavailable",
}


class Problem(drf.APIException):
    """An API error of our own, raised by views and conventions."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        errors: Mapping[str, list[str]] | None = None,
        headers: Mapping[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail, code)
        self.status_code = status
        self.problem_code = code
        self.problem_detail = detail
        self.errors = dict(errors or {})
        self.headers = dict(headers or {})
        self.extensions = extensions


def problem_body(
    status: int,
    code: str,
    detail: str,
    *,
    instance: str = "",
    errors: Mapping[str, list[str]] | None = None,
    codes: Mapping[str, list[Mapping[str, Any]]] | None = None,
    **extensions: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + code,
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = {k: [str(m) for m in v] for k, v in errors.items()}
    if codes:
        body["codes"] = {k: [dict(c) for c in v] for k, v in codes.items()}
    body.update(extensions)
    return body


def problem_response(
    request: HttpRequest | None,
    status: int,
    code: str,
    detail: str,
    *,
    errors: Mapping[str, list[str]] | None = None,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> Response:
    body = problem_body(
        status, code, detail, instance=request.path if request else "", errors=errors, **extensions
    )
    response = Response(body, status=status, content_type=PROBLEM_CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def plain_problem_response(
    request: HttpRequest, status: int, code: str, detail: str
) -> JsonResponse:
    """The same body outside DRF (URL not found under /api/, lockout...)."""
    return JsonResponse(
        problem_body(status, code, detail, instance=request.path),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error details as {"field.sub": [messages]}."""
    if isinstance(detail, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = "" if key == "non_field_errors" and not prefix else str(key)
            flat.update(flatten_errors(value, f"{prefix}.{name}" if prefix and name else prefix or name))
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, Mapping | list) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            flat.update(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or "non_field_errors": [str(detail)]}


def _domain_problem(error: domain.DomainError) -> tuple[int, dict[str, Any], dict[str, str]]:
    """Status, extra body members and headers of a domain error."""
    if isinstance(error, domain.TooLarge):
        return 413, {}, {}
    if isinstance(error, domain.UnsupportedMediaType):
        return 415, {}, {}
    if isinstance(error, domain.ValidationFailed | domain.IdempotencyKeyReused):
        return 422, {}, {}
    if isinstance(error, domain.NotFound):
        return 404, {}, {}
    if isinstance(error, domain.PermissionDenied):
        return 403, {}, {}
    if isinstance(error, domain.ConcurrencyConflict):
        extra = {
            "current_version": error.actual_version,
            "expected_version": error.expected_version,
            "resource": {"kind": error.kind, "id": str(error.aggregate_id)},
        }
        headers = {"ETag": f'"{error.actual_version}"'} if error.actual_version is not None else {}
        return 409, extra, headers
    if isinstance(error, domain.IllegalTransition):
        return 409, {"state": error.state}, {}
    if isinstance(error, domain.AlreadyExists):
        return 409, {}, {}
    if isinstance(error, domain.Unavailable):
        return 503, {}, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return 422, {}, {}


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every known error as problem details; others (bugs)
    are left to Django, which logs them and answers 500."""
    request = context.get("request")
    http_request: HttpRequest | None = getattr(request, "_request", request)

    def respond(status: int, code: str, detail: str, **kwargs: Any) -> Response:
        return problem_response(http_request, status, code, detail, **kwargs)

    if isinstance(exc, Problem):
        return respond(
            exc.status_code, exc.problem_code, exc.problem_detail, errors=exc.errors,
            headers=exc.headers, **exc.extensions,
        )
    if isinstance(exc, domain.DomainError):
        status, extra, headers = _domain_problem(exc)
        return respond(
            status, exc.code, exc.detail, errors=exc.errors, codes=exc.codes, headers=headers, **extra
        )
    if isinstance(exc, DATABASE_UNAVAILABLE):
        logger.warning("Answering 503: the database is unavailable (%s: %s)", type(exc).__name__, exc)
        return respond(
            503, "unavailable",
            "The database cannot be reached at the moment. The request may not have taken effect: "
            "send it again with the same Idempotency-Key, which makes it take effect once.",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, RequestDataTooBig):
        return respond(413, "too_large", "The request body is larger than this server accepts.")
    if isinstance(exc, Http404):
        return respond(404, "not_found", "Not found.")
    if isinstance(exc, DjangoPermissionDenied):
        return respond(403, "forbidden", str(exc) or "You may not do this.")
    if isinstance(exc, SuspiciousOperation):
        return respond(400, "bad_request", "The request was refused as malformed.")
    if isinstance(exc, drf.ValidationError):
        return respond(
            400, "bad_request", "The request is not valid: see errors.",
            errors=flatten_errors(exc.detail),
        )
    if isinstance(exc, drf.APIException):
        return _api_exception(exc, respond)
    return None


def _api_exception(exc: drf.APIException, respond: Any) -> Response:
    status = exc.status_code
    detail = exc.detail if isinstance(exc.detail, str) else "; ".join(
        str(v) for v in flatten_errors(exc.detail).values()
    )
    headers: dict[str, str] = {}
    codes = {
        drf.NotAuthenticated: "not_authenticated",
        drf.AuthenticationFailed: "authentication_failed",
        drf.PermissionDenied: "forbidden",
        drf.NotFound: "not_found",
        drf.MethodNotAllowed: "method_not_allowed",
        drf.NotAcceptable: "not_acceptable",
        drf.UnsupportedMediaType: "unsupported_media_type",
        drf.ParseError: "bad_request",
        drf.Throttled: "throttled",
    }
    code = next((c for cls, c in codes.items() if isinstance(exc, cls)), "error")
    # APIView.handle_exception has chosen 401 (with the scheme) or 403 already.
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    if isinstance(exc, drf.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(math.ceil(exc.wait))
    return respond(status, code, str(detail), headers=headers)
