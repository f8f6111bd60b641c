"""Read models: ordinary Django models, written only by projectors.

Keys come from the events (aggregate ids, positions, "a:b" composites), never
from auto-increment sequences, and times are the events' timestamps: a rebuild
from the first event yields the very same rows. Each model carries the indexes
its queries in projections/queries.py need.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models


class ProjectionPosition(models.Model):
    """Tracking: the global position up to which a projector has applied events.
    Updated in the same transaction as that projector's rows (exactly once)."""

    name = models.CharField(max_length=64, primary_key=True)
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "projection_position"


# --- people and their memberships ----------------------------------------------------------


class Membership(models.Model):
    """One role a person holds in one body (from the membership events). A person
    holds any number: staff of a commission, manager of a partner, auditor..."""

    key = models.CharField(max_length=110, primary_key=True)  # "<user>:<scope id>"
    user_id = models.CharField(max_length=64)
    scope = models.CharField(max_length=16)  # organisation, commission, partner
    scope_id = models.UUIDField()
    role = models.CharField(max_length=32)
    since = models.DateTimeField()
    position = models.BigIntegerField()

    class Meta:
        db_table = "rm_membership"
        indexes = [
            models.Index(fields=["scope", "scope_id"], name="membership_scope"),
            models.Index(fields=["user_id", "since"], name="membership_user"),
        ]

    @staticmethod
    def key_of(user_id: str, scope_id: Any) -> str:
        return f"{user_id}:{scope_id}"


# --- directory --------------------------------------------------------------------------------


class CommissionEntry(models.Model):
    id = models.UUIDField(primary_key=True)
    country = models.CharField(max_length=2, unique=True)
    name = models.JSONField()
    search_text = models.TextField()
    profile = models.JSONField(default=dict)
    secretary_general = models.JSONField(null=True)
    member_count = models.IntegerField(default=0)
    registered_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.IntegerField()
    position = models.BigIntegerField()

    class Meta:
        db_table = "rm_commission"
        ordering = ["country"]


class PartnerEntry(models.Model):
    id = models.UUIDField(primary_key=True)
    kind = models.CharField(max_length=32)
    country = models.CharField(max_length=2)
    name = models.JSONField()
    search_text = models.TextField()
    profile = models.JSONField(default=dict)
    commission_ids = models.JSONField(default=list)  # accepted affiliations
    grants = models.JSONField(default=dict)  # commission id -> rights it is granted
    registration_command = models.CharField(max_length=128, blank=True)
    member_count = models.IntegerField(default=0)
    registered_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.IntegerField()
    position = models.BigIntegerField()

    class Meta:
        db_table = "rm_partner"
        indexes = [
            models.Index(fields=["country", "kind"], name="partner_country_kind"),
            models.Index(fields=["kind"], name="partner_kind"),
        ]


class PartnerAffiliation(models.Model):
    """A partner and a commission: requested by the commission, then accepted (or
    declined, or ended: the row is then gone), with what the partner shares with it."""

    key = models.CharField(max_length=80, primary_key=True)  # "<partner>:<commission>"
    partner_id = models.UUIDField()
    commission_id = models.UUIDField(db_index=True)
    since = models.DateTimeField()
    state = models.CharField(max_length=16, default="accepted")  # requested, accepted
    requested_by = models.CharField(max_length=64, blank=True)
    rationale = models.TextField(blank=True)
    shares_documents = models.BooleanField(default=False)
    shares_members = models.BooleanField(default=False)
    shares_profile = models.BooleanField(default=False)

    class Meta:
        db_table = "rm_partner_affiliation"


# --- commission updates -------------------------------------------------------------------------


class UpdateEntry(models.Model):
    id = models.UUIDField(primary_key=True)
    commission_id = models.UUIDField()
    kind = models.CharField(max_length=32)
    title = models.JSONField()
    summary = models.JSONField(default=dict)
    body = models.JSONField()
    state = models.CharField(max_length=16)
    author = models.CharField(max_length=64)
    drafted_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True)
    withdrawn_at = models.DateTimeField(null=True)
    updated_at = models.DateTimeField()
    version = models.IntegerField()
    position = models.BigIntegerField()

    class Meta:
        db_table = "rm_update"
        indexes = [
            models.Index(fields=["state", "-published_at"], name="update_published"),
            models.Index(fields=["commission_id", "state", "-updated_at"], name="update_commission"),
        ]


# --- partnership pipeline -----------------------------------------------------------------------


