"""Translated names of the platform's vocabulary: event kinds, states, roles, kinds.

The keys are the stable names the events and read models use; the values are
what people read, through Django's i18n (web/locale).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# What happened, as a short phrase after the actor's name ("Salma posted a message").
ACTIVITY = {
    "comment.posted": _("commented on"),
    "comment.edited": _("edited a comment on"),
    "comment.retracted": _("retracted a comment on"),
    "commission.registered": _("registered the commission"),
    "commission.profile_updated": _("updated the profile of"),
    "commission.secretary_general_appointed": _("appointed the secretary-general of"),
    "commission.member_joined": _("added a member to"),
    "commission.member_left": _("removed a member from"),
    "commission.member_role_changed": _("changed a member's role in"),
    "document.uploaded": _("uploaded"),
    "document.version_added": _("added a version of"),
    "document.archived": _("archived"),
    "message.posted": _("posted a message in"),
    "message.edited": _("edited a message in"),
    "message.retracted": _("retracted a message in"),
    "organisation.registered": _("registered the organisation"),
    "organisation.member_joined": _("added a member to the organisation"),
    "organisation.member_left": _("removed a member from the organisation"),
    "organisation.member_role_changed": _("changed a role in the organisation"),
    "partner.registered": _("registered the partner"),
    "partner.profile_updated": _("updated the profile of"),
    "partner.affiliated_with_commission": _("affiliated the partner"),
    "partner.member_joined": _("added a member to"),
    "partner.member_left": _("removed a member from"),
    "partner.member_role_changed": _("changed a member's role in"),
    "partner.affiliation_requested": _("asked to affiliate with"),
    "partner.affiliation_accepted": _("accepted an affiliation of"),
    "partner.affiliation_declined": _("declined an affiliation of"),
    "partner.affiliation_ended": _("ended an affiliation of"),
    "partner.access_granted": _("shared access to"),
    "partner.access_revoked": _("revoked access to"),
    "invitation.sent": _("invited someone to"),
    "invitation.accepted": _("accepted an invitation to"),
    "invitation.revoked": _("revoked an invitation to"),
    "meeting.scheduled": _("scheduled the meeting"),
    "meeting.convened": _("convened"),
    "meeting.opened": _("opened"),
    "meeting.closed": _("closed"),
    "meeting.minutes_drafted": _("drafted the minutes of"),
    "meeting.minutes_corrected": _("corrected the minutes of"),
    "meeting.minutes_circulated": _("circulated the provisional minutes of"),
    "meeting.minutes_adopted": _("adopted the minutes of"),
    "meeting.postponed": _("postponed"),
    "meeting.cancelled": _("cancelled"),
    "meeting.agenda_item_added": _("added an agenda item to"),
    "meeting.agenda_item_withdrawn": _("withdrew an agenda item from"),
    "meeting.agenda_reordered": _("reordered the agenda of"),
    "meeting.current_item_set": _("moved to an agenda item of"),
    "meeting.registered": _("registered for"),
    "meeting.wait_listed": _("joined the waiting list of"),
    "meeting.registration_cancelled": _("cancelled a registration for"),
    "meeting.promoted_from_waiting_list": _("gave a seat from the waiting list of"),
    "meeting.checked_in": _("checked in to"),
    "meeting.left": _("left"),
    "proposal.submitted": _("submitted the proposal"),
    "proposal.revised": _("revised the proposal"),
    "proposal.review_started": _("started reviewing"),
    "proposal.accepted": _("accepted"),
    "proposal.rejected": _("rejected"),
    "proposal.withdrawn": _("withdrew"),
    "proposal.concluded": _("concluded"),
    "thread.started": _("started the thread"),
    "thread.renamed": _("renamed the thread"),
    "thread.closed": _("closed the thread"),
    "update.drafted": _("drafted"),
    "update.revised": _("revised"),
    "update.published": _("published"),
    "update.withdrawn": _("withdrew"),
    "workspace.created": _("created the workspace"),
    "workspace.member_added": _("added a member to"),
    "workspace.member_removed": _("removed a member from"),
    "workspace.archived": _("archived the workspace"),
}

# The families of kinds the feed can be filtered by.
ACTIVITY_FAMILIES = {
    "message": _("Messages"),
    "thread": _("Threads"),
    "workspace": _("Workspaces"),
    "update": _("Commission updates"),
    "proposal": _("Partnership proposals"),
    "document": _("Documents"),
    "comment": _("Comments"),
    "commission": _("Commissions"),
    "partner": _("Partners"),
    "organisation": _("Organisation"),
    "invitation": _("Invitations"),
    "meeting": _("Meetings"),
}

PROPOSAL_STATES = {
    "submitted": _("Submitted"),
    "under_review": _("Under review"),
    "accepted": _("Accepted"),
    "concluded": _("Concluded"),
    "rejected": _("Rejected"),
    "withdrawn": _("Withdrawn"),
}

# The decisions the board offers, with the phrase of their button.
PROPOSAL_ACTIONS = {
    "start_review": _("Start review"),
    "accept": _("Accept"),
    "reject": _("Reject"),
    "conclude": _("Conclude"),
    "withdraw": _("Withdraw"),
}

UPDATE_STATES = {
    "draft": _("Draft"),
    "published": _("Published"),
    "withdrawn": pgettext_lazy("update state", "Withdrawn"),
}

UPDATE_KINDS = {
    "news": _("News"),
    "activity_report": _("Activity report"),
    "publication": _("Publication"),
}

PARTNER_KINDS = {
    "school": _("School"),
    "club": _("Club"),
    "chair": _("Scientific chair"),
    "university": _("University"),
    "research_centre": _("Research centre"),
    "ngo": _("NGO"),
    "organisation": _("Organisation"),
    "other": _("Other"),
}

ROLES = {
    "secretariat": _("Secretariat"),
    "secretary_general": _("Secretary-general"),
    "staff": _("Commission staff"),
    "partner_manager": _("Partner manager"),
    "partner": _("Partner"),
    "auditor": _("Auditor"),
    "public": _("Visitor"),
    "system": _("The platform"),
}

RESOURCE_KINDS = {
    "commission": _("Commission"),
    "partner": _("Partner"),
    "update": _("Commission update"),
    "proposal": _("Partnership proposal"),
    "workspace": _("Workspace"),
    "thread": _("Thread"),
    "message": _("Message"),
    "document": _("Document"),
    "comment": _("Comment"),
    "organisation": _("Organisation"),
}

VISIBILITIES = {"internal": _("Internal"), "public": _("Public")}

# Indicator series names (projections/projectors/activity.py METRICS).
METRICS = {
    "actions": _("All actions"),
    "messages_posted": _("Messages posted"),
    "updates_published": _("Updates published"),
    "proposals_submitted": _("Proposals submitted"),
    "proposals_accepted": _("Proposals accepted"),
    "partnerships_concluded": _("Partnerships concluded"),
    "documents_uploaded": _("Documents uploaded"),
    "comments_posted": _("Comments posted"),
    "partners_registered": _("Partners registered"),
}


def label(table: dict[str, object], key: str) -> str:
    """The translated label of ``key``, or the key itself when it is new to this table."""
    return str(table.get(key, key))


MEETING_KINDS = {
    "governing_body_session": _("Session of a governing body"),
    "ministerial_conference": _("Specialised ministerial conference"),
    "secretaries_general_meeting": _("Meeting of the secretaries-general"),
    "bilateral_meeting": _("Bilateral meeting"),
    "training": _("Training session"),
    "workshop": _("Workshop or seminar"),
    "visit": _("Working visit"),
    "other": _("Other meeting"),
}

MEETING_STATES = {
    "planned": _("Planned"),
    "convened": _("Convened"),
    "in_progress": _("In progress"),
    "closed": _("Closed"),
    "minutes_adopted": _("Minutes adopted"),
    "cancelled": _("Cancelled"),
}

MINUTES_STATES = {
    "draft": _("Draft"),
    "provisional": _("Provisional"),
    "definitive": _("Definitive"),
}

MEETING_VISIBILITIES = {
    "public": _("Public"),
    "members": _("Members of the platform"),
    "invited": _("Invited participants only"),
}
