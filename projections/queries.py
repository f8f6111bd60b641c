"""Read-model queries (selectors): what api/, realtime/ and web/ read.

Each function filters by the policy of events/policy.py where a list could show
something its reader may not see; object-level checks happen in the callers
through the same policy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet

from events import policy
from events.platform import application
from events.policy import ReadScope, ResourceFacts
from events.roles import Actor, Role
from projections.models import (
    ActivityItem,
    CommentEntry,
    CommissionEntry,
    DailyCounter,
    DocumentEntry,
    DocumentVersion,
    Membership,
    MessageEntry,
    PartnerAffiliation,
    PartnerEntry,
    ProjectionPosition,
    ProposalDecision,
    ProposalEntry,
    ThreadEntry,
    UpdateEntry,
    WorkspaceEntry,
    WorkspaceMember,
)
from projections.projectors import NAMES
from projections.search import normalise, query_words


def actor_for(user_id: str | None, *, is_authenticated: bool = True) -> Actor:
    """The Actor a signed-in person acts as, from their membership.

    A person with no membership (invited but not yet joined, or removed) acts as
    the public does: they can read what is published and change nothing."""
    if not user_id or not is_authenticated:
        return Actor.public()
    membership = Membership.objects.filter(user_id=user_id).first()
    if membership is None:
        return Actor(id=user_id, role=Role.PUBLIC)
    role = Role(membership.role)
    return Actor(
        id=user_id,
        role=role,
        commission_id=membership.scope_id if membership.scope == "commission" else None,
        partner_id=membership.scope_id if membership.scope == "partner" else None,
    )


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    position: int
    head: int

    @property
    def lag(self) -> int:
        return max(self.head - self.position, 0)


def projection_status() -> list[ProjectionStatus]:
    """Each projection's position and its lag behind the event store's head."""
    head = application().recorder.max_notification_id() or 0
    positions = dict(ProjectionPosition.objects.values_list("name", "position"))
    return [ProjectionStatus(name, positions.get(name, 0), head) for name in NAMES]


def membership_of(user_id: str) -> Membership | None:
    return Membership.objects.filter(user_id=user_id).first()


def scope_uuid(value: str | UUID) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


# --- the directory ---------------------------------------------------------------------------
# Commissions and partners are public: anyone reads the directory.


def _search(queryset: QuerySet[Any], q: str) -> QuerySet[Any]:
    for word in query_words(q):
        queryset = queryset.filter(search_text__icontains=word)
    return queryset


def commissions(*, q: str = "", country: str = "") -> QuerySet[CommissionEntry]:
    """The National Commissions, by country; ``q`` matches names in any script."""
    queryset = CommissionEntry.objects.all()
    if country:
        queryset = queryset.filter(country=country.strip().upper())
    return _search(queryset, q)


def commission_entry(commission_id: UUID) -> CommissionEntry | None:
    return CommissionEntry.objects.filter(id=commission_id).first()


def partners(
    *, q: str = "", country: str = "", kind: str = "", commission: UUID | None = None
) -> QuerySet[PartnerEntry]:
    """Partner institutions; ``commission`` keeps those affiliated with it."""
    queryset = PartnerEntry.objects.all()
    if country:
        queryset = queryset.filter(country=country.strip().upper())
    if kind:
        queryset = queryset.filter(kind=kind)
    if commission is not None:
        queryset = queryset.filter(
            id__in=PartnerAffiliation.objects.filter(commission_id=commission).values("partner_id")
        )
    return _search(queryset, q)


def partner_entry(partner_id: UUID) -> PartnerEntry | None:
    return PartnerEntry.objects.filter(id=partner_id).first()


def members(scope: str, scope_id: UUID) -> QuerySet[Membership]:
    """The members of the organisation, a commission or a partner, oldest first."""
    return Membership.objects.filter(scope=scope, scope_id=scope_id).order_by("since", "user_id")


def member(scope_id: UUID, user_id: str) -> Membership | None:
    return Membership.objects.filter(scope_id=scope_id, user_id=user_id).first()


# --- what the policy knows of a resource, from the read models -------------------------------------


def workspace_member_ids(workspace_id: UUID) -> frozenset[str]:
    return frozenset(
        WorkspaceMember.objects.filter(workspace_id=workspace_id).values_list("user_id", flat=True)
    )


def resource_facts(kind: str, resource_id: UUID) -> ResourceFacts | None:
    """The policy's view of a commission, partner, update, proposal, workspace or
    document, or None when there is no such resource."""
    if kind == "commission":
        if not CommissionEntry.objects.filter(id=resource_id).exists():
            return None
        return ResourceFacts(kind="commission", commission_id=resource_id, public=True)
    if kind == "partner":
        partner = partner_entry(resource_id)
        if partner is None:
            return None
        return ResourceFacts(
            kind="partner",
            partner_id=partner.id,
            commission_ids=frozenset(UUID(c) for c in partner.commission_ids),
            public=True,
        )
    if kind == "update":
        update = UpdateEntry.objects.filter(id=resource_id).first()
        if update is None:
            return None
        return ResourceFacts(
            kind="update", commission_id=update.commission_id, public=update.state == "published"
        )
    if kind == "proposal":
        proposal = ProposalEntry.objects.filter(id=resource_id).first()
        if proposal is None:
            return None
        return ResourceFacts(
            kind="proposal",
            commission_id=proposal.commission_id,
            partner_ids=frozenset(UUID(p) for p in proposal.partner_ids),
        )
    if kind == "workspace":
        workspace = WorkspaceEntry.objects.filter(id=resource_id).first()
        if workspace is None:
            return None
        return ResourceFacts(
            kind="workspace",
            commission_id=workspace.commission_id,
            member_ids=workspace_member_ids(workspace.id),
            created_by=workspace.created_by,
        )
    if kind == "document":
        document = DocumentEntry.objects.filter(id=resource_id).first()
        return document_facts(document) if document else None
    return None


def document_facts(document: DocumentEntry) -> ResourceFacts | None:
    """A document is seen as its resource is, and is public only when both are."""
    facts = resource_facts(document.resource_kind, document.resource_id)
    if facts is None:
        return None
    return ResourceFacts(
        kind=facts.kind,
        commission_id=facts.commission_id,
        commission_ids=facts.commission_ids,
        partner_id=facts.partner_id,
        partner_ids=facts.partner_ids,
        member_ids=facts.member_ids,
        created_by=facts.created_by,
        public=facts.public and document.visibility == "public",
    )


def may_read(actor: Actor, kind: str, resource_id: UUID) -> bool:
    facts = resource_facts(kind, resource_id)
    return facts is not None and policy.may_read_resource(actor, facts)


# --- lists filtered by the policy ----------------------------------------------------------------------


def _my_workspaces(scope: ReadScope) -> QuerySet[WorkspaceMember, UUID]:
    """The ids of the workspaces a person is a member of (a subquery)."""
    return WorkspaceMember.objects.filter(user_id=scope.user_id or "").values_list(
        "workspace_id", flat=True
    )


def updates(
    actor: Actor, *, commission: UUID | None = None, state: str = "", kind: str = ""
) -> QuerySet[UpdateEntry]:
    """Commission updates the actor may read: published ones, and every state of
    their own commission's (all of them for the secretariat and auditors)."""
    scope = policy.read_scope(actor)
    queryset = UpdateEntry.objects.all()
    if not scope.everything:
        visible = Q(state="published")
        if scope.commission_id:
            visible |= Q(commission_id=scope.commission_id)
        queryset = queryset.filter(visible)
    if commission is not None:
        queryset = queryset.filter(commission_id=commission)
    if state:
        queryset = queryset.filter(state=state)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def update_entry(actor: Actor, update_id: UUID) -> UpdateEntry | None:
    """The update, or None when there is none the actor may read."""
    update = UpdateEntry.objects.filter(id=update_id).first()
    if update is None or not policy.may_read_update(
        actor, update.commission_id, update.state == "published"
    ):
        return None
    return update


