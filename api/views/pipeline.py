"""Commission updates (news, activity reports, publications) and partnership proposals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api import schema
from api import serializers as inputs
from api.conventions import ApiView, choice_param, uuid_param
from events.base import CommandResult
from events.partnerships import ProposalState
from events.platform import application
from events.roles import Actor
from events.updates import UPDATE_KINDS, UpdateState
from projections import queries, render

COMMISSION = OpenApiParameter("commission", UUID, description="Of this commission only.")


def _update(actor: Actor, update_id: UUID) -> dict[str, Any] | None:
    entry = queries.update_entry(actor, update_id)
    return render.update(entry) if entry else None


def _proposal(actor: Actor, proposal_id: UUID) -> dict[str, Any] | None:
    entry = queries.proposal_entry(actor, proposal_id)
    return render.proposal(entry, queries.decisions(entry.id)) if entry else None


class UpdatesView(ApiView):
    @extend_schema(
        parameters=[
            COMMISSION,
            OpenApiParameter("state", str, enum=sorted(s.value for s in UpdateState)),
            OpenApiParameter("kind", str, enum=sorted(UPDATE_KINDS)),
        ],
        responses={200: schema.page_of(schema.Update)},
        summary="Commission updates you may read (the public: published ones)",
    )
    def get(self, request: Request) -> Response:
        found = queries.updates(
            self.actor,
            commission=uuid_param(request, "commission"),
            state=choice_param(request, "state", frozenset(s.value for s in UpdateState)),
            kind=choice_param(request, "kind", UPDATE_KINDS),
        )
        return self.paginate(found, ("-updated_at", "id"), render.update)

    @extend_schema(request=inputs.UpdateDraft, responses={201: schema.result_of(schema.Update)},
                   summary="Draft an update (commission staff)")
    def post(self, request: Request) -> Response:
        self.require_signed_in()
        data = self.valid(inputs.UpdateDraft)
        result = self.run(
            application().draft_update, versioned=False, commission_id=data["commission_id"],
            kind=data["kind"], title=data["title"], body=data["body"],
            summary=data.get("summary") or None,
        )
        return self.respond(result, lambda: _update(self.actor, result.id), created=True,
                            location=f"/api/v1/updates/{result.id}/")


class UpdateView(ApiView):
    @extend_schema(responses={200: schema.Update}, summary="One update")
    def get(self, request: Request, update_id: UUID) -> Response:
        entry = self.found(queries.update_entry(self.actor, update_id), "update", update_id)
        return self.detail(render.update(entry), entry.version)

    @extend_schema(request=inputs.UpdateRevision, responses={200: schema.result_of(schema.Update)},
                   summary="Revise an update: the fields sent replace the current ones")
    def patch(self, request: Request, update_id: UUID) -> Response:
        self.require_signed_in()
        entry = self.found(queries.update_entry(self.actor, update_id), "update", update_id)
        data = self.valid(inputs.UpdateRevision)
        result = self.run(
            application().revise_update,
            versioned=False,
            update_id=update_id,
            title=data.get("title", entry.title),
            summary=data.get("summary", entry.summary),
            body=data.get("body", entry.body),
            # Fields not sent are taken from this version: it must still be current.
            expected_version=self.expected_version or entry.version,
        )
        return self.respond(result, lambda: _update(self.actor, update_id))


class UpdateActionView(ApiView):
    """POST /updates/{id}/publish/ and /withdraw/."""

    permission_classes = [IsAuthenticated]
    action = ""

    @extend_schema(request=inputs.Withdrawal, responses={200: schema.result_of(schema.Update)})
    def post(self, request: Request, update_id: UUID) -> Response:
        self.found(queries.update_entry(self.actor, update_id), "update", update_id)
        app = application()
        if self.action == "publish":
            self.valid(inputs.Strict)
            result = self.run(app.publish_update, update_id=update_id)
        else:
            data = self.valid(inputs.Withdrawal)
            result = self.run(app.withdraw_update, update_id=update_id,
                              reason=data.get("reason", ""))
        return self.respond(result, lambda: _update(self.actor, update_id))


class PublishUpdateView(UpdateActionView):
    action = "publish"

    @extend_schema(request=None, responses={200: schema.result_of(schema.Update)},
                   summary="Publish an update")
    def post(self, request: Request, update_id: UUID) -> Response:
        return super().post(request, update_id)


class WithdrawUpdateView(UpdateActionView):
    action = "withdraw"

    @extend_schema(request=inputs.Withdrawal, responses={200: schema.result_of(schema.Update)},
                   summary="Withdraw a published update")
    def post(self, request: Request, update_id: UUID) -> Response:
        return super().post(request, update_id)


# --- proposals ----------------------------------------------------------------------------------


class ProposalsView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[COMMISSION, OpenApiParameter("state", str, enum=sorted(s.value for s in ProposalState))],
        responses={200: schema.page_of(schema.Proposal)},
        summary="Partnership proposals you may read",
    )
    def get(self, request: Request) -> Response:
        found = queries.proposals(
            self.actor,
            commission=uuid_param(request, "commission"),
            state=choice_param(request, "state", frozenset(s.value for s in ProposalState)),
        )
        return self.paginate(found, ("-updated_at", "id"), render.proposal)

    @extend_schema(request=inputs.ProposalSubmission,
                   responses={201: schema.result_of(schema.Proposal)},
                   summary="Submit a partnership proposal (commission staff)")
    def post(self, request: Request) -> Response:
        data = self.valid(inputs.ProposalSubmission)
        result = self.run(
            application().submit_proposal, versioned=False, commission_id=data["commission_id"],
            partner_ids=data["partner_ids"], title=data["title"], summary=data["summary"],
        )
        return self.respond(result, lambda: _proposal(self.actor, result.id), created=True,
                            location=f"/api/v1/proposals/{result.id}/")


class ProposalView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: schema.Proposal}, summary="One proposal with its decisions")
    def get(self, request: Request, proposal_id: UUID) -> Response:
        entry = self.found(queries.proposal_entry(self.actor, proposal_id), "proposal", proposal_id)
        return self.detail(render.proposal(entry, queries.decisions(entry.id)), entry.version)

    @extend_schema(request=inputs.ProposalRevision,
                   responses={200: schema.result_of(schema.Proposal)},
                   summary="Revise a proposal: the fields sent replace the current ones")
    def patch(self, request: Request, proposal_id: UUID) -> Response:
        entry = self.found(queries.proposal_entry(self.actor, proposal_id), "proposal", proposal_id)
        data = self.valid(inputs.ProposalRevision)
        result = self.run(
            application().revise_proposal,
            versioned=False,
            proposal_id=proposal_id,
            title=data.get("title", entry.title),
            summary=data.get("summary", entry.summary),
            partner_ids=data.get("partner_ids"),
            expected_version=self.expected_version or entry.version,
        )
        return self.respond(result, lambda: _proposal(self.actor, proposal_id))


def proposal_action(name: str, summary: str) -> type[ApiView]:
    """The view of POST /proposals/{id}/<action>/ with {"rationale"}."""

    def post(self: ApiView, request: Request, proposal_id: UUID) -> Response:
        self.found(queries.proposal_entry(self.actor, proposal_id), "proposal", proposal_id)
        data = self.valid(inputs.Decision)
        use_case: Callable[..., CommandResult] = getattr(application(), name)
        arguments: dict[str, Any] = {"proposal_id": proposal_id}
        if name != "start_proposal_review":
            arguments["rationale"] = data.get("rationale", "")
        result = self.run(use_case, **arguments)
        return self.respond(result, lambda: _proposal(self.actor, proposal_id))

    decorated = extend_schema(
        request=inputs.Decision, responses={200: schema.result_of(schema.Proposal)}, summary=summary
    )(post)
    return type(
        f"{name.title().replace('_', '')}View",
        (ApiView,),
        {"permission_classes": [IsAuthenticated], "post": decorated,
         "__doc__": summary, "__module__": __name__},
    )


StartReviewView = proposal_action("start_proposal_review", "Start the review (secretariat)")
AcceptView = proposal_action("accept_proposal", "Accept, with the rationale (secretariat)")
RejectView = proposal_action("reject_proposal", "Reject, with the rationale (secretariat)")
WithdrawProposalView = proposal_action("withdraw_proposal", "Withdraw (the proposing commission)")
ConcludeView = proposal_action("conclude_proposal", "Conclude: the agreement is signed (secretariat)")
