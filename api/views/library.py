"""Comments on resources, and the document library (uploads, versions, downloads)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api import people, schema
from api import serializers as inputs
from api.conventions import ApiView, choice_param, uuid_param
from api.problems import Problem
from events.errors import NotFound
from events.files import too_large
from events.platform import application
from events.roles import Actor
from projections import queries, render

RESOURCE_KIND = OpenApiParameter("resource_kind", str, enum=list(inputs.COMMENTABLE_KINDS))
RESOURCE_ID = OpenApiParameter("resource_id", UUID)
# Room for the multipart envelope around the file itself.
MULTIPART_OVERHEAD = 64 * 1024


def _comment(actor: Actor, comment_id: UUID) -> dict[str, Any] | None:
    entry = queries.comment_entry(actor, comment_id)
    if entry is None:
        return None
    return people.with_names([render.comment(entry)], "author", "author_name")[0]


class CommentsView(ApiView):
    @extend_schema(
        parameters=[
            OpenApiParameter("resource_kind", str, enum=list(inputs.COMMENTABLE_KINDS),
                             required=True),
            OpenApiParameter("resource_id", UUID, required=True),
        ],
        responses={200: schema.page_of(schema.Comment)},
        summary="Comments on one resource, oldest first",
    )
    def get(self, request: Request) -> Response:
        kind = choice_param(request, "resource_kind", frozenset(inputs.COMMENTABLE_KINDS))
        resource_id = uuid_param(request, "resource_id")
        if not kind or resource_id is None:
            raise Problem(400, "bad_request", "Name the resource: resource_kind and resource_id.",
                          errors={"resource_kind": ["Required."], "resource_id": ["Required."]})
        if not queries.may_read(self.actor, kind, resource_id):
            raise NotFound(kind, resource_id)
        response = self.paginate(queries.comments(kind, resource_id), "position", render.comment)
        people.with_names(response.data["results"], "author", "author_name")
        return response

    @extend_schema(request=inputs.CommentPost, responses={201: schema.result_of(schema.Comment)},
                   summary="Comment on a resource")
    def post(self, request: Request) -> Response:
        self.require_signed_in()
        data = self.valid(inputs.CommentPost)
        if not queries.may_read(self.actor, data["resource_kind"], data["resource_id"]):
            raise NotFound(data["resource_kind"], data["resource_id"])
        result = self.run(
            application().post_comment, versioned=False, resource_kind=data["resource_kind"],
            resource_id=data["resource_id"], text=data["text"],
        )
        return self.respond(result, lambda: _comment(self.actor, result.id), created=True,
                            location=f"/api/v1/comments/{result.id}/")


class CommentView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=inputs.TextEdit, responses={200: schema.result_of(schema.Comment)},
                   summary="Edit your comment")
    def patch(self, request: Request, comment_id: UUID) -> Response:
        self.found(queries.comment_entry(self.actor, comment_id), "comment", comment_id)
        data = self.valid(inputs.TextEdit)
        result = self.run(application().edit_comment, comment_id=comment_id, text=data["text"])
        return self.respond(result, lambda: _comment(self.actor, comment_id))


class RetractCommentView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: schema.result_of(schema.Comment)},
                   summary="Retract your comment")
    def post(self, request: Request, comment_id: UUID) -> Response:
        self.found(queries.comment_entry(self.actor, comment_id), "comment", comment_id)
        result = self.run(application().retract_comment, comment_id=comment_id)
        return self.respond(result, lambda: _comment(self.actor, comment_id))


# --- documents -------------------------------------------------------------------------------


class LimitedUpload(TemporaryFileUploadHandler):
    """Streams an upload to a temporary file and stops at the document size limit,
    before the rest of an oversized body is read."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > settings.MAX_DOCUMENT_BYTES:
            raise too_large("file", settings.MAX_DOCUMENT_BYTES)
        return super().receive_data_chunk(raw_data, start)


class UploadView(ApiView):
    """Multipart uploads, refused with 413 as soon as they are known to be too large."""

    parser_classes = [MultiPartParser, FormParser]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_DOCUMENT_BYTES + MULTIPART_OVERHEAD:
            raise too_large("file", settings.MAX_DOCUMENT_BYTES)
        http_request = request._request
        if not hasattr(http_request, "_files"):
            http_request.upload_handlers = [LimitedUpload(http_request)]
        super().initial(request, *args, **kwargs)


def _document(actor: Actor, document_id: UUID) -> dict[str, Any] | None:
    entry = queries.document_entry(actor, document_id)
    return render.document(entry) if entry else None


