"""Joining by invitation: invite by e-mail, accept with a one-time link.

An invitation names where the invitee will belong (the organisation, a commission
or a partner institution) and with which role. Only its SHA-256 is stored; the
token itself travels in the e-mail only, inside the link ``/join/<token>/``
(the web client's page, which posts to ``POST /api/v1/invitations/accept/``).

Accepting creates the account and runs the membership command *as the inviter*
(whose authority it is), so the membership appears in the history as the
inviter's act. The account's id and the command id are derived from the
invitation: an acceptance repeated after a crash meets the same command id and
the same account, never a second membership.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from uuid import UUID, uuid5

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from api.models import Invitation
from events import policy
from events.base import CommandResult, require
from events.errors import AlreadyExists, IllegalTransition, NotFound, ValidationFailed
from events.ids import NAMESPACE, organisation_id
from events.platform import application
from events.roles import COMMISSION_ROLES, ORGANISATION_ROLES, Actor, Role
from projections import queries

INVITATION_TTL = dt.timedelta(days=getattr(settings, "INVITATION_TTL_DAYS", 7))
ROLES_BY_SCOPE = {
    "organisation": frozenset(r.value for r in ORGANISATION_ROLES),
    "commission": frozenset(r.value for r in COMMISSION_ROLES),
    "partner": frozenset({Role.PARTNER.value}),
}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def join_path(token: str) -> str:
    """The path of the link sent by e-mail (served by the web client)."""
    return f"/join/{token}/"


def _partner_commissions(scope: str, scope_id: UUID) -> frozenset[UUID]:
    if scope != "partner":
        return frozenset()
    partner = queries.partner_entry(scope_id)
    if partner is None:
        raise NotFound("partner", scope_id)
    return frozenset(UUID(c) for c in partner.commission_ids)


def _check_scope(scope: str, scope_id: UUID) -> None:
    if scope == "commission" and queries.commission_entry(scope_id) is None:
        raise NotFound("commission", scope_id)


@dataclass(frozen=True)
class Sent:
    invitation: Invitation
    # The token, for the e-mail only: never stored, never shown again.
    token: str


def invite(
    actor: Actor,
    *,
    email: str,
    scope: str,
    scope_id: UUID | None,
    role: str,
    language: str,
    site: str,
) -> Sent:
    """Invite ``email`` to join ``scope`` with ``role``; send the link to ``site``."""
    if scope == "organisation":
        scope_id = organisation_id()
    if scope_id is None:
        raise ValidationFailed.field("scope_id", "Name the commission or partner to join.")
    if role not in ROLES_BY_SCOPE[scope]:
        options = ", ".join(sorted(ROLES_BY_SCOPE[scope]))
        raise ValidationFailed.field("role", f"In a {scope}, the role is one of: {options}.")
    commission_ids = _partner_commissions(scope, scope_id)
    _check_scope(scope, scope_id)
    require(
        policy.may_invite(actor, scope, scope_id, commission_ids),
        "You cannot invite people to join there.",
    )
    email = email.strip().lower()
    if get_user_model().objects.filter(email__iexact=email).exists():
        raise AlreadyExists(
            "Someone with this e-mail address has an account already: add them as a member."
        )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email,
            token_hash=token_hash(token),
            scope=scope,
            scope_id=scope_id,
            role=role,
            language=language,
            invited_by=actor.id,
            expires_at=timezone.now() + INVITATION_TTL,
        )
        _send(invitation, site.rstrip("/") + join_path(token))
    return Sent(invitation, token)


MESSAGES = {
    "ar": "دُعيت للانضمام إلى منصة تواصل. لإنشاء حسابك، افتح هذا الرابط (صالح حتى {until}):\n{link}",
    "en": "You are invited to join Tawasul. To create your account, open this link "
    "(valid until {until}):\n{link}",
    "fr": "Vous êtes invité·e à rejoindre Tawasul. Pour créer votre compte, ouvrez ce lien "
    "(valable jusqu'au {until}) :\n{link}",
}


def _send(invitation: Invitation, link: str) -> None:
    order = [invitation.language, *[lang for lang in ("ar", "en", "fr") if lang != invitation.language]]
    until = invitation.expires_at.strftime("%Y-%m-%d %H:%M UTC")
    body = "\n\n".join(MESSAGES[lang].format(link=link, until=until) for lang in order)
    send_mail(
        subject="تواصل — Tawasul: invitation",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
        fail_silently=False,
    )


def pending_invitation(token: str) -> Invitation | None:
    """The invitation of a link, while it may still be accepted (the web's join page)."""
    invitation = Invitation.objects.filter(token_hash=token_hash(token)).first()
    if invitation is None or invitation.state() != "pending":
        return None
    return invitation


def visible_invitations(actor: Actor) -> QuerySet[Invitation]:
    """The invitations an actor sent, or could send (the secretariat sees all)."""
    if policy.may_manage_organisation(actor):
        return Invitation.objects.all()
    visible = Q(invited_by=actor.id)
    if actor.role is Role.SECRETARY_GENERAL and actor.commission_id:
        visible |= Q(scope="commission", scope_id=actor.commission_id)
    return Invitation.objects.filter(visible)


def revoke(actor: Actor, invitation_id: UUID) -> Invitation:
    invitation = visible_invitations(actor).filter(id=invitation_id).first()
    if invitation is None:
        raise NotFound("invitation", invitation_id)
    state = invitation.state()
    if state != "pending":
        raise IllegalTransition("invitation", state, "revoke")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


def accept(
    token: str, *, username: str, password: str, display_name: str, language: str | None
) -> tuple[AbstractUser, CommandResult]:
    """Create the invitee's account and make them a member: once, whatever the retries."""
    invitation = Invitation.objects.filter(token_hash=token_hash(token)).first()
    if invitation is None:
        raise NotFound("invitation", "(this link)")
    state = invitation.state()
    if state != "pending":
        raise IllegalTransition("invitation", state, "accept")
    users = get_user_model()
    user = users(
        id=uuid5(NAMESPACE, f"invitation:{invitation.id}"),
        username=username,
        email=invitation.email,
        display_name=display_name.strip() or username,
        language=language or invitation.language,
    )
    if users.objects.filter(username__iexact=username).exclude(pk=user.pk).exists():
        raise ValidationFailed.field("username", "This username is taken: choose another.")
    try:
        password_validation.validate_password(password, user=user)
    except DjangoValidationError as error:
        raise ValidationFailed(
            "The password is too weak.", errors={"password": list(error.messages)}
        ) from None
    user.set_password(password)
    inviter = queries.actor_for(invitation.invited_by)
    try:
        with transaction.atomic():
            user.save(force_insert=True)
            invitation.accepted_at = timezone.now()
            invitation.accepted_user = user
            invitation.save(update_fields=["accepted_at", "accepted_user"])
            result = _join(inviter, invitation, str(user.pk))
    except IntegrityError:
        raise ValidationFailed.field("username", "This username is taken: choose another.") from None
    return user, result


def _join(inviter: Actor, invitation: Invitation, user_id: str) -> CommandResult:
    app = application()
    command_id = f"invitation.{invitation.id}"
    if invitation.scope == "organisation":
        return app.add_organisation_member(
            inviter, command_id=command_id, user_id=user_id, role=invitation.role
        )
    if invitation.scope == "commission":
        return app.add_commission_member(
            inviter, command_id=command_id, commission_id=invitation.scope_id, user_id=user_id,
            role=invitation.role,
        )
    return app.add_partner_member(
        inviter, command_id=command_id, partner_id=invitation.scope_id, user_id=user_id
    )
