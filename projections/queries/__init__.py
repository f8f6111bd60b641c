"""Read-model queries (selectors): what api/, realtime/ and web/ read, one module per context.

Each function filters by the policy of events/policy.py where a list could show
something its reader may not see; object-level checks happen in the callers
through the same policy. Callers read them through this package
(``queries.workspace_entry(actor, id)``); a new query goes into its context's
module and into the imports below. Where a module shares its name with one of
its queries (workspaces, updates, activity, comments, indicators, search), the
name read through this package is the query.
"""

from projections.queries.access import (
    document_facts,
    may_read,
    partner_facts,
    resource_facts,
    workspace_member_ids,
    workspaces_of_member,
)
from projections.queries.activity import activity
from projections.queries.comments import comment_entry, comments
from projections.queries.directory import (
    affiliations,
    commission_entry,
    commissions,
    partner_entry,
    partners,
    scope_uuid,
)
from projections.queries.indicators import indicator_totals, indicators
from projections.queries.invitations import invitation_entry, invitation_of_token, visible_invitations
from projections.queries.library import document_entry, document_version, document_versions, documents
from projections.queries.live import stream_position
from projections.queries.meetings import meeting_entry, meeting_participants, meetings
from projections.queries.memberships import actor_for, member, members, membership_of
from projections.queries.people import accounts
from projections.queries.pipeline import decisions, proposal_entry, proposals
from projections.queries.search import search
from projections.queries.status import ProjectionStatus, projection_status
from projections.queries.updates import update_entry, updates
from projections.queries.workspaces import (
    message_entry,
    messages,
    messages_before,
    thread_entry,
    thread_row,
    threads,
    threads_of,
    unread_counts,
    workspace_entry,
    workspace_members,
    workspace_row,
    workspaces,
)

__all__ = [
    "ProjectionStatus",
    "accounts",
    "activity",
    "actor_for",
    "affiliations",
    "comment_entry",
    "comments",
    "commission_entry",
    "commissions",
    "decisions",
    "document_entry",
    "document_facts",
    "document_version",
    "document_versions",
    "documents",
    "indicator_totals",
    "indicators",
    "invitation_entry",
    "invitation_of_token",
    "may_read",
    "meeting_entry",
    "meeting_participants",
    "meetings",
    "member",
    "members",
    "membership_of",
    "message_entry",
    "messages",
    "messages_before",
    "partner_entry",
    "partner_facts",
    "partners",
    "projection_status",
    "proposal_entry",
    "proposals",
    "resource_facts",
    "scope_uuid",
    "search",
    "stream_position",
    "thread_entry",
    "thread_row",
    "threads",
    "threads_of",
    "unread_counts",
    "update_entry",
    "updates",
    "visible_invitations",
    "workspace_entry",
    "workspace_member_ids",
    "workspace_members",
    "workspace_row",
    "workspaces",
    "workspaces_of_member",
]
