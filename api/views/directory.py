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
            user_id=data["user_id"], role=data["role"],
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
            user_id=user_id, role=data["role"],
        )
        return self.respond(result, lambda: _member_change(commission_id, user_id, result.version))

    @extend_schema(request=None, responses={200: schema.result_of(schema.MemberChange)},
                   summary="Remove a member")
    def delete(self, request: Request, commission_id: UUID, user_id: str) -> Response:
        self.found(queries.commission_entry(commission_id), "commission", commission_id)
        result = self.run(
            application().remove_commission_member, commission_id=commission_id, user_id=user_id
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


class AffiliationsView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=inputs.Affiliation, responses={200: schema.result_of(schema.Partner)},
                   summary="Affiliate a partner with a commission")
    def post(self, request: Request, partner_id: UUID) -> Response:
        self.found(queries.partner_entry(partner_id), "partner", partner_id)
        data = self.valid(inputs.Affiliation)
        result = self.run(
            application().affiliate_partner, partner_id=partner_id,
            commission_id=data["commission_id"],
        )
        return self.respond(result, lambda: _partner(partner_id))


class PartnerMembersView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=inputs.NewPartnerMember,
                   responses={201: schema.result_of(schema.MemberChange)},
                   summary="Add an existing account as a partner member")
    def post(self, request: Request, partner_id: UUID) -> Response:
        self.found(queries.partner_entry(partner_id), "partner", partner_id)
        data = self.valid(inputs.NewPartnerMember)
        result = self.run(
            application().add_partner_member, partner_id=partner_id, user_id=data["user_id"]
        )
        return self.respond(
            result, lambda: _member_change(partner_id, data["user_id"], result.version),
            created=True,
        )


class PartnerMemberView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: schema.result_of(schema.MemberChange)},
                   summary="Remove a partner member")
    def delete(self, request: Request, partner_id: UUID, user_id: str) -> Response:
        if queries.partner_entry(partner_id) is None:
            raise NotFound("partner", partner_id)
        result = self.run(
            application().remove_partner_member, partner_id=partner_id, user_id=user_id
        )
        return self.respond(result, lambda: _member_change(partner_id, user_id, result.version))
