"""The directory: National Commissions and partner institutions, and their members."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api import people, schema
from api import serializers as inputs
from api.conventions import ApiView, choice_param, uuid_param
from events import policy
from events.errors import NotFound, PermissionDenied
from events.partners import PARTNER_KINDS
from events.platform import application
from projections import queries, render

Q_PARAM = OpenApiParameter("q", str, description="Words of a name, in any script.")
COUNTRY = OpenApiParameter("country", str, description="ISO 3166-1 alpha-2 code, e.g. TN.")


def _commission(commission_id: UUID) -> dict[str, Any] | None:
    entry = queries.commission_entry(commission_id)
    return render.commission(entry) if entry else None


def _partner(partner_id: UUID) -> dict[str, Any] | None:
    entry = queries.partner_entry(partner_id)
    return render.partner(entry) if entry else None


def _member_change(scope_id: UUID, user_id: str, version: int) -> dict[str, Any]:
    """After a membership command: the member as they now are (or are no longer)."""
    membership = queries.member(scope_id, user_id)
    return people.with_person([{
        "user_id": user_id,
        "role": membership.role if membership else None,
        "member": membership is not None,
        "version": version,
    }])[0]


class CommissionsView(ApiView):
    @extend_schema(parameters=[Q_PARAM, COUNTRY], responses={200: schema.page_of(schema.Commission)},
                   summary="The National Commissions")
    def get(self, request: Request) -> Response:
        found = queries.commissions(
            q=request.query_params.get("q", ""), country=request.query_params.get("country", "")
        )
        return self.paginate(found, "country", render.commission)

    @extend_schema(request=inputs.CommissionRegistration,
                   responses={201: schema.result_of(schema.Commission)},
                   summary="Register a National Commission (secretariat)")
    def post(self, request: Request) -> Response:
        self.require_signed_in()
        data = self.valid(inputs.CommissionRegistration)
        result = self.run(
            application().register_commission, versioned=False, country=data["country"],
            name=data["name"], profile=data.get("profile") or None,
        )
        return self.respond(result, lambda: _commission(result.id), created=True,
                            location=f"/api/v1/commissions/{result.id}/")


class CommissionView(ApiView):
    @extend_schema(responses={200: schema.Commission}, summary="One National Commission")
    def get(self, request: Request, commission_id: UUID) -> Response:
        entry = self.found(queries.commission_entry(commission_id), "commission", commission_id)
        return self.detail(render.commission(entry), entry.version)

    @extend_schema(request=inputs.Profile, responses={200: schema.result_of(schema.Commission)},
                   summary="Change the profile (secretariat, secretary-general)")
    def patch(self, request: Request, commission_id: UUID) -> Response:
        self.require_signed_in()
        self.found(queries.commission_entry(commission_id), "commission", commission_id)
        changes = self.valid(inputs.Profile)
        result = self.run(
            application().update_commission_profile, commission_id=commission_id, changes=changes
        )
        return self.respond(result, lambda: _commission(commission_id))


class SecretaryGeneralView(ApiView):
    @extend_schema(request=inputs.SecretaryGeneralAppointment,
                   responses={200: schema.result_of(schema.Commission)},
                   summary="Appoint the secretary-general (secretariat)")
    def post(self, request: Request, commission_id: UUID) -> Response:
        self.require_signed_in()
        self.found(queries.commission_entry(commission_id), "commission", commission_id)
        data = self.valid(inputs.SecretaryGeneralAppointment)
        result = self.run(
            application().appoint_secretary_general, commission_id=commission_id,
            name=data["name"], user_id=data.get("user_id") or None,
        )
        return self.respond(result, lambda: _commission(commission_id))


class MembersView(ApiView):
    """Members of a commission: GET for its insiders, POST for its managers."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: schema.page_of(schema.Member)}, summary="Members of a commission")
    def get(self, request: Request, commission_id: UUID) -> Response:
        self.found(queries.commission_entry(commission_id), "commission", commission_id)
        if not policy.may_read_members(self.actor, commission_id):
            raise PermissionDenied("Only the commission and the secretariat see its members.")
        paginator_items = queries.members("commission", commission_id)
        response = self.paginate(paginator_items, ("since", "user_id"), render.membership)
        people.with_person(response.data["results"])
        return response

    @extend_schema(request=inputs.NewMember, responses={201: schema.result_of(schema.MemberChange)},
                   summary="Add an existing account as a member")
    def post(self, request: Request, commission_id: UUID) -> Response:
        self.found(queries.commission_entry(commission_id), "commission", commission_id)
        data = self.valid(inputs.NewMember)
        result = self.run(
            application().add_commission_member, commission_id=commission_id,
            user_id=data["user_id"], role=data["role"], rationale=data.get("rationale", ""),
        )
        return self.respond(
            result, lambda: _member_change(commission_id, data["user_id"], result.version),
            created=True,
        )