class DocumentsView(UploadView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        parameters=[
            OpenApiParameter("resource_kind", str, enum=list(inputs.RESOURCE_KINDS)),
            RESOURCE_ID,
            OpenApiParameter("commission", UUID),
        ],
        responses={200: schema.page_of(schema.Document)},
        summary="Documents you may read (the public: public documents)",
    )
    def get(self, request: Request) -> Response:
        found = queries.documents(
            self.actor,
            resource_kind=choice_param(request, "resource_kind", frozenset(inputs.RESOURCE_KINDS)),
            resource_id=uuid_param(request, "resource_id"),
            commission=uuid_param(request, "commission"),
        )
        return self.paginate(found, ("-updated_at", "id"), render.document)

    @extend_schema(request={"multipart/form-data": inputs.DocumentUpload},
                   responses={201: schema.result_of(schema.Document)},
                   summary="Upload a document (multipart: file, resource_kind, resource_id)")
    def post(self, request: Request) -> Response:
        self.require_signed_in()
        data = self.valid(inputs.DocumentUpload)
        if not queries.may_read(self.actor, data["resource_kind"], data["resource_id"]):
            raise NotFound(data["resource_kind"], data["resource_id"])
        upload = data["file"]
        result = self.run(
            application().upload_document, versioned=False, resource_kind=data["resource_kind"],
            resource_id=data["resource_id"], name=data.get("name") or upload.name,
            content=upload, visibility=data.get("visibility", "internal"),
        )
        return self.respond(result, lambda: _document(self.actor, result.id), created=True,
                            location=f"/api/v1/documents/{result.id}/")


class DocumentView(ApiView):
    @extend_schema(responses={200: schema.Document}, summary="One document")
    def get(self, request: Request, document_id: UUID) -> Response:
        entry = self.found(queries.document_entry(self.actor, document_id), "document",
                           document_id)
        return self.detail(render.document(entry), entry.version)


class DocumentVersionsView(UploadView):
    @extend_schema(responses={200: schema.page_of(schema.DocumentVersion)},
                   summary="Versions of a document, first to last")
    def get(self, request: Request, document_id: UUID) -> Response:
        self.found(queries.document_entry(self.actor, document_id), "document", document_id)
        return self.paginate(queries.document_versions(document_id), "number",
                             render.document_version)

    @extend_schema(request={"multipart/form-data": inputs.DocumentVersionUpload},
                   responses={201: schema.result_of(schema.Document)},
                   summary="Add a version (multipart: file)")
    def post(self, request: Request, document_id: UUID) -> Response:
        self.require_signed_in()
        self.found(queries.document_entry(self.actor, document_id), "document", document_id)
        data = self.valid(inputs.DocumentVersionUpload)
        upload = data["file"]
        result = self.run(
            application().add_document_version, document_id=document_id,
            name=data.get("name") or upload.name, content=upload,
        )
        return self.respond(result, lambda: _document(self.actor, document_id), created=True)


class AnyAccept(BaseContentNegotiation):
    """Downloads answer with the file's own type whatever the client accepts."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Request, renderers: Any, format_suffix: Any = None) -> Any:
        return renderers[0], renderers[0].media_type


class DownloadView(ApiView):
    content_negotiation_class = AnyAccept

    @extend_schema(
        parameters=[OpenApiParameter("version", int, description="A version number; the latest "
                                     "without it.")],
        responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="The file, as an "
                                        "attachment, with the media type sniffed at upload.")},
        summary="Download a document",
    )
    def get(self, request: Request, document_id: UUID) -> FileResponse:
        self.found(queries.document_entry(self.actor, document_id), "document", document_id)
        raw = request.query_params.get("version")
        if raw is not None and (not raw.isdigit() or len(raw) > 9):
            raise Problem(400, "bad_request", "version must be a version number.",
                          errors={"version": ["Must be a whole number."]})
        version = self.found(
            queries.document_version(document_id, int(raw) if raw is not None else None),
            "document version", f"{document_id} v{raw}",
        )
        response = FileResponse(
            application().content_store.open(version.storage_key),
            as_attachment=True,
            filename=version.name,
            content_type=version.media_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        # Even if opened in the browser, the file runs nothing and loads nothing.
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-cache"
        response["ETag"] = f'"{version.sha256}"'
        return response


class ArchiveDocumentView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: schema.result_of(schema.Document)},
                   summary="Archive a document (kept, no new versions)")
    def post(self, request: Request, document_id: UUID) -> Response:
        self.found(queries.document_entry(self.actor, document_id), "document", document_id)
        result = self.run(application().archive_document, document_id=document_id)
        return self.respond(result, lambda: _document(self.actor, document_id))