def proposals(
    actor: Actor, *, commission: UUID | None = None, state: str = ""
) -> QuerySet[ProposalEntry]:
    """Proposals the actor may read: their commission's, those naming their partner
    institution, every one for the secretariat and auditors."""
    scope = policy.read_scope(actor)
    queryset = ProposalEntry.objects.all()
    if not scope.everything:
        visible = Q(pk__in=[])
        if scope.commission_id:
            visible |= Q(commission_id=scope.commission_id)
        if scope.partner_id:
            # partner_ids is a JSON list of UUID strings: a textual match is exact enough.
            visible |= Q(partner_ids__icontains=str(scope.partner_id))
        queryset = queryset.filter(visible)
    if commission is not None:
        queryset = queryset.filter(commission_id=commission)
    if state:
        queryset = queryset.filter(state=state)
    return queryset


def proposal_entry(actor: Actor, proposal_id: UUID) -> ProposalEntry | None:
    proposal = ProposalEntry.objects.filter(id=proposal_id).first()
    if proposal is None or not policy.may_read_proposal(
        actor, proposal.commission_id, {UUID(p) for p in proposal.partner_ids}
    ):
        return None
    return proposal


def decisions(proposal_id: UUID) -> list[ProposalDecision]:
    return list(ProposalDecision.objects.filter(proposal_id=proposal_id).order_by("position"))


