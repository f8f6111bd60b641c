"""Every projector, in the order a batch applies them (sources before readers)."""

from __future__ import annotations

from collections.abc import Iterable

from projections.base import Projector
from projections.projectors.activity import ActivityProjector, IndicatorsProjector
from projections.projectors.decisions import DecisionsProjector
from projections.projectors.directory import DirectoryProjector
from projections.projectors.invitations import InvitationsProjector
from projections.projectors.library import CommentsProjector, DocumentsProjector
from projections.projectors.live import LiveStreamsProjector
from projections.projectors.meetings import MeetingsProjector
from projections.projectors.memberships import MembershipProjector
from projections.projectors.pipeline import PipelineProjector
from projections.projectors.updates import UpdatesProjector
from projections.projectors.workspaces import WorkspacesProjector

PROJECTOR_CLASSES: tuple[type[Projector], ...] = (
    MembershipProjector,
    DirectoryProjector,
    InvitationsProjector,
    MeetingsProjector,
    UpdatesProjector,
    PipelineProjector,
    WorkspacesProjector,
    CommentsProjector,
    DocumentsProjector,
    DecisionsProjector,
    ActivityProjector,
    IndicatorsProjector,
    LiveStreamsProjector,
)
NAMES = tuple(cls.name for cls in PROJECTOR_CLASSES)


def all_projectors() -> list[Projector]:
    return [cls() for cls in PROJECTOR_CLASSES]


def with_dependencies(names: Iterable[str]) -> list[Projector]:
    """The named projectors and those they read, in batch order."""
    by_name = {cls.name: cls for cls in PROJECTOR_CLASSES}
    unknown = sorted(set(names) - set(by_name))
    if unknown:
        raise KeyError(f"unknown projections: {', '.join(unknown)} (known: {', '.join(NAMES)})")
    wanted: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name not in wanted:
            wanted.add(name)
            pending.extend(by_name[name].depends_on)
    return [cls() for cls in PROJECTOR_CLASSES if cls.name in wanted]