class ProposalEntry(models.Model):
    id = models.UUIDField(primary_key=True)
    commission_id = models.UUIDField()
    partner_ids = models.JSONField(default=list)
    title = models.JSONField()
    summary = models.JSONField()
    state = models.CharField(max_length=16)
    proposed_by = models.CharField(max_length=64)
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.IntegerField()
    position = models.BigIntegerField()

    class Meta:
        db_table = "rm_proposal"
        indexes = [
            models.Index(fields=["state", "-updated_at"], name="proposal_state"),
            models.Index(fields=["commission_id", "state"], name="proposal_commission"),
        ]


class ProposalDecision(models.Model):
    """The decision history: review started, accepted, rejected, withdrawn, concluded."""

    position = models.BigIntegerField(primary_key=True)
    proposal_id = models.UUIDField()
    commission_id = models.UUIDField()
    action = models.CharField(max_length=16)
    state = models.CharField(max_length=16)
    decided_by = models.CharField(max_length=64)
    rationale = models.TextField(blank=True)
    decided_at = models.DateTimeField()

    class Meta:
        db_table = "rm_proposal_decision"
        indexes = [models.Index(fields=["proposal_id", "position"], name="decision_proposal")]


# --- workspaces, threads, messages ------------------------------------------------------------------


class WorkspaceEntry(models.Model):
    id = models.UUIDField(primary_key=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    commission_id = models.UUIDField(null=True)
    created_by = models.CharField(max_length=64)
    archived = models.BooleanField(default=False)
    member_count = models.IntegerField(default=0)
    created_at = models.DateTimeField()
    last_activity_at = models.DateTimeField()
    version = models.IntegerField()
    position = models.BigIntegerField()

    class Meta:
        db_table = "rm_workspace"
        indexes = [models.Index(fields=["commission_id"], name="workspace_commission")]


class WorkspaceMember(models.Model):
    key = models.CharField(max_length=120, primary_key=True)  # "<workspace>:<user>"
    workspace_id = models.UUIDField()
    user_id = models.CharField(max_length=64)
    added_by = models.CharField(max_length=64)
    added_at = models.DateTimeField()

    class Meta:
        db_table = "rm_workspace_member"
        indexes = [
            models.Index(fields=["user_id"], name="member_user"),
            models.Index(fields=["workspace_id"], name="member_workspace"),
        ]


class ThreadEntry(models.Model):
    id = models.UUIDField(primary_key=True)
    workspace_id = models.UUIDField()
    title = models.CharField(max_length=300)
    started_by = models.CharField(max_length=64)
    closed = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    last_message_at = models.DateTimeField(null=True)
    message_count = models.IntegerField(default=0)
    version = models.IntegerField()
    position = models.BigIntegerField()

    class Meta:
        db_table = "rm_thread"
        indexes = [models.Index(fields=["workspace_id", "-position"], name="thread_workspace")]


class MessageEntry(models.Model):
    id = models.UUIDField(primary_key=True)
    thread_id = models.UUIDField()
    workspace_id = models.UUIDField()
    author = models.CharField(max_length=64)
    text = models.TextField()
    mentions = models.JSONField(default=list)
    # Earlier texts, oldest first: [{"text", "replaced_at", "by"}].
    history = models.JSONField(default=list)
    retracted = models.BooleanField(default=False)
    posted_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True)
    version = models.IntegerField()
    # Position of the posting: the order of messages in a thread.
    position = models.BigIntegerField(unique=True)
    last_position = models.BigIntegerField()

    class Meta:
        db_table = "rm_message"
        indexes = [
            models.Index(fields=["thread_id", "position"], name="message_thread"),
            models.Index(fields=["workspace_id", "position"], name="message_workspace"),
        ]


# --- comments and documents --------------------------------------------------------------------------


class CommentEntry(models.Model):
    id = models.UUIDField(primary_key=True)
    resource_kind = models.CharField(max_length=16)
    resource_id = models.UUIDField()
    author = models.CharField(max_length=64)
    text = models.TextField()
    history = models.JSONField(default=list)
    retracted = models.BooleanField(default=False)
    posted_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True)
    version = models.IntegerField()
    position = models.BigIntegerField()

    class Meta:
        db_table = "rm_comment"
        indexes = [models.Index(fields=["resource_kind", "resource_id", "position"], name="comment_resource")]