def workspaces(actor: Actor, *, every_readable: bool = False) -> QuerySet[WorkspaceEntry]:
    """The workspaces the actor is a member of; with ``every_readable``, every workspace
    they may read (all of them for the secretariat and auditors)."""
    scope = policy.read_scope(actor)
    if every_readable and scope.everything:
        return WorkspaceEntry.objects.all()
    if not actor.is_authenticated:
        return WorkspaceEntry.objects.none()
    return WorkspaceEntry.objects.filter(id__in=_my_workspaces(ReadScope(user_id=actor.id)))


def workspace_entry(actor: Actor, workspace_id: UUID) -> WorkspaceEntry | None:
    workspace = WorkspaceEntry.objects.filter(id=workspace_id).first()
    if workspace is None or not policy.may_read_workspace(
        actor, workspace_member_ids(workspace.id)
    ):
        return None
    return workspace


def workspace_row(workspace_id: UUID) -> WorkspaceEntry | None:
    """The workspace whoever asks: for commands that decide permission themselves
    (its managers need not be members)."""
    return WorkspaceEntry.objects.filter(id=workspace_id).first()


def workspace_members(workspace_id: UUID) -> QuerySet[WorkspaceMember]:
    return WorkspaceMember.objects.filter(workspace_id=workspace_id).order_by("added_at", "user_id")


def threads(workspace_id: UUID) -> QuerySet[ThreadEntry]:
    return ThreadEntry.objects.filter(workspace_id=workspace_id)


def threads_of(workspace_ids: Iterable[UUID]) -> QuerySet[ThreadEntry]:
    return ThreadEntry.objects.filter(workspace_id__in=list(workspace_ids))


def thread_row(thread_id: UUID) -> ThreadEntry | None:
    """The thread whoever asks (for moderation commands, which check permission)."""
    return ThreadEntry.objects.filter(id=thread_id).first()


def thread_entry(actor: Actor, thread_id: UUID) -> ThreadEntry | None:
    thread = ThreadEntry.objects.filter(id=thread_id).first()
    if thread is None or not policy.may_read_workspace(
        actor, workspace_member_ids(thread.workspace_id)
    ):
        return None
    return thread


def messages(thread_id: UUID, *, after: int | None = None) -> QuerySet[MessageEntry]:
    """The messages of a thread; ``after`` keeps those posted after a position."""
    queryset = MessageEntry.objects.filter(thread_id=thread_id)
    if after is not None:
        queryset = queryset.filter(position__gt=after)
    return queryset


def message_entry(actor: Actor, message_id: UUID) -> MessageEntry | None:
    message = MessageEntry.objects.filter(id=message_id).first()
    if message is None or not policy.may_read_workspace(
        actor, workspace_member_ids(message.workspace_id)
    ):
        return None
    return message


def comments(resource_kind: str, resource_id: UUID) -> QuerySet[CommentEntry]:
    """The comments on one resource (the caller checks that the actor may read it)."""
    return CommentEntry.objects.filter(resource_kind=resource_kind, resource_id=resource_id)


def comment_entry(actor: Actor, comment_id: UUID) -> CommentEntry | None:
    comment = CommentEntry.objects.filter(id=comment_id).first()
    if comment is None or not may_read(actor, comment.resource_kind, comment.resource_id):
        return None
    return comment