class MemberView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=inputs.RoleChange, responses={200: schema.result_of(schema.MemberChange)},
                   summary="Change a member's role")
    def patch(self, request: Request, commission_id: UUID, user_id: str) -> Response:
        self.found(queries.commission_entry(commission_id), "commission", commission_id)
        data = self.valid(inputs.RoleChange)
        result = self.run(
            application().change_commission_member_role, commission_id=commission_id,
            user_id=user_id, role=data["role"], rationale=data.get("rationale", ""),
        )
        return self.respond(result, lambda: _member_change(commission_id, user_id, result.version))

    @extend_schema(request=inputs.Rationale, responses={200: schema.result_of(schema.MemberChange)},
                   summary="Remove a member")
    def delete(self, request: Request, commission_id: UUID, user_id: str) -> Response:
        self.found(queries.commission_entry(commission_id), "commission", commission_id)
        data = self.valid(inputs.Rationale)
        result = self.run(
            application().remove_commission_member, commission_id=commission_id, user_id=user_id,
            **data,
        )
        return self.respond(result, lambda: _member_change(commission_id, user_id, result.version))


# --- partners ----------------------------------------------------------------------------------


class PartnersView(ApiView):
    @extend_schema(
        parameters=[
            Q_PARAM, COUNTRY,
            OpenApiParameter("kind", str, enum=sorted(PARTNER_KINDS)),
            OpenApiParameter("commission", UUID, description="Affiliated with this commission."),
        ],
        responses={200: schema.page_of(schema.Partner)},
        summary="Partner institutions",
    )
    def get(self, request: Request) -> Response:
        found = queries.partners(
            q=request.query_params.get("q", ""),
            country=request.query_params.get("country", ""),
            kind=choice_param(request, "kind", PARTNER_KINDS),
            commission=uuid_param(request, "commission"),
        )
        return self.paginate(found, ("-registered_at", "id"), render.partner)

    @extend_schema(request=inputs.PartnerRegistration,
                   responses={201: schema.result_of(schema.Partner)},
                   summary="Register a partner institution")
    def post(self, request: Request) -> Response:
        self.require_signed_in()
        data = self.valid(inputs.PartnerRegistration)
        result = self.run(
            application().register_partner, versioned=False, kind=data["kind"],
            country=data["country"], name=data["name"], commission_id=data.get("commission_id"),
            profile=data.get("profile") or None,
        )
        return self.respond(result, lambda: _partner(result.id), created=True,
                            location=f"/api/v1/partners/{result.id}/")


class PartnerView(ApiView):
    @extend_schema(responses={200: schema.Partner}, summary="One partner institution")
    def get(self, request: Request, partner_id: UUID) -> Response:
        entry = self.found(queries.partner_entry(partner_id), "partner", partner_id)
        return self.detail(render.partner(entry), entry.version)

    @extend_schema(request=inputs.Profile, responses={200: schema.result_of(schema.Partner)},
                   summary="Change a partner's profile")
    def patch(self, request: Request, partner_id: UUID) -> Response:
        self.require_signed_in()
        self.found(queries.partner_entry(partner_id), "partner", partner_id)
        changes = self.valid(inputs.Profile)
        result = self.run(
            application().update_partner_profile, partner_id=partner_id, changes=changes
        )
        return self.respond(result, lambda: _partner(partner_id))


def _partner_facts(partner_id: UUID) -> policy.PartnerFacts:
    facts = queries.partner_facts(partner_id)
    if facts is None:
        raise NotFound("partner", partner_id)
    return facts


def _affiliations(partner_id: UUID, state: str) -> Response:
    rows = queries.affiliations(partner_id).filter(state=state)
    return Response({"results": [render.affiliation(row) for row in rows]})


class AffiliationsView(ApiView):
    """A partner's affiliations: public facts of the directory (what it shares is its own)."""

    @extend_schema(responses={200: schema.list_of(schema.Affiliation)},
                   summary="The commissions a partner is affiliated with")
    def get(self, request: Request, partner_id: UUID) -> Response:
        _partner_facts(partner_id)
        return _affiliations(partner_id, "accepted")

    @extend_schema(request=inputs.Affiliation, responses={200: schema.result_of(schema.Partner)},
                   summary="Affiliate a partner with a commission directly (secretariat)")
    def post(self, request: Request, partner_id: UUID) -> Response:
        self.require_signed_in()
        _partner_facts(partner_id)
        data = self.valid(inputs.Affiliation)
        result = self.run(
            application().affiliate_partner, partner_id=partner_id,
            commission_id=data["commission_id"],
        )
        return self.respond(result, lambda: _partner(partner_id))


