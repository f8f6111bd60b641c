"""How far each projection is: its position and its lag behind the event store."""

from __future__ import annotations

from dataclasses import dataclass

from events.platform import application
from projections.models import ProjectionPosition
from projections.projectors import NAMES


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
