"""Input serializers: the shape of each request body, nothing more.

They check types and required fields (a malformed request is 400); what the
content must be (lengths, allowed languages, allowed states) is the domain's to
decide in events/ (a refused content is 422), so texts are passed on as sent.
Unknown fields are refused, so that a misspelt field never goes unnoticed.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from events.documents import VISIBILITIES
from events.meetings import KINDS as MEETING_KINDS
from events.partners import PARTNER_KINDS
from events.policy import Right
from events.roles import COMMISSION_ROLES, PARTNER_ROLES
from events.updates import UPDATE_KINDS

RESOURCE_KINDS = ("commission", "partner", "update", "proposal", "workspace")
COMMENTABLE_KINDS = ("commission", "partner", "update", "proposal", "document")
MAX_POSITION = 2**62


class Strict(serializers.Serializer):  # type: ignore[type-arg]
    """Refuses fields it does not know."""

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields) - {"csrfmiddlewaretoken"})
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown field."] for name in unknown}
                )
        return super().to_internal_value(data)


def Text(**kwargs: Any) -> serializers.CharField:  # noqa: N802 - a field factory
    """Free text: blank allowed and kept as sent (the domain cleans and checks it)."""
    return serializers.CharField(allow_blank=True, trim_whitespace=False, **kwargs)


def Texts(**kwargs: Any) -> serializers.DictField:  # noqa: N802
    """A text in up to three languages: {"ar": "...", "en": "...", "fr": "..."}."""
    return serializers.DictField(child=Text(), **kwargs)


# --- accounts ----------------------------------------------------------------------------------


class TokenRequest(Strict):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class MeChange(Strict):
    display_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=["ar", "en", "fr"], required=False)


def _rationale() -> serializers.CharField:
    return serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text="Why: kept in the audit history."
    )


class InvitationRequest(Strict):
    email = serializers.EmailField(max_length=254)
    scope = serializers.ChoiceField(choices=["organisation", "commission", "partner"])
    scope_id = serializers.UUIDField(required=False, allow_null=True)
    role = serializers.ChoiceField(
        choices=["auditor", "partner", "partner_manager", "secretariat", "secretary_general", "staff"]
    )
    language = serializers.ChoiceField(choices=["ar", "en", "fr"], required=False)
    rationale = _rationale()


class InvitationAcceptance(Strict):
    token = serializers.CharField(max_length=200)
    username = serializers.RegexField(r"^[\w.@+-]{3,150}$", max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    display_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=["ar", "en", "fr"], required=False)


# --- directory ------------------------------------------------------------------------------------


class Profile(Strict):
    """The profile fields of a commission or a partner; all optional."""

    name = Texts(required=False)
    description = Texts(required=False)
    website = Text(required=False, max_length=2000)
    email = Text(required=False, max_length=2000)
    phone = Text(required=False, max_length=2000)
    city = Texts(required=False)
    address = Texts(required=False)


class CommissionRegistration(Strict):
    country = serializers.CharField(max_length=8)
    name = Texts()
    profile = Profile(required=False)


class SecretaryGeneralAppointment(Strict):
    name = Texts()
    user_id = serializers.CharField(max_length=64, required=False, allow_blank=True)


class NewMember(Strict):
    user_id = serializers.CharField(max_length=64)
    role = serializers.ChoiceField(choices=sorted(r.value for r in COMMISSION_ROLES))
    rationale = _rationale()


class RoleChange(Strict):
    role = serializers.ChoiceField(choices=sorted(r.value for r in COMMISSION_ROLES))
    rationale = _rationale()


class PartnerRegistration(Strict):
    kind = serializers.ChoiceField(choices=sorted(PARTNER_KINDS))
    country = serializers.CharField(max_length=8)
    name = Texts()
    commission_id = serializers.UUIDField(required=False, allow_null=True)
    profile = Profile(required=False)


class Affiliation(Strict):
    commission_id = serializers.UUIDField()
    rationale = _rationale()


class Rationale(Strict):
    rationale = _rationale()


class Grant(Strict):
    rights = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(r.value for r in Right)), min_length=1, max_length=3
    )
    rationale = _rationale()


class NewPartnerMember(Strict):
    user_id = serializers.CharField(max_length=64)
    role = serializers.ChoiceField(choices=sorted(r.value for r in PARTNER_ROLES), default="partner")
    rationale = _rationale()


class PartnerRoleChange(Strict):
    role = serializers.ChoiceField(choices=sorted(r.value for r in PARTNER_ROLES))
    rationale = _rationale()


# --- updates and proposals ---------------------------------------------------------------------------


class UpdateDraft(Strict):
    commission_id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=sorted(UPDATE_KINDS))
    title = Texts()
    summary = Texts(required=False)
    body = Texts()


class UpdateRevision(Strict):
    title = Texts(required=False)
    summary = Texts(required=False)
    body = Texts(required=False)


class Withdrawal(Strict):
    reason = Text(required=False, max_length=20000)


class ProposalSubmission(Strict):
    commission_id = serializers.UUIDField()
    partner_ids = serializers.ListField(child=serializers.UUIDField(), max_length=200)
    title = Texts()
    summary = Texts()


class ProposalRevision(Strict):
    title = Texts(required=False)
    summary = Texts(required=False)
    partner_ids = serializers.ListField(child=serializers.UUIDField(), max_length=200, required=False)


class Decision(Strict):
    rationale = Text(required=False, max_length=20000)


# --- workspaces ------------------------------------------------------------------------------------


class WorkspaceCreation(Strict):
    name = Text(max_length=2000)
    description = Text(required=False, max_length=20000)
    commission_id = serializers.UUIDField(required=False, allow_null=True)


class WorkspaceMemberAddition(Strict):
    user_id = serializers.CharField(max_length=64)


class ThreadStart(Strict):
    title = Text(max_length=2000)


class ThreadRename(Strict):
    title = Text(max_length=2000)


class MessagePost(Strict):
    text = Text(max_length=100_000)
    mentions = serializers.ListField(child=serializers.CharField(max_length=64), required=False,
                                     max_length=200)


class TextEdit(Strict):
    text = Text(max_length=100_000)


class ReadPosition(Strict):
    position = serializers.IntegerField(min_value=0, max_value=MAX_POSITION)


# --- comments and documents ----------------------------------------------------------------------------


class CommentPost(Strict):
    resource_kind = serializers.ChoiceField(choices=COMMENTABLE_KINDS)
    resource_id = serializers.UUIDField()
    text = Text(max_length=100_000)


class DocumentUpload(Strict):
    file = serializers.FileField(allow_empty_file=True, use_url=False)
    resource_kind = serializers.ChoiceField(choices=RESOURCE_KINDS)
    resource_id = serializers.UUIDField()
    visibility = serializers.ChoiceField(choices=sorted(VISIBILITIES), required=False)
    name = serializers.CharField(max_length=255, required=False)


class DocumentVersionUpload(Strict):
    file = serializers.FileField(allow_empty_file=True, use_url=False)
    name = serializers.CharField(max_length=255, required=False)


# --- meetings ------------------------------------------------------------------------------------


class MeetingSchedule(Strict):
    kind = serializers.ChoiceField(choices=sorted(MEETING_KINDS))
    title = Texts()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    time_zone = serializers.CharField(max_length=64, help_text="IANA name, e.g. Africa/Tunis.")
    place = Text(max_length=300, required=False)
    online_link = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    commission_ids = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=200)
    partner_ids = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=200)
    visibility = serializers.ChoiceField(choices=["invited", "members", "public"], required=False)
    capacity = serializers.IntegerField(min_value=1, max_value=100_000, required=False, allow_null=True)
    waiting_list = serializers.BooleanField(required=False)


class MeetingPostponement(Strict):
    reason = Text(max_length=5000)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class Reason(Strict):
    reason = Text(max_length=5000)


class MinutesDraft(Strict):
    text = Texts()
    reason = Text(max_length=5000, required=False, help_text="What it corrects (required once circulated).")


class AgendaItem(Strict):
    title = Texts()
    duration_minutes = serializers.IntegerField(min_value=1, max_value=1440)
    presenter = Text(max_length=200, required=False)


class AgendaOrder(Strict):
    item_ids = serializers.ListField(child=serializers.UUIDField(), max_length=500)


class Registration(Strict):
    person_id = serializers.CharField(
        max_length=64, required=False, help_text="Someone else (organisers only); yourself when absent."
    )