class DocumentEntry(models.Model):
    id = models.UUIDField(primary_key=True)
    resource_kind = models.CharField(max_length=16)
    resource_id = models.UUIDField()
    commission_id = models.UUIDField(null=True)
    visibility = models.CharField(max_length=16)
    name = models.CharField(max_length=255)
    media_type = models.CharField(max_length=120)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_key = models.CharField(max_length=200)
    uploaded_by = models.CharField(max_length=64)
    archived = models.BooleanField(default=False)
    version_count = models.IntegerField(default=1)
    uploaded_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.IntegerField()
    position = models.BigIntegerField()

    class Meta:
        db_table = "rm_document"
        indexes = [
            models.Index(fields=["resource_kind", "resource_id", "-updated_at"], name="document_resource"),
            models.Index(fields=["commission_id", "-updated_at"], name="document_commission"),
        ]


class DocumentVersion(models.Model):
    key = models.CharField(max_length=60, primary_key=True)  # "<document>:<number>"
    document_id = models.UUIDField()
    number = models.IntegerField()
    name = models.CharField(max_length=255)
    media_type = models.CharField(max_length=120)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_key = models.CharField(max_length=200)
    added_by = models.CharField(max_length=64)
    added_at = models.DateTimeField()

    class Meta:
        db_table = "rm_document_version"
        indexes = [models.Index(fields=["document_id", "number"], name="version_document")]


# --- activity feed and indicators ---------------------------------------------------------------------


class ActivityItem(models.Model):
    """One item per event: who did what to which object, for which commission."""

    position = models.BigIntegerField(primary_key=True)
    kind = models.CharField(max_length=64)  # "message.posted"
    actor = models.CharField(max_length=64)
    object_kind = models.CharField(max_length=16)
    object_id = models.UUIDField()
    # A label of the object in ar/en/fr where known: a name, a title.
    label = models.JSONField(default=dict)
    commission_id = models.UUIDField(null=True)
    # Streams that may see this item (its workspace, for private activity).
    workspace_id = models.UUIDField(null=True)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "rm_activity"
        indexes = [
            models.Index(fields=["commission_id", "-position"], name="activity_commission"),
            models.Index(fields=["kind", "-position"], name="activity_kind"),
            models.Index(fields=["actor", "-position"], name="activity_actor"),
            models.Index(fields=["created_at"], name="activity_created"),
        ]

    def render(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "kind": self.kind,
            "actor": self.actor,
            "object": {"kind": self.object_kind, "id": str(self.object_id), "label": self.label},
            "commission_id": str(self.commission_id) if self.commission_id else None,
            "workspace_id": str(self.workspace_id) if self.workspace_id else None,
            "created_at": self.created_at.isoformat(),
        }


class DailyCounter(models.Model):
    """Counts per day, per commission ("scope" = commission id) and platform-wide
    ("scope" = "all"): the time series of the indicators."""

    key = models.CharField(max_length=120, primary_key=True)  # "<scope>|<day>|<metric>"
    scope = models.CharField(max_length=40)
    day = models.DateField()
    metric = models.CharField(max_length=40)
    value = models.IntegerField(default=0)

    class Meta:
        db_table = "rm_daily_counter"
        indexes = [models.Index(fields=["scope", "metric", "day"], name="counter_series")]


# --- live streams --------------------------------------------------------------------------------------


class StreamItem(models.Model):
    """What each live stream received, so that a client that reconnects with its
    last position gets exactly what it missed."""

    key = models.CharField(max_length=160, primary_key=True)  # "<stream>|<position:020>"
    stream = models.CharField(max_length=120)
    position = models.BigIntegerField()
    kind = models.CharField(max_length=64)
    data = models.JSONField()

    class Meta:
        db_table = "rm_stream_item"
        constraints = [models.UniqueConstraint(fields=["stream", "position"], name="stream_item_unique")]


# --- the audit's decision timeline ---------------------------------------------------------------------