def documents(
    actor: Actor,
    *,
    resource_kind: str = "",
    resource_id: UUID | None = None,
    commission: UUID | None = None,
) -> QuerySet[DocumentEntry]:
    """Documents the actor may read: public documents of public resources, and
    internal ones of the resources they may read (events.policy.may_read_resource)."""
    scope = policy.read_scope(actor)
    queryset = DocumentEntry.objects.all()
    if not scope.everything:
        published = UpdateEntry.objects.filter(state="published").values("id")
        visible = Q(visibility="public") & (
            Q(resource_kind__in=["commission", "partner"])
            | Q(resource_kind="update", resource_id__in=published)
        )
        if scope.commission_id:
            affiliated = PartnerAffiliation.objects.filter(
                commission_id=scope.commission_id
            ).values("partner_id")
            visible |= Q(resource_kind__in=["commission", "update", "proposal"],
                         commission_id=scope.commission_id)
            visible |= Q(resource_kind="partner", resource_id__in=affiliated)
        if scope.partner_id:
            named = ProposalEntry.objects.filter(
                partner_ids__icontains=str(scope.partner_id)
            ).values("id")
            visible |= Q(resource_kind="partner", resource_id=scope.partner_id)
            visible |= Q(resource_kind="proposal", resource_id__in=named)
        if scope.user_id:
            visible |= Q(resource_kind="workspace", resource_id__in=_my_workspaces(scope))
        queryset = queryset.filter(visible)
    if resource_kind:
        queryset = queryset.filter(resource_kind=resource_kind)
    if resource_id is not None:
        queryset = queryset.filter(resource_id=resource_id)
    if commission is not None:
        queryset = queryset.filter(commission_id=commission)
    return queryset


def document_entry(actor: Actor, document_id: UUID) -> DocumentEntry | None:
    document = DocumentEntry.objects.filter(id=document_id).first()
    if document is None:
        return None
    facts = document_facts(document)
    if facts is None or not policy.may_read_resource(actor, facts):
        return None
    return document


def document_versions(document_id: UUID) -> QuerySet[DocumentVersion]:
    return DocumentVersion.objects.filter(document_id=document_id).order_by("number")


def document_version(document_id: UUID, number: int | None = None) -> DocumentVersion | None:
    """One version of a document; the latest without ``number``."""
    versions = DocumentVersion.objects.filter(document_id=document_id)
    if number is None:
        return versions.order_by("-number").first()
    return versions.filter(number=number).first()


# --- the activity feed -------------------------------------------------------------------------


