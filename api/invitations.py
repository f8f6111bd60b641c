"""Joining by invitation: invite by e-mail, accept with a one-time link.

An invitation is recorded as events (events.invitations: sent, accepted, revoked),
so the audit history shows who invited whom. It names where the invitee will
belong (the organisation, a commission or a partner institution) and with which
role. Only its SHA-256 is recorded; the token itself travels in the e-mail only,
inside the link ``/join/<token>/`` (the web client's page, which posts to
``POST /api/v1/invitations/accept/``).

Accepting creates the account and runs ``invitation.accept`` *as the inviter*
(whose authority it is, checked again then), which records the acceptance and the
membership together. The account's id and the command id are derived from the
invitation: an acceptance repeated after a crash meets the same command id and
the same account, never a second membership.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid5

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from api.problems import Problem
from events.base import CommandResult
from events.errors import AlreadyExists, FieldCode, IllegalTransition, NotFound, ValidationFailed
from events.ids import NAMESPACE
from events.platform import application
from events.roles import Actor
from events.text import pick_language
from projections import queries, service
from projections.models import InvitationEntry

INVITATION_TTL = dt.timedelta(days=getattr(settings, "INVITATION_TTL_DAYS", 7))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def join_path(token: str) -> str:
    """The path of the link sent by e-mail (served by the web client)."""
    return f"/join/{token}/"


@dataclass(frozen=True)
class Sent:
    invitation: InvitationEntry
    # The token, for the e-mail only: never stored, never shown again.
    token: str


def _entry(result: CommandResult) -> InvitationEntry:
    service.wait_for(result.position, 5.0)
    entry = queries.invitation_entry(result.id)
    if entry is None:  # the projector is far behind: the invitation is recorded all the same
        raise Problem(503, "projection_behind", "The invitation is recorded; list the invitations shortly.")
    return entry


def invite(
    actor: Actor,
    *,
    command_id: str,
    email: str,
    scope: str,
    scope_id: UUID | None,
    role: str,
    language: str,
    site: str,
    rationale: str = "",
) -> Sent:
    """Invite ``email`` to join ``scope`` with ``role``; mail the link to ``site``."""
    email = email.strip().lower()
    if get_user_model().objects.filter(email__iexact=email).exists():
        raise AlreadyExists(
            "Someone with this e-mail address has an account already: add them as a member."
        )
    token = secrets.token_urlsafe(32)
    result = application().send_invitation(
        actor,
        command_id=command_id,
        email=email,
        scope=scope,
        scope_id=scope_id,
        role=role,
        language=language,
        token_hash=token_hash(token),
        expires_at=timezone.now() + INVITATION_TTL,
        rationale=rationale,
    )
    entry = _entry(result)
    if result.repeated:
        # The same request again: the first one mailed its link (this token is not it).
        return Sent(entry, "")
    try:
        _send(entry, site.rstrip("/") + join_path(token))
    except OSError:
        application().revoke_invitation(
            Actor.system(), command_id=f"{command_id}.unsent", invitation_id=entry.id,
            rationale="The e-mail could not be sent.",
        )
        raise Problem(503, "mail_unavailable", "The e-mail could not be sent: try again later.") from None
    return Sent(entry, token)


MESSAGES = {
    "ar": "دعاك {inviter} للانضمام إلى {body} على منصة تواصل بصفة «{role}». "
    "لإنشاء حسابك، افتح هذا الرابط (صالح حتى {until}):\n{link}",
    "en": "{inviter} invites you to join {body} on Tawasul as {role}. To create your account, "
    "open this link (valid until {until}):\n{link}",
    "fr": "{inviter} vous invite à rejoindre {body} sur Tawasul en tant que {role}. Pour créer "
    "votre compte, ouvrez ce lien (valable jusqu'au {until}) :\n{link}",
}


def _inviter_name(user_id: str) -> str:
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    if user is None:
        return "Tawasul"
    return str(getattr(user, "display_name", "") or user.get_username())


def _body_name(entry: InvitationEntry, language: str) -> str:
    found: Any = None
    if entry.scope == "commission":
        found = queries.commission_entry(entry.scope_id)
    elif entry.scope == "partner":
        found = queries.partner_entry(entry.scope_id)
    if found is None:
        return {"ar": "المنظمة", "en": "the organisation", "fr": "l'organisation"}[language]
    return pick_language(found.name, language)


# The web client's labels (web/labels.py), whose translations the e-mail shares.
ROLE_NAMES = {
    "secretariat": gettext_lazy("Secretariat"),
    "auditor": gettext_lazy("Auditor"),
    "secretary_general": gettext_lazy("Secretary-general"),
    "staff": gettext_lazy("Commission staff"),
    "partner_manager": gettext_lazy("Partner manager"),
    "partner": gettext_lazy("Partner"),
}


def _role_name(role: str, language: str) -> str:
    with translation.override(language):
        return str(ROLE_NAMES.get(role, role))


def _send(entry: InvitationEntry, link: str) -> None:
    order = [entry.language, *[lang for lang in ("ar", "en", "fr") if lang != entry.language]]
    until = entry.expires_at.strftime("%Y-%m-%d %H:%M UTC")
    inviter = _inviter_name(entry.invited_by)
    body = "\n\n".join(
        MESSAGES[lang].format(
            link=link, until=until, inviter=inviter, body=_body_name(entry, lang),
            role=_role_name(entry.role, lang),
        )
        for lang in order
    )
    send_mail(
        subject="تواصل — Tawasul: invitation",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[entry.email],
        fail_silently=False,
    )


def pending_invitation(token: str) -> InvitationEntry | None:
    """The invitation of a link, while it may still be accepted (the web's join page)."""
    invitation = queries.invitation_of_token(token_hash(token))
    if invitation is None or invitation.state() != "pending":
        return None
    return invitation


def revoke(actor: Actor, invitation_id: UUID, *, command_id: str, rationale: str = "") -> InvitationEntry:
    if not queries.visible_invitations(actor).filter(id=invitation_id).exists():
        raise NotFound("invitation", invitation_id)
    result = application().revoke_invitation(
        actor, command_id=command_id, invitation_id=invitation_id, rationale=rationale
    )
    return _entry(result)


def accept(
    token: str, *, username: str, password: str, display_name: str, language: str | None
) -> tuple[AbstractUser, CommandResult]:
    """Create the invitee's account and make them a member: once, whatever the retries."""
    invitation = queries.invitation_of_token(token_hash(token))
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
        raise ValidationFailed.field(
            "username", "This username is taken: choose another.", FieldCode.USERNAME_TAKEN
        )
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
            result = application().accept_invitation(
                inviter, command_id=f"invitation.{invitation.id}", invitation_id=invitation.id,
                user_id=str(user.pk),
            )
    except IntegrityError:
        raise ValidationFailed.field(
            "username", "This username is taken: choose another.", FieldCode.USERNAME_TAKEN
        ) from None
    return user, result


def import_legacy(rows: Any) -> int:
    """Record as events the invitations of the table they lived in before (api 0002)."""
    app = application()
    count = 0
    for row in rows:
        app.import_invitation(
            Actor.system(),
            command_id=f"legacy-invitation.{row.id}",
            invitation_id=row.id,
            email=row.email,
            scope=row.scope,
            scope_id=row.scope_id,
            role=row.role,
            language=row.language,
            token_hash=row.token_hash,
            expires_at=row.expires_at,
            invited_by=row.invited_by,
            accepted_by=str(row.accepted_user_id) if row.accepted_user_id else None,
            revoked=row.revoked_at is not None,
        )
        count += 1
    return count