class DecisionEntry(models.Model):
    """One decision of the platform's history (projections/projectors/decisions.py):
    a proposal's review started, accepted, rejected, withdrawn or concluded; an update
    published or withdrawn; a member added, removed or given another role (organisation,
    commission, partner, workspace); a secretary-general appointed; a partner affiliated.
    ``rationale`` is the decision's own words (a proposal's rationale, a withdrawal's
    reason); ``label`` names the subject as it was at the time."""

    position = models.BigIntegerField(primary_key=True)
    kind = models.CharField(max_length=64)  # "proposal.accepted"
    subject_kind = models.CharField(max_length=16)
    subject_id = models.UUIDField()
    # The commission the subject belongs to; for a partner, the commission of the
    # affiliation decided, else none (the timeline joins its affiliations).
    commission_id = models.UUIDField(null=True)
    partner_id = models.UUIDField(null=True)
    actor = models.CharField(max_length=64)
    command_id = models.CharField(max_length=128)
    decided_at = models.DateTimeField()
    rationale = models.TextField(blank=True)
    # Membership decisions: whom they are about, the role given and the one before.
    member = models.CharField(max_length=64, blank=True)
    role = models.CharField(max_length=32, blank=True)
    previous_role = models.CharField(max_length=32, blank=True)
    # State before and after, for proposals and updates: {"from": ..., "to": ...}.
    details = models.JSONField(default=dict)
    label = models.JSONField(default=dict)

    class Meta:
        db_table = "rm_decision"
        indexes = [
            models.Index(fields=["commission_id", "-position"], name="decision_commission"),
            models.Index(fields=["partner_id", "-position"], name="decision_partner"),
            models.Index(fields=["actor", "-position"], name="decision_actor"),
            models.Index(fields=["kind", "-position"], name="decision_kind"),
            models.Index(fields=["decided_at"], name="decision_time"),
            models.Index(fields=["subject_id", "-position"], name="decision_subject"),
        ]


class DecisionSubject(models.Model):
    """What the decision timeline knows of the resources decisions are about, kept by
    its own projector so that it reads no other projector's rows: the commission,
    the label, the lifecycle state and the members' roles, as of the last event."""

    id = models.UUIDField(primary_key=True)
    kind = models.CharField(max_length=16)
    commission_id = models.UUIDField(null=True)
    label = models.JSONField(default=dict)
    state = models.CharField(max_length=16, blank=True)
    roles = models.JSONField(default=dict)  # user id -> role

    class Meta:
        db_table = "rm_decision_subject"


class InvitationEntry(models.Model):
    """An invitation to join the organisation, a commission or a partner, as its events
    left it (events.invitations). Only the SHA-256 of the link's token is kept."""

    id = models.UUIDField(primary_key=True)
    email = models.CharField(max_length=254)
    token_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=16)
    scope_id = models.UUIDField()
    role = models.CharField(max_length=32)
    language = models.CharField(max_length=2)
    invited_by = models.CharField(max_length=64)
    rationale = models.TextField(blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True)
    accepted_user_id = models.CharField(max_length=64, blank=True)
    revoked_at = models.DateTimeField(null=True)
    version = models.IntegerField()
    position = models.BigIntegerField()

    class Meta:
        db_table = "rm_invitation"
        indexes = [
            models.Index(fields=["invited_by", "-created_at"], name="rm_invitation_inviter"),
            models.Index(fields=["scope", "scope_id", "-created_at"], name="rm_invitation_scope"),
        ]

    def state(self, now: dt.datetime | None = None) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= (now or dt.datetime.now(dt.UTC)):
            return "expired"
        return "pending"


class MeetingEntry(models.Model):
    """A meeting as its events left it (events.meetings): its dates, state, agenda in
    order, withdrawn items, and its participants and waiting list in their order."""

    id = models.UUIDField(primary_key=True)
    kind = models.CharField(max_length=32)
    title = models.JSONField(default=dict)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64)
    place = models.CharField(max_length=300, blank=True)
    online_link = models.CharField(max_length=2000, blank=True)
    organiser = models.CharField(max_length=64)
    commission_ids = models.JSONField(default=list)
    partner_ids = models.JSONField(default=list)
    visibility = models.CharField(max_length=16)
    capacity = models.IntegerField(null=True)
    has_waiting_list = models.BooleanField(default=True)
    state = models.CharField(max_length=16)
    reason = models.TextField(blank=True)
    # [{"id", "title", "duration_minutes", "presenter"}] in their order.
    agenda = models.JSONField(default=list)
    withdrawn = models.JSONField(default=list)  # the same, with "reason"
    current_item_id = models.UUIDField(null=True)
    registered = models.JSONField(default=list)  # person ids, in the order they registered
    waiting = models.JSONField(default=list)
    present = models.JSONField(default=list)  # checked in now
    # Agenda item id -> the people present while it was under discussion.
    attendance = models.JSONField(default=dict)
    # Every version of the minutes, oldest first: [{"number", "text", "state", "reason", "by", "at"}].
    minutes = models.JSONField(default=list)
    scheduled_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.IntegerField()
    position = models.BigIntegerField()

    class Meta:
        db_table = "rm_meeting"
        indexes = [
            models.Index(fields=["starts_at", "id"], name="meeting_start"),
            models.Index(fields=["state", "starts_at"], name="meeting_state"),
        ]