class AffiliationRequestsView(ApiView):
    """A commission asks to be affiliated; the partner's managers (or the secretariat) answer."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: schema.list_of(schema.Affiliation)},
                   summary="Pending affiliation requests (the partner's managers, the secretariat)")
    def get(self, request: Request, partner_id: UUID) -> Response:
        facts = _partner_facts(partner_id)
        if not policy.may_answer_affiliation(self.actor, facts):
            raise PermissionDenied("Only the partner's managers and the secretariat see its requests.")
        return _affiliations(partner_id, "requested")

    @extend_schema(request=inputs.Affiliation, responses={201: schema.result_of(schema.Partner)},
                   summary="Request an affiliation for your commission")
    def post(self, request: Request, partner_id: UUID) -> Response:
        _partner_facts(partner_id)
        data = self.valid(inputs.Affiliation)
        result = self.run(
            application().request_affiliation, partner_id=partner_id,
            commission_id=data["commission_id"], rationale=data.get("rationale", ""),
        )
        return self.respond(result, lambda: _partner(partner_id), created=True)


class _AffiliationAct(ApiView):
    """One act on the affiliation of a partner with a commission, with a rationale."""

    permission_classes = [IsAuthenticated]
    body: type[inputs.Strict] = inputs.Rationale

    def use_case(self) -> Any:
        raise NotImplementedError

    def post(self, request: Request, partner_id: UUID, commission_id: UUID) -> Response:
        _partner_facts(partner_id)
        data = self.valid(self.body)
        result = self.run(
            self.use_case(), partner_id=partner_id, commission_id=commission_id, **data
        )
        return self.respond(result, lambda: _partner(partner_id))


class AcceptAffiliationView(_AffiliationAct):
    @extend_schema(request=inputs.Rationale, responses={200: schema.result_of(schema.Partner)},
                   summary="Accept a commission's affiliation request")
    def post(self, request: Request, partner_id: UUID, commission_id: UUID) -> Response:
        return super().post(request, partner_id, commission_id)

    def use_case(self) -> Any:
        return application().accept_affiliation


class DeclineAffiliationView(_AffiliationAct):
    @extend_schema(request=inputs.Rationale, responses={200: schema.result_of(schema.Partner)},
                   summary="Decline a commission's affiliation request")
    def post(self, request: Request, partner_id: UUID, commission_id: UUID) -> Response:
        return super().post(request, partner_id, commission_id)

    def use_case(self) -> Any:
        return application().decline_affiliation


class EndAffiliationView(_AffiliationAct):
    @extend_schema(request=inputs.Rationale, responses={200: schema.result_of(schema.Partner)},
                   summary="End an affiliation (either side, or the secretariat)")
    def post(self, request: Request, partner_id: UUID, commission_id: UUID) -> Response:
        return super().post(request, partner_id, commission_id)

    def use_case(self) -> Any:
        return application().end_affiliation


class AccessView(_AffiliationAct):
    body = inputs.Grant

    @extend_schema(request=inputs.Grant, responses={200: schema.result_of(schema.Partner)},
                   summary="Share documents, members or the profile with an affiliated commission")
    def post(self, request: Request, partner_id: UUID, commission_id: UUID) -> Response:
        return super().post(request, partner_id, commission_id)

    def use_case(self) -> Any:
        return application().grant_partner_access


class RevokeAccessView(AccessView):
    @extend_schema(request=inputs.Grant, responses={200: schema.result_of(schema.Partner)},
                   summary="Stop sharing with an affiliated commission")
    def post(self, request: Request, partner_id: UUID, commission_id: UUID) -> Response:
        return super().post(request, partner_id, commission_id)

    def use_case(self) -> Any:
        return application().revoke_partner_access


class PartnerMembersView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: schema.page_of(schema.Member)}, summary="Members of a partner")
    def get(self, request: Request, partner_id: UUID) -> Response:
        facts = _partner_facts(partner_id)
        if not policy.may_read_partner_members(self.actor, facts):
            raise PermissionDenied(
                "Only the partner, the secretariat and commissions it shares its members with see them."
            )
        response = self.paginate(queries.members("partner", partner_id), ("since", "user_id"),
                                 render.membership)
        people.with_person(response.data["results"])
        return response

    @extend_schema(request=inputs.NewPartnerMember,
                   responses={201: schema.result_of(schema.MemberChange)},
                   summary="Add an existing account as a partner member")
    def post(self, request: Request, partner_id: UUID) -> Response:
        _partner_facts(partner_id)
        data = self.valid(inputs.NewPartnerMember)
        result = self.run(application().add_partner_member, partner_id=partner_id, **data)
        return self.respond(
            result, lambda: _member_change(partner_id, data["user_id"], result.version),
            created=True,
        )


class PartnerMemberView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=inputs.PartnerRoleChange,
                   responses={200: schema.result_of(schema.MemberChange)},
                   summary="Change a partner member's role")
    def patch(self, request: Request, partner_id: UUID, user_id: str) -> Response:
        _partner_facts(partner_id)
        data = self.valid(inputs.PartnerRoleChange)
        result = self.run(
            application().change_partner_member_role, partner_id=partner_id, user_id=user_id, **data
        )
        return self.respond(result, lambda: _member_change(partner_id, user_id, result.version))

    @extend_schema(request=inputs.Rationale, responses={200: schema.result_of(schema.MemberChange)},
                   summary="Remove a partner member")
    def delete(self, request: Request, partner_id: UUID, user_id: str) -> Response:
        _partner_facts(partner_id)
        data = self.valid(inputs.Rationale)
        result = self.run(
            application().remove_partner_member, partner_id=partner_id, user_id=user_id, **data
        )
        return self.respond(result, lambda: _member_change(partner_id, user_id, result.version))
