"""The partnership board: proposals in columns by state, decisions with their rationale."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from events import policy
from events.errors import DomainError
from events.partnerships import ProposalState, allowed_actions
from events.platform import application
from events.roles import Actor
from projections import queries, service
from projections.models import ProposalEntry
from web import labels, people
from web.access import actor_of, command_id, found, new_form_key, signin_required
from web.errors import translate_errors
from web.forms import DecisionForm, ProposalForm, localized

COLUMNS = ["submitted", "under_review", "accepted", "concluded", "rejected", "withdrawn"]
NEEDS_RATIONALE = {"accept", "reject", "conclude"}


def actions_for(actor: Actor, proposal: ProposalEntry) -> list[str]:
    """What this person may do with this proposal now (the state machine and the policy)."""
    possible = [a for a in allowed_actions(ProposalState(proposal.state)) if a != "revise"]
    mine = policy.may_propose(actor, proposal.commission_id)
    decider = policy.may_decide_proposals(actor)
    return [a for a in possible if (a == "withdraw" and mine) or (a != "withdraw" and decider)]


def _partner_names(rows: list[ProposalEntry]) -> dict[str, Any]:
    ids = {p for row in rows for p in row.partner_ids}
    return {str(p.id): p.name for p in queries.partners().filter(id__in=list(ids))}


@signin_required
def board(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    commission = None
    if policy.may_read_everything(actor):
        from web.access import parse_uuid

        commission = parse_uuid(request.GET.get("commission"))
    rows = list(queries.proposals(actor, commission=commission).order_by("-updated_at"))
    commissions = {c.id: c for c in queries.commissions()}
    partner_names = _partner_names(rows)
    columns = []
    for state in COLUMNS:
        cards = [
            {
                "proposal": row,
                "commission": commissions.get(row.commission_id),
                "partners": [partner_names.get(p, {}) for p in row.partner_ids],
                "actions": actions_for(actor, row),
            }
            for row in rows
            if row.state == state
        ]
        columns.append({"state": state, "label": labels.PROPOSAL_STATES[state], "cards": cards})
    return render(
        request,
        "web/partnerships.html",
        {
            "section": "partnerships",
            "columns": columns,
            "may_propose": bool(actor.commission_id) and policy.may_propose(actor, actor.commission_id),
            "may_filter": policy.may_read_everything(actor),
            "commission": str(commission) if commission else "",
            "commissions": list(commissions.values()),
            "form_key": new_form_key(),
            "decision_form": DecisionForm(),
            # The decision dialog's titles, for board.js (escaped by json_script).
            "decision_words": {
                "start_review": _("Start the review"),
                "accept": _("Accept the proposal"),
                "reject": _("Reject the proposal"),
                "conclude": _("Conclude the partnership"),
                "withdraw": _("Withdraw the proposal"),
            },
        },
    )


@signin_required
def detail(
    request: HttpRequest, proposal_id: UUID, form: DecisionForm | None = None, detail_text: str = ""
) -> HttpResponse:
    actor = actor_of(request)
    proposal = found(queries.proposal_entry(actor, proposal_id))
    decisions = queries.decisions(proposal.id)
    names = people.names([proposal.proposed_by, *(d.decided_by for d in decisions)])
    action = request.GET.get("action", "")
    actions = actions_for(actor, proposal)
    if form is None:
        form = DecisionForm(
            initial={"action": action if action in actions else "", "expected_version": proposal.version}
        )
    documents = queries.documents(actor, resource_kind="proposal", resource_id=proposal.id).filter(
        archived=False
    )
    return render(
        request,
        "web/proposal.html",
        {
            "section": "partnerships",
            "proposal": proposal,
            "commission": queries.commission_entry(proposal.commission_id),
            "partners": list(queries.partners().filter(id__in=proposal.partner_ids)),
            "decisions": decisions,
            "names": names,
            "actions": actions,
            "form": form,
            "detail": detail_text,
            "form_key": request.POST.get("form_key") or new_form_key(),
            "documents": list(documents),
            "may_history": policy.may_read_history(actor),
            "status": 400 if detail_text else 200,
        },
        status=400 if detail_text else 200,
    )


@signin_required
def decide(request: HttpRequest, proposal_id: UUID) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseRedirect(reverse("web:proposal", args=[proposal_id]))
    actor = actor_of(request)
    proposal = found(queries.proposal_entry(actor, proposal_id))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return detail(
            request, proposal.id, form=form, detail_text=_("Please correct the fields marked below.")
        )
    action = form.cleaned_data["action"]
    rationale = form.cleaned_data.get("rationale") or ""
    version = form.cleaned_data.get("expected_version") or None
    app = application()
    key = command_id(request, actor)
    try:
        if action == "start_review":
            result = app.start_proposal_review(
                actor, command_id=key, proposal_id=proposal.id, expected_version=version
            )
        else:
            use_case = {
                "accept": app.accept_proposal,
                "reject": app.reject_proposal,
                "conclude": app.conclude_proposal,
                "withdraw": app.withdraw_proposal,
            }[action]
            result = use_case(
                actor, command_id=key, proposal_id=proposal.id, rationale=rationale, expected_version=version
            )
    except DomainError as error:
        text, fields = translate_errors(error)
        for name, texts in fields.items():
            for message in texts:
                form.add_error(name if name in form.fields else None, message)
        return detail(request, proposal.id, form=form, detail_text=text)
    service.wait_for(result.position)
    messages.success(
        request,
        _("Decision recorded: %(state)s.")
        % {"state": labels.label(labels.PROPOSAL_STATES, _state_after(action))},
    )
    target = request.POST.get("next", "")
    if target == "board":
        return HttpResponseRedirect(reverse("web:partnerships") + f"#proposal-{proposal.id}")
    return HttpResponseRedirect(reverse("web:proposal", args=[proposal.id]))


def _state_after(action: str) -> str:
    return {
        "start_review": "under_review",
        "accept": "accepted",
        "reject": "rejected",
        "conclude": "concluded",
        "withdraw": "withdrawn",
    }[action]


@signin_required
def submit(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not actor.commission_id or not policy.may_propose(actor, actor.commission_id):
        return render(request, "web/forbidden.html", {"section": "partnerships"}, status=403)
    choices = [
        (str(p.id), _plain(p.name)) for p in queries.partners(commission=actor.commission_id).order_by("kind")
    ]
    detail_text = ""
    if request.method == "POST":
        form = ProposalForm(request.POST, partners=choices)
        if form.is_valid():
            try:
                result = application().submit_proposal(
                    actor,
                    command_id=command_id(request, actor),
                    commission_id=actor.commission_id,
                    partner_ids=form.cleaned_data["partner_ids"],
                    title=localized(form.cleaned_data, "title"),
                    summary=localized(form.cleaned_data, "summary"),
                )
            except DomainError as error:
                detail_text, fields = translate_errors(error)
                for name, texts in fields.items():
                    field = name.replace(".", "_")
                    for message in texts:
                        form.add_error(field if field in form.fields else None, message)
            else:
                service.wait_for(result.position)
                messages.success(request, _("The proposal is submitted to the secretariat."))
                return HttpResponseRedirect(reverse("web:proposal", args=[result.id]))
        form_key = request.POST.get("form_key") or new_form_key()
    else:
        form = ProposalForm(partners=choices)
        form_key = new_form_key()
    return render(
        request,
        "web/proposal_form.html",
        {"section": "partnerships", "form": form, "detail": detail_text, "form_key": form_key},
    )


def _plain(texts: dict[str, str]) -> str:
    from web.templatetags.tawasul import local

    return local(texts)
