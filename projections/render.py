"""How read-model rows are shown: one JSON rendering per kind of row, used alike
by the API, by the live streams and by the web client's pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from projections import models as m


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _id(value: UUID | None) -> str | None:
    return str(value) if value else None


def commission(entry: m.CommissionEntry) -> dict[str, Any]:
    return {
        "id": str(entry.id),
        "country": entry.country,
        "name": entry.name,
        "profile": entry.profile,
        "secretary_general": entry.secretary_general,
        "member_count": entry.member_count,
        "registered_at": _iso(entry.registered_at),
        "updated_at": _iso(entry.updated_at),
        "version": entry.version,
        "position": entry.position,
    }


def partner(entry: m.PartnerEntry) -> dict[str, Any]:
    return {
        "id": str(entry.id),
        "kind": entry.kind,
        "country": entry.country,
        "name": entry.name,
        "profile": entry.profile,
        "commission_ids": entry.commission_ids,
        "member_count": entry.member_count,
        "registered_at": _iso(entry.registered_at),
        "updated_at": _iso(entry.updated_at),
        "version": entry.version,
        "position": entry.position,
    }


def affiliation(entry: m.PartnerAffiliation) -> dict[str, Any]:
    rights = [
        right
        for right, shared in (
            ("documents", entry.shares_documents),
            ("members", entry.shares_members),
            ("profile", entry.shares_profile),
        )
        if shared
    ]
    return {
        "commission_id": str(entry.commission_id),
        "state": entry.state,
        "since": _iso(entry.since),
        "requested_by": entry.requested_by,
        "rationale": entry.rationale,
        "rights": rights,
    }


def minutes_version(version: dict[str, Any]) -> dict[str, Any]:
    return {
        "number": version["number"],
        "state": version["state"],
        "text": version["text"],
        "reason": version["reason"],
        "by": version["by"],
        "at": version["at"],
    }


def current_minutes(entry: m.MeetingEntry) -> dict[str, Any] | None:
    """The last version of the minutes, its text only once definitive: drafts and
    provisional texts are for the organisers (GET .../minutes/)."""
    if not entry.minutes:
        return None
    shown = minutes_version(entry.minutes[-1])
    if shown["state"] != "definitive":
        shown["text"] = None
    return shown


def meeting(entry: m.MeetingEntry) -> dict[str, Any]:
    """A meeting as every reader of it sees it: the participants as counts (their
    list is GET .../participants/, for its organisers), the minutes' current version
    and state (the texts of every version: GET .../minutes/)."""
    return {
        "id": str(entry.id),
        "kind": entry.kind,
        "title": entry.title,
        "starts_at": _iso(entry.starts_at),
        "ends_at": _iso(entry.ends_at),
        "time_zone": entry.time_zone,
        "place": entry.place,
        "online_link": entry.online_link,
        "organiser": entry.organiser,
        "commission_ids": entry.commission_ids,
        "partner_ids": entry.partner_ids,
        "visibility": entry.visibility,
        "capacity": entry.capacity,
        "has_waiting_list": entry.has_waiting_list,
        "state": entry.state,
        "reason": entry.reason,
        "agenda": entry.agenda,
        "withdrawn_items": entry.withdrawn,
        "current_item_id": _id(entry.current_item_id),
        "registered_count": len(entry.registered),
        "waiting_count": len(entry.waiting),
        "present_count": len(entry.present),
        "seats_left": None if entry.capacity is None else max(entry.capacity - len(entry.registered), 0),
        "minutes": current_minutes(entry),
        "minutes_versions": len(entry.minutes),
        "scheduled_at": _iso(entry.scheduled_at),
        "updated_at": _iso(entry.updated_at),
        "version": entry.version,
        "position": entry.position,
    }


def update(entry: m.UpdateEntry) -> dict[str, Any]:
    return {
        "id": str(entry.id),
        "commission_id": str(entry.commission_id),
        "kind": entry.kind,
        "title": entry.title,
        "summary": entry.summary,
        "body": entry.body,
        "state": entry.state,
        "author": entry.author,
        "drafted_at": _iso(entry.drafted_at),
        "published_at": _iso(entry.published_at),
        "withdrawn_at": _iso(entry.withdrawn_at),
        "updated_at": _iso(entry.updated_at),
        "version": entry.version,
        "position": entry.position,
    }


def decision(entry: m.ProposalDecision) -> dict[str, Any]:
    return {
        "position": entry.position,
        "action": entry.action,
        "state": entry.state,
        "decided_by": entry.decided_by,
        "rationale": entry.rationale,
        "decided_at": _iso(entry.decided_at),
    }


def proposal(entry: m.ProposalEntry, decisions: list[m.ProposalDecision] | None = None) -> dict[str, Any]:
    rendered = {
        "id": str(entry.id),
        "commission_id": str(entry.commission_id),
        "partner_ids": entry.partner_ids,
        "title": entry.title,
        "summary": entry.summary,
        "state": entry.state,
        "proposed_by": entry.proposed_by,
        "submitted_at": _iso(entry.submitted_at),
        "updated_at": _iso(entry.updated_at),
        "version": entry.version,
        "position": entry.position,
    }
    if decisions is not None:
        rendered["decisions"] = [decision(d) for d in decisions]
    return rendered


def workspace(entry: m.WorkspaceEntry) -> dict[str, Any]:
    return {
        "id": str(entry.id),
        "name": entry.name,
        "description": entry.description,
        "commission_id": _id(entry.commission_id),
        "created_by": entry.created_by,
        "archived": entry.archived,
        "member_count": entry.member_count,
        "created_at": _iso(entry.created_at),
        "last_activity_at": _iso(entry.last_activity_at),
        "version": entry.version,
        "position": entry.position,
    }


def thread(entry: m.ThreadEntry) -> dict[str, Any]:
    return {
        "id": str(entry.id),
        "workspace_id": str(entry.workspace_id),
        "title": entry.title,
        "started_by": entry.started_by,
        "closed": entry.closed,
        "started_at": _iso(entry.started_at),
        "last_message_at": _iso(entry.last_message_at),
        "message_count": entry.message_count,
        "version": entry.version,
        "position": entry.position,
    }


def message(entry: m.MessageEntry) -> dict[str, Any]:
    return {
        "id": str(entry.id),
        "thread_id": str(entry.thread_id),
        "workspace_id": str(entry.workspace_id),
        "author": entry.author,
        # A retracted message keeps its place in the thread, not its text.
        "text": "" if entry.retracted else entry.text,
        "mentions": entry.mentions,
        "retracted": entry.retracted,
        "edited": bool(entry.history),
        "posted_at": _iso(entry.posted_at),
        "edited_at": _iso(entry.edited_at),
        "version": entry.version,
        "position": entry.position,
    }


def comment(entry: m.CommentEntry) -> dict[str, Any]:
    return {
        "id": str(entry.id),
        "resource": {"kind": entry.resource_kind, "id": str(entry.resource_id)},
        "author": entry.author,
        "text": "" if entry.retracted else entry.text,
        "retracted": entry.retracted,
        "edited": bool(entry.history),
        "posted_at": _iso(entry.posted_at),
        "edited_at": _iso(entry.edited_at),
        "version": entry.version,
        "position": entry.position,
    }


def document(entry: m.DocumentEntry) -> dict[str, Any]:
    return {
        "id": str(entry.id),
        "resource": {"kind": entry.resource_kind, "id": str(entry.resource_id)},
        "commission_id": _id(entry.commission_id),
        "visibility": entry.visibility,
        "name": entry.name,
        "media_type": entry.media_type,
        "size": entry.size,
        "sha256": entry.sha256,
        "uploaded_by": entry.uploaded_by,
        "archived": entry.archived,
        "version_count": entry.version_count,
        "uploaded_at": _iso(entry.uploaded_at),
        "updated_at": _iso(entry.updated_at),
        "version": entry.version,
        "position": entry.position,
    }


def document_version(entry: m.DocumentVersion) -> dict[str, Any]:
    return {
        "number": entry.number,
        "name": entry.name,
        "media_type": entry.media_type,
        "size": entry.size,
        "sha256": entry.sha256,
        "added_by": entry.added_by,
        "added_at": _iso(entry.added_at),
    }


def membership(entry: m.Membership) -> dict[str, Any]:
    return {
        "user_id": entry.user_id,
        "scope": entry.scope,
        "scope_id": str(entry.scope_id),
        "role": entry.role,
        "since": _iso(entry.since),
    }