def activity(
    actor: Actor,
    *,
    commission: UUID | None = None,
    kind: str = "",
    actor_id: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[ActivityItem]:
    """The activity items the actor may read (events.policy.may_read_activity):
    everything for the secretariat and auditors; their commission's activity
    outside workspaces; the activity of the workspaces they belong to."""
    scope = policy.read_scope(actor)
    queryset = ActivityItem.objects.all()
    if not scope.everything:
        visible = Q(pk__in=[])
        if scope.commission_id:
            visible |= Q(workspace_id__isnull=True, commission_id=scope.commission_id)
        if scope.user_id:
            visible |= Q(workspace_id__in=_my_workspaces(scope))
        queryset = queryset.filter(visible)
    if commission is not None:
        queryset = queryset.filter(commission_id=commission)
    if kind:
        # "message" matches every message.* kind; "message.posted" one kind.
        queryset = queryset.filter(kind=kind) if "." in kind else queryset.filter(
            kind__startswith=f"{kind}."
        )
    if actor_id:
        queryset = queryset.filter(actor=actor_id)
    if since is not None:
        queryset = queryset.filter(created_at__gte=since)
    if until is not None:
        queryset = queryset.filter(created_at__lt=until)
    return queryset


# --- unread counts --------------------------------------------------------------------------------


def unread_counts(
    user_id: str,
    *,
    thread_ids: Iterable[UUID] = (),
    workspace_ids: Iterable[UUID] = (),
    read_up_to: Mapping[UUID, int],
) -> dict[UUID, int]:
    """Messages by others, not retracted, after the reader's marker (``read_up_to``:
    thread or workspace id -> position read), per thread and per workspace."""
    counts: dict[UUID, int] = {}
    thread_ids, workspace_ids = list(thread_ids), list(workspace_ids)
    base = MessageEntry.objects.exclude(author=user_id).exclude(retracted=True)

    def already_read(ids: Iterable[UUID], field: str) -> Q:
        read = Q(pk__in=[])
        for object_id in ids:
            if read_up_to.get(object_id):
                read |= Q(**{field: object_id, "position__lte": read_up_to[object_id]})
        return read

    if thread_ids:
        per_thread = (
            base.filter(thread_id__in=thread_ids)
            .exclude(already_read(thread_ids, "thread_id"))
            .values("thread_id")
            .annotate(n=Count("id"))
        )
        counts.update({row["thread_id"]: row["n"] for row in per_thread})
    if workspace_ids:
        thread_of = ThreadEntry.objects.filter(workspace_id__in=workspace_ids).values_list(
            "id", flat=True
        )
        per_workspace = (
            base.filter(workspace_id__in=workspace_ids)
            .exclude(already_read(thread_of, "thread_id"))
            .exclude(already_read(workspace_ids, "workspace_id"))
            .values("workspace_id")
            .annotate(n=Count("id"))
        )
        counts.update({row["workspace_id"]: row["n"] for row in per_workspace})
    return counts


# --- indicators -------------------------------------------------------------------------------------


def indicators(
    commission: UUID | None, *, days: int = 30, today: dt.date | None = None
) -> dict[str, Any]:
    """The figures of a commission (or of the platform without ``commission``) and
    their daily series over the last ``days`` days (from DailyCounter)."""
    today = today or dt.datetime.now(dt.UTC).date()
    start = today - dt.timedelta(days=days - 1)
    month_ago = dt.datetime.combine(today, dt.time.min, tzinfo=dt.UTC) - dt.timedelta(days=29)

    def scoped(queryset: QuerySet[Any], field: str = "commission_id") -> QuerySet[Any]:
        return queryset.filter(**{field: commission}) if commission else queryset

    proposals_by_state = dict(
        scoped(ProposalEntry.objects.all())
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    workspaces_of = WorkspaceEntry.objects.filter(commission_id=commission).values("id")
    messages = MessageEntry.objects.all()
    if commission:
        messages = messages.filter(workspace_id__in=workspaces_of)
    active = scoped(ActivityItem.objects.filter(created_at__gte=month_ago))
    scope_key = str(commission) if commission else "all"
    series: dict[str, list[dict[str, Any]]] = {}
    for row in DailyCounter.objects.filter(scope=scope_key, day__gte=start, day__lte=today).order_by(
        "metric", "day"
    ):
        series.setdefault(row.metric, []).append({"day": row.day.isoformat(), "value": row.value})
    return {
        "commission_id": str(commission) if commission else None,
        "updates_published": scoped(UpdateEntry.objects.filter(state="published")).count(),
        "proposals_by_state": proposals_by_state,
        "active_partnerships": proposals_by_state.get("concluded", 0),
        "documents": scoped(DocumentEntry.objects.filter(archived=False)).count(),
        "messages": messages.filter(retracted=False).count(),
        "members_active_30_days": active.exclude(actor__in=["", "system"])
        .values("actor")
        .distinct()
        .count(),
        "days": days,
        "series": series,
    }


# --- search --------------------------------------------------------------------------------------------

SEARCH_SCAN_LIMIT = 2000


def search(actor: Actor, q: str, *, limit: int = 20) -> dict[str, list[Any]]:
    """Commissions, partners and the updates the actor may read whose names or
    titles contain every word of ``q`` (Arabic and Latin script, see search.py).

    Updates have no search column: the most recent SEARCH_SCAN_LIMIT readable ones
    are matched here, in Python."""
    words = query_words(q)
    if not words:
        return {"commissions": [], "partners": [], "updates": []}
    found_updates: list[UpdateEntry] = []
    for update in updates(actor).order_by("-updated_at")[:SEARCH_SCAN_LIMIT]:
        text = normalise(" ".join([*update.title.values(), *update.summary.values()]))
        if all(word in text for word in words):
            found_updates.append(update)
            if len(found_updates) >= limit:
                break
    return {
        "commissions": list(commissions(q=q)[:limit]),
        "partners": list(partners(q=q).order_by("-registered_at")[:limit]),
        "updates": found_updates,
    }


# --- live streams (the web client's pages) -------------------------------------------------------


def stream_position(stream: str) -> int:
    """The position of the last item a live stream received (0 when none): a page
    rendered now subscribes after it and receives everything newer."""
    from projections.models import StreamItem

    last = StreamItem.objects.filter(stream=stream).order_by("-position").values_list("position", flat=True)
    return int(last.first() or 0)


def messages_before(thread_id: UUID, *, before: int | None = None, limit: int = 50) -> list[MessageEntry]:
    """The last ``limit`` messages of a thread (before a position), oldest first."""
    queryset = MessageEntry.objects.filter(thread_id=thread_id)
    if before is not None:
        queryset = queryset.filter(position__lt=before)
    return list(reversed(queryset.order_by("-position")[:limit]))


def indicator_totals(metric: str, *, days: int = 30, today: dt.date | None = None) -> dict[str, int]:
    """One indicator summed over the last ``days`` days, per commission id (and "all")."""
    from django.db.models import Sum

    today = today or dt.datetime.now(dt.UTC).date()
    start = today - dt.timedelta(days=days - 1)
    rows = (
        DailyCounter.objects.filter(metric=metric, day__gte=start, day__lte=today)
        .values("scope")
        .annotate(total=Sum("value"))
    )
    return {row["scope"]: int(row["total"] or 0) for row in rows}
