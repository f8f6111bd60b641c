"""The document library: drag-and-drop upload with progress, versions, download."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events import policy
from events.errors import DomainError
from events.platform import application
from events.roles import Actor
from projections import queries, service
from web import people
from web.access import actor_of, command_id, found, new_form_key, parse_uuid, signin_required
from web.errors import refusal_sentence, too_large, translate_errors
from web.templatetags.tawasul import local


def upload_targets(actor: Actor) -> list[tuple[str, str, bool]]:
    """Where this person may add documents: ("kind:id", label, may be public)."""
    candidates: list[tuple[str, UUID, str]] = []
    for workspace in queries.workspaces(actor).filter(archived=False).order_by("name"):
        candidates.append(("workspace", workspace.id, workspace.name))
    if actor.commission_id:
        commission = queries.commission_entry(actor.commission_id)
        if commission:
            candidates.append(("commission", commission.id, local(commission.name)))
        for update in queries.updates(actor, commission=actor.commission_id).order_by("-updated_at")[:20]:
            candidates.append(("update", update.id, local(update.title)))
    if actor.commission_id or policy.may_decide_proposals(actor):
        for proposal in queries.proposals(actor).order_by("-updated_at")[:20]:
            candidates.append(("proposal", proposal.id, local(proposal.title)))
    if actor.partner_id:
        partner = queries.partner_entry(actor.partner_id)
        if partner:
            candidates.append(("partner", partner.id, local(partner.name)))
    targets = []
    for kind, resource_id, text in candidates:
        facts = queries.resource_facts(kind, resource_id)
        if facts is not None and policy.may_upload_to(actor, facts):
            targets.append((f"{kind}:{resource_id}", text, policy.may_publish_documents(facts)))
    return targets


def _resource(value: str) -> tuple[str, UUID | None]:
    kind, _sep, raw = (value or "").partition(":")
    return kind, parse_uuid(raw)


@signin_required
def library(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    kind, resource_id = _resource(request.GET.get("resource", ""))
    rows = queries.documents(
        actor, resource_kind=kind if resource_id else "", resource_id=resource_id
    ).filter(archived=False)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        rows = rows.filter(name__icontains=q)
    documents = list(rows.order_by("-updated_at")[:200])
    targets = upload_targets(actor)
    return render(
        request,
        "web/documents.html",
        {
            "section": "documents",
            "documents": documents,
            "names": people.names(d.uploaded_by for d in documents),
            "targets": targets,
            "selected": request.GET.get("resource", ""),
            "q": q,
            "form_key": new_form_key(),
            "max_bytes": settings.MAX_DOCUMENT_BYTES,
            "too_large": too_large(settings.MAX_DOCUMENT_BYTES),
        },
    )


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _refused(request: HttpRequest, sentence: str, fields: dict[str, list[str]], back: str) -> HttpResponse:
    """The refusal said once: `sentence` is what the page shows, `fields` for scripts."""
    if _wants_json(request):
        return JsonResponse({"detail": sentence, "errors": fields}, status=400)
    messages.error(request, sentence)
    return HttpResponseRedirect(back)


def _refused_by_domain(request: HttpRequest, error: DomainError, back: str) -> HttpResponse:
    return _refused(request, refusal_sentence(error), translate_errors(error)[1], back)


@signin_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    """One file to a resource; answers JSON to the page's script, a redirect otherwise."""
    actor = actor_of(request)
    back = reverse("web:documents")
    kind, resource_id = _resource(request.POST.get("resource", ""))
    content = request.FILES.get("content")
    if resource_id is None:
        return _refused(
            request,
            _("Choose where the document belongs."),
            {"resource": [_("Choose an item from the list.")]},
            back,
        )
    if content is None:
        return _refused(request, _("Choose a file."), {"content": [_("Choose a file.")]}, back)
    visibility = request.POST.get("visibility", "internal")
    try:
        result = application().upload_document(
            actor,
            command_id=command_id(request, actor),
            resource_kind=kind,
            resource_id=resource_id,
            name=request.POST.get("name") or content.name,
            content=content,
            visibility=visibility if visibility in {"internal", "public"} else "internal",
        )
    except DomainError as error:
        return _refused_by_domain(request, error, back)
    service.wait_for(result.position)
    url = reverse("web:document", args=[result.id])
    if _wants_json(request):
        return JsonResponse({"id": str(result.id), "url": url, "position": result.position}, status=201)
    messages.success(request, _("The document is uploaded."))
    return HttpResponseRedirect(url)


def detail(request: HttpRequest, document_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    document = found(queries.document_entry(actor, document_id))
    versions = list(queries.document_versions(document.id))
    facts = queries.document_facts(document)
    return render(
        request,
        "web/document.html",
        {
            "section": "documents",
            "document": document,
            "versions": list(reversed(versions)),
            "names": people.names([document.uploaded_by, *(v.added_by for v in versions)]),
            "resource_href": _resource_href(document.resource_kind, document.resource_id),
            "may_add_version": facts is not None
            and policy.may_upload_to(actor, facts)
            and not document.archived,
            "may_history": policy.may_read_history(actor),
            "form_key": new_form_key(),
            "max_bytes": settings.MAX_DOCUMENT_BYTES,
            "too_large": too_large(settings.MAX_DOCUMENT_BYTES),
        },
    )


def _resource_href(kind: str, resource_id: UUID) -> str:
    routes = {
        "workspace": "web:workspace",
        "commission": "web:commission",
        "partner": "web:partner",
        "update": "web:update",
        "proposal": "web:proposal",
    }
    return reverse(routes[kind], args=[resource_id]) if kind in routes else ""


@signin_required
@require_POST
def add_version(request: HttpRequest, document_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    document = found(queries.document_entry(actor, document_id))
    back = reverse("web:document", args=[document.id])
    content = request.FILES.get("content")
    if content is None:
        return _refused(request, _("Choose a file."), {"content": [_("Choose a file.")]}, back)
    try:
        result = application().add_document_version(
            actor,
            command_id=command_id(request, actor),
            document_id=document.id,
            name=content.name,
            content=content,
            expected_version=document.version,
        )
    except DomainError as error:
        return _refused_by_domain(request, error, back)
    service.wait_for(result.position)
    if _wants_json(request):
        return JsonResponse({"id": str(result.id), "url": back, "position": result.position}, status=201)
    messages.success(request, _("The new version is added."))
    return HttpResponseRedirect(back)


def download(request: HttpRequest, document_id: UUID) -> HttpResponse:
    """The bytes of a version (the latest by default), as a download."""
    actor = actor_of(request)
    document = found(queries.document_entry(actor, document_id))
    number = request.GET.get("version")
    version: Any = queries.document_version(document.id, int(number) if number and number.isdigit() else None)
    version = found(version)
    response = StreamingHttpResponse(
        application().content_store.chunks(version.storage_key), content_type=version.media_type
    )
    response["Content-Length"] = str(version.size)
    response["Content-Disposition"] = content_disposition_header(True, version.name)
    response["Cache-Control"] = (
        "private, max-age=0" if document.visibility != "public" else "public, max-age=300"
    )
    response["ETag"] = f'"{version.sha256}"'
    return response
