"""The decision timeline (selector): every decision, filtered, newest first.

Read by the audit API and the CLI, for readers events.policy.may_read_history
allows (they read everything, so rows are not filtered further).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet

from projections.models import DecisionEntry, PartnerAffiliation
from projections.projectors.decisions import DECISION_KINDS

__all__ = ["DECISION_KINDS", "DecisionFilter", "decisions", "render", "unknown_kinds"]


@dataclass(frozen=True, slots=True)
class DecisionFilter:
    """Filters of the timeline; each one given narrows it.

    ``kinds``: decision kinds ("proposal.accepted") or their subject kind alone
    ("proposal", every decision about proposals).
    ``commission_id``: decisions about the commission and what belongs to it
    (its proposals, updates, workspaces), and about partners affiliated with it.
    ``since``/``until``: the decision's time, from ``since`` (included) to
    ``until`` (excluded), as the activity feed's filters."""

    commission_id: UUID | None = None
    actor: str | None = None
    kinds: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    subject_id: UUID | None = None
    member: str | None = None


def unknown_kinds(kinds: Iterable[str]) -> list[str]:
    """The names in ``kinds`` that are neither a decision kind nor a subject kind."""
    subjects = {kind.split(".", 1)[0] for kind in DECISION_KINDS}
    return sorted(k for k in kinds if k not in DECISION_KINDS and k not in subjects)


def decisions(selection: DecisionFilter) -> QuerySet[DecisionEntry]:
    """The decisions matching ``selection``, newest first."""
    rows = DecisionEntry.objects.all()
    if selection.commission_id is not None:
        affiliated = PartnerAffiliation.objects.filter(commission_id=selection.commission_id).values(
            "partner_id"
        )
        rows = rows.filter(Q(commission_id=selection.commission_id) | Q(partner_id__in=affiliated))
    if selection.actor:
        rows = rows.filter(actor=selection.actor)
    if selection.kinds:
        exact = [k for k in selection.kinds if "." in k]
        subjects = [k for k in selection.kinds if "." not in k]
        rows = rows.filter(Q(kind__in=exact) | Q(subject_kind__in=subjects))
    if selection.since is not None:
        rows = rows.filter(decided_at__gte=selection.since)
    if selection.until is not None:
        rows = rows.filter(decided_at__lt=selection.until)
    if selection.subject_id is not None:
        rows = rows.filter(subject_id=selection.subject_id)
    if selection.member:
        rows = rows.filter(member=selection.member)
    return rows.order_by("-position")


def render(entry: DecisionEntry) -> dict[str, Any]:
    return {
        "position": entry.position,
        "kind": entry.kind,
        "subject": {"kind": entry.subject_kind, "id": str(entry.subject_id), "label": entry.label},
        "commission_id": str(entry.commission_id) if entry.commission_id else None,
        "partner_id": str(entry.partner_id) if entry.partner_id else None,
        "actor": entry.actor,
        "command_id": entry.command_id,
        "decided_at": entry.decided_at.isoformat(),
        "rationale": entry.rationale,
        "member": entry.member or None,
        "role": entry.role or None,
        "previous_role": entry.previous_role or None,
        "details": entry.details,
    }
