"""Live workspaces: the list, a workspace, a thread with its messages.

Pages are rendered whole on the server (they work without scripts: forms post
here); web/static/web/thread.js then takes over through the socket: messages
arrive live, and posting, editing and retracting go through socket commands.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from events import policy
from events.errors import DomainError
from events.platform import application
from projections import queries, service, streams
from web import people, reading
from web.access import actor_of, command_id, found, new_form_key, signin_required
from web.errors import translate_errors
from web.forms import MessageForm, ThreadForm, WorkspaceForm

PAGE = 50


@signin_required
def index(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    every = request.GET.get("all") == "1" and policy.may_read_everything(actor)
    rows = list(queries.workspaces(actor, every_readable=every).order_by("archived", "-last_activity_at"))
    unread = reading.unread_in_workspaces(request.user, [w.id for w in rows])
    commissions = {c.id: c for c in queries.commissions()}
    return render(
        request,
        "web/workspaces.html",
        {
            "section": "workspaces",
            "workspaces": [(w, unread.get(w.id, 0), commissions.get(w.commission_id)) for w in rows],
            "every": every,
            "may_see_all": policy.may_read_everything(actor),
            "may_create": policy.may_create_workspace(actor),
            "form": WorkspaceForm(),
            "form_key": new_form_key(),
        },
    )


@signin_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = WorkspaceForm(request.POST)
    if form.is_valid():
        try:
            result = application().create_workspace(
                actor,
                command_id=command_id(request, actor),
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                commission_id=actor.commission_id,
            )
        except DomainError as error:
            messages.error(request, translate_errors(error)[0])
        else:
            service.wait_for(result.position)
            return HttpResponseRedirect(reverse("web:workspace", args=[result.id]))
    else:
        messages.error(request, _("Give the workspace a name."))
    return HttpResponseRedirect(reverse("web:workspaces"))


def _sidebar(request: HttpRequest, workspace: Any) -> dict[str, Any]:
    """The threads (with unread counts) and the members of a workspace."""
    threads = list(queries.threads(workspace.id).order_by("closed", "-position"))
    unread = reading.unread_in_threads(request.user, [t.id for t in threads])
    members = list(queries.workspace_members(workspace.id))
    return {
        "threads": [(t, unread.get(t.id, 0)) for t in threads],
        "members": members,
        "member_ids": [m.user_id for m in members],
    }


@signin_required
def workspace(request: HttpRequest, workspace_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    entry = found(queries.workspace_entry(actor, workspace_id))
    sidebar = _sidebar(request, entry)
    documents = queries.documents(actor, resource_kind="workspace", resource_id=entry.id).filter(
        archived=False
    )
    names = people.names(
        [*sidebar["member_ids"], entry.created_by, *(t.started_by for t, _n in sidebar["threads"])]
    )
    return render(
        request,
        "web/workspace.html",
        {
            "section": "workspaces",
            "workspace": entry,
            **sidebar,
            "names": names,
            "documents": list(documents.order_by("-updated_at")[:10]),
            "may_take_part": policy.may_take_part(actor, sidebar["member_ids"]) and not entry.archived,
            "may_manage": policy.may_manage_workspace(actor, entry.commission_id, entry.created_by)
            and not entry.archived,
            "may_history": policy.may_read_history(actor),
            "thread_form": ThreadForm(),
            "form_key": new_form_key(),
            "live": _live_config(request, actor, entry, None, names),
        },
    )


@signin_required
@require_POST
def start_thread(request: HttpRequest, workspace_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    entry = found(queries.workspace_entry(actor, workspace_id))
    form = ThreadForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the thread a title."))
        return HttpResponseRedirect(reverse("web:workspace", args=[entry.id]))
    try:
        result = application().start_thread(
            actor,
            command_id=command_id(request, actor),
            workspace_id=entry.id,
            title=form.cleaned_data["title"],
        )
    except DomainError as error:
        messages.error(request, translate_errors(error)[0])
        return HttpResponseRedirect(reverse("web:workspace", args=[entry.id]))
    service.wait_for(result.position)
    return HttpResponseRedirect(reverse("web:thread", args=[result.id]))


@signin_required
def thread(request: HttpRequest, thread_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    entry = found(queries.thread_entry(actor, thread_id))
    space = found(queries.workspace_entry(actor, entry.workspace_id))
    # Read the stream's position before the messages: whatever comes after it is
    # replayed to the socket, so nothing falls between the page and the live feed.
    after = queries.stream_position(streams.thread(entry.id))
    before = _int(request.GET.get("before"))
    rows = queries.messages_before(entry.id, before=before, limit=PAGE)
    earlier = bool(rows) and queries.messages(entry.id).filter(position__lt=rows[0].position).exists()
    if rows and before is None:
        reading.mark_thread_read(request.user, entry.id, max(m.position for m in rows))
    sidebar = _sidebar(request, space)
    names = people.names([*sidebar["member_ids"], *(m.author for m in rows)])
    may_take_part = policy.may_take_part(actor, sidebar["member_ids"]) and not space.archived
    return render(
        request,
        "web/thread.html",
        {
            "section": "workspaces",
            "workspace": space,
            "thread": entry,
            **sidebar,
            "rows": rows,
            "earlier": rows[0].position if earlier else None,
            "paged": before is not None,
            "names": names,
            "me": actor.id,
            "may_take_part": may_take_part and not entry.closed,
            "may_history": policy.may_read_history(actor),
            "form": MessageForm(),
            "form_key": new_form_key(),
            "live": _live_config(request, actor, space, entry, names, after=after),
        },
    )


def _live_config(
    request: HttpRequest,
    actor: Any,
    space: Any,
    entry: Any,
    names: dict[str, str],
    *,
    after: int | None = None,
) -> dict[str, Any]:
    """What thread.js needs: streams and positions, people's names, addresses, words."""
    zero = "00000000-0000-0000-0000-000000000000"
    return {
        "me": actor.id,
        "workspace_id": str(space.id),
        "workspace_after": queries.stream_position(streams.workspace(space.id)),
        "thread_id": str(entry.id) if entry else None,
        "thread_after": after,
        "names": names,
        "urls": {
            "thread": reverse("web:thread", args=[zero]),
            "edit": reverse("web:edit-message", args=[zero]),
            "retract": reverse("web:retract-message", args=[zero]),
            "read": reverse("web:mark-read", args=[entry.id]) if entry else None,
            "history": reverse("api-message-history", args=[zero]),
        },
        "words": {
            "edited": _("edited"),
            "retracted": _("This message was retracted."),
            "sending": _("Sending…"),
            "failed": _("Not sent. Try again."),
            "typing_one": _("%(name)s is typing…"),
            "typing_many": _("%(names)s are typing…"),
            "unknown": _("Someone"),
            "online": _("online"),
            "new_messages": _("New messages"),
            "new_thread": _("New thread"),
            "history_failed": _("The earlier versions could not be loaded."),
            "no_history": _("No earlier version."),
            "until": pgettext("an earlier version of a message", "until"),
            "confirm_retract": _("Retract this message? Its text will no longer be shown."),
        },
    }


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- writing without the socket (no scripts, or as the scripts' fallback) ----------------------


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _answer(
    request: HttpRequest, thread_id: UUID, result: Any = None, error: DomainError | None = None
) -> HttpResponse:
    if error is not None:
        detail, fields = translate_errors(error)
        if _wants_json(request):
            return JsonResponse({"detail": detail, "errors": fields}, status=400)
        messages.error(request, detail)
    elif result is not None:
        service.wait_for(result.position)
        if _wants_json(request):
            return JsonResponse({"id": str(result.id), "position": result.position})
    return HttpResponseRedirect(reverse("web:thread", args=[thread_id]) + "#composer")


@signin_required
@require_POST
def post_message(request: HttpRequest, thread_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    entry = found(queries.thread_entry(actor, thread_id))
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a message first."))
        return _answer(request, entry.id)
    try:
        result = application().post_message(
            actor, command_id=command_id(request, actor), thread_id=entry.id, text=form.cleaned_data["text"]
        )
    except DomainError as error:
        return _answer(request, entry.id, error=error)
    return _answer(request, entry.id, result)


@signin_required
@require_POST
def edit_message(request: HttpRequest, message_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    message = found(queries.message_entry(actor, message_id))
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A message cannot be empty: retract it instead."))
        return _answer(request, message.thread_id)
    try:
        result = application().edit_message(
            actor,
            command_id=command_id(request, actor),
            message_id=message.id,
            text=form.cleaned_data["text"],
        )
    except DomainError as error:
        return _answer(request, message.thread_id, error=error)
    return _answer(request, message.thread_id, result)


@signin_required
@require_POST
def retract_message(request: HttpRequest, message_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    message = found(queries.message_entry(actor, message_id))
    try:
        result = application().retract_message(
            actor, command_id=command_id(request, actor), message_id=message.id
        )
    except DomainError as error:
        return _answer(request, message.thread_id, error=error)
    return _answer(request, message.thread_id, result)


@signin_required
@require_POST
def mark_read(request: HttpRequest, thread_id: UUID) -> HttpResponse:
    """The thread's reader has seen messages up to a position (sent by thread.js)."""
    actor = actor_of(request)
    entry = found(queries.thread_entry(actor, thread_id))
    position = _int(request.POST.get("position"))
    if position is not None and position > 0:
        reading.mark_thread_read(request.user, entry.id, position)
    return JsonResponse({"thread_id": str(entry.id), "position": position})


@signin_required
@require_POST
def add_member(request: HttpRequest, workspace_id: UUID) -> HttpResponse:
    """Add a person, by their username, to a workspace (its managers only: the command decides)."""
    actor = actor_of(request)
    entry = found(queries.workspace_entry(actor, workspace_id))
    person = people.by_username(request.POST.get("username", ""))
    if person is None:
        messages.error(request, _("No one has this username."))
    else:
        try:
            result = application().add_workspace_member(
                actor, command_id=command_id(request, actor), workspace_id=entry.id, user_id=person
            )
        except DomainError as error:
            messages.error(request, translate_errors(error)[0])
        else:
            service.wait_for(result.position)
            messages.success(request, _("%(name)s is now a member.") % {"name": people.name(person)})
    return HttpResponseRedirect(reverse("web:workspace", args=[entry.id]))
