"""Commission updates: the list, writing with a preview, publishing, the public page."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api.models import record_page_view
from events import policy
from events.base import scoped_command_id
from events.errors import DomainError
from events.platform import application
from projections import queries, service
from web import languages, people
from web.access import actor_of, command_id, found, new_form_key, signin_required
from web.errors import translate_errors
from web.forms import UpdateForm, localized, localized_initial

FIELD_OF_ERROR = {"title": "title_ar", "body": "body_ar", "summary": "summary_ar"}


@signin_required
def index(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if actor.commission_id:
        rows = queries.updates(actor, commission=actor.commission_id)
    elif policy.may_read_everything(actor):
        rows = queries.updates(actor)
    else:
        rows = queries.updates(actor, state="published")
    state = request.GET.get("state", "")
    if state in {"draft", "published", "withdrawn"}:
        rows = rows.filter(state=state)
    rows = rows.order_by("-updated_at")[:100]
    return render(
        request,
        "web/updates.html",
        {
            "section": "updates",
            "updates": list(rows),
            "state": state,
            "reader": languages.reader_language(),
            "commissions": {c.id: c for c in queries.commissions()},
            "may_write": bool(actor.commission_id) and policy.may_write_updates(actor, actor.commission_id),
        },
    )


def detail(request: HttpRequest, update_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    update = found(queries.update_entry(actor, update_id))
    if update.state == "published":
        record_page_view("update", update.commission_id)
    documents = queries.documents(actor, resource_kind="update", resource_id=update.id).filter(archived=False)
    comments = [c for c in queries.comments("update", update.id).order_by("position") if not c.retracted]
    names = people.names([update.author, *(c.author for c in comments)])
    return render(
        request,
        "web/update.html",
        {
            "section": "updates" if actor.is_authenticated else "directory",
            "update": update,
            **_reading(request, update),
            "commission": queries.commission_entry(update.commission_id),
            "documents": list(documents.order_by("-updated_at")),
            "comments": comments,
            "names": names,
            "may_write": policy.may_write_updates(actor, update.commission_id),
            "may_history": policy.may_read_history(actor),
            "may_comment": _may_comment(actor, update),
            "form_key": new_form_key(),
        },
    )


def _reading(request: HttpRequest, update: Any) -> dict[str, Any]:
    """The language the update is shown in, and the others it is written in.

    The reader's language when the update is written in it; otherwise English,
    then French, then Arabic, whichever comes first (web.languages). ``?lang=``
    chooses another of the languages it is written in. Title, summary and body
    are shown in that language, each falling back in the same order if missing.
    """
    reader = languages.reader_language()
    available = languages.written_in(update.body) or languages.written_in(update.title)
    wanted = request.GET.get("lang", "")
    shown = languages.shown_language(available, wanted if wanted in available else reader)
    body = languages.in_language(update.body, shown)[0] if shown else ""
    return {
        "reader": reader,
        "shown": shown,
        "shown_name": languages.language_name(shown) if shown else "",
        "reader_name": languages.language_name(reader),
        "missing_reader": bool(shown) and reader not in available,
        "body": body,
        "title_text": languages.in_language(update.title, shown or reader)[0],
        "other_languages": [
            {"code": code, "name": languages.language_endonym(code)} for code in available if code != shown
        ],
    }


def _may_comment(actor: Any, update: Any) -> bool:
    facts = queries.resource_facts("update", update.id)
    return actor.is_authenticated and facts is not None and policy.may_comment_on(actor, facts)


@signin_required
@require_POST
def comment(request: HttpRequest, update_id: UUID) -> HttpResponse:
    """A comment on an update, from the form under it."""
    actor = actor_of(request)
    update = found(queries.update_entry(actor, update_id))
    text = request.POST.get("text", "").strip()
    if not text:
        messages.error(request, _("Write a comment first."))
    else:
        try:
            result = application().post_comment(
                actor,
                command_id=command_id(request, actor),
                resource_kind="update",
                resource_id=update.id,
                text=text,
            )
        except DomainError as error:
            messages.error(request, translate_errors(error)[0])
        else:
            service.wait_for(result.position)
    return HttpResponseRedirect(reverse("web:update", args=[update.id]) + "#comments-heading")


@signin_required
def write(request: HttpRequest, update_id: UUID | None = None) -> HttpResponse:
    """A new update, or the revision of one; "preview" shows it as readers will see it."""
    actor = actor_of(request)
    existing = found(queries.update_entry(actor, update_id)) if update_id else None
    commission_id = existing.commission_id if existing else actor.commission_id
    if commission_id is None or not policy.may_write_updates(actor, commission_id):
        return render(request, "web/forbidden.html", {"section": "updates"}, status=403)
    detail_text = ""
    preview: dict[str, Any] | None = None
    if request.method == "POST":
        form = UpdateForm(request.POST)
        action = request.POST.get("action", "save")
        if form.is_valid():
            data = form.cleaned_data
            content = {
                "title": localized(data, "title"),
                "summary": localized(data, "summary"),
                "body": localized(data, "body"),
            }
            if action == "preview":
                preview = {"kind": data["kind"], **content}
            else:
                try:
                    result = _save(request, actor, existing, commission_id, data["kind"], content, action)
                except DomainError as error:
                    detail_text, errors = translate_errors(error)
                    for name, texts in errors.items():
                        field = name.replace(".", "_")
                        field = field if field in form.fields else FIELD_OF_ERROR.get(name.split(".")[0])
                        for text in texts:
                            form.add_error(field, text)
                else:
                    service.wait_for(result.position)
                    messages.success(
                        request,
                        _("The update is published.") if action == "publish" else _("The draft is saved."),
                    )
                    return HttpResponseRedirect(reverse("web:update", args=[result.id]))
        form_key = request.POST.get("form_key") or new_form_key()
    else:
        initial: dict[str, Any] = {"kind": "news"}
        if existing:
            initial = {
                "kind": existing.kind,
                **localized_initial("title", existing.title),
                **localized_initial("summary", existing.summary),
                **localized_initial("body", existing.body),
            }
        form = UpdateForm(initial=initial)
        form_key = new_form_key()
    return render(
        request,
        "web/update_form.html",
        {
            "section": "updates",
            "form": form,
            "existing": existing,
            "preview": preview,
            "detail": detail_text,
            "form_key": form_key,
            "commission": queries.commission_entry(commission_id),
        },
    )


def _save(
    request: HttpRequest,
    actor: Any,
    existing: Any,
    commission_id: UUID,
    kind: str,
    content: dict[str, dict[str, str]],
    action: str,
) -> Any:
    app = application()
    key = command_id(request, actor)
    if existing is None:
        result = app.draft_update(actor, command_id=key, commission_id=commission_id, kind=kind, **content)
    else:
        result = app.revise_update(
            actor, command_id=key, update_id=existing.id, expected_version=existing.version, **content
        )
    if action == "publish" and (existing is None or existing.state != "published"):
        result = app.publish_update(
            actor, command_id=scoped_command_id(actor.id, f"{key}.publish"), update_id=result.id
        )
    return result


@signin_required
@require_POST
def publish(request: HttpRequest, update_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    update = found(queries.update_entry(actor, update_id))
    return _run(
        request,
        update.id,
        lambda: application().publish_update(
            actor, command_id=command_id(request, actor), update_id=update.id, expected_version=update.version
        ),
        _("The update is published."),
    )


@signin_required
@require_POST
def withdraw(request: HttpRequest, update_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    update = found(queries.update_entry(actor, update_id))
    return _run(
        request,
        update.id,
        lambda: application().withdraw_update(
            actor,
            command_id=command_id(request, actor),
            update_id=update.id,
            reason=request.POST.get("reason", ""),
            expected_version=update.version,
        ),
        _("The update is withdrawn: the public no longer sees it."),
    )


def _run(request: HttpRequest, update_id: UUID, run: Any, success: str) -> HttpResponse:
    try:
        result = run()
    except DomainError as error:
        messages.error(request, translate_errors(error)[0])
    else:
        service.wait_for(result.position)
        messages.success(request, success)
    return HttpResponseRedirect(reverse("web:update", args=[update_id]))
