"""Signing in with a token, the signed-in person, and invitations."""

from __future__ import annotations

import math
from typing import Any
from uuid import UUID

from axes.helpers import get_cool_off
from django.contrib.auth import authenticate
from django.contrib.auth.models import AbstractUser
from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.models import Token
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api import invitations, schema
from api import serializers as inputs
from api.conventions import ApiView
from api.problems import Problem
from events import policy
from events.roles import Actor
from projections import queries, service
from projections.models import InvitationEntry


class TokenView(ApiView):
    """POST: a token for a username and password. DELETE: revoke the token."""

    # Sign-in failures are counted by django-axes (AxesStandaloneBackend) through
    # django.contrib.auth.authenticate, which needs the HttpRequest.

    @extend_schema(request=inputs.TokenRequest, responses={200: schema.Token}, auth=[],
                   summary="Get an API token")
    def post(self, request: Request) -> Response:
        data = self.valid(inputs.TokenRequest)
        http_request = request._request
        user = authenticate(http_request, username=data["username"], password=data["password"])
        if user is None:
            if getattr(http_request, "axes_locked_out", False):
                # Answered here as problem details; axes' middleware would otherwise
                # replace the answer with its own page.
                http_request.axes_locked_out = False
                cool_off = get_cool_off(http_request)
                wait = math.ceil(cool_off.total_seconds()) if cool_off else 900
                raise Problem(
                    429, "locked_out",
                    "Too many failed sign-ins: this account is locked for a while.",
                    headers={"Retry-After": str(wait)},
                )
            raise Problem(400, "invalid_credentials", "The username or password is wrong.")
        if not user.is_active:
            raise Problem(400, "invalid_credentials", "The username or password is wrong.")
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None}, summary="Revoke your API token")
    def delete(self, request: Request) -> Response:
        self.require_signed_in()
        Token.objects.filter(user=request.user).delete()
        return Response(status=204)

    def idempotency_owner(self, request: Request) -> str | None:
        return None  # a token is never kept in the idempotency records


def me(actor: Actor, user: AbstractUser) -> dict[str, Any]:
    commission = actor.commission_id
    return {
        "id": str(user.pk),
        "username": user.username,
        "display_name": user.display_name or user.username,
        "email": user.email,
        "language": user.language,
        "role": actor.role.value,
        "commission_id": str(commission) if commission else None,
        "partner_id": str(actor.partner_id) if actor.partner_id else None,
        # Every membership held: a person may be secretariat, commission staff and a
        # partner's member at once; each grants what its role grants there.
        "memberships": [
            {
                "scope": m.scope.value,
                "scope_id": str(m.scope_id) if m.scope_id else None,
                "role": m.role.value,
            }
            for m in actor.memberships
        ],
        # What the client may offer this person (the server decides again on each command).
        "may": {
            "write": policy.may_write(actor),
            "register_commissions": policy.may_register_commission(actor),
            "register_partners": policy.may_register_partner(actor, commission),
            "write_updates": bool(commission) and policy.may_write_updates(actor, commission),
            "propose": bool(commission) and policy.may_propose(actor, commission),
            "decide_proposals": policy.may_decide_proposals(actor),
            "create_workspaces": policy.may_create_workspace(actor),
            "read_everything": policy.may_read_everything(actor),
            "read_history": policy.may_read_history(actor),
            "manage_organisation": policy.may_manage_organisation(actor),
            "manage_commission": bool(commission) and policy.may_manage_commission(actor, commission),
        },
    }


class MeView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: schema.Me}, summary="The signed-in person")
    def get(self, request: Request) -> Response:
        return Response(self.show(me(self.actor, request.user)))

    @extend_schema(request=inputs.MeChange, responses={200: schema.Me},
                   summary="Change your display name or language")
    def patch(self, request: Request) -> Response:
        changes = self.valid(inputs.MeChange)
        user = request.user
        for field, value in changes.items():
            setattr(user, field, value)
        if changes:
            user.save(update_fields=list(changes))
        return Response(self.show(me(self.actor, user)))


def invitation_body(invitation: InvitationEntry) -> dict[str, Any]:
    return {
        "id": str(invitation.id),
        "email": invitation.email,
        "scope": invitation.scope,
        "scope_id": str(invitation.scope_id),
        "role": invitation.role,
        "state": invitation.state(),
        "invited_by": invitation.invited_by,
        "created_at": invitation.created_at.isoformat(),
        "expires_at": invitation.expires_at.isoformat(),
        "accepted_at": invitation.accepted_at.isoformat() if invitation.accepted_at else None,
        "rationale": invitation.rationale,
    }


class InvitationsView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: schema.page_of(schema.Invitation)},
                   summary="Invitations you sent or may manage")
    def get(self, request: Request) -> Response:
        return self.paginate(
            queries.visible_invitations(self.actor), ("-created_at", "id"), invitation_body
        )

    @extend_schema(request=inputs.InvitationRequest, responses={201: schema.Invitation},
                   summary="Invite someone by e-mail")
    def post(self, request: Request) -> Response:
        data = self.valid(inputs.InvitationRequest)
        sent = invitations.invite(
            self.actor,
            email=data["email"],
            scope=data["scope"],
            scope_id=data.get("scope_id"),
            role=data["role"],
            language=data.get("language") or self.language,
            site=request.build_absolute_uri("/"),
            command_id=self.command_id(),
            rationale=data.get("rationale", ""),
        )
        return Response(self.show(invitation_body(sent.invitation)), status=201)


class InvitationRevokeView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: schema.Invitation}, summary="Revoke an invitation")
    def post(self, request: Request, invitation_id: UUID) -> Response:
        revoked = invitations.revoke(self.actor, invitation_id, command_id=self.command_id())
        return Response(self.show(invitation_body(revoked)))


class InvitationAcceptView(ApiView):
    """Anyone holding the link's token: creates the account and the membership."""

    @extend_schema(request=inputs.InvitationAcceptance, responses={201: schema.Me}, auth=[],
                   summary="Accept an invitation: choose a username and password")
    def post(self, request: Request) -> Response:
        data = self.valid(inputs.InvitationAcceptance)
        user, result = invitations.accept(
            data["token"],
            username=data["username"],
            password=data["password"],
            display_name=data.get("display_name", ""),
            language=data.get("language"),
        )
        service.wait_for(result.position, 5.0)
        return Response(self.show(me(queries.actor_for(str(user.pk)), user)), status=201)

    def idempotency_owner(self, request: Request) -> str | None:
        token = request.data.get("token") if hasattr(request.data, "get") else None
        if not isinstance(token, str) or not token:
            return None
        return "invitation:" + invitations.token_hash(token)[:60]
