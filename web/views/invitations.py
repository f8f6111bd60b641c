"""Inviting people from the web: whoever may add a member somewhere with a role
invites someone there by e-mail (api/invitations.py sends it and records the
invitation as events); the invitations one sent or manages, with their state."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events import policy
from events.errors import DomainError
from events.roles import Actor
from projections import queries
from web import labels, people
from web.access import actor_of, command_id, new_form_key, signin_required
from web.errors import translate_errors

ROLES_OF_SCOPE = {
    "organisation": ("secretariat", "auditor"),
    "commission": ("staff", "secretary_general"),
    "partner": ("partner", "partner_manager"),
}


class InvitationForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254)
    place = forms.ChoiceField(label=gettext_lazy("To join"), choices=[])
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=[])
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the e-mail"),
        choices=[("ar", "العربية"), ("en", "English"), ("fr", "Français")],
    )
    rationale = forms.CharField(
        label=gettext_lazy("Why (kept in the audit history)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": "2", "dir": "auto"}),
    )

    def __init__(self, *args: Any, places: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = places
        self.fields["role"].choices = [
            (role, labels.ROLES[role]) for roles in ROLES_OF_SCOPE.values() for role in roles
        ]


def places_for(actor: Actor, language: str) -> list[tuple[str, str]]:
    """Where this person may invite someone (with at least one role): "scope:id"."""
    found: list[tuple[str, str]] = []
    if policy.may_manage_organisation(actor):
        found.append(("organisation:", _("The organisation (secretariat, auditors)")))
    for commission in queries.commissions():
        if any(
            policy.may_invite(actor, "commission", commission.id, r) for r in ROLES_OF_SCOPE["commission"]
        ):
            found.append((f"commission:{commission.id}", _pick(commission.name, language)))
    partner_ids = set(actor.partner_ids) | {
        p for c in actor.commission_ids if actor.manages_commission(c) for p in _partners_of(c)
    }
    if policy.is_secretariat(actor):
        partner_ids = {p.id for p in queries.partners()}
    for partner_id in partner_ids:
        facts = queries.partner_facts(partner_id)
        entry = queries.partner_entry(partner_id)
        if facts and entry and policy.may_invite(actor, "partner", partner_id, "partner", facts):
            found.append((f"partner:{partner_id}", _pick(entry.name, language)))
    return found


def _partners_of(commission_id: Any) -> list[Any]:
    return [p.id for p in queries.partners(commission=commission_id)]


def _pick(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or texts.get("ar") or next(iter(texts.values()), "")


@signin_required
def invitations(request: HttpRequest) -> HttpResponse:
    from api import invitations as service

    actor = actor_of(request)
    places = places_for(actor, request.LANGUAGE_CODE)
    detail = ""
    if request.method == "POST" and places:
        form = InvitationForm(request.POST, places=places)
        if form.is_valid():
            data = form.cleaned_data
            scope, _sep, scope_id = data["place"].partition(":")
            try:
                service.invite(
                    actor,
                    command_id=command_id(request, actor),
                    email=data["email"],
                    scope=scope,
                    scope_id=scope_id or None,
                    role=data["role"],
                    language=data["language"],
                    site=request.build_absolute_uri("/"),
                    rationale=data.get("rationale") or "",
                )
            except DomainError as error:
                detail, errors = translate_errors(error)
                for name, texts in errors.items():
                    for text in texts:
                        form.add_error(name if name in form.fields else None, text)
            else:
                messages.success(request, _("The invitation is sent."))
                return HttpResponseRedirect(reverse("web:invitations"))
    else:
        form = InvitationForm(places=places, initial={"language": request.LANGUAGE_CODE})
    sent = list(queries.visible_invitations(actor).order_by("-created_at")[:100])
    return render(
        request,
        "web/invitations.html",
        {
            "section": "invitations",
            "form": form if places else None,
            "detail": detail,
            "form_key": request.POST.get("form_key") or new_form_key(),
            "invitations": sent,
            "names": people.names(i.invited_by for i in sent),
            "places": dict(places),
        },
        status=400 if detail or (request.method == "POST" and form.errors) else 200,
    )
